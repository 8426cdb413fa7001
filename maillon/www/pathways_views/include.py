"""Include a patient in a programme: the identity (the INS traits and their status), the
recorded consent, the lead and, if wanted, one more member of the care team. Once done, the
inclusion's page (its number in the address, never the patient's name)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.pathways import services

from ..space import allow, save_form
from . import page
from .common import own_adhesion, pathways_breadcrumb, policies, professional_adherents, require_include
from .forms import IncludeForm


@page("parcours/inclure/")
@allow("GET", "POST", check=require_include)
def pathways_include(request, cpts_slug):
    cpts = request.cpts
    programmes = policies.visible_programmes(request.user, cpts).current().order_by("name")
    mine = own_adhesion(request)
    initial = {"lead": mine.pk if mine else None}
    chosen = str(request.GET.get("programme", ""))
    if chosen.isdigit():
        initial["programme"] = int(chosen)
    form = IncludeForm(
        request.POST or None,
        initial=initial,
        cpts=cpts,
        programmes=programmes,
        adherents=professional_adherents(cpts),
    )
    written = []

    def include():
        written.append(
            services.include_patient(
                cpts,
                programme=form.cleaned_data["programme"],
                lead=form.cleaned_data["lead"],
                by=request.user,
                team=form.team(),
                **form.identity_and_consent(),
            )
        )
        return written[0]

    if request.method == "POST":
        if cpts.is_dissolved:
            messages.error(request, "Cette CPTS est dissoute : elle n'inclut plus de patient.")
        elif save_form(request, form, include, lambda inclusion: f"Patient inclus : {inclusion}."):
            return redirect("pathways_inclusion", cpts_slug=cpts.slug, pk=written[0].pk)
    context = {
        "cpts": cpts,
        "form": form,
        "has_programmes": programmes.exists(),
        "coordinator": policies.can_manage_programmes(request.user, cpts),
        "page_url": reverse("pathways_include", args=[cpts.slug]),
        "section": "include",
        "title": f"Inclure un patient — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, "Inclure un patient"),
    }
    return render(request, "pathways/include.html", context)
