"""The full directory card of one member of the CPTS (any role)."""

from django.shortcuts import render

from ...space import allow
from .. import page
from ..adhesion.common import require_member
from .display import (
    CARD_FIELDS,
    card_context,
    involvement_label,
    language_names,
    profession_label,
    professional_or_404,
    read_entry,
)


@page("annuaire/<int:pk>/")
@allow("GET", check=require_member)
def members_card(request, cpts_slug, pk):
    professional = read_entry(request, professional_or_404, pk, CARD_FIELDS)
    context = card_context(request.cpts, str(professional)) | {
        "professional": professional,
        "profession": profession_label(professional),
        "involvement": involvement_label(professional),
        "languages": language_names(professional),
        "is_me": request.user.is_authenticated and professional.user_id == request.user.pk,
    }
    return render(request, "members/directory/card.html", context)
