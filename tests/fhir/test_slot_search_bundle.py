"""The answer is a searchset Bundle of R4B resources, shaped like the guide's example-bundle-cpts1.json."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.snp.factories import AgendaFactory
from maillon.snp.models import Audience

from .conftest import example_bundle, make_slot, paris, resources, search

pytestmark = pytest.mark.django_db

SAS_IG = "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition"
PROFILES = {
    "Bundle": f"{SAS_IG}/sas-cpts-bundle-aggregator",
    "Slot": f"{SAS_IG}/sas-cpts-slot-aggregator",
    "Schedule": "http://sas.fr/fhir/StructureDefinition/FrScheduleAgregateur",
    "Practitioner": "http://sas.fr/fhir/StructureDefinition/FrPractitionerAgregateur",
    "PractitionerRole": "http://sas.fr/fhir/StructureDefinition/FrPractitionerRoleExerciceAgregateur",
    "Location": "http://sas.fr/fhir/StructureDefinition/FrLocationAgregateur",
    "HealthcareService": f"{SAS_IG}/sas-cpts-healthcareservice-aggregator",
    "Organization": f"{SAS_IG}/sas-cpts-organization-aggregator",
}
SLOT_TYPE_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"

# The elements the profiles' snapshots make required (min ≥ 1), outside slices, read with
# python from the structuredefinition-*.json of the reference; a path is checked where its
# parent is present.
REQUIRED = {
    "Bundle": ["type", "total", "link", "link.relation", "link.url"],
    "Slot": ["schedule", "status", "start", "end"],
    "Schedule": ["actor"],
    "Practitioner": ["identifier", "identifier.type", "identifier.system", "identifier.value"],
    "PractitionerRole": ["contained", "location"],
    "Location": [
        "identifier",
        "identifier.type",
        "identifier.system",
        "identifier.value",
        "address",
        "address.line",
        "address.city",
        "address.postalCode",
    ],
    "HealthcareService": ["id", "providedBy"],
    "Organization": ["identifier", "identifier.type", "identifier.system", "identifier.value"],
}


def nodes(value, path):
    """The values at a dotted path, lists flattened."""
    current = [value]
    for key in path:
        found = []
        for node in current:
            child = node.get(key) if isinstance(node, dict) else None
            if isinstance(child, list):
                found += child
            elif child is not None:
                found.append(child)
        current = found
    return current


def missing_required(resource):
    missing = []
    for path in REQUIRED[resource["resourceType"]]:
        *parent, key = path.split(".")
        for node in nodes(resource, parent):
            if node.get(key) in (None, [], ""):
                missing.append(path)
    return missing


def all_resources(bundle):
    found = [bundle] + [entry["resource"] for entry in bundle.get("entry", [])]
    return found + [inner for resource in found for inner in resource.get("contained", [])]


def test_the_answer_parses_as_an_r4b_searchset_bundle(sas, shared_slot):
    response = search(sas, shared_slot.professional.rpps)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "searchset"
    assert bundle.total == 1
    assert [entry.search.mode for entry in bundle.entry] == ["match"] + ["include"] * 5
    assert bundle.link[0].relation == "self" and "/fhir/Slot?" in bundle.link[0].url


def test_every_resource_carries_its_profile_and_the_required_elements(sas, shared_slot):
    bundle = search(sas, shared_slot.professional.rpps).json()
    checked = set()
    for resource in all_resources(bundle):
        resource_type = resource["resourceType"]
        assert resource["meta"]["profile"] == [PROFILES[resource_type]], resource_type
        assert missing_required(resource) == [], resource_type
        checked.add(resource_type)
    assert checked == set(PROFILES)
    assert all(
        entry["fullUrl"].endswith(f"/{entry['resource']['resourceType']}/{entry['resource']['id']}")
        for entry in bundle["entry"]
    )


def test_identifiers_follow_the_profiles_patterns(sas, shared_slot):
    bundle = search(sas, shared_slot.professional.rpps).json()
    (practitioner,) = resources(bundle, "Practitioner")
    assert practitioner["identifier"] == [
        {
            "type": {"coding": [{"system": "http://interopsante.org/fhir/CodeSystem/fr-v2-0203", "code": "IDNPS"}]},
            "system": "urn:oid:1.2.250.1.71.4.2.1",
            "value": "8" + shared_slot.professional.rpps,
        }
    ]
    (organization,) = resources(bundle, "Organization")
    (finess,) = organization["identifier"]
    assert finess["type"]["coding"] == [
        {"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "IDNST"}
    ]
    assert finess["system"] == "urn:oid:1.2.250.1.71.4.2.2"
    assert re.fullmatch(r"1[0-9]{9}", finess["value"]) and finess["value"] == "1" + shared_slot.cpts.finess
    assert organization["name"] == shared_slot.cpts.name
    assert organization["telecom"] == [{"system": "phone", "value": "+33139000001"}]
    (role,) = resources(bundle, "PractitionerRole")
    assert role["organization"]["identifier"] == {
        "type": {"coding": [{"system": "http://interopsante.org/fhir/CodeSystem/fr-v2-0203", "code": "IDNST"}]},
        "system": "urn:oid:1.2.250.1.71.4.2.2",
        "value": "1" + shared_slot.agenda.practice_place.structure.finess,
    }


@pytest.mark.parametrize(
    ("audience", "codes"),
    [
        (Audience.PUBLIC, ["PUBLIC", "CPTS"]),
        (Audience.SNP, ["SNP"]),
        (Audience.PRO, ["PRO", "CPTS"]),
        (Audience.CPTS, ["CPTS"]),
    ],
)
def test_the_slot_type_codes_come_from_the_audience_the_member_chose(sas, agenda, audience, codes):
    slot = make_slot(agenda, paris(13, 9), audience=audience)
    (found,) = resources(search(sas, slot.professional.rpps).json(), "Slot")
    assert found["meta"]["security"] == [{"system": SLOT_TYPE_SYSTEM, "code": code} for code in codes]


def test_slot_times_are_paris_times_and_ids_are_stable(sas, shared_slot):
    first = search(sas, shared_slot.professional.rpps).json()
    (slot,) = resources(first, "Slot")
    assert slot["id"] == f"slot-{shared_slot.pk}"
    assert slot["start"] == "2030-06-12T16:40:00+02:00" and slot["end"] == "2030-06-12T17:00:00+02:00"
    second = search(sas, shared_slot.professional.rpps).json()
    assert [entry["fullUrl"] for entry in second["entry"]] == [entry["fullUrl"] for entry in first["entry"]]
    assert second["id"] != first["id"], "each Bundle is a new search result"


def test_a_search_with_no_match_is_an_empty_searchset(sas, doctor):
    bundle = search(sas, doctor.rpps).json()
    assert Bundle.model_validate(bundle).total == 0
    assert "entry" not in bundle and bundle["link"][0]["relation"] == "self"


def test_shared_resources_are_included_once(sas, agenda):
    slots = [make_slot(agenda, paris(12, hour)) for hour in (9, 10, 11)]
    bundle = search(sas, agenda.professional.rpps).json()
    assert bundle["total"] == 3
    assert [resource["id"] for resource in resources(bundle, "Slot")] == [f"slot-{slot.pk}" for slot in slots]
    for resource_type in ("Schedule", "Practitioner", "PractitionerRole", "HealthcareService", "Organization"):
        assert len(resources(bundle, resource_type)) == 1, resource_type


# --- The shape of the guide's example --------------------------------------------------------


def coding_systems(value):
    if isinstance(value, dict):
        own = {value["system"]} if "system" in value and "code" in value else set()
        return own.union(*(coding_systems(child) for child in value.values()))
    if isinstance(value, list):
        return set().union(*(coding_systems(child) for child in value))
    return set()


def references(value, path=()):
    """(path, target type) of each reference; « # » for a contained resource."""
    found = set()
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "reference" and isinstance(child, str):
                found.add((".".join(path), "#" if child.startswith("#") else child.split("/")[0]))
            elif key != "contained":
                found |= references(child, (*path, key))
    elif isinstance(value, list):
        for child in value:
            found |= references(child, path)
    return found


