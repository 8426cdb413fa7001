"""A query budget on every list page and every list of the API: each is read with 3 rows, then
with 30, and must run the same number of SQL queries (no query per row: an N+1 fails here).

The table `CASES` names, for each list, how to reach it (URL, user) and how to add rows; a list
already measured elsewhere with 3 rows against 30 is in `COVERED_ELSEWHERE`, every other page
route and GET operation is in `NOT_LISTS` — both with their reason. `test_every_list_has_a_case`
fails on a list page (a route named `…_list` or in `LIST_PAGES`) or a list operation of the API
(a GET whose answer is an array or has an `items` array) without a case, and on a page or an
operation classified nowhere.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services as contract_services
from maillon.contracts.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    ManagementReportFactory,
    SpendingFactory,
)
from maillon.core.factories import ApiTokenFactory, CptsFactory, JournalEntryFactory, UserFactory
from maillon.core.notifications.factories import NotificationFactory
from maillon.crisis.factories import CrisisPlanFactory, PlanProfessionalFactory, PlanVersionFactory
from maillon.crisis_response.factories import (
    AlertLevelFactory,
    AlertLevelMemberFactory,
    CrisisFactory,
    CrisisRecipientFactory,
)
from maillon.governance.factories import (
    CandidateFactory,
    DocumentVersionFactory,
    ElectionFactory,
    FoundingDocumentFactory,
    GeneralAssemblyFactory,
    MandateFactory,
)
from maillon.meetings.factories import (
    InvitationFactory,
    MeetingFactory,
    MeetingSlotFactory,
    PollAnswerFactory,
    TimeEntryFactory,
)
from maillon.members.factories import (
    CollegeFactory,
    FeeFactory,
    MailingFactory,
    MailingRecipientFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.mt.factories import DoctorOfferFactory, MatchingRunFactory, PatientFactory, ProposalFactory
from maillon.mt.models import PatientStatus
from maillon.pathways.factories import (
    CareBreakFactory,
    CarePlanActionFactory,
    CarePlanFactory,
    CareTaskFactory,
    CareTeamMemberFactory,
    HospitalStayFactory,
    InclusionFactory,
    ProgrammeFactory,
)
from maillon.snp.factories import AgendaFactory, BookingFactory, CareRequestFactory, DutyCallFactory, SlotFactory
from maillon.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    PostalCodeFactory,
    RegionFactory,
    TerritoryCommuneFactory,
    TerritoryRoleFactory,
)
from maillon.territories.models import Commune
from tests.conftest import verified_client
from tests.urlwalk import api_operations, site_routes

FEW, MANY = 3, 30


# --- The world of a case ------------------------------------------------------------------


@dataclass
class World:
    """The CPTS of the `cpts` fixture (Versailles), its coordinator and member, and what a case
    builds once before counting (`made`)."""

    cpts: object
    users: dict
    made: dict = field(default_factory=dict)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def versailles(self):
        return Commune.objects.get(code="78646")

    def number(self) -> int:
        return next(self.numbers)


def professional_of(world, role="member"):
    """The professional card of the user of `role`, with an active adhesion and a practice place
    in Versailles (made once)."""
    key = f"professional:{role}"
    if key not in world.made:
        professional = ProfessionalFactory(user=world.users[role])
        MembershipFactory(cpts=world.cpts, professional=professional)
        PracticePlaceFactory(professional=professional, commune=world.versailles)
        world.made[key] = professional
    return world.made[key]


def contract_of(world):
    """An ACI signed two years and a month ago (made once)."""
    if "contract" not in world.made:
        world.made["contract"] = contract_services.create_contract(
            cpts=world.cpts,
            signed_on=timezone.localdate() - relativedelta(years=2, months=1),
            taille=2,
            missions=[1, 2, 3, 4, 6],
            by=world.users["coordinator"],
        )
    return world.made["contract"]


def new_communes(world, count, name="Bourg"):
    """`count` communes of the Yvelines, each with its postal code."""
    made = []
    for _ in range(count):
        number = world.number()
        commune = CommuneFactory(code=f"79{number:03d}", name=f"{name} {number}")
        PostalCodeFactory(code=f"79{number:03d}", commune=commune)
        made.append(commune)
    return made


# --- Rows of each list --------------------------------------------------------------------


def cpts_with_territory(world, count):
    for commune in new_communes(world, count):
        TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)


def communes(world, count):
    new_communes(world, count)


def regions(world, count):
    for _ in range(count):
        number = world.number()
        region = RegionFactory(code=f"R{number}", name=f"Région {number}")
        departement = DepartementFactory(code=f"D{number}", name=f"Département {number}", region=region)
        commune = CommuneFactory(code=f"8{number:04d}", name=f"Commune {number}", departement=departement)
        TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)


def departements_of_ile_de_france(world, count):
    region = RegionFactory()
    for _ in range(count):
        number = world.number()
        departement = DepartementFactory(code=f"D{number}", name=f"Département {number}", region=region)
        commune = CommuneFactory(code=f"8{number:04d}", name=f"Commune {number}", departement=departement)
        TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)


def observed_memberships(world, count):
    """Adhesions in CPTS of the observed département (each in a new CPTS, two by two)."""
    for commune in new_communes(world, count):
        cpts = CptsFactory()
        TerritoryCommuneFactory(cpts=cpts, commune=commune)
        MembershipFactory.create_batch(2, cpts=cpts)


def observer(world):
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=user, role="observer", departement=world.versailles.departement)
    world.users["observer"] = user


def memberships(world, count):
    for _ in range(count):
        MembershipFactory(
            cpts=world.cpts,
            professional=PracticePlaceFactory(commune=world.versailles).professional,
            college=CollegeFactory(cpts=world.cpts),
        )


def structure_memberships(world, count):
    for _ in range(count):
        MembershipFactory(cpts=world.cpts, professional=None, structure=StructureFactory(commune=world.versailles))


def colleges(world, count):
    for _ in range(count):
        college = CollegeFactory(cpts=world.cpts, name=f"Collège {world.number()}")
        MembershipFactory(cpts=world.cpts, college=college)


def fees(world, count):
    for _ in range(count):
        FeeFactory(membership=MembershipFactory(cpts=world.cpts), year=timezone.localdate().year)


def mailings(world, count):
    MailingFactory.create_batch(count, cpts=world.cpts)


def governance_voter(world):
    college = CollegeFactory(cpts=world.cpts, name="Médecins")
    world.made["college"] = college
    professional = professional_of(world)
    membership = professional.memberships.get()
    membership.college = college
    membership.save()


def elections(world, count):
    for _ in range(count):
        CandidateFactory(election=ElectionFactory(cpts=world.cpts, college=world.made["college"]))


def mandates(world, count):
    for _ in range(count):
        MandateFactory(cpts=world.cpts)
        MandateFactory(cpts=world.cpts, starts_on="2020-01-01", ends_on="2021-01-01")


def assemblies(world, count):
    for _ in range(count):
        GeneralAssemblyFactory(cpts=world.cpts).attendance.add(MembershipFactory(cpts=world.cpts))


def documents(world, count):
    for _ in range(count):
        document = FoundingDocumentFactory(cpts=world.cpts, title=f"Document {world.number()}")
        DocumentVersionFactory.create_batch(2, document=document)


def meetings(world, count):
    for _ in range(count):
        meeting = MeetingFactory(cpts=world.cpts)
        MeetingSlotFactory(meeting=meeting)
        InvitationFactory(meeting=meeting)


def time_entries(world, count):
    for _ in range(count):
        membership = MembershipFactory(cpts=world.cpts)
        TimeEntryFactory(cpts=world.cpts, membership=membership)
        TimeEntryFactory(cpts=world.cpts, membership=membership, validated=True)


def my_time_entries(world, count):
    membership = professional_of(world).memberships.get()
    for _ in range(count):
        TimeEntryFactory(cpts=world.cpts, membership=membership)


def indicators(world, count):
    contract = contract_of(world)
    for _ in range(count):
        IndicatorValueFactory(indicator=IndicatorFactory(contract=contract, mission=1))


def spendings(world, count):
    SpendingFactory.create_batch(count, contract=contract_of(world))


def report_versions(world, count):
    contract = contract_of(world)
    for _ in range(count):
        ManagementReportFactory(contract=contract, contract_year=1, sent_by=world.users["coordinator"])


def patients(world, count):
    PatientFactory.create_batch(count, cpts=world.cpts, commune=world.versailles)


def doctor_offer(world):
    world.made["offer"] = DoctorOfferFactory(cpts=world.cpts, doctor=professional_of(world), radius_km=None)


def proposals(world, count, run=None):
    for _ in range(count):
        ProposalFactory(
            patient=PatientFactory(cpts=world.cpts, commune=world.versailles, status=PatientStatus.PROPOSED),
            offer=world.made["offer"],
            run=run,
        )


def matching_run(world):
    doctor_offer(world)
    world.made["run"] = MatchingRunFactory(cpts=world.cpts)


def run_proposals(world, count):
    proposals(world, count, world.made["run"])


def offers(world, count):
    for _ in range(count):
        doctor = PracticePlaceFactory(commune=world.versailles).professional
        MembershipFactory(cpts=world.cpts, professional=doctor)
        DoctorOfferFactory(cpts=world.cpts, doctor=doctor)


def tomorrow_at(hour, minute=0):
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0) + datetime.timedelta(days=1)


def my_agenda(world):
    professional = professional_of(world)
    world.made["agenda"] = AgendaFactory(
        cpts=world.cpts, practice_place=professional.practice_places.get(), professional=professional
    )


def my_slots(world, count):
    for _ in range(count):
        start = tomorrow_at(8) + datetime.timedelta(minutes=10 * world.number())
        SlotFactory(agenda=world.made["agenda"], start=start, end=start + datetime.timedelta(minutes=10))


def agendas(world, count):
    professional = professional_of(world)
    for _ in range(count):
        place = PracticePlaceFactory(professional=professional, commune=world.versailles)
        AgendaFactory(cpts=world.cpts, professional=professional, practice_place=place)


def care_requests(world, count):
    CareRequestFactory.create_batch(count, cpts=world.cpts, commune=world.versailles)


def duty_calls(world, count):
    professional = professional_of(world)
    for _ in range(count):
        DutyCallFactory(
            request=CareRequestFactory(cpts=world.cpts, commune=world.versailles, status="duty"),
            professional=professional,
        )


def my_bookings(world, count):
    for _ in range(count):
        start = tomorrow_at(8) + datetime.timedelta(minutes=10 * world.number())
        slot = SlotFactory(
            agenda=world.made["agenda"], start=start, end=start + datetime.timedelta(minutes=10), status="booked"
        )
        BookingFactory(slot=slot, request__commune=world.versailles)


def plan_versions(world, count):
    plan = CrisisPlanFactory(cpts=world.cpts)
    for _ in range(count):
        PlanVersionFactory(plan=plan, year=2019 + world.number(), status="validated", validated_at=timezone.now())


def plan_draft(world):
    world.made["version"] = PlanVersionFactory(plan=CrisisPlanFactory(cpts=world.cpts), year=timezone.localdate().year)


def plan_professionals(world, count):
    PlanProfessionalFactory.create_batch(count, version=world.made["version"])


def crises(world, count):
    CrisisFactory.create_batch(count, cpts=world.cpts, ended=True)


def alert_levels(world, count):
    for _ in range(count):
        level = AlertLevelFactory(cpts=world.cpts, rank=world.number())
        member = MembershipFactory(cpts=world.cpts)
        AlertLevelMemberFactory(level=level, professional=member.professional)


def run_page(world):
    return reverse("mt_run", args=[world.cpts.slug, world.made["run"].pk])


def api_tokens(world, count):
    ApiTokenFactory.create_batch(count, user=world.users["member"])


def notifications(world, count):
    NotificationFactory.create_batch(count, user=world.users["member"])


def a_mailing(world):
    world.made["mailing"] = MailingFactory(cpts=world.cpts)


def mailing_recipients(world, count):
    MailingRecipientFactory.create_batch(count, mailing=world.made["mailing"])


def a_structure(world):
    structure = StructureFactory(commune=world.versailles)
    MembershipFactory(cpts=world.cpts, professional=None, structure=structure)
    world.made["structure"] = structure


def structure_professionals(world, count):
    for _ in range(count):
        place = PracticePlaceFactory(structure=world.made["structure"], commune=world.versailles)
        MembershipFactory(cpts=world.cpts, professional=place.professional)


def a_meeting(world):
    world.made["meeting"] = MeetingFactory(cpts=world.cpts)
    MeetingSlotFactory(meeting=world.made["meeting"])


def invitations(world, count):
    for _ in range(count):
        PollAnswerFactory(invitation=InvitationFactory(meeting=world.made["meeting"]))


def a_crisis(world):
    world.made["crisis"] = CrisisFactory(cpts=world.cpts)


def crisis_recipients(world, count):
    for _ in range(count):
        member = MembershipFactory(cpts=world.cpts)
        CrisisRecipientFactory(crisis=world.made["crisis"], professional=member.professional)


def a_care_request(world):
    world.made["request"] = CareRequestFactory(
        cpts=world.cpts, commune=world.versailles, requested_by=world.users["coordinator"]
    )


def bookable_slots(world, count):
    """Free public slots of member doctors in Versailles, within the request's deadline."""
    for _ in range(count):
        place = PracticePlaceFactory(commune=world.versailles, professional__profession="10")
        MembershipFactory(cpts=world.cpts, professional=place.professional)
        agenda = AgendaFactory(cpts=world.cpts, practice_place=place)
        start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=60 + world.number())
        SlotFactory(agenda=agenda, start=start, end=start + datetime.timedelta(minutes=10))


