"""Nothing of another CPTS is reachable or writable, for every URL and every role.

The answer is 404, the same as for a CPTS that does not exist, so nothing leaks
its existence. Later issues add their URLs: a route under /cpts/<slug>/ or
/api/v1/cpts/{id}/ is covered as soon as it exists (public pages excepted).
"""

import json
import re

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import ApiToken
from maillon.members.models import Membership, Professional, Structure
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from maillon.territories.models import TerritoryCommune

from .conftest import verified_client
from .urlwalk import api_operations, site_routes

# Public pages of a CPTS: anyone may read them or ask to join.
PUBLIC_CPTS_ROUTES = {
    "cpts_detail",
    "members_join",
    "members_unsubscribe",
    "mt_register",
    # >>> snp-slots: Same-day care slots (issue 6)
    # The bookings feed: a secret token per agenda (tests/snp/test_slots_feed.py).
    "snp_slots_feed",
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    # <<< mt
    # >>> prevention-public: Prevention sessions (issue 16)
    # A session's public page, its .ics and the public materials: anyone reads them (the
    # session or material of another CPTS answers 404, tests/prevention/test_public_pages.py).
    "prevention_session_public",
    "prevention_session_ics",
    "prevention_material_public",
    # <<< prevention-public
    # >>> support: « Faire son stage ici » (issue 21): open placements and free rooms, no personal data.
    "internships_public",
    # <<< support
}


def _member_of(cpts):
    from maillon.members.factories import MembershipFactory

    return MembershipFactory(cpts=cpts)


def _structure_member_of(cpts):
    from maillon.members.factories import MembershipFactory, StructureFactory

    return MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory())


def _mailing_of(cpts):
    from maillon.members.factories import MailingRecipientFactory

    return MailingRecipientFactory(mailing__cpts=cpts).mailing


def _report_contract_of(cpts):
    """The CPTS's ACI (one per CPTS here: the dialogue de gestion's routes share it)."""
    from maillon.contracts.factories import ContractFactory
    from maillon.contracts.models import Contract

    return Contract.objects.filter(cpts=cpts).first() or ContractFactory(cpts=cpts)


def _report_of(cpts):
    """A sent version of the dialogue de gestion report of year 1."""
    from maillon.contracts.report import send_report

    contract = _report_contract_of(cpts)
    return contract.reports.filter(contract_year=1).first() or send_report(contract, 1, by=None)


def _indicator_value_of(cpts):
    """A value with its justificatif, of an indicator of the CPTS's ACI (the ACI pages and API)."""
    from django.core.files.base import ContentFile

    from maillon.contracts.factories import IndicatorValueFactory

    document = ContentFile(b"%PDF-1.7\n", name="justificatif.pdf")
    return IndicatorValueFactory(indicator__contract=_report_contract_of(cpts), document=document)


def _team_member_of(cpts):
    """A care team member of an inclusion of `cpts` (the same one for both ids of its path)."""
    from maillon.pathways.factories import CareTeamMemberFactory
    from maillon.pathways.models import CareTeamMember

    return CareTeamMember.objects.filter(inclusion__cpts=cpts).first() or CareTeamMemberFactory(inclusion__cpts=cpts)


def _registration_of(cpts):
    """A registration to a session of `cpts` (the same one for both ids of its path)."""
    from maillon.prevention.factories import RegistrationFactory
    from maillon.prevention.models import Registration

    return Registration.objects.filter(session__cpts=cpts).first() or RegistrationFactory(session__action__cpts=cpts)


# >>> quality: a maker of a mission 5 object of the victim (the ROUTE_OBJECTS block below).
def _quality_maker(factory_name, **traits):
    """`function(cpts) -> pk` of a `maillon.quality.factories.<factory_name>` row of `cpts`."""

    def make(cpts):
        factories = __import__("maillon.quality.factories").quality.factories
        factory = getattr(factories, factory_name)
        if factory_name in ("ConferenceDecisionFactory",):
            return factory(conference__cpts=cpts, **traits).pk
        if factory_name == "ImprovementActionFactory":
            return factory(review__cpts=cpts, **traits).pk
        return factory(cpts=cpts, **traits).pk

    return make


# <<< quality


# >>> support: a maker of a mission 6 object of the victim (the ROUTE_OBJECTS block below).
def _support_maker(factory_name, **traits):
    """`function(cpts) -> pk` of a `maillon.support.factories.<factory_name>` row of `cpts`."""

    def make(cpts):
        factories = __import__("maillon.support.factories").support.factories
        factory = getattr(factories, factory_name)
        owner = {
            "PlacementFactory": {"supervisor__cpts": cpts},
            "PlacementApplicationFactory": {"placement__supervisor__cpts": cpts},
            "HousingBookingFactory": {"housing__cpts": cpts},
            "EquipmentBookingFactory": {"equipment__cpts": cpts},
        }.get(factory_name, {"cpts": cpts})
        return factory(**owner, **traits).pk

    return make


# <<< support


# For a route with other parameters than the CPTS, a real object OF THE VICTIM
# CPTS to name in the URL: the test then proves that object is out of reach.
# `{route or API path: {parameter: function(cpts) -> value}}`.


def _creation_grant_of(cpts):
    """The victim's start-up grant (one per CPTS: the grant's routes share it)."""
    from maillon.creation.factories import StartupGrantFactory
    from maillon.creation.models import StartupGrant

    return StartupGrant.objects.filter(cpts=cpts).first() or StartupGrantFactory(cpts=cpts)


def _creation_sheet_of(cpts):
    """A fiche-action of the victim's projet de santé, version 1, mission 1 (the project's routes share it)."""
    from maillon.creation.factories import ActionSheetFactory
    from maillon.creation.models import ActionSheet

    return ActionSheet.objects.filter(section__version__cpts=cpts).first() or ActionSheetFactory(
        section__version__cpts=cpts, section__version__number=1, section__mission=1
    )


def _creation_payment_of(cpts):
    from maillon.creation.factories import GrantPaymentFactory

    return GrantPaymentFactory(grant=_creation_grant_of(cpts))


def _creation_spending_of(cpts):
    from maillon.creation.factories import GrantSpendingFactory

    return GrantSpendingFactory(grant=_creation_grant_of(cpts))


def _creation_document_of(cpts):
    from maillon.creation.factories import CreationStepFactory, StepDocumentFactory
    from maillon.creation.models import CreationStep

    step = CreationStep.objects.filter(cpts=cpts, step=5).first() or CreationStepFactory(cpts=cpts, step=5)
    return StepDocumentFactory(step=step)


