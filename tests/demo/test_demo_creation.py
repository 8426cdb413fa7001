"""The demo's creation of a CPTS (issue 18), without the commune import: a lettre d'intention
waiting for the ARS, one sent back with the ARS's question, and « CPTS Sud Yvelines » with its
checklist, its start-up grant and its projet de santé submitted (version 1 returned by the CPAM,
version 2 waiting) — each decision taken by an account the policies allow, nothing sent, and a
second load that changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.identifiers import is_valid_finess, is_valid_rpps, is_valid_siret
from maillon.core.missions import SOCLE
from maillon.core.models import CptsStatus, JournalEntry, LifecycleStep
from maillon.creation import policies, selectors, services
from maillon.creation.models import (
    Funder,
    LetterStatus,
    ProjectStatus,
    ProjectVersion,
    PromoterKind,
    ReviewDecision,
    Step,
)
from maillon.demo import builder, creation
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import Membership
from maillon.members.professions import Profession, Specialty
from maillon.territories import services as territory_services
from maillon.territories.factories import CommuneFactory, EpciFactory, TerritoryCommuneFactory, TerritoryRoleFactory
from maillon.territories.models import Commune, TerritoryRoleKind

pytestmark = pytest.mark.django_db

# The communauté de communes the second letter cuts in two: its communes in the letter and out of it.
GALLY_MAULDRE_IN = {
    "78380": "Maule",
    "78368": "Mareil-sur-Mauldre",
    "78415": "Montainville",
    "78013": "Andelu",
    "78305": "Herbeville",
    "78049": "Bazemont",
}
GALLY_MAULDRE_OUT = {
    "78152": "Chavenay",
    "78189": "Crespières",
    "78196": "Davron",
    "78233": "Feucherolles",
    "78571": "Saint-Nom-la-Bretèche",
}
# A commune of the first letter that a CPTS took: left out of the draft territory.
TAKEN = "78089"
LETTER_AGE, SUBMITTED_AGE = 335, 61


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def world():
    gally = EpciFactory(code="247800584", name="Communauté de communes Gally Mauldre", kind="CC")
    for code in {*creation.MANTOIS_RURAL.communes, *creation.VALLEE_DE_LA_MAULDRE.communes, *GALLY_MAULDRE_OUT}:
        epci = gally if code in GALLY_MAULDRE_IN or code in GALLY_MAULDRE_OUT else None
        name = GALLY_MAULDRE_IN.get(code) or GALLY_MAULDRE_OUT.get(code) or f"Commune {code}"
        CommuneFactory(code=code, name=name, population=1_000 + int(code[2:]), epci=epci)
    neighbour = CptsFactory(name="CPTS voisine", slug="voisine")
    TerritoryCommuneFactory(cpts=neighbour, commune=Commune.objects.get(pk=TAKEN))

    cpts = CptsFactory(name="CPTS Sud Yvelines", slug=creation.PROJECT_CPTS)
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(code="78517", name="Rambouillet", population=26_000))
    LifecycleStep.objects.create(cpts=cpts, to_status=CptsStatus.LETTER_OF_INTENT, date=days_ago(LETTER_AGE))
    territory_services.record_step(cpts, status=CptsStatus.PROJECT_SUBMITTED, on=days_ago(SUBMITTED_AGE), by=None)
    cpts.refresh_from_db()
    for profession in (Profession.MEDECIN, Profession.MEDECIN, Profession.PHARMACIEN, Profession.INFIRMIER):
        specialty = Specialty.GENERAL_PRACTICE if profession == Profession.MEDECIN else Specialty.NONE
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(profession=profession, specialty=specialty))

    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True, user=UserFactory(first_name="Sophie")).user
    ars = TerritoryRoleFactory(
        role=TerritoryRoleKind.AUTHORITY, organisation=creation.ARS_ORGANISATION, departement=None, region_id="11"
    ).user
    cpam = TerritoryRoleFactory(role=TerritoryRoleKind.AUTHORITY, organisation="CPAM des Yvelines").user
    return {"cpts": cpts, "coordinator": coordinator, "ars": ars, "cpam": cpam}


def load(world, capture):
    with capture() as queued:
        loaded = creation.build_creation(
            world["cpts"],
            coordinator=world["coordinator"],
            ars=world["ars"],
            cpam=world["cpam"],
            today=timezone.localdate(),
        )
    return loaded, queued


@pytest.fixture
def loaded(world, django_capture_on_commit_callbacks):
    loaded, queued = load(world, django_capture_on_commit_callbacks)
    assert not loaded.warnings
    return loaded, queued


def test_a_letter_waits_for_the_decision_of_the_ars(world, loaded):
    letter = loaded[0].letters[creation.MANTOIS_RURAL.project_name]
    assert letter.status == LetterStatus.SUBMITTED and letter.region_id == "11"
    promoters = list(letter.promoters.all())
    professionals = [p for p in promoters if p.kind == PromoterKind.PROFESSIONAL]
    structures = [p for p in promoters if p.kind == PromoterKind.STRUCTURE]
    assert len(professionals) == 2 and all(is_valid_rpps(p.rpps) and p.profession for p in professionals)
    assert len(structures) == 1 and is_valid_finess(structures[0].finess)
    assert Profession.MEDECIN in letter.professions and len(letter.professions) >= 3
    assert len(letter.needs) > 200
    codes = set(letter.communes.values_list("commune_id", flat=True))
    assert codes == set(creation.MANTOIS_RURAL.communes) - {TAKEN}, "only communes in no CPTS's territory"
    assert letter.population == sum(row.commune.population for row in letter.communes.select_related("commune"))
    assert [event.to_status for event in letter.events.all()] == [LetterStatus.SUBMITTED]
    assert timezone.localdate(letter.submitted_at) == days_ago(creation.MANTOIS_RURAL.filed_days_ago)
    assert letter in policies.visible_letters(world["ars"]) and policies.can_decide_letter(world["ars"], letter)


def test_a_letter_is_sent_back_with_the_question_of_the_ars(world, loaded):
    letter = loaded[0].letters[creation.VALLEE_DE_LA_MAULDRE.project_name]
    assert letter.status == LetterStatus.INFORMATION_REQUESTED
    structure = letter.promoters.get(kind=PromoterKind.STRUCTURE)
    assert is_valid_siret(structure.siret)
    comment = letter.comments.get()
    assert comment.author == world["ars"] and not comment.from_promoters
    assert comment.body.startswith("Le territoire envisagé coupe la communauté de communes Gally Mauldre en deux")
    assert all(name in comment.body for name in [*GALLY_MAULDRE_IN.values(), *GALLY_MAULDRE_OUT.values()])
    events = list(letter.events.order_by("at"))
    assert [(event.to_status, event.by) for event in events] == [
        (LetterStatus.SUBMITTED, None),
        (LetterStatus.INFORMATION_REQUESTED, world["ars"]),
    ]
    assert letter.submitted_at < events[1].at == comment.at < timezone.now()
    assert policies.can_decide_letter(world["ars"], letter)


def test_the_projet_de_sante_is_submitted_after_a_version_returned_by_the_cpam(world, loaded):
    cpts, ars, cpam = world["cpts"], world["ars"], world["cpam"]
    first, second = ProjectVersion.objects.for_cpts(cpts).order_by("number")
    assert (first.status, second.status) == (ProjectStatus.RETURNED, ProjectStatus.SUBMITTED)
    assert loaded[0].project == second == services.working_version(cpts)
    review = first.reviews.get()
    assert (review.funder, review.decision, review.by) == (Funder.ASSURANCE_MALADIE, ReviewDecision.RETURNED, cpam)
    assert timezone.localdate(first.submitted_at) == days_ago(SUBMITTED_AGE)
    assert first.created_at < first.submitted_at < first.decided_at < second.created_at < second.submitted_at
    assert second.submitted_at < timezone.now()
    for version in (first, second):
        assert version.missions == sorted(SOCLE) and not services.submission_problems(version)
        for section in version.sections.all():
            assert section.diagnosis and 1 <= section.sheets.count() <= 2
            for sheet in section.sheets.all():
                fields = ("need", "objective", "target_population", "actions", "owner", "partners", "calendar")
                assert all(getattr(sheet, name) for name in fields) and sheet.budget > 0 and sheet.indicator_lines
    # Version 2 answers the CPAM's remarks; the owners are adherents of the CPTS.
    access = {sheet.title: sheet for sheet in second.sections.get(mission=1).sheets.all()}
    assert "60 créneaux" in access["Des rendez-vous de soins non programmés dans la journée"].objective
    assert "60 créneaux" not in first.sections.get(mission=1).sheets.get(position=2).objective
    adherents = {f"{m.professional.first_name} {m.professional.last_name}" for m in Membership.objects.for_cpts(cpts)}
    assert any(name in sheet.owner for sheet in access.values() for name in adherents)
    # The lifecycle was already at « Projet de santé déposé »: no step added.
    assert list(cpts.steps.values_list("to_status", flat=True)) == [
        CptsStatus.LETTER_OF_INTENT,
        CptsStatus.PROJECT_SUBMITTED,
    ]
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    # Both funders have their decision to take on version 2.
    assert policies.review_funder(ars, second) == Funder.ARS
    assert policies.review_funder(cpam, second) == Funder.ASSURANCE_MALADIE
    assert second in policies.visible_projects_to_review(ars)


def test_the_checklist_is_partly_ticked_and_the_grant_partly_paid_and_spent(world, loaded):
    cpts = world["cpts"]
    rows = {row.number: row for row in selectors.checklist(cpts)}
    done = {number for number, row in rows.items() if row.done}
    assert done == {1, 2, 3, 4, 5, 7, 8}, "the mobilisation under way, the validation and the ACI to come"
    assert rows[Step.LETTER].done_on == days_ago(LETTER_AGE), "ticked by the lifecycle"
    assert rows[Step.HEALTH_PROJECT].done_on == days_ago(SUBMITTED_AGE)
    assert rows[Step.MOBILISATION].planned_on > timezone.localdate() and not rows[Step.MOBILISATION].done
    assert not rows[Step.VALIDATION].done and not rows[Step.ACI].done
    assert all(row.done_on <= timezone.localdate() for row in rows.values() if row.done)

    grant = loaded[0].grant
    assert policies.can_record_grant(world["ars"], cpts) and grant.decided_by == world["ars"]
    assert grant.amount == Decimal("20000") and "Montant de démonstration" in grant.conditions
    assert rows[Step.LETTER].done_on < grant.decided_on <= timezone.localdate()
    paid = grant.payments.exclude(paid_on=None)
    assert paid.count() == 1 and grant.payments.filter(paid_on=None).count() == 1
    assert sum(payment.amount for payment in grant.payments.all()) == grant.amount
    spendings = list(grant.spendings.all())
    assert len(spendings) == 3 and len({spending.category for spending in spendings}) == 3
    assert sum(spending.amount for spending in spendings) <= paid.get().amount
    assert all(spending.recorded_by == world["coordinator"] for spending in spendings)


def test_nothing_is_sent_and_a_second_load_changes_nothing(world, loaded, django_capture_on_commit_callbacks):
    _, queued = loaded
    assert not [callback for callback in queued if creation.is_creation_message(callback)]

    def counts():
        counted = {model.__name__: model.objects.count() for model in apps.get_app_config("creation").get_models()}
        return {**counted, "journal": JournalEntry.objects.count(), "steps": LifecycleStep.objects.count()}

    before = counts()
    again, _ = load(world, django_capture_on_commit_callbacks)
    assert counts() == before
    assert not again.warnings and not any(again.letters.values()) and again.project is None


def test_a_territory_taken_since_leaves_its_letter_out_with_a_warning(world, django_capture_on_commit_callbacks):
    other = CptsFactory(name="CPTS de la Mauldre", slug="mauldre")
    for code in creation.VALLEE_DE_LA_MAULDRE.communes:
        TerritoryCommuneFactory(cpts=other, commune=Commune.objects.get(pk=code))
    loaded, _ = load(world, django_capture_on_commit_callbacks)
    assert loaded.letters[creation.VALLEE_DE_LA_MAULDRE.project_name] is None
    assert [warning.split(" :")[0] for warning in loaded.warnings] == [
        f"Lettre d'intention « {creation.VALLEE_DE_LA_MAULDRE.project_name} »"
    ]
    assert loaded.letters[creation.MANTOIS_RURAL.project_name] is not None and loaded.project is not None


def test_the_ars_authority_is_a_demo_account():
    spec = next(spec for spec in builder.account_specs() if spec.email == creation.ARS_AUTHORITY)
    assert (spec.role, spec.organisation, spec.region) == (TerritoryRoleKind.AUTHORITY, "ARS Île-de-France", "11")
