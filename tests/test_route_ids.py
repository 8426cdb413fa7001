"""Every id in a route is an integer, on the pages and in the API, and every operation of the
API schema resolves to its own route (a literal segment such as `/members/import` is never
swallowed by a `/members/{membership_id}` before it)."""

import re

import pytest
from django.urls import resolve

from maillon.api.urls import api

from .urlwalk import api_operations, walk

# (A mission of a projet de santé, 1 to 6, counts as an id: an integer.)
# Path parameters that are not ids: tokens, codes, formats, section keys, static paths, the
# scope of a prevention measure's value (`territory` or `departement`), and the act on a
# participant of a discussion space (`mute`, `unmute`, `remove`, `reinstate`), and the step of an
# installation project (`premises`, `administrative`, `patient_base`, `colleagues`).
NOT_IDS = {"cpts_slug", "code", "uidb64", "token", "fmt", "path", "section", "scope", "action", "kind"}


def is_id(name: str) -> bool:
    return name in {"pk", "id", "year", "number", "mission"} or name.endswith("_id")


def test_every_id_parameter_of_every_route_is_declared_an_integer():
    loose = []
    for route in walk():
        if route.namespace.startswith("admin"):
            continue  # Django's own admin, with its object ids as text
        for name, converter in re.findall(r"<(?:(\w+):)?(\w+)>", route.pattern):
            if is_id(converter) and name != "int":
                loose.append(f"{route.qualified_name}: <{name + ':' if name else ''}{converter}>")
            elif not is_id(converter):
                assert converter in NOT_IDS or converter.endswith("_slug"), (
                    f"{route.pattern}: is « {converter} » an id?"
                )
    assert not loose, f"Ids not declared as integers: {loose}"


def schema_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def sample_path(path: str, operation: dict) -> str:
    kinds = {
        parameter["name"]: parameter.get("schema", {}).get("type")
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    return re.sub(r"\{(\w+)\}", lambda match: "7" if kinds.get(match.group(1)) == "integer" else "abc", path)


def route_shape(route: str) -> str:
    return "/" + re.sub(r"<[^>]+>", "{}", route).strip("/")


@pytest.mark.parametrize(
    ("path", "method", "operation"),
    [pytest.param(*entry, id=f"{entry[1].upper()} {entry[0]}") for entry in schema_operations()],
)
def test_each_operation_of_the_schema_resolves_to_its_own_route(path, method, operation):
    match = resolve(sample_path(path, operation))
    assert route_shape(match.route) == re.sub(r"\{\w+\}", "{}", path), f"{path} is answered by {match.route}"
    shape = route_shape(match.route.removeprefix("api/v1"))
    assert (method.upper(), shape) in ROUTER_OPERATIONS, f"{method.upper()} {path}: no such operation on {match.route}"


ROUTER_OPERATIONS = {
    (method, "/" + re.sub(r"\{[^}]+\}", "{}", path).strip("/")) for method, path, _ in api_operations()
}


@pytest.mark.parametrize("path", ["/api/v1/cpts/abc/members", "/api/v1/cpts/1/members/import-x"])
def test_an_id_that_is_not_a_number_is_the_api_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}
