"""A CPTS with a FINESS, a member doctor with an SNP agenda, and a SAS client with its token.

Slots are dated in June 2030 (Paris time): searches give explicit windows, never « now ».
"""

import datetime
import json
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory, StructureFactory
from maillon.snp.factories import AgendaFactory, SasClientFactory, SlotFactory
from maillon.territories.models import PostalCode

PARIS = ZoneInfo("Europe/Paris")
CPTS_FINESS = "780000014"
INCLUDES = [
    ("_include", "Slot:schedule"),
    ("_include:iterate", "Schedule:actor"),
    ("_include", "Slot:service-type-reference"),
    ("_include:iterate", "HealthcareService:organization"),
]
EXAMPLE = Path(__file__).parent / "data" / "example-bundle-cpts1.json"


def paris(day, hour, minute=0):
    return datetime.datetime(2030, 6, day, hour, minute, tzinfo=PARIS)


def example_bundle() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def signed_cpts(cpts):
    cpts.finess = CPTS_FINESS
    cpts.phone = "01 39 00 00 01"
    cpts.save()
    PostalCode.objects.create(code="78000", commune=cpts.territory_rows.first().commune)
    return cpts


@pytest.fixture
def doctor(signed_cpts):
    professional = ProfessionalFactory(first_name="Pierre", last_name="Forêt")
    MembershipFactory(cpts=signed_cpts, professional=professional)
    return professional


@pytest.fixture
def agenda(signed_cpts, doctor):
    place = PracticePlaceFactory(
        professional=doctor,
        commune=signed_cpts.territory_rows.first().commune,
        address="25 rue de la Paroisse",
        phone="01 39 12 34 56",
        structure=StructureFactory(),
    )
    return AgendaFactory(cpts=signed_cpts, practice_place=place, professional=doctor, shares_with_sas=True)


def make_slot(agenda, start, **fields):
    fields.setdefault("shared_with_sas", True)
    return SlotFactory(agenda=agenda, start=start, end=start + datetime.timedelta(minutes=20), **fields)


@pytest.fixture
def shared_slot(agenda):
    return make_slot(agenda, paris(12, 16, 40))


@pytest.fixture
def sas_client(db):
    return SasClientFactory(user=UserFactory(email="plateforme.sas@example.org"))


@pytest.fixture
def sas_token(sas_client):
    return ApiToken.issue(sas_client.user, "SAS", kind="fhir")[1]


@pytest.fixture
def sas(sas_token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {sas_token}")


def query(*rpps, ge="2030-06-12T00:00:00+02:00", le="2030-06-14T23:59:59+02:00", status="free", extra=()):
    pairs = [*INCLUDES]
    if ge is not None:
        pairs.append(("start", f"ge{ge}"))
    if le is not None:
        pairs.append(("start", f"le{le}"))
    if rpps:
        pairs.append(
            ("schedule.actor:Practitioner.identifier", ",".join(f"urn:oid:1.2.250.1.71.4.2.1|8{n}" for n in rpps))
        )
    if status is not None:
        pairs.append(("status", status))
    return urlencode([*pairs, *extra])


def search(client, *rpps, **kwargs):
    return client.get(f"/fhir/Slot?{query(*rpps, **kwargs)}")


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [
        entry["resource"] for entry in bundle.get("entry", []) if entry["resource"]["resourceType"] == resource_type
    ]
