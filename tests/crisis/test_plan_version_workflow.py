"""A version of the crisis plan moves only through its declared workflow (draft → submitted →
validated, or sent back to draft): each move is one conditional UPDATE, one row of its log
(PlanEvent, with the authority's comments) and one « transition » journal entry; an illegal or
stale move is refused in French and writes nothing; the API answers it 409 with the state."""

import json

import pytest

from maillon.core.models import ApiToken, JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.crisis import services
from maillon.crisis.models import PlanEvent, PlanStatus, PlanVersion

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def transitions_journaled(version):
    return JournalEntry.objects.filter(action="transition", object_type="crisis.PlanVersion", object_id=str(version.pk))


def logged(version):
    return list(PlanEvent.objects.filter(version=version).values_list("from_status", "to_status", "comment"))


@pytest.fixture
def draft(cpts, coordinator):
    return complete_draft(cpts, coordinator, year=2026)


@pytest.fixture
def submitted(draft, coordinator):
    draft.submit(by=coordinator)
    return draft


def test_submitting_writes_one_log_row_and_one_journal_entry(draft, coordinator):
    event = draft.submit(by=coordinator)

    stored = PlanVersion.objects.get(pk=draft.pk)
    assert stored.status == PlanStatus.SUBMITTED and stored.submitted_by == coordinator and stored.submitted_at
    assert (event.from_status, event.to_status, event.by, event.note, event.comment) == (
        "draft",
        "submitted",
        coordinator,
        "",
        "",
    )
    (entry,) = transitions_journaled(draft)
    assert entry.actor_id == coordinator.pk and entry.note == "draft → submitted" and "status" in entry.fields


@pytest.mark.parametrize(
    ("name", "target", "comment"),
    [("validate", PlanStatus.VALIDATED, "Conforme."), ("send_back", PlanStatus.DRAFT, "Préciser le repli.")],
)
def test_the_authoritys_decision_writes_one_log_row_with_its_comments(submitted, authority, name, target, comment):
    getattr(submitted, name)(by=authority, comment=comment)

    assert PlanVersion.objects.get(pk=submitted.pk).status == target
    assert logged(submitted) == [("draft", "submitted", ""), ("submitted", target, comment)]
    assert PlanEvent.objects.filter(version=submitted).last().by == authority
    assert transitions_journaled(submitted).count() == 2


def test_sending_back_clears_the_submission(submitted, authority):
    submitted.send_back(by=authority, comment="À reprendre.")
    stored = PlanVersion.objects.get(pk=submitted.pk)
    assert stored.submitted_at is None and stored.submitted_by is None


def test_an_illegal_move_is_refused_with_its_french_message_and_writes_nothing(draft, authority):
    with pytest.raises(TransitionNotAllowed) as refused:
        draft.validate(by=authority)

    assert refused.value.detail == "Validation : seule une version soumise peut être validée."
    assert (refused.value.status, refused.value.status_label) == ("draft", "Brouillon")
    assert PlanVersion.objects.get(pk=draft.pk).status == PlanStatus.DRAFT
    assert logged(draft) == [] and not transitions_journaled(draft).exists()


def test_a_refused_send_back_is_refused_before_the_comment_is_checked(draft, authority):
    with pytest.raises(TransitionNotAllowed, match="seule une version soumise peut être renvoyée"):
        draft.send_back(by=authority, comment="")
    assert logged(draft) == []


def test_a_stale_copy_loses_and_writes_nothing(submitted, authority):
    first, second = PlanVersion.objects.get(pk=submitted.pk), PlanVersion.objects.get(pk=submitted.pk)
    first.validate(by=authority)

    with pytest.raises(TransitionNotAllowed) as refused:
        second.send_back(by=authority, comment="Trop tard.")

    assert refused.value.detail == "Cette version du plan a changé entre-temps : l'action n'est pas possible."
    assert refused.value.status == "validated"
    assert PlanVersion.objects.get(pk=submitted.pk).status == PlanStatus.VALIDATED
    assert logged(submitted) == [("draft", "submitted", ""), ("submitted", "validated", "")]


def test_the_state_is_never_assigned_and_saved(draft):
    draft.status = PlanStatus.VALIDATED
    with pytest.raises(StateChangedOutsideWorkflow):
        draft.save()
    assert PlanVersion.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_field_saved_after_a_transition_journals_only_itself(draft, coordinator):
    services.submit_version(draft, by=coordinator)
    draft.save()
    updates = JournalEntry.objects.filter(action="update", object_type="crisis.PlanVersion", object_id=str(draft.pk))
    assert not any({"status", "submitted_by"} & set(entry.fields) for entry in updates)


def call(client, user, path, body):
    _, plain = ApiToken.issue(user, "test")
    return client.post(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )


def test_the_api_answers_an_illegal_move_409_with_the_state_and_changes_nothing(
    client, cpts, submitted, coordinator, authority
):
    path = f"/cpts/{cpts.pk}/crisis/plan/versions/{submitted.year}"

    again = call(client, coordinator, f"{path}/submit", {})
    submitted.validate(by=authority)
    back = call(client, authority, f"{path}/decision", {"validate_plan": False, "comment": "Trop tard."})

    assert again.status_code == 409
    assert again.json() == {
        "detail": "Soumission : seule une version en brouillon peut être soumise.",
        "status": "submitted",
        "status_label": "Soumis à l'ARS et à la CPAM",
    }
    assert back.status_code == 409
    assert back.json()["status"] == "validated" and back.json()["status_label"] == "Validé"
    assert PlanVersion.objects.get(pk=submitted.pk).status == PlanStatus.VALIDATED
    assert len(logged(submitted)) == 2
