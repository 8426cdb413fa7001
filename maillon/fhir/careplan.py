"""The FHIR R4 export of an inclusion in a care pathway: a `collection` Bundle built with the
`fhir.resources` R4B models, to hand the patient's file to a regional e-parcours tool.

    Patient ← CarePlan ─careTeam→ CareTeam ─participant.member→ PractitionerRole (an adherent)
                                                               RelatedPerson (someone outside)

Every entry's `fullUrl` is a `urn:uuid:` and every reference inside the Bundle uses it. The
uuids are stable (uuid5 of the site and our keys), so two exports name the same thing the
same way, and the resource `id` is the same uuid. The CareTeam carries the ANS « Cercle de
soins » profile (`ans.fhir.fr.cds`); the Patient carries its INS-NIR only for a qualified
identity (RNIV). The CarePlan's activities are the actions of the current PPCS version (its
category says PPCS); until a PPCS exists, the programme's steps planned from the inclusion
date. docs/fhir.md maps every element to its field.

Expects the inclusion with `programme` and `lead`, `programme.steps`, `care_team` (with
`membership__professional`) and its current PPCS with its actions loaded or prefetched: see
`inclusion_for_export`.
"""

import datetime
import uuid

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.careteam import CareTeam, CareTeamParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.timing import Timing, TimingRepeat

from maillon.pathways import care
from maillon.pathways.models import Anchor, CareTeamMember, Inclusion, InclusionStatus

from .bundle import practitioner_identifier

# The CareTeam profile of the ANS guide « Cercle de soins » (ans.fhir.fr.cds), as its own
# example CareTeam declares it (docs/fhir.md says where it was read).
CDS_CARETEAM_PROFILE = "https://interop.esante.gouv.fr/ig/fhir/cds/StructureDefinition/cds-ihe-careteam"
# The INS-NIR of a qualified identity (DOMAIN.md §7; FR Core, identifier slice INS-NIR).
INS_NIR_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"
FR_CORE_ID_TYPE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
# The professions of the national nomenclature (G15), the code a Professional carries.
PROFESSION_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"

GENDERS = {"F": "female", "M": "male", "I": "unknown"}
CARE_PLAN_STATUS = {InclusionStatus.ACTIVE: "active", InclusionStatus.CLOSED: "completed"}
CARE_TEAM_STATUS = {InclusionStatus.ACTIVE: "active", InclusionStatus.CLOSED: "inactive"}
# A programme's step or a PPCS action says nothing of its own progress: planned while the
# inclusion is open, unknown once it is closed.
ACTIVITY_STATUS = {InclusionStatus.ACTIVE: "not-started", InclusionStatus.CLOSED: "unknown"}
# The PPCS (HAS) as the CarePlan's category, and the nature of its actions (soins, prévention,
# accompagnement social): Maillon's own code systems, no national one names them.
PPCS_CATEGORY = ("ppcs", "Plan personnalisé de coordination en santé (PPCS)")


def inclusion_for_export(inclusions, pk):
    """The inclusion `pk` of `inclusions` (a queryset the caller may see) with what the Bundle
    reads, in a fixed number of queries; None when it is not there."""
    team = CareTeamMember.objects.select_related("membership__professional", "membership__structure").order_by(
        "starts_on", "pk"
    )
    found = (
        inclusions.filter(pk=pk)
        .select_related("programme", "lead__professional")
        .prefetch_related("programme__steps", Prefetch("care_team", queryset=team))
        .first()
    )
    if found is not None:
        found.export_plan = care.current_plan(found)
        if found.export_plan is not None:
            found.export_plan.export_actions = list(found.export_plan.actions.all())
    return found


def plan_of(inclusion):
    """The current PPCS version (with `export_actions`), as `inclusion_for_export` loaded it."""
    if not hasattr(inclusion, "export_plan"):
        inclusion.export_plan = care.current_plan(inclusion)
    plan = inclusion.export_plan
    if plan is not None and not hasattr(plan, "export_actions"):
        plan.export_actions = list(plan.actions.all())
    return plan


def site() -> str:
    return settings.SITE_URL.rstrip("/")


