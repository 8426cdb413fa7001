"""The 10 steps of the creation of a CPTS: the checklist with its dates and documents (read by
the CPTS's people and the authorities and observers of its territory), a step planned, ticked
and documented by the coordinators. The steps a decision proves (the letter accepted, the projet
de santé validated, the ACI signed) are ticked by that decision, never by hand."""

from pathlib import Path

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.creation import selectors, services
from maillon.creation.models import CreationStep, Step, StepDocument
from maillon.governance.models import DOCUMENT_CONTENT_TYPES

from ..space import allow, posted_action, save_form
from ..spreadsheets import stored_file
from . import page
from .forms import StepDocumentForm, StepForm
from .project_common import creation_context, ensure_allowed, policies, require_creation, steps_link


@page("creation/etapes/")
@allow("GET", check=require_creation)
def creation_steps(request, cpts_slug):
    cpts, user = request.cpts, request.user
    editor = policies.can_edit_steps(user, cpts)
    if editor:
        services.ensure_steps(cpts)
    rows = selectors.checklist(cpts)
    done = sum(1 for row in rows if row.done)
    context = creation_context(
        request,
        "Étapes de la création",
        "Étapes de la création",
        "Étapes de la création",
        rows=rows,
        done=done,
        total=len(rows),
        editor=editor,
    )
    return render(request, "creation/steps.html", context)


def step_or_404(cpts, number) -> CreationStep:
    if number not in Step.values:
        raise Http404
    services.ensure_steps(cpts)
    return get_object_or_404(CreationStep.objects.for_cpts(cpts).select_related("cpts"), step=number)


@page("creation/etapes/<int:number>/")
@allow("GET", "POST", check=require_creation)
def creation_step_edit(request, cpts_slug, number):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_edit_steps(user, cpts), "Seule la coordination de la CPTS tient ses étapes.")
    step = step_or_404(cpts, number)
    can_tick = policies.can_tick_step(user, step)
    action = posted_action(request, True, {"step", "document"})
    initial = {"planned_on": step.planned_on, "done_on": step.done_on, "note": step.note}
    step_form = StepForm(request.POST if action == "step" else None, can_tick=can_tick, initial=initial, prefix="step")
    document_form = StepDocumentForm(
        request.POST if action == "document" else None, request.FILES if action == "document" else None, prefix="doc"
    )
    back = redirect("creation_step_edit", cpts_slug=cpts.slug, number=number)
    if action == "step":

        def write():
            data = step_form.cleaned_data
            return services.update_step(
                step, by=user, planned_on=data["planned_on"], done_on=data.get("done_on"), note=data["note"]
            )

        if save_form(request, step_form, write, f"Étape {number} enregistrée."):
            return redirect("creation_steps", cpts_slug=cpts.slug)
    if action == "document":

        def add():
            data = document_form.cleaned_data
            return services.add_step_document(step, by=user, title=data["title"], file=data["file"])

        if save_form(request, document_form, add, lambda document: f"Document « {document.title} » déposé."):
            return back
    context = creation_context(
        request,
        f"Étape {number}",
        "Étapes de la création",
        f"Étape {number}",
        steps_link(cpts),
        step=step,
        can_tick=can_tick,
        documents=list(step.documents.all()),
        step_form=step_form,
        document_form=document_form,
    )
    status = 400 if step_form.errors or document_form.errors else 200
    return render(request, "creation/step_edit.html", context, status=status)


def document_or_404(request, pk) -> StepDocument:
    documents = StepDocument.objects.filter(step__cpts=request.cpts).select_related("step__cpts")
    return get_object_or_404(documents, pk=pk)


def download_name(document) -> str:
    """A neutral name: the step and the document's number, the file's own extension."""
    return f"etape-{document.step.step}-document-{document.pk}{Path(document.file.name).suffix.lower()}"


@page("creation/documents/<int:pk>/")
@allow("GET", check=require_creation)
def creation_step_document_download(request, cpts_slug, pk):
    document = document_or_404(request, pk)
    content_type = DOCUMENT_CONTENT_TYPES.get(Path(document.file.name).suffix.lower(), "application/octet-stream")
    return stored_file(document.file, download_name(document), content_type)


@page("creation/documents/<int:pk>/supprimer/")
@allow("POST", check=require_creation)
def creation_step_document_delete(request, cpts_slug, pk):
    document = document_or_404(request, pk)
    ensure_allowed(policies.can_edit_steps(request.user, request.cpts), "Seule la coordination retire un document.")
    number, title = document.step.step, document.title
    services.delete_step_document(document, by=request.user)
    messages.success(request, f"Document « {title} » supprimé.")
    return redirect(reverse("creation_step_edit", args=[request.cpts.slug, number]))
