"""The case conference pages (mission 5): who opens them, what each reads of the patient (the
name only for who sees the patient in the pathways, each showing journaled; « Cas n° … » for
the invitees outside the care team), the request and its pseudonymisation, the scheduling.

The fixtures here serve the other test_pages_conferences* and test_pages_evaluation* modules."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.journal import Action
from maillon.core.missions import Mission
from maillon.core.models import JournalEntry
from maillon.meetings.factories import InvitationFactory
from maillon.meetings.models import Meeting, MeetingStatus
from maillon.quality.factories import CaseConferenceFactory
from maillon.quality.models import CaseConference, ConferenceStatus

from ..conftest import verified_client
from ..pathways.test_pages_access import (  # noqa: F401 (fixtures)
    adherent,
    inclusion_fixture,
    lead_fixture,
    outsider_fixture,
    programme_fixture,
    teammate_fixture,
)
from ..www.english import english_strings_in

pytestmark = pytest.mark.django_db

PATIENT = "Durandal"  # the inclusion's birth name (tests/pathways/test_pages_access.py)


@pytest.fixture(name="invitee")
def invitee_fixture(cpts):
    """An adherent invited to the conference, outside the patient's care team."""
    return adherent(cpts, first_name="Marc", last_name="Invité")


@pytest.fixture(name="other_coordinator")
def other_coordinator_fixture(other_cpts):
    return CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user


@pytest.fixture(name="conference")
def conference_fixture(cpts, inclusion, lead, teammate, invitee):
    """Scheduled (its meeting's date fixed yesterday), asked for by the lead, on the patient; the
    lead, the teammate and the invitee are invited."""
    conference = CaseConferenceFactory(
        cpts=cpts, inclusion=inclusion, scheduled=True, requested_by=lead.professional.user
    )
    for membership in (lead, teammate, invitee):
        InvitationFactory(meeting=conference.meeting, membership=membership)
    return conference


def users(coordinator, lead, teammate, invitee, outsider, other_coordinator) -> dict:
    return {
        "coordinator": coordinator,
        "requester": lead.professional.user,
        "teammate": teammate.professional.user,
        "invitee": invitee.professional.user,
        "outsider": outsider.professional.user,
        "other_coordinator": other_coordinator,
    }


def names_patient(page: str) -> bool:
    """The patient's birth name, in any case (a list writes it in capitals), or their first name."""
    return PATIENT.upper() in page.upper() or "Odile" in page


def text(response) -> str:
    return unescape(response.content.decode())


def url(name, conference, *args) -> str:
    return reverse(name, args=[conference.cpts.slug, conference.pk, *args])


def inclusion_reads(inclusion, user, note=None):
    rows = JournalEntry.objects.filter(
        action=Action.READ, object_type="pathways.Inclusion", object_id=str(inclusion.pk), actor_id=user.pk
    )
    return rows.filter(note=note) if note is not None else rows


# --- Who opens what ----------------------------------------------------------------------------

# Status of the conference page and its PDF, and whether the patient's name shows on the page.
ANSWERS = {
    "coordinator": (200, True),
    "requester": (200, True),
    "teammate": (200, True),
    "invitee": (200, False),
    "outsider": (404, False),
    "other_coordinator": (404, False),
}


