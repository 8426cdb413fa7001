"""The reviews of adverse events through their pages: a member reports an event naming nobody;
the coordination names a referent; the referent analyses it, decides actions with owners and due
dates, closes it and shares an anonymised summary. The coordination, the reporter and the
referent read a review whole; any other member reads the shared summary only; another CPTS's
user gets 404, and an action that is not the user's 403. Refusals name their field in French
and write nothing."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import Cpts, CptsStatus, JournalEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.quality.factories import ImprovementActionFactory, IncidentReviewFactory
from maillon.quality.models import (
    FollowUpStatus,
    ImprovementAction,
    IncidentReview,
    IncidentReviewEvent,
    ReviewStatus,
)

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def adherent(cpts, user, **professional):
    """An active adhesion of `user`'s professional card to `cpts`."""
    card = ProfessionalFactory(user=user, **professional)
    return MembershipFactory(cpts=cpts, professional=card)


@pytest.fixture
def reporter(cpts):
    return CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True, first_name="Rémi", last_name="Déclarant")).user


@pytest.fixture
def referent(cpts):
    user = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True, first_name="Rose", last_name="Référente")).user
    adherent(cpts, user, last_name="Référente")
    return user


@pytest.fixture
def outsider(other_cpts):
    return CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user


def text(response) -> str:
    """The page as a reader reads it (HTML entities decoded)."""
    return html.unescape(response.content.decode())


def url(name, review=None, cpts=None):
    cpts = cpts or review.cpts
    return reverse(name, args=[cpts.slug, review.pk] if review else [cpts.slug])


def report_data(**changes):
    data = {
        "title": "Résultat de biologie critique transmis trop tard",
        "category": "error",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "consequence": "minor",
        "description": "Le laboratoire a faxé le résultat au mauvais cabinet ; il a été relayé le lendemain.",
    }
    return data | changes


# --- Reporting -----------------------------------------------------------------------------------


def test_a_member_reports_an_event_and_reads_it_whole(cpts, reporter):
    client = verified_client(reporter)
    form = text(client.get(url("quality_review_report", cpts=cpts)))
    assert "Sans nom de patient ni de professionnel, sans numéro" in form
    response = client.post(url("quality_review_report", cpts=cpts), report_data())
    review = IncidentReview.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == url("quality_review", review)
    assert review.status == ReviewStatus.REPORTED and review.reported_by == reporter
    assert review.consequence == "minor"
    assert JournalEntry.objects.filter(action="create", object_type="quality.IncidentReview", object_id=str(review.pk))
    page = text(client.get(response["Location"]))
    assert "Le laboratoire a faxé le résultat" in page and "Déclarée" in page
    assert "Nommer le référent" not in page  # the coordination names the referent


def test_a_report_that_names_a_number_or_misses_fields_is_refused_and_writes_nothing(cpts, reporter):
    client = verified_client(reporter)
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(url("quality_review_report", cpts=cpts), report_data(title="", occurred_on=future))
    page = text(response)
    assert response.status_code == 400
    assert "Intitulé : donnez un intitulé à l'événement." in page
    assert "Date de l'événement : la date ne peut pas être dans le futur." in page
    response = client.post(
        url("quality_review_report", cpts=cpts),
        report_data(description="Patient NIR 1 84 12 75 123 456 40 perdu de vue"),
    )
    assert response.status_code == 400
    assert "Description : le texte contient un numéro qui ressemble à un NIR" in text(response)
    assert not IncidentReview.objects.exists()


# --- Who reads what ------------------------------------------------------------------------------


def test_another_member_reads_only_the_shared_summary(cpts, member, reporter):
    shared = IncidentReviewFactory(cpts=cpts, reported_by=reporter, closed=True, shared=True)
    unshared = IncidentReviewFactory(cpts=cpts, reported_by=reporter, title="Rendez-vous de suivi non programmé")
    client = verified_client(member)
    page = text(client.get(url("quality_review", shared)))
    assert shared.summary in page and shared.title in page
    assert shared.description not in page and shared.lessons not in page and "Déclarant" not in page
    assert client.get(url("quality_review", unshared)).status_code == 404
    listing = text(client.get(url("quality_reviews", cpts=cpts) + "?etat=shared"))
    assert shared.title in listing and unshared.title not in listing
    # Nothing under way is theirs.
    assert shared.title not in text(client.get(url("quality_reviews", cpts=cpts)))
    assert not JournalEntry.objects.filter(action="read", object_type="quality.IncidentReview").exists()


def test_the_coordination_the_reporter_and_the_referent_read_it_whole_and_the_reading_is_journaled(
    cpts, coordinator, reporter, referent
):
    review = IncidentReviewFactory(cpts=cpts, reported_by=reporter, referent=referent, analysis=True)
    for user in (coordinator, reporter, referent):
        page = text(verified_client(user).get(url("quality_review", review)))
        assert review.description in page and review.facts in page
    reads = JournalEntry.objects.filter(action="read", object_type="quality.IncidentReview", object_id=str(review.pk))
    assert reads.count() == 3
    listing = text(verified_client(referent).get(url("quality_reviews", cpts=cpts)))
    assert review.title in listing and "En analyse" in listing


