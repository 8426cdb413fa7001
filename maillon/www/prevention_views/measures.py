"""A measure of an action: its baseline, target and yearly values, drawn as a chart (the
territory against its département and the target, the baseline as the first point) and given
as the same figures in a table — the chart's accessible alternative. A value the source hides
(fewer than 6 people counted) is « < 6 (masqué) » in the table and a gap in the chart.

The coordination creates measures (`services.create_measure`) and enters values
(`services.set_value`); the import kit brings them from the sources' files."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats

from maillon.prevention import services
from maillon.prevention.models import Measure, Scope

from ..space import allow, save_form
from . import page
from .common import (
    action_link,
    action_or_404,
    ensure_manager,
    import_url,
    is_manager,
    measure_or_404,
    reader_breadcrumb,
    require_prevention,
)
from .forms import MeasureForm, ValueForm

HIDDEN = "< 6 (masqué)"
MEASURE_FIELDS = list(Measure.EDITABLE)


def number(value) -> str:
    return formats.number_format(value, decimal_pos=2, use_l10n=True)


def shown(value, unit) -> str:
    """A value as the table says it: « 34,10 % », « < 6 (masqué) », or « — » when there is none."""
    if value is None:
        return "—"
    if value.hidden:
        return HIDDEN
    return f"{number(value.value)} {unit}".strip()


def plotted(value):
    """A value as the chart draws it: a number, or None (a gap) when hidden or missing."""
    return None if value is None or value.hidden else float(value.value)


def measure_figures(measure, values) -> tuple[list[dict], dict]:
    """The rows of the table (baseline first, then each year) and the chart's data."""
    unit = measure.unit
    by_year: dict[int, dict] = {}
    for value in values:
        by_year.setdefault(value.year, {})[value.scope] = value
    target = measure.target_value
    departement = measure.departement
    departement_label = f"Département ({departement.name})" if departement else "Département"
    rows = [
        {
            "label": f"Référence ({measure.baseline_on.year})",
            "territory": f"{number(measure.baseline_value)} {unit}".strip(),
            "departement": "—",
            "target": f"{number(target)} {unit}".strip() if target is not None else "—",
        }
    ]
    territory = [float(measure.baseline_value)]
    compared = [None]
    for year in sorted(by_year):
        scopes = by_year[year]
        rows.append(
            {
                "label": str(year),
                "territory": shown(scopes.get(Scope.TERRITORY), unit),
                "departement": shown(scopes.get(Scope.DEPARTEMENT), unit),
                "target": rows[0]["target"],
            }
        )
        territory.append(plotted(scopes.get(Scope.TERRITORY)))
        compared.append(plotted(scopes.get(Scope.DEPARTEMENT)))
    series = [
        {"key": "territory", "label": "Territoire de la CPTS", "values": territory},
        {"key": "departement", "label": departement_label, "values": compared},
    ]
    if target is not None:
        series.append({"key": "target", "label": "Cible", "values": [float(target)] * len(rows)})
    data = {
        "title": measure.label,
        "unit": unit,
        "labels": [row["label"] for row in rows],
        "series": series,
    }
    return rows, data


def chart_summary(measure, rows) -> str:
    """The canvas's aria-label: what the chart shows, the figures being in the table below."""
    last = rows[-1]
    return (
        f"Graphique : {measure.label}, territoire de la CPTS, département et cible, par année. "
        f"Référence {rows[0]['territory']} ; {last['label']} : {last['territory']}. "
        "Les valeurs sont détaillées dans le tableau qui suit."
    )


def measure_page(request, measure, *, value_form=None, status=200):
    cpts = request.cpts
    action = measure.action
    values = list(measure.values.order_by("year", "-scope"))
    rows, data = measure_figures(measure, values)
    manager = is_manager(request)
    for value in values:
        value.shown = shown(value, measure.unit)
    context = {
        "cpts": cpts,
        "measure": measure,
        "action": action,
        "rows": rows,
        "chart": data,
        "chart_summary": chart_summary(measure, rows),
        "values": values,
        "manager": manager,
        "value_form": (value_form or ValueForm(initial={"scope": Scope.TERRITORY})) if manager else None,
        "import_url": import_url(cpts, measure) if manager else None,
        "title": f"{measure.label} — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, measure.label, action_link(action)),
    }
    return render(request, "prevention/measure.html", context, status=status)


@page("prevention/actions/<int:pk>/mesures/nouvelle/")
@allow("GET", "POST", check=require_prevention)
def prevention_measure_new(request, cpts_slug, pk):
    cpts = request.cpts
    action = action_or_404(request, pk)
    ensure_manager(request)
    initial = {"unit": "%", "departement": services.main_departement(cpts)}
    form = MeasureForm(request.POST or None, initial=initial)
    created = []

    def write():
        fields = {name: form.cleaned_data[name] for name in MEASURE_FIELDS}
        created.append(services.create_measure(action, **fields))
        return created[0]

    if request.method == "POST" and save_form(
        request, form, write, "Mesure créée : saisissez ou importez ses valeurs."
    ):
        return redirect("prevention_measure", cpts_slug=cpts.slug, pk=created[0].pk)
    context = {
        "cpts": cpts,
        "action": action,
        "form": form,
        "page_url": reverse("prevention_measure_new", args=[cpts.slug, action.pk]),
        "title": f"Nouvelle mesure — {cpts.name}",
        "breadcrumb_data": reader_breadcrumb(request, "Nouvelle mesure", action_link(action)),
    }
    return render(request, "prevention/measure_form.html", context, status=400 if form.errors else 200)


@page("prevention/mesures/<int:pk>/")
@allow("GET", check=require_prevention)
def prevention_measure(request, cpts_slug, pk):
    return measure_page(request, measure_or_404(request, pk))


@page("prevention/mesures/<int:pk>/valeurs/")
@allow("POST", check=require_prevention)
def prevention_measure_value(request, cpts_slug, pk):
    measure = measure_or_404(request, pk)
    ensure_manager(request)
    form = ValueForm(request.POST)

    def write():
        data = dict(form.cleaned_data)
        return services.set_value(measure, year=data.pop("year"), scope=data.pop("scope"), by=request.user, **data)

    def done(value):
        return f"Valeur {value.year} ({value.get_scope_display().lower()}) enregistrée."

    if save_form(request, form, write, done):
        return redirect("prevention_measure", cpts_slug=request.cpts.slug, pk=measure.pk)
    return measure_page(request, measure, value_form=form, status=400)
