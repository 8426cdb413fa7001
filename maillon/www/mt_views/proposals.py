"""Proposals: the coordinator runs the engine and follows the answers; the proposed
doctor accepts or refuses; the coordinator records the patient's side."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.mt import policies, services
from maillon.mt.models import MatchingRun, PatientStatus, Proposal, ProposalStatus

from ..space import allow
from . import page
from .common import (
    PATIENT_FIELDS_SHOWN,
    desk_breadcrumb,
    desk_link,
    is_coordinator,
    proposal_or_404,
    record_list_read,
    require_coordinator,
    require_member,
    space_breadcrumb,
)

PAGE_SIZE = 50
# action → (target state, button label)
DOCTOR_ACTIONS = {
    "accept": (ProposalStatus.ACCEPTED, "J'accepte ce patient"),
    "refuse": (ProposalStatus.REFUSED_BY_DOCTOR, "Je ne peux pas accueillir ce patient"),
}
COORDINATOR_ACTIONS = {
    "informed": (ProposalStatus.INFORMED, "Patient informé"),
    "declared": (ProposalStatus.DECLARED, "Médecin traitant déclaré"),
    "refused_by_patient": (ProposalStatus.REFUSED_BY_PATIENT, "Refusée par le patient"),
    "withdrawn": (ProposalStatus.WITHDRAWN, "Désinscrire le patient (clôt sa demande)"),
}
# The doctor's answer, received by phone or otherwise, entered by the coordinator for them.
FOR_DOCTOR_ACTIONS = {
    "accept_for_doctor": (ProposalStatus.ACCEPTED, "Le médecin accepte"),
    "refuse_for_doctor": (ProposalStatus.REFUSED_BY_DOCTOR, "Le médecin refuse"),
}


@page("medecin-traitant/propositions/calculer/")
@allow("POST", check=require_coordinator)
def mt_propose(request, cpts_slug):
    """« Calculer des propositions »: run the engine over the queue, then show the run."""
    cpts = request.cpts
    if cpts.is_dissolved:
        raise Http404
    try:
        run = services.propose(cpts, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mt_queue", cpts.slug)
    return redirect("mt_run", cpts.slug, run.pk)


@page("medecin-traitant/calculs/<int:pk>/")
@allow("GET", check=require_coordinator)
def mt_run(request, cpts_slug, pk):
    cpts = request.cpts
    run = MatchingRun.objects.for_cpts(cpts).filter(pk=pk).first()
    if run is None:
        raise Http404
    proposals = list(run.proposals.select_related("patient__commune", "offer__doctor").order_by("pk"))
    if proposals:
        record_list_read(
            cpts,
            [proposal.patient_id for proposal in proposals],
            fields=["first_name", "last_name", "commune"],
            note=f"calcul n° {run.pk}",
        )
    context = {
        "cpts": cpts,
        "run": run,
        "proposals": proposals,
        "skipped_offers": int((run.objective or {}).get("skipped_offers") or 0),
        "coordinator": True,
        "section": "proposals",
        "title": f"{run} — {cpts.name}",
        "breadcrumb_data": desk_breadcrumb(cpts, str(run)),
    }
    return render(request, "mt/run.html", context)


@page("medecin-traitant/propositions/")
@allow("GET", check=require_coordinator)
def mt_proposals(request, cpts_slug):
    cpts = request.cpts
    status = request.GET.get("etat", "")
    proposals = Proposal.objects.filter(patient__cpts=cpts).select_related("patient__commune", "offer__doctor")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    else:
        status = ""
    page = Paginator(proposals.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        record_list_read(
            cpts,
            [proposal.patient_id for proposal in page.object_list],
            fields=["first_name", "last_name", "commune"],
            note="liste des propositions",
        )
    context = {
        "cpts": cpts,
        "page": page,
        "status": status,
        "statuses": ProposalStatus.choices,
        "runs": MatchingRun.objects.for_cpts(cpts)[:5],
        "coordinator": True,
        "section": "proposals",
        "title": f"Propositions — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Propositions", desk_link(cpts)),
    }
    return render(request, "mt/proposals.html", context)


def available_actions(request, proposal) -> dict:
    """{action: (state, label)} this user may take on this proposal now."""
    next_states = proposal.next_statuses()
    return {
        name: row
        for name, row in (DOCTOR_ACTIONS | COORDINATOR_ACTIONS).items()
        if row[0] in next_states and policies.can_take_step(request.user, proposal, row[0])
    }


def answers_for_doctor(request, proposal) -> dict:
    """{action: (state, label)}: the doctor's answers the coordinator may enter for them now."""
    next_states = proposal.next_statuses()
    return {
        name: row
        for name, row in FOR_DOCTOR_ACTIONS.items()
        if row[0] in next_states and policies.can_take_step(request.user, proposal, row[0], for_doctor=True)
    }


