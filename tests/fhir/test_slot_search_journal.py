"""Every call of a SAS client is journaled once: the client, and the number of slots sent."""

import pytest

from maillon.core.models import JournalEntry

from .conftest import make_slot, paris, search

pytestmark = pytest.mark.django_db


def entries_of(sas_client):
    return JournalEntry.objects.filter(
        object_type="snp.SasClient", object_id=str(sas_client.pk), action="read"
    ).order_by("id")


def test_a_search_writes_one_entry_naming_the_client_and_the_slot_count(sas, sas_client, agenda):
    make_slot(agenda, paris(12, 9)), make_slot(agenda, paris(12, 10))
    before = JournalEntry.objects.count()
    assert search(sas, agenda.professional.rpps).status_code == 200
    assert JournalEntry.objects.count() == before + 1
    (entry,) = entries_of(sas_client)
    assert entry.action == "read"
    assert entry.actor_id == sas_client.user_id
    assert entry.note == "FHIR Slot : 2 créneau(x) envoyé(s)"


def test_each_call_is_journaled_even_refused(sas, sas_client, agenda):
    search(sas, agenda.professional.rpps)
    search(sas)  # no practitioner: 400
    search(sas, agenda.professional.rpps, extra=[("_format", "xml")])  # 406
    notes = list(entries_of(sas_client).values_list("note", flat=True))
    assert notes == [
        "FHIR Slot : 0 créneau(x) envoyé(s)",
        "FHIR Slot : refusé, paramètres invalides",
        "FHIR Slot : refusé, paramètres invalides",
    ]
