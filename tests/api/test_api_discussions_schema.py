"""The OpenAPI schema builds with the discussion and organisation operations, and their shapes
are components of their own: no name of another router's shape (an `EventOut`, a `MessageOut`
redefined here would silently replace the other one in the schema)."""

import importlib
import inspect
import pkgutil

from ninja import Schema

import maillon.api
from maillon.api import discussions, organisations
from maillon.api.urls import api

OURS = (discussions, organisations)


def schema_classes(module):
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__
    }


def test_the_schema_builds_with_every_shape_of_the_discussions_as_a_component():
    components = api.get_openapi_schema()["components"]["schemas"]
    for module in OURS:
        for name in schema_classes(module):
            assert name.startswith(("Discussion", "Organisation")), name
            assert name in components, name


def test_no_other_router_defines_a_shape_of_the_same_name():
    ours = {name for module in OURS for name in schema_classes(module)}
    for info in pkgutil.iter_modules(maillon.api.__path__):
        module = importlib.import_module(f"maillon.api.{info.name}")
        if module in OURS:
            continue
        clash = ours & set(schema_classes(module))
        assert not clash, f"maillon/api/{info.name}.py defines {sorted(clash)} too"


def test_the_public_operations_of_the_groups_declare_their_answers():
    paths = api.get_openapi_schema()["paths"]
    signup = paths["/api/v1/discussions/groups/{space_id}/signups"]["post"]
    assert {202, 404, 415, 422, 429} <= set(map(int, signup["responses"]))
    assert "security" not in signup
    messages = paths["/api/v1/discussions/topics/{topic_id}/messages"]
    assert {200, 201} <= set(map(int, messages["post"]["responses"]))
    assert 409 in set(map(int, paths["/api/v1/discussions/messages/{message_id}/hide"]["post"]["responses"]))
