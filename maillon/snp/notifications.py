"""Messages of the same-day care desk, through the one notification mechanism
(`maillon.core.notifications.sending`): queued on commit, sent by the worker, once per
(message, recipient, channel), each person's preferences applied.

Nothing medical and no patient name in a message: a link behind the login, and the request's
number. Tasks take ids only; each returns whether something was sent.
"""

from django.urls import reverse
from django.utils import timezone

from maillon.core.models import CptsRole, CptsRoleKind
from maillon.core.notifications import kinds
from maillon.core.notifications.sending import (
    Content,
    Recipient,
    absolute,
    letter,
    message_key,
    notification_task,
    notify,
    notify_many,
    on_commit,
    sent_any,
)

from .models import CareRequest, DutyAnswer, DutyCall

__all__ = ["on_commit"]


@notification_task()
def send_duty_call(call_id: int, message_id: str = "") -> bool:
    """Ask a volunteer to take a request: a link to the duty list, behind the login."""
    call = DutyCall.objects.select_related("professional", "request__cpts").filter(pk=call_id).first()
    if call is None or call.answer != DutyAnswer.PENDING:
        return False
    cpts, professional = call.request.cpts, call.professional
    url = reverse("snp_request_duty", args=[cpts.slug])
    deadline = timezone.localtime(call.request.deadline)
    body = (
        "Aucun créneau ne convient pour une demande de soins non programmés "
        f"(demande n° {call.request_id}, à placer avant le {deadline:%d/%m/%Y %H:%M}). "
        "Connectez-vous pour l'accepter ou la décliner ; le premier qui accepte la prend :\n"
        f"{absolute(url)}"
    )
    content = Content(
        f"{cpts.name} — une demande de soins non programmés attend un volontaire", letter(body, cpts.name), url=url
    )
    recipient = Recipient(key=f"professional:{professional.pk}", user_id=professional.user_id, email=professional.email)
    return sent_any(
        notify(kinds.SNP_DUTY_CALL, message_key("snp.duty_call", call_id, message_id=message_id), recipient, content)
    )


@notification_task()
def send_escalation(request_id: int, message_id: str = "") -> bool:
    """Tell the coordinators that nobody took a request in time."""
    care_request = CareRequest.objects.select_related("cpts").filter(pk=request_id).first()
    if care_request is None:
        return False
    cpts = care_request.cpts
    url = reverse("snp_request_detail", args=[cpts.slug, care_request.pk])
    content = Content(
        f"{cpts.name} — demande de soins non programmés n° {care_request.pk} sans volontaire",
        letter(
            "Aucun volontaire n'a pris cette demande de soins non programmés à temps : "
            f"elle vous est remontée.\n{absolute(url)}",
            cpts.name,
        ),
        url=url,
    )
    coordinators = (
        CptsRole.objects.filter(cpts=cpts, role=CptsRoleKind.COORDINATOR)
        .values_list("user_id", "user__email")
        .order_by("user_id")
        .distinct()
    )
    items = [
        (Recipient(key=f"user:{user_id}", user_id=user_id, email=email), content) for user_id, email in coordinators
    ]
    outcomes = notify_many(
        kinds.SNP_ESCALATION, message_key("snp.escalation", request_id, message_id=message_id), items
    )
    return any(sent_any(by_channel) for by_channel in outcomes.values())
