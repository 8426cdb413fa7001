"""Activation by the coordination, declaration and recognition by the authority, the live
board, the main courante, the end and the RETEX — through the pages."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import registry
from maillon.crisis_response.factories import CrisisFactory, LogEntryFactory
from maillon.crisis_response.models import Crisis, DeclaredAs, LogEntry, LogKind, Retex

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def activate_url(cpts):
    return reverse("crisis_response_activate", args=[cpts.slug])


def board_url(crisis):
    return reverse("crisis_response_board", args=[crisis.cpts.slug, crisis.pk])


def this_year():
    today = timezone.localdate()
    return SimpleNamespace(starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=265))


def test_the_coordinator_activates_the_plan_and_the_board_shows_who_was_alerted(
    cpts, coordinator_client, chain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(activate_url(cpts), {"typology": "sick", "zone": "Versailles nord"})
    crisis = Crisis.objects.get()
    assert response.status_code == 302
    assert (crisis.declared_as, crisis.is_exercise, crisis.recognised_at) == (DeclaredAs.COORDINATOR, False, None)
    page = coordinator_client.get(board_url(crisis)).content.decode()
    for professional in chain[1]:
        assert professional.last_name in page
    assert "SMS : envoyé" in page
    assert "Activation du plan de crise" in page


def test_a_missing_typology_is_named_in_the_error(cpts, coordinator_client):
    response = coordinator_client.post(activate_url(cpts), {"zone": "Versailles"})
    assert "Typologie : ce champ est obligatoire." in response.content.decode()
    assert not Crisis.objects.exists()


def test_only_the_authority_recognition_publishes_the_funding_fact(cpts, coordinator_client, authority, chain):
    coordinator_client.post(activate_url(cpts), {"typology": "sick", "zone": "Versailles", "recognised": "on"})
    crisis = Crisis.objects.get()
    assert crisis.recognised_at is None  # the coordinator's form has no such box, and the service refuses
    coordinator_client.post(board_url(crisis), {"action": "recognise"})
    crisis.refresh_from_db()
    assert crisis.recognised_at is None
    assert registry.compute_fact("serious_crisis_recognised", cpts, this_year()) is False

    verified_client(authority).post(board_url(crisis), {"action": "recognise"})
    crisis.refresh_from_db()
    assert crisis.recognised_by == authority
    assert registry.compute_fact("serious_crisis_recognised", cpts, this_year()) is True


def test_the_authority_declares_a_serious_crisis_of_its_territory(cpts, authority, chain):
    response = verified_client(authority).post(
        activate_url(cpts), {"typology": "nrc", "zone": "Zone industrielle", "recognised": "on"}
    )
    crisis = Crisis.objects.get()
    assert response.status_code == 302
    assert (crisis.declared_as, crisis.recognised_by) == (DeclaredAs.AUTHORITY, authority)


def test_a_crisis_started_before_the_contract_year_does_not_count_even_recognised_in_it(cpts):
    started = timezone.now() - datetime.timedelta(days=400)
    CrisisFactory(cpts=cpts, started_at=started, recognised_at=timezone.now())
    assert registry.compute_fact("serious_crisis_recognised", cpts, this_year()) is False


def test_a_crisis_started_in_the_contract_year_counts_even_recognised_after_it(cpts):
    year = this_year()
    started = timezone.now() - datetime.timedelta(days=10)
    CrisisFactory(cpts=cpts, started_at=started, recognised_at=started + datetime.timedelta(days=300))
    assert registry.compute_fact("serious_crisis_recognised", cpts, year) is True


def test_an_exercise_is_never_recognised_nor_counted(cpts, authority):
    crisis = CrisisFactory(cpts=cpts, exercise=True)
    verified_client(authority).post(board_url(crisis), {"action": "recognise"})
    crisis.refresh_from_db()
    assert crisis.recognised_at is None
    with pytest.raises(ValidationError):
        crisis.recognise(by=authority)
    assert registry.compute_fact("serious_crisis_recognised", cpts, this_year()) is False


def test_a_member_without_a_coordinator_role_gets_404(cpts, member):
    crisis = CrisisFactory(cpts=cpts)
    client = verified_client(member)
    for url in (reverse("crisis_response_list", args=[cpts.slug]), board_url(crisis), activate_url(cpts)):
        assert client.get(url).status_code == 404


def test_the_main_courante_is_timestamped_and_append_only(cpts, coordinator_client, coordinator):
    crisis = CrisisFactory(cpts=cpts)
    before = timezone.now()
    coordinator_client.post(board_url(crisis), {"action": "log", "kind": "decision", "text": "Ouverture du gymnase"})
    entry = LogEntry.objects.get(crisis=crisis, text="Ouverture du gymnase")
    assert (entry.kind, entry.author) == (LogKind.DECISION, coordinator)
    assert entry.at >= before
    entry.text = "Autre chose"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        LogEntryFactory(crisis=crisis).delete()


def test_the_live_board_answers_the_htmx_poll(cpts, coordinator_client):
    crisis = CrisisFactory(cpts=cpts)
    url = reverse("crisis_response_board_live", args=[cpts.slug, crisis.pk])
    response = coordinator_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'hx-trigger="every 15s"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_ending_then_the_retex_carries_its_actions_into_the_plan(cpts, coordinator_client, coordinator, monkeypatch):
    carried = []
    monkeypatch.setattr(
        "maillon.crisis.services.carry_improvements",
        lambda cpts, *, items, source, by: carried.append((cpts, items, by)),
    )
    crisis = CrisisFactory(cpts=cpts)
    retex_url = reverse("crisis_response_retex", args=[cpts.slug, crisis.pk])
    body = {"went_well": "Rapide", "went_wrong": "", "improvement_actions": "Vérifier les numéros\n\n- Former au SMS"}
    coordinator_client.post(retex_url, body)
    assert not Retex.objects.exists()  # the crisis is still on

    coordinator_client.post(board_url(crisis), {"action": "end"})
    crisis.refresh_from_db()
    assert crisis.ended_at is not None
    coordinator_client.post(retex_url, body)
    retex = Retex.objects.get()
    assert retex.carried_at is not None
    assert carried == [(cpts, ["Vérifier les numéros", "Former au SMS"], coordinator)]


def test_the_coordinator_mobilises_an_available_member(cpts, coordinator_client):
    from maillon.crisis_response.factories import CrisisRecipientFactory

    recipient = CrisisRecipientFactory(crisis__cpts=cpts, answer="available", answered_at=timezone.now())
    coordinator_client.post(
        board_url(recipient.crisis),
        {"action": "assign", "recipient": recipient.pk, "assignment": "Centre de vaccination"},
    )
    recipient.refresh_from_db()
    assert recipient.assignment == "Centre de vaccination"
    assert LogEntry.objects.filter(crisis=recipient.crisis, professional=recipient.professional).exists()