def urn(kind: str, pk) -> str:
    """A stable `urn:uuid:` for our object `kind` number `pk` on this site."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site()}/parcours/{kind}/{pk}')}"


def ref(resource_type: str, full_url: str, display: str | None = None) -> Reference:
    return Reference(reference=full_url, type=resource_type, display=display)


def concept(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


def period(start, end=None) -> Period:
    return Period(start=start, end=end)


# --- Patient -------------------------------------------------------------------------------


def build_patient(inclusion: Inclusion, full_url: str) -> Patient:
    identifiers = None
    if inclusion.qualified:
        identifiers = [
            Identifier(
                use="official",
                type=concept(FR_CORE_ID_TYPE, "INS-NIR", "NIR définitif"),
                system=INS_NIR_SYSTEM,
                value=inclusion.ins_number,
            )
        ]
    names = [HumanName(use="official", family=inclusion.birth_name, given=inclusion.given_names.split())]
    if inclusion.used_name:
        names.append(HumanName(use="usual", family=inclusion.used_name, given=[inclusion.first_given_name]))
    telecom = [ContactPoint(system="phone", value=inclusion.phone)] if inclusion.phone else []
    if inclusion.email:
        telecom.append(ContactPoint(system="email", value=inclusion.email))
    return Patient(
        id=full_url.removeprefix("urn:uuid:"),
        identifier=identifiers,
        name=names,
        gender=GENDERS.get(inclusion.sex, "unknown"),
        birthDate=inclusion.birth_date,
        telecom=telecom or None,
    )


# --- CarePlan ------------------------------------------------------------------------------


def planned_activities(inclusion: Inclusion) -> list[CarePlanActivity]:
    """One planned activity per step of the inclusion's programme version: a date for a step
    after the inclusion or after the previous one (counted from its planned date), a timing
    for a recurring step."""
    status = ACTIVITY_STATUS[inclusion.status]
    activities, previous = [], inclusion.included_on
    for step in inclusion.programme.steps.all():
        start = (previous if step.anchor == Anchor.PREVIOUS else inclusion.included_on) + datetime.timedelta(
            days=step.offset_days
        )
        detail = {"status": status, "description": f"{step.title} ({step.who})"}
        if step.anchor == Anchor.RECURRING:
            detail["scheduledTiming"] = Timing(
                repeat=TimingRepeat(
                    boundsPeriod=period(start, inclusion.closed_on),
                    frequency=1,
                    period=step.offset_days,
                    periodUnit="d",
                )
            )
        else:
            detail["scheduledPeriod"] = period(start, start + datetime.timedelta(days=step.tolerance_days))
        if step.profession:
            detail["code"] = concept(PROFESSION_SYSTEM, step.profession, step.get_profession_display())
        activities.append(CarePlanActivity(detail=CarePlanActivityDetail(**detail)))
        previous = start
    return activities


def performers_of(members: list) -> dict[str, Reference]:
    """{a name or role in lower case: a reference to that member of the care team}: a PPCS
    action's owner is free text, a member when it says their name (first) or their role."""
    by_role, by_name = {}, {}
    for member in members:
        resource_type, full_url = member_url(member)
        name = str(member.membership.member) if member.is_adherent else member.name
        by_name.setdefault(name.strip().lower(), ref(resource_type, full_url, name))
        if member.role:
            by_role.setdefault(member.role.strip().lower(), ref(resource_type, full_url, name))
    return by_role | by_name


def ppcs_activities(inclusion: Inclusion, plan, performers: dict) -> list[CarePlanActivity]:
    """One activity per action of the PPCS version: its nature, what, who (a reference to the
    care team member it names, else its text), for when."""
    activities = []
    for action in plan.export_actions:
        detail = {
            "kind": "Task",
            "status": ACTIVITY_STATUS[inclusion.status],
            "description": action.description,
            "code": CodeableConcept(
                coding=[
                    Coding(system=f"{site()}/fhir/ppcs-nature", code=action.kind, display=action.get_kind_display())
                ],
                text=action.get_kind_display(),
            ),
            "performer": [performers.get(action.owner.strip().lower()) or Reference(display=action.owner)],
        }
        if action.due_on:
            detail["scheduledPeriod"] = period(timezone.localdate(plan.written_at), action.due_on)
        else:
            detail["scheduledString"] = f"Sans échéance, jusqu'à la réévaluation du {plan.next_review_on:%d/%m/%Y}"
        activities.append(CarePlanActivity(detail=CarePlanActivityDetail(**detail)))
    return activities


