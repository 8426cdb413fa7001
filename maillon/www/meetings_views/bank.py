"""A member's bank details (IBAN), to be paid: entered by the member, shown masked."""

from django.contrib import messages
from django.shortcuts import redirect, render

from maillon.meetings.models import PaymentDetails

from ..space import allow, posted_form
from . import page
from .common import is_coordinator, meetings_breadcrumb, my_membership, policies, require_meetings
from .forms import BankDetailsForm


@page("temps/coordonnees-bancaires/")
@allow("GET", "POST", check=require_meetings)
def meetings_bank_details(request, cpts_slug):
    cpts = request.cpts
    membership = my_membership(request)
    allowed = membership is not None and policies.can_edit_bank_details(request.user, membership)
    form = posted_form(request, allowed, BankDetailsForm)
    details = PaymentDetails.objects.filter(membership=membership).first() if membership else None
    if request.method == "POST" and form.is_valid():
        details = details or PaymentDetails(membership=membership)
        details.iban, details.holder_name = form.cleaned_data["iban"], form.cleaned_data["holder_name"]
        details.save()
        messages.success(request, f"Coordonnées bancaires enregistrées ({details.masked_iban}).")
        return redirect("meetings_bank_details", cpts_slug=cpts.slug)
    context = {
        "cpts": cpts,
        "membership": membership,
        "details": details,
        "form": form,
        "coordinator": is_coordinator(request),
        "section": "time",
        "title": f"Coordonnées bancaires — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, "Coordonnées bancaires"),
    }
    return render(request, "meetings/bank.html", context)
