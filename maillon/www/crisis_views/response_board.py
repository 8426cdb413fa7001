"""The live board of a crisis: who was reached, who answered, who is mobilised where, the
figures per level of the cascade, and the main courante. The coordination and the
authority write in the main courante; the coordination mobilises and ends the crisis; only
the authority recognises a serious crisis. The board refreshes itself (htmx poll of
`crisis_response_board_live`; without JavaScript, the « Actualiser » link). Who does what:
`maillon.crisis_response.policies`; an action the user's role does not allow answers 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core.policies import ensure_allowed
from maillon.crisis_response import policies, services

from ..space import allow
from ..toolkit.htmx import vary_on_htmx
from . import page
from .response_common import crises_breadcrumb, crisis_or_404, may, require_role
from .response_forms import AssignForm, LogForm

POLL_SECONDS = 15
# The posted actions → (the policy that allows them, the 403 message).
ACTIONS = {
    "log": (policies.can_write_log, "Votre rôle ne permet pas d'écrire dans la main courante."),
    "assign": (policies.can_mobilise, "Seule la coordination mobilise les membres."),
    "escalate": (policies.can_mobilise, "Seule la coordination alerte le niveau suivant."),
    "end": (policies.can_end_crisis, "Seule la coordination termine une crise."),
    "recognise": (policies.can_recognise_crisis, "Seule l'autorité reconnaît une crise sanitaire grave."),
}


def _board_context(request, crisis, role):
    rows = services.board(crisis, by=request.user, note="tableau de crise")
    return {
        "cpts": crisis.cpts,
        "crisis": crisis,
        "role": role,
        "may": may(request),
        "rows": rows,
        "figures": services.level_figures(crisis),
        "log": crisis.log.select_related("author", "professional").order_by("-at", "-pk"),
        "poll_seconds": POLL_SECONDS,
        "can_write_log": policies.can_write_log(request.user, crisis.cpts) and crisis.is_active,
        "can_mobilise": policies.can_mobilise(request.user, crisis.cpts) and crisis.is_active,
    }


@page("crise/<int:pk>/")
@allow("GET", "POST", check=require_role, role=True)
def crisis_response_board(request, cpts_slug, pk, role):
    crisis = crisis_or_404(request, pk)
    log_form = LogForm(request.POST if request.POST.get("action") == "log" else None)
    if request.method == "POST" and _post(request, crisis, log_form):
        return redirect("crisis_response_board", crisis.cpts.slug, crisis.pk)
    context = _board_context(request, crisis, role)
    context.update(
        {
            "log_form": log_form,
            "title": f"{crisis} — {crisis.cpts.name}",
            "breadcrumb_data": crises_breadcrumb(
                crisis.cpts,
                role,
                str(crisis),
            ),
        }
    )
    return render(request, "crisis/response_board.html", context)


@page("crise/<int:pk>/direct/")
@allow("GET", check=require_role, role=True)
def crisis_response_board_live(request, cpts_slug, pk, role):
    """The board's live part alone, for the htmx poll."""
    crisis = crisis_or_404(request, pk)
    return vary_on_htmx(render(request, "crisis/response_board_live.html", _board_context(request, crisis, role)))


def _post(request, crisis, log_form) -> bool:
    """True when done (redirect); False to show the page with the form's errors. 403 for an
    action the user's role does not allow."""
    action = request.POST.get("action")
    if action in ACTIONS:
        allowed, message = ACTIONS[action]
        ensure_allowed(allowed(request.user, crisis.cpts), message)
    try:
        if action == "log":
            if not log_form.is_valid():
                return False
            services.add_log(crisis, by=request.user, **log_form.cleaned_data)
            messages.success(request, "Ligne ajoutée à la main courante.")
        elif action == "assign":
            form = AssignForm(request.POST)
            if form.is_valid():
                recipient = get_object_or_404(crisis.recipients, pk=form.cleaned_data["recipient"])
                services.assign(recipient, assignment=form.cleaned_data["assignment"], by=request.user)
                messages.success(request, "Mobilisation enregistrée.")
        elif action == "end":
            services.end(crisis, by=request.user)
            messages.success(request, f"{crisis.kind_label} terminé(e). Rédigez maintenant le RETEX.")
        elif action == "recognise":
            crisis.recognise(by=request.user)
            messages.success(request, "Crise sanitaire grave reconnue.")
        elif action == "escalate":
            alerted = services.escalate_due(crisis)
            messages.info(
                request,
                f"{alerted} membre(s) du niveau suivant alerté(s)."
                if alerted
                else "Rien à faire : le délai du niveau en cours n'est pas écoulé, ou tous ont répondu.",
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return True