def extension_urls(value):
    if isinstance(value, dict):
        own = {value["url"]} if "url" in value and any(key.startswith("value") for key in value) else set()
        return own.union(*(extension_urls(child) for child in value.values()))
    if isinstance(value, list):
        return set().union(*(extension_urls(child) for child in value))
    return set()


def identifier_shapes(resource):
    shapes = set()
    for identifier in resource.get("identifier", []):
        codings = tuple((c["system"], c["code"]) for c in identifier.get("type", {}).get("coding", []))
        # The Location's identifier system is the software's own (the example's is « editeur.com »).
        system = "own" if resource["resourceType"] == "Location" else identifier.get("system")
        shapes.add((system, codings))
    return shapes


def shape(bundle):
    """What must match the example: per resource type, profiles, coding systems, identifier
    systems and types, extensions, references, contained resources, element names."""
    result = {}
    for resource in all_resources(bundle)[1:]:
        result[resource["resourceType"]] = {
            "profiles": tuple(resource["meta"]["profile"]),
            "coding systems": coding_systems({k: v for k, v in resource.items() if k != "contained"}),
            "identifiers": identifier_shapes(resource),
            "extensions": extension_urls(resource),
            "references": references(resource),
            "contained": tuple(inner["resourceType"] for inner in resource.get("contained", [])),
            "elements": set(resource) - {"text", "id"},
        }
    return result


def test_the_answer_has_the_shape_of_the_guides_example(sas, shared_slot):
    ours = shape(search(sas, shared_slot.professional.rpps).json())
    example = shape(example_bundle())
    assert set(ours) == set(example)
    # The example's Slot has a booking URL (comment); our members book through the CPTS.
    example["Slot"]["elements"] -= {"comment"}
    for resource_type, expected in example.items():
        for feature, value in expected.items():
            if feature in ("elements", "coding systems"):
                # More is allowed: e.g. the practice's identifier type, which the example leaves out.
                assert value <= ours[resource_type][feature], (resource_type, feature)
            else:
                assert ours[resource_type][feature] == value, (resource_type, feature)
    assert ours["Slot"]["coding systems"] == example["Slot"]["coding systems"]
    assert ours["Slot"]["references"] == {
        ("schedule", "Schedule"),
        ("serviceType.extension.valueReference", "HealthcareService"),
    }


def test_the_number_of_queries_does_not_grow_with_the_slots(sas, agenda, signed_cpts):
    make_slot(agenda, paris(12, 9))
    with CaptureQueriesContext(connection) as one:
        assert search(sas, agenda.professional.rpps).json()["total"] == 1
    rpps = [agenda.professional.rpps]
    for _ in range(3):
        colleague = ProfessionalFactory()
        MembershipFactory(cpts=signed_cpts, professional=colleague)
        place = PracticePlaceFactory(professional=colleague, commune=agenda.practice_place.commune)
        colleague_agenda = AgendaFactory(cpts=signed_cpts, practice_place=place)
        make_slot(colleague_agenda, paris(12, 10)), make_slot(colleague_agenda, paris(12, 11))
        rpps.append(colleague.rpps)
    with CaptureQueriesContext(connection) as many:
        assert search(sas, *rpps).json()["total"] == 7
    assert len(many) == len(one)
