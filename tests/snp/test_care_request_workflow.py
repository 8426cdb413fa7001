"""A same-day care request moves only through its declared workflow: each move is one
conditional UPDATE, one row of its log (RequestEvent) and one « transition » journal entry;
an illegal or stale move is refused in French and writes nothing; the API answers it 409
with the state the request is in."""

import json

import pytest

from maillon.core.models import ApiToken, JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.snp.models import CANCEL_REFUSED, CareRequest, RequestEvent, RequestStatus

from .requests_support import new_request, origin_commune

pytestmark = pytest.mark.django_db

S = RequestStatus


@pytest.fixture
def care_request(cpts, member):
    return new_request(cpts, by=member, commune=origin_commune())


def transitions_journaled(care_request):
    return JournalEntry.objects.filter(
        action="transition", object_type="snp.CareRequest", object_id=str(care_request.pk)
    )


def moves(care_request):
    return list(RequestEvent.objects.filter(request=care_request).values_list("from_status", "to_status"))


def test_the_creation_is_the_first_row_of_the_log(care_request, member):
    (event,) = RequestEvent.objects.filter(request=care_request)
    assert (event.from_status, event.to_status, event.by, event.at) == ("", "open", member, care_request.created_at)
    assert event.get_to_status_display() == "À placer"
    assert not transitions_journaled(care_request).exists()


# (arrange: the transitions that lead to the source state, the transition, from, to, note)
PATHS = [
    ([], "send_to_duty", S.OPEN, S.ON_DUTY_LIST, "aucun créneau"),
    (["send_to_duty"], "escalate", S.ON_DUTY_LIST, S.ESCALATED, "sans réponse des volontaires"),
    (["escalate"], "send_to_duty", S.ESCALATED, S.ON_DUTY_LIST, "aucun créneau"),
    ([], "book", S.OPEN, S.BOOKED, "créneau réservé"),
    (["send_to_duty"], "cancel", S.ON_DUTY_LIST, S.CANCELLED, "annulée"),
    (["escalate"], "expire", S.ESCALATED, S.CLOSED, "Échéance dépassée sans rendez-vous"),
    (["book"], "reopen", S.BOOKED, S.OPEN, "rendez-vous annulé"),
    (["book"], "close", S.BOOKED, S.CLOSED, ""),
]


def take(care_request, name, by):
    method = getattr(care_request, name)
    return method() if name == "expire" else method(by=by)


@pytest.mark.parametrize(("arrange", "name", "source", "target", "note"), PATHS)
def test_each_legal_move_writes_one_log_row_and_one_journal_entry(
    care_request, coordinator, arrange, name, source, target, note
):
    for step in arrange:
        take(care_request, step, coordinator)
    assert care_request.status == source
    logged, journaled = RequestEvent.objects.count(), transitions_journaled(care_request).count()

    event = take(care_request, name, coordinator)

    assert CareRequest.objects.get(pk=care_request.pk).status == target == care_request.status
    assert RequestEvent.objects.count() == logged + 1
    by = None if name == "expire" else coordinator
    assert (event.from_status, event.to_status, event.by, event.note) == (source, target, by, note)
    assert transitions_journaled(care_request).count() == journaled + 1
    entry = transitions_journaled(care_request).latest("pk")
    assert entry.note == f"{source} → {target}" and "status" in entry.fields
    assert entry.actor_id == (by.pk if by else None)


def test_the_moves_write_their_dates_in_the_same_update(care_request, coordinator):
    care_request.send_to_duty(by=coordinator)
    care_request.escalate()
    care_request.book(by=coordinator)
    stored = CareRequest.objects.get(pk=care_request.pk)
    assert stored.sent_to_duty_at and stored.escalated_at and stored.answered_at
    care_request.reopen(by=coordinator)
    assert CareRequest.objects.get(pk=care_request.pk).answered_at is None


def test_cancelling_a_booked_request_is_refused_in_french_and_writes_nothing(care_request, coordinator):
    care_request.book(by=coordinator)
    before = moves(care_request), transitions_journaled(care_request).count()

    with pytest.raises(TransitionNotAllowed) as refused:
        care_request.cancel(by=coordinator)

    assert refused.value.detail == CANCEL_REFUSED
    assert (refused.value.status, refused.value.status_label) == ("booked", "Rendez-vous pris")
    assert CareRequest.objects.get(pk=care_request.pk).status == S.BOOKED
    assert (moves(care_request), transitions_journaled(care_request).count()) == before


def test_a_move_that_does_not_leave_the_state_is_refused_with_the_state(care_request, coordinator):
    with pytest.raises(TransitionNotAllowed) as refused:
        care_request.close(by=coordinator)
    assert refused.value.detail == "Cette demande est « À placer » : l'action n'est pas possible."
    care_request.cancel(by=coordinator)
    for name in ("send_to_duty", "escalate", "book", "expire", "reopen"):
        with pytest.raises(TransitionNotAllowed):
            take(care_request, name, coordinator)
    assert moves(care_request) == [("", "open"), ("open", "cancelled")]


def test_a_stale_copy_loses_and_writes_nothing(care_request, coordinator, member):
    first, second = CareRequest.objects.get(pk=care_request.pk), CareRequest.objects.get(pk=care_request.pk)
    first.cancel(by=member)

    with pytest.raises(TransitionNotAllowed) as refused:
        second.send_to_duty(by=coordinator)

    assert refused.value.detail == "Cette demande a changé entre-temps : l'action n'est pas possible."
    assert refused.value.status == "cancelled"
    assert CareRequest.objects.get(pk=care_request.pk).status == S.CANCELLED
    assert moves(care_request) == [("", "open"), ("open", "cancelled")]
    assert transitions_journaled(care_request).count() == 1


def test_the_state_is_never_assigned_and_saved(care_request):
    care_request.status = S.CLOSED
    with pytest.raises(StateChangedOutsideWorkflow):
        care_request.save()
    assert CareRequest.objects.get(pk=care_request.pk).status == S.OPEN


def api_post(client, user, url):
    _, plain = ApiToken.issue(user, "test")
    return client.post(url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_the_api_answers_an_illegal_move_409_with_the_state_and_changes_nothing(client, cpts, care_request, member):
    care_request.book(by=member)
    base = f"/api/v1/cpts/{cpts.pk}/snp/requests/{care_request.pk}"

    cancelled = api_post(client, member, f"{base}/cancel")
    sent = api_post(client, member, f"{base}/duty")

    assert cancelled.status_code == 409
    assert json.loads(cancelled.content) == {
        "detail": CANCEL_REFUSED,
        "status": "booked",
        "status_label": "Rendez-vous pris",
    }
    assert sent.status_code == 409
    assert sent.json() == {
        "detail": "Cette demande est « Rendez-vous pris » : l'action n'est pas possible.",
        "status": "booked",
        "status_label": "Rendez-vous pris",
    }
    assert CareRequest.objects.get(pk=care_request.pk).status == S.BOOKED
    assert moves(care_request) == [("", "open"), ("open", "booked")]