def _version_number(cpts):
    return _creation_sheet_of(cpts).section.version.number


def _sheet_mission(cpts):
    return _creation_sheet_of(cpts).section.mission


def _sheet_pk(cpts):
    return _creation_sheet_of(cpts).pk


ROUTE_OBJECTS = {
    "members_card": {"pk": lambda cpts: _member_of(cpts).professional_id},
    "members_vcard": {"pk": lambda cpts: _member_of(cpts).professional_id},
    "members_structure_vcard": {"pk": lambda cpts: _structure_member_of(cpts).structure_id},
    "members_structure_card": {"pk": lambda cpts: _structure_member_of(cpts).structure_id},
    "members_structure_edit": {"pk": lambda cpts: _structure_member_of(cpts).structure_id},
    "members_membership": {"pk": lambda cpts: _member_of(cpts).pk},
    "members_mailing": {"pk": lambda cpts: _mailing_of(cpts).pk},
    "members_directory_export": {"fmt": lambda cpts: "csv"},
    # Governance (imported here: this dict is the only part of the module its author edits).
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.governance.factories").governance.factories.ElectionFactory(cpts=cpts).pk
            )
        }
        for name in (
            "governance_election",
            "governance_election_vote",
            "governance_election_candidate",
            "governance_election_open",
            "governance_election_close",
            "governance_election_mandate",
        )
    },
    "governance_assembly": {
        "pk": lambda cpts: (
            __import__("maillon.governance.factories").governance.factories.GeneralAssemblyFactory(cpts=cpts).pk
        )
    },
    "governance_document_download": {
        "pk": lambda cpts: (
            __import__("maillon.governance.factories")
            .governance.factories.DocumentVersionFactory(document__cpts=cpts)
            .pk
        )
    },
    # Meetings and indemnities.
    **{
        name: {
            "pk": lambda cpts: __import__("maillon.meetings.factories").meetings.factories.MeetingFactory(cpts=cpts).pk
        }
        for name in (
            "meetings_meeting",
            "meetings_meeting_answer",
            "meetings_meeting_choose",
            "meetings_meeting_cancel",
            "meetings_meeting_invite",
            "meetings_meeting_search",
            "meetings_meeting_invite_picked",
            "meetings_meeting_attendance",
            "meetings_meeting_edit",
            "meetings_meeting_delete",
        )
    },
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.meetings.factories").meetings.factories.TimeEntryFactory(cpts=cpts).pk
            )
        }
        for name in ("meetings_time_edit", "meetings_time_validate", "meetings_time_reject", "meetings_time_unvalidate")
    },
    "meetings_payments_export": {"fmt": lambda cpts: "csv"},
    "meetings_statement": {"pk": lambda cpts: _member_of(cpts).pk},
    "meetings_statement_export": {"pk": lambda cpts: _member_of(cpts).pk, "fmt": lambda cpts: "pdf"},
    # The dialogue de gestion (issue 4).
    "contracts_report": {"year": lambda cpts: _report_contract_of(cpts) and 1},
    "contracts_report_download": {"pk": lambda cpts: _report_of(cpts).pk, "fmt": lambda cpts: "pdf"},
    "/cpts/{cpts_id}/aci/years/{year}/report": {"year": lambda cpts: _report_contract_of(cpts) and 1},
    "/cpts/{cpts_id}/aci/years/{year}/report/versions": {"year": lambda cpts: _report_of(cpts) and 1},
    "/cpts/{cpts_id}/aci/reports/{report_id}": {"report_id": lambda cpts: _report_of(cpts).pk},
    "/cpts/{cpts_id}/aci/reports/{report_id}/decision": {"report_id": lambda cpts: _report_of(cpts).pk},
    "/cpts/{cpts_id}/aci/years/{year}/report/send": {"year": lambda cpts: _report_contract_of(cpts) and 1},
    # The ACI pages and API (issue 4).
    "contracts_indicator_document": {"pk": lambda cpts: _indicator_value_of(cpts).pk},
    "/cpts/{cpts_id}/aci/years/{year}/funding": {"year": lambda cpts: _report_contract_of(cpts) and 1},
    "/cpts/{cpts_id}/aci/indicators/{indicator_id}/values": {
        "indicator_id": lambda cpts: _indicator_value_of(cpts).indicator_id
    },
    "/cpts/{cpts_id}/members/{membership_id}": {"membership_id": lambda cpts: _member_of(cpts).pk},
    "/cpts/{cpts_id}/meetings/{meeting_id}": {
        "meeting_id": lambda cpts: (
            __import__("maillon.meetings.factories").meetings.factories.MeetingFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/time-entries/{entry_id}/validate": {
        "entry_id": lambda cpts: (
            __import__("maillon.meetings.factories").meetings.factories.TimeEntryFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/time-entries/{entry_id}/reject": {
        "entry_id": lambda cpts: (
            __import__("maillon.meetings.factories").meetings.factories.TimeEntryFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/structures/{structure_id}": {"structure_id": lambda cpts: _structure_member_of(cpts).structure_id},
    # The médecin traitant desk (issue 5): a patient, a proposal and a run of the victim CPTS.
    "mt_patient": {"pk": lambda cpts: __import__("maillon.mt.factories").mt.factories.PatientFactory(cpts=cpts).pk},
    "mt_proposal": {
        "pk": lambda cpts: __import__("maillon.mt.factories").mt.factories.ProposalFactory(patient__cpts=cpts).pk
    },
    "mt_run": {"pk": lambda cpts: __import__("maillon.mt.factories").mt.factories.MatchingRunFactory(cpts=cpts).pk},
    "/cpts/{cpts_id}/mt/patients/{patient_id}": {
        "patient_id": lambda cpts: __import__("maillon.mt.factories").mt.factories.PatientFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/mt/proposals/{proposal_id}/transition": {
        "proposal_id": lambda cpts: (
            __import__("maillon.mt.factories").mt.factories.ProposalFactory(patient__cpts=cpts).pk
        )
    },
    # >>> snp-slots: Same-day care slots (issue 6)
    "snp_slot_series": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.SlotSeriesFactory(agenda__cpts=cpts).pk
    },
    "snp_slot_cancel": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.SlotFactory(agenda__cpts=cpts).pk
    },
    "snp_slot_sharing": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.SlotFactory(agenda__cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/slots/{slot_id}/cancel": {
        "slot_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.SlotFactory(agenda__cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/slots/{slot_id}": {
        "slot_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.SlotFactory(agenda__cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/agendas/{agenda_id}": {
        "agenda_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.AgendaFactory(cpts=cpts).pk
    },
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    "snp_request_detail": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "snp_request_search": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "snp_request_book": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "snp_request_send_to_duty": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "snp_request_cancel": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "snp_request_booking_cancel": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.BookingFactory(slot__agenda__cpts=cpts).pk
    },
    "snp_request_outcome": {
        "pk": lambda cpts: __import__("maillon.snp.factories").snp.factories.BookingFactory(slot__agenda__cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/requests/{request_id}": {
        "request_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/requests/{request_id}/cancel": {
        "request_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/requests/{request_id}/slots": {
        "request_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/requests/{request_id}/bookings": {
        "request_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/requests/{request_id}/duty": {
        "request_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.CareRequestFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/bookings/{booking_id}/cancel": {
        "booking_id": lambda cpts: (
            __import__("maillon.snp.factories").snp.factories.BookingFactory(slot__agenda__cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/snp/bookings/{booking_id}/outcome": {
        "booking_id": lambda cpts: (
            __import__("maillon.snp.factories").snp.factories.BookingFactory(slot__agenda__cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/snp/duty-calls/{call_id}/accept": {
        "call_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.DutyCallFactory(request__cpts=cpts).pk
    },
    "/cpts/{cpts_id}/snp/duty-calls/{call_id}/decline": {
        "call_id": lambda cpts: __import__("maillon.snp.factories").snp.factories.DutyCallFactory(request__cpts=cpts).pk
    },
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    # A draft of the victim's plan (named by its year), a section, a professional of it.
    **{
        name: {"year": lambda cpts: __import__("maillon.crisis.factories").crisis.factories.draft_of(cpts).year}
        for name in (
            "crisis_plan_version",
            "crisis_plan_professionals",
            "crisis_plan_diff",
            "crisis_plan_pdf",
            "/cpts/{cpts_id}/crisis/plan/versions/{year}",
            "/cpts/{cpts_id}/crisis/plan/versions/{year}/diff",
            "/cpts/{cpts_id}/crisis/plan/versions/{year}/professionals",
            "/cpts/{cpts_id}/crisis/plan/versions/{year}/submit",
            "/cpts/{cpts_id}/crisis/plan/versions/{year}/decision",
        )
    },
    **{
        name: {
            "year": lambda cpts: __import__("maillon.crisis.factories").crisis.factories.draft_of(cpts).year,
            parameter: lambda cpts: "general",
        }
        for name, parameter in (
            ("crisis_plan_section", "code"),
            ("/cpts/{cpts_id}/crisis/plan/versions/{year}/sections/{section}", "section"),
        )
    },
    "/cpts/{cpts_id}/crisis/plan/versions/{year}/professionals/{row_id}": {
        "year": lambda cpts: (
            __import__("maillon.crisis.factories").crisis.factories.professional_row_of(cpts).version.year
        ),
        "row_id": lambda cpts: __import__("maillon.crisis.factories").crisis.factories.professional_row_of(cpts).pk,
    },
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    "crisis_response_board": {
        "pk": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "crisis_response_board_live": {
        "pk": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "crisis_response_retex": {
        "pk": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/log": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/end": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/recognition": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/retex": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/recipients/{recipient_id}/assignment": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        ),
        "recipient_id": lambda cpts: (
            __import__("maillon.crisis_response.factories")
            .crisis_response.factories.CrisisRecipientFactory(crisis__cpts=cpts)
            .pk
        ),
    },
    "/cpts/{cpts_id}/crises/{crisis_id}/escalation": {
        "crisis_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.CrisisFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/alert-chain/levels/{level_id}/members": {
        "level_id": lambda cpts: (
            __import__("maillon.crisis_response.factories").crisis_response.factories.AlertLevelFactory(cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/alert-chain/preferences/{professional_id}": {
        "professional_id": lambda cpts: _member_of(cpts).professional_id
    },
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    "mt_patient_export": {
        "pk": lambda cpts: __import__("maillon.mt.factories").mt.factories.PatientFactory(cpts=cpts).pk,
        "fmt": lambda cpts: "json",
    },
    "/cpts/{cpts_id}/mt/patients/{patient_id}/export": {
        "patient_id": lambda cpts: __import__("maillon.mt.factories").mt.factories.PatientFactory(cpts=cpts).pk
    },
    "/cpts/{cpts_id}/mt/proposals/{proposal_id}/doctor-answer": {
        "proposal_id": lambda cpts: (
            __import__("maillon.mt.factories").mt.factories.ProposalFactory(patient__cpts=cpts).pk
        )
    },
    # <<< mt
    # >>> pathways: Care pathways (issue 15): a programme, an inclusion and a care team member of the victim.
    "/cpts/{cpts_id}/programmes/{programme_id}": {
        "programme_id": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.ProgrammeFactory(cpts=cpts).pk
        )
    },
    **{
        path: {
            "inclusion_id": lambda cpts: (
                __import__("maillon.pathways.factories").pathways.factories.InclusionFactory(cpts=cpts).pk
            )
        }
        for path in (
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/close",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/move",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/fhir",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/plans",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/hospital-stays",
            "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/timeline",
        )
    },
    # The work of a pathway: a task, a break, a PPCS version and a hospital stay of the victim.
    "/cpts/{cpts_id}/care-tasks/{task_id}/complete": {
        "task_id": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.CareTaskFactory(inclusion__cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/care-breaks/{break_id}/resolve": {
        "break_id": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.CareBreakFactory(inclusion__cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/plans/{plan_id}/pdf": {
        "plan_id": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.CarePlanFactory(inclusion__cpts=cpts).pk
        )
    },
    "/cpts/{cpts_id}/hospital-stays/{stay_id}/discharge": {
        "stay_id": lambda cpts: (
            __import__("maillon.pathways.factories")
            .pathways.factories.HospitalStayFactory(inclusion__cpts=cpts, discharged_on=None)
            .pk
        )
    },
    "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team/{member_id}/end": {
        "inclusion_id": lambda cpts: _team_member_of(cpts).inclusion_id,
        "member_id": lambda cpts: _team_member_of(cpts).pk,
    },
    # The pages (maillon/www/pathways_views/).
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.pathways.factories").pathways.factories.ProgrammeFactory(cpts=cpts).pk
            )
        }
        for name in ("pathways_programme", "pathways_programme_edit")
    },
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.pathways.factories").pathways.factories.InclusionFactory(cpts=cpts).pk
            )
        }
        for name in (
            "pathways_inclusion",
            "pathways_team_add_adherent",
            "pathways_team_add_person",
            "pathways_team_end",
            "pathways_lead_change",
            "pathways_inclusion_close",
            "pathways_inclusion_move",
            "pathways_stay_record",
            "pathways_stay_discharge",
            "pathways_plan_revise",
        )
    },
    "pathways_plan_pdf": {  # an inclusion with its PPCS
        "pk": lambda cpts: (
            __import__("maillon.pathways.factories")
            .pathways.factories.CarePlanFactory(inclusion__cpts=cpts)
            .inclusion_id
        )
    },
    "pathways_task_complete": {
        "pk": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.CareTaskFactory(inclusion__cpts=cpts).pk
        )
    },
    "pathways_break_resolve": {
        "pk": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.CareBreakFactory(inclusion__cpts=cpts).pk
        )
    },
    # <<< pathways
    # >>> prevention-import: a measure of the victim, for its import page and operation (issue 16).
    **{
        name: {
            key: lambda cpts: (
                __import__("maillon.prevention.factories").prevention.factories.MeasureFactory(action__cpts=cpts).pk
            )
        }
        for name, key in (
            ("prevention_measure_import", "pk"),
            ("/cpts/{cpts_id}/prevention/measures/{measure_id}/import", "measure_id"),
        )
    },
    # <<< prevention-import
    # >>> prevention-api: Prevention (issue 16): an action, a measure with a value, a session of the victim.
    **{
        path: {
            "action_id": lambda cpts: (
                __import__("maillon.prevention.factories").prevention.factories.PreventionActionFactory(cpts=cpts).pk
            )
        }
        for path in (
            "/cpts/{cpts_id}/prevention/actions/{action_id}",
            "/cpts/{cpts_id}/prevention/actions/{action_id}/complete",
            "/cpts/{cpts_id}/prevention/actions/{action_id}/cancel",
        )
    },
    **{
        path: {
            "measure_id": lambda cpts: (
                __import__("maillon.prevention.factories")
                .prevention.factories.MeasureValueFactory(measure__action__cpts=cpts, year=2023, scope="territory")
                .measure_id
            ),
            "year": lambda cpts: 2023,
            "scope": lambda cpts: "territory",
        }
        for path in (
            "/cpts/{cpts_id}/prevention/measures/{measure_id}",
            "/cpts/{cpts_id}/prevention/measures/{measure_id}/values",
            "/cpts/{cpts_id}/prevention/measures/{measure_id}/values/{year}/{scope}",
        )
    },
    **{
        path: {
            "session_id": lambda cpts: (
                __import__("maillon.prevention.factories")
                .prevention.factories.PublicSessionFactory(action__cpts=cpts)
                .pk
            )
        }
        for path in (
            "/cpts/{cpts_id}/prevention/sessions/{session_id}",
            "/cpts/{cpts_id}/prevention/sessions/{session_id}/cancel",
            "/cpts/{cpts_id}/prevention/sessions/{session_id}/held",
            "/cpts/{cpts_id}/prevention/sessions/{session_id}/registrations",
        )
    },
    "/cpts/{cpts_id}/prevention/sessions/{session_id}/registrations/{registration_id}/cancel": {
        "session_id": lambda cpts: _registration_of(cpts).session_id,
        "registration_id": lambda cpts: _registration_of(cpts).pk,
    },
    # <<< prevention-api
    # >>> prevention-pages: the coordination's pages (issue 16): an action, a measure, a session,
    # a registration and a material with its first version, of the victim.
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.prevention.factories").prevention.factories.PreventionActionFactory(cpts=cpts).pk
            )
        }
        for name in (
            "prevention_action",
            "prevention_action_edit",
            "prevention_action_complete",
            "prevention_action_cancel",
            "prevention_measure_new",
            "prevention_session_new",
            "prevention_material_new",
        )
    },
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.prevention.factories").prevention.factories.MeasureFactory(action__cpts=cpts).pk
            )
        }
        for name in ("prevention_measure", "prevention_measure_value")
    },
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.prevention.factories")
                .prevention.factories.PublicSessionFactory(action__cpts=cpts)
                .pk
            )
        }
        for name in (
            "prevention_session",
            "prevention_session_edit",
            "prevention_session_cancel",
            "prevention_session_held",
            "prevention_session_attendance",
        )
    },
    "prevention_registration_cancel_by_staff": {"pk": lambda cpts: _registration_of(cpts).pk},
    "prevention_material_version": {
        "pk": lambda cpts: (
            __import__("maillon.prevention.factories").prevention.factories.MaterialFactory(action__cpts=cpts).pk
        )
    },
    "prevention_material_download": {
        "pk": lambda cpts: (
            __import__("maillon.prevention.factories")
            .prevention.factories.MaterialVersionFactory(material__action__cpts=cpts, number=1)
            .material_id
        ),
        "number": lambda cpts: 1,
    },
    # <<< prevention-pages
    # >>> creation: Creating a CPTS (issue 18): a step, a step's document, the grant's payment and
    # spending, a version of the projet de santé with its mission 1 and a fiche-action, of the victim.
    "creation_step_edit": {"number": lambda cpts: 5},
    "/cpts/{cpts_id}/creation/steps/{number}": {"number": lambda cpts: 5},
    **{
        name: {"pk": lambda cpts: _creation_document_of(cpts).pk}
        for name in ("creation_step_document_download", "creation_step_document_delete")
    },
    "creation_grant_payment_paid": {"pk": lambda cpts: _creation_payment_of(cpts).pk},
    "creation_grant_spending_delete": {"pk": lambda cpts: _creation_spending_of(cpts).pk},
    "/cpts/{cpts_id}/creation/grant/payments/{payment_id}/paid": {
        "payment_id": lambda cpts: _creation_payment_of(cpts).pk
    },
    "/cpts/{cpts_id}/creation/grant/spendings/{spending_id}": {
        "spending_id": lambda cpts: _creation_spending_of(cpts).pk
    },
    **{
        name: {"number": _version_number, "mission": _sheet_mission, "pk": _sheet_pk}
        for name in (
            "creation_project_version",
            "creation_project_pdf",
            "creation_project_review",
            "creation_project_section",
            "creation_sheet_new",
            "creation_sheet_edit",
            "creation_sheet_delete",
            "creation_sheet_start",
            "/cpts/{cpts_id}/health-project/versions/{number}",
            "/cpts/{cpts_id}/health-project/versions/{number}/diagnosis",
            "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}",
            "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}/sheets",
            "/cpts/{cpts_id}/health-project/versions/{number}/submit",
            "/cpts/{cpts_id}/health-project/versions/{number}/reviews",
        )
    },
    "/cpts/{cpts_id}/health-project/sheets/{sheet_id}": {"sheet_id": _sheet_pk},
    "/cpts/{cpts_id}/health-project/sheets/{sheet_id}/start": {"sheet_id": _sheet_pk},
    # <<< creation
    # >>> quality: Quality and relevance of care (issue 20): a conference in each state, a decision, a review
    # in each stage, an improvement action, a practice-analysis group and an inclusion of the victim, for
    # every page (maillon/www/quality_views/) and API operation (maillon/api/quality.py) with an id.
    **{
        name: {"pk": _quality_maker(factory, **traits)}
        for names, factory, traits in (
            (("quality_conference", "quality_conference_pdf"), "CaseConferenceFactory", {"held": True}),
            (("quality_conference_schedule", "quality_conference_cancel"), "CaseConferenceFactory", {}),
            (("quality_conference_record",), "CaseConferenceFactory", {"scheduled": True}),
            (("quality_decision_complete", "quality_decision_drop"), "ConferenceDecisionFactory", {}),
            (("quality_review", "quality_review_referent", "quality_review_dismiss"), "IncidentReviewFactory", {}),
            (
                ("quality_review_analysis", "quality_review_action_add", "quality_review_decide"),
                "IncidentReviewFactory",
                {"analysis": True},
            ),
            (("quality_review_close", "quality_review_share"), "IncidentReviewFactory", {"actions": True}),
            (("quality_action_complete", "quality_action_drop"), "ImprovementActionFactory", {}),
            (("quality_group", "quality_group_edit", "quality_group_session_add"), "PracticeGroupFactory", {}),
        )
        for name in names
    },
    **{
        name: {
            "pk": lambda cpts: (
                __import__("maillon.pathways.factories").pathways.factories.InclusionFactory(cpts=cpts).pk
            )
        }
        for name in ("quality_evaluation", "quality_evaluation_pdf")
    },
    **{
        f"/cpts/{{cpts_id}}/quality/{path}": {key: _quality_maker(factory, **traits)}
        for paths, key, factory, traits in (
            (
                ("conferences/{conference_id}", "conferences/{conference_id}/schedule"),
                "conference_id",
                "CaseConferenceFactory",
                {},
            ),
            (
                ("conferences/{conference_id}/record", "conferences/{conference_id}/cancel"),
                "conference_id",
                "CaseConferenceFactory",
                {"scheduled": True},
            ),
            (
                ("decisions/{decision_id}/complete", "decisions/{decision_id}/drop"),
                "decision_id",
                "ConferenceDecisionFactory",
                {},
            ),
            (
                (
                    "incident-reviews/{review_id}",
                    "incident-reviews/{review_id}/referent",
                    "incident-reviews/{review_id}/dismiss",
                ),
                "review_id",
                "IncidentReviewFactory",
                {},
            ),
            (
                (
                    "incident-reviews/{review_id}/analysis",
                    "incident-reviews/{review_id}/actions",
                    "incident-reviews/{review_id}/decide",
                ),
                "review_id",
                "IncidentReviewFactory",
                {"analysis": True},
            ),
            (
                ("incident-reviews/{review_id}/close", "incident-reviews/{review_id}/share"),
                "review_id",
                "IncidentReviewFactory",
                {"actions": True},
            ),
            (
                ("improvement-actions/{action_id}/complete", "improvement-actions/{action_id}/drop"),
                "action_id",
                "ImprovementActionFactory",
                {},
            ),
            (("groups/{group_id}", "groups/{group_id}/sessions"), "group_id", "PracticeGroupFactory", {}),
        )
        for path in paths
    },
    "/cpts/{cpts_id}/quality/inclusions/{inclusion_id}/evaluation": {
        "inclusion_id": lambda cpts: (
            __import__("maillon.pathways.factories").pathways.factories.InclusionFactory(cpts=cpts).pk
        )
    },
    # <<< quality
    # >>> support: mission 6 (issue 21): an object of the victim in the state each page or operation acts on.
    **{
        name: {"pk": _support_maker(factory, **traits)}
        for names, factory, traits in (
            (("supervisor_edit",), "SupervisorFactory", {}),
            (("placement_detail", "placement_cancel", "placement_fill"), "PlacementFactory", {}),
            (("application_accept", "application_decline"), "PlacementApplicationFactory", {}),
            (("housing_detail", "housing_edit", "housing_book"), "HousingFactory", {}),
            (("housing_booking_cancel",), "HousingBookingFactory", {}),
            (
                (
                    "installation_detail",
                    "installation_edit",
                    "installation_settle",
                    "installation_abandon",
                    "welcome_kit",
                    "welcome_kit_pdf",
                ),
                "InstallationProjectFactory",
                {},
            ),
            (("tutoring_end",), "TutoringFactory", {}),
            (("equipment_detail", "equipment_book"), "EquipmentFactory", {}),
            (("equipment_booking_cancel",), "EquipmentBookingFactory", {}),
            (("ad_detail", "ad_edit", "ad_publish", "ad_refuse", "ad_withdraw"), "AdFactory", {}),
            (("ad_fill",), "AdFactory", {"published": True}),
        )
        for name in names
    },
    "installation_step": {"pk": _support_maker("InstallationProjectFactory"), "kind": lambda cpts: "premises"},
    # <<< support
    # >>> support-api: mission 6 in the API (issue 21): an object of the victim for every operation with an id.
    **{
        f"/cpts/{{cpts_id}}/support/{path}": {key: _support_maker(factory, **traits)}
        for paths, key, factory, traits in (
            (("supervisors/{supervisor_id}",), "supervisor_id", "SupervisorFactory", {}),
            (
                ("placements/{placement_id}", "placements/{placement_id}/fill", "placements/{placement_id}/cancel"),
                "placement_id",
                "PlacementFactory",
                {},
            ),
            (
                (
                    "applications/{application_id}",
                    "applications/{application_id}/accept",
                    "applications/{application_id}/decline",
                ),
                "application_id",
                "PlacementApplicationFactory",
                {},
            ),
            (
                ("housing/{housing_id}", "housing/{housing_id}/availability", "housing/{housing_id}/bookings"),
                "housing_id",
                "HousingFactory",
                {},
            ),
            (("housing-bookings/{booking_id}/cancel",), "booking_id", "HousingBookingFactory", {}),
            (
                (
                    "installations/{installation_id}",
                    "installations/{installation_id}/settle",
                    "installations/{installation_id}/abandon",
                ),
                "installation_id",
                "InstallationProjectFactory",
                {},
            ),
            (
                ("ads/{ad_id}", "ads/{ad_id}/publish", "ads/{ad_id}/refuse", "ads/{ad_id}/withdraw"),
                "ad_id",
                "AdFactory",
                {},
            ),
            (("ads/{ad_id}/fill",), "ad_id", "AdFactory", {"published": True}),
            (("tutoring/{tutoring_id}", "tutoring/{tutoring_id}/end"), "tutoring_id", "TutoringFactory", {}),
            (("cross-trainings/{training_id}",), "training_id", "CrossTrainingFactory", {}),
            (
                ("equipment/{equipment_id}", "equipment/{equipment_id}/bookings"),
                "equipment_id",
                "EquipmentFactory",
                {},
            ),
            (("equipment-bookings/{booking_id}/cancel",), "booking_id", "EquipmentBookingFactory", {}),
        )
        for path in paths
    },
    "/cpts/{cpts_id}/support/installations/{installation_id}/steps/{kind}": {
        "installation_id": _support_maker("InstallationProjectFactory"),
        "kind": lambda cpts: "premises",
    },
    # <<< support-api
}

