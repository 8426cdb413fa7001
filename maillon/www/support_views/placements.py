"""The placements (« stages », mission 6) and the applications they receive.

The coordination offers a placement with one of the supervisors (`services.offer_placement`
refuses a period that would exceed their places per semester), records its trainee — by accepting
an application, or by name when the faculty assigned them — or cancels it. Applications come
without an account from the public page « Faire son stage ici »: to a placement, or spontaneous
(the coordination then picks the open placement it fills). Who sees and decides what is
`maillon.support.policies` (a member sees the placements they supervise); each action is posted
to its own address: 404 for what the user does not see, 403 for an action that is not theirs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_allowed
from maillon.support import policies, services
from maillon.support.models import ApplicationStatus, Placement, PlacementApplication, PlacementStatus

from ..space import action_view, allow, posted_back, save_form
from . import page
from .forms_training import AcceptForm, FillForm, NoteForm, PlacementForm, open_placements, placement_choice_label
from .home import require_support, support_breadcrumb

PLACEMENTS_TITLE = "Stages"
APPLICATIONS_TITLE = "Candidatures de stage"
# The tabs of the list of placements: (value of ?etat=, label).
PLACEMENT_TABS = [("", "En cours et à venir"), ("termines", "Terminés"), ("annules", "Annulés")]
APPLICATION_TABS = [
    ("", "À étudier"),
    (ApplicationStatus.ACCEPTED, "Acceptées"),
    (ApplicationStatus.DECLINED, "Déclinées"),
]


def placements_link(cpts) -> tuple[str, str]:
    return (PLACEMENTS_TITLE, reverse("placement_list", args=[cpts.slug]))


def applications_link(cpts) -> tuple[str, str]:
    return (APPLICATIONS_TITLE, reverse("application_list", args=[cpts.slug]))


def placement_label(placement) -> str:
    return f"Stage n° {placement.pk}"


def tab_of(request, tabs) -> str:
    state = str(request.GET.get("etat", ""))
    return state if state in {value for value, _ in tabs} else ""


# --- The list ----------------------------------------------------------------------------------


@page("accompagnement/stages/")
@allow("GET", check=require_support)
def placement_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    today = timezone.localdate()
    state = tab_of(request, PLACEMENT_TABS)
    rows = policies.visible_placements(user, cpts)
    if state == "annules":
        rows = rows.filter(status=PlacementStatus.CANCELLED).order_by("-starts_on", "-pk")
    elif state == "termines":
        rows = rows.exclude(status=PlacementStatus.CANCELLED).filter(ends_on__lt=today).order_by("-starts_on", "-pk")
    else:
        rows = rows.exclude(status=PlacementStatus.CANCELLED).filter(ends_on__gte=today).order_by("starts_on", "pk")
    rows = rows.select_related("supervisor__membership__professional").annotate(
        received=Count("applications", filter=Q(applications__status=ApplicationStatus.RECEIVED), distinct=True)
    )
    context = {
        "cpts": cpts,
        "placements": list(rows),
        "state": state,
        "tabs": PLACEMENT_TABS,
        "caption": dict(PLACEMENT_TABS)[state],
        "may_offer": policies.can_offer_placement(user, cpts),
        "title": f"{PLACEMENTS_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, PLACEMENTS_TITLE),
    }
    return render(request, "support/training/placements.html", context)


# --- Offering a placement ----------------------------------------------------------------------


@page("accompagnement/stages/nouveau/")
@allow("GET", "POST", check=require_support)
def placement_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_offer_placement(request.user, cpts))
    form = PlacementForm(request.POST or None, cpts=cpts)

    offered = []

    def write():
        offered.append(services.offer_placement(by=request.user, **form.cleaned_data))

    if request.method == "POST" and save_form(request, form, write, "Stage ouvert aux candidatures."):
        return redirect("placement_detail", cpts_slug=cpts.slug, pk=offered[0].pk)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Nouveau stage — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, "Nouveau stage", placements_link(cpts)),
    }
    return render(request, "support/training/placement_form.html", context, status=400 if form.errors else 200)


# --- One placement -----------------------------------------------------------------------------


def placement_or_404(request, pk) -> Placement:
    placements = policies.visible_placements(request.user, request.cpts).select_related(
        "supervisor__membership__professional"
    )
    return get_object_or_404(placements, pk=pk)


def decided(user, applications) -> list:
    """The applications, each with whether this user may accept or decline it."""
    rows = list(applications)
    for application in rows:
        application.may_decide = policies.can_decide_application(user, application)
    return rows


def placement_page(request, placement, *, errors=(), forms=None, status=None):
    """The placement, its trainee and its applications; after a refused action, with the posted
    form or the refusal (400)."""
    cpts, user = request.cpts, request.user
    may_fill = placement.status == PlacementStatus.OPEN and policies.can_fill_placement(user, placement)
    may_cancel = policies.can_cancel_placement(user, placement)
    forms = forms or {}
    if may_fill:
        forms.setdefault("fill_form", FillForm())
    if may_cancel:
        forms.setdefault("cancel_form", NoteForm())
    applications = (
        policies.visible_applications(user, cpts)
        .filter(placement=placement)
        .select_related("placement__supervisor__membership__professional")
        .order_by("-submitted_at", "-pk")
    )
    failed = bool(errors) or any(form.errors for form in forms.values())
    context = {
        "cpts": cpts,
        "placement": placement,
        "applications": decided(user, applications),
        "errors": list(errors),
        "may_fill": may_fill,
        "may_cancel": may_cancel,
        "here": reverse("placement_detail", args=[cpts.slug, placement.pk]),
        "title": f"{placement_label(placement)} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, placement_label(placement), placements_link(cpts)),
        **forms,
    }
    return render(request, "support/training/placement.html", context, status=status or (400 if failed else 200))


@page("accompagnement/stages/<int:pk>/")
@allow("GET", check=require_support)
def placement_detail(request, cpts_slug, pk):
    return placement_page(request, placement_or_404(request, pk))


def back_to_placement(request, placement):
    return redirect("placement_detail", cpts_slug=request.cpts.slug, pk=placement.pk)


def placement_for(may):
    """`find` of an action on a placement: 404 if the user does not see it, 403 unless `may(user, placement)`."""

    def find(request, cpts_slug, pk) -> Placement:
        placement = placement_or_404(request, pk)
        ensure_allowed(may(request.user, placement))
        return placement

    return find


def refusal(form):
    """The messages of an invalid form, raised as the domain's refusal (said on the page)."""
    return ValidationError([text for texts in form.errors.values() for text in texts])


