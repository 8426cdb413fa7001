"""One inclusion: the patient's identity (each showing journaled), the consent, the programme
version and its steps, the care team today and before; for its lead and the coordination, one
action per form, each posted to its own address (add a member, end one, change the lead, close).
The address holds the inclusion's number only; the title, which reaches the logs, too."""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.pathways import care, services
from maillon.pathways.models import ASSESSMENT_DIMENSIONS, CareTaskStatus, CloseReason, InclusionStatus, Programme
from maillon.pathways.selectors import MOMENT_KINDS, timeline
from maillon.quality import policies as quality_policies

from ..space import action_view, allow
from . import page
from .common import (
    add_errors,
    ensure_allowed,
    inclusion_or_404,
    pathways_breadcrumb,
    policies,
    posted_id,
    professional_adherents,
    require_pathways,
)
from .forms import (
    AdherentMemberForm,
    CloseForm,
    CompleteTaskForm,
    DischargeForm,
    LeadForm,
    PersonMemberForm,
    StayForm,
)


def team_of(inclusion):
    """(today, past): the care team's members, adherents with their profession."""
    today = timezone.localdate()
    members = list(inclusion.care_team.select_related("membership__professional").order_by("starts_on", "pk"))
    current = [m for m in members if m.starts_on <= today and (m.ends_on is None or m.ends_on >= today)]
    past = [m for m in members if m not in current]
    return current, past


