"""Case conferences (« concertations pluriprofessionnelles », mission 5): the list by tab, the
request, the conference's page, its scheduling (a date poll among the adherents invited: the
meetings app), its record (conclusions and decisions; for an included patient, a new PPCS
version), its cancellation and its record as a PDF. Who may see and do what is
`maillon.quality.policies`.

Pseudonymisation: every page says « Cas n° 12 »; the patient's name, and the link to the
inclusion and to its PPCS, are shown only to whoever sees the patient in the pathways
(`policies.sees_patient`), each showing journaled. The address holds the conference's number
only, the title too (it reaches the server's logs)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.policies import ensure_allowed
from maillon.meetings import policies as meetings_policies
from maillon.meetings import services as meetings_services
from maillon.meetings.models import MeetingStatus
from maillon.pathways import policies as pathways_policies
from maillon.pathways import services as pathways_services
from maillon.pathways.models import InclusionStatus
from maillon.quality import documents, policies, services
from maillon.quality.models import CaseConference, ConferenceStatus

from ..pathways_views.common import NAME_FIELDS, professional_adherents
from ..space import add_errors, allow, save_form
from ..spreadsheets import attachment
from . import page
from .forms_conferences import (
    CancelForm,
    CompleteForm,
    DecisionFormSet,
    DropForm,
    RecordForm,
    RequestForm,
    ScheduleForm,
    SlotFormSet,
)
from .home import quality_breadcrumb, require_quality

PAGE_SIZE = 50
# What the conference page shows of the patient, for whoever sees them (journaled).
IDENTITY_FIELDS = [*NAME_FIELDS, "sex", "birth_date"]


# --- Shared by the conference pages --------------------------------------------------------


def conferences_link(cpts) -> tuple[str, str]:
    return ("Concertations", reverse("quality_conferences", args=[cpts.slug]))


def conference_or_404(request, pk) -> CaseConference:
    """A conference the user sees (`policies.visible_conferences`), else 404 as a missing one."""
    rows = policies.visible_conferences(request.user, request.cpts).select_related(
        "inclusion__programme", "inclusion__lead__professional", "meeting", "requested_by", "recorded_by", "plan"
    )
    return get_object_or_404(rows, pk=pk)


def conference_url(conference) -> str:
    return reverse("quality_conference", args=[conference.cpts.slug, conference.pk])


def back_to_conference(request, conference):
    return redirect(conference_url(conference))


def conference_crumbs(conference, current: str) -> dict:
    cpts = conference.cpts
    return quality_breadcrumb(
        cpts, current, conferences_link(cpts), (conference.case_label, conference_url(conference))
    )


def shown_patients(inclusions, note: str) -> None:
    """Journal the patients shown by their name (each once)."""
    pathways_services.record_inclusion_reads({i.pk: i for i in inclusions}.values(), NAME_FIELDS, note=note)


# --- The list --------------------------------------------------------------------------------

TABS = {
    "a-preparer": "À préparer",
    "tenues": "Tenues",
    "annulees": "Annulées",
}


def tab_rows(rows, tab):
    if tab == "tenues":
        return rows.filter(status=ConferenceStatus.HELD).order_by("-held_on", "-pk")
    if tab == "annulees":
        return rows.filter(status=ConferenceStatus.CANCELLED).order_by("-requested_at", "-pk")
    return rows.to_prepare().order_by("requested_at", "pk")


@page("qualite/concertations/")
@allow("GET", check=require_quality)
def quality_conferences(request, cpts_slug):
    """The conferences the user sees, by tab: to prepare (asked for, scheduled), held, cancelled.
    The patient's name shows only to who sees them in the pathways (journaled)."""
    cpts, user = request.cpts, request.user
    tab = request.GET.get("onglet", "")
    tab = tab if tab in TABS else "a-preparer"
    visible = policies.visible_conferences(user, cpts)
    counts = {key: tab_rows(visible, key).count() for key in TABS}
    rows = tab_rows(visible, tab).select_related("meeting", "requested_by", "inclusion")
    listed = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(listed.object_list)
    ids = {row.inclusion_id for row in shown if row.inclusion_id}
    seen = set(
        pathways_policies.visible_inclusions(user, cpts).filter(pk__in=ids).values_list("pk", flat=True) if ids else ()
    )
    for row in shown:
        row.patient = row.inclusion if row.inclusion_id in seen else None
    shown_patients([row.patient for row in shown if row.patient], "concertations")
    context = {
        "cpts": cpts,
        "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
        "tab": tab,
        "page": listed,
        "shown": shown,
        "query": f"onglet={tab}",
        "can_request": policies.can_request_conference(user, cpts),
        "title": f"Concertations pluriprofessionnelles — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, "Concertations"),
    }
    return render(request, "quality/conferences.html", context)


