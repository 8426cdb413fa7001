"""An import writes everything or nothing, and a second import of the same file creates nothing."""

import pytest

from maillon.core.models import JournalEntry
from maillon.members import imports
from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory, rpps_number
from maillon.members.models import Membership, MembershipEvent, PracticePlace, Professional
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Nom", "Prénom", "Profession", "RPPS", "Code INSEE", "Adresse", "Langues"]
PROFESSIONS = ["Infirmière", "Médecin généraliste", "Pharmacien", "Kiné", "Orthophoniste", "Sage-femme"]


def big_file(count, *, last=None):
    lines = [";".join(HEADERS)]
    for n in range(count):
        row = [f"Nom{n}", f"Prénom{n}", PROFESSIONS[n % len(PROFESSIONS)], rpps_number(500_000 + n), "78646", "1 rue"]
        lines.append(";".join([*row, "Anglais" if n % 10 == 0 else ""]))
    if last is not None:
        lines[-1] = ";".join(last)
    return "\n".join(lines).encode()


def table_counts():
    return {
        model.__name__: model.objects.count() for model in (Professional, Membership, PracticePlace, MembershipEvent)
    }


@pytest.fixture
def versailles(cpts):
    return CommuneFactory(code="78646", name="Versailles")


def test_a_bad_last_row_of_5000_writes_nothing(cpts, coordinator, versailles):
    content = big_file(5000, last=["Nom", "Prénom", "Infirmière", "10100901735", "78646", "1 rue", ""])
    before = table_counts()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.commit(cpts, content, "a.csv", by=coordinator)
    assert table_counts() == before
    [bad] = rejected.value.preview.error_rows
    assert bad.line == 5001
    assert bad.error_messages[0].startswith("RPPS : « 10100901735 »")


def test_5000_rows_are_imported_in_a_few_queries_and_one_journal_entry(
    cpts, coordinator, versailles, django_assert_max_num_queries
):
    journal_before = JournalEntry.objects.count()
    # No query per row: SQLite cuts the bulk inserts in batches (999 parameters a query).
    with django_assert_max_num_queries(300):
        result = imports.commit(cpts, big_file(5000), "a.csv", by=coordinator)
    assert (result.created, result.reused, result.skipped, result.memberships) == (5000, 0, 0, 5000)
    assert Membership.objects.for_cpts(cpts).active().count() == 5000
    assert PracticePlace.objects.filter(commune_id="78646").count() == 5000
    assert Professional.languages.through.objects.count() == 500
    entries = JournalEntry.objects.order_by("pk")[journal_before:]
    assert [(e.action, e.object_type, e.cpts_id, e.actor_id) for e in entries] == [
        ("import", "members.Professional", cpts.pk, coordinator.pk)
    ]
    assert entries[0].note.startswith("5000 lignes : 5000 créés")


def test_importing_the_same_file_again_creates_no_duplicate(cpts, coordinator, versailles):
    content = big_file(20)
    imports.commit(cpts, content, "a.csv", by=coordinator)
    before = table_counts()
    result = imports.commit(cpts, content, "a.csv", by=coordinator)
    assert (result.created, result.reused, result.skipped, result.memberships) == (0, 0, 20, 0)
    assert table_counts() == before


def test_a_professional_of_another_cpts_is_neither_duplicated_nor_enrolled_by_this_cpts(
    cpts, other_cpts, coordinator, versailles
):
    known = ProfessionalFactory(rpps=rpps_number(500_000), last_name="Nom0", email="garde@example.org")
    MembershipFactory(cpts=other_cpts, professional=known)
    preview = imports.analyse(cpts, big_file(3), "a.csv")
    assert preview.summary["elsewhere"] == 1 and preview.is_valid
    result = imports.commit(cpts, big_file(3), "a.csv", by=coordinator)
    assert (result.created, result.reused) == (2, 0)
    known.refresh_from_db()
    assert known.email == "garde@example.org"  # the card is theirs: untouched
    # Enrolling it would show this CPTS a card it never had: the person asks to join instead.
    assert set(known.memberships.values_list("cpts_id", flat=True)) == {other_cpts.pk}


def test_a_left_member_rejoins_with_a_new_adhesion(cpts, coordinator, versailles):
    left = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(rpps=rpps_number(500_000)), status="left")
    result = imports.commit(cpts, big_file(1), "a.csv", by=coordinator)
    assert result.reused == 1
    assert left.professional.memberships.count() == 2


def test_a_file_that_became_invalid_since_the_preview_writes_nothing(cpts, coordinator, versailles):
    college = CollegeFactory(cpts=cpts, name="Médecins")
    content = "Nom;Prénom;Profession;RPPS;Collège\nA;B;MG;10100901734;Médecins\nC;D;MG;10002909371;".encode()
    assert imports.analyse(cpts, content, "a.csv").is_valid
    college.delete()  # renamed or removed meanwhile
    with pytest.raises(imports.ImportRejected):
        imports.commit(cpts, content, "a.csv", by=coordinator)
    assert Professional.objects.count() == 0