def a_statement(world):
    world.made["membership"] = MembershipFactory(cpts=world.cpts)


def statement_entries(world, count):
    for _ in range(count):
        meeting = MeetingFactory(cpts=world.cpts)
        TimeEntryFactory(cpts=world.cpts, membership=world.made["membership"], meeting=meeting, validated=True)


def territory_communes(world, count):
    for commune in new_communes(world, count):
        TerritoryCommuneFactory(cpts=world.cpts, commune=commune)


def journal_entries(world, count):
    JournalEntryFactory.create_batch(count, cpts_id=world.cpts.pk, actor_id=world.users["coordinator"].pk)


def admin_user(world):
    world.users["admin"] = UserFactory(admin=True, with_totp=True)


def territory_user(kind):
    """A setup: a user with the territorial role `kind` over the Yvelines."""

    def setup(world):
        user = UserFactory(with_totp=True)
        TerritoryRoleFactory(user=user, role=kind, departement=world.versailles.departement)
        world.users[kind] = user

    return setup


def cpts_of_the_yvelines(world, count):
    for _ in range(count):
        number = world.number()
        commune = CommuneFactory(
            code=f"78{number:03d}", name=f"Bourg {number}", departement=world.versailles.departement
        )
        TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)


def sent_reports(world, count):
    for _ in range(count):
        ManagementReportFactory(contract=contract_of(world), contract_year=1, status="sent", data={})


def sas_requests(world, count):
    CareRequestFactory.create_batch(count, cpts=world.cpts, commune=world.versailles, requester_kind="sas")


def no_rows(world, count):
    """A list shipped with the product (the library of programme templates): no rows to add."""


def programmes(world, count):
    ProgrammeFactory.create_batch(count, cpts=world.cpts)


def shared_programmes(world, count):
    for _ in range(count):
        ProgrammeFactory(cpts=CptsFactory(), shared=True)


def inclusions(world, count):
    InclusionFactory.create_batch(count, cpts=world.cpts)


def a_lead(world):
    """The `member` user leads the inclusions of `led_inclusions`."""
    world.made["lead"] = MembershipFactory(
        cpts=world.cpts, professional=ProfessionalFactory(user=world.users["member"])
    )


def led_inclusions(world, count):
    InclusionFactory.create_batch(count, cpts=world.cpts, lead=world.made["lead"])


def an_inclusion(world):
    world.made["inclusion"] = InclusionFactory(cpts=world.cpts)


def care_team(world, count):
    CareTeamMemberFactory.create_batch(count, inclusion=world.made["inclusion"])


def my_care_tasks(world, count):
    """Open tasks given to the `member` user (see `a_lead`), each of another patient they lead."""
    for _ in range(count):
        CareTaskFactory(
            inclusion=InclusionFactory(cpts=world.cpts, lead=world.made["lead"]), assignee=world.made["lead"]
        )


def care_tasks(world, count):
    for _ in range(count):
        CareTaskFactory(inclusion=InclusionFactory(cpts=world.cpts), assignee=MembershipFactory(cpts=world.cpts))


def broken_subject(inclusion, index) -> str:
    """The subject of a break, of each kind in turn (a late task, a missed review, a stay)."""
    if index % 3 == 0:
        return f"task:{CareTaskFactory(inclusion=inclusion).pk}"
    if index % 3 == 1:
        return f"plan:{CarePlanFactory(inclusion=inclusion, version=index + 1).pk}"
    return f"stay:{HospitalStayFactory(inclusion=inclusion).pk}"


def care_breaks(world, count):
    for index in range(count):
        inclusion = InclusionFactory(cpts=world.cpts)
        kind = ("task_late", "review_missed", "no_visit_after_stay")[index % 3]
        CareBreakFactory(inclusion=inclusion, kind=kind, subject=broken_subject(inclusion, index))


def care_plans(world, count):
    inclusion = world.made["inclusion"]
    start = inclusion.plans.count()
    for version in range(start + 1, start + count + 1):
        CarePlanActionFactory.create_batch(2, plan=CarePlanFactory(inclusion=inclusion, version=version))


def hospital_stays(world, count):
    for _ in range(count):
        CareTaskFactory(inclusion=world.made["inclusion"], stay=HospitalStayFactory(inclusion=world.made["inclusion"]))


def path_moments(world, count):
    """Tasks, stays and breaks (with their labels) in one patient's timeline."""
    inclusion = world.made["inclusion"]
    start = world.made.get("moments", 0)
    world.made["moments"] = start + count
    for index in range(start, start + count):
        HospitalStayFactory(inclusion=inclusion)
        CareBreakFactory(inclusion=inclusion, kind="task_late", subject=broken_subject(inclusion, index))


# >>> prevention-public: Prevention sessions (issue 16)
def coming_public_sessions(world, count):
    from maillon.prevention.factories import PreventionActionFactory, PublicSessionFactory

    action = PreventionActionFactory(cpts=world.cpts)
    PublicSessionFactory.create_batch(count, cpts=world.cpts, action=action, commune=world.versailles)