def test_another_cpts_gets_404_everywhere(cpts, outsider):
    review = IncidentReviewFactory(cpts=cpts, closed=True, shared=True)
    client = verified_client(outsider)
    assert client.get(url("quality_reviews", cpts=cpts)).status_code == 404
    assert client.get(url("quality_review", review)).status_code == 404
    assert client.post(url("quality_review_close", review)).status_code == 404


# --- The referent and the analysis ---------------------------------------------------------------


def test_the_coordination_names_the_referent_among_the_roles_of_the_cpts(cpts, coordinator, referent, other_cpts):
    review = IncidentReviewFactory(cpts=cpts)
    stranger = CptsRoleFactory(cpts=other_cpts, user=UserFactory(last_name="Étrangère")).user
    client = verified_client(coordinator)
    page = text(client.get(url("quality_review", review)))
    assert "Rose Référente" in page and "Étrangère" not in page
    response = client.post(url("quality_review_referent", review), {"referent": stranger.pk})
    assert response.status_code == 400
    assert "Référent de l'analyse : choisissez une personne de la liste." in text(response)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REPORTED and review.referent is None
    response = client.post(url("quality_review_referent", review), {"referent": referent.pk})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANALYSIS and review.referent == referent
    assert IncidentReviewEvent.objects.filter(review=review, to_status=ReviewStatus.ANALYSIS).exists()


def test_a_member_may_not_name_the_referent(cpts, reporter, referent):
    review = IncidentReviewFactory(cpts=cpts, reported_by=reporter)
    response = verified_client(reporter).post(url("quality_review_referent", review), {"referent": referent.pk})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.referent is None


