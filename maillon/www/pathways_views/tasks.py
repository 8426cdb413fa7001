"""« Mes tâches »: the open care tasks given to the user across their patients, the late ones
first; the coordination switches to every open task it sees, filtered (late only, programme).
Each row has its small form « Marquer comme faite », posted to the task's own address
(`care.complete_task`). Every patient shown is journaled."""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.pathways import care

from ..space import allow, save_form
from . import page
from .common import (
    back_to,
    ensure_allowed,
    pathways_breadcrumb,
    policies,
    refused_row_form,
    require_pathways,
    shown_patients,
)
from .forms import CompleteTaskForm
from .queries import programme_rows

PAGE_SIZE = 50


def task_rows(tasks, today):
    """Open tasks, the late ones first, then by due date, with what a row shows (one query)."""
    late_first = Case(When(late_from__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        tasks.open()
        .select_related("inclusion__programme", "assignee__professional")
        .annotate(late_rank=late_first)
        .order_by("late_rank", "due_on", "pk")
    )


@page("parcours/taches/")
@allow("GET", check=require_pathways)
def pathways_tasks(request, cpts_slug):
    cpts, user, today = request.cpts, request.user, timezone.localdate()
    coordinator = policies.can_manage_programmes(user, cpts)
    every = coordinator and request.GET.get("tout") == "1"
    late_only = request.GET.get("retard") == "1"
    tasks = policies.visible_tasks(user, cpts) if every else policies.visible_assigned_tasks(user, cpts)
    if late_only:
        tasks = tasks.late_on(today)
    programmes = [row.programme for row in programme_rows(user, cpts)] if every else []
    programme = next((p for p in programmes if str(p.pk) == request.GET.get("programme", "")), None)
    if programme is not None:
        tasks = tasks.filter(inclusion__programme__lineage=programme.lineage)
    listed = Paginator(task_rows(tasks, today), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(listed.object_list)
    for task in shown:
        task.late = task.late_from < today
        task.form = CompleteTaskForm(task=task)
    shown_patients(shown, "tâches de soins")
    query = "&".join(
        part
        for part in (
            "tout=1" if every else "",
            "retard=1" if late_only else "",
            f"programme={programme.pk}" if programme else "",
        )
        if part
    )
    title = "Tâches de soins" if every else "Mes tâches"
    context = {
        "cpts": cpts,
        "page": listed,
        "shown": shown,
        "every": every,
        "late_only": late_only,
        "programmes": programmes,
        "programme": programme,
        "query": query,
        "here": request.get_full_path(),
        "coordinator": coordinator,
        "section": "tasks",
        "title": f"{title} — {cpts.name}",
        "heading": title,
        "breadcrumb_data": pathways_breadcrumb(cpts, title),
    }
    return render(request, "pathways/tasks.html", context)


@page("parcours/taches/<int:pk>/faite/")
@allow("POST", check=require_pathways)
def pathways_task_complete(request, cpts_slug, pk):
    """Whoever sees the patient records the task done (403 for a task done or cancelled); a
    refused form shows again on a page of its own, with its errors (400)."""
    cpts = request.cpts
    tasks = policies.visible_tasks(request.user, cpts).select_related("inclusion__programme", "step")
    task = get_object_or_404(tasks, pk=pk)
    ensure_allowed(policies.can_complete_task(request.user, task))
    form = CompleteTaskForm(request.POST, task=task)

    def complete():
        care.complete_task(task, by=request.user, outcome=form.cleaned_data["outcome"], on=form.cleaned_data["done_on"])

    back = back_to(request, reverse("pathways_tasks", args=[cpts.slug]))
    if save_form(request, form, complete, f"Tâche « {task.title} » marquée comme faite."):
        return redirect(back)
    return refused_row_form(
        request,
        "pathways/task_complete.html",
        task,
        form,
        what=f"Tâche n° {task.pk}",
        listing=("Mes tâches", "pathways_tasks"),
        back=back,
        task=task,
        late=task.late_from < timezone.localdate(),
    )
