"""A professional or a structure asks to join the CPTS: public page, no login.

A card already on the platform (same RPPS/ADELI, FINESS/SIRET) is never changed
from here, since anyone could type someone else's number: only the request is
created, and the coordinator sees that the card existed. Nothing personal goes
into the URL: after the POST, the same page says « sent » with `?envoye=1`.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from ...toolkit.communes import commune_suggestions
from ...toolkit.navigation import breadcrumb
from .common import add_errors
from .forms import ProfessionalJoinForm, StructureJoinForm
from .writes import request_for_professional, request_for_structure

KINDS = {
    ProfessionalJoinForm.kind: (ProfessionalJoinForm, request_for_professional),
    StructureJoinForm.kind: (StructureJoinForm, request_for_structure),
}
SENT_PARAMETER = "envoye"


def chosen_kind(request) -> str:
    kind = request.POST.get("qui") or request.GET.get("qui") or ""
    return kind if kind in KINDS else ProfessionalJoinForm.kind


def members_join(request, cpts_slug):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    page_url = reverse("members_join", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    context = {
        "cpts": cpts,
        "title": f"Adhérer à la {cpts.name}",
        "breadcrumb_data": breadcrumb("Adhérer", (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    if request.GET.get(SENT_PARAMETER) == "1":
        return render(request, "members/adhesion/join_sent.html", context)
    kind = chosen_kind(request)
    form_class, submit = KINDS[kind]
    form = form_class(request.POST or None, cpts=cpts, search_url=page_url)
    if request.method == "POST" and not cpts.is_dissolved:
        if form.is_spam():
            # Robots get the same answer as people, and nothing is written.
            return redirect(f"{page_url}?{SENT_PARAMETER}=1")
        if form.is_valid() and send(form, submit, cpts):
            return redirect(f"{page_url}?{SENT_PARAMETER}=1")
    context.update({"form": form, "kind": kind, "page_url": page_url})
    return render(request, "members/adhesion/join.html", context)


def send(form, submit, cpts) -> bool:
    try:
        submit(cpts, form.cleaned_data)
    except ValidationError as error:
        if getattr(error, "code", None) == "already_member":
            # Same answer as a new request: an anonymous visitor must not learn, by
            # trying numbers, who is a member (the coordinator already has the request).
            return True
        add_errors(form, error)
        return False
    return True
