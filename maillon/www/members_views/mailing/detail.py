"""One sent message (coordinators): its text, its criteria and each recipient's status.

Showing the recipients is a read of personal data: journaled (field names, never values).
"""

from django.shortcuts import get_object_or_404, render

from maillon.core import journal
from maillon.members.models import College, Mailing, RecipientStatus

from ...space import allow
from .. import page
from .common import mailings_link, require_coordinator, space_breadcrumb
from .forms import describe_criteria

SHOWN_FIELDS = ["first_name", "last_name", "name", "email", "status"]


@page("messages/<int:pk>/")
@allow("GET", "HEAD", check=require_coordinator)
def members_mailing(request, cpts_slug, pk):
    cpts = request.cpts
    mailing = get_object_or_404(Mailing.objects.for_cpts(cpts).select_related("sent_by"), pk=pk)
    recipients = list(
        mailing.recipients.select_related("membership__professional", "membership__structure").order_by("pk")
    )
    journal.record(
        journal.Action.READ,
        mailing,
        fields=SHOWN_FIELDS,
        note=f"{len(recipients)} destinataire(s) affiché(s)",
    )
    context = {
        "cpts": cpts,
        "mailing": mailing,
        "recipients": recipients,
        "failed": sum(1 for recipient in recipients if recipient.status == RecipientStatus.FAILED),
        "criteria": describe_criteria(mailing.criteria, College.objects.for_cpts(cpts)),
        "title": f"{mailing.subject} — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, mailing.subject, mailings_link(cpts)),
    }
    return render(request, "members/mailing/detail.html", context)
