"""« Mon offre »: a member doctor opens, edits, pauses or closes their places, and sees
the patients proposed to them (a closed offer stays in the history; a new one may follow)."""

from functools import partial

from django.shortcuts import redirect, render

from maillon.mt import services
from maillon.mt.models import OPEN_PROPOSAL_STATUSES, DoctorOffer, OfferStatus, Proposal, ProposalStatus

from ..space import allow, save_form
from . import page
from .common import is_coordinator, my_doctor_card, require_member, space_breadcrumb
from .forms import OfferForm

SHOWN_TO_DOCTOR = [*OPEN_PROPOSAL_STATUSES, ProposalStatus.DECLARED]


def live_offer(cpts, doctor):
    return (
        DoctorOffer.objects.for_cpts(cpts)
        .filter(doctor=doctor)
        .exclude(status=OfferStatus.CLOSED)
        .prefetch_related("communes")
        .first()
    )


def offer_initial(offer) -> dict:
    if offer is None:
        return {"places_per_month": 2, "status": OfferStatus.OPEN}
    return {
        "places_per_month": offer.places_per_month,
        "communes": ", ".join(commune.code for commune in offer.communes.all()),
        "radius_km": offer.radius_km,
        "refuses": offer.refuses,
        "status": offer.status,
    }


def save_offer(request, target, form):
    data = form.cleaned_data
    target.places_per_month = data["places_per_month"]
    target.radius_km = data["radius_km"]
    target.refuses = list(data["refuses"])
    # A new offer starts in the chosen state; a live one moves there through its workflow.
    services.save_offer(target, communes=data["communes"], status=data["status"], by=request.user)
    return target


def saved_message(offer) -> str:
    return f"Votre offre est enregistrée : {offer.get_status_display().lower()}."


@page("medecin-traitant/mon-offre/")
@allow("GET", "POST", check=require_member)
def mt_offer(request, cpts_slug):
    cpts = request.cpts
    doctor = my_doctor_card(request)
    context = {
        "cpts": cpts,
        "doctor": doctor,
        "section": "offer",
        "coordinator": is_coordinator(request),
        "title": f"Mon offre de médecin traitant — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Mon offre de médecin traitant"),
    }
    if doctor is None:
        # Not a member doctor here: the page says who it is for, and shows nothing else.
        return render(request, "mt/offer.html", context)
    offer = live_offer(cpts, doctor)
    form = OfferForm(
        request.POST or None,
        initial=offer_initial(offer),
        has_practice_place=doctor.practice_places.exists(),
    )
    target = offer or DoctorOffer(cpts=cpts, doctor=doctor)
    write = partial(save_offer, request, target, form)
    if request.method == "POST" and not cpts.is_dissolved and save_form(request, form, write, saved_message):
        return redirect("mt_offer", cpts.slug)
    # Details (the patient's commune) only while the proposal is open or once declared;
    # refused, expired or withdrawn ones are a bare count.
    mine = Proposal.objects.filter(offer__cpts=cpts, offer__doctor=doctor)
    shown = mine.filter(status__in=SHOWN_TO_DOCTOR)
    proposals = shown.select_related("patient__commune").order_by("-created_at", "-pk")[:100]
    context.update(
        {
            "offer": offer,
            "form": form,
            "proposals": proposals,
            "closed_count": mine.exclude(status__in=SHOWN_TO_DOCTOR).count(),
            "places_left": offer and offer.places_left(),
        }
    )
    return render(request, "mt/offer.html", context)
