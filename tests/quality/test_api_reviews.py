"""The API of the reviews of adverse events and their improvement actions
(maillon/api/quality.py): read whole by the coordinators, the reporter and the referent, the
shared summary only by the other members; the referent's analysis, actions, decision, closing,
dismissal and sharing; 404 / 403 / 409 / 422 as everywhere, nothing written on a refusal."""

import datetime

import pytest
from django.utils import timezone

from maillon.quality.factories import ImprovementActionFactory, IncidentReviewFactory
from maillon.quality.models import ImprovementAction, IncidentReview, ReviewStatus

from .api_helpers import call, callers, field_errors

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
NIR = "1 45 03 75 112 005 66"
EVENT = {
    "title": "Ordonnance de sortie non transmise à la pharmacie",
    "category": "care_break",
    "occurred_on": "2026-01-05",
    "description": "La pharmacie a découvert le changement de traitement trois jours après la sortie.",
}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/quality/incident-reviews{tail}"


def test_a_member_reports_an_event_that_names_nobody(cpts):
    world = callers(cpts)
    occurred = str(TODAY() - datetime.timedelta(days=3))
    response = call("post", url(cpts), world.headers("member"), {**EVENT, "occurred_on": occurred})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["whole"], body["status"], body["title"], body["consequence"]) == (
        True,
        "reported",
        EVENT["title"],
        "none",
    )
    review = IncidentReview.objects.get()
    assert review.reported_by == world.users["member"]
    headers = world.headers("member")
    with_nir = {**EVENT, "description": f"Le patient {NIR} n'a pas eu son traitement."}
    assert list(field_errors(call("post", url(cpts), headers, with_nir))) == ["description"]
    future = {**EVENT, "occurred_on": str(TODAY() + datetime.timedelta(days=1))}
    assert list(field_errors(call("post", url(cpts), headers, future))) == ["occurred_on"]
    assert list(field_errors(call("post", url(cpts), headers, {**EVENT, "category": "blame"}))) == ["category"]
    assert IncidentReview.objects.count() == 1
    for role in ("authority", "outsider", "admin"):
        assert call("post", url(cpts), world.headers(role), EVENT).status_code == 404, role


def test_the_other_members_read_the_shared_summary_only(cpts):
    world = callers(cpts)
    mine = IncidentReviewFactory(cpts=cpts, reported_by=world.users["member"])
    shared = IncidentReviewFactory(cpts=cpts, actions=True, shared=True)
    hidden = IncidentReviewFactory(cpts=cpts, analysis=True)
    member = world.headers("member")
    body = call("get", url(cpts), member).json()
    assert body["count"] == 2
    rows = {item["id"]: item for item in body["items"]}
    assert rows[mine.pk]["whole"] and rows[mine.pk]["title"] == mine.title
    assert not rows[shared.pk]["whole"]
    assert rows[shared.pk]["summary"] == shared.summary
    assert (rows[shared.pk]["title"], rows[shared.pk]["status"], rows[shared.pk]["referent"]) == (None, None, None)
    detail = call("get", url(cpts, f"/{shared.pk}"), member).json()
    assert (detail["description"], detail["facts"], detail["causes"], detail["actions"]) == (None, None, None, None)
    assert shared.description not in str(detail)
    assert call("get", url(cpts, f"/{hidden.pk}"), member).status_code == 404
    # The state filter reads the reviews read whole only.
    assert call("get", url(cpts), member, status="actions").json()["count"] == 0
    coordinator = call("get", url(cpts), world.headers("coordinator"), status="actions").json()
    assert [(item["id"], item["whole"]) for item in coordinator["items"]] == [(shared.pk, True)]
    for role in ("authority", "outsider", "admin"):
        assert call("get", url(cpts), world.headers(role)).status_code == 404, role


