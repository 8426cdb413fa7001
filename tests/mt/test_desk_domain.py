"""The médecin traitant desk's rules: registration, priority, proposals and their workflow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts import registry
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.mt import indicators, services
from maillon.mt.factories import DoctorOfferFactory, PatientFactory
from maillon.mt.models import Channel, Patient, PatientEvent, PatientStatus, Proposal, ProposalStatus
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(cpts):
    near, far = CommuneFactory(latitude=48.80, longitude=2.10), CommuneFactory(latitude=48.80, longitude=2.40)
    for commune in (near, far):
        TerritoryCommuneFactory(cpts=cpts, commune=commune)
    return near, far


def doctor_offer(cpts, commune, **fields):
    doctor = ProfessionalFactory()
    MembershipFactory(cpts=cpts, professional=doctor)
    PracticePlaceFactory(professional=doctor, commune=commune)
    return DoctorOfferFactory(cpts=cpts, doctor=doctor, **fields)


def registration(commune, **fields):
    data = {
        "first_name": "Jeanne",
        "last_name": "Martin",
        "birth_date": datetime.date(1948, 5, 2),
        "commune": commune,
        "email": "jeanne.martin@example.org",
        **fields,
    }
    return data


def test_a_patient_registers_once_in_the_cpts_of_their_commune(cpts, communes):
    patient, created = services.register_patient(
        cpts=cpts, data=registration(communes[0], ald=True), channel=Channel.SELF, consent=True
    )
    assert created and patient.status == PatientStatus.WAITING
    twin, created = services.register_patient(
        cpts=cpts,
        data=registration(communes[0], first_name="JEANNE", last_name="Martin "),
        channel=Channel.SELF,
        consent=True,
    )
    assert not created and twin.pk == patient.pk
    assert Patient.objects.count() == 1


def test_registration_needs_consent_a_contact_and_a_commune_of_the_territory(cpts, communes):
    with pytest.raises(ValidationError) as error:
        services.register_patient(cpts=cpts, data=registration(communes[0]), channel=Channel.SELF, consent=False)
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.register_patient(
            cpts=cpts, data=registration(communes[0], email=""), channel=Channel.SELF, consent=True
        )
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError, match="territoire"):
        services.register_patient(cpts=cpts, data=registration(CommuneFactory()), channel=Channel.SELF, consent=True)
    assert not Patient.objects.exists()


def test_a_bad_nir_is_refused_naming_the_field(cpts, communes):
    with pytest.raises(ValidationError) as error:
        services.register_patient(
            cpts=cpts, data=registration(communes[0], nir="2 95 10 99 126 111 94"), channel=Channel.SELF, consent=True
        )
    assert "NIR" in error.value.message_dict["nir"][0]
    patient, _ = services.register_patient(
        cpts=cpts, data=registration(communes[0], nir="2 95 10 99 126 111 93"), channel=Channel.SELF, consent=True
    )
    assert patient.nir == "295109912611193"


def test_the_private_link_names_the_registration_and_can_be_revoked(cpts, communes):
    patient, _ = services.register_patient(
        cpts=cpts, data=registration(communes[0]), channel=Channel.SELF, consent=True
    )
    token = services.private_link_token(patient)
    assert "Martin" not in token and "1948" not in token
    assert services.patient_of_token(token) == patient
    assert services.patient_of_token(token[:-2] + "xx") is None
    patient.link_nonce = "renewed"
    patient.save()
    assert services.patient_of_token(token) is None


def test_the_queue_is_sorted_by_score_then_waiting_time_with_reasons(cpts, communes):
    now = timezone.now()
    young = datetime.date(1990, 6, 1)
    plain_old = PatientFactory(
        cpts=cpts, commune=communes[0], birth_date=young, registered_at=now - datetime.timedelta(days=300)
    )
    ald = PatientFactory(
        cpts=cpts, commune=communes[0], birth_date=young, ald=True, registered_at=now - datetime.timedelta(days=10)
    )
    c2s_ald = PatientFactory(cpts=cpts, commune=communes[0], birth_date=young, ald=True, c2s=True, registered_at=now)
    services.set_weights(cpts, {"ald": 30, "c2s_ald": 40})
    order = services.queue(cpts)
    assert [patient for patient, _, _ in order] == [c2s_ald, ald, plain_old]
    # The base (10) plus each criterion's points, and the criteria as reasons.
    assert [(score, reasons) for _, score, reasons in order] == [
        (50, [("Complémentaire santé solidaire (C2S) et ALD", 40)]),
        (40, [("Affection de longue durée (ALD)", 30)]),
        (10, []),
    ]
    with pytest.raises(ValidationError):
        services.set_weights(cpts, {"ald": -1})


def test_propose_places_the_priority_patient_and_logs_the_transition(cpts, communes, coordinator):
    near = communes[0]
    offer = doctor_offer(cpts, near, places_per_month=1)
    ordinary = PatientFactory(cpts=cpts, commune=near, registered_at=timezone.now() - datetime.timedelta(days=200))
    priority = PatientFactory(cpts=cpts, commune=near, ald=True)
    run = services.propose(cpts, by=coordinator)
    assert (run.patients_considered, run.doctors_considered, run.proposals_made) == (2, 1, 1)
    proposal = Proposal.objects.get()
    assert (proposal.patient, proposal.offer) == (priority, offer)
    assert proposal.reasons and proposal.expires_at > timezone.now()
    priority.refresh_from_db()
    ordinary.refresh_from_db()
    assert (priority.status, ordinary.status) == (PatientStatus.PROPOSED, PatientStatus.WAITING)
    assert PatientEvent.objects.filter(patient=priority, to_status="proposed", proposal=proposal).exists()
    # A second run finds no place left this month.
    assert services.propose(cpts).proposals_made == 0


def test_the_workflow_to_a_declared_mt(cpts, communes, coordinator):
    doctor_offer(cpts, communes[0])
    patient = PatientFactory(cpts=cpts, commune=communes[0])
    services.propose(cpts)
    proposal = Proposal.objects.get()
    for step in (ProposalStatus.ACCEPTED, ProposalStatus.INFORMED, ProposalStatus.DECLARED):
        services.transition(proposal, step, by=coordinator)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.DECLARED and patient.closed_at
    assert [event.to_status for event in patient.events.all()] == ["proposed", "accepted", "informed", "declared"]
    with pytest.raises(ValidationError, match="l'action n'est pas possible"):
        services.transition(proposal, ProposalStatus.REFUSED_BY_DOCTOR)


def test_a_refused_pair_is_never_proposed_again_and_the_patient_goes_back_to_the_queue(cpts, communes):
    first = doctor_offer(cpts, communes[0])
    patient = PatientFactory(cpts=cpts, commune=communes[0])
    services.propose(cpts)
    services.transition(Proposal.objects.get(), ProposalStatus.REFUSED_BY_DOCTOR)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WAITING
    assert services.propose(cpts).proposals_made == 0
    second = doctor_offer(cpts, communes[0])
    services.propose(cpts)
    assert Proposal.objects.get(status=ProposalStatus.PROPOSED).offer == second
    # The refusal stays recorded: the first doctor never gets this patient again.
    assert Proposal.objects.get(offer=first).status == ProposalStatus.REFUSED_BY_DOCTOR
    patient.refresh_from_db()
    assert patient.status == PatientStatus.PROPOSED


def test_unanswered_proposals_expire(cpts, communes):
    doctor_offer(cpts, communes[0])
    patient = PatientFactory(cpts=cpts, commune=communes[0])
    services.propose(cpts)
    later = timezone.now() + datetime.timedelta(days=60)
    assert services.expire_due(later) == 1
    patient.refresh_from_db()
    assert patient.status == PatientStatus.WAITING
    assert Proposal.objects.get().status == ProposalStatus.EXPIRED


def test_a_withdrawal_closes_the_open_proposal(cpts, communes):
    doctor_offer(cpts, communes[0])
    patient = PatientFactory(cpts=cpts, commune=communes[0])
    services.propose(cpts)
    patient.withdraw(note="a trouvé un médecin seul")
    assert Proposal.objects.get().status == ProposalStatus.WITHDRAWN
    assert patient.status == PatientStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        patient.withdraw()


def test_closed_registrations_are_purged_after_the_retention_time(cpts, communes, settings):
    settings.MAILLON_MT_RETENTION_DAYS = 30
    old = PatientFactory(cpts=cpts, commune=communes[0])
    old.withdraw()
    Patient.objects.filter(pk=old.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    recent = PatientFactory(cpts=cpts, commune=communes[0])
    recent.withdraw()
    waiting = PatientFactory(cpts=cpts, commune=communes[0])
    assert services.purge_closed() == 1
    assert set(Patient.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_indicators_are_registered_and_computed_for_a_period(cpts, communes):
    assert registry.indicator("mt_waiting_ald").mission == 1
    now = timezone.now()
    start, end = datetime.date(2026, 1, 1), timezone.localdate() + datetime.timedelta(days=1)
    PatientFactory(cpts=cpts, commune=communes[0], ald=True, birth_date=datetime.date(1940, 1, 1))
    placed = PatientFactory(cpts=cpts, commune=communes[0], registered_at=now - datetime.timedelta(days=20))
    Patient.objects.filter(pk=placed.pk).update(status=PatientStatus.DECLARED, closed_at=now)
    doctor_offer(cpts, communes[0], places_per_month=4)
    assert indicators.waiting(cpts, start, end) == 1
    assert indicators.waiting_ald(cpts, start, end) == 1
    assert indicators.waiting_70_plus(cpts, start, end) == 1
    assert indicators.placed(cpts, start, end) == 1
    assert indicators.median_wait_days(cpts, start, end) == Decimal("20.0")
    assert indicators.places_opened(cpts, start, end) == 4
    assert indicators.volunteer_doctors(cpts, start, end) == 1
    # Before the registrations, nobody was waiting.
    assert indicators.waiting(cpts, start, datetime.date(2026, 1, 2)) == 0


def test_a_pregnancy_at_an_implausible_age_is_refused_on_its_field(cpts, communes):
    today = datetime.date.today()
    for birth_date in (today.replace(year=today.year - 3), datetime.date(1948, 5, 2)):
        with pytest.raises(ValidationError) as error:
            services.register_patient(
                cpts=cpts,
                data=registration(communes[0], birth_date=birth_date, pregnancy=True),
                channel=Channel.SELF,
                consent=True,
            )
        assert "plausible" in error.value.message_dict["pregnancy"][0]
    assert not Patient.objects.exists()
    patient, created = services.register_patient(
        cpts=cpts,
        data=registration(communes[0], birth_date=today.replace(year=today.year - 31), pregnancy=True),
        channel=Channel.SELF,
        consent=True,
    )
    assert created and patient.pregnancy