def take_action(request, proposal, actions: dict, for_doctor: dict) -> None:
    """Take the posted action. One this user may not take answers 403, as the API does; one
    the proposal's state does not allow (any more) is shown as an error."""
    name = request.POST.get("action", "")
    note = request.POST.get("note", "")[:200]
    if name in FOR_DOCTOR_ACTIONS:
        to = FOR_DOCTOR_ACTIONS[name][0]
        if not policies.can_take_step(request.user, proposal, to, for_doctor=True):
            raise PermissionDenied
    elif name in DOCTOR_ACTIONS or name in COORDINATOR_ACTIONS:
        to = (DOCTOR_ACTIONS | COORDINATOR_ACTIONS)[name][0]
        if not policies.can_take_step(request.user, proposal, to):
            raise PermissionDenied
    else:
        messages.error(request, "Action : elle n'est pas possible pour cette proposition.")
        return
    try:
        if name in FOR_DOCTOR_ACTIONS:
            services.answer_for_doctor(proposal, to, by=request.user, note=note)
        else:
            services.transition(proposal, to, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Proposition n° {proposal.pk} : {ProposalStatus(to).label}.")


@page("medecin-traitant/propositions/<int:pk>/")
@allow("GET", "POST", check=require_member)
def mt_proposal(request, cpts_slug, pk):
    cpts = request.cpts
    proposal = proposal_or_404(request, pk)
    actions = available_actions(request, proposal)
    for_doctor = answers_for_doctor(request, proposal)
    if request.method == "POST":
        take_action(request, proposal, actions, for_doctor)
        return redirect("mt_proposal", cpts.slug, proposal.pk)
    coordinator = is_coordinator(request)
    shows_patient = policies.shows_patient(request.user, proposal)
    if shows_patient:
        journal.record(journal.Action.READ, proposal.patient, fields=PATIENT_FIELDS_SHOWN, cpts_id=cpts.pk)
    patient = proposal.patient
    context = {
        "cpts": cpts,
        "proposal": proposal,
        "patient": patient if shows_patient else None,
        "age": patient.age_on(timezone.localdate()) if shows_patient else None,
        "criteria": [label for label, _ in patient.score({})[1]] if shows_patient else [],
        # The reasons (the priority score) hint at the patient's health: not once the proposal is closed.
        "reasons": proposal.reasons if shows_patient else [],
        "actions": actions,
        "for_doctor": for_doctor,
        "today": timezone.localdate(),
        "events": (
            [(event, PatientStatus(event.to_status).label) for event in proposal.events.select_related("by")]
            if coordinator
            else []
        ),
        "coordinator": coordinator,
        "section": "proposals",
        "title": f"{proposal} — {cpts.name}",
        "breadcrumb_data": (
            desk_breadcrumb(cpts, str(proposal))
            if coordinator
            else space_breadcrumb(cpts, str(proposal), ("Mon offre", reverse("mt_offer", args=[cpts.slug])))
        ),
    }
    return render(request, "mt/proposal.html", context)