def test_the_coordinator_names_the_referent_once(cpts):
    world = callers(cpts)
    review = IncidentReviewFactory(cpts=cpts, reported_by=world.users["member"])
    path = url(cpts, f"/{review.pk}/referent")
    coordinator = world.headers("coordinator")
    referent = {"membership": world.adhesions["referent"].pk}
    assert call("post", path, world.headers("member"), referent).status_code == 403
    assert call("post", path, world.headers("owner"), referent).status_code == 404
    assert list(field_errors(call("post", path, coordinator, {}))) == ["membership"]
    assert list(field_errors(call("post", path, coordinator, {"user": world.users["outsider"].pk}))) == ["user"]
    review.refresh_from_db()
    assert (review.status, review.referent) == (ReviewStatus.REPORTED, None)
    response = call("post", path, coordinator, referent)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["referent"]["id"]) == ("analysis", world.users["referent"].pk)
    again = call("post", path, coordinator, {"user": world.users["coordinator"].pk})
    assert (again.status_code, again.json()["status"]) == (409, "analysis")
    # The referent now reads it whole.
    assert call("get", url(cpts, f"/{review.pk}"), world.headers("referent")).json()["whole"] is True


def analysing(world):
    return IncidentReviewFactory(cpts=world.cpts, analysis=True, referent=world.users["referent"])


ANALYSIS = {
    "facts": "J0 sortie ; J3 la pharmacie découvre le changement.",
    "causes": {"team": "Pas de transmission à la pharmacie.", "tasks": "Ordonnance de sortie manuscrite."},
    "protective_factors": "Vigilance de la pharmacienne.",
    "lessons": "Transmettre l'ordonnance de sortie à la pharmacie.",
}


def test_the_referent_writes_the_analysis_decides_and_closes(cpts):
    world = callers(cpts)
    review = analysing(world)
    referent = world.headers("referent")
    assert call("put", url(cpts, f"/{review.pk}/analysis"), world.headers("member"), ANALYSIS).status_code == 404
    # The analysis is not complete: 409 saying what is missing.
    refused = call("post", url(cpts, f"/{review.pk}/decide"), referent)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Analyse : complétez d'abord")
    response = call("put", url(cpts, f"/{review.pk}/analysis"), referent, ANALYSIS)
    assert response.status_code == 200, response.content
    assert [row["category"] for row in response.json()["causes"]] == ["tasks", "team"]
    # No action decided yet: 409 too.
    assert "action" in call("post", url(cpts, f"/{review.pk}/decide"), referent).json()["detail"].lower()
    action = {"description": "Circuit de sortie avec la pharmacie", "owner": world.adhesions["owner"].pk}
    added = call("post", url(cpts, f"/{review.pk}/actions"), referent, {**action, "due_on": str(TODAY())})
    assert added.status_code == 201, added.content
    decided = call("post", url(cpts, f"/{review.pk}/decide"), referent)
    assert (decided.status_code, decided.json()["status"]) == (200, "actions")
    again = call("post", url(cpts, f"/{review.pk}/decide"), referent)
    assert (again.status_code, again.json()["status"]) == (409, "actions")
    # Closing waits for the actions.
    assert call("post", url(cpts, f"/{review.pk}/close"), referent).status_code == 409
    action_id = added.json()["id"]
    done = call("post", f"/cpts/{cpts.pk}/quality/improvement-actions/{action_id}/complete", world.headers("owner"))
    assert (done.status_code, done.json()["status"]) == (200, "done")
    closed = call("post", url(cpts, f"/{review.pk}/close"), referent)
    assert (closed.status_code, closed.json()["status"], closed.json()["closed_on"]) == (200, "closed", str(TODAY()))


