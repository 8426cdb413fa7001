"""The full directory card of one member of the CPTS (any role)."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

from maillon.core import journal
from maillon.core.policies import ensure_visible
from maillon.members import policies

from ...space import space_breadcrumb
from .display import CARD_FIELDS, involvement_label, language_names, profession_label, professional_or_404


def members_card(request, cpts_slug, pk):
    ensure_visible(policies.can_see_directory(request.user, request.cpts))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    professional = professional_or_404(cpts, pk)
    # As journal.record_read, with the CPTS so the entry shows in its journal.
    journal.record(journal.Action.READ, professional, fields=CARD_FIELDS, cpts_id=cpts.pk)
    directory_url = reverse("members_directory", args=[cpts.slug])
    context = {
        "cpts": cpts,
        "professional": professional,
        "profession": profession_label(professional),
        "involvement": involvement_label(professional),
        "languages": language_names(professional),
        "is_me": request.user.is_authenticated and professional.user_id == request.user.pk,
        "title": f"{professional} — Annuaire — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            str(professional),
            ("Annuaire", directory_url),
        ),
    }
    return render(request, "members/directory/card.html", context)
