"""Unique, truthful component names (issue 19): ninja names a component after its schema class,
so two different classes of the same name (`ProfessionalOut` of the members and of the crisis
plan) became one component, and one of them lied about its shape."""

import inspect
import typing
from collections import defaultdict

from pydantic import BaseModel

from maillon.api.urls import api


def models_under(annotation, found):
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                models_under(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        models_under(argument, found)


def schema_classes():
    """Every schema class of a request or an answer of the API (ninja's own wrappers apart:
    they never become components)."""
    found = set()
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    models_under(model, found)
    return {model for model in found if model.__module__.startswith("maillon.")}


def test_no_two_schema_classes_share_a_component_name():
    by_name = defaultdict(set)
    for model in schema_classes():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")

    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}

    assert shared == {}


def test_each_component_has_the_fields_of_its_class():
    components = api.get_openapi_schema()["components"]["schemas"]
    wrong = []
    for model in schema_classes():
        component = components.get(model.__name__, {})
        shapes = [model.model_json_schema(mode=mode) for mode in ("validation", "serialization")]
        if not any(set(component.get("properties", {})) == set(shape.get("properties", {})) for shape in shapes):
            wrong.append(f"{model.__module__}.{model.__name__}")
    assert wrong == []


def test_moving_an_inclusion_declares_the_domains_409_too():
    """Found by the fuzzing: a closed inclusion's move answers a plain 409 (`MessageOut`)."""
    answers = api.get_openapi_schema()["paths"]["/api/v1/cpts/{cpts_id}/pathway-inclusions/{inclusion_id}/move"]
    responses = {str(code): answer for code, answer in answers["post"]["responses"].items()}
    schema = responses["409"]["content"]["application/json"]["schema"]
    refs = {option.get("$ref") for option in schema.get("anyOf", [schema])}
    assert refs == {"#/components/schemas/ConflictOut", "#/components/schemas/MessageOut"}
