"""A professional or a structure asks to join the CPTS: public page, no login.

A card already on the platform (same RPPS/ADELI, FINESS/SIRET) is never changed
from here, since anyone could type someone else's number: only the request is
created, and the coordinator sees that the card existed. Nothing personal goes
into the URL: after the POST, the same page says « sent » with `?envoye=1`.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse

from ...public_views.public_request import public_request_page
from ...toolkit.navigation import breadcrumb
from .. import page
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


@page("adherer/")
def members_join(request, cpts_slug):
    cpts = request.cpts
    kind = chosen_kind(request)
    form_class, submit = KINDS[kind]
    context = {
        "kind": kind,
        "title": f"Adhérer à la {cpts.name}",
        "breadcrumb_data": breadcrumb("Adhérer", (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    return public_request_page(
        request,
        "members_join",
        SENT_PARAMETER,
        context,
        templates=("members/adhesion/join.html", "members/adhesion/join_sent.html"),
        form_of=lambda page_url: form_class(request.POST or None, cpts=cpts, search_url=page_url),
        submit=lambda form: send(form, submit, cpts),
    )


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