# A valid body for each private write, so the request reaches the tenant check
# (an invalid body is refused before it, with a 422 that says nothing either).
SAMPLE_BODIES = {
    ("PUT", "/cpts/{cpts_id}/territory"): {"communes": []},
    ("POST", "/cpts/{cpts_id}/members"): {
        "first_name": "Claire",
        "last_name": "Martin",
        "profession": "60",
        "rpps": "10100901734",
        "commune": "78646",
    },
    ("PATCH", "/cpts/{cpts_id}/members/{membership_id}"): {"involvement": "mission", "action": "leave"},
    ("POST", "/cpts/{cpts_id}/structures"): {
        "name": "MSP des Tilleuls",
        "kind": "msp",
        "finess": "750712184",
        "commune": "78646",
    },
    ("PATCH", "/cpts/{cpts_id}/structures/{structure_id}"): {"involvement": "mission", "action": "leave"},
    ("POST", "/cpts/{cpts_id}/time-entries"): {"date": "2025-03-04", "hours": "1.5"},
    ("POST", "/cpts/{cpts_id}/time-entries/{entry_id}/reject"): {"reason": "Hors mission"},
    ("POST", "/cpts/{cpts_id}/aci/indicators/{indicator_id}/values"): {"contract_year": 1, "value": "3"},
    ("POST", "/cpts/{cpts_id}/aci/reports/{report_id}/decision"): {"sign_off": True, "comments": ""},
    ("POST", "/cpts/{cpts_id}/mt/proposals/{proposal_id}/transition"): {"status": "accepted", "note": ""},
    ("POST", "/cpts/{cpts_id}/aci/spending"): {
        "contract_year": 1,
        "category": "tools",
        "label": "Logiciel",
        "amount": "10.00",
        "spent_on": "2025-01-02",
    },
    # >>> snp-slots: Same-day care slots (issue 6)
    ("POST", "/cpts/{cpts_id}/snp/slots"): {
        "practice_place_id": 1,
        "start": "2030-01-07T17:00:00",
        "end": "2030-01-07T17:20:00",
    },
    ("POST", "/cpts/{cpts_id}/snp/slot-series"): {
        "practice_place_id": 1,
        "weekdays": [0],
        "start_time": "17:00",
        "duration_minutes": 20,
        "first_date": "2030-01-07",
        "last_date": "2030-01-14",
    },
    ("PATCH", "/cpts/{cpts_id}/snp/slots/{slot_id}"): {"shared_with_sas": True},
    ("PATCH", "/cpts/{cpts_id}/snp/agendas/{agenda_id}"): {"shares_with_sas": True},
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    ("POST", "/cpts/{cpts_id}/snp/requests"): {
        "first_name": "Jeanne",
        "last_name": "Durand",
        "birth_date": "1970-01-02",
        "phone": "0612345678",
        "commune": "78646",
        "reason": "Fièvre",
        "urgency": "24h",
        "profession": "10",
    },
    ("POST", "/cpts/{cpts_id}/snp/requests/{request_id}/bookings"): {"slot_id": 1},
    ("POST", "/cpts/{cpts_id}/snp/bookings/{booking_id}/outcome"): {"outcome": "honoured"},
    ("POST", "/cpts/{cpts_id}/snp/duty-calls/{call_id}/accept"): {"appointment_at": "2030-01-07T10:00:00+01:00"},
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions"): {"year": 2031},
    ("PUT", "/cpts/{cpts_id}/crisis/plan/versions/{year}/sections/{section}"): {"fields": {"referent": "Dr Morel"}},
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions/{year}/professionals"): {
        "professional_id": 1,
        "role": "Renfort",
        "typologies": [1],
    },
    ("POST", "/cpts/{cpts_id}/crisis/plan/versions/{year}/decision"): {"validate_plan": True, "comment": ""},
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    ("POST", "/cpts/{cpts_id}/crises"): {"typology": "sick", "zone": "Tout le territoire"},
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/log"): {"kind": "action", "text": "Point de situation"},
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/retex"): {"improvement_actions": ["Vérifier les numéros"]},
    ("POST", "/cpts/{cpts_id}/crises/{crisis_id}/recipients/{recipient_id}/assignment"): {"assignment": "PMA"},
    ("POST", "/cpts/{cpts_id}/alert-chain/levels"): {"name": "Référents", "wait_minutes": 15},
    ("POST", "/cpts/{cpts_id}/alert-chain/levels/{level_id}/members"): {"professional_id": 1},
    ("PUT", "/cpts/{cpts_id}/alert-chain/preferences/{professional_id}"): {"by_email": True, "by_sms": False},
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    ("POST", "/cpts/{cpts_id}/mt/proposals/{proposal_id}/doctor-answer"): {
        "status": "accepted",
        "note": "Réponse reçue par téléphone",
    },
    # <<< mt
    # >>> pathways: Care pathways (issue 15)
    ("POST", "/cpts/{cpts_id}/programmes"): {"template": "diabetes"},
    ("POST", "/cpts/{cpts_id}/pathway-inclusions"): {
        "programme": 1,
        "lead": 1,
        "birth_name": "Durand",
        "given_names": "Lucie",
        "first_given_name": "Lucie",
        "sex": "F",
        "birth_date": "1988-04-02",
        "consent_on": "2026-01-02",
        "consent_mode": "oral",
    },
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/close"): {"reason": "completed"},
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/care-team"): {
        "name": "Paul Durand",
        "relationship": "family_carer",
    },
    ("POST", "/cpts/{cpts_id}/care-tasks/{task_id}/complete"): {"outcome": "Visite faite"},
    ("POST", "/cpts/{cpts_id}/care-breaks/{break_id}/resolve"): {"resolution": "Infirmière ajoutée"},
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/plans"): {"next_review_on": "2099-01-01"},
    ("POST", "/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/hospital-stays"): {"admitted_on": "2026-01-02"},
    ("POST", "/cpts/{cpts_id}/hospital-stays/{stay_id}/discharge"): {"discharged_on": "2026-01-02"},
    # <<< pathways
    # >>> prevention-api: Prevention (issue 16)
    ("POST", "/cpts/{cpts_id}/prevention/actions"): {
        "title": "Dépistage du cancer colorectal",
        "theme": "colorectal_screening",
        "starts_on": "2026-01-02",
    },
    ("POST", "/cpts/{cpts_id}/prevention/measures"): {
        "action": 1,
        "kind": "colorectal_screening",
        "baseline_value": "32.50",
        "baseline_source": "rezone",
        "baseline_on": "2025-12-31",
    },
    ("PUT", "/cpts/{cpts_id}/prevention/measures/{measure_id}/values/{year}/{scope}"): {
        "value": "34.10",
        "source": "rezone",
    },
    ("POST", "/cpts/{cpts_id}/prevention/sessions"): {
        "action": 1,
        "kind": "workshop",
        "title": "Atelier",
        "starts_at": "2030-01-07T10:00:00+01:00",
        "ends_at": "2030-01-07T12:00:00+01:00",
    },
    # <<< prevention-api
    # >>> discussions-api: Discussion spaces (issue 17)
    ("POST", "/cpts/{cpts_id}/discussions/spaces"): {"name": "Groupe de travail"},
    # <<< discussions-api
    # >>> creation-api: Creating a CPTS (issue 18)
    ("PUT", "/cpts/{cpts_id}/creation/steps/{number}"): {"done_on": "2025-01-02", "note": "Statuts déposés"},
    ("PUT", "/cpts/{cpts_id}/creation/grant"): {"amount": "15000.00", "decided_on": "2025-01-02", "payments": []},
    ("POST", "/cpts/{cpts_id}/creation/grant/payments/{payment_id}/paid"): {"paid_on": "2025-01-02"},
    ("POST", "/cpts/{cpts_id}/creation/grant/spendings"): {
        "spent_on": "2025-01-02",
        "category": "meetings",
        "label": "Réunion de lancement",
        "amount": "10.00",
    },
    ("PUT", "/cpts/{cpts_id}/health-project/versions/{number}/diagnosis"): {"diagnosis": "Diagnostic", "missions": []},
    ("PUT", "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}"): {"diagnosis": "Diagnostic"},
    **{
        key: {
            "title": "Fiche-action",
            "need": "Besoin",
            "objective": "Objectif",
            "target_population": "Patients",
            "actions": "Actions",
            "owner": "Dr Martin",
            "calendar": "2026",
        }
        for key in (
            ("POST", "/cpts/{cpts_id}/health-project/versions/{number}/missions/{mission}/sheets"),
            ("PUT", "/cpts/{cpts_id}/health-project/sheets/{sheet_id}"),
        )
    },
    ("POST", "/cpts/{cpts_id}/health-project/versions/{number}/reviews"): {"decision": "validated", "comments": ""},
    ("POST", "/cpts/{cpts_id}/health-project/sheets/{sheet_id}/start"): {"kind": "access_request"},
    # <<< creation-api
    # >>> quality-api: Quality and relevance of care (issue 20)
    ("POST", "/cpts/{cpts_id}/quality/conferences"): {
        "context": "Femme de 82 ans, vit seule, trois chutes en six mois.",
        "question": "Faut-il adapter le logement ?",
    },
    ("POST", "/cpts/{cpts_id}/quality/conferences/{conference_id}/schedule"): {
        "slots": [{"starts_at": "2030-01-07T18:00:00+01:00", "ends_at": "2030-01-07T19:30:00+01:00"}],
        "memberships": [1],
    },
    ("POST", "/cpts/{cpts_id}/quality/conferences/{conference_id}/record"): {
        "conclusions": "Renforcer le passage infirmier.",
        "held_on": "2026-01-02",
    },
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews"): {
        "title": "Sortie sans transmission",
        "category": "care_break",
        "occurred_on": "2026-01-02",
        "description": "Le compte rendu est arrivé dix jours après la sortie.",
    },
    ("POST", "/cpts/{cpts_id}/quality/incident-reviews/{review_id}/actions"): {
        "description": "Circuit de sortie",
        "owner": 1,
        "due_on": "2099-01-01",
    },
    ("POST", "/cpts/{cpts_id}/quality/groups"): {"name": "Groupe d'analyse des pratiques", "themes": ["Chutes"]},
    ("POST", "/cpts/{cpts_id}/quality/groups/{group_id}/sessions"): {
        "theme": "Chutes à domicile",
        "slots": [{"starts_at": "2030-01-07T18:00:00+01:00", "ends_at": "2030-01-07T19:30:00+01:00"}],
    },
    # <<< quality-api
    # >>> support-api: mission 6 in the API (issue 21)
    ("POST", "/cpts/{cpts_id}/support/supervisors"): {"membership": 1, "levels": ["intern"]},
    ("POST", "/cpts/{cpts_id}/support/placements"): {
        "supervisor": 1,
        "level": "intern",
        "starts_on": "2030-05-02",
        "ends_on": "2030-10-31",
    },
    ("POST", "/cpts/{cpts_id}/support/placements/{placement_id}/fill"): {"trainee_name": "Léa Roux"},
    ("POST", "/cpts/{cpts_id}/support/housing"): {"name": "Studio des internes", "commune": "78646"},
    ("POST", "/cpts/{cpts_id}/support/housing/{housing_id}/bookings"): {
        "arrives_on": "2030-05-02",
        "leaves_on": "2030-06-02",
        "occupant_name": "Léa Roux",
    },
    ("POST", "/cpts/{cpts_id}/support/installations"): {
        "first_name": "Camille",
        "last_name": "Durand",
        "profession": "10",
    },
    ("POST", "/cpts/{cpts_id}/support/ads"): {
        "kind": "replacement",
        "title": "Remplacements",
        "description": "Deux jours par semaine.",
        "profession": "10",
        "commune": "78646",
        "contact_name": "Dr Martin",
        "contact_email": "martin@example.org",
        "expires_on": "2030-01-01",
    },
    ("POST", "/cpts/{cpts_id}/support/tutoring"): {"tutor": 1, "tutee_name": "Léa Roux", "topic": "Installation"},
    ("POST", "/cpts/{cpts_id}/support/cross-trainings"): {
        "title": "Les dispositifs d'inhalation",
        "trainer": 1,
        "audience": ["60"],
        "slots": [{"starts_at": "2030-01-07T18:00:00+01:00", "ends_at": "2030-01-07T19:30:00+01:00"}],
    },
    ("POST", "/cpts/{cpts_id}/support/equipment"): {"name": "ECG portable", "kind": "ecg"},
    ("POST", "/cpts/{cpts_id}/support/equipment/{equipment_id}/bookings"): {
        "starts_at": "2030-01-07T09:00:00+01:00",
        "ends_at": "2030-01-07T12:00:00+01:00",
    },
    # <<< support-api
}