# --- The request -----------------------------------------------------------------------------


@page("qualite/concertations/demander/")
@allow("GET", "POST", check=require_quality)
def quality_conference_request(request, cpts_slug):
    """Ask for a conference; the patient, if any, among the active inclusions the user sees
    (named in the list for this user only, journaled). `?inclusion=<n°>` picks one."""
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_request_conference(user, cpts))
    inclusions = (
        pathways_policies.visible_inclusions(user, cpts)
        .filter(status=InclusionStatus.ACTIVE)
        .select_related("programme")
        .order_by("birth_name", "first_given_name", "pk")
    )
    initial = {}
    wanted = request.GET.get("inclusion", "")
    if wanted.isascii() and wanted.isdigit():
        initial["inclusion"] = inclusions.filter(pk=int(wanted)).values_list("pk", flat=True).first()
    form = RequestForm(request.POST or None, inclusions=inclusions, initial=initial)
    created = []

    def write():
        inclusion = form.cleaned_data["inclusion"]
        if inclusion is not None:
            ensure_allowed(policies.can_request_for(user, inclusion))
        created.append(
            services.request_conference(
                cpts,
                by=user,
                context=form.cleaned_data["context"],
                question=form.cleaned_data["question"],
                inclusion=inclusion,
            )
        )
        return created[0]

    done = lambda conference: f"{conference.case_label} : concertation demandée. La coordination la programmera."  # noqa: E731
    if request.method == "POST" and save_form(request, form, write, done):
        return redirect(conference_url(created[0]))
    patients = list(inclusions)
    shown_patients(patients, "demande de concertation")
    context = {
        "cpts": cpts,
        "form": form,
        "has_patients": bool(patients),
        "title": f"Demander une concertation — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, "Demander une concertation", conferences_link(cpts)),
    }
    return render(request, "quality/conference_request.html", context, status=400 if form.errors else 200)


# --- The conference's page ---------------------------------------------------------------------


def decision_form(form_class, decision, data=None):
    """A decision's follow-up form, prefixed by its number (several decisions on one page)."""
    kind = "decision" if form_class is CompleteForm else "drop"
    return form_class(data, prefix=f"{kind}-{decision.pk}")


def decision_rows(request, conference, forms=None):
    """The conference's decisions, each with what the user may do on it (and its forms)."""
    user, today = request.user, timezone.localdate()
    forms = forms or {}
    decisions = list(conference.decisions.select_related("owner__professional").order_by("due_on", "pk"))
    for decision in decisions:
        decision.conference = conference  # the policies read who runs it
        decision.late = decision.is_late_on(today)
        decision.may_complete = policies.can_complete_decision(user, decision)
        decision.may_drop = policies.can_drop_decision(user, decision)
        if decision.may_complete:
            decision.complete_form = forms.get(("complete", decision.pk)) or decision_form(CompleteForm, decision)
        if decision.may_drop:
            decision.drop_form = forms.get(("drop", decision.pk)) or decision_form(DropForm, decision)
    return decisions


def participants_of(request, meeting):
    """The invitees with their attendance, for who sees them (the coordinators; journaled as the
    meeting's page does), else None."""
    if meeting is None or not meetings_policies.can_see_invitees(request.user, meeting):
        return None
    invitations = list(
        meeting.invitations.select_related("membership__professional", "membership__structure").order_by(
            "membership__professional__last_name", "membership__professional__first_name", "pk"
        )
    )
    journal.record(journal.Action.READ, meeting, fields=["invitations.name"], note=f"{len(invitations)} invité(s)")
    return invitations