@pytest.mark.parametrize("who", list(ANSWERS))
def test_the_conference_page_answers_each_role_and_names_the_patient_only_to_the_care_team(
    who, conference, inclusion, coordinator, lead, teammate, invitee, outsider, other_coordinator
):
    user = users(coordinator, lead, teammate, invitee, outsider, other_coordinator)[who]
    status, named = ANSWERS[who]
    client = verified_client(user)
    response = client.get(url("quality_conference", conference))
    assert response.status_code == status, who
    page = text(response)
    assert names_patient(page) is named, who
    if status == 200:
        assert not english_strings_in(response.content.decode()), who
        assert f"Cas n° {conference.pk}" in page
        assert "trois chutes en six mois" in page  # the pseudonymised presentation
        assert (reverse("pathways_inclusion", args=[inclusion.cpts.slug, inclusion.pk]) in page) is named
        assert ("Évaluer le parcours du patient" in page) is named
    # Each showing of the patient is journaled, and only then.
    assert inclusion_reads(inclusion, user, "concertation").exists() is named, who
    pdf = client.get(url("quality_conference_pdf", conference))
    assert pdf.status_code == status, who
    if status == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert f"concertation-cas-{conference.pk}.pdf" in pdf["Content-Disposition"]
        assert JournalEntry.objects.filter(
            action=Action.READ,
            object_type="quality.CaseConference",
            object_id=str(conference.pk),
            actor_id=user.pk,
            note="fiche de concertation en PDF",
        ).exists()


def test_the_title_names_the_case_never_the_patient(conference, coordinator):
    page = text(verified_client(coordinator).get(url("quality_conference", conference)))
    title = page.split("<title>")[1].split("</title>")[0]
    assert f"Concertation — Cas n° {conference.pk}" in title and not names_patient(title)


def test_the_participants_and_their_attendance_show_to_the_coordination_only(
    conference, coordinator, invitee, teammate
):
    meeting = conference.meeting
    meeting.invitations.filter(membership=invitee).update(attendance="present")
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    page = text(verified_client(coordinator).get(url("quality_conference", conference)))
    assert "Participants invités" in page and "INVITÉ" in page.upper() and "Présent" in page
    assert JournalEntry.objects.filter(
        action=Action.READ, object_type="meetings.Meeting", object_id=str(meeting.pk), actor_id=coordinator.pk
    ).exists()
    page = text(verified_client(teammate.professional.user).get(url("quality_conference", conference)))
    assert "Participants invités" not in page
    assert reverse("meetings_meeting", args=[conference.cpts.slug, meeting.pk]) in page  # invited: their poll


def test_a_visitor_is_sent_to_the_login(client, conference):
    response = client.get(url("quality_conference", conference))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


# --- The list --------------------------------------------------------------------------------


def test_the_list_by_tab_names_the_patient_only_for_who_sees_them(
    cpts, conference, inclusion, coordinator, invitee, outsider, teammate
):
    held = CaseConferenceFactory(cpts=cpts, held=True, requested_by=coordinator, question="Quelle suite au bilan ?")
    cancelled = CaseConferenceFactory(cpts=cpts, cancelled=True, requested_by=coordinator)
    listing = reverse("quality_conferences", args=[cpts.slug])

    page = text(verified_client(coordinator).get(listing))
    assert f"Cas n° {conference.pk}" in page and f"Cas n° {held.pk}" not in page
    assert inclusion.display_name in page and "À préparer (1)" in page and "Tenues (1)" in page
    assert inclusion_reads(inclusion, coordinator, "concertations").exists()
    page = text(verified_client(coordinator).get(listing + "?onglet=tenues"))
    assert f"Cas n° {held.pk}" in page and "Quelle suite au bilan ?" in page and f"Cas n° {conference.pk}" not in page
    page = text(verified_client(coordinator).get(listing + "?onglet=annulees"))
    assert f"Cas n° {cancelled.pk}" in page

    response = verified_client(invitee.professional.user).get(listing)
    page = text(response)
    assert response.status_code == 200 and f"Cas n° {conference.pk}" in page
    assert not names_patient(page) and "Tenues (0)" in page
    assert not inclusion_reads(inclusion, invitee.professional.user).exists()

    page = text(verified_client(teammate.professional.user).get(listing))
    assert inclusion.display_name in page

    page = text(verified_client(outsider.professional.user).get(listing))
    assert "Aucune concertation à préparer." in page and not names_patient(page)


def test_the_list_is_404_outside_the_cpts(cpts, conference, other_coordinator):
    response = verified_client(other_coordinator).get(reverse("quality_conferences", args=[cpts.slug]))
    assert response.status_code == 404