def a_public_session(world):
    from maillon.prevention.factories import PublicSessionFactory

    world.made["public_session"] = PublicSessionFactory(cpts=world.cpts, action__cpts=world.cpts)


def public_materials(world, count):
    from maillon.prevention.factories import MaterialFactory, MaterialVersionFactory

    for _ in range(count):
        material = MaterialFactory(action=world.made["public_session"].action, public=True)
        MaterialVersionFactory.create_batch(2, material=material)


# <<< prevention-public


# >>> quality: mission 5 (issue 20)
def quality_conferences(world, count):
    from maillon.quality.factories import CaseConferenceFactory, ConferenceDecisionFactory

    for _ in range(count):
        CaseConferenceFactory(cpts=world.cpts, included=True)
        ConferenceDecisionFactory(conference=CaseConferenceFactory(cpts=world.cpts, held=True))


def quality_reviews(world, count):
    from maillon.quality.factories import ImprovementActionFactory, IncidentReviewFactory

    for _ in range(count):
        IncidentReviewFactory(cpts=world.cpts, reported_by=world.users["coordinator"])
        ImprovementActionFactory(review__cpts=world.cpts)


def quality_shared_reviews(world, count):
    from maillon.quality.factories import IncidentReviewFactory

    IncidentReviewFactory.create_batch(count, cpts=world.cpts, closed=True, shared=True)


def quality_follow_ups(world, count):
    from maillon.crisis.factories import PlanImprovementFactory
    from maillon.quality.factories import ConferenceDecisionFactory, ImprovementActionFactory

    plan = world.made.setdefault("crisis_plan", CrisisPlanFactory(cpts=world.cpts))
    for _ in range(count):
        ImprovementActionFactory(review__cpts=world.cpts, due_on=timezone.localdate() - datetime.timedelta(days=1))
        ConferenceDecisionFactory(conference__cpts=world.cpts)
        PlanImprovementFactory(plan=plan)


def quality_my_follow_ups(world, count):
    from maillon.quality.factories import ConferenceDecisionFactory, ImprovementActionFactory

    membership = professional_of(world).memberships.get()
    for _ in range(count):
        ImprovementActionFactory(review__cpts=world.cpts, owner=membership)
        ConferenceDecisionFactory(conference__cpts=world.cpts, owner=membership)


def quality_groups(world, count):
    from maillon.quality.factories import GroupSessionFactory, PracticeGroupFactory

    for _ in range(count):
        group = PracticeGroupFactory(cpts=world.cpts, members=[MembershipFactory(cpts=world.cpts)])
        GroupSessionFactory(group=group)


def a_quality_group(world):
    from maillon.quality.factories import PracticeGroupFactory

    world.made["group"] = PracticeGroupFactory(cpts=world.cpts)


def quality_group_sessions(world, count):
    from maillon.quality.factories import (
        CaseConferenceFactory,
        GroupSessionFactory,
        IncidentReviewFactory,
    )

    group = world.made["group"]
    for _ in range(count):
        member = MembershipFactory(cpts=world.cpts)
        group.members.add(member)
        session = GroupSessionFactory(group=group, conference=CaseConferenceFactory(cpts=world.cpts, held=True))
        InvitationFactory(meeting=session.meeting, membership=member, attendance="present")
        GroupSessionFactory(group=group, review=IncidentReviewFactory(cpts=world.cpts, closed=True, shared=True))


def a_quality_review(world):
    from maillon.quality.factories import IncidentReviewFactory

    world.made["review"] = IncidentReviewFactory(cpts=world.cpts, actions=True)


def quality_review_actions(world, count):
    from maillon.quality.factories import ImprovementActionFactory

    for _ in range(count):
        ImprovementActionFactory(review=world.made["review"])


def a_held_conference(world):
    from maillon.quality.factories import CaseConferenceFactory

    world.made["conference"] = CaseConferenceFactory(cpts=world.cpts, held=True, included=True)


def quality_conference_decisions(world, count):
    from maillon.quality.factories import ConferenceDecisionFactory

    for _ in range(count):
        decision = ConferenceDecisionFactory(conference=world.made["conference"])
        InvitationFactory(meeting=world.made["conference"].meeting, membership=decision.owner)


# <<< quality


# >>> support: mission 6 (issue 21)
def support_days(world, count) -> list[int]:
    """`count` new numbers, one per row: each row its own night, hour or slot (no overlap)."""
    return [world.number() for _ in range(count)]


def support_my_adhesion(world):
    """The `member` user's adhesion (a professional practising in Versailles)."""
    return professional_of(world).memberships.get()


def support_my_supervisor(world):
    """The `member` user is a supervisor: they read the placements they supervise."""
    from maillon.support.factories import SupervisorFactory

    if "supervisor" not in world.made:
        world.made["supervisor"] = SupervisorFactory(cpts=world.cpts, membership=support_my_adhesion(world), capacity=6)
    return world.made["supervisor"]


def support_supervisor(world):
    """A supervisor of the CPTS practising in Versailles (their profession and commune shown)."""
    from maillon.support.factories import SupervisorFactory

    supervisor = SupervisorFactory(cpts=world.cpts)
    PracticePlaceFactory(professional=supervisor.membership.professional, commune=world.versailles)
    return supervisor


def support_supervisors(world, count):
    for index in range(count):
        supervisor = support_supervisor(world)
        if index % 2:
            supervisor.accredited_until = timezone.localdate() - datetime.timedelta(days=1)
            supervisor.save()


def support_placements(world, count):
    """Open placements with applications received, and filled ones."""
    from maillon.support.factories import PlacementApplicationFactory, PlacementFactory

    for index in range(count):
        placement = PlacementFactory(supervisor=support_supervisor(world), filled=bool(index % 2))
        if not index % 2:
            PlacementApplicationFactory(placement=placement)


def support_my_placements(world, count):
    from maillon.support.factories import PlacementApplicationFactory, PlacementFactory

    for _ in range(count):
        PlacementApplicationFactory(placement=PlacementFactory(supervisor=support_my_supervisor(world)))


def support_applications(world, count):
    """Received applications, to a placement or spontaneous (the open placements offered to them)."""
    from maillon.support.factories import PlacementApplicationFactory, PlacementFactory

    for index in range(count):
        if index % 2:
            PlacementApplicationFactory(spontaneous=True, cpts=world.cpts)
        else:
            PlacementApplicationFactory(placement=PlacementFactory(supervisor=support_supervisor(world)))


def support_my_applications(world, count):
    from maillon.support.factories import PlacementApplicationFactory, PlacementFactory

    for _ in range(count):
        PlacementApplicationFactory(placement=PlacementFactory(supervisor=support_my_supervisor(world)))


def a_supervised_placement(world):
    """An open placement the `member` user supervises."""
    from maillon.support.factories import PlacementFactory

    world.made["placement"] = PlacementFactory(supervisor=support_my_supervisor(world))


def support_placement_applications(world, count):
    from maillon.support.factories import PlacementApplicationFactory

    PlacementApplicationFactory.create_batch(count, placement=world.made["placement"])


def support_housing(world, count):
    """Housing, each with a room booked tonight."""
    from maillon.support.factories import HousingBookingFactory, HousingFactory

    today = timezone.localdate()
    for _ in range(count):
        housing = HousingFactory(cpts=world.cpts, commune=world.versailles)
        HousingBookingFactory(housing=housing, arrives_on=today, leaves_on=today + datetime.timedelta(days=2))


def a_housing(world):
    from maillon.support.factories import HousingFactory

    world.made["housing"] = HousingFactory(cpts=world.cpts, commune=world.versailles, rooms=2)


def support_housing_bookings(world, count):
    """Bookings of one night each, on nights of their own, from tomorrow on."""
    from maillon.support.factories import HousingBookingFactory

    for day in support_days(world, count):
        arrives_on = timezone.localdate() + datetime.timedelta(days=day)
        HousingBookingFactory(
            housing=world.made["housing"], arrives_on=arrives_on, leaves_on=arrives_on + datetime.timedelta(days=1)
        )


def support_internships(world, count):
    """Open placements, each of a supervisor practising in Versailles."""
    from maillon.support.factories import PlacementFactory

    for _ in range(count):
        PlacementFactory(supervisor=support_supervisor(world))


def support_public_housing(world, count):
    """Housing offered, each with a room booked next week (its free rooms month by month)."""
    from maillon.support.factories import HousingBookingFactory, HousingFactory

    arrives_on = timezone.localdate() + datetime.timedelta(days=7)
    for _ in range(count):
        HousingBookingFactory(
            housing=HousingFactory(cpts=world.cpts, commune=world.versailles),
            arrives_on=arrives_on,
            leaves_on=arrives_on + datetime.timedelta(days=3),
        )


def support_installations(world, count):
    """Open projects, some followed by the coordinator, some with a step done."""
    from maillon.support.factories import InstallationProjectFactory

    for index in range(count):
        project = InstallationProjectFactory(
            cpts=world.cpts, referent=world.users["coordinator"] if index % 2 else None
        )
        if index % 3 == 0:
            project.steps.filter(kind="premises").update(done_on=timezone.localdate())


def an_installation(world):
    """A project in Versailles (its welcome kit lists the adherents practising near it)."""
    from maillon.support.factories import InstallationProjectFactory

    world.made["installation"] = InstallationProjectFactory(cpts=world.cpts, commune=world.versailles)


