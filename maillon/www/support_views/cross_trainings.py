"""Cross-trainings (mission 6, point 4): an adherent teaches colleagues of other professions (a
pharmacist on inhalers for nurses…). Each is a meeting of mission 6 whose dates are polled among
the active adherents of the professions of its audience (`support.services.plan_cross_training`);
its page (poll, date, attendance, time counted) is the meeting's. Every role reads the list; the
coordination plans one (`support.policies.can_plan_cross_training`)."""

from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.meetings import policies as meeting_policies
from maillon.support import policies, services

from ..space import allow, save_form
from . import page
from .forms_peer import CrossTrainingForm
from .home import require_support, support_breadcrumb

CROSS_TRAININGS_TITLE = "Formations croisées"


@page("accompagnement/formations-croisees/")
@allow("GET", check=require_support)
def cross_training_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    trainings = list(
        policies.visible_cross_trainings(user, cpts)
        .select_related("trainer__professional", "meeting")
        .order_by("-created_at", "-pk")
    )
    seen = set(
        meeting_policies.visible_meetings(user, cpts)
        .filter(pk__in=[training.meeting_id for training in trainings if training.meeting_id])
        .values_list("pk", flat=True)
    )
    for training in trainings:
        training.meeting_shown = training.meeting_id in seen
    context = {
        "cpts": cpts,
        "trainings": trainings,
        "may_create": policies.can_plan_cross_training(user, cpts),
        "title": f"{CROSS_TRAININGS_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, CROSS_TRAININGS_TITLE),
    }
    return render(request, "support/peer/cross_trainings.html", context)


@page("accompagnement/formations-croisees/nouvelle/")
@allow("GET", "POST", check=require_support)
def cross_training_create(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_plan_cross_training(user, cpts))
    form = CrossTrainingForm(request.POST or None, cpts=cpts)

    def write():
        return services.plan_cross_training(cpts=cpts, by=user, **form.training_fields())

    def done(training):
        count = training.meeting.invitations.count()
        plural = "s" if count > 1 else ""
        return f"Formation croisée créée : {count} adhérent{plural} invité{plural} au sondage de dates."

    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("cross_training_list", cpts_slug=cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Nouvelle formation croisée — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(
            cpts, "Nouvelle formation", (CROSS_TRAININGS_TITLE, reverse("cross_training_list", args=[cpts.slug]))
        ),
    }
    return render(request, "support/peer/cross_training_form.html", context, status=400 if form.errors else 200)
