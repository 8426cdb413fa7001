"""« Créer une CPTS »: the 10 steps explained, and the public filing of a lettre d'intention.

- The filing form is one POST form: the letter, its promoters (a fixed number of rows, blank ones
  ignored) and its draft territory, drawn with the territory editor of a CPTS
  (`cpts_views.territory`: search, list, map, population, taille, communes already in a CPTS).
  Without JavaScript its buttons search, add and remove communes: the page comes back as typed,
  nothing written. With htmx they post to `creation_letter_territory`, which answers the draft's
  partial and writes nothing.
- Filing (the button « Déposer la lettre d'intention ») is throttled per address (`core.throttle`,
  scope « creation_letter »: 429, nothing written); a robot (the trap field) gets the answer people
  get, nothing written. `services.file_letter` has the last word; its refusals go on their fields.
- Filed, the page says « merci » (`?envoye=1`): the follow-up link went by e-mail to the contact.
  Nothing personal in the URL, and never the link in the page.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import throttle
from maillon.creation import services
from maillon.creation.models import DECIDED_STEPS, Step
from maillon.territories.models import Region
from maillon.territories.selectors import neighbourhood_geojson

from ..cpts_views.territory import build_draft, draft_from, neighbours_response, picker_results
from ..space import allow
from ..toolkit.htmx import is_htmx, vary_on_htmx
from ..toolkit.navigation import breadcrumb
from . import page
from .letter_forms import NO_COMMUNE, DraftForm, LetterForm, put_domain_errors

THROTTLE_SCOPE = "creation_letter"
THROTTLED = (
    "Trop de lettres d'intention ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure : rien n'a été enregistré."
)
SENT_PARAMETER = "envoye"
START_TITLE = "Créer une CPTS"
LETTER_TITLE = "Déposer une lettre d'intention"


@page("")
@allow("GET", check=None)
def creation_start(request):
    amounts = settings.MAILLON_STARTUP_GRANT_BY_REGION
    regions = Region.objects.filter(code__in=list(amounts)).order_by("name")
    context = {
        "steps": [(step.value, step.label, DECIDED_STEPS.get(step, "")) for step in Step],
        "grants": [(region.name, amounts[region.code]) for region in regions],
        "title": START_TITLE,
        "breadcrumb_data": breadcrumb(START_TITLE),
    }
    return render(request, "creation/start.html", context)


def letter_breadcrumb(current=LETTER_TITLE):
    return breadcrumb(current, (START_TITLE, reverse("creation_start")))


def render_form(request, form, draft, query, *, status=200):
    page_url = reverse("creation_letter_new")
    context = {
        "form": form,
        "draft": draft,
        "query": query,
        "picker": picker_results(query),
        "map_geojson": neighbourhood_geojson(draft.codes),
        "preview_url": reverse("creation_letter_territory"),
        "edit_url": page_url,
        "title": LETTER_TITLE,
        "breadcrumb_data": letter_breadcrumb(),
    }
    return render(request, "creation/letter_new.html", context, status=status)


@page("lettre-d-intention/")
@allow("GET", "POST", check=None)
def creation_letter_new(request):
    page_url = reverse("creation_letter_new")
    if request.method == "GET":
        return letter_get(request)
    draft_form = DraftForm(request.POST)
    draft, errors = draft_from(None, draft_form)
    draft.errors += errors
    query = (draft_form.cleaned_data.get("q") or "").strip()
    form = LetterForm(request.POST)
    if "file" not in request.POST:  # a search, an add, a remove: nothing filed
        return render_form(request, form.quiet(), draft, query)
    if not throttle.allow(request, THROTTLE_SCOPE):
        form.quiet().add_error(None, THROTTLED)
        return render_form(request, form, draft, query, status=429)
    if form.is_spam():
        return redirect(f"{page_url}?{SENT_PARAMETER}=1")
    if not draft.codes and not draft.errors:  # said with the other errors, before the service says it
        draft.errors.append(NO_COMMUNE)
    if form.is_valid() and not draft.errors:
        try:
            services.file_letter(communes=draft.codes, **form.letter())
        except ValidationError as error:
            put_domain_errors(form, error, draft=draft)
        else:
            return redirect(f"{page_url}?{SENT_PARAMETER}=1")
    elif draft.errors:
        form.is_valid()
        form.add_error(None, draft.errors)
    return render_form(request, form, draft, query, status=400)


def letter_get(request):
    if "voisines" in request.GET:  # the map's neighbours of communes added by the search
        return neighbours_response(request)
    if request.GET.get(SENT_PARAMETER) == "1":
        context = {"title": "Lettre d'intention déposée", "breadcrumb_data": letter_breadcrumb("Lettre déposée")}
        return render(request, "creation/letter_sent.html", context)
    query = request.GET.get("q", "").strip()[:100]
    if is_htmx(request):  # the search results while typing
        picker = {
            "picker": picker_results(query),
            "query": query,
            "preview_url": reverse("creation_letter_territory"),
            "oob": True,
        }
        return vary_on_htmx(render(request, "www/cpts/_territory_picker.html", picker))
    return vary_on_htmx(render_form(request, LetterForm(), build_draft(None, []), query))


@page("lettre-d-intention/territoire/")
@allow("POST", check=None)
def creation_letter_territory(request):
    """htmx partial of the draft territory: list, population, taille and conflicts. Writes nothing."""
    draft, errors = draft_from(None, DraftForm(request.POST))
    draft.errors += errors
    context = {"draft": draft, "oob": True, "preview_url": reverse("creation_letter_territory")}
    return render(request, "www/cpts/_territory_state.html", context)
