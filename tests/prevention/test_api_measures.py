"""The API of the measures (maillon/api/prevention.py): a baseline and a target per action,
yearly values for the territory and its département, small counts hidden as the sources do."""

import pytest

from maillon.prevention.factories import MeasureFactory, MeasureValueFactory, PreventionActionFactory
from maillon.prevention.models import Measure, MeasureValue

from .api_helpers import call, callers, field_errors

pytestmark = pytest.mark.django_db

NEW_MEASURE = {
    "kind": "colorectal_screening",
    "baseline_value": "32.50",
    "baseline_source": "rezone",
    "baseline_on": "2022-12-31",
    "target_value": "45",
}


def url(cpts, tail=""):
    return f"/cpts/{cpts.pk}/prevention/measures{tail}"


def test_the_readers_list_the_measures_of_an_action(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    for role in ("coordinator", "member", "in_charge", "authority"):
        body = call("get", url(cpts), world.headers(role), action=measure.action_id).json()
        assert body["count"] == 1, role
        item = body["items"][0]
        assert (item["id"], item["baseline_value"], item["target_value"]) == (measure.pk, "32.50", "45.00")
        assert item["label"] == "Taux de participation au dépistage du cancer colorectal"
    assert call("get", url(cpts), world.headers("outsider")).status_code == 404
    assert call("get", url(cpts)).status_code == 401


def test_a_measure_reads_with_its_values_and_hides_small_counts(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    MeasureValueFactory(measure=measure, year=2023, value="34.10", numerator=120, denominator=352)
    MeasureValueFactory(measure=measure, year=2024, value="50.00", numerator=4, denominator=8)
    MeasureValueFactory(measure=measure, year=2024, scope="departement", value="36.00")
    body = call("get", url(cpts, f"/{measure.pk}"), world.headers("member")).json()
    values = {(row["year"], row["scope"]): row for row in body["values"]}
    assert values[2023, "territory"]["value"] == "34.10"
    assert values[2023, "territory"]["hidden"] is False
    assert values[2024, "territory"]["value"] is None
    assert values[2024, "territory"]["numerator"] is None
    assert values[2024, "territory"]["hidden"] is True
    assert values[2024, "departement"]["value"] == "36.00"
    listed = call("get", url(cpts, f"/{measure.pk}/values"), world.headers("authority")).json()
    assert listed["count"] == 3
    assert [(row["year"], row["scope"]) for row in listed["items"]] == [
        (2023, "territory"),
        (2024, "departement"),
        (2024, "territory"),
    ]


def test_a_measure_of_another_cpts_answers_404_like_a_missing_one(cpts, other_cpts):
    world = callers(cpts)
    theirs = MeasureFactory(action=PreventionActionFactory(cpts=other_cpts))
    headers = world.headers("coordinator")
    response = call("get", url(cpts, f"/{theirs.pk}"), headers)
    assert response.status_code == 404
    assert response.json() == call("get", url(cpts, f"/{theirs.pk + 1000}"), headers).json()


def test_the_coordinator_creates_a_measure_compared_with_the_main_departement(cpts):
    world = callers(cpts)
    action = PreventionActionFactory(cpts=cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_MEASURE, "action": action.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["action"] == {"id": action.pk, "title": action.title}
    assert body["departement"]["code"] == Measure.objects.get().departement_id
    assert body["values"] == []


def test_a_measure_for_an_action_of_another_cpts_is_a_422_on_action(cpts, other_cpts):
    world = callers(cpts)
    theirs = PreventionActionFactory(cpts=other_cpts)
    response = call("post", url(cpts), world.headers("coordinator"), {**NEW_MEASURE, "action": theirs.pk})
    assert response.status_code == 422
    assert field_errors(response)["action"][0].startswith("Action : ")
    response = call(
        "post",
        url(cpts),
        world.headers("coordinator"),
        {**NEW_MEASURE, "action": PreventionActionFactory(cpts=cpts).pk, "departement": "999"},
    )
    assert field_errors(response)["departement"][0].startswith("Département de comparaison : ")
    assert not Measure.objects.exists()


def test_only_the_coordinators_write_measures_and_values(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts, owner=world.owner))
    body = {**NEW_MEASURE, "action": measure.action_id}
    value = {"value": "40", "source": "odisse"}
    for role in ("member", "in_charge", "authority"):
        headers = world.headers(role)
        assert call("post", url(cpts), headers, body).status_code == 403, role
        assert call("patch", url(cpts, f"/{measure.pk}"), headers, {"name": "X"}).status_code == 403
        assert call("put", url(cpts, f"/{measure.pk}/values/2024/territory"), headers, value).status_code == 403
    assert call("put", url(cpts, f"/{measure.pk}/values/2024/territory"), {}, value).status_code == 401
    assert Measure.objects.count() == 1
    assert not MeasureValue.objects.exists()


def test_the_coordinator_changes_a_measure(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    headers = world.headers("coordinator")
    response = call("patch", url(cpts, f"/{measure.pk}"), headers, {"target_value": None, "name": "Dépistage CCR"})
    assert response.status_code == 200, response.content
    assert (response.json()["target_value"], response.json()["label"]) == (None, "Dépistage CCR")
    response = call("patch", url(cpts, f"/{measure.pk}"), headers, {"baseline_value": None})
    assert field_errors(response) == {"baseline_value": ["Valeur de référence : ce champ est obligatoire."]}


def test_the_coordinator_puts_then_corrects_then_deletes_a_value(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    headers = world.headers("coordinator")
    path = url(cpts, f"/{measure.pk}/values/2024/territory")
    body = {"value": "36.20", "numerator": 300, "denominator": 829, "source": "rezone", "source_on": "2025-06-30"}
    response = call("put", path, headers, body)
    assert response.status_code == 200, response.content
    assert (response.json()["value"], response.json()["source_label"]) == ("36.20", "Rézone CPTS (Assurance Maladie)")
    response = call("put", path, headers, {**body, "value": "36.80"})
    assert response.json()["value"] == "36.80"
    row = MeasureValue.objects.get()
    assert row.entered_by == world.users["coordinator"]
    assert str(row.value) == "36.80"
    assert call("delete", path, world.headers("member")).status_code == 403
    assert call("delete", path, headers).status_code == 204
    assert not MeasureValue.objects.exists()
    response = call("delete", path, headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Valeur introuvable."}


def test_a_small_count_put_is_answered_hidden(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    path = url(cpts, f"/{measure.pk}/values/2024/territory")
    response = call("put", path, world.headers("coordinator"), {"value": "60", "numerator": 3, "source": "ameli"})
    assert response.json()["value"] is None
    assert response.json()["hidden"] is True
    assert MeasureValue.objects.get().numerator == 3


def test_a_bad_value_is_a_422_naming_the_field(cpts):
    world = callers(cpts)
    measure = MeasureFactory(action=PreventionActionFactory(cpts=cpts))
    headers = world.headers("coordinator")
    response = call("put", url(cpts, f"/{measure.pk}/values/2024/territory"), headers, {"value": "40"})
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "source"]
    response = call("put", url(cpts, f"/{measure.pk}/values/2024/region"), headers, {"source": "rezone"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "scope"]
    response = call("put", url(cpts, f"/{measure.pk}/values/1999/territory"), headers, {"source": "rezone"})
    assert response.json()["detail"][0]["loc"] == ["path", "year"]
    response = call(
        "put", url(cpts, f"/{measure.pk}/values/2024/territory"), headers, {"source": "rezone", "value": "1234567.891"}
    )
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "value"]
    assert not MeasureValue.objects.exists()
