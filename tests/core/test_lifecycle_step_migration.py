"""The lifecycle steps became the CPTS's transition log without loss: the data migration gives
each existing step the status of the step before it (same CPTS, by date then recording time)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from maillon.core.factories import CptsFactory, LifecycleStepFactory
from maillon.core.models import CptsStatus

pytestmark = pytest.mark.django_db

migration = importlib.import_module("maillon.core.migrations.0004_lifecycle_step_on_transition_log")


def test_each_existing_step_gets_the_status_of_the_step_before_it():
    one, two = CptsFactory(), CptsFactory()
    noon = timezone.now().replace(hour=12)
    made = [
        LifecycleStepFactory(cpts=one, status=CptsStatus.NEGOTIATION, date=datetime.date(2024, 6, 1), at=noon),
        LifecycleStepFactory(cpts=one, status=CptsStatus.LETTER_OF_INTENT, date=datetime.date(2024, 1, 1)),
        LifecycleStepFactory(
            cpts=one, status=CptsStatus.ACI_SIGNED, date=datetime.date(2024, 6, 1), at=noon + datetime.timedelta(1)
        ),
        LifecycleStepFactory(cpts=two, status=CptsStatus.PROJECT_SUBMITTED, date=datetime.date(2023, 1, 1)),
        LifecycleStepFactory(cpts=two, status=CptsStatus.DISSOLVED, date=datetime.date(2024, 1, 1)),
    ]
    type(made[0]).objects.update(from_status="?")

    migration.fill_from_status(apps, None)

    rows = {step.pk: step for step in type(made[0]).objects.all()}
    assert [(rows[step.pk].from_status, rows[step.pk].to_status) for step in made] == [
        ("letter_of_intent", "negotiation"),
        ("", "letter_of_intent"),
        ("negotiation", "aci_signed"),
        ("", "project_submitted"),
        ("project_submitted", "dissolved"),
    ]