def test_a_refused_analysis_or_action_names_its_field_and_writes_nothing(cpts, other_cpts):
    world = callers(cpts)
    review = analysing(world)
    referent = world.headers("referent")
    path = url(cpts, f"/{review.pk}/analysis")
    assert list(field_errors(call("put", path, referent, {**ANALYSIS, "causes": {"blame": "Dr X"}}))) == ["causes"]
    assert list(field_errors(call("put", path, referent, {**ANALYSIS, "causes": {"team": f"Le {NIR}"}}))) == ["causes"]
    assert list(field_errors(call("put", path, referent, {**ANALYSIS, "lessons": NIR}))) == ["lessons"]
    review.refresh_from_db()
    assert (review.facts, review.lessons) == ("J0 sortie ; J10 réception du compte rendu.", "")
    actions = url(cpts, f"/{review.pk}/actions")
    good = {"description": "Circuit de sortie", "owner": world.adhesions["owner"].pk, "due_on": str(TODAY())}
    yesterday = str(TODAY() - datetime.timedelta(days=1))
    assert list(field_errors(call("post", actions, referent, {**good, "due_on": yesterday}))) == ["due_on"]
    from maillon.members.factories import MembershipFactory

    elsewhere = MembershipFactory(cpts=other_cpts).pk
    assert list(field_errors(call("post", actions, referent, {**good, "owner": elsewhere}))) == ["owner"]
    assert list(field_errors(call("post", actions, referent, {**good, "description": f"Rappeler {NIR}"}))) == [
        "description"
    ]
    assert not ImprovementAction.objects.exists()
    # A reported review is not analysed yet: 409 with its state (the state is checked first);
    # in analysis, a stranger to the analysis (its reporter included): 403.
    reported = IncidentReviewFactory(cpts=cpts, reported_by=world.users["member"])
    refused = call("put", url(cpts, f"/{reported.pk}/analysis"), world.headers("coordinator"), ANALYSIS)
    assert (refused.status_code, refused.json()["status"]) == (409, "reported")
    analysed = IncidentReviewFactory(cpts=cpts, analysis=True, reported_by=world.users["member"])
    assert call("put", url(cpts, f"/{analysed.pk}/analysis"), world.headers("member"), ANALYSIS).status_code == 403


def test_dismissing_needs_a_reason_and_only_before_the_actions(cpts):
    world = callers(cpts)
    review = analysing(world)
    path = url(cpts, f"/{review.pk}/dismiss")
    assert list(field_errors(call("post", path, world.headers("referent"), {"note": " "}))) == ["note"]
    response = call("post", path, world.headers("referent"), {"note": "Doublon d'une autre déclaration"})
    assert (response.status_code, response.json()["status"]) == (200, "dismissed")
    closed = IncidentReviewFactory(cpts=cpts, closed=True)
    refused = call("post", url(cpts, f"/{closed.pk}/dismiss"), world.headers("coordinator"), {"note": "x"})
    assert (refused.status_code, refused.json()["status"]) == (409, "closed")


def test_the_summary_is_shared_once_the_analysis_is_done(cpts):
    world = callers(cpts)
    review = analysing(world)
    referent = world.headers("referent")
    summary = {"summary": "Une ordonnance de sortie non transmise : un circuit est convenu avec les pharmacies."}
    early = call("post", url(cpts, f"/{review.pk}/share"), referent, summary)
    assert (early.status_code, early.json()["status"]) == (409, "analysis")
    IncidentReview.objects.filter(pk=review.pk).update(status=ReviewStatus.ACTIONS)
    assert list(field_errors(call("post", url(cpts, f"/{review.pk}/share"), referent, {"summary": NIR}))) == ["summary"]
    assert call("post", url(cpts, f"/{review.pk}/share"), world.headers("owner"), summary).status_code == 404
    response = call("post", url(cpts, f"/{review.pk}/share"), referent, summary)
    assert response.status_code == 200
    assert response.json()["shared_at"] is not None
    seen = call("get", url(cpts, f"/{review.pk}"), world.headers("owner")).json()
    assert (seen["whole"], seen["summary"]) == (False, summary["summary"])
    assert call("post", url(cpts, f"/{review.pk}/share"), world.headers("owner"), summary).status_code == 403


def test_an_improvement_action_is_done_by_its_owner_and_dropped_by_who_leads_the_review(cpts):
    world = callers(cpts)
    action = ImprovementActionFactory(
        review__cpts=cpts, review__referent=world.users["referent"], owner=world.adhesions["owner"]
    )
    base = f"/cpts/{cpts.pk}/quality/improvement-actions/{action.pk}"
    for role in ("member", "outsider"):
        assert call("post", f"{base}/complete", world.headers(role)).status_code == 404, role
    assert call("post", f"{base}/drop", world.headers("owner"), {"note": "Trop cher"}).status_code == 403
    assert list(field_errors(call("post", f"{base}/drop", world.headers("referent"), {}))) == ["note"]
    response = call("post", f"{base}/drop", world.headers("referent"), {"note": "Remplacée par une autre action"})
    assert (response.status_code, response.json()["status"]) == (200, "dropped")
    again = call("post", f"{base}/complete", world.headers("owner"))
    assert (again.status_code, again.json()["status"]) == (409, "dropped")