def test_the_referent_writes_the_analysis_by_cause_category(cpts, referent):
    review = IncidentReviewFactory(cpts=cpts, referent=referent, status=ReviewStatus.ANALYSIS)
    client = verified_client(referent)
    form = text(client.get(url("quality_review_analysis", review)))
    assert "Équipe (communication entre professionnels" in form and "Contexte institutionnel" in form
    response = client.post(
        url("quality_review_analysis", review),
        {
            "facts": "J0 résultat critique ; J1 relais au bon cabinet.",
            "cause_team": "Pas d'annuaire à jour des cabinets chez le laboratoire.",
            "cause_patient": "",
            "protective_factors": "La secrétaire a rappelé le laboratoire.",
            "lessons": "Tenir l'annuaire des cabinets à jour avec les laboratoires.",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.causes == {"team": "Pas d'annuaire à jour des cabinets chez le laboratoire."}
    assert review.protective_factors == "La secrétaire a rappelé le laboratoire."
    page = text(client.get(url("quality_review", review)))
    assert "Pas d'annuaire à jour des cabinets" in page


def test_an_analysis_naming_a_number_is_refused_on_its_field(cpts, referent):
    review = IncidentReviewFactory(cpts=cpts, referent=referent, status=ReviewStatus.ANALYSIS)
    response = verified_client(referent).post(
        url("quality_review_analysis", review), {"facts": "Faits", "cause_team": "INS 2 55 08 75 123 456 86"}
    )
    assert response.status_code == 400
    assert "Équipe : le texte contient un numéro qui ressemble à un NIR" in text(response)
    review.refresh_from_db()
    assert review.causes == {} and review.facts == ""


def test_a_member_who_is_not_the_referent_may_not_analyse(cpts, reporter, referent):
    review = IncidentReviewFactory(cpts=cpts, reported_by=reporter, referent=referent, status=ReviewStatus.ANALYSIS)
    client = verified_client(reporter)
    assert client.get(url("quality_review_analysis", review)).status_code == 403
    assert client.post(url("quality_review_analysis", review), {"facts": "x"}).status_code == 403


# --- Actions, decision, closure, summary --------------------------------------------------------


def test_the_referent_adds_an_action_decides_and_the_owner_sees_it(cpts, referent, member):
    owner = adherent(cpts, member, last_name="Responsable")
    review = IncidentReviewFactory(cpts=cpts, referent=referent, analysis=True)
    client = verified_client(referent)
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    # Deciding with no action is refused, and says why.
    response = client.post(url("quality_review_decide", review))
    assert response.status_code == 400
    assert "Analyse : complétez d'abord au moins une cause, les enseignements." in text(response)
    response = client.post(
        url("quality_review_action_add", review),
        {
            "action-description": "Mettre à jour l'annuaire du laboratoire",
            "action-owner": owner.pk,
            "action-due_on": due,
        },
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get(review=review)
    assert action.owner == owner and action.status == FollowUpStatus.OPEN
    review.causes = {"team": "Annuaire"}
    review.lessons = "Un annuaire partagé."
    review.save()
    assert client.post(url("quality_review_decide", review)).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACTIONS
    mine = text(verified_client(member).get(url("quality_actions", cpts=cpts)))
    assert "Mettre à jour l'annuaire du laboratoire" in mine


def test_an_action_without_owner_or_with_a_past_due_date_is_refused(cpts, referent, member):
    adherent(cpts, member)
    review = IncidentReviewFactory(cpts=cpts, referent=referent, analysis=True)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = verified_client(referent).post(
        url("quality_review_action_add", review),
        {"action-description": "", "action-owner": "", "action-due_on": yesterday},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Action d'amélioration : décrivez ce qui sera fait" in page
    assert "Responsable : choisissez un adhérent." in page
    assert "Échéance : elle ne peut pas être passée." in page
    assert not ImprovementAction.objects.exists()


def test_closing_waits_for_the_actions_then_the_summary_is_shared(cpts, coordinator, member):
    review = IncidentReviewFactory(cpts=cpts, actions=True)
    action = ImprovementActionFactory(review=review)
    client = verified_client(coordinator)
    response = client.post(url("quality_review_close", review))
    assert response.status_code == 400
    assert "Clôture : des actions d'amélioration sont encore à faire." in text(response)
    assert (
        client.post(
            reverse("quality_action_complete", args=[cpts.slug, action.pk]), {"outcome": "Annuaire à jour"}
        ).status_code
        == 302
    )
    assert client.post(url("quality_review_close", review)).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.closed_on == timezone.localdate()
    response = client.post(url("quality_review_share", review), {"summary": ""})
    assert response.status_code == 400
    assert "Synthèse anonymisée : écrivez ce que les adhérents liront." in text(response)
    summary = "Un résultat critique relayé tard : l'annuaire des cabinets est tenu à jour."
    assert client.post(url("quality_review_share", review), {"summary": summary}).status_code == 302
    review.refresh_from_db()
    assert review.is_shared and review.summary == summary
    assert summary in text(verified_client(member).get(url("quality_review", review)))


def test_a_review_is_dismissed_with_its_reason(cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts)
    client = verified_client(coordinator)
    response = client.post(url("quality_review_dismiss", review), {"note": ""})
    assert response.status_code == 400
    assert "Motif du classement : dites pourquoi la revue est classée sans suite." in text(response)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REPORTED
    assert client.post(url("quality_review_dismiss", review), {"note": "Doublon de la revue 3"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DISMISSED
    event = IncidentReviewEvent.objects.get(review=review, to_status=ReviewStatus.DISMISSED)
    assert event.note == "Doublon de la revue 3"


def test_the_reporter_may_not_close_dismiss_or_share(cpts, reporter):
    review = IncidentReviewFactory(cpts=cpts, reported_by=reporter, actions=True)
    client = verified_client(reporter)
    assert client.post(url("quality_review_close", review)).status_code == 403
    assert client.post(url("quality_review_share", review), {"summary": "Synthèse"}).status_code == 403
    assert client.post(url("quality_review_decide", review)).status_code == 403
    reported = IncidentReviewFactory(cpts=cpts, reported_by=reporter)
    assert client.post(url("quality_review_dismiss", reported), {"note": "Rien"}).status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACTIONS and not review.is_shared


def test_the_list_tabs_sort_the_reviews_by_state(cpts, coordinator):
    IncidentReviewFactory(cpts=cpts, title="Événement en cours")
    IncidentReviewFactory(cpts=cpts, title="Événement clos", closed=True)
    IncidentReviewFactory(cpts=cpts, title="Événement classé", status=ReviewStatus.DISMISSED)
    client = verified_client(coordinator)
    under_way = text(client.get(url("quality_reviews", cpts=cpts)))
    assert "Événement en cours" in under_way and "Événement clos" not in under_way
    closed = text(client.get(url("quality_reviews", cpts=cpts) + "?etat=closed"))
    assert "Événement clos" in closed and "Événement en cours" not in closed
    dismissed = text(client.get(url("quality_reviews", cpts=cpts) + "?etat=dismissed"))
    assert "Événement classé" in dismissed and "Événement clos" not in dismissed


def test_a_dissolved_cpts_is_read_but_takes_no_new_report(cpts, coordinator, reporter):
    review = IncidentReviewFactory(cpts=cpts, reported_by=reporter)
    Cpts.objects.filter(pk=cpts.pk).update(status=CptsStatus.DISSOLVED)
    client = verified_client(reporter)
    assert client.get(url("quality_review_report", cpts=cpts)).status_code == 403
    assert client.post(url("quality_review_report", cpts=cpts), report_data()).status_code == 403
    assert review.description in text(client.get(url("quality_review", review)))
    page = text(verified_client(coordinator).get(url("quality_review", review)))
    assert "Nommer le référent" not in page and "Classer sans suite" not in page
    assert IncidentReview.objects.count() == 1
