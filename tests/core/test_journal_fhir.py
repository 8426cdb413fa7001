"""`manage.py export_journal_fhir`: the journal as AuditEvent resources of the ANS traceability
guide, each parsable by fhir.resources (R4B), nothing personal in them."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle

from maillon.core import journal, journal_fhir
from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import Cpts, JournalEntry

pytestmark = pytest.mark.django_db


def export(*args):
    out = StringIO()
    call_command("export_journal_fhir", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_every_action_of_the_journal_exports_as_a_valid_tde_audit_event():
    actor = UserFactory(email="personne@example.org", first_name="Camille", last_name="Durand")
    with journal.acting_as(actor):
        cpts = CptsFactory(name="CPTS Vallée de la Bièvre")
    for action, _label in journal.Action.CHOICES:
        journal.record(action, cpts, fields=["name", "email"], actor=actor, note="Essai")
    journal.record(journal.Action.LOGIN_FAILED, object_type="core.User")  # no actor, no object id
    journal.seal_pending()

    bundle = export()
    assert Bundle.model_validate(bundle).type == "collection"
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert len(resources) == JournalEntry.objects.count()
    for resource in resources:
        event = AuditEvent.model_validate(resource)
        assert event.meta.profile == [journal_fhir.PROFILE]
        assert event.type.code and event.action in {"C", "R", "U", "D", "E"}
        assert event.recorded and event.period.start  # the TDE profile requires period.start
        assert 1 <= len(event.agent) <= 2 and all(agent.who for agent in event.agent)
        assert event.source.observer is not None
        assert len(event.subtype or []) <= 1
    text = json.dumps(bundle, ensure_ascii=False)
    for personal in ("personne@example.org", "Camille", "Durand", "Bièvre"):
        assert personal not in text
    read = next(r for r in resources if r.get("subtype") == [journal_fhir._interaction("read")])
    assert read["agent"][0]["who"]["identifier"]["value"] == str(actor.pk)
    assert {"type": "champs", "valueString": "email,name"} in read["entity"][0]["detail"]
    failed = [r for r in resources if r["outcome"] == "4"][-1]  # the unattributed one, written last
    assert failed["agent"][0]["who"]["display"] == "Maillon"


def test_export_is_bounded_by_days_and_empty_is_still_a_valid_bundle():
    now = timezone.now()
    JournalEntry.objects.create(
        action=journal.Action.READ, object_type="core.Cpts", at=now - datetime.timedelta(days=10)
    )
    journal.record(journal.Action.READ, object_type="core.Cpts", object_id="2")
    today = timezone.localdate()
    recent = export("--since", today.isoformat())
    assert [entry["resource"]["entity"][0]["what"]["identifier"]["value"] for entry in recent["entry"]] == ["2"]
    old = export("--until", (today - datetime.timedelta(days=5)).isoformat())
    assert len(old["entry"]) == 1
    empty = export("--since", (today + datetime.timedelta(days=1)).isoformat())
    assert "entry" not in empty
    Bundle.model_validate(empty)


def test_export_refuses_a_bad_date_in_french():
    with pytest.raises(CommandError, match="--since : « hier » n'est pas une date"):
        export("--since", "hier")
    with pytest.raises(CommandError, match="--until"):
        export("--since", "2026-02-01", "--until", "2026-01-01")


def test_export_reads_the_journal_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    journal.record_many(journal.Action.READ, Cpts, [(pk, None, "") for pk in range(50)], fields=["name"])
    with django_assert_max_num_queries(3):
        assert len(export()["entry"]) == 50
