"""The searchset Bundle of the SAS's CPTS slot search, built with the `fhir.resources` R4B models.

Each resource carries the `meta.profile` of the guide (ANS, SAS IG 1.2.0) and stable ids
made from our keys (`slot-<pk>`, `schedule-<agenda pk>`, …), so two searches name the same
thing the same way. The graph follows the guide's `example-bundle-cpts1.json`:

    Slot ─schedule→ Schedule ─actor→ Practitioner, PractitionerRole (contains its Location)
    Slot ─serviceType extension→ HealthcareService ─providedBy→ Organization (the CPTS, FINESS)

docs/fhir.md maps every element to the model field it comes from.
"""

import uuid
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.address import Address
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot as FhirSlot

from maillon.snp.models import Audience, Slot

# --- The guide's profiles (inconsistency 3 of the reference README: the bundle profile's
# Organization slice, not the spec page's « sas-sos » one). ---
SAS_IG = "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition"
SAS_OLD = "http://sas.fr/fhir/StructureDefinition"
PROFILES = {
    "Bundle": f"{SAS_IG}/sas-cpts-bundle-aggregator",
    "Slot": f"{SAS_IG}/sas-cpts-slot-aggregator",
    "Schedule": f"{SAS_OLD}/FrScheduleAgregateur",
    "Practitioner": f"{SAS_OLD}/FrPractitionerAgregateur",
    "PractitionerRole": f"{SAS_OLD}/FrPractitionerRoleExerciceAgregateur",
    "Location": f"{SAS_OLD}/FrLocationAgregateur",
    "HealthcareService": f"{SAS_IG}/sas-cpts-healthcareservice-aggregator",
    "Organization": f"{SAS_IG}/sas-cpts-organization-aggregator",
}

# --- Code systems and identifier systems. ---
SLOT_TYPE_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# Inconsistency 2: the value set's URL, not the spec page's.
ESTABLISHMENT_CATEGORY_SYSTEM = (
    "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
)
CPTS_CATEGORY = "604"
SPECIALTY_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
APPOINTMENT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0276"
SERVICE_TYPE_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
IDNST_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
PRACTITIONER_ID_TYPE = ("http://interopsante.org/fhir/CodeSystem/fr-v2-0203", "IDNPS")
PRACTICE_ORG_ID_TYPE = ("http://interopsante.org/fhir/CodeSystem/fr-v2-0203", "IDNST")
# Inconsistency 1: the CPTS Organization profile's pattern, not the spec page's system.
CPTS_ORG_ID_TYPE = ("https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "IDNST")
LOCATION_ID_TYPE = ("http://interopsante.org/fhir/CodeSystem/fr-location-identifier-type", "INTRN")
# National-identifier prefixes (guide FAQ): 8 RPPS, 0 ADELI; 1 FINESS, 3 SIRET.
RPPS_PREFIX, ADELI_PREFIX, FINESS_PREFIX, SIRET_PREFIX = "8", "0", "1", "3"


def slot_ids(slot: Slot) -> dict[str, str]:
    place = slot.agenda.practice_place
    return {
        "Slot": f"slot-{slot.pk}",
        "Schedule": f"schedule-{slot.agenda_id}",
        "Practitioner": f"practitioner-{slot.professional_id}",
        "PractitionerRole": f"practitionerrole-{place.pk}",
        "Location": f"location-{place.pk}",
        "HealthcareService": f"healthcareservice-{slot.cpts_id}",
        "Organization": f"organization-{slot.cpts_id}",
    }


def meta(resource_type: str, **extra) -> Meta:
    return Meta(profile=[PROFILES[resource_type]], **extra)


def reference(resource_type: str, resource_id: str) -> Reference:
    return Reference(reference=f"{resource_type}/{resource_id}")


def concept(system: str, code: str) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code)])


def identifier(id_type: tuple[str, str], system: str, value: str) -> Identifier:
    return Identifier(type=concept(*id_type), system=system, value=value)


def phone(value: str) -> list[ContactPoint] | None:
    """+33XXXXXXXXX, the format the guide's FAQ asks for; nothing when it cannot be read."""
    try:
        number = phonenumbers.parse(value or "", "FR")
    except phonenumbers.NumberParseException:
        return None
    return [ContactPoint(system="phone", value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))]


def slot_types(audience: str) -> list[Coding]:
    """TRE_R314 codes in `meta.security`: the audience the member chose, plus CPTS when that
    audience includes the CPTS (PUBLIC, PRO); an SNP slot is for the regulation only (docs/fhir.md)."""
    codes = [audience, Audience.CPTS] if audience in (Audience.PUBLIC, Audience.PRO) else [audience]
    return [Coding(system=SLOT_TYPE_SYSTEM, code=str(code)) for code in codes]


def slot_specialty(slot: Slot) -> list[CodeableConcept] | None:
    if not slot.specialty:
        return None
    if slot.specialty == "SM54":  # the only TRE_R38 code of our list
        return [concept(SPECIALTY_SYSTEM, slot.specialty)]
    return [CodeableConcept(text=slot.get_specialty_display())]


