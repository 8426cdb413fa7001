"""Messages of the same-day care desk, through the one notification mechanism
(`maillon.core.notifications.sending`): queued on commit, sent by the worker, once per
(message, recipient, channel), each person's preferences applied.

Nothing medical and no patient name in a message: a link behind the login, and the request's
number. Tasks take ids only; each returns whether something was sent.
"""

from django.urls import reverse
from django.utils import timezone

from maillon.core.models import CptsRole, CptsRoleKind
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.sending import on_commit

from .models import Booking, CareRequest, DutyAnswer, DutyCall

__all__ = ["on_commit"]


@sending.notification_task()
def send_duty_call(call_id: int, message_id: str = "") -> bool:
    """Ask a volunteer to take a request: a link to the duty list, behind the login."""
    call = DutyCall.objects.select_related("professional", "request__cpts").filter(pk=call_id).first()
    if call is None or call.answer != DutyAnswer.PENDING:
        return False
    cpts = call.request.cpts
    url = reverse("snp_request_duty", args=[cpts.slug])
    deadline = timezone.localtime(call.request.deadline)
    body = (
        "Aucun créneau ne convient pour une demande de soins non programmés "
        f"(demande n° {call.request_id}, à placer avant le {deadline:%d/%m/%Y %H:%M}). "
        "Connectez-vous pour l'accepter ou la décliner ; le premier qui accepte la prend :\n"
        f"{sending.absolute(url)}"
    )
    content = sending.from_cpts(cpts, "une demande de soins non programmés attend un volontaire", body, url=url)
    message = sending.message_key("snp.duty_call", call_id, message_id=message_id)
    return sending.sent_any(
        sending.notify(kinds.SNP_DUTY_CALL, message, sending.Recipient.professional(call.professional), content)
    )


@sending.notification_task()
def send_escalation(request_id: int, message_id: str = "") -> bool:
    """Tell the coordinators that nobody took a request in time."""
    care_request = CareRequest.objects.select_related("cpts").filter(pk=request_id).first()
    if care_request is None:
        return False
    cpts = care_request.cpts
    url = reverse("snp_request_detail", args=[cpts.slug, care_request.pk])
    content = sending.from_cpts(
        cpts,
        f"demande de soins non programmés n° {care_request.pk} sans volontaire",
        "Aucun volontaire n'a pris cette demande de soins non programmés à temps : "
        f"elle vous est remontée.\n{sending.absolute(url)}",
        url=url,
    )
    coordinators = (
        CptsRole.objects.filter(cpts=cpts, role=CptsRoleKind.COORDINATOR)
        .values_list("user_id", "user__email")
        .order_by("user_id")
        .distinct()
    )
    items = [
        (sending.Recipient(key=f"user:{user_id}", user_id=user_id, email=email), content)
        for user_id, email in coordinators
    ]
    message = sending.message_key("snp.escalation", request_id, message_id=message_id)
    outcomes = sending.notify_many(kinds.SNP_ESCALATION, message, items)
    return any(sending.sent_any(by_channel) for by_channel in outcomes.values())


@sending.notification_task()
def send_booking_cancelled(booking_id: int, message_id: str = "") -> bool:
    """Tell the requester their booking's slot was cancelled: numbers and a link, no patient
    name nor reason."""
    booking = (
        Booking.objects.select_related("cpts", "request__requested_by", "practice_place__commune")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return False
    url = reverse("snp_request_detail", args=[booking.cpts.slug, booking.request_id])
    content = sending.from_cpts(
        booking.cpts,
        f"rendez-vous SNP n° {booking.pk} annulé",
        f"Le rendez-vous SNP n° {booking.pk} du {timezone.localtime(booking.appointment_at):%d/%m/%Y à %H:%M} "
        f"({booking.practice_place.commune.name}) est annulé : le professionnel a annulé son créneau.\n"
        f"La demande n° {booking.request_id} est de nouveau à placer.\n\n{sending.absolute(url)}",
        url=url,
    )
    message = sending.message_key("snp.booking_cancelled", booking_id, message_id=message_id)
    recipient = sending.Recipient.user(booking.request.requested_by)
    return sending.sent_any(sending.notify(kinds.SNP_BOOKING_CANCELLED, message, recipient, content))