ROLES = ["coordinator_elsewhere", "member_elsewhere", "observer", "authority", "sas_regulator", "no_role"]


def make_user(role, other_cpts):
    user = UserFactory(with_totp=True)
    if role == "coordinator_elsewhere":
        CptsRoleFactory(user=user, cpts=other_cpts, coordinator=True)
    elif role == "member_elsewhere":
        CptsRoleFactory(user=user, cpts=other_cpts)
    elif role in {"observer", "authority", "sas_regulator"}:
        # Over a département where the CPTS under test has no commune: the observers and
        # authorities of its own territory read its ACI (tests/contracts/test_pages_access.py).
        TerritoryRoleFactory(user=user, role=role, departement=DepartementFactory(code="75", name="Paris"))
    return user


def private_cpts_routes():
    return [r for r in site_routes() if "cpts_slug" in r.converters and r.name not in PUBLIC_CPTS_ROUTES]


def private_api_cpts_operations():
    """Private operations on one CPTS: (method, path with {cpts_id})."""
    return sorted(
        (method, path)
        for method, path, operation in api_operations()
        if "{cpts_id}" in path and operation.auth_param is not None
    )


def api_objects(path, cpts):
    """{parameter: value} for the parameters of `path` other than the CPTS: real objects of `cpts`."""
    parameters = [name for name in re.findall(r"{(\w+)}", path) if name != "cpts_id"]
    makers = ROUTE_OBJECTS.get(path, {})
    for name in parameters:
        assert name in makers, f"Add {path}:{name} to ROUTE_OBJECTS in {__name__}"
    return {name: makers[name](cpts) for name in parameters}