def support_installation_tutorings(world, count):
    from maillon.support.factories import TutoringFactory

    TutoringFactory.create_batch(count, cpts=world.cpts, installation=world.made["installation"])


def support_kit_adherents(world, count):
    """Adherents of several professions practising in Versailles (the kit's directory)."""
    for index in range(count):
        professional = ProfessionalFactory(profession=("10", "60", "21")[index % 3])
        PracticePlaceFactory(professional=professional, commune=world.versailles)
        MembershipFactory(cpts=world.cpts, professional=professional)


def support_ads_of_members(world, count):
    """The `member` user's ads waiting for moderation, and others' published ads."""
    from maillon.support.factories import AdFactory

    for index in range(count):
        if index % 2:
            AdFactory(cpts=world.cpts, published=True)
        else:
            AdFactory(cpts=world.cpts, author=world.users["member"])


def support_tutoring(world, count):
    """Pairs with an adherent, a placement's trainee or an installation as the tutee."""
    from maillon.support.factories import InstallationProjectFactory, PlacementFactory, TutoringFactory

    for index in range(count):
        if index % 3 == 0:
            TutoringFactory(cpts=world.cpts, tutee_membership=MembershipFactory(cpts=world.cpts), tutee_name="")
        elif index % 3 == 1:
            TutoringFactory(cpts=world.cpts, placement=PlacementFactory(supervisor=support_supervisor(world)))
        else:
            TutoringFactory(cpts=world.cpts, installation=InstallationProjectFactory(cpts=world.cpts))


def support_my_tutoring(world, count):
    """Pairs where the `member` user is the tutor (they may end them)."""
    from maillon.support.factories import TutoringFactory

    TutoringFactory.create_batch(count, cpts=world.cpts, tutor=support_my_adhesion(world))


def support_cross_trainings(world, count):
    """Cross-trainings, each with its meeting, the `member` user invited to every other one."""
    from maillon.support.factories import CrossTrainingFactory

    membership = support_my_adhesion(world)
    for index in range(count):
        training = CrossTrainingFactory(cpts=world.cpts)
        MeetingSlotFactory(meeting=training.meeting)
        if index % 2:
            InvitationFactory(meeting=training.meeting, membership=membership)


def support_equipment(world, count):
    """Equipment held by an adherent, booked next week."""
    from maillon.support.factories import EquipmentBookingFactory, EquipmentFactory

    for _ in range(count):
        equipment = EquipmentFactory(cpts=world.cpts, holder=MembershipFactory(cpts=world.cpts))
        EquipmentBookingFactory(equipment=equipment, starts_at=timezone.now() + datetime.timedelta(days=7))


def support_next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def a_piece_of_equipment(world):
    from maillon.support.factories import EquipmentFactory

    world.made["equipment"] = EquipmentFactory(cpts=world.cpts)


def support_equipment_bookings(world, count):
    """Bookings of an hour each, next week, hour after hour; every other one the `member` user's."""
    from maillon.support.factories import EquipmentBookingFactory

    monday = timezone.make_aware(datetime.datetime.combine(support_next_monday(), datetime.time(0)))
    for hour in support_days(world, count):
        membership = support_my_adhesion(world) if hour % 2 else MembershipFactory(cpts=world.cpts)
        starts_at = monday + datetime.timedelta(hours=hour)
        EquipmentBookingFactory(
            equipment=world.made["equipment"],
            membership=membership,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
        )


# <<< support


