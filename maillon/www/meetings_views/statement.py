"""A member's yearly statement (relevé), printable: their validated time, the rate, the
amount and the cap. The coordinator reads everyone's, a member only their own."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import TimeEntry
from maillon.members.models import Membership

from .common import is_coordinator, meetings_breadcrumb, my_membership, payments_link, require_member


def meetings_statement(request, cpts_slug, pk):
    require_member(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    membership = get_object_or_404(
        Membership.objects.for_cpts(cpts).select_related("professional", "structure", "payment_details"), pk=pk
    )
    coordinator = is_coordinator(request)
    if not coordinator:
        mine = my_membership(request)
        if mine is None or mine.pk != membership.pk:
            raise Http404
    year = services.year_or_current(request.GET.get("annee"))
    entries = list(
        TimeEntry.objects.for_cpts(cpts)
        .filter(membership=membership)
        .of_year(year)
        .validated()
        .select_related("meeting")
        .order_by("date", "pk")
    )
    details = getattr(membership, "payment_details", None)
    journal.record(journal.Action.READ, membership, fields=["member.name", "time_entries"], note=f"relevé {year}")
    links = [payments_link(cpts)] if coordinator else []
    context = {
        "cpts": cpts,
        "membership": membership,
        "year": year,
        "entries": entries,
        "indemnity": services.indemnity(membership, year),
        "masked_iban": details.masked_iban if details else "",
        "coordinator": coordinator,
        "section": "payments" if coordinator else "time",
        "title": f"Relevé d'indemnités {year} — {membership.member}",
        "breadcrumb_data": meetings_breadcrumb(cpts, f"Relevé {year}", *links),
    }
    return render(request, "meetings/statement.html", context)
