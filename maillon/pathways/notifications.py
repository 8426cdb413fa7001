"""Messages of the care pathways, through the one notification mechanism
(`maillon.core.notifications.sending`): queued on commit, sent by the worker, once per
(message, recipient, channel), each person's preferences applied.

No patient name nor anything medical in a message: the break's kind, the inclusion's number
and a link behind the login. Tasks take ids only.
"""

from django.urls import reverse

from maillon.core.models import CptsRole, CptsRoleKind
from maillon.core.notifications import kinds, sending

from .models import CareBreak


@sending.notification_task()
def send_breaks(break_ids: list[int], message_id: str = "") -> int:
    """Tell the lead and the coordinators of each break, once per break (the break's id is the
    message: a task run again sends nothing twice). Returns how many breaks were told."""
    found = CareBreak.objects.select_related("cpts", "inclusion__lead__professional").filter(pk__in=break_ids)
    coordinators = {}
    told = 0
    for care_break in found.order_by("pk"):
        cpts = care_break.cpts
        if cpts.pk not in coordinators:
            roles = CptsRole.objects.filter(cpts=cpts, role=CptsRoleKind.COORDINATOR).select_related("user")
            coordinators[cpts.pk] = {f"user:{role.user_id}": sending.Recipient.user(role.user) for role in roles}
        recipients = dict(coordinators[cpts.pk])
        lead = care_break.inclusion.lead.professional
        if lead is not None and f"user:{lead.user_id}" not in recipients:
            recipients[f"professional:{lead.pk}"] = sending.Recipient.professional(lead)
        content = break_content(care_break)
        message = sending.message_key(kinds.PATHWAYS_BREAK, care_break.pk)
        outcomes = sending.notify_many(kinds.PATHWAYS_BREAK, message, [(r, content) for r in recipients.values()])
        told += any(sending.sent_any(by_channel) for by_channel in outcomes.values())
    return told


def break_content(care_break) -> sending.Content:
    cpts = care_break.cpts
    url = reverse("pathways_inclusion", args=[cpts.slug, care_break.inclusion_id])
    return sending.from_cpts(
        cpts,
        f"rupture de parcours (inclusion n° {care_break.inclusion_id})",
        f"Le contrôle quotidien des parcours a repéré : {care_break.get_kind_display().lower()} "
        f"(inclusion n° {care_break.inclusion_id}). Connectez-vous pour voir le parcours et noter "
        f"ce qui a été fait :\n{sending.absolute(url)}",
        url=url,
    )
