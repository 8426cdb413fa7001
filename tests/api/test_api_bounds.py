"""Bounded work for every input of the API (issue 19): a page number and the dates of a request
are refused with a 422 naming the field before they reach the database."""

import datetime
import inspect
import typing

import pytest
from pydantic import BaseModel

from maillon.api.common import MAX_PAGE
from maillon.api.urls import api
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.territories.factories import CommuneFactory
from tests.api.test_api_422_shape import snp_request

pytestmark = pytest.mark.django_db

HUGE = 10**20


def field_locs(response):
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    return [item["loc"] for item in detail]


def test_a_huge_page_of_the_public_commune_search_answers_422_naming_page(api_client):
    CommuneFactory(code="78646", name="Versailles")

    response = api_client.get("/api/v1/communes", {"q": "versailles", "page": HUGE})

    assert field_locs(response) == [["query", "page"]]
    assert "10000" in response.json()["detail"][0]["msg"]


def test_a_page_past_the_last_one_is_empty_and_gives_the_count(api_client):
    CommuneFactory(code="78646", name="Versailles")

    response = api_client.get("/api/v1/communes", {"q": "versailles", "page": MAX_PAGE})

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 1}


def test_a_huge_page_of_a_private_list_answers_422(session_client, cpts, coordinator):
    client = session_client(coordinator)
    for path in (f"/api/v1/cpts/{cpts.pk}/members", f"/api/v1/cpts/{cpts.pk}/snp/slots"):
        response = client.get(path, {"page": HUGE})
        assert field_locs(response) == [["query", "page"]], path


def test_every_page_parameter_of_the_schema_is_bounded(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    pages = [
        (path, method, parameter["schema"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "page"
    ]
    assert len(pages) > 30
    unbounded = [(path, method) for path, method, bounds in pages if bounds.get("maximum") != MAX_PAGE]
    assert unbounded == []


# --- Dates ---------------------------------------------------------------------------------


def test_a_date_sent_as_a_number_is_refused_naming_the_field(session_client, cpts):
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = session_client(coordinator)

    response = client.put(
        f"/api/v1/cpts/{cpts.pk}/territory",
        {"communes": ["78646"], "valid_from": 0},
        content_type="application/json",
    )

    assert field_locs(response) == [["body", "payload", "valid_from"]]
    assert "AAAA-MM-JJ" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("on", ["0", "1679616000", "0001-01-01", "9999-12-31"])
def test_a_query_date_must_be_an_iso_date_within_the_years_1900_to_2100(api_client, cpts, on):
    response = api_client.get(f"/api/v1/cpts/{cpts.pk}", {"on": on})

    assert field_locs(response) == [["query", "on"]]


def test_a_date_far_in_the_future_is_refused_with_the_bounds(session_client, cpts, coordinator):
    response = session_client(coordinator).put(
        f"/api/v1/cpts/{cpts.pk}/territory",
        {"communes": ["78646"], "valid_from": "2500-01-01"},
        content_type="application/json",
    )

    assert field_locs(response) == [["body", "payload", "valid_from"]]
    assert "1900-01-01" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", "2999-01-01", 0])
def test_an_absurd_birth_date_is_refused_by_the_api(session_client, cpts, coordinator, birth_date):
    response = session_client(coordinator).post(
        f"/api/v1/cpts/{cpts.pk}/snp/requests", snp_request(birth_date=birth_date), content_type="application/json"
    )

    assert field_locs(response) == [["body", "payload", "birth_date"]]


@pytest.mark.parametrize("birth_date", [datetime.date(1, 1, 1), datetime.date(1899, 12, 31)])
def test_the_patient_forms_refuse_an_absurd_birth_date(birth_date):
    from maillon.www.toolkit.forms import PatientIdentityForm

    form = PatientIdentityForm(data={"last_name": "Martin", "first_name": "Jeanne", "birth_date": birth_date})

    assert not form.is_valid()
    assert "Date de naissance" in form.errors["birth_date"][0]


def test_the_domain_refuses_a_birth_date_before_1900(cpts):
    from django.core.exceptions import ValidationError

    from maillon.core.dates import validate_birth_date

    with pytest.raises(ValidationError, match="Date de naissance"):
        validate_birth_date(datetime.date(1, 1, 1))
    validate_birth_date(datetime.date(1900, 1, 1))


def walk(annotation, seen):
    """Every (model, field name, field) of the models under `annotation`."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for name, field in annotation.model_fields.items():
            yield annotation, name, field
            yield from walk(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        yield from walk(argument, seen)


def holds_a_date(annotation):
    if annotation in (datetime.date, datetime.datetime):
        return True
    return any(holds_a_date(argument) for argument in typing.get_args(annotation))


def iso_only(metadata):
    return any(getattr(getattr(item, "func", None), "iso_only", False) for item in metadata)


def strict(field):
    """The field's type, or each date inside it (a list of dates, `IsoDate | None`), is one of
    the strict types of maillon/api/schemas.py."""
    if iso_only(field.metadata):
        return True

    def dates_strict(annotation):
        if typing.get_origin(annotation) is typing.Annotated:
            base, *metadata = typing.get_args(annotation)
            if base in (datetime.date, datetime.datetime):
                return iso_only(metadata)
            return dates_strict(base)
        if annotation in (datetime.date, datetime.datetime):
            return False
        return all(dates_strict(argument) for argument in typing.get_args(annotation))

    return dates_strict(field.annotation)


def test_every_date_a_request_carries_is_an_iso_string_within_bounds():
    seen, loose = set(), []
    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    for owner, name, field in walk(model, seen):
                        if holds_a_date(field.annotation) and not strict(field):
                            loose.append(f"{path} {owner.__name__}.{name}")
    assert loose == []


# --- Text ----------------------------------------------------------------------------------


def test_a_nul_character_in_a_body_answers_422_naming_the_field(api_client):
    response = api_client.post(
        "/api/v1/territories/simulate", {"communes": ["78646", "78\x00"]}, content_type="application/json"
    )

    assert field_locs(response) == [["body", "communes", 1]]
