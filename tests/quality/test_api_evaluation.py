"""The evaluation of a patient's path through the API (maillon/api/quality.py): read-only,
pseudonymised (the inclusion's number and programme), for who sees the patient; journaled."""

import datetime

import pytest
from django.utils import timezone

from maillon.pathways.factories import CareTaskFactory, InclusionFactory

from .api_helpers import call, callers, inclusion_reads

pytestmark = pytest.mark.django_db


def test_the_evaluation_lists_the_delays_without_naming_the_patient(cpts):
    world = callers(cpts)
    inclusion = InclusionFactory(
        cpts=cpts, lead=world.adhesions["owner"], included_on=timezone.localdate() - datetime.timedelta(days=60)
    )
    CareTaskFactory(inclusion=inclusion, due_on=timezone.localdate() - datetime.timedelta(days=20))
    path = f"/cpts/{cpts.pk}/quality/inclusions/{inclusion.pk}/evaluation"
    response = call("get", path, world.headers("owner"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["inclusion"]["id"] == inclusion.pk
    assert inclusion.birth_name not in response.content.decode()
    kinds = {finding["kind"] for finding in body["findings"]}
    assert "late_task_open" in kinds
    counts = {row["kind"]: row["count"] for row in body["counts"]}
    assert counts["late_task_open"] >= 1
    assert body["delay_days_total"] >= 20
    assert inclusion_reads(inclusion) == 1
    assert call("get", path, world.headers("coordinator")).status_code == 200
    for role in ("member", "authority", "outsider", "admin"):
        assert call("get", path, world.headers(role)).status_code == 404, role
    assert inclusion_reads(inclusion) == 2