def build_care_plan(inclusion: Inclusion, urls: dict, members: list) -> CarePlan:
    programme = inclusion.programme
    plan = plan_of(inclusion)
    fields = {}
    if plan is None:
        activities = planned_activities(inclusion)
    else:
        activities = ppcs_activities(inclusion, plan, performers_of(members))
        code, display = PPCS_CATEGORY
        fields = {
            "category": [concept(f"{site()}/fhir/categorie-plan", code, display)],
            "created": plan.written_at,
            "note": [
                Annotation(
                    text=f"PPCS version {plan.version} ; prochaine réévaluation le {plan.next_review_on:%d/%m/%Y}."
                )
            ],
        }
    return CarePlan(
        id=urls["CarePlan"].removeprefix("urn:uuid:"),
        identifier=[Identifier(system=f"{site()}/fhir/parcours/inclusion", value=str(inclusion.pk))],
        status=CARE_PLAN_STATUS[inclusion.status],
        intent="plan",
        title=f"{programme.name} (version {programme.version})",
        description=programme.description or None,
        subject=ref("Patient", urls["Patient"]),
        period=period(inclusion.included_on, inclusion.closed_on),
        careTeam=[ref("CareTeam", urls["CareTeam"])],
        activity=activities or None,
        **fields,
    )


# --- CareTeam and its members --------------------------------------------------------------


def build_practitioner_role(membership, full_url: str) -> PractitionerRole:
    professional = membership.professional
    if professional is None:  # a structure of the CPTS in the team: its name only
        return PractitionerRole(
            id=full_url.removeprefix("urn:uuid:"), active=True, organization=Reference(display=str(membership.member))
        )
    return PractitionerRole(
        id=full_url.removeprefix("urn:uuid:"),
        active=True,
        practitioner=Reference(identifier=practitioner_identifier(professional), display=str(professional)),
        code=[concept(PROFESSION_SYSTEM, professional.profession, professional.get_profession_display())],
    )


def contact_point(contact: str) -> list[ContactPoint] | None:
    if not contact:
        return None
    return [ContactPoint(system="email" if "@" in contact else "phone", value=contact)]


def build_related_person(member: CareTeamMember, full_url: str, patient_url: str) -> RelatedPerson:
    return RelatedPerson(
        id=full_url.removeprefix("urn:uuid:"),
        patient=ref("Patient", patient_url),
        relationship=[CodeableConcept(text=member.get_relationship_display())] if member.relationship else None,
        name=[HumanName(text=member.name)],
        telecom=contact_point(member.contact),
    )


def member_url(member: CareTeamMember) -> tuple[str, str]:
    """(resource type, fullUrl) of a care team member: one PractitionerRole per adhesion (a
    member who left and came back is one resource, two participants), one RelatedPerson per
    person outside the CPTS."""
    if member.is_adherent:
        return "PractitionerRole", urn("adhesion", member.membership_id)
    return "RelatedPerson", urn("personne", member.pk)


def build_care_team(inclusion: Inclusion, urls: dict, members: list) -> CareTeam:
    participants = []
    for member in members:
        resource_type, full_url = member_url(member)
        participants.append(
            CareTeamParticipant(
                role=[CodeableConcept(text=member.role)] if member.role else None,
                member=ref(resource_type, full_url),
                period=period(member.starts_on, member.ends_on),
            )
        )
    return CareTeam(
        id=urls["CareTeam"].removeprefix("urn:uuid:"),
        meta=Meta(profile=[CDS_CARETEAM_PROFILE]),
        identifier=[Identifier(system=f"{site()}/fhir/cercle-de-soins", value=str(inclusion.pk))],
        status=CARE_TEAM_STATUS[inclusion.status],
        name="Cercle de soins",
        subject=ref("Patient", urls["Patient"]),
        period=period(inclusion.included_on, inclusion.closed_on),
        participant=participants or None,
    )


# --- The Bundle ----------------------------------------------------------------------------


def build_inclusion_bundle(inclusion: Inclusion) -> Bundle:
    urls = {
        "Patient": urn("patient", inclusion.pk),
        "CarePlan": urn("plan", inclusion.pk),
        "CareTeam": urn("cercle", inclusion.pk),
    }
    members = list(inclusion.care_team.all())
    resources = [
        (urls["Patient"], build_patient(inclusion, urls["Patient"])),
        (urls["CarePlan"], build_care_plan(inclusion, urls, members)),
        (urls["CareTeam"], build_care_team(inclusion, urls, members)),
    ]
    seen = set()
    for member in members:
        resource_type, full_url = member_url(member)
        if full_url in seen:
            continue
        seen.add(full_url)
        if resource_type == "PractitionerRole":
            resources.append((full_url, build_practitioner_role(member.membership, full_url)))
        else:
            resources.append((full_url, build_related_person(member, full_url, urls["Patient"])))
    return Bundle(
        id=str(uuid.uuid4()),
        type="collection",
        timestamp=timezone.now(),
        entry=[BundleEntry(fullUrl=full_url, resource=resource) for full_url, resource in resources],
    )