def test_the_list_pages_fifty_rows(cpts, coordinator):
    CaseConferenceFactory.create_batch(51, cpts=cpts, requested_by=coordinator)
    listing = reverse("quality_conferences", args=[cpts.slug])
    page = text(verified_client(coordinator).get(listing))
    assert page.count("qualite/concertations/") - page.count("qualite/concertations/demander") >= 50
    assert "Page 1 sur 2" in page
    assert "Page 2 sur 2" in text(verified_client(coordinator).get(listing + "?onglet=a-preparer&page=2"))


# --- The request -----------------------------------------------------------------------------


def request_url(cpts) -> str:
    return reverse("quality_conference_request", args=[cpts.slug])


REQUEST = {
    "context": "Homme de 79 ans, insuffisance cardiaque, vit avec son épouse, deux hospitalisations cette année.",
    "question": "Comment éviter une troisième hospitalisation ?",
}


def test_the_lead_asks_for_a_conference_on_their_patient(cpts, inclusion, lead):
    user = lead.professional.user
    response = verified_client(user).get(request_url(cpts) + f"?inclusion={inclusion.pk}")
    page = text(response)
    assert response.status_code == 200
    assert f'<option value="{inclusion.pk}" selected>' in page and inclusion.display_name in page
    assert "ne doivent pas reconnaître" in page or "sans que l'on reconnaisse le patient" in page
    assert inclusion_reads(inclusion, user, "demande de concertation").exists()
    response = verified_client(user).post(request_url(cpts), {**REQUEST, "inclusion": inclusion.pk})
    conference = CaseConference.objects.get()
    assert response.status_code == 302 and response["Location"] == url("quality_conference", conference)
    assert conference.inclusion == inclusion and conference.requested_by == user
    assert conference.status == ConferenceStatus.REQUESTED and conference.question == REQUEST["question"]


def test_a_presentation_that_names_the_patient_is_refused_and_nothing_is_written(cpts, inclusion, lead):
    data = {**REQUEST, "context": "Mme Durandal, 82 ans, chutes.", "inclusion": inclusion.pk}
    response = verified_client(lead.professional.user).post(request_url(cpts), data)
    page = text(response)
    assert response.status_code == 400
    assert "Présentation du cas : le texte contient le nom du patient." in page
    data = {**REQUEST, "context": "NIR 2 45 03 78 646 123 93, chutes."}
    page = text(verified_client(lead.professional.user).post(request_url(cpts), data))
    assert "Présentation du cas : le texte contient un numéro qui ressemble à un NIR" in page
    page = text(verified_client(lead.professional.user).post(request_url(cpts), {**REQUEST, "question": ""}))
    assert "Question posée : dites ce que vous demandez à la concertation." in page
    assert not CaseConference.objects.exists()


def test_a_member_cannot_pick_a_patient_they_do_not_see(cpts, inclusion, outsider):
    user = outsider.professional.user
    page = text(verified_client(user).get(request_url(cpts) + f"?inclusion={inclusion.pk}"))
    assert not names_patient(page) and "Vous ne suivez aucun patient" in page
    response = verified_client(user).post(request_url(cpts), {**REQUEST, "inclusion": inclusion.pk})
    assert response.status_code == 400
    assert "Patient inclus dans un parcours : choisissez un des patients proposés." in text(response)
    assert not CaseConference.objects.exists()
    # Without a patient, any member asks for one.
    response = verified_client(user).post(request_url(cpts), REQUEST)
    assert response.status_code == 302 and CaseConference.objects.get().inclusion is None


def test_the_request_is_404_outside_the_cpts(cpts, other_coordinator):
    assert verified_client(other_coordinator).get(request_url(cpts)).status_code == 404
    assert verified_client(other_coordinator).post(request_url(cpts), REQUEST).status_code == 404
    assert not CaseConference.objects.exists()


# --- Scheduling ------------------------------------------------------------------------------


@pytest.fixture(name="requested")
def requested_fixture(cpts, inclusion, lead):
    return CaseConferenceFactory(cpts=cpts, inclusion=inclusion, requested_by=lead.professional.user)


