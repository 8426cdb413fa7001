"""The invitation, the enrolment link, the password reset and a cancelled booking's message
are queued when the request's transaction commits and sent by the worker: nothing during the
request, nothing on a rollback, one e-mail however often the task runs, links from the one site
URL, and ids only in the queue."""

import json
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from maillon.core import services
from maillon.core.factories import DEFAULT_PASSWORD, UserFactory
from maillon.core.models import CptsRoleKind
from maillon.snp import slots
from maillon.snp.factories import BookingFactory, CareRequestFactory
from maillon.snp.models import RequestStatus
from maillon.www.accounts_views import enrolment
from maillon.www.accounts_views.forms import PasswordResetForm
from tests.conftest import verified_client
from tests.snp.slots_support import member_professional, tomorrow_at

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
SITE = "https://maillon.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


class Rollback(Exception):
    pass


def queued_by(write) -> list:
    """Run `write` (a request or a service call): it sends nothing, it queues on commit."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        write()
    assert mail.outbox == []
    return queued


def worker_runs(queued, *, twice=True) -> str:
    """Run the queued tasks (twice: the second run finds the ledger's rows sent); the one e-mail."""
    for _ in range(2 if twice else 1):
        for enqueue in queued:
            enqueue()
    (message,) = mail.outbox
    return message


def link(message, path) -> str:
    return re.search(rf"{re.escape(SITE)}({re.escape(path)}\S+/)", message.body).group(1)


def nothing_on_rollback(write):
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True) as queued, pytest.raises(Rollback), transaction.atomic():
        write()
        raise Rollback
    assert queued == [] and mail.outbox == []


def test_the_invitation_is_queued_and_its_link_built_by_the_worker(cpts, coordinator):
    url = reverse("cpts_invite", args=[cpts.slug])
    client = verified_client(coordinator)
    queued = queued_by(lambda: client.post(url, {"email": "nouvelle@example.org", "role": CptsRoleKind.MEMBER}))
    message = worker_runs(queued)
    assert message.to == ["nouvelle@example.org"]
    accept = link(message, "/compte/invitation/")
    assert Client().get(accept)["Location"].startswith("/compte/invitation/")

    nothing_on_rollback(lambda: services.invite(cpts, email="autre@example.org", role="member", by=coordinator))


def test_the_password_reset_is_queued_with_ids_only_and_its_link_built_by_the_worker(settings):
    user = UserFactory(with_totp=True)
    client = Client()
    queued = queued_by(lambda: client.post(reverse("password_reset"), {"email": user.email}))
    message = worker_runs(queued)
    assert message.to == [user.email]
    assert Client().get(link(message, "/compte/mot-de-passe/"))["Location"].startswith("/compte/mot-de-passe/")

    # An unknown address: the same page, nothing queued.
    assert queued_by(lambda: client.post(reverse("password_reset"), {"email": "personne@example.org"})) == []

    def reset():
        form = PasswordResetForm({"email": user.email})
        assert form.is_valid()
        form.save()

    nothing_on_rollback(reset)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=True):
        reset()
    [row] = DBTaskResult.objects.all()
    assert row.task_path == "maillon.core.services.send_password_reset"
    arguments = json.dumps(row.args_kwargs)
    assert str(user.pk) in arguments and "@" not in arguments and "mot-de-passe" not in arguments


def test_the_enrolment_link_is_queued_and_signed_by_the_worker():
    user = UserFactory()  # a password, no authenticator yet
    client = Client()
    credentials = {"email": user.email, "password": DEFAULT_PASSWORD}
    queued = queued_by(lambda: client.post(reverse("login"), credentials))
    message = worker_runs(queued)
    assert message.to == [user.email]
    assert client.get(link(message, "/compte/connexion/lien-double-authentification/"))["Location"] == reverse(
        "login_totp_setup"
    )

    request = RequestFactory().get("/")
    request.session = {}
    nothing_on_rollback(lambda: enrolment.send_link(request, user))


def test_a_cancelled_booking_is_told_to_the_requester_by_the_worker(cpts):
    doctor = member_professional(cpts)
    agenda = slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    request = CareRequestFactory(cpts=cpts, status=RequestStatus.BOOKED)
    assert slot.book(by=None)
    booking = BookingFactory(slot=slot, cpts=cpts, request=request)

    nothing_on_rollback(lambda: slots.cancel_slot(slot, by=doctor.user))

    queued = queued_by(lambda: slots.cancel_slot(slot, by=doctor.user))
    message = worker_runs(queued)
    assert message.to == [request.requested_by.email]
    assert f"rendez-vous SNP n° {booking.pk} annulé" in message.subject
    assert link(message, "/") == reverse("snp_request_detail", args=[cpts.slug, request.pk])
