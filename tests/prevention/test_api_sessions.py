"""The API of the sessions and their registrants (maillon/api/prevention.py): seats and the
waiting list hold through the services, the registrants are seen by the coordination and the
adherent in charge only, each read journaled."""

import datetime

import pytest
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.prevention import services
from maillon.prevention.factories import (
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
    WalkInCountFactory,
)
from maillon.prevention.models import PublicSession, RegistrationStatus, SessionStatus

from .api_helpers import call, callers, field_errors

pytestmark = pytest.mark.django_db

NEW_SESSION = {
    "kind": "workshop",
    "title": "Atelier : le test immunologique",
    "starts_at": "2030-03-05T14:00:00",
    "ends_at": "2030-03-05T16:00:00",
    "place": "Maison de santé",
    "commune": "78646",
    "capacity": 12,
}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/prevention/sessions{tail}"


def register(session, n):
    return services.register(session, first_name="Ana", last_name=f"N{n}", email=f"p{n}@example.org")


def test_the_readers_see_seats_and_the_waiting_list(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts), capacity=2)
    for n in range(3):
        register(session, n)
    for role in ("coordinator", "member", "in_charge", "authority"):
        body = call("get", url(cpts), world.headers(role)).json()
        assert body["count"] == 1, role
        item = body["items"][0]
        assert (item["capacity"], item["seats_taken"], item["seats_left"], item["waiting"]) == (2, 2, 0, 1)
        assert (item["is_open"], item["participants"], item["participants_count"]) == (True, None, None)
    assert call("get", url(cpts), world.headers("outsider")).status_code == 404
    assert call("get", url(cpts)).status_code == 401


def test_the_list_filters_upcoming_sessions_and_by_action(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    coming = PublicSessionFactory(action=action)
    past_start = timezone.now() - datetime.timedelta(days=3)
    past = PublicSessionFactory(action=action, starts_at=past_start, ends_at=past_start + datetime.timedelta(hours=1))
    other = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts))
    headers = world.headers("member")

    def ids(**params):
        return [item["id"] for item in call("get", url(cpts), headers, **params).json()["items"]]

    assert ids()[0] == past.pk
    assert set(ids()) == {past.pk, coming.pk, other.pk}
    assert set(ids(upcoming="true")) == {coming.pk, other.pk}
    assert ids(action=action.pk, upcoming="true") == [coming.pk]


def test_a_held_session_counts_its_participants_by_age_band_and_sex(cpts):
    world = callers(cpts)
    start = timezone.now() - datetime.timedelta(hours=3)
    session = PublicSessionFactory(
        action=PreventionActionFactory(cpts=cpts), starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    RegistrationFactory(session=session, age_band="50-74", sex="female", attended=True)
    RegistrationFactory(session=session, age_band="50-74", sex="female", attended=False)
    WalkInCountFactory(session=session, age_band="50-74", sex="female", count=2)
    WalkInCountFactory(session=session, age_band="75+", sex="male", count=1)
    headers = world.headers("coordinator")
    response = call("post", url(cpts, f"/{session.pk}/held"), headers, {"note": "Bonne affluence"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "held"
    assert body["participants_count"] == 4
    assert {(row["age_band"]["code"], row["sex"]["code"], row["count"]) for row in body["participants"]} == {
        ("50-74", "female", 3),
        ("75+", "male", 1),
    }
    assert call("get", url(cpts), headers).json()["items"][0]["participants_count"] == 4


def test_a_session_not_begun_cannot_be_held_and_a_held_one_cannot_be_cancelled(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts, owner=world.owner))
    headers = world.headers("coordinator")
    response = call("post", url(cpts, f"/{session.pk}/held"), headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "Cette séance n'a pas encore commencé."
    for role in ("member", "in_charge", "authority"):
        assert call("post", url(cpts, f"/{session.pk}/held"), world.headers(role)).status_code == 403
    PublicSession.objects.filter(pk=session.pk).update(status=SessionStatus.HELD)
    response = call("post", url(cpts, f"/{session.pk}/cancel"), headers)
    assert response.status_code == 409
    assert (response.json()["status"], response.json()["status_label"]) == ("held", "Tenue")


def test_the_coordinator_creates_a_session_in_paris_time(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_SESSION, "action": action.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert datetime.datetime.fromisoformat(body["starts_at"]) == datetime.datetime.fromisoformat(
        "2030-03-05T14:00:00+01:00"
    )
    assert (body["commune"], body["seats_left"], body["status"]) == (
        {"code": "78646", "name": "Versailles"},
        12,
        "scheduled",
    )
    assert PublicSession.objects.for_cpts(cpts).get().action == action


def test_only_the_coordinators_create_change_and_cancel_sessions(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts, owner=world.owner)
    session = PublicSessionFactory(action=action)
    for role in ("member", "in_charge", "authority"):
        headers = world.headers(role)
        assert call("post", url(cpts), headers, {**NEW_SESSION, "action": action.pk}).status_code == 403, role
        assert call("patch", url(cpts, f"/{session.pk}"), headers, {"capacity": 40}).status_code == 403
        assert call("post", url(cpts, f"/{session.pk}/cancel"), headers).status_code == 403
    assert call("patch", url(cpts, f"/{session.pk}"), world.headers("outsider"), {"capacity": 40}).status_code == 404
    assert PublicSession.objects.get().capacity == 20


def test_the_session_rules_answer_422_naming_the_field(cpts, other_cpts):
    world = callers(cpts)
    headers = world.headers("coordinator")
    action = PreventionActionFactory(cpts=cpts)
    response = call("post", url(cpts), headers, {**NEW_SESSION, "action": action.pk, "ends_at": "2030-03-05T13:00:00"})
    assert field_errors(response) == {"ends_at": ["Fin : la séance doit finir après son début."]}
    theirs = PreventionActionFactory(cpts=other_cpts)
    response = call("post", url(cpts), headers, {**NEW_SESSION, "action": theirs.pk})
    assert field_errors(response)["action"][0].startswith("Action : ")
    response = call("post", url(cpts), headers, {**NEW_SESSION, "action": action.pk, "commune": "00000"})
    assert field_errors(response)["commune"][0].startswith("Commune : ")
    response = call("post", url(cpts), headers, {**NEW_SESSION, "action": action.pk, "capacity": 0})
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "capacity"]
    assert not PublicSession.objects.exists()


def test_more_seats_go_to_the_waiting_list_and_fewer_than_taken_is_refused(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts), capacity=1)
    register(session, 1)
    waiting = register(session, 2)
    headers = world.headers("coordinator")
    response = call("patch", url(cpts, f"/{session.pk}"), headers, {"capacity": 3})
    assert response.status_code == 200, response.content
    assert (response.json()["seats_taken"], response.json()["waiting"]) == (2, 0)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    response = call("patch", url(cpts, f"/{session.pk}"), headers, {"capacity": 1})
    assert response.status_code == 422
    assert field_errors(response)["capacity"][0].startswith("Places : 2 personnes sont déjà inscrites")


def test_cancelling_a_session_tells_everyone_and_twice_is_a_409(cpts, django_capture_on_commit_callbacks):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts), capacity=1)
    first, second = register(session, 1), register(session, 2)
    headers = world.headers("coordinator")
    response = call("post", url(cpts, f"/{session.pk}/cancel"), headers, {"note": "Salle indisponible"})
    assert response.json()["status"] == "cancelled"
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.CANCELLED
    assert call("post", url(cpts, f"/{session.pk}/cancel"), headers).status_code == 409