@page("accompagnement/stages/<int:pk>/annuler/")
@action_view(
    check=require_support,
    find=placement_for(policies.can_cancel_placement),
    page=placement_page,
    back=back_to_placement,
)
def placement_cancel(request, placement):
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise refusal(form)
    placement.cancel(by=request.user, note=form.cleaned_data["note"])
    messages.success(request, "Stage annulé ; les candidatures reçues restent à décliner.")


@page("accompagnement/stages/<int:pk>/pourvoir/")
@action_view(
    check=require_support, find=placement_for(policies.can_fill_placement), page=placement_page, back=back_to_placement
)
def placement_fill(request, placement):
    """The trainee named directly (assigned by the faculty, without an application)."""
    form = FillForm(request.POST)

    def fill():
        placement.fill(by=request.user, **form.cleaned_data)

    if not save_form(request, form, fill, "Stage pourvu."):
        return placement_page(request, placement, forms={"fill_form": form})
    return None


# --- Applications ------------------------------------------------------------------------------


def applications_page(request, *, errors=(), status=None):
    cpts, user = request.cpts, request.user
    state = tab_of(request, APPLICATION_TABS)
    rows = (
        policies.visible_applications(user, cpts)
        .filter(status=state or ApplicationStatus.RECEIVED)
        .select_related("placement__supervisor__membership__professional")
        .order_by("-submitted_at", "-pk")
    )
    applications = decided(user, rows)
    spontaneous = any(application.may_decide and application.placement_id is None for application in applications)
    context = {
        "cpts": cpts,
        "applications": applications,
        "state": state,
        "tabs": APPLICATION_TABS,
        "caption": dict(APPLICATION_TABS)[state],
        "errors": list(errors),
        # One list of open placements for every spontaneous application's form.
        "open_choices": placement_choices(cpts) if spontaneous else [],
        "here": request.get_full_path() if request.method == "GET" else reverse("application_list", args=[cpts.slug]),
        "title": f"{APPLICATIONS_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, APPLICATIONS_TITLE),
    }
    return render(request, "support/training/applications.html", context, status=status or (400 if errors else 200))


def placement_choices(cpts) -> list[tuple[int, str]]:
    return [(placement.pk, placement_choice_label(placement)) for placement in open_placements(cpts)]


@page("accompagnement/candidatures/")
@allow("GET", check=require_support)
def application_list(request, cpts_slug):
    return applications_page(request)


def decidable_application(request, cpts_slug, pk) -> PlacementApplication:
    """404 for an application the user does not see, 403 unless they may decide it."""
    applications = policies.visible_applications(request.user, request.cpts).select_related("placement")
    application = get_object_or_404(applications, pk=pk)
    ensure_allowed(policies.can_decide_application(request.user, application))
    return application


def application_refused(request, application, *, errors=()):
    """A refusal said where the decision was taken: the placement's page, or the list."""
    if application.placement_id is not None and request.POST.get("retour", "").startswith(
        reverse("placement_detail", args=[request.cpts.slug, application.placement_id])
    ):
        return placement_page(request, application.placement, errors=errors, status=400)
    return applications_page(request, errors=errors, status=400)


def back_from_application(request, application):
    cpts = request.cpts
    default = (
        reverse("placement_detail", args=[cpts.slug, application.placement_id])
        if application.placement_id
        else reverse("application_list", args=[cpts.slug])
    )
    return redirect(posted_back(request, default, within=reverse("support_home", args=[cpts.slug])))


def application_action(act):
    return action_view(
        check=require_support, find=decidable_application, page=application_refused, back=back_from_application
    )(act)


@page("accompagnement/candidatures/<int:pk>/accepter/")
@application_action
def application_accept(request, application):
    """Accept an application: it fills its placement (a spontaneous one, the open placement chosen)."""
    chosen = None
    if application.placement_id is None:
        form = AcceptForm(request.POST, cpts=request.cpts)
        if not form.is_valid():
            raise refusal(form)
        chosen = form.cleaned_data["placement"]
    application.accept(by=request.user, placement=chosen)
    messages.success(
        request,
        f"Candidature acceptée : le stage est pourvu par {application.first_name} {application.last_name} ; "
        "les autres candidatures reçues pour ce stage sont déclinées.",
    )


@page("accompagnement/candidatures/<int:pk>/decliner/")
@application_action
def application_decline(request, application):
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise refusal(form)
    application.decline(by=request.user, note=form.cleaned_data["note"])
    messages.success(request, "Candidature déclinée.")