def conference_page(request, conference, *, errors=(), forms=None, status=200):
    """The page; after a refused action, with its errors and the posted form."""
    cpts, user = request.cpts, request.user
    forms = forms or {}
    sees = policies.sees_patient(user, conference)
    inclusion = conference.inclusion if sees else None
    if inclusion is not None:
        pathways_services.record_inclusion_reads([inclusion], IDENTITY_FIELDS, note="concertation")
    meeting = conference.meeting
    can_cancel = policies.can_cancel_conference(user, conference)
    decisions = decision_rows(request, conference, forms)
    context = {
        "cpts": cpts,
        "conference": conference,
        "inclusion": inclusion,
        "meeting": meeting,
        "meeting_visible": meeting is not None and meetings_policies.can_see_meeting(user, meeting),
        "meeting_held": meeting is not None and meeting.status == MeetingStatus.HELD,
        "participants": participants_of(request, meeting),
        "decisions": decisions,
        "follow_up": any(decision.may_complete or decision.may_drop for decision in decisions),
        "plan": conference.plan if sees else None,
        "can_prepare": policies.can_prepare_conference(user, conference),
        "can_record": policies.can_record_conference(user, conference),
        "cancel_form": forms.get("cancel") or (CancelForm() if can_cancel else None),
        "can_evaluate": inclusion is not None and policies.can_evaluate_pathway(user, inclusion),
        "here": conference_url(conference),  # never request.path: a refused action shows this page
        "errors": list(errors),
        "title": f"Concertation — {conference.case_label} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, conference.case_label, conferences_link(cpts)),
    }
    return render(request, "quality/conference.html", context, status=400 if errors or forms else status)


@page("qualite/concertations/<int:pk>/")
@allow("GET", check=require_quality)
def quality_conference(request, cpts_slug, pk):
    return conference_page(request, conference_or_404(request, pk))


# --- Scheduling ------------------------------------------------------------------------------


def care_team_adhesions(conference) -> list[int]:
    """The inclusion's lead and the adherents of its care team today: invited by default."""
    inclusion = conference.inclusion
    if inclusion is None:
        return []
    team = inclusion.care_team.on(timezone.localdate()).filter(membership__isnull=False)
    return [inclusion.lead_id, *team.values_list("membership_id", flat=True)]


