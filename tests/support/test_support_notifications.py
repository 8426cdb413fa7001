"""Who is told what in mission 6: the applicant (no account) gets the receipt and the answer at
their address, the coordinators and the placement's supervisor the news of an application; a
member's ad goes to the coordinators to moderate, and its publication or refusal to its author."""

import pytest
from django.core import mail

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.support import services
from maillon.support.factories import PlacementFactory
from maillon.support.models import TraineeLevel

from .ad_data import ad_fields

pytestmark = pytest.mark.django_db

APPLICANT = "lea.roux@example.org"


def addressees():
    return {address for message in mail.outbox for address in message.to}


@pytest.fixture
def placement():
    placement = PlacementFactory()
    supervisor = placement.supervisor.membership.professional
    supervisor.user = UserFactory(email="dr.supervisor@example.org")
    supervisor.save()
    return placement


@pytest.fixture
def coordinator(placement):
    return CptsRoleFactory(cpts=placement.cpts, coordinator=True, user=UserFactory(email="coord@example.org")).user


def apply(placement, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return services.apply(
            cpts=placement.cpts,
            placement=placement,
            first_name="Léa",
            last_name="Roux",
            email=extra.pop("email", APPLICANT),
            school="Faculté de santé de Versailles",
            level=TraineeLevel.INTERN,
            **extra,
        )


def test_an_application_reaches_the_applicant_the_coordinators_and_the_supervisor(
    placement, coordinator, django_capture_on_commit_callbacks
):
    apply(placement, django_capture_on_commit_callbacks)
    assert addressees() == {APPLICANT, "coord@example.org", "dr.supervisor@example.org"}
    (receipt,) = [message for message in mail.outbox if APPLICANT in message.to]
    assert "candidature reçue" in receipt.subject
    (news,) = [message for message in mail.outbox if "coord@example.org" in message.to]
    assert f"/stages/{placement.pk}/" in news.body
    # The applicant's name stays on the page.
    assert "Roux" not in news.body


def test_accepting_one_application_answers_both_applicants(placement, coordinator, django_capture_on_commit_callbacks):
    chosen = apply(placement, django_capture_on_commit_callbacks)
    apply(placement, django_capture_on_commit_callbacks, email="other@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chosen.accept(by=coordinator)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "retenue" in subjects[APPLICANT]
    assert "réponse" in subjects["other@example.org"]
    assert set(subjects) == {APPLICANT, "other@example.org"}


def test_a_members_ad_goes_to_the_coordinators_then_its_refusal_to_its_author(
    placement, coordinator, django_capture_on_commit_callbacks
):
    author = UserFactory(email="author@example.org")
    CptsRoleFactory(cpts=placement.cpts, user=author)
    with django_capture_on_commit_callbacks(execute=True):
        ad = services.submit_ad(cpts=placement.cpts, by=author, **ad_fields())
    assert addressees() == {"coord@example.org"}
    assert "à modérer" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ad.refuse(by=coordinator, note="Le local n'est pas sur le territoire.")
    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert "Le local n'est pas sur le territoire." in message.body


def test_a_coordinators_own_ad_is_published_without_a_message(
    placement, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ad = services.submit_ad(cpts=placement.cpts, by=coordinator, **ad_fields())
    assert ad.status == "published"
    assert mail.outbox == []
