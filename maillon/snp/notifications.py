"""E-mails of the same-day care desk, sent by background tasks once the write commits.

Nothing medical and no patient name in an e-mail: a link behind the login, and the request's
number. Tasks take ids only (their arguments are stored in the queue). A failed sending is
logged with ids and the exception's class only, and the task returns False.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from maillon.core.models import CptsRole, CptsRoleKind

from .models import CareRequest, DutyAnswer, DutyCall

logger = logging.getLogger(__name__)


def on_commit(task_function, *args) -> None:
    """Enqueue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task_function.enqueue, *args), robust=True)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(subject: str, body: str, to: list[str], *, what: str, object_id) -> bool:
    try:
        send_mail(subject, body, None, to)
    except Exception as error:  # never re-raised: its message may carry addresses
        logger.error("SNP e-mail %s for n° %s failed (%s)", what, object_id, type(error).__name__)
        return False
    return True


@task()
def send_duty_call(call_id: int) -> bool:
    """Ask a volunteer to take a request: a link to the duty list, behind the login."""
    call = DutyCall.objects.select_related("professional", "request__cpts").filter(pk=call_id).first()
    if call is None or call.answer != DutyAnswer.PENDING or not call.professional.email:
        return False
    cpts = call.request.cpts
    url = _absolute(reverse("snp_request_duty", args=[cpts.slug]))
    deadline = timezone.localtime(call.request.deadline)
    return _mail(
        f"{cpts.name} — une demande de soins non programmés attend un volontaire",
        "Bonjour,\n\nAucun créneau ne convient pour une demande de soins non programmés "
        f"(demande n° {call.request_id}, à placer avant le {deadline:%d/%m/%Y %H:%M}). "
        "Connectez-vous pour l'accepter ou la décliner ; le premier qui accepte la prend :\n"
        f"{url}\n\n{cpts.name}\n",
        [call.professional.email],
        what="duty call",
        object_id=call.pk,
    )


@task()
def send_escalation(request_id: int) -> bool:
    """Tell the coordinators that nobody took a request in time."""
    care_request = CareRequest.objects.select_related("cpts").filter(pk=request_id).first()
    if care_request is None:
        return False
    cpts = care_request.cpts
    emails = sorted(
        set(
            CptsRole.objects.filter(cpts=cpts, role=CptsRoleKind.COORDINATOR)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not emails:
        return False
    url = _absolute(reverse("snp_request_detail", args=[cpts.slug, care_request.pk]))
    return _mail(
        f"{cpts.name} — demande de soins non programmés n° {care_request.pk} sans volontaire",
        "Bonjour,\n\nAucun volontaire n'a pris cette demande de soins non programmés à temps : "
        f"elle vous est remontée.\n{url}\n\n{cpts.name}\n",
        emails,
        what="escalation",
        object_id=care_request.pk,
    )