def api_url(path, cpts_id, objects=None):
    path = path.replace("{cpts_id}", str(cpts_id))
    for name, value in (objects or {}).items():
        path = path.replace("{" + name + "}", str(value))
    return "/api/v1" + path


def url_for(route, cpts):
    kwargs = {}
    for name in route.converters:
        if name in {"cpts_slug", "cpts_id"}:
            kwargs[name] = cpts.slug if name == "cpts_slug" else cpts.pk
        else:
            makers = ROUTE_OBJECTS.get(route.name, {})
            assert name in makers, f"Add {route.name}:{name} to ROUTE_OBJECTS in {__name__}"
            kwargs[name] = makers[name](cpts)
    return reverse(route.qualified_name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_of_another_cpts_answer_404_like_a_missing_one(cpts, other_cpts, role):
    client = verified_client(make_user(role, other_cpts))
    routes = private_cpts_routes()
    assert routes, "the suite must cover the CPTS pages"
    for route in routes:
        url = url_for(route, cpts)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{method.upper()} {url} as {role}: {response.status_code}"
            assert cpts.name not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_of_another_cpts_answers_404_like_a_missing_one(client, cpts, other_cpts, role):
    _, plain = ApiToken.issue(make_user(role, other_cpts), "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    operations = private_api_cpts_operations()
    assert operations, "the suite must cover the CPTS API"
    for method, path in operations:
        body = json.dumps(SAMPLE_BODIES.get((method, path), {}))
        objects = api_objects(path, cpts)
        url, missing = api_url(path, cpts.pk, objects), api_url(path, cpts.pk + 1000, objects)
        response = client.generic(method, url, body, content_type="application/json", **headers)
        absent = client.generic(method, missing, body, content_type="application/json", **headers)
        assert response.status_code == 404, f"{method} {path} as {role}: {response.status_code}"
        assert response.json() == absent.json()
    assert TerritoryCommune.objects.for_cpts(cpts).current().count() == 1
    # Nothing written: no member added, none gone.
    assert not Professional.objects.filter(rpps="10100901734").exists()
    assert not Structure.objects.filter(finess="750712184").exists()
    assert not Membership.objects.exclude(status="active").exists()


# A CPTS's pages that are not its coordinators' to open: the decisions of its authorities.
NOT_THE_COORDINATORS = {
    "creation_grant_record": "the ARS's decision on the start-up grant (an ARS authority)",
    "creation_project_review": "the ARS's or the Assurance Maladie's decision on the projet de santé",
}


@pytest.mark.django_db
def test_the_coordinator_reaches_their_own_cpts_pages(cpts, coordinator):
    client = verified_client(coordinator)
    for route in private_cpts_routes():
        response = client.get(url_for(route, cpts))
        expected = {403} if route.name in NOT_THE_COORDINATORS else {200, 405}
        assert response.status_code in expected, f"{route.name}: {response.status_code}"
