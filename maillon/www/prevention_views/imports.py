"""Import a measure's yearly values from a source's open-data file (coordination): the source
first (Rézone CPTS, Odissé, Data pathologies — each with where to download its file), then the
one upload → preview → confirm page of the import kit (maillon/www/imports) with the measure's
importer (maillon/prevention/imports.py). The chosen source rides in the address
(`?source=odisse`), so the preview and the confirmation import what was chosen."""

import dataclasses

from django.shortcuts import render
from django.urls import reverse

from maillon.prevention import imports
from maillon.prevention.models import MeasureSource

from ..imports.views import ImportPage, import_view
from ..space import allow
from . import page
from .common import action_link, ensure_manager, measure_or_404, prevention_breadcrumb, require_prevention

TITLE = "Importer des valeurs"
SOURCES = [(source, imports.SOURCE_NAMES[source]) for source in imports.SOURCES]

BASE = ImportPage(
    url_name="prevention_measure_import",
    title=TITLE,
    file_label="Fichier de la source",
    importer=None,  # the measure's, per request
    breadcrumb=None,
    guard=lambda request: None,  # the view's own checks come first
    # The kit's fragments: prevention/_import_intro.html, _import_summary.html, _import_confirm.html,
    # _import_head.html, _import_cells.html and _import_outcome.html.
    template_dir="prevention/_import",
)


def measure_breadcrumb(measure):
    def breadcrumb(cpts, current):
        link = (measure.label, reverse("prevention_measure", args=[cpts.slug, measure.pk]))
        return prevention_breadcrumb(cpts, current, action_link(measure.action), link)

    return breadcrumb


def source_page(request, measure, *, status=200):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "measure": measure,
        "sources": SOURCES,
        "chosen": request.GET.get("source", ""),
        "page_url": reverse("prevention_measure_import", args=[cpts.slug, measure.pk]),
        "title": f"{TITLE} — {cpts.name}",
        "breadcrumb_data": measure_breadcrumb(measure)(cpts, TITLE),
    }
    return render(request, "prevention/import_source.html", context, status=status)


@page("prevention/mesures/<int:pk>/importer/")
@allow("GET", "POST", check=require_prevention)
def prevention_measure_import(request, cpts_slug, pk):
    measure = measure_or_404(request, pk)
    ensure_manager(request)
    source = request.GET.get("source", "")
    if source not in imports.SOURCES:
        # No source yet (or an unknown one): choose it first; a file posted without one is not read.
        return source_page(request, measure, status=200 if request.method == "GET" and not source else 400)
    cpts = request.cpts
    measure_url = reverse("prevention_measure", args=[cpts.slug, measure.pk])
    import_page = dataclasses.replace(
        BASE,
        importer=imports.importer_for(measure, source),
        breadcrumb=measure_breadcrumb(measure),
        path=f"{reverse('prevention_measure_import', args=[cpts.slug, measure.pk])}?source={source}",
        key=f"prevention_measure_import:{measure.pk}:{source}",
        done_url=measure_url,
        offers_template=source == MeasureSource.REZONE,
        extra_context={
            "measure": measure,
            "source": source,
            "source_name": imports.SOURCE_NAMES[source],
            "measure_url": measure_url,
            "choose_url": reverse("prevention_measure_import", args=[cpts.slug, measure.pk]),
        },
    )
    return import_view(request, import_page)
