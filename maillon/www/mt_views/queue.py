"""The desk's home: the coordinator's waiting queue (by priority), or the patients a
partner member registered; one registration's page; the priority weights."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.mt import services
from maillon.mt.models import PatientStatus, PriorityWeight

from ..space import allow, save_form
from . import page
from .common import (
    PATIENT_FIELDS_SHOWN,
    desk_breadcrumb,
    desk_link,
    is_coordinator,
    my_doctor_card,
    record_list_read,
    require_coordinator,
    require_member,
    space_breadcrumb,
    visible_patient_or_404,
)
from .forms import ScheduleForm, WeightsForm

PAGE_SIZE = 50
QUEUE_FIELDS = ["first_name", "last_name", "commune", "criteria", "channel"]


@page("medecin-traitant/")
@allow("GET", check=require_member)
def mt_queue(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    today = timezone.localdate()
    if coordinator:
        rows = [
            {"patient": patient, "score": score, "reasons": reasons, "waiting_days": patient.waiting_days(today)}
            for patient, score, reasons in services.queue(cpts, on=today)
        ]
    else:
        rows = [
            {"patient": patient, "waiting_days": patient.waiting_days(today)}
            for patient in services.patients_registered_by(cpts, request.user)
        ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        record_list_read(
            cpts,
            [row["patient"].pk for row in page.object_list],
            fields=QUEUE_FIELDS,
            note="file d’attente" if coordinator else "mes inscriptions",
        )
    context = {
        "cpts": cpts,
        "coordinator": coordinator,
        "doctor": my_doctor_card(request),
        "page": page,
        "total": len(rows),
        "section": "queue",
        "title": f"Médecin traitant — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Médecin traitant"),
    }
    return render(request, "mt/queue.html", context)


@page("medecin-traitant/patients/<int:pk>/")
@allow("GET", "POST", check=require_member)
def mt_patient(request, cpts_slug, pk):
    """One registration: the coordinator, or the member who registered it."""
    cpts = request.cpts
    patient = visible_patient_or_404(request, pk)
    coordinator = is_coordinator(request)
    if request.method == "POST":
        if coordinator and request.POST.get("action") == "withdraw" and patient.is_open:
            try:
                services.withdraw(patient, by=request.user, note="par la coordination")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Patient n° {patient.pk} désinscrit.")
        return redirect("mt_patient", cpts.slug, patient.pk)
    journal.record(journal.Action.READ, patient, fields=[*PATIENT_FIELDS_SHOWN, "nir"], cpts_id=cpts.pk)
    weights = PriorityWeight.weights_of(cpts)
    score, reasons = patient.score(weights)
    context = {
        "cpts": cpts,
        "patient": patient,
        "coordinator": coordinator,
        "score": score,
        "reasons": reasons,
        "age": patient.age_on(timezone.localdate()),
        "events": [
            (event, PatientStatus(event.to_status).label) for event in patient.events.select_related("proposal")
        ],
        "proposals": patient.proposals.select_related("offer__doctor") if coordinator else [],
        "title": f"Patient n° {patient.pk} — {cpts.name}",
        "breadcrumb_data": desk_breadcrumb(cpts, f"Patient n° {patient.pk}"),
    }
    return render(request, "mt/patient.html", context)


@page("medecin-traitant/priorites/")
@allow("GET", "POST", check=require_coordinator)
def mt_weights(request, cpts_slug):
    """The priority weights and, in a second form, the schedule of the engine."""
    cpts = request.cpts
    posted = request.POST.get("form", "weights") if request.method == "POST" else None
    form = WeightsForm(request.POST if posted == "weights" else None, weights=PriorityWeight.weights_of(cpts))
    schedule = services.schedule_of(cpts)
    schedule_form = ScheduleForm(
        request.POST if posted == "schedule" else None,
        initial={"automatic": schedule.automatic, "weekdays": schedule.weekdays},
    )
    weighted = "Les points des critères de priorité sont enregistrés."
    if posted == "weights" and save_form(
        request, form, lambda: services.set_weights(cpts, form.cleaned_data), weighted
    ):
        return redirect("mt_queue", cpts.slug)
    scheduled = "La planification des propositions est enregistrée."
    if posted == "schedule" and save_form(
        request, schedule_form, lambda: services.save_schedule(cpts, **schedule_form.cleaned_data), scheduled
    ):
        return redirect("mt_weights", cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "schedule_form": schedule_form,
        "schedule": schedule,
        "section": "weights",
        "coordinator": True,
        "title": f"Critères de priorité — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Critères de priorité", desk_link(cpts)),
    }
    return render(request, "mt/weights.html", context)
