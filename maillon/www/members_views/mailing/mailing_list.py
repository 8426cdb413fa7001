"""The messages sent by the coordination (coordinators): subject, date, count."""

from django.shortcuts import render

from maillon.members.models import Mailing

from ...space import allow
from .. import page
from .common import require_coordinator, space_breadcrumb


@page("messages/")
@allow("GET", "HEAD", check=require_coordinator)
def members_mailings(request, cpts_slug):
    cpts = request.cpts
    mailings = Mailing.objects.for_cpts(cpts).select_related("sent_by")
    context = {
        "cpts": cpts,
        "mailings": mailings,
        "title": f"Messages aux membres — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Messages"),
    }
    return render(request, "members/mailing/list.html", context)
