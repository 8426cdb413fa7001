"""A coordinator invites a person into their CPTS, with a role.

Route `cpts_invite`, /cpts/<slug:cpts_slug>/invitations/, registered in cpts_views/urls.py.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from maillon.core import cpts_policies, services
from maillon.core.policies import ensure_allowed, ensure_visible

from ..space import add_errors
from .forms import InviteForm


def invite(request, cpts_slug):
    # 404 outside the members' space (as for a CPTS that does not exist), 403 for a member.
    ensure_visible(cpts_policies.can_see_dashboard(request.user, request.cpts))
    ensure_allowed(cpts_policies.can_invite(request.user, request.cpts))
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(request.cpts, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success_message(invitation))
            return redirect("cpts_invite", cpts_slug=request.cpts.slug)
    context = {
        "title": f"Inviter une personne — {request.cpts.name}",
        "form": form,
        "cpts": request.cpts,
        "expiry_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    return render(request, "accounts/invite.html", context)


def success_message(invitation) -> str:
    role = invitation.role.get_role_display().lower()
    if invitation.resent:
        return f"Invitation renvoyée : la personne a reçu un nouveau lien pour créer son accès ({role})."
    if invitation.sent_link:
        return f"Invitation envoyée : la personne a reçu un lien pour créer son accès ({role})."
    return f"Rôle ajouté ({role}) : la personne, qui a déjà un compte, en a été informée par courriel."
