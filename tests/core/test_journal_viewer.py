import pytest
from django.urls import reverse

from maillon.core import journal
from maillon.core.factories import JournalEntryFactory, UserFactory
from maillon.core.models import JournalEntry
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_client():
    return verified_client(UserFactory(admin=True, with_totp=True))


def test_admin_sees_the_journal_with_filters(dpo_client):
    JournalEntryFactory(action=journal.Action.LOGIN, object_type="core.User", object_id="42")
    JournalEntryFactory(action=journal.Action.READ, object_type="core.Cpts", object_id="7")
    url = reverse("admin:core_journalentry_changelist")
    response = dpo_client.get(url, {"action__exact": journal.Action.LOGIN})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [entry.object_id for entry in rows] == ["42"]


def test_not_even_an_admin_can_change_or_delete_an_entry(dpo_client):
    entry = JournalEntryFactory()
    change = dpo_client.post(reverse("admin:core_journalentry_change", args=[entry.pk]), {"note": "x"})
    delete = dpo_client.post(reverse("admin:core_journalentry_delete", args=[entry.pk]), {"post": "yes"})
    assert change.status_code == 403
    assert delete.status_code == 403
    assert JournalEntry.objects.get(pk=entry.pk).note == ""


def test_reading_ones_account_page_is_journaled_without_values():
    user = UserFactory(with_totp=True, email="lecture@example.org")
    verified_client(user).get(reverse("account"))
    entry = JournalEntry.objects.filter(action=journal.Action.READ, object_type="core.User").latest("id")
    assert entry.actor_id == user.pk and entry.object_id == str(user.pk)
    assert "email" in entry.fields
    assert "lecture@example.org" not in str(JournalEntry.objects.values_list())


def test_admin_reads_of_personal_data_are_journaled(dpo_client):
    person = UserFactory(email="personne@example.org")
    dpo_client.get(reverse("admin:core_user_changelist"))
    dpo_client.get(reverse("admin:core_user_change", args=[person.pk]))
    reads = JournalEntry.objects.filter(action=journal.Action.READ, object_type="core.User")
    assert set(reads.values_list("object_id", flat=True)) >= {"admin-list", str(person.pk)}
    assert all("email" in entry.fields for entry in reads)
    assert "personne@example.org" not in str(JournalEntry.objects.values_list())
