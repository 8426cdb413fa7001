"""The rules of programmes and inclusions (maillon/pathways): templates, versions, sharing,
consent, care team, closing and retention."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.factories import MembershipFactory, StructureFactory
from maillon.pathways import purge, services
from maillon.pathways.factories import CareTeamMemberFactory, InclusionFactory, ProgrammeFactory
from maillon.pathways.models import CareTeamMember, CloseReason, Inclusion, InclusionStatus, InsStatus, Programme
from maillon.pathways.templates import TEMPLATES

pytestmark = pytest.mark.django_db

VALID_NIR = "255081416802538"


def identity(**changes):
    return {
        "birth_name": "Martin",
        "given_names": "Jeanne Marie",
        "first_given_name": "Jeanne",
        "sex": "F",
        "birth_date": datetime.date(1941, 5, 2),
        "consent_on": timezone.localdate(),
        "consent_mode": "oral",
    } | changes


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_of_the_library_makes_a_valid_programme(key):
    programme = services.create_from_template(CptsFactory(), key)
    template = TEMPLATES[key]
    assert programme.name == template.name
    assert programme.perinatal == template.perinatal
    assert [step.title for step in programme.steps.all()] == [step[0] for step in template.steps]
    assert [step.position for step in programme.steps.all()] == list(range(1, len(template.steps) + 1))


def test_the_library_holds_a_perinatal_programme():
    assert any(template.perinatal for template in TEMPLATES.values())


def test_an_unknown_template_is_refused_by_name():
    with pytest.raises(ValidationError) as error:
        services.create_from_template(CptsFactory(), "nope")
    assert "template" in error.value.message_dict


def test_a_new_version_keeps_the_old_one_for_the_patients_included_in_it():
    programme = services.create_from_template(CptsFactory(), "heart_failure")
    included = InclusionFactory(cpts=programme.cpts, programme=programme)
    second = services.new_version(programme, name="Insuffisance cardiaque (2027)")
    programme.refresh_from_db()
    assert (second.version, second.lineage, second.is_current) == (2, programme.lineage, True)
    assert programme.superseded_at is not None
    assert second.steps.count() == programme.steps.count()
    included.refresh_from_db()
    assert included.programme == programme
    assert list(Programme.objects.for_cpts(programme.cpts).current()) == [second]
    with pytest.raises(ValidationError):
        services.new_version(programme)  # only the current version moves on


def test_a_shared_programme_is_copied_into_another_cpts_and_a_private_one_is_not():
    source = services.create_from_template(CptsFactory(), "pregnancy")
    other = CptsFactory()
    with pytest.raises(ValidationError):
        services.copy_programme(source, other)
    source.shared = True
    source.save()
    copy = services.copy_programme(source, other)
    assert (copy.cpts, copy.name, copy.perinatal, copy.version) == (other, source.name, True, 1)
    assert copy.lineage != source.lineage
    assert copy.steps.count() == source.steps.count()


def test_including_a_patient_puts_the_lead_in_the_care_team_and_journals_it():
    programme = ProgrammeFactory()
    lead = MembershipFactory(cpts=programme.cpts)
    nurse = MembershipFactory(cpts=programme.cpts, professional__nurse=True)
    by = UserFactory()
    inclusion = services.include_patient(
        programme.cpts,
        programme=programme,
        lead=lead,
        by=by,
        team=[{"membership": nurse, "role": "Infirmière"}, {"name": "Paul Martin", "relationship": "family_carer"}],
        **identity(),
    )
    assert inclusion.consent_recorded_by == by
    team = list(inclusion.care_team.order_by("pk"))
    assert [member.membership for member in team] == [lead, nurse, None]
    assert team[2].name == "Paul Martin"
    assert JournalEntry.objects.filter(object_type="pathways.Inclusion", object_id=str(inclusion.pk)).exists()
    assert "Martin" not in str(inclusion)


def test_an_inclusion_names_its_field_when_refused():
    programme = ProgrammeFactory()
    lead = MembershipFactory(cpts=programme.cpts)
    cases = [
        ({"birth_date": timezone.localdate() + datetime.timedelta(days=1)}, "birth_date"),
        ({"consent_on": timezone.localdate() + datetime.timedelta(days=1)}, "consent_on"),
        ({"identity_qualification": InsStatus.QUALIFIED}, "ins_number"),
        ({"ins_number": "123"}, "ins_number"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as error:
            services.include_patient(programme.cpts, programme=programme, lead=lead, by=None, **identity(**changes))
        assert field in error.value.message_dict, changes
    assert not Inclusion.objects.exists()


def test_the_lead_is_a_professional_adherent_of_this_cpts():
    programme = ProgrammeFactory()
    foreigner = MembershipFactory()
    structure = MembershipFactory(cpts=programme.cpts, professional=None, structure=StructureFactory())
    for lead in (foreigner, structure):
        with pytest.raises(ValidationError) as error:
            services.include_patient(programme.cpts, programme=programme, lead=lead, by=None, **identity())
        assert "lead" in error.value.message_dict


def test_a_qualified_identity_keeps_its_ins_matricule_compact():
    inclusion = InclusionFactory(identity_qualification=InsStatus.QUALIFIED, ins_number="2 55 08 14 168 025 38")
    assert inclusion.ins_number == VALID_NIR
    assert inclusion.qualified


def test_a_programme_of_another_cpts_or_an_old_version_does_not_include():
    programme = ProgrammeFactory(superseded_at=timezone.now())
    lead = MembershipFactory(cpts=programme.cpts)
    with pytest.raises(ValidationError) as error:
        services.include_patient(programme.cpts, programme=programme, lead=lead, by=None, **identity())
    assert "programme" in error.value.message_dict


def test_a_care_team_member_is_an_adherent_or_a_named_person_with_a_tie():
    inclusion = InclusionFactory()
    with pytest.raises(ValidationError) as error:
        services.add_team_member(inclusion, name="Voisin")
    assert "relationship" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.add_team_member(inclusion)
    with pytest.raises(ValidationError):
        services.add_team_member(inclusion, membership=MembershipFactory())  # another CPTS's adherent


def test_the_lead_cannot_leave_the_team_but_another_member_can():
    inclusion = InclusionFactory()
    lead = CareTeamMemberFactory(inclusion=inclusion, membership=inclusion.lead)
    nurse = CareTeamMemberFactory(inclusion=inclusion)
    with pytest.raises(ValidationError):
        services.end_team_member(lead)
    services.end_team_member(nurse)
    assert list(CareTeamMember.objects.on(timezone.localdate() + datetime.timedelta(days=1))) == [lead]


def test_withdrawing_consent_closes_the_inclusion_once():
    inclusion = InclusionFactory()
    inclusion.close(by=None, reason=CloseReason.CONSENT_WITHDRAWN)
    inclusion.refresh_from_db()
    assert inclusion.status == InclusionStatus.CLOSED
    assert inclusion.consent_withdrawn_on == inclusion.closed_on == timezone.localdate()
    with pytest.raises(TransitionNotAllowed):
        inclusion.close(by=None, reason=CloseReason.COMPLETED)
    with pytest.raises(ValidationError):
        services.add_team_member(inclusion, name="Aidant", relationship="family_carer")


@override_settings(MAILLON_PATHWAYS_RETENTION_DAYS=30)
def test_closed_inclusions_are_deleted_after_the_retention_period_and_open_ones_stay():
    old = InclusionFactory(status=InclusionStatus.CLOSED, closed_on=timezone.localdate() - datetime.timedelta(days=31))
    CareTeamMemberFactory(inclusion=old)
    recent = InclusionFactory(
        status=InclusionStatus.CLOSED, closed_on=timezone.localdate() - datetime.timedelta(days=5)
    )
    active = InclusionFactory(included_on=timezone.localdate() - datetime.timedelta(days=900))
    assert purge.purge_closed() == 1
    assert set(Inclusion.objects.all()) == {recent, active}
    assert not CareTeamMember.objects.filter(inclusion_id=old.pk).exists()
