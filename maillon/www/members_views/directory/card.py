"""The full directory card of one member of the CPTS (any role)."""

from django.shortcuts import render

from ...space import allow
from .. import page
from ..adhesion.common import require_member
from . import display


@page("annuaire/<int:pk>/")
@allow("GET", check=require_member)
def members_card(request, cpts_slug, pk):
    professional = display.read_entry(request, display.professional_or_404, pk, display.CARD_FIELDS)
    context = display.card_context(request.cpts, str(professional)) | {
        "professional": professional,
        "profession": display.profession_label(professional),
        "involvement": display.involvement_label(professional),
        "languages": display.language_names(professional),
        "is_me": request.user.is_authenticated and professional.user_id == request.user.pk,
    }
    return render(request, "members/directory/card.html", context)
