"""The training supervisors (« maîtres de stage », mission 6): every role in the CPTS reads the
list (profession, levels hosted, places per semester, accreditation); the coordination adds a
supervisor among the professional adherents and changes them."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_allowed
from maillon.support import policies
from maillon.support.models import PlacementStatus, Supervisor

from ..space import allow, save_form
from . import page
from .forms_training import SupervisorForm
from .home import require_support, support_breadcrumb

SUPERVISORS_TITLE = "Maîtres de stage"


def supervisors_link(cpts) -> tuple[str, str]:
    return (SUPERVISORS_TITLE, reverse("supervisor_list", args=[cpts.slug]))


@page("accompagnement/maitres-de-stage/")
@allow("GET", check=require_support)
def supervisor_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    today = timezone.localdate()
    current = Q(placements__status__in=[PlacementStatus.OPEN, PlacementStatus.FILLED], placements__ends_on__gte=today)
    supervisors = list(
        policies.visible_supervisors(user, cpts)
        .select_related("membership__professional")
        .annotate(
            coming=Count("placements", filter=current, distinct=True),
        )
        .order_by("-active", "membership__professional__last_name", "membership__professional__first_name", "pk")
    )
    for supervisor in supervisors:
        supervisor.expired = not supervisor.is_accredited_on(today)
    context = {
        "cpts": cpts,
        "supervisors": supervisors,
        "may_manage": policies.can_manage_supervisors(user, cpts),
        "title": f"{SUPERVISORS_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, SUPERVISORS_TITLE),
    }
    return render(request, "support/training/supervisors.html", context)


def form_page(request, form, *, heading, post_to, crumbs, supervisor=None):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "form": form,
        "supervisor": supervisor,
        "heading": heading,
        "post_to": post_to,
        "cancel_url": reverse("supervisor_list", args=[cpts.slug]),
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": crumbs,
    }
    return render(request, "support/training/supervisor_form.html", context, status=400 if form.errors else 200)


def write(supervisor, form):
    """Save a supervisor created or changed from the valid `form` (the model's checks first)."""
    for name, value in form.supervisor_fields().items():
        setattr(supervisor, name, value)
    supervisor.full_clean()
    supervisor.save()
    return supervisor


@page("accompagnement/maitres-de-stage/nouveau/")
@allow("GET", "POST", check=require_support)
def supervisor_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_manage_supervisors(request.user, cpts))
    form = SupervisorForm(request.POST or None, cpts=cpts)

    def create():
        return write(Supervisor(cpts=cpts, membership=form.cleaned_data["membership"]), form)

    if request.method == "POST" and save_form(request, form, create, lambda s: f"Maître de stage ajouté : {s.name}."):
        return redirect("supervisor_list", cpts_slug=cpts.slug)
    return form_page(
        request,
        form,
        heading="Nouveau maître de stage",
        post_to=reverse("supervisor_create", args=[cpts.slug]),
        crumbs=support_breadcrumb(cpts, "Nouveau maître de stage", supervisors_link(cpts)),
    )


@page("accompagnement/maitres-de-stage/<int:pk>/modifier/")
@allow("GET", "POST", check=require_support)
def supervisor_edit(request, cpts_slug, pk):
    cpts = request.cpts
    supervisors = policies.visible_supervisors(request.user, cpts).select_related("membership__professional")
    supervisor = get_object_or_404(supervisors, pk=pk)
    ensure_allowed(policies.can_manage_supervisors(request.user, cpts))
    form = SupervisorForm(request.POST or None, cpts=cpts, supervisor=supervisor)

    if request.method == "POST" and save_form(
        request, form, lambda: write(supervisor, form), "Maître de stage enregistré."
    ):
        return redirect("supervisor_list", cpts_slug=cpts.slug)
    return form_page(
        request,
        form,
        heading=f"Modifier — {supervisor.name}",
        supervisor=supervisor,
        post_to=reverse("supervisor_edit", args=[cpts.slug, supervisor.pk]),
        crumbs=support_breadcrumb(cpts, "Modifier", supervisors_link(cpts)),
    )
