"""The live board of a crisis: who was reached, who answered, who is mobilised where, the
figures per level of the cascade, and the main courante. The coordination and the
authority write in the main courante; the coordination mobilises and ends the crisis; only
the authority recognises a serious crisis. The board refreshes itself (htmx poll of
`crisis_response_board_live`; without JavaScript, the « Actualiser » link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from maillon.crisis_response import services
from maillon.crisis_response.access import can_write_log

from ..public_views.common import vary_on_htmx
from .response_common import AUTHORITY, COORDINATOR, crises_breadcrumb, crisis_or_404, require_role
from .response_forms import AssignForm, LogForm

POLL_SECONDS = 15


def _board_context(request, crisis, role):
    rows = services.board(crisis, by=request.user, note="tableau de crise")
    return {
        "cpts": crisis.cpts,
        "crisis": crisis,
        "role": role,
        "rows": rows,
        "figures": services.level_figures(crisis),
        "log": crisis.log.select_related("author", "professional").order_by("-at", "-pk"),
        "poll_seconds": POLL_SECONDS,
        "can_write_log": can_write_log(role) and crisis.is_active,
        "can_mobilise": role == COORDINATOR and crisis.is_active,
    }


def crisis_response_board(request, cpts_slug, pk):
    role = require_role(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    crisis = crisis_or_404(request, pk)
    log_form = LogForm(request.POST if request.POST.get("action") == "log" else None)
    if request.method == "POST" and _post(request, crisis, role, log_form):
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


def crisis_response_board_live(request, cpts_slug, pk):
    """The board's live part alone, for the htmx poll."""
    role = require_role(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    crisis = crisis_or_404(request, pk)
    return vary_on_htmx(render(request, "crisis/response_board_live.html", _board_context(request, crisis, role)))


def _post(request, crisis, role, log_form) -> bool:
    """True when done (redirect); False to show the page with the form's errors."""
    action = request.POST.get("action")
    try:
        if action == "log" and can_write_log(role):
            if not log_form.is_valid():
                return False
            services.add_log(crisis, by=request.user, **log_form.cleaned_data)
            messages.success(request, "Ligne ajoutée à la main courante.")
        elif action == "assign" and role == COORDINATOR:
            form = AssignForm(request.POST)
            if form.is_valid():
                recipient = get_object_or_404(crisis.recipients, pk=form.cleaned_data["recipient"])
                services.assign(recipient, assignment=form.cleaned_data["assignment"], by=request.user)
                messages.success(request, "Mobilisation enregistrée.")
        elif action == "end" and role == COORDINATOR:
            services.end(crisis, by=request.user)
            messages.success(request, f"{crisis.kind_label} terminé(e). Rédigez maintenant le RETEX.")
        elif action == "recognise" and role == AUTHORITY:
            crisis.recognise(by=request.user)
            messages.success(request, "Crise sanitaire grave reconnue.")
        elif action == "escalate" and role == COORDINATOR:
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
