"""The installation projects (mission 6, point 2): the coordination follows each professional who
wants to settle in the territory — who, which profession, the commune in view, the wished date —
through four steps (premises, administrative steps, patient base, colleagues met), each recorded
on its own (a date once done, a note), until the professional settles or gives up (with a
reason). The professional whose adhesion is tied to the project reads it; the welcome kit
(`kit.py`) goes with it.

Rights from `support.policies`: `visible_installations` (404 for the others, as a missing
project), `can_manage_support` to open one, `can_follow_installation` to change it (403)."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.support import policies, services
from maillon.support.models import InstallationProject, InstallationStatus, InstallationStepKind

from ..space import allow, save_form
from ..toolkit.communes import commune_suggestions
from . import page
from .forms_installation import AbandonForm, InstallationForm, SettleForm, StepForm
from .home import require_support, support_breadcrumb

INSTALLATIONS_TITLE = "Projets d'installation"
ALL = "tous"
STATES = [*InstallationStatus.choices, (ALL, "Tous")]
STEP_ORDER = {kind: rank for rank, kind in enumerate(InstallationStepKind.values)}


def installations_link(cpts) -> tuple[str, str]:
    return (INSTALLATIONS_TITLE, reverse("installation_list", args=[cpts.slug]))


def installation_link(project) -> tuple[str, str]:
    return (project.name, reverse("installation_detail", args=[project.cpts.slug, project.pk]))


def project_or_404(request, pk) -> InstallationProject:
    projects = policies.visible_installations(request.user, request.cpts).select_related(
        "commune", "referent", "membership__professional"
    )
    return get_object_or_404(projects, pk=pk)


def followed_project(request, pk) -> InstallationProject:
    """404 for a project the user does not see, 403 unless they follow it (the coordination)."""
    project = project_or_404(request, pk)
    ensure_allowed(policies.can_follow_installation(request.user, project))
    return project


@page("accompagnement/installations/")
@allow("GET", check=require_support)
def installation_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    state = str(request.GET.get("etat", InstallationStatus.OPEN))
    if state not in {value for value, _ in STATES}:
        state = InstallationStatus.OPEN
    projects = policies.visible_installations(user, cpts)
    if state != ALL:
        projects = projects.filter(status=state)
    projects = (
        projects.select_related("commune", "referent")
        .annotate(done=Count("steps", filter=Q(steps__done_on__isnull=False)))
        .order_by("wished_on", "last_name", "first_name", "pk")
    )
    manager = policies.can_manage_support(user, cpts)
    title = INSTALLATIONS_TITLE if manager else "Mon projet d'installation"
    context = {
        "cpts": cpts,
        "projects": list(projects),
        "steps_total": len(InstallationStepKind.values),
        "states": STATES,
        "state": state,
        "may_create": policies.can_start_installation(user, cpts),
        "heading": title,
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, title),
    }
    return render(request, "support/installation/list.html", context)


def form_page(request, form, *, heading, post_to, cancel_url, crumbs):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "form": form,
        "heading": heading,
        "post_to": post_to,
        "cancel_url": cancel_url,
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": crumbs,
    }
    return render(request, "support/installation/form.html", context, status=400 if form.errors else 200)


@page("accompagnement/installations/nouveau/")
@allow("GET", "POST", check=require_support)
def installation_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_start_installation(request.user, cpts))
    page_url = reverse("installation_create", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = InstallationForm(request.POST or None, cpts=cpts, search_url=page_url, initial={"referent": request.user.pk})
    created = {}

    def write():
        fields = form.project_fields()
        if fields["referent"] is None:
            del fields["referent"]  # followed by whoever opens it (`services.start_installation`)
        created["project"] = services.start_installation(cpts=cpts, by=request.user, **fields)

    if request.method == "POST" and save_form(request, form, write, "Projet d'installation ouvert."):
        return redirect("installation_detail", cpts_slug=cpts.slug, pk=created["project"].pk)
    return form_page(
        request,
        form,
        heading="Suivre une nouvelle installation",
        post_to=page_url,
        cancel_url=reverse("installation_list", args=[cpts.slug]),
        crumbs=support_breadcrumb(cpts, "Nouvelle installation", installations_link(cpts)),
    )


@page("accompagnement/installations/<int:pk>/modifier/")
@allow("GET", "POST", check=require_support)
def installation_edit(request, cpts_slug, pk):
    cpts = request.cpts
    project = followed_project(request, pk)
    page_url = reverse("installation_edit", args=[cpts.slug, project.pk])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    initial = {
        "first_name": project.first_name,
        "last_name": project.last_name,
        "profession": project.profession,
        "email": project.email,
        "phone": project.phone,
        "wished_on": project.wished_on,
        "membership": project.membership_id,
        "referent": project.referent_id,
        "notes": project.notes,
    }
    form = InstallationForm(
        request.POST or None, cpts=cpts, search_url=page_url, initial=initial, initial_commune=project.commune
    )

    def write():
        for name, value in form.project_fields().items():
            setattr(project, name, value.strip() if isinstance(value, str) else value)
        project.full_clean()
        project.save()

    if request.method == "POST" and save_form(request, form, write, "Projet d'installation enregistré."):
        return redirect("installation_detail", cpts_slug=cpts.slug, pk=project.pk)
    return form_page(
        request,
        form,
        heading=f"Modifier le projet de {project.name}",
        post_to=page_url,
        cancel_url=reverse("installation_detail", args=[cpts.slug, project.pk]),
        crumbs=support_breadcrumb(cpts, "Modifier", installations_link(cpts), installation_link(project)),
    )


# --- The project's page and its actions -------------------------------------------------------


def step_rows(project, follow: bool, forms: dict) -> list:
    """The four steps in their order, each with its form for whoever follows the project (its
    fields' ids name the step: four forms on one page)."""
    steps = sorted(project.steps.all(), key=lambda step: STEP_ORDER.get(step.kind, len(STEP_ORDER)))
    for step in steps:
        step.form = None
        if follow:
            step.form = forms.get(step.kind) or StepForm(
                auto_id=f"id_{step.kind}-%s", initial={"done_on": step.done_on, "note": step.note}
            )
    return steps


def installation_page(request, project, *, forms=None, errors=()):
    """The project's page; after a refused action, with the posted form and its errors (400)."""
    cpts, user = request.cpts, request.user
    forms = forms or {}
    follow = policies.can_follow_installation(user, project)
    is_open = project.status == InstallationStatus.OPEN
    steps = step_rows(project, follow and is_open, forms)
    context = {
        "cpts": cpts,
        "project": project,
        "steps": steps,
        "done": sum(1 for step in steps if step.done_on),
        "follow": follow,
        "coordinator": policies.can_read_installation_notes(user, project),  # the follow-up notes
        "is_open": is_open,
        "settle_form": forms.get("settle") or (SettleForm() if follow and is_open else None),
        "abandon_form": forms.get("abandon") or (AbandonForm() if follow and is_open else None),
        "tutorings": list(
            policies.visible_tutoring(user, cpts)
            .filter(installation=project)
            .select_related("tutor__professional")
            .order_by("-started_on", "pk")
        ),
        "errors": list(errors),
        "title": f"Installation de {project.name} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, project.name, installations_link(cpts)),
    }
    return render(request, "support/installation/detail.html", context, status=400 if forms or errors else 200)


@page("accompagnement/installations/<int:pk>/")
@allow("GET", check=require_support)
def installation_detail(request, cpts_slug, pk):
    return installation_page(request, project_or_404(request, pk))


def back_to_project(project, anchor=""):
    url = reverse("installation_detail", args=[project.cpts.slug, project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@page("accompagnement/installations/<int:pk>/etapes/<str:kind>/")
@allow("POST", check=require_support)
def installation_step(request, cpts_slug, pk, kind):
    project = followed_project(request, pk)
    step = get_object_or_404(project.steps.all(), kind=kind)
    form = StepForm(request.POST, auto_id=f"id_{step.kind}-%s")

    def write():
        step.record(done_on=form.cleaned_data["done_on"], note=form.cleaned_data["note"], by=request.user)

    if save_form(request, form, write, f"Étape « {step.get_kind_display()} » enregistrée."):
        return back_to_project(project, f"etape-{step.kind}")
    return installation_page(request, project, forms={step.kind: form})


@page("accompagnement/installations/<int:pk>/installe/")
@allow("POST", check=require_support)
def installation_settle(request, cpts_slug, pk):
    project = followed_project(request, pk)
    form = SettleForm(request.POST)

    def write():
        project.settle(by=request.user, on=form.cleaned_data["settled_on"])

    if save_form(request, form, write, f"Installation de {project.name} enregistrée : le projet est clos."):
        return back_to_project(project)
    project.refresh_from_db()
    return installation_page(request, project, forms={"settle": form})


@page("accompagnement/installations/<int:pk>/abandon/")
@allow("POST", check=require_support)
def installation_abandon(request, cpts_slug, pk):
    project = followed_project(request, pk)
    form = AbandonForm(request.POST)

    def write():
        project.abandon(by=request.user, note=form.cleaned_data["note"])

    if save_form(request, form, write, "Projet d'installation abandonné."):
        return back_to_project(project)
    project.refresh_from_db()
    return installation_page(request, project, forms={"abandon": form})