@page("qualite/concertations/<int:pk>/programmer/")
@allow("GET", "POST", check=require_quality)
def quality_conference_schedule(request, cpts_slug, pk):
    """The coordination proposes dates and picks the adherents to invite: a meeting of mission 5
    (its poll, its attendance and the time it counts are the meetings app's)."""
    cpts, user = request.cpts, request.user
    conference = conference_or_404(request, pk)
    ensure_allowed(policies.can_manage_quality(user, cpts))
    if not policies.can_prepare_conference(user, conference):
        messages.info(request, f"{conference.case_label} : cette concertation n'est plus à programmer.")
        return back_to_conference(request, conference)
    adherents = meetings_services.invitable_memberships(cpts).select_related("professional")
    data = request.POST if request.method == "POST" else None
    form = ScheduleForm(data, adherents=adherents, initial={"memberships": care_team_adhesions(conference)})
    slots = SlotFormSet(data, prefix="slots")
    if request.method == "POST":
        slots_valid = slots.is_valid()
        if form.is_valid() and slots_valid:
            try:
                services.schedule_conference(
                    conference,
                    by=user,
                    slots=slots.slots(),
                    membership_ids=form.cleaned_data["memberships"],
                    visio_url=form.cleaned_data["visio_url"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{conference.case_label} : concertation programmée, le sondage des dates est envoyé aux invités.",
                )
                return back_to_conference(request, conference)
    context = {
        "cpts": cpts,
        "conference": conference,
        "form": form,
        "slots": slots,
        "picked": form.picked(),
        "has_errors": bool(form.errors or slots.total_error_count()),
        "title": f"Programmer la concertation — {conference.case_label} — {cpts.name}",
        "breadcrumb_data": conference_crumbs(conference, "Programmer"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "quality/conference_schedule.html", context, status=status)


# --- The record of the day -------------------------------------------------------------------


def plan_follows(conference) -> bool:
    """Whether the decisions go into the patient's PPCS (an inclusion still active)."""
    return conference.inclusion_id is not None and conference.inclusion.status == InclusionStatus.ACTIVE


def more_rows(data, prefix: str, added: int = 3):
    """The posted formset with `added` empty rows more (« Ajouter des lignes »)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    total = data.get(key, "0")
    data[key] = str((int(total) if total.isdigit() else 0) + added)
    return data


@page("qualite/concertations/<int:pk>/compte-rendu/")
@allow("GET", "POST", check=require_quality)
def quality_conference_record(request, cpts_slug, pk):
    """The record of the day: the conclusions and the decisions (an owner among the active
    adherents, a due date); for an included patient, the decisions become actions of a new PPCS
    version. A refusal writes nothing and shows each error next to its field."""
    cpts, user = request.cpts, request.user
    conference = conference_or_404(request, pk)
    ensure_allowed(policies.can_run_conference(user, conference))
    if not policies.can_record_conference(user, conference):
        messages.info(
            request, f"{conference.case_label} : le compte rendu ne s'écrit qu'une fois la concertation programmée."
        )
        return back_to_conference(request, conference)
    follows = plan_follows(conference)
    adherents = professional_adherents(cpts)
    data = request.POST if request.method == "POST" else None
    adding = data is not None and "lignes" in data
    if adding:
        data = more_rows(data, "decisions")
    form = RecordForm(data, plan_follows=follows)
    decisions = DecisionFormSet(data, prefix="decisions", form_kwargs={"adherents": adherents})
    if adding:
        shown_without_errors(form, decisions)
    if data is not None and not adding:
        decisions_valid = decisions.is_valid()
        if form.is_valid() and decisions_valid:
            try:
                services.record_conference(
                    conference,
                    by=user,
                    conclusions=form.cleaned_data["conclusions"],
                    held_on=form.cleaned_data["held_on"],
                    decisions=decisions.decisions(),
                    next_review_on=form.cleaned_data.get("next_review_on"),
                )
            except ValidationError as error:
                put_refusal(form, decisions, error)
            else:
                messages.success(request, recorded_message(conference, follows, len(decisions.decisions())))
                return back_to_conference(request, conference)
    sees = policies.sees_patient(user, conference)
    context = {
        "cpts": cpts,
        "conference": conference,
        "form": form,
        "decisions": decisions,
        "plan_follows": follows,
        "sees_patient": sees,
        "has_errors": bool(not adding and (form.errors or decisions.total_error_count())),
        "title": f"Compte rendu de la concertation — {conference.case_label} — {cpts.name}",
        "breadcrumb_data": conference_crumbs(conference, "Compte rendu"),
    }
    status = 400 if data is not None and not adding else 200
    return render(request, "quality/conference_record.html", context, status=status)


def shown_without_errors(form, formset):
    """The posted record shown again to go on typing (more rows): its values, none of its errors."""
    for each in [form, *formset.forms]:
        each.full_clean()
        each._errors = ErrorDict()
    formset.full_clean()
    formset._errors, formset._non_form_errors = [ErrorDict() for _ in formset.forms], ErrorList()


def put_refusal(form, decisions, error):
    """The service's refusal next to its field: the decisions' on the decisions, the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field in ("decisions", "owner"):
            decisions.non_form_errors().extend(message for e in errors for message in e.messages)
        else:
            form.add_error(field if field in form.fields else None, errors)


def recorded_message(conference, follows: bool, count: int) -> str:
    said = f"{conference.case_label} : compte rendu enregistré"
    if follows and count:
        plural = "s" if count > 1 else ""
        return f"{said} ; {count} décision{plural} ajoutée{plural} au PPCS du patient (nouvelle version)."
    return f"{said}."


# --- Cancel ------------------------------------------------------------------------------------


@page("qualite/concertations/<int:pk>/annuler/")
@allow("POST", check=require_quality)
def quality_conference_cancel(request, cpts_slug, pk):
    """The coordinators or the requester cancel it, with a reason; its meeting (a poll or a date
    fixed) is cancelled too, its invitees told by the meetings app."""
    user = request.user
    conference = conference_or_404(request, pk)
    ensure_allowed(policies.can_cancel_conference(user, conference))
    form = CancelForm(request.POST)
    if not form.is_valid():
        return conference_page(request, conference, forms={"cancel": form})
    try:
        services.cancel_conference(conference, by=user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        conference.refresh_from_db()
        return conference_page(request, conference, errors=error.messages)
    messages.success(request, f"{conference.case_label} : concertation annulée.")
    return back_to_conference(request, conference)


# --- The record as a PDF ---------------------------------------------------------------------


@page("qualite/concertations/<int:pk>/fiche/")
@allow("GET", check=require_quality)
def quality_conference_pdf(request, cpts_slug, pk):
    """The conference's record (the FRCP's content), pseudonymised: « Cas n° … », never the
    patient's name; its reading journaled."""
    conference = conference_or_404(request, pk)
    content = documents.conference_pdf(conference)
    journal.record(
        journal.Action.READ,
        conference,
        fields=["context", "question", "conclusions", "decisions", "participants"],
        note="fiche de concertation en PDF",
    )
    return attachment(content, documents.conference_filename(conference), documents.PDF_TYPE)
