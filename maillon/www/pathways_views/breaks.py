"""The breaks board: what broke in the pathways the user sees (`policies.visible_breaks`: the
coordination all, a member those of the patients they lead) — the open ones by kind with their
counts, the resolved ones in their own tab. The lead or the coordination resolves a break with
what was done (`CareBreak.resolve`), posted to the break's own address. Every patient shown is
journaled."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.pathways.models import BreakKind, BreakStatus
from maillon.pathways.selectors import subject_labels

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
from .forms import ResolveBreakForm

PAGE_SIZE = 50
KIND_ORDER = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(BreakKind.values)],
    default=Value(len(BreakKind.values)),
    output_field=IntegerField(),
)


def kind_counts(care_breaks) -> list[tuple[str, str, int]]:
    """(kind, label, count) of every kind, in the order of `BreakKind` (one query)."""
    counts = dict(care_breaks.order_by().values_list("kind").annotate(n=Count("pk")))
    return [(kind, label, counts.get(kind, 0)) for kind, label in BreakKind.choices]


@page("parcours/ruptures/")
@allow("GET", check=require_pathways)
def pathways_breaks(request, cpts_slug):
    cpts, user = request.cpts, request.user
    resolved = request.GET.get("etat") == BreakStatus.RESOLVED
    status = BreakStatus.RESOLVED if resolved else BreakStatus.OPEN
    care_breaks = policies.visible_breaks(user, cpts).filter(status=status)
    kinds = kind_counts(care_breaks)
    kind = request.GET.get("type", "")
    kind = kind if kind in BreakKind.values else ""
    if kind:
        care_breaks = care_breaks.filter(kind=kind)
    order = ["-resolved_on", "-pk"] if resolved else [KIND_ORDER, "-detected_on", "pk"]
    rows = care_breaks.select_related("inclusion__programme", "inclusion__lead__professional").order_by(*order)
    listed = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(listed.object_list)
    labels = subject_labels(shown)
    here = request.get_full_path()
    for care_break in shown:
        care_break.what = labels[care_break.pk]
        if not resolved and policies.can_resolve_break(user, care_break):
            care_break.form = ResolveBreakForm(care_break=care_break)
    shown_patients(shown, "tableau des ruptures")
    query = "&".join(part for part in ("etat=resolved" if resolved else "", f"type={kind}" if kind else "") if part)
    context = {
        "cpts": cpts,
        "resolved": resolved,
        "kinds": kinds,
        "kind": kind,
        "kind_label": BreakKind(kind).label if kind else "",
        "open_count": None if resolved else sum(count for _, _, count in kinds),
        "page": listed,
        "shown": shown,
        "query": query,
        "here": here,
        "coordinator": policies.can_manage_programmes(user, cpts),
        "section": "breaks",
        "title": f"Ruptures de parcours — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, "Ruptures de parcours"),
    }
    return render(request, "pathways/breaks.html", context)


@page("parcours/ruptures/<int:pk>/resoudre/")
@allow("POST", check=require_pathways)
def pathways_break_resolve(request, cpts_slug, pk):
    """The lead or the coordination says what was done (403 for anyone else who sees the break,
    and for a break already resolved); a refused form shows again on a page of its own (400)."""
    cpts = request.cpts
    visible = policies.visible_breaks(request.user, cpts).select_related(
        "inclusion__programme", "inclusion__lead__professional"
    )
    care_break = get_object_or_404(visible, pk=pk)
    ensure_allowed(policies.can_resolve_break(request.user, care_break))
    form = ResolveBreakForm(request.POST, care_break=care_break)
    back = back_to(request, reverse("pathways_breaks", args=[cpts.slug]))

    def resolve():
        care_break.resolve(by=request.user, resolution=form.cleaned_data["resolution"])

    if save_form(request, form, resolve, "Rupture résolue ; ce qui a été fait est noté."):
        return redirect(back)
    care_break.what = subject_labels([care_break])[care_break.pk]
    return refused_row_form(
        request,
        "pathways/break_resolve.html",
        care_break,
        form,
        what=f"Rupture n° {care_break.pk}",
        listing=("Ruptures", "pathways_breaks"),
        back=back,
        care_break=care_break,
    )
