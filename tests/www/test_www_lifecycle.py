import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import LifecycleStepFactory, UserFactory
from maillon.core.models import CptsStatus, LifecycleStep
from maillon.territories.models import TerritoryCommune
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def lifecycle_url(cpts):
    return reverse("cpts_lifecycle", args=[cpts.slug])


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, is_staff=True, with_totp=True)


@pytest.fixture
def editor(admin):
    """The platform admin keeps every step: the history of a CPTS that existed before Maillon."""
    return verified_client(admin)


def test_the_platform_admin_records_the_next_step_with_its_date(editor, cpts, admin):
    response = editor.post(lifecycle_url(cpts), {"status": CptsStatus.PROJECT_SUBMITTED, "date": "2026-02-10"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cpts_dashboard", args=[cpts.slug])
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED
    step = LifecycleStep.objects.get(cpts=cpts)
    assert (step.to_status, step.date, step.by) == (
        CptsStatus.PROJECT_SUBMITTED,
        datetime.date(2026, 2, 10),
        admin,
    )
    page = editor.get(response["Location"]).content.decode()
    assert "Étape « Projet de santé déposé » enregistrée au 10/02/2026." in page


def test_only_later_steps_and_dissolution_are_offered(editor, cpts):
    cpts.record_step(status=CptsStatus.NEGOTIATION, on=datetime.date(2025, 1, 6), by=None)

    html = editor.get(lifecycle_url(cpts)).content.decode()

    assert 'value="aci_signed"' in html and 'value="dissolved"' in html
    assert 'value="project_validated"' not in html and 'value="letter_of_intent"' not in html


def test_going_back_is_refused_in_french_naming_the_field(editor, cpts):
    cpts.record_step(status=CptsStatus.NEGOTIATION, on=datetime.date(2025, 1, 6), by=None)

    response = editor.post(lifecycle_url(cpts), {"status": CptsStatus.PROJECT_SUBMITTED, "date": "2026-02-10"})

    assert response.status_code == 200
    assert "Nouvelle étape : cette étape ne peut pas suivre l&#x27;étape actuelle." in response.content.decode()
    assert list(LifecycleStep.objects.filter(cpts=cpts).values_list("to_status", flat=True)) == ["negotiation"]


def test_a_date_in_the_future_or_before_the_previous_step_is_refused(editor, cpts):
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.LETTER_OF_INTENT, date=datetime.date(2025, 6, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    future = editor.post(lifecycle_url(cpts), {"status": "project_submitted", "date": tomorrow.isoformat()})
    earlier = editor.post(lifecycle_url(cpts), {"status": "project_submitted", "date": "2025-05-01"})

    assert "Date de l&#x27;étape : la date ne peut pas être dans le futur." in future.content.decode()
    assert "ne peut pas précéder l&#x27;étape précédente (01/06/2025)" in earlier.content.decode()
    assert LifecycleStep.objects.filter(cpts=cpts).count() == 1


def test_a_missing_date_is_refused_naming_the_field(editor, cpts):
    html = editor.post(lifecycle_url(cpts), {"status": "project_submitted", "date": ""}).content.decode()

    assert "Date de l&#x27;étape : indiquez la date." in html


def test_the_coordinator_is_offered_only_the_dissolution_and_pointed_to_the_projet_de_sante(cpts, coordinator):
    html = verified_client(coordinator).get(lifecycle_url(cpts)).content.decode()

    assert 'value="dissolved"' in html
    for status in ("letter_of_intent", "project_submitted", "project_validated", "negotiation", "aci_signed"):
        assert f'value="{status}"' not in html
    assert reverse("creation_project", args=[cpts.slug]) in html


def test_the_coordinator_may_not_move_the_status_by_hand(cpts, coordinator):
    response = verified_client(coordinator).post(
        lifecycle_url(cpts), {"status": CptsStatus.PROJECT_VALIDATED, "date": "2026-02-10"}
    )

    assert response.status_code == 200
    assert "Nouvelle étape : la coordination n&#x27;enregistre ici que la dissolution" in response.content.decode()
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.LETTER_OF_INTENT
    assert not LifecycleStep.objects.filter(cpts=cpts).exists()


def test_dissolution_needs_a_confirmation_then_frees_the_territory(cpts, coordinator):
    editor = verified_client(coordinator)
    today = timezone.localdate().isoformat()

    unconfirmed = editor.post(lifecycle_url(cpts), {"status": "dissolved", "date": today})
    assert "Confirmation : cochez la case pour confirmer la dissolution." in unconfirmed.content.decode()
    assert TerritoryCommune.objects.for_cpts(cpts).current().exists()

    editor.post(lifecycle_url(cpts), {"status": "dissolved", "date": today, "confirm_dissolution": "on"})

    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.DISSOLVED
    assert not TerritoryCommune.objects.for_cpts(cpts).current().exists()


def test_a_member_cannot_record_a_step(cpts, member):
    client = verified_client(member)

    # The member sees the members' space, but may not record a step: 403, as the API answers.
    assert client.get(lifecycle_url(cpts)).status_code == 403
    assert client.post(lifecycle_url(cpts), {"status": "project_submitted", "date": "2026-02-10"}).status_code == 403
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.LETTER_OF_INTENT


def test_visitors_are_sent_to_the_login(client, cpts):
    response = client.get(lifecycle_url(cpts))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