# --- The table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """`name`: the route's name, or the API operation as « GET /path » of the schema (with an
    optional « [variant] »); `url(world)`; `user`: the role of the caller (None: anonymous);
    `rows(world, count)` adds rows; `setup(world)` runs once before; `key`: the array of an API
    answer that holds the rows (an answer that is an array: itself)."""

    name: str
    url: Callable
    user: str | None
    rows: Callable
    setup: Callable | None = None
    marks: tuple = ()
    key: str = "items"  # the array of an API answer that holds the rows
    grows: bool = True  # False: the page sums its rows (it does not get longer with them)

    @property
    def api(self) -> bool:
        return self.name.startswith("GET ")

    @property
    def listed(self) -> str:
        """The route or operation, without its variant."""
        return self.name.split(" [")[0]


def page(name, *args, query=""):
    return lambda world: reverse(name, args=[world.cpts.slug, *args]) + query


def public(name, *args, query=""):
    return lambda world: reverse(name, args=args) + query


def api(path, query=""):
    return lambda world: "/api/v1" + path.replace("{cpts_id}", str(world.cpts.pk)) + query


CASES = [
    # Public pages.
    Case("cpts_list", public("cpts_list"), None, cpts_with_territory),
    Case("commune_search", public("commune_search", query="?q=bourg"), None, communes),
    Case("region_overview", public("region_overview"), None, regions),
    Case(
        "region_overview [one région]",
        public("region_overview", query="?region=11"),
        None,
        departements_of_ile_de_france,
    ),
    Case("departement_overview", public("departement_overview", "78"), None, cpts_with_territory),
    Case("observatory_members", public("observatory_members"), "observer", observed_memberships, observer),
    Case(
        "admin:core_journalentry_changelist",
        public("admin:core_journalentry_changelist"),
        "admin",
        journal_entries,
        admin_user,
    ),
    Case("account", public("account"), "member", api_tokens),
    # The homes of the roles (issue 14).
    Case("home_admin", public("home_admin"), "admin", cpts_with_territory, admin_user),
    Case("home_observer", public("home_observer"), "observer", cpts_of_the_yvelines, territory_user("observer")),
    Case("home_authority", public("home_authority"), "authority", sent_reports, territory_user("authority")),
    Case(
        "home_authority [CPTS]",
        public("home_authority"),
        "authority",
        cpts_of_the_yvelines,
        territory_user("authority"),
    ),
    Case("home_sas", public("home_sas"), "sas_regulator", sas_requests, territory_user("sas_regulator"), grows=False),
    Case("home_sas [CPTS]", public("home_sas"), "sas_regulator", cpts_of_the_yvelines, territory_user("sas_regulator")),
    Case("account_notifications", public("account_notifications"), "member", notifications),
    # Members.
    Case("cpts_detail", page("cpts_detail"), None, territory_communes),
    Case("members_directory", page("members_directory"), "member", memberships),
    Case("members_directory [structures]", page("members_directory"), "member", structure_memberships),
    Case("members_colleges", page("members_colleges"), "coordinator", colleges),
    Case("members_fees", page("members_fees"), "coordinator", fees),
    Case("members_mailings", page("members_mailings"), "coordinator", mailings),
    Case(
        "members_mailing",
        lambda world: reverse("members_mailing", args=[world.cpts.slug, world.made["mailing"].pk]),
        "coordinator",
        mailing_recipients,
        a_mailing,
    ),
    Case(
        "members_structure_card",
        lambda world: reverse("members_structure_card", args=[world.cpts.slug, world.made["structure"].pk]),
        "member",
        structure_professionals,
        a_structure,
    ),
    # Governance.
    Case("governance_elections", page("governance_elections"), "member", elections, governance_voter),
    Case("governance_mandates", page("governance_mandates"), "member", mandates, governance_voter),
    Case("governance_assemblies", page("governance_assemblies"), "member", assemblies, governance_voter),
    Case("governance_documents", page("governance_documents"), "member", documents, governance_voter),
    # Meetings and time.
    Case("meetings_list", page("meetings_list"), "coordinator", meetings),
    Case(
        "meetings_meeting",
        lambda world: reverse("meetings_meeting", args=[world.cpts.slug, world.made["meeting"].pk]),
        "coordinator",
        invitations,
        a_meeting,
    ),
    Case("meetings_time", page("meetings_time"), "coordinator", time_entries),
    Case(
        "meetings_statement",
        lambda world: reverse("meetings_statement", args=[world.cpts.slug, world.made["membership"].pk]),
        "coordinator",
        statement_entries,
        a_statement,
    ),
    Case("meetings_payments", page("meetings_payments"), "coordinator", time_entries),
    # ACI.
    Case("contracts_indicators", page("contracts_indicators"), "coordinator", indicators),
    Case("contracts_funding", page("contracts_funding"), "coordinator", spendings, grows=False),
    Case("contracts_report", page("contracts_report", 1), "coordinator", report_versions),
    # Médecin traitant.
    Case("mt_queue", page("mt_queue"), "coordinator", patients),
    Case("mt_proposals", page("mt_proposals"), "coordinator", proposals, doctor_offer),
    Case("mt_offer", page("mt_offer"), "member", proposals, doctor_offer),
    Case("mt_run", run_page, "coordinator", run_proposals, matching_run),
    # SNP.
    Case("snp_slots", page("snp_slots"), "member", my_slots, my_agenda),
    Case("snp_slots [everyone]", page("snp_slots", query="?tous=1"), "coordinator", my_slots, my_agenda),
    Case("snp_slot_agendas", page("snp_slot_agendas"), "member", agendas),
    Case("snp_requests", page("snp_requests"), "coordinator", care_requests),
    Case(
        "snp_request_search",
        lambda world: reverse("snp_request_search", args=[world.cpts.slug, world.made["request"].pk]),
        "coordinator",
        bookable_slots,
        a_care_request,
    ),
    Case("snp_request_duty", page("snp_request_duty"), "member", duty_calls),
    Case("snp_request_appointments", page("snp_request_appointments"), "member", my_bookings, my_agenda),
    # Crisis plan and crisis response.
    Case("crisis_plan", page("crisis_plan"), "coordinator", plan_versions),
    Case(
        "crisis_plan_professionals",
        lambda world: reverse("crisis_plan_professionals", args=[world.cpts.slug, world.made["version"].year]),
        "coordinator",
        plan_professionals,
        plan_draft,
    ),
    Case(
        "crisis_plan_version",
        lambda world: reverse("crisis_plan_version", args=[world.cpts.slug, world.made["version"].year]),
        "coordinator",
        plan_professionals,
        plan_draft,
    ),
    Case("crisis_response_list", page("crisis_response_list"), "coordinator", crises),
    Case("crisis_response_chain", page("crisis_response_chain"), "coordinator", alert_levels),
    Case(
        "crisis_response_board_live",
        lambda world: reverse("crisis_response_board_live", args=[world.cpts.slug, world.made["crisis"].pk]),
        "coordinator",
        crisis_recipients,
        a_crisis,
    ),
    Case(
        "crisis_response_board",
        lambda world: reverse("crisis_response_board", args=[world.cpts.slug, world.made["crisis"].pk]),
        "coordinator",
        crisis_recipients,
        a_crisis,
    ),
    # >>> quality: mission 5 (issue 20)
    Case("quality_conferences", page("quality_conferences"), "coordinator", quality_conferences),
    Case(
        "quality_conferences [held]",
        page("quality_conferences", query="?onglet=tenues"),
        "coordinator",
        quality_conferences,
    ),
    Case("quality_reviews", page("quality_reviews"), "coordinator", quality_reviews),
    Case("quality_reviews [shared]", page("quality_reviews", query="?etat=shared"), "member", quality_shared_reviews),
    Case(
        "quality_review",
        lambda world: reverse("quality_review", args=[world.cpts.slug, world.made["review"].pk]),
        "coordinator",
        quality_review_actions,
        a_quality_review,
    ),
    Case("quality_actions", page("quality_actions", query="?etat=tous"), "coordinator", quality_follow_ups),
    Case("quality_actions [mine]", page("quality_actions"), "member", quality_my_follow_ups),
    Case("quality_groups", page("quality_groups"), "member", quality_groups),
    Case(
        "quality_group",
        lambda world: reverse("quality_group", args=[world.cpts.slug, world.made["group"].pk]),
        "member",
        quality_group_sessions,
        a_quality_group,
    ),
    Case(
        "quality_conference",
        lambda world: reverse("quality_conference", args=[world.cpts.slug, world.made["conference"].pk]),
        "coordinator",
        quality_conference_decisions,
        a_held_conference,
    ),
    # <<< quality
    # >>> support: mission 6 (issue 21)
    Case("supervisor_list", page("supervisor_list"), "coordinator", support_supervisors),
    Case("placement_list", page("placement_list"), "coordinator", support_placements),
    Case("placement_list [supervised]", page("placement_list"), "member", support_my_placements),
    Case(
        "placement_detail",
        lambda world: reverse("placement_detail", args=[world.cpts.slug, world.made["placement"].pk]),
        "coordinator",
        support_placement_applications,
        a_supervised_placement,
    ),
    Case(
        "placement_detail [supervisor]",
        lambda world: reverse("placement_detail", args=[world.cpts.slug, world.made["placement"].pk]),
        "member",
        support_placement_applications,
        a_supervised_placement,
    ),
    Case("application_list", page("application_list"), "coordinator", support_applications),
    Case("application_list [supervisor]", page("application_list"), "member", support_my_applications),
    Case("housing_list", page("housing_list"), "coordinator", support_housing),
    Case(
        "housing_detail",
        lambda world: reverse("housing_detail", args=[world.cpts.slug, world.made["housing"].pk]),
        "coordinator",
        support_housing_bookings,
        a_housing,
    ),
    Case("internships_public", page("internships_public"), None, support_internships),
    Case(
        "internships_public [housing]",
        page("internships_public"),
        None,
        support_public_housing,
    ),
    Case("installation_list", page("installation_list"), "coordinator", support_installations),
    Case(
        "installation_detail",
        lambda world: reverse("installation_detail", args=[world.cpts.slug, world.made["installation"].pk]),
        "coordinator",
        support_installation_tutorings,
        an_installation,
    ),
    Case(
        "welcome_kit",
        lambda world: reverse("welcome_kit", args=[world.cpts.slug, world.made["installation"].pk]),
        "coordinator",
        support_kit_adherents,
        an_installation,
    ),
    Case(
        "welcome_kit_pdf",
        lambda world: reverse("welcome_kit_pdf", args=[world.cpts.slug, world.made["installation"].pk]),
        "coordinator",
        support_kit_adherents,
        an_installation,
    ),
    Case("ad_list [member]", page("ad_list"), "member", support_ads_of_members),
    Case("tutoring_list", page("tutoring_list"), "coordinator", support_tutoring),
    Case("tutoring_list [tutor]", page("tutoring_list"), "member", support_my_tutoring),
    Case("cross_training_list", page("cross_training_list"), "coordinator", support_cross_trainings),
    Case("cross_training_list [member]", page("cross_training_list"), "member", support_cross_trainings),
    Case("equipment_list", page("equipment_list"), "coordinator", support_equipment),
    Case(
        "equipment_detail",
        lambda world: (
            reverse("equipment_detail", args=[world.cpts.slug, world.made["equipment"].pk])
            + f"?semaine={support_next_monday():%Y-%m-%d}"
        ),
        "coordinator",
        support_equipment_bookings,
        a_piece_of_equipment,
    ),
    Case(
        "equipment_detail [member]",
        lambda world: (
            reverse("equipment_detail", args=[world.cpts.slug, world.made["equipment"].pk])
            + f"?semaine={support_next_monday():%Y-%m-%d}"
        ),
        "member",
        support_equipment_bookings,
        a_piece_of_equipment,
    ),
    # <<< support
    # The API.
    # >>> quality-api: mission 5 in the API (issue 20)
    Case(
        "GET /api/v1/cpts/{cpts_id}/quality/conferences",
        api("/cpts/{cpts_id}/quality/conferences", "?page_size=100"),
        "coordinator",
        quality_conferences,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/quality/incident-reviews",
        api("/cpts/{cpts_id}/quality/incident-reviews", "?page_size=100"),
        "coordinator",
        quality_reviews,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/quality/incident-reviews [shared]",
        api("/cpts/{cpts_id}/quality/incident-reviews", "?page_size=100"),
        "member",
        quality_shared_reviews,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/quality/groups",
        api("/cpts/{cpts_id}/quality/groups", "?page_size=100"),
        "member",
        quality_groups,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/quality/groups/{group_id}/sessions",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/quality/groups/{world.made['group'].pk}/sessions?page_size=100",
        "member",
        quality_group_sessions,
        a_quality_group,
    ),
    # <<< quality-api
    Case("GET /api/v1/communes", api("/communes", "?q=bourg"), None, communes),
    Case("GET /api/v1/cpts", api("/cpts"), None, cpts_with_territory),
    Case("GET /api/v1/cpts/{cpts_id}/members", api("/cpts/{cpts_id}/members"), "coordinator", memberships),
    Case(
        "GET /api/v1/cpts/{cpts_id}/structures", api("/cpts/{cpts_id}/structures"), "coordinator", structure_memberships
    ),
    Case("GET /api/v1/cpts/{cpts_id}/meetings", api("/cpts/{cpts_id}/meetings"), "coordinator", meetings),
    Case(
        "GET /api/v1/cpts/{cpts_id}/meetings/{meeting_id}",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/meetings/{world.made['meeting'].pk}",
        "coordinator",
        invitations,
        a_meeting,
        key="invitees",
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/time-entries",
        api("/cpts/{cpts_id}/time-entries", "?scope=all"),
        "coordinator",
        time_entries,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/time-entries [mine]", api("/cpts/{cpts_id}/time-entries"), "member", my_time_entries
    ),
    Case("GET /api/v1/cpts/{cpts_id}/aci/indicators", api("/cpts/{cpts_id}/aci/indicators"), "coordinator", indicators),
    Case("GET /api/v1/cpts/{cpts_id}/aci/spending", api("/cpts/{cpts_id}/aci/spending"), "coordinator", spendings),
    Case(
        "GET /api/v1/cpts/{cpts_id}/aci/years/{year}/report/versions",
        api("/cpts/{cpts_id}/aci/years/1/report/versions"),
        "coordinator",
        report_versions,
    ),
    Case("GET /api/v1/cpts/{cpts_id}/mt/queue", api("/cpts/{cpts_id}/mt/queue"), "coordinator", patients),
    Case(
        "GET /api/v1/cpts/{cpts_id}/mt/offers",
        api("/cpts/{cpts_id}/mt/offers"),
        "coordinator",
        offers,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/mt/proposals",
        api("/cpts/{cpts_id}/mt/proposals"),
        "coordinator",
        proposals,
        doctor_offer,
    ),
    Case("GET /api/v1/cpts/{cpts_id}/snp/slots", api("/cpts/{cpts_id}/snp/slots"), "member", my_slots, my_agenda),
    Case(
        "GET /api/v1/cpts/{cpts_id}/snp/slots [cpts]",
        api("/cpts/{cpts_id}/snp/slots", "?scope=cpts"),
        "coordinator",
        my_slots,
        my_agenda,
    ),
    Case("GET /api/v1/cpts/{cpts_id}/snp/agendas", api("/cpts/{cpts_id}/snp/agendas"), "member", agendas),
    Case("GET /api/v1/cpts/{cpts_id}/snp/requests", api("/cpts/{cpts_id}/snp/requests"), "coordinator", care_requests),
    Case(
        "GET /api/v1/cpts/{cpts_id}/snp/requests/{request_id}/slots",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/snp/requests/{world.made['request'].pk}/slots",
        "coordinator",
        bookable_slots,
        a_care_request,
        key="slots",
    ),
    Case("GET /api/v1/cpts/{cpts_id}/snp/duty-calls", api("/cpts/{cpts_id}/snp/duty-calls"), "member", duty_calls),
    Case(
        "GET /api/v1/cpts/{cpts_id}/crisis/plan",
        api("/cpts/{cpts_id}/crisis/plan"),
        "coordinator",
        plan_versions,
        key="versions",
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/crisis/plan/versions/{year}",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/crisis/plan/versions/{world.made['version'].year}",
        "coordinator",
        plan_professionals,
        plan_draft,
        key="professionals",
    ),
    Case("GET /api/v1/cpts/{cpts_id}/crises", api("/cpts/{cpts_id}/crises"), "coordinator", crises),
    Case(
        "GET /api/v1/cpts/{cpts_id}/crises/{crisis_id}",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/crises/{world.made['crisis'].pk}",
        "coordinator",
        crisis_recipients,
        a_crisis,
        key="recipients",
    ),
    Case("GET /api/v1/cpts/{cpts_id}/alert-chain", api("/cpts/{cpts_id}/alert-chain"), "coordinator", alert_levels),
    # >>> pathways: Care pathways (issue 15)
    Case("GET /api/v1/pathway-templates", api("/pathway-templates"), "member", no_rows, grows=False),
    Case("GET /api/v1/shared-programmes", api("/shared-programmes"), "coordinator", shared_programmes),
    Case("GET /api/v1/cpts/{cpts_id}/programmes", api("/cpts/{cpts_id}/programmes"), "coordinator", programmes),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions",
        api("/cpts/{cpts_id}/pathway-inclusions"),
        "coordinator",
        inclusions,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions [lead]",
        api("/cpts/{cpts_id}/pathway-inclusions"),
        "member",
        led_inclusions,
        a_lead,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/pathway-inclusions/{world.made['inclusion'].pk}/care-team",
        "coordinator",
        care_team,
        an_inclusion,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/pathway-inclusions/{world.made['inclusion'].pk}",
        "coordinator",
        care_team,
        an_inclusion,
        key="care_team",
    ),
    Case("GET /api/v1/cpts/{cpts_id}/care-tasks", api("/cpts/{cpts_id}/care-tasks"), "member", my_care_tasks, a_lead),
    Case(
        "GET /api/v1/cpts/{cpts_id}/care-tasks [all]",
        api("/cpts/{cpts_id}/care-tasks", "?all=true&page_size=100"),
        "coordinator",
        care_tasks,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/care-breaks",
        api("/cpts/{cpts_id}/care-breaks", "?page_size=100"),
        "coordinator",
        care_breaks,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/plans",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/pathway-inclusions/{world.made['inclusion'].pk}/plans",
        "coordinator",
        care_plans,
        an_inclusion,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/hospital-stays",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/pathway-inclusions/{world.made['inclusion'].pk}/hospital-stays",
        "coordinator",
        hospital_stays,
        an_inclusion,
    ),
    Case(
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/timeline",
        lambda world: f"/api/v1/cpts/{world.cpts.pk}/pathway-inclusions/{world.made['inclusion'].pk}/timeline",
        "coordinator",
        path_moments,
        an_inclusion,
    ),
    # <<< pathways
    # >>> prevention-public: Prevention sessions (issue 16)
    Case("cpts_detail [séances de prévention]", page("cpts_detail"), None, coming_public_sessions),
    Case(
        "prevention_session_public",
        lambda world: reverse("prevention_session_public", args=[world.cpts.slug, world.made["public_session"].pk]),
        None,
        public_materials,
        a_public_session,
    ),
    # <<< prevention-public
]

# Lists already read with 3 rows, then 30 (or 27), and their counts compared.
COVERED_ELSEWHERE = {
    "members_list": "tests/members/test_adhesion_list.py::test_the_list_runs_a_fixed_number_of_queries",
    "members_figures": "tests/members/test_figures.py (counts by category, 3 then 30 adhesions)",
    # >>> pathways: Care pathways (issue 15)
    "pathways_home": (
        "tests/pathways/test_pages_query_budget.py::test_the_list_runs_as_many_queries_for_3_rows_as_for_30"
    ),
    "pathways_tasks": "tests/pathways/test_pages_tasks.py::test_the_list_runs_as_many_queries_for_3_rows_as_for_30",
    "pathways_breaks": "tests/pathways/test_pages_breaks.py::test_the_board_runs_as_many_queries_for_3_rows_as_for_30",
    # <<< pathways
    # >>> prevention-api: Prevention (issue 16): tests/prevention/test_api_query_budget.py, 3 then 30 rows
    **{
        f"GET /api/v1/cpts/{{cpts_id}}/prevention/{path}": "tests/prevention/test_api_query_budget.py"
        for path in (
            "actions",
            "measures",
            "measures/{measure_id}",
            "measures/{measure_id}/values",
            "sessions",
            "sessions/{session_id}/registrations",
            "public-sessions",
        )
    },
    # <<< prevention-api
    # >>> prevention-pages: the coordination's prevention pages (issue 16), 3 then 30 rows
    **dict.fromkeys(
        (
            "prevention_home",
            "prevention_action",
            "prevention_measure",
            "prevention_session",
            "prevention_session_attendance",
        ),
        "tests/prevention/test_pages_query_budget.py",
    ),
    # <<< prevention-pages
    # >>> discussions-threads: reading the discussion spaces (issue 17), 3 then 30 rows
    **dict.fromkeys(
        (
            "discussions_index",
            "discussions_mentions",
            "discussions_search",
            "discussions_space",
            "discussions_topic",
            "discussions_topic_new_messages",
            "cpts_discussions",
        ),
        "tests/www/discussions/test_query_budgets.py",
    ),
    # <<< discussions-threads
    # >>> discussions-groups: organisations, groups, people and moderation (issue 17), 3 then 30 rows
    **dict.fromkeys(
        (
            "organisations_index",
            "organisations_organisation",
            "discussions_space_people",
            "discussions_space_moderation",
            "discussions_space_visio",
            "discussions_signups",
            "discussions_groups_public",
        ),
        "tests/www/organisations/test_query_budgets.py",
    ),
    # <<< discussions-groups
    # >>> discussions-api: discussion spaces and organisations in the API (issue 17):
    # tests/api/test_api_discussions_query_budget.py, 3 then 30 rows
    **dict.fromkeys(
        (
            "GET /api/v1/discussions/spaces",
            "GET /api/v1/cpts/{cpts_id}/discussions/spaces",
            "GET /api/v1/discussions/spaces/{space_id}/topics",
            "GET /api/v1/discussions/topics/{topic_id}/messages",
            "GET /api/v1/discussions/search",
            "GET /api/v1/discussions/spaces/{space_id}/participants",
            "GET /api/v1/discussions/groups",
            "GET /api/v1/discussions/spaces/{space_id}/signups",
            "GET /api/v1/organisations",
            "GET /api/v1/organisations/{organisation_id}",  # its people: 3, then 30
        ),
        "tests/api/test_api_discussions_query_budget.py",
    ),
    # <<< discussions-api
    # >>> creation: Creating a CPTS (issue 18), 3 then 30 rows
    **dict.fromkeys(("creation_letters", "creation_letter"), "tests/www/creation/test_letter_query_budgets.py"),
    **dict.fromkeys(
        ("creation_steps", "creation_grant", "creation_project", "creation_project_version"),
        "tests/www/creation/test_project_query_budgets.py",
    ),
    **dict.fromkeys(
        (
            "GET /api/v1/creation/letters",
            "GET /api/v1/creation/letters/{letter_id}",
            "GET /api/v1/cpts/{cpts_id}/creation/steps",
            "GET /api/v1/cpts/{cpts_id}/creation/grant",
            "GET /api/v1/cpts/{cpts_id}/creation/grant/spendings",
            "GET /api/v1/cpts/{cpts_id}/health-project/versions",
            "GET /api/v1/cpts/{cpts_id}/health-project/versions/{number}",
        ),
        "tests/api/test_api_creation_query_budget.py",
    ),
    # <<< creation
    # >>> support: mission 6 (issue 21), 3 then 30 ads (the member's variant of ad_list is in CASES)
    "ad_list": "tests/support/test_pages_ads.py::test_the_list_runs_as_many_queries_for_3_ads_as_for_30",
    "ad_search": "tests/support/test_pages_ads_public.py::test_the_search_runs_as_many_queries_for_3_ads_as_for_30",
    "ad_feed": "tests/support/test_ad_feed.py::test_the_feed_runs_as_many_queries_for_3_ads_as_for_30",
    # <<< support
    # >>> support-api: mission 6 in the API (issue 21)
    **{
        f"GET /api/v1{path}": f"tests/support/test_api_query_budget.py (3 then 30 rows, case {case})"
        for path, case in (
            ("/ads", "public_ads"),
            ("/cpts/{cpts_id}/internships", "internships"),
            ("/cpts/{cpts_id}/support/supervisors", "supervisors"),
            ("/cpts/{cpts_id}/support/placements", "placements"),
            ("/cpts/{cpts_id}/support/applications", "applications"),
            ("/cpts/{cpts_id}/support/housing", "housing"),
            ("/cpts/{cpts_id}/support/housing/{housing_id}/bookings", "housing_bookings"),
            ("/cpts/{cpts_id}/support/installations", "installations"),
            ("/cpts/{cpts_id}/support/ads", "ads"),
            ("/cpts/{cpts_id}/support/tutoring", "tutoring"),
            ("/cpts/{cpts_id}/support/cross-trainings", "cross_trainings"),
            ("/cpts/{cpts_id}/support/equipment", "equipment"),
            ("/cpts/{cpts_id}/support/equipment/{equipment_id}/bookings", "equipment_bookings"),
        )
    },
    # <<< support-api
}


def reason(why, *names):
    return dict.fromkeys(names, why)


# Every other page and GET operation, with why it is no list of rows (or a bounded one): a new
# route must be classified here or get a case above.
NOT_LISTS = {
    # >>> creation: Creating a CPTS (issue 18)
    **reason("a page of text: the 10 steps and the start-up grant explained", "creation_start"),
    **reason(
        "a form (its commune search shows at most 10 results, its draft at most MAILLON_LETTER_MAX_COMMUNES)",
        "creation_letter_new",
    ),
    **reason(
        "one letter behind its promoters' secret link: its communes, promoters and exchange, read as the ARS's page",
        "creation_letter_follow",
    ),
    **reason(
        "a form",
        "creation_step_edit",
        "creation_grant_record",
        "creation_project_diagnosis",
        "creation_project_section",
        "creation_sheet_new",
        "creation_sheet_edit",
        "creation_project_review",
    ),
    **reason(
        "a file (a step's document, the projet de santé as a PDF)",
        "creation_step_document_download",
        "creation_project_pdf",
    ),
    **reason(
        "an action (POST)",
        "creation_grant_payment_paid",
        "creation_grant_spending_add",
        "creation_grant_spending_delete",
        "creation_letter_accept",
        "creation_letter_refuse",
        "creation_letter_request",
        "creation_negotiation_open",
        "creation_project_start",
        "creation_project_submit",
        "creation_sheet_delete",
        "creation_sheet_start",
        "creation_step_document_delete",
    ),
    **reason("the draft territory's partial (POST, writes nothing), bounded by the draft", "creation_letter_territory"),
    # <<< creation
    # >>> pathways: Care pathways (issue 15)
    **reason(
        "an action (POST) or a form",
        "pathways_include",
        "pathways_library",
        "pathways_programme_from_template",
        "pathways_programme_copy",
        "pathways_programme_edit",
        "pathways_team_add_adherent",
        "pathways_team_add_person",
        "pathways_team_end",
        "pathways_lead_change",
        "pathways_inclusion_close",
        "pathways_inclusion_move",
        "pathways_stay_record",
        "pathways_stay_discharge",
        "pathways_plan_revise",
        "pathways_task_complete",
        "pathways_break_resolve",
    ),
    **reason("a file (the PPCS as a PDF)", "pathways_plan_pdf"),
    **reason("one programme version: its steps and versions, a handful", "pathways_programme"),
    # tests/pathways/test_pages_query_budget.py::test_the_inclusion_page_does_not_grow_with_its_team
    **reason("one object with a growing history, measured by its own app", "pathways_inclusion"),
    # <<< pathways
    # >>> prevention-api: Prevention (issue 16)
    **reason(
        "one object; its inner lists are bounded (the communes of an action, a session's age bands by sex)",
        "GET /api/v1/cpts/{cpts_id}/prevention/actions/{action_id}",
        "GET /api/v1/cpts/{cpts_id}/prevention/sessions/{session_id}",
    ),
    # <<< prevention-api
    # >>> discussions-api: discussion spaces in the API (issue 17)
    **reason(
        "one object: a space with the caller's unread count and rights",
        "GET /api/v1/discussions/spaces/{space_id}",
    ),
    # <<< discussions-api
    # >>> prevention-public: Prevention sessions (issue 16)
    **reason("a file (a session's .ics, a public material)", "prevention_session_ics", "prevention_material_public"),
    **reason("a form behind a registrant's secret link: one registration", "prevention_registration_cancel"),
    # <<< prevention-public
    # >>> prevention-pages: the coordination's prevention pages (issue 16)
    **reason(
        "an action (POST) or a form",
        "prevention_action_new",
        "prevention_action_edit",
        "prevention_action_complete",
        "prevention_action_cancel",
        "prevention_measure_new",
        "prevention_measure_value",
        "prevention_session_new",
        "prevention_session_edit",
        "prevention_session_cancel",
        "prevention_session_held",
        "prevention_registration_cancel_by_staff",
        "prevention_material_new",
        "prevention_material_version",
    ),
    **reason("a file (a version of a material)", "prevention_material_download"),
    **reason("the import kit's upload → preview → confirm, as members_import", "prevention_measure_import"),
    # <<< prevention-pages
    # >>> discussions-threads: writing in the discussion spaces (issue 17)
    **reason(
        "an action (POST) or a form",
        "discussions_topic_new",
        "discussions_space_notify",
        "discussions_reply",
        "discussions_topic_pin",
        "discussions_topic_unpin",
        "discussions_message_edit",
        "discussions_message_delete",
        "discussions_message_hide",
        "discussions_message_unhide",
        "discussions_working_group_new",
    ),
    **reason("a file (an attachment of a message)", "discussions_attachment"),
    # <<< discussions-threads
    # >>> discussions-groups: organisations, groups, people and moderation (issue 17)
    **reason(
        "a form (its choices: the people of one CPTS, read in one query) or an action (POST)",
        "organisations_new",
        "organisations_manager_grant",
        "organisations_manager_withdraw",
        "discussions_regional_group_new",
        "discussions_space_edit",
        "discussions_participant_action",
        "discussions_signup_accept",
        "discussions_signup_refuse",
        "discussions_group_signup",
        "discussions_unsubscribe",
    ),
    # <<< discussions-groups
    # >>> quality-api: mission 5 in the API (issue 20)
    **reason(
        "one object; its inner lists are bounded (a conference's decisions and participants, a review's "
        "actions, a group's members) or one inclusion's timeline",
        "GET /api/v1/cpts/{cpts_id}/quality/conferences/{conference_id}",
        "GET /api/v1/cpts/{cpts_id}/quality/incident-reviews/{review_id}",
        "GET /api/v1/cpts/{cpts_id}/quality/groups/{group_id}",
        "GET /api/v1/cpts/{cpts_id}/quality/inclusions/{inclusion_id}/evaluation",
    ),
    # <<< quality-api
    # >>> quality: mission 5 (issue 20)
    **reason(
        "counts through the policies and the next 5 group sessions",
        "quality_home",
    ),
    **reason(
        "an action (POST) or a form (its choices — adherents, referents, held conferences, shared reviews — "
        "each read in one query)",
        "quality_conference_request",
        "quality_conference_schedule",
        "quality_conference_record",
        "quality_conference_cancel",
        "quality_decision_complete",
        "quality_decision_drop",
        "quality_review_report",
        "quality_review_referent",
        "quality_review_analysis",
        "quality_review_action_add",
        "quality_review_decide",
        "quality_review_close",
        "quality_review_dismiss",
        "quality_review_share",
        "quality_action_complete",
        "quality_action_drop",
        "quality_group_create",
        "quality_group_edit",
        "quality_group_session_add",
    ),
    **reason(
        "a file (a conference's record, a pathway's evaluation, as PDF)",
        "quality_conference_pdf",
        "quality_evaluation_pdf",
    ),
    **reason(
        "one inclusion's timeline read as its page reads it (tests/pathways/test_pages_query_budget.py)",
        "quality_evaluation",
    ),
    # <<< quality
    # >>> support-api: mission 6 in the API (issue 21)
    **reason(
        "one object; its inner lists are bounded (an installation's four steps, a housing's nights over "
        "92 days at most, a supervisor's levels, a cross-training's audience of a few professions) or none "
        "(a placement, an application, an ad, a tutoring pair, a piece of equipment, the public page's texts)",
        "GET /api/v1/cpts/{cpts_id}/support/supervisors/{supervisor_id}",
        "GET /api/v1/cpts/{cpts_id}/support/placements/{placement_id}",
        "GET /api/v1/cpts/{cpts_id}/support/applications/{application_id}",
        "GET /api/v1/cpts/{cpts_id}/support/housing/{housing_id}",
        "GET /api/v1/cpts/{cpts_id}/support/housing/{housing_id}/availability",
        "GET /api/v1/cpts/{cpts_id}/support/installations/{installation_id}",
        "GET /api/v1/cpts/{cpts_id}/support/ads/{ad_id}",
        "GET /api/v1/cpts/{cpts_id}/support/tutoring/{tutoring_id}",
        "GET /api/v1/cpts/{cpts_id}/support/cross-trainings/{training_id}",
        "GET /api/v1/cpts/{cpts_id}/support/equipment/{equipment_id}",
        "GET /api/v1/cpts/{cpts_id}/support/site",
    ),
    # <<< support-api
    # >>> support: mission 6 (issue 21)
    **reason("counts through the policies (one query each) and the links of the role", "support_home"),
    **reason(
        "an action (POST) or a form (its choices — adherents, supervisors, open placements, installation "
        "projects — each read in one query with the rows its labels name)",
        "supervisor_create",
        "supervisor_edit",
        "placement_create",
        "placement_cancel",
        "placement_fill",
        "application_accept",
        "application_decline",
        "housing_create",
        "housing_edit",
        "housing_book",
        "housing_booking_cancel",
        "installation_create",
        "installation_edit",
        "installation_step",
        "installation_settle",
        "installation_abandon",
        "tutoring_create",
        "tutoring_end",
        "cross_training_create",
        "equipment_create",
        "equipment_book",
        "equipment_booking_cancel",
        "ad_create",
        "ad_edit",
        "ad_publish",
        "ad_refuse",
        "ad_fill",
        "ad_withdraw",
        "site_edit",
    ),
    **reason(
        "one ad, stamped with the CPTS that covers its commune (a fixed number of queries)",
        "ad_detail",
        "ad_public_detail",
    ),
    # <<< support
    **reason("a redirection to the person's home, or the choice between their own few roles", "my_home"),
    **reason("a form posted (it creates one CPTS)", "home_admin_cpts_new"),
    **reason(
        "a page of text or a form, no rows of the database",
        "home",
        "legal_notice",
        "privacy",
        "accessibility",
        "aci_simulator",
        "login",
        "login_second_factor",
        "login_totp_setup",
        "login_totp_enrolment_link",
        "login_unlock",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_accept",
        "cpts_invite",
        "cpts_territory_edit",
        "cpts_territory_preview",
        "members_join",
        "members_my_card",
        "members_structure_edit",
        "members_import",
        "members_mailing_new",
        "members_unsubscribe",
        "meetings_meeting_edit",
        "meetings_time_edit",
        "meetings_bank_details",
        "mt_patient_new",
        "mt_import",
        "mt_weights",
        "mt_find",
        "mt_register",
        "snp_slot_new",
        "snp_slot_series_new",
        "snp_slot_import",
        "snp_slot_setup",
        "snp_request_new",
        "crisis_plan_section",
        "crisis_response_activate",
        "crisis_response_retex",
        "crisis_response_ack",
        "pathways_reminders_stop",
        "sms_inbound",
    ),
    **reason(
        "an action (POST) or its confirmation page",
        "account_token_create",
        "account_token_revoke",
        "account_token_rotate",
        "account_notifications_read",
        "account_notification_preferences",
        "governance_election_vote",
        "governance_election_candidate",
        "governance_election_open",
        "governance_election_close",
        "governance_election_mandate",
        "meetings_meeting_answer",
        "meetings_meeting_choose",
        "meetings_meeting_cancel",
        "meetings_meeting_invite",
        "meetings_meeting_search",
        "meetings_meeting_invite_picked",
        "meetings_meeting_attendance",
        "meetings_meeting_delete",
        "meetings_time_declare",
        "meetings_time_rate",
        "meetings_time_validate",
        "meetings_time_reject",
        "meetings_time_unvalidate",
        "mt_propose",
        "snp_slot_cancel",
        "snp_slot_sharing",
        "snp_request_book",
        "snp_request_send_to_duty",
        "snp_request_cancel",
        "snp_request_booking_cancel",
        "snp_request_outcome",
    ),
    **reason(
        "a file (export, download, vCard, PDF, feed)",
        "members_directory_export",
        "members_vcard",
        "members_structure_vcard",
        "governance_document_download",
        "meetings_payments_export",
        "meetings_statement_export",
        "contracts_indicator_document",
        "contracts_report_download",
        "mt_patient_export",
        "mt_patient_status_export",
        "snp_slots_feed",
        "crisis_plan_pdf",
        "GET /api/v1/cpts/{cpts_id}/plans/{plan_id}/pdf",
        "GET /api/v1/cpts/{cpts_id}/mt/patients/{patient_id}/export",
    ),
    **reason(
        "one object; its inner lists are bounded (missions 1-6, the lifecycle steps, a plan's sections, "
        "one election's candidates, one request's few bookings)",
        "cpts_dashboard",
        "cpts_lifecycle",
        "members_card",
        "members_membership",
        "governance_election",
        "governance_assembly",
        "contracts_overview",
        "mt_proposal",
        "mt_patient_status",
        "snp_slot_series",
        "snp_request_detail",
        "crisis_plan_diff",
        "GET /api/v1/communes/{code}",
        "GET /api/v1/me",
        "GET /api/v1/cpts/{cpts_id}/members/{membership_id}",
        "GET /api/v1/cpts/{cpts_id}/structures/{structure_id}",
        "GET /api/v1/cpts/{cpts_id}/aci",
        "GET /api/v1/cpts/{cpts_id}/aci/years/{year}/funding",
        "GET /api/v1/cpts/{cpts_id}/aci/years/{year}/report",
        "GET /api/v1/cpts/{cpts_id}/aci/reports/{report_id}",
        "GET /api/v1/cpts/{cpts_id}/snp/requests/{request_id}",
        "GET /api/v1/cpts/{cpts_id}/crisis/plan/versions/{year}/diff",
        "GET /api/v1/crises/acknowledgements/{token}",
        "GET /api/v1/cpts/{cpts_id}/programmes/{programme_id}",  # a programme's steps and versions: a handful
    ),
    **reason(
        "one object with a growing history, measured by its own app (1 row, then several)",
        "mt_patient",  # tests/mt/test_pages_query_budget.py
        "GET /api/v1/cpts/{cpts_id}",  # tests/api/test_api_query_budget.py::test_cpts_detail
        "GET /api/v1/cpts/{cpts_id}/mt/patients/{patient_id}",
        "fhir_slot",  # tests/fhir/test_slot_search_bundle.py (FHIR, SAS client certificate)
        # tests/pathways/test_fhir_inclusion_bundle.py::test_the_export_runs_as_many_queries_with_a_large_team
        "GET /api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/fhir",
    ),
}

# Page routes that are lists though their name does not end with `_list`.
LIST_PAGES = {case.listed for case in CASES if not case.api} | set(COVERED_ELSEWHERE)


# --- The tests ----------------------------------------------------------------------------


def queries_of(client, url, headers) -> tuple[CaptureQueriesContext, object]:
    """The queries of one GET, and its answer (200 expected)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return captured, response


