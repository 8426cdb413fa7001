"""Invitations by mission, more invitees after creation (only they are written to), and
the coordinator's edits (journaled; an e-mail only for a new place or link of a
scheduled meeting) and deletions (a poll without time only, after a confirmation)."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.meetings import services
from maillon.meetings.factories import MeetingFactory, MeetingSlotFactory, TimeEntryFactory
from maillon.meetings.models import Invitation, Meeting, MeetingSlot, MeetingStatus, PollAnswer
from maillon.members.factories import MembershipFactory, MissionParticipationFactory, ProfessionalFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def invited(meeting):
    return set(meeting.invitations.values_list("membership", flat=True))


def test_invitations_follow_the_missions_of_the_adherents(cpts):
    prevention = MembershipFactory(cpts=cpts)
    MissionParticipationFactory(membership=prevention, mission=3)
    MissionParticipationFactory(membership=prevention, mission=5)  # one invitation though in two missions
    crisis = MembershipFactory(cpts=cpts)
    MissionParticipationFactory(membership=crisis, mission=4)
    MembershipFactory(cpts=cpts)  # in no mission
    meeting = MeetingFactory(cpts=cpts)
    assert services.invite(meeting, missions=[3, 5]) == 1
    assert invited(meeting) == {prevention.pk}
    assert services.invitable_memberships(cpts, missions=[3, 4]).count() == 2


def test_the_creation_form_invites_by_mission(cpts, coordinator):
    in_mission = MembershipFactory(cpts=cpts)
    MissionParticipationFactory(membership=in_mission, mission=2)
    MembershipFactory(cpts=cpts)
    page = verified_client(coordinator).get(reverse("meetings_list", args=[cpts.slug])).content.decode()
    assert 'name="missions"' in page
    response = verified_client(coordinator).post(
        reverse("meetings_list", args=[cpts.slug]),
        {"title": "Parcours", "slots": "12/01/2027 18:30", "duration": "60", "missions": ["2"]},
    )
    assert response.status_code == 302
    assert invited(cpts.meetings.get()) == {in_mission.pk}


@pytest.fixture
def poll(cpts):
    first = MembershipFactory(cpts=cpts)
    meeting = MeetingFactory(cpts=cpts, title="Groupe prévention")
    MeetingSlotFactory(meeting=meeting)
    services.invite(meeting)
    assert invited(meeting) == {first.pk}
    return meeting


def post(client, meeting, action, data=None):
    """Post to one action of the meeting page (`meetings_meeting_<action>`)."""
    return client.post(reverse(f"meetings_meeting_{action}", args=[meeting.cpts.slug, meeting.pk]), data or {})


def test_more_invitees_by_criteria_get_the_poll_and_only_they(
    cpts, coordinator, poll, django_capture_on_commit_callbacks
):
    nurse = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True))
    MembershipFactory(cpts=cpts)  # a doctor, not chosen
    with django_capture_on_commit_callbacks(execute=True):
        response = post(verified_client(coordinator), poll, "invite", {"professions": ["60"]})
    assert response.status_code == 302
    assert nurse.pk in invited(poll) and len(invited(poll)) == 2
    assert [message.to for message in mail.outbox] == [[nurse.professional.email]]
    assert mail.outbox[0].subject == "Sondage de dates : Groupe prévention" and not mail.outbox[0].attachments


def test_invitees_picked_by_name_on_a_scheduled_meeting_get_the_date_and_its_ics(
    cpts, coordinator, poll, django_capture_on_commit_callbacks
):
    poll.choose_slot(poll.slots.get(), by=coordinator)
    wanted = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Lefèvre", first_name="Inès"))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Zwiebelmann"))
    client = verified_client(coordinator)
    page = post(client, poll, "search", {"q": "lefevre"}).content.decode()
    assert "Inès Lefèvre" in page and "Zwiebelmann" not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, poll, "invite_picked", {"membership": [wanted.pk]}).status_code == 302
    assert wanted.pk in invited(poll)
    [message] = mail.outbox
    assert message.to == [wanted.professional.email] and message.subject.startswith("Date fixée")
    assert message.attachments[0][0] == "reunion.ics"
    # Searches are journaled without the words searched.
    [entry] = [entry for entry in JournalEntry.objects.filter(action="read") if "invitable.name" in entry.fields]
    assert entry.note == "recherche : 1 résultat(s)"


def test_a_picked_adherent_of_another_cpts_or_inactive_is_not_invited(cpts, other_cpts, coordinator, poll):
    foreign = MembershipFactory(cpts=other_cpts)
    pending = MembershipFactory(cpts=cpts, requested=True)
    post(verified_client(coordinator), poll, "invite_picked", {"membership": [foreign.pk, pending.pk]})
    assert len(invited(poll)) == 1


def test_no_more_invitees_once_held_or_cancelled(cpts, coordinator, poll):
    poll.cancel(by=coordinator)
    MembershipFactory(cpts=cpts)
    response = post(verified_client(coordinator), poll, "invite")
    assert response.status_code == 200 and "Cette réunion est « Annulée »" in response.content.decode()
    assert len(invited(poll)) == 1


def test_a_member_cannot_invite(cpts, poll):
    from .conftest import member_user

    user = member_user(cpts)
    services.invite(poll)
    # Invited, the member sees the meeting but may not invite: 403.
    assert post(verified_client(user), poll, "invite").status_code == 403


# --- Edit ------------------------------------------------------------------------------------


def edit(client, meeting, **changes):
    data = {"title": meeting.title, "description": meeting.description, "place": meeting.place}
    data.update({"visio_url": meeting.visio_url, "mission": meeting.mission or ""}, **changes)
    return client.post(reverse("meetings_meeting_edit", args=[meeting.cpts.slug, meeting.pk]), data)


def test_editing_a_poll_is_journaled_and_writes_to_nobody(cpts, coordinator, poll, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(verified_client(coordinator), poll, title="Groupe prévention 2027", place="Maison de santé")
    assert response.status_code == 302
    poll.refresh_from_db()
    assert (poll.title, poll.place) == ("Groupe prévention 2027", "Maison de santé")
    assert mail.outbox == []
    entry = JournalEntry.objects.filter(object_type="meetings.Meeting", action="update").latest("pk")
    assert set(entry.fields) == {"title", "place"} and entry.actor_id == coordinator.pk


def test_a_new_place_of_a_scheduled_meeting_is_sent_with_the_ics(
    cpts, coordinator, poll, django_capture_on_commit_callbacks
):
    poll.choose_slot(poll.slots.get(), by=coordinator)
    client = verified_client(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, poll, description="Ordre du jour joint")
    assert mail.outbox == []  # a description change is not written
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, poll, place="Salle 2, mairie")
    [message] = mail.outbox
    assert message.subject == "Réunion modifiée : Groupe prévention"
    assert "Lieu : Salle 2, mairie" in message.body
    assert "LOCATION:Salle 2\\, mairie" in message.attachments[0][1]


def test_a_bad_visio_link_is_refused_in_french(cpts, coordinator, poll):
    response = edit(verified_client(coordinator), poll, visio_url="pas un lien")
    assert response.status_code == 200 and "Lien de visioconférence : adresse invalide." in response.content.decode()


def test_a_held_meeting_is_not_edited(cpts, coordinator):
    meeting = MeetingFactory(cpts=cpts, scheduled=True, status=MeetingStatus.HELD, title="Avant")
    response = edit(verified_client(coordinator), meeting, title="Après")
    assert response.status_code == 200 and "ne se modifie plus" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Avant"


def test_a_member_cannot_edit_nor_delete(cpts, member, poll):
    client = verified_client(member)
    for name in ("meetings_meeting_edit", "meetings_meeting_delete"):
        url = reverse(name, args=[cpts.slug, poll.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "x"}).status_code == 404
    assert Meeting.objects.filter(pk=poll.pk, title="Groupe prévention").exists()


# --- Delete ----------------------------------------------------------------------------------


def test_a_poll_is_deleted_after_a_confirmation(cpts, coordinator, poll):
    PollAnswer.objects.create(invitation=poll.invitations.get(), slot=poll.slots.get(), answer="yes")
    client = verified_client(coordinator)
    url = reverse("meetings_meeting_delete", args=[cpts.slug, poll.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer la suppression" in page.content.decode()
    assert Meeting.objects.filter(pk=poll.pk).exists()  # the GET deletes nothing
    assert client.post(url).status_code == 302
    assert not Meeting.objects.filter(pk=poll.pk).exists()
    assert not (MeetingSlot.objects.exists() or Invitation.objects.exists() or PollAnswer.objects.exists())
    deleted = set(JournalEntry.objects.filter(action="delete").values_list("object_type", flat=True))
    assert {"meetings.Meeting", "meetings.MeetingSlot", "meetings.Invitation", "meetings.PollAnswer"} <= deleted


def test_a_scheduled_meeting_is_not_deleted_the_page_offers_to_cancel_it(cpts, coordinator, poll):
    poll.choose_slot(poll.slots.get(), by=coordinator)
    client = verified_client(coordinator)
    url = reverse("meetings_meeting_delete", args=[cpts.slug, poll.pk])
    page = client.get(url).content.decode()
    cancel = reverse("meetings_meeting_cancel", args=[cpts.slug, poll.pk])
    assert "Suppression impossible" in page and f'action="{cancel}"' in page
    assert client.post(url).status_code == 200
    assert Meeting.objects.filter(pk=poll.pk).exists()


def test_a_meeting_with_time_is_not_deleted(cpts, coordinator, poll):
    TimeEntryFactory(cpts=cpts, meeting=poll, membership=poll.invitations.get().membership)
    with pytest.raises(Exception, match="Du temps est enregistré"):
        services.delete_meeting(meeting=poll, by=coordinator)
    assert Meeting.objects.filter(pk=poll.pk).exists()
