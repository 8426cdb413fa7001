"""A review of an adverse event moves only through its workflow (reported → analysis → actions →
closed ; reported | analysis → dismissed), each step with its conditions (a referent, a complete
analysis and at least one action, every action done or dropped, a reason to dismiss); the
anonymised summary is shared once the analysis is done."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.quality import services
from maillon.quality.factories import ImprovementActionFactory, IncidentReviewFactory
from maillon.quality.models import IncidentReview, IncidentReviewEvent, ReviewStatus

pytestmark = pytest.mark.django_db


def logged(review):
    return list(IncidentReviewEvent.objects.filter(review=review).values_list("from_status", "to_status", "note"))


def transitions_journaled(review):
    return JournalEntry.objects.filter(
        action="transition", object_type="quality.IncidentReview", object_id=str(review.pk)
    )


def test_the_workflow_declares_its_transitions():
    workflow = IncidentReview.workflow
    assert workflow.targets_from(ReviewStatus.REPORTED) == {ReviewStatus.ANALYSIS, ReviewStatus.DISMISSED}
    assert workflow.targets_from(ReviewStatus.ANALYSIS) == {ReviewStatus.ACTIONS, ReviewStatus.DISMISSED}
    assert workflow.targets_from(ReviewStatus.ACTIONS) == {ReviewStatus.CLOSED}
    assert workflow.targets_from(ReviewStatus.CLOSED) == set()
    assert workflow.targets_from(ReviewStatus.DISMISSED) == set()


def test_a_review_runs_from_its_report_to_its_closing(cpts, coordinator, member):
    review = IncidentReviewFactory(cpts=cpts, reported_by=member)

    services.start_analysis(review, referent=member, by=coordinator)
    services.save_analysis(
        review,
        by=member,
        facts="J0 sortie ; J10 compte rendu reçu.",
        causes={"team": "Pas de messagerie sécurisée", "patient": "  "},
        protective_factors="L'infirmière a appelé le service.",
        lessons="Un circuit de sortie.",
    )
    review.refresh_from_db()
    assert review.causes == {"team": "Pas de messagerie sécurisée"}
    action = ImprovementActionFactory(review=review)
    review.decide(by=member)
    action.complete(by=member, outcome="Circuit convenu")
    review.close(by=member)

    stored = IncidentReview.objects.get(pk=review.pk)
    assert stored.status == ReviewStatus.CLOSED and stored.referent == member and stored.closed_on
    assert [row[:2] for row in logged(review)] == [
        ("reported", "analysis"),
        ("analysis", "actions"),
        ("actions", "closed"),
    ]
    assert transitions_journaled(review).count() == 3


def test_deciding_needs_a_complete_analysis_then_an_action(cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts, analysis=True, facts="")
    with pytest.raises(ValidationError) as incomplete:
        review.decide(by=coordinator)
    assert incomplete.value.message_dict == {
        "status": ["Analyse : complétez d'abord la chronologie des faits, au moins une cause, les enseignements."]
    }
    services.save_analysis(
        review, by=coordinator, facts="Les faits.", causes={"tasks": "Pas de protocole"}, lessons="L."
    )
    review.refresh_from_db()
    with pytest.raises(ValidationError) as no_action:
        review.decide(by=coordinator)
    assert no_action.value.message_dict == {"status": ["Actions : décidez au moins une action d'amélioration."]}
    assert IncidentReview.objects.get(pk=review.pk).status == ReviewStatus.ANALYSIS
    assert not logged(review)


def test_closing_waits_for_every_action(cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts, actions=True)
    action = ImprovementActionFactory(review=review)
    ImprovementActionFactory(review=review, done=True)
    with pytest.raises(ValidationError) as open_action:
        review.close(by=coordinator)
    assert open_action.value.message_dict == {"status": ["Clôture : des actions d'amélioration sont encore à faire."]}
    action.drop(by=coordinator, note="Remplacée par le protocole départemental")
    review.close(by=coordinator)
    assert IncidentReview.objects.get(pk=review.pk).status == ReviewStatus.CLOSED


@pytest.mark.parametrize("traits", [{}, {"analysis": True}])
def test_a_review_reported_or_in_analysis_is_dismissed_with_a_reason(traits, cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts, **traits)
    with pytest.raises(ValidationError) as no_reason:
        review.dismiss(by=coordinator, note=" ")
    assert no_reason.value.message_dict == {"note": ["Motif : dites pourquoi la revue est classée sans suite."]}
    review.dismiss(by=coordinator, note="Doublon de la revue n° 3")
    assert IncidentReview.objects.get(pk=review.pk).status == ReviewStatus.DISMISSED
    assert logged(review)[-1][1:] == ("dismissed", "Doublon de la revue n° 3")


@pytest.mark.parametrize(
    ("traits", "move", "label"),
    [
        ({}, "decide", "Déclarée"),
        ({}, "close", "Déclarée"),
        ({"analysis": True}, "start_analysis", "En analyse"),
        ({"analysis": True}, "close", "En analyse"),
        ({"actions": True}, "dismiss", "Actions en cours"),
        ({"actions": True}, "start_analysis", "Actions en cours"),
        ({"closed": True}, "dismiss", "Close"),
        ({"closed": True}, "close", "Close"),
    ],
)
def test_a_move_from_a_state_it_does_not_leave_is_refused(traits, move, label, cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts, **traits)
    if move == "decide":
        services_ready = {"facts": "F", "causes": {"team": "C"}, "lessons": "L"}
        for name, value in services_ready.items():
            setattr(review, name, value)
        ImprovementActionFactory(review=review)
    calls = {
        "start_analysis": lambda: review.start_analysis(referent=coordinator, by=coordinator),
        "decide": lambda: review.decide(by=coordinator),
        "close": lambda: review.close(by=coordinator),
        "dismiss": lambda: review.dismiss(by=coordinator, note="Motif"),
    }
    with pytest.raises(TransitionNotAllowed) as refused:
        calls[move]()
    assert refused.value.detail == f"Cette revue est « {label} » : l'action n'est pas possible."
    assert IncidentReview.objects.get(pk=review.pk).status == review.status
    assert not logged(review) and not transitions_journaled(review).exists()


def test_a_stale_copy_is_refused(cpts, coordinator, member):
    review = IncidentReviewFactory(cpts=cpts)
    stale = IncidentReview.objects.get(pk=review.pk)
    review.dismiss(by=coordinator, note="Hors champ")
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.start_analysis(referent=member, by=coordinator)
    assert refused.value.detail == "Cette revue a changé entre-temps : l'action n'est pas possible."
    stored = IncidentReview.objects.get(pk=review.pk)
    assert stored.status == ReviewStatus.DISMISSED and stored.referent is None


def test_the_referent_holds_a_role_in_the_cpts(cpts, coordinator, other_cpts):
    from maillon.core.factories import CptsRoleFactory

    review = IncidentReviewFactory(cpts=cpts)
    stranger = CptsRoleFactory(cpts=other_cpts).user
    with pytest.raises(ValidationError) as refused:
        services.start_analysis(review, referent=stranger, by=coordinator)
    assert refused.value.message_dict == {
        "referent": ["Référent : choisissez une personne qui a un rôle dans la CPTS."]
    }
    assert IncidentReview.objects.get(pk=review.pk).status == ReviewStatus.REPORTED


def test_the_summary_is_shared_once_the_analysis_is_done(cpts, coordinator):
    review = IncidentReviewFactory(cpts=cpts, analysis=True)
    with pytest.raises(ValidationError) as early:
        review.share(summary="Une synthèse", by=coordinator)
    # A refusal of the review's state (409 in the API), not of the summary typed.
    assert early.value.message_dict == {"status": ["Synthèse : elle se partage une fois l'analyse faite."]}
    done = IncidentReviewFactory(cpts=cpts, actions=True)
    with pytest.raises(ValidationError):
        done.share(summary="  ", by=coordinator)
    done.share(summary="Un circuit de sortie est convenu avec le service.", by=coordinator)
    stored = IncidentReview.objects.get(pk=done.pk)
    assert stored.is_shared and stored.summary == "Un circuit de sortie est convenu avec le service."
    assert stored.status == ReviewStatus.ACTIONS


def test_a_report_naming_a_nir_is_refused_in_french(cpts, member):
    with pytest.raises(ValidationError) as refused:
        services.report_event(
            cpts,
            by=member,
            title="Erreur de dispensation",
            category="error",
            occurred_on=__import__("datetime").date(2026, 1, 5),
            description="Patient 2 55 08 14 168 025 38, mauvais dosage délivré.",
        )
    (message,) = refused.value.message_dict["description"]
    assert message.startswith("Description : le texte contient un numéro qui ressemble à un NIR")
    assert not IncidentReview.objects.exists()


def test_the_state_does_not_change_by_saving(cpts):
    review = IncidentReview.objects.get(pk=IncidentReviewFactory(cpts=cpts).pk)
    review.status = ReviewStatus.CLOSED
    with pytest.raises(StateChangedOutsideWorkflow):
        review.save()