def size_of(case, response) -> int:
    """The number of items of an API answer; the length of a page."""
    if case.api:
        body = response.json()
        return len(body[case.key] if isinstance(body, dict) else body)
    return len(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("case", [pytest.param(case, id=case.name, marks=case.marks) for case in CASES])
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(case, cpts, coordinator, member, token_headers):
    world = World(cpts=cpts, users={"coordinator": coordinator, "member": member})
    if case.setup:
        case.setup(world)
    case.rows(world, FEW)
    user = world.users[case.user] if case.user else None
    if case.api:
        client, headers = Client(), token_headers(user) if user else {}
    else:
        client, headers = (verified_client(user) if user else Client()), {}
    url = case.url(world)
    client.get(url, **headers)  # caches filled once (content types, sessions…)
    few, few_response = queries_of(client, url, headers)
    case.rows(world, MANY - FEW)
    many, many_response = queries_of(client, url, headers)
    if case.grows:
        assert size_of(case, many_response) > size_of(case, few_response), "the rows added are not in the list"
    assert len(many) == len(few), (
        f"{case.name}: {len(few)} queries with {FEW} rows, {len(many)} with {MANY}\n"
        + "\n".join(query["sql"][:300] for query in many.captured_queries)
    )


def schema_list_operations() -> set[str]:
    """« GET /api/v1/path » of every GET whose answer is an array or has an `items` array."""
    from maillon.api.urls import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def resolved(node):
        return components[node["$ref"].split("/")[-1]] if "$ref" in node else node

    found = set()
    for path, operations in schema["paths"].items():
        responses = operations.get("get", {}).get("responses", {})
        answer = responses.get(200) or responses.get("200")  # ninja's schema in memory keys them by int
        if not answer:
            continue
        for content in answer.get("content", {}).values():
            body = resolved(content["schema"])
            items = body.get("properties", {}).get("items")
            if body.get("type") == "array" or (items and resolved(items).get("type") == "array"):
                found.add(f"GET {path}")
    return found


def test_every_list_has_a_case():
    """Every list page (a route named `…_list` or in `LIST_PAGES`) and every list operation of the
    API has a case; every other page route and GET operation is classified in `NOT_LISTS` (so a
    new page is classified by whoever adds it); the table names nothing that is gone."""
    routes = {route.qualified_name for route in site_routes()}
    gets = {f"GET /api/v1{path}" for method, path, _ in api_operations() if method == "GET"}
    budgeted = {case.listed for case in CASES} | set(COVERED_ELSEWHERE)
    lists = {name for name in routes if name.endswith("_list")} | LIST_PAGES | schema_list_operations()
    assert not lists - budgeted, f"lists without a query budget: {sorted(lists - budgeted)}"
    unclassified = (routes | gets) - budgeted - set(NOT_LISTS)
    assert not unclassified, f"pages or operations neither in CASES nor in NOT_LISTS: {sorted(unclassified)}"
    assert not budgeted & set(NOT_LISTS), f"both budgeted and « not a list »: {sorted(budgeted & set(NOT_LISTS))}"
    gone = (budgeted | set(NOT_LISTS)) - routes - gets - {"admin:core_journalentry_changelist"}
    assert not gone, f"in the table but gone: {sorted(gone)}"
