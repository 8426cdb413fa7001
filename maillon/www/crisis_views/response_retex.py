"""The RETEX of an ended crisis or exercise (coordination): what went well, what did not,
and the improvement actions, carried into the next version of the crisis plan."""

from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.crisis_response import policies, services

from ..space import allow, save_form
from . import page
from .response_common import crises_breadcrumb, crisis_or_404, may, require_role
from .response_forms import RetexForm


@page("crise/<int:pk>/retex/")
@allow("GET", "POST", check=require_role, role=True)
def crisis_response_retex(request, cpts_slug, pk, role):
    crisis = crisis_or_404(request, pk)
    retex = getattr(crisis, "retex", None)
    may_write = policies.can_write_retex(request.user, crisis.cpts)
    if request.method == "POST":
        ensure_allowed(may_write, "Seule la coordination rédige le RETEX.")
    can_write = may_write and retex is None and not crisis.is_active
    form = RetexForm(request.POST or None) if can_write else None
    written = "RETEX enregistré ; ses actions sont reportées dans le plan de crise."
    if (
        request.method == "POST"
        and form is not None
        and save_form(
            request, form, lambda: services.write_retex(crisis, by=request.user, **form.cleaned_data), written
        )
    ):
        return redirect("crisis_response_retex", crisis.cpts.slug, crisis.pk)
    board = (str(crisis), reverse("crisis_response_board", args=[crisis.cpts.slug, crisis.pk]))
    context = {
        "cpts": crisis.cpts,
        "crisis": crisis,
        "retex": retex,
        "role": role,
        "may": may(request),
        "form": form,
        "figures": services.level_figures(crisis),
        "title": f"RETEX — {crisis}",
        "breadcrumb_data": crises_breadcrumb(crisis.cpts, role, "RETEX", board),
    }
    return render(request, "crisis/response_retex.html", context)