def slot_data(*rows, prefix="slots") -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(max(3, len(rows))), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (day, starts, ends) in enumerate(rows):
        data |= {f"{prefix}-{index}-day": day, f"{prefix}-{index}-starts": starts, f"{prefix}-{index}-ends": ends}
    return data


def test_the_coordination_schedules_the_conference_with_the_care_team_ticked(
    requested, coordinator, lead, teammate, invitee, outsider
):
    schedule = url("quality_conference_schedule", requested)
    page = text(verified_client(coordinator).get(schedule))
    for membership in (lead, teammate):
        assert f'value="{membership.pk}" checked' in page
    assert f'value="{invitee.pk}" checked' not in page and f'value="{invitee.pk}"' in page
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data = slot_data((day, "18:30", "20:00"), (day, "12:30", "14:00")) | {
        "memberships": [lead.pk, teammate.pk, invitee.pk],
        "visio_url": "https://visio.example.org/rcp",
        "place": "",
    }
    response = verified_client(coordinator).post(schedule, data)
    assert response.status_code == 302 and response["Location"] == url("quality_conference", requested)
    requested.refresh_from_db()
    meeting = requested.meeting
    assert requested.status == ConferenceStatus.SCHEDULED and meeting.mission == Mission.QUALITY
    assert meeting.status == MeetingStatus.POLL and meeting.slots.count() == 2
    assert set(meeting.invitations.values_list("membership_id", flat=True)) == {lead.pk, teammate.pk, invitee.pk}
    assert not names_patient(meeting.title) and f"Cas n° {requested.pk}" in meeting.title
    # Scheduled: the page no longer offers it.
    response = verified_client(coordinator).get(schedule)
    assert response.status_code == 302


def test_a_schedule_without_slot_or_invitee_names_its_fields_and_writes_nothing(requested, coordinator, lead):
    schedule = url("quality_conference_schedule", requested)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = verified_client(coordinator).post(schedule, slot_data() | {"memberships": []})
    page = text(response)
    assert response.status_code == 400
    assert "Créneaux proposés : proposez au moins une date" in page
    assert "Adhérents invités : cochez au moins un adhérent." in page
    data = slot_data((past, "18:00", "17:00")) | {"memberships": [lead.pk]}
    page = text(verified_client(coordinator).post(schedule, data))
    assert "Date : proposez une date à venir." in page and "Fin : elle suit le début." in page
    requested.refresh_from_db()
    assert requested.status == ConferenceStatus.REQUESTED and not Meeting.objects.exists()


def test_only_the_coordination_schedules(requested, lead, outsider):
    schedule = url("quality_conference_schedule", requested)
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = slot_data((day, "18:00", "19:00")) | {"memberships": [lead.pk]}
    assert verified_client(lead.professional.user).get(schedule).status_code == 403
    assert verified_client(lead.professional.user).post(schedule, data).status_code == 403
    assert verified_client(outsider.professional.user).post(schedule, data).status_code == 404
    assert not Meeting.objects.exists()


# --- Cancel ------------------------------------------------------------------------------------


def test_the_requester_cancels_with_a_reason_and_the_meeting_is_cancelled_too(conference, lead, invitee):
    cancel = url("quality_conference_cancel", conference)
    assert verified_client(invitee.professional.user).post(cancel, {"cancel-reason": "X"}).status_code == 403
    response = verified_client(lead.professional.user).post(cancel, {"cancel-reason": ""})
    assert response.status_code == 400
    assert "Motif de l'annulation : dites pourquoi la concertation est annulée." in text(response)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED
    response = verified_client(lead.professional.user).post(cancel, {"cancel-reason": "Patient hospitalisé."})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED
    assert conference.events.get().note == "Patient hospitalisé."
    assert conference.meeting.status == MeetingStatus.CANCELLED
    assert verified_client(lead.professional.user).get(cancel).status_code == 405