# --- Registrants ---------------------------------------------------------------------------


def test_the_coordination_and_the_adherent_in_charge_read_the_registrants_journaled(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts, owner=world.owner), capacity=1)
    seated, waiting = register(session, 1), register(session, 2)
    for role in ("coordinator", "in_charge"):
        body = call("get", url(cpts, f"/{session.pk}/registrations"), world.headers(role)).json()
        assert body["count"] == 2, role
        assert [(item["id"], item["status"], item["waiting_rank"]) for item in body["items"]] == [
            (seated.pk, "confirmed", None),
            (waiting.pk, "waiting", 1),
        ]
        assert body["items"][0]["email"] == "p1@example.org"
    reads = JournalEntry.objects.filter(action="read", object_type="prevention.Registration")
    assert reads.count() == 4
    assert set(reads.values_list("object_id", flat=True)) == {str(seated.pk), str(waiting.pk)}
    assert "example.org" not in str(list(reads.values_list("fields", "note")))
    waiting_only = call(
        "get", url(cpts, f"/{session.pk}/registrations"), world.headers("coordinator"), status="waiting"
    )
    assert [item["id"] for item in waiting_only.json()["items"]] == [waiting.pk]


def test_other_readers_of_the_session_do_not_see_its_registrants(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts, owner=world.owner))
    registration = register(session, 1)
    for role in ("member", "authority"):
        response = call("get", url(cpts, f"/{session.pk}/registrations"), world.headers(role))
        assert response.status_code == 404, role
        assert response.json() == {"detail": "Inscriptions introuvables."}
        cancel = url(cpts, f"/{session.pk}/registrations/{registration.pk}/cancel")
        assert call("post", cancel, world.headers(role)).status_code == 404
    assert call("get", url(cpts, f"/{session.pk}/registrations"), world.headers("outsider")).status_code == 404
    assert not JournalEntry.objects.filter(action="read", object_type="prevention.Registration").exists()


def test_cancelling_a_registration_hands_the_seat_to_the_first_waiting(cpts):
    world = callers(cpts)
    session = PublicSessionFactory(action=PreventionActionFactory(cpts=cpts, owner=world.owner), capacity=1)
    seated, waiting = register(session, 1), register(session, 2)
    cancel = url(cpts, f"/{session.pk}/registrations/{seated.pk}/cancel")
    response = call("post", cancel, world.headers("in_charge"), {"note": "Empêchée"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["registration"]["status"] == "cancelled"
    assert (body["promoted"]["id"], body["promoted"]["status"]) == (waiting.pk, "confirmed")
    response = call("post", cancel, world.headers("coordinator"))
    assert response.status_code == 409
    assert response.json()["status"] == "cancelled"


def test_a_registration_of_another_session_answers_404(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    session, elsewhere = PublicSessionFactory(action=action), PublicSessionFactory(action=action)
    registration = register(elsewhere, 1)
    response = call(
        "post", url(cpts, f"/{session.pk}/registrations/{registration.pk}/cancel"), world.headers("coordinator")
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Inscription introuvable."}