def build_slot(slot: Slot, ids: dict[str, str]) -> FhirSlot:
    cpts_service = CodeableConcept(
        coding=[Coding(system=ESTABLISHMENT_CATEGORY_SYSTEM, code=CPTS_CATEGORY)],
        extension=[
            Extension(
                url=SERVICE_TYPE_EXTENSION, valueReference=reference("HealthcareService", ids["HealthcareService"])
            )
        ],
    )
    return FhirSlot(
        id=ids["Slot"],
        meta=meta("Slot", security=slot_types(slot.audience)),
        # At the practice place (AMB): the model has no home visit or teleconsultation yet.
        serviceType=[concept(ACT_CODE_SYSTEM, "AMB"), cpts_service],
        specialty=slot_specialty(slot),
        appointmentType=concept(APPOINTMENT_REASON_SYSTEM, "ROUTINE"),
        schedule=reference("Schedule", ids["Schedule"]),
        status="free",
        start=timezone.localtime(slot.start),
        end=timezone.localtime(slot.end),
    )


def build_schedule(ids: dict[str, str]) -> Schedule:
    return Schedule(
        id=ids["Schedule"],
        meta=meta("Schedule"),
        actor=[reference("Practitioner", ids["Practitioner"]), reference("PractitionerRole", ids["PractitionerRole"])],
    )


def practitioner_identifier(professional) -> Identifier:
    value = RPPS_PREFIX + professional.rpps if professional.rpps else ADELI_PREFIX + professional.adeli
    return identifier(PRACTITIONER_ID_TYPE, IDNPS_SYSTEM, value)


def build_practitioner(professional, ids: dict[str, str]) -> Practitioner:
    return Practitioner(
        id=ids["Practitioner"],
        meta=meta("Practitioner"),
        identifier=[practitioner_identifier(professional)],
        name=[HumanName(family=professional.last_name, given=[professional.first_name])],
    )


def postal_code(commune) -> str | None:
    codes = sorted(code.code for code in commune.postal_codes.all())
    return codes[0] if codes else None


def location_system() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/fhir/lieu-exercice"


def build_location(place, ids: dict[str, str]) -> Location:
    return Location(
        id=ids["Location"],
        meta=meta("Location"),
        identifier=[identifier(LOCATION_ID_TYPE, location_system(), str(place.pk))],
        address=Address(line=[place.address], city=place.commune.name, postalCode=postal_code(place.commune)),
    )


def practice_organization(place) -> Reference | None:
    """The practice's structure by its national id: FINESS first, else SIRET (guide FAQ)."""
    structure = place.structure
    if structure is None:
        return None
    if structure.finess:
        value = FINESS_PREFIX + structure.finess
    elif structure.siret:
        value = SIRET_PREFIX + structure.siret
    else:
        return None
    return Reference(identifier=identifier(PRACTICE_ORG_ID_TYPE, IDNST_SYSTEM, value))


def build_practitioner_role(place, ids: dict[str, str]) -> PractitionerRole:
    return PractitionerRole(
        id=ids["PractitionerRole"],
        meta=meta("PractitionerRole"),
        contained=[build_location(place, ids)],
        practitioner=reference("Practitioner", ids["Practitioner"]),
        organization=practice_organization(place),
        location=[Reference(reference=f"#{ids['Location']}")],
        # The practice's phone only: the professional's own number is private.
        telecom=phone(place.phone),
    )


def build_healthcare_service(ids: dict[str, str]) -> HealthcareService:
    return HealthcareService(
        id=ids["HealthcareService"],
        meta=meta("HealthcareService"),
        providedBy=reference("Organization", ids["Organization"]),
    )


def build_organization(cpts, ids: dict[str, str]) -> Organization:
    return Organization(
        id=ids["Organization"],
        meta=meta("Organization"),
        identifier=[identifier(CPTS_ORG_ID_TYPE, IDNST_SYSTEM, FINESS_PREFIX + cpts.finess)],
        name=cpts.name,
        telecom=phone(cpts.phone),
    )


INCLUDED = ("Schedule", "Practitioner", "PractitionerRole", "HealthcareService", "Organization")


@dataclass
class Entries:
    """Match entries first, then each included resource once, in the example's order."""

    matches: list = field(default_factory=list)
    included: dict[str, dict[str, object]] = field(default_factory=lambda: {name: {} for name in INCLUDED})

    def include(self, resource_type: str, resource_id: str, build):
        bucket = self.included[resource_type]
        if resource_id not in bucket:
            bucket[resource_id] = build()

    def add(self, slot: Slot) -> None:
        ids = slot_ids(slot)
        place = slot.agenda.practice_place
        self.matches.append(build_slot(slot, ids))
        self.include("Schedule", ids["Schedule"], lambda: build_schedule(ids))
        self.include("Practitioner", ids["Practitioner"], lambda: build_practitioner(slot.professional, ids))
        self.include("PractitionerRole", ids["PractitionerRole"], lambda: build_practitioner_role(place, ids))
        self.include("HealthcareService", ids["HealthcareService"], lambda: build_healthcare_service(ids))
        self.include("Organization", ids["Organization"], lambda: build_organization(slot.cpts, ids))


def entry(resource, base: str, mode: str) -> BundleEntry:
    return BundleEntry(
        fullUrl=f"{base}/{resource.get_resource_type()}/{resource.id}",
        resource=resource,
        search=BundleEntrySearch(mode=mode),
    )


def build_bundle(slots, *, base: str, self_url: str) -> Bundle:
    entries = Entries()
    for slot in slots:
        entries.add(slot)
    rows = [entry(resource, base, "match") for resource in entries.matches]
    for bucket in entries.included.values():
        rows += [entry(resource, base, "include") for resource in bucket.values()]
    return Bundle(
        id=str(uuid.uuid4()),
        meta=meta("Bundle"),
        type="searchset",
        total=len(entries.matches),
        link=[BundleLink(relation="self", url=self_url)],
        entry=rows or None,
    )