def work_of(inclusion, *, active: bool, editable: bool, forms: dict) -> dict:
    """The work of the pathway for the page: its care tasks (open first; a form on each open one
    for whoever sees the patient), the PPCS and its versions, the hospital stays (a discharge
    form for who may change the inclusion), the breaks, and the whole path as a timeline."""
    today = timezone.localdate()
    tasks = list(
        inclusion.care_tasks.select_related("assignee__professional").order_by(
            Case(When(status=CareTaskStatus.TODO, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "due_on",
            "pk",
        )
    )
    for task in tasks:
        task.late = task.status == CareTaskStatus.TODO and task.late_from < today
        if active and task.status == CareTaskStatus.TODO:
            task.form = CompleteTaskForm(task=task)
    plans = list(inclusion.plans.select_related("written_by").order_by("-version"))
    plan = plans[0] if plans else None
    stays = list(inclusion.hospital_stays.order_by("admitted_on", "pk"))
    for stay in stays:
        if editable and not stay.discharged_on:
            stay.form = forms.pop(("discharge", stay.pk), None) or DischargeForm(stay=stay)
    care_breaks = list(inclusion.breaks.order_by("detected_on", "pk"))
    return {
        "open_tasks": [task for task in tasks if task.status == CareTaskStatus.TODO],
        "done_tasks": [task for task in tasks if task.status == CareTaskStatus.DONE],
        "plan": plan,
        "plan_actions": list(plan.actions.all()) if plan else [],
        "plan_assessment": [
            (label, (plan.assessment or {}).get(key, "")) for key, label in ASSESSMENT_DIMENSIONS.items()
        ]
        if plan
        else [],
        "plan_up_to_date": plan.up_to_date_on(today) if plan else False,
        "earlier_plans": plans[1:],
        "stays": stays,
        "timeline": [
            (moment, MOMENT_KINDS[moment.kind])
            for moment in timeline(
                inclusion, tasks=tasks, plans=plans, stays=stays, care_breaks=care_breaks, today=today
            )
        ],
    }


def newer_version(inclusion):
    """The version in force of the patient's programme when it is not theirs (they may move)."""
    if inclusion.programme.is_current:
        return None
    return Programme.objects.current().filter(lineage=inclusion.programme.lineage).first()


def inclusion_page(request, inclusion, *, errors=(), forms=None, status=200):
    """The page; after a refused action, with the posted form and its errors."""
    cpts = request.cpts
    active = inclusion.status == InclusionStatus.ACTIVE
    editable = policies.can_edit_inclusion(request.user, inclusion) and active
    adherents = professional_adherents(cpts)
    forms = forms or {}
    if editable:
        forms.setdefault("adherent_form", AdherentMemberForm(adherents=adherents))
        forms.setdefault("person_form", PersonMemberForm())
        forms.setdefault("lead_form", LeadForm(adherents=adherents.exclude(pk=inclusion.lead_id)))
        forms.setdefault("close_form", CloseForm())
        forms.setdefault("stay_form", StayForm())
    work = work_of(inclusion, active=active, editable=editable, forms=forms)
    current, past = team_of(inclusion)
    services.record_inclusion_reads([inclusion], note="fiche de l'inclusion")
    context = {
        **work,
        "here": request.path,
        "cpts": cpts,
        "inclusion": inclusion,
        "programme": inclusion.programme,
        "steps": list(inclusion.programme.steps.all()),
        "team": current,
        "past_team": past,
        "editable": editable,
        "newer_version": newer_version(inclusion) if editable else None,
        "errors": errors,
        "retention_days": settings.MAILLON_PATHWAYS_RETENTION_DAYS,
        "consent_withdrawn": CloseReason.CONSENT_WITHDRAWN,
        "coordinator": policies.can_manage_programmes(request.user, cpts),
        # Mission 5: a case conference on this patient, the evaluation of their path.
        "quality_request": quality_policies.can_request_for(request.user, inclusion),
        "quality_evaluate": quality_policies.can_evaluate_pathway(request.user, inclusion),
        **forms,
        "title": f"Inclusion n° {inclusion.pk} — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, f"Inclusion n° {inclusion.pk}"),
    }
    return render(request, "pathways/inclusion.html", context, status=status)


@page("parcours/inclusions/<int:pk>/")
@allow("GET", check=require_pathways)
def pathways_inclusion(request, cpts_slug, pk):
    return inclusion_page(request, inclusion_or_404(request, pk))


def back_to_inclusion(request, inclusion):
    return redirect("pathways_inclusion", cpts_slug=request.cpts.slug, pk=inclusion.pk)


def find_editable(request, cpts_slug, pk):
    """404 for an inclusion the user does not see, 403 unless they may change it."""
    inclusion = inclusion_or_404(request, pk)
    ensure_allowed(policies.can_edit_inclusion(request.user, inclusion))
    return inclusion


def inclusion_action(act):
    """One action on an open inclusion (`space.action_view`); a closed one shows the refusal."""

    @functools.wraps(act)
    def on_open_inclusion(request, inclusion):
        if inclusion.status != InclusionStatus.ACTIVE:
            raise ValidationError("Cette inclusion est close : elle ne change plus.")
        return act(request, inclusion)

    return action_view(check=require_pathways, find=find_editable, page=inclusion_page, back=back_to_inclusion)(
        on_open_inclusion
    )


def refused(request, inclusion, name, form):
    """The page again with the posted form and its errors (400)."""
    return inclusion_page(request, inclusion, forms={name: form}, status=400)


def written(form, write) -> bool:
    """`write()` for a valid form; a refusal of the domain goes onto the form."""
    if not form.is_valid():
        return False
    try:
        write()
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@page("parcours/inclusions/<int:pk>/equipe/adherent/")
@inclusion_action
def pathways_team_add_adherent(request, inclusion):
    form = AdherentMemberForm(request.POST, adherents=professional_adherents(request.cpts))

    def add():
        membership = form.cleaned_data["membership"]
        if inclusion.care_team.on(timezone.localdate()).filter(membership=membership).exists():
            raise ValidationError({"membership": "Adhérent : il fait déjà partie de l'équipe de soins."})
        services.add_team_member(inclusion, membership=membership, role=form.cleaned_data["role"])

    if not written(form, add):
        return refused(request, inclusion, "adherent_form", form)
    messages.success(request, "Adhérent ajouté à l'équipe de soins.")
    return None


@page("parcours/inclusions/<int:pk>/equipe/personne/")
@inclusion_action
def pathways_team_add_person(request, inclusion):
    form = PersonMemberForm(request.POST)
    if not written(form, lambda: services.add_team_member(inclusion, **form.cleaned_data)):
        return refused(request, inclusion, "person_form", form)
    messages.success(request, "Personne ajoutée à l'équipe de soins.")
    return None


@page("parcours/inclusions/<int:pk>/equipe/fin/")
@inclusion_action
def pathways_team_end(request, inclusion):
    """A member leaves the care team at the end of today (the history stays; `ends_on` is the
    last day in the team); the member's number is posted."""
    today = timezone.localdate()
    current = inclusion.care_team.on(today).filter(ends_on__isnull=True)
    member = get_object_or_404(current, pk=posted_id(request.POST.get("member")))
    services.end_team_member(member, on=today)
    messages.success(request, "Ce membre quitte l'équipe de soins ce soir ; l'historique de l'équipe le garde.")


@page("parcours/inclusions/<int:pk>/referent/")
@inclusion_action
def pathways_lead_change(request, inclusion):
    form = LeadForm(request.POST, adherents=professional_adherents(request.cpts).exclude(pk=inclusion.lead_id))
    if not written(form, lambda: services.change_lead(inclusion, form.cleaned_data["lead"])):
        return refused(request, inclusion, "lead_form", form)
    messages.success(request, "Référent changé ; il fait partie de l'équipe de soins.")
    return None


@page("parcours/inclusions/<int:pk>/clore/")
@inclusion_action
def pathways_inclusion_close(request, inclusion):
    form = CloseForm(request.POST)
    if not written(
        form,
        lambda: inclusion.close(by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]),
    ):
        return refused(request, inclusion, "close_form", form)
    days = settings.MAILLON_PATHWAYS_RETENTION_DAYS
    messages.success(request, f"Inclusion close. Ses données seront effacées {days} jours après la clôture.")
    return None


@page("parcours/inclusions/<int:pk>/version/")
@inclusion_action
def pathways_inclusion_move(request, inclusion):
    moved = services.move_to_current_version(inclusion, by=request.user)
    messages.success(
        request,
        f"Le patient suit désormais la version {moved.programme.version} du programme : ses tâches à faire "
        "sont replanifiées à partir d'aujourd'hui.",
    )
    return None


# --- Hospital stays ------------------------------------------------------------------------


@page("parcours/inclusions/<int:pk>/hospitalisations/")
@inclusion_action
def pathways_stay_record(request, inclusion):
    form = StayForm(request.POST)
    if not written(form, lambda: care.record_stay(inclusion, by=request.user, **form.cleaned_data)):
        return refused(request, inclusion, "stay_form", form)
    if form.cleaned_data["discharged_on"]:
        messages.success(request, "Hospitalisation notée ; une visite en ville est à faire dans les 7 jours.")
    else:
        messages.success(request, "Hospitalisation notée ; notez la sortie quand elle a lieu.")
    return None


@page("parcours/inclusions/<int:pk>/hospitalisations/sortie/")
@inclusion_action
def pathways_stay_discharge(request, inclusion):
    """The discharge of a stay (its number posted): the town visit is then due within 7 days."""
    stay = get_object_or_404(inclusion.hospital_stays, pk=posted_id(request.POST.get("stay")))
    form = DischargeForm(request.POST, stay=stay)
    if not written(form, lambda: care.record_discharge(stay, discharged_on=form.cleaned_data["discharged_on"])):
        return inclusion_page(request, inclusion, forms={("discharge", stay.pk): form}, status=400)
    messages.success(request, "Sortie notée ; une visite en ville est à faire dans les 7 jours.")
    return None
