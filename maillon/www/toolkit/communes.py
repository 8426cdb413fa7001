"""The commune picker: a commune found by name or postal code, then picked among the matches;
with htmx the matches come while typing. Also the INSEE code check of hidden commune fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render

from maillon.core.identifiers import INSEE_COMMUNE_PATTERN
from maillon.territories.models import Commune

from .forms import MaillonForm
from .htmx import is_htmx, vary_on_htmx

COMMUNE_SUGGESTIONS = 8
QUERY_FIELD = "commune_query"
CHOICES_TEMPLATE = "www/toolkit/_commune_choices.html"


def clean_commune_code(value: str) -> str:
    code = (value or "").strip().upper()
    if not INSEE_COMMUNE_PATTERN.match(code):
        raise ValidationError(f"Commune : « {value[:20]} » n'est pas un code INSEE de commune valide.")
    return code


def commune_label(commune) -> str:
    return f"{commune.name} ({commune.code})"


def commune_candidates(query: str) -> list:
    query = (query or "").strip()
    return list(Commune.objects.search(query)[:COMMUNE_SUGGESTIONS]) if query else []


class CommunePickForm(MaillonForm):
    """A commune found by name or postal code, then picked among the matches.

    Without JavaScript the page answers the matches after a submit; with htmx they
    come while typing (see `commune_suggestions`). `cleaned_data["commune_obj"]`
    holds the Commune. The template: "www/toolkit/_commune_field.html" with `pick=form`.
    """

    commune_required = True

    commune_query = forms.CharField(
        label="Commune",
        max_length=100,
        required=False,
        help_text="Nom ou code postal, puis choisissez la commune dans la liste.",
    )
    commune = forms.CharField(label="Choisissez la commune", required=False, widget=forms.RadioSelect)

    def __init__(self, *args, search_url="", initial_commune=None, **kwargs):
        if initial_commune is not None:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("commune_query", initial_commune.name)
            initial.setdefault("commune", initial_commune.code)
        super().__init__(*args, **kwargs)
        self.candidates = self._candidates(initial_commune)
        self.fields["commune"].widget.choices = [(c.code, commune_label(c)) for c in self.candidates]
        query = self.fields["commune_query"].widget
        query.attrs.update({"autocomplete": "off", "aria-controls": self.choices_id})
        if search_url:
            query.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:400ms, search",
                    "hx-target": "#" + self.choices_id,
                    "hx-include": "this",
                    "hx-sync": "this:replace",
                }
            )

    @property
    def choices_id(self) -> str:
        return f"{self['commune'].auto_id}-choices"

    def _candidates(self, initial_commune) -> list:
        """The matches of the typed search, and the commune already ticked if it is not among them."""
        self.matches = []
        if not self.is_bound:
            return [initial_commune] if initial_commune is not None else []
        self.matches = commune_candidates(str(self.data.get(self.add_prefix("commune_query"), ""))[:100])
        code = str(self.data.get(self.add_prefix("commune"), ""))[:5]
        if code and code not in {c.code for c in self.matches}:
            chosen = Commune.objects.filter(code=code).first()
            if chosen is not None:
                return [chosen, *self.matches]
        return self.matches

    def clean(self):
        cleaned = super().clean()
        cleaned["commune_obj"] = self._pick_commune(cleaned.get("commune", ""), cleaned.get("commune_query", ""))
        return cleaned

    def _pick_commune(self, code, query):
        by_code = {c.code: c for c in self.candidates}
        chosen = by_code.get(code)
        if code and chosen is None:
            self.add_error("commune", "Commune : cette commune n'existe pas, cherchez-la à nouveau.")
            return None
        matches = self.matches
        # A commune ticked then a new search typed (without JavaScript): the new search wins.
        if chosen is not None and (not query or chosen.code in {c.code for c in matches}):
            return chosen
        if query and len(matches) == 1:
            return matches[0]
        if query and matches:
            self.add_error("commune", "Commune : plusieurs communes correspondent, choisissez la vôtre dans la liste.")
        elif query:
            self.add_error("commune_query", f"Commune : aucune commune ne correspond à « {query[:40]} ».")
        elif self.commune_required:
            self.add_error("commune_query", "Commune : indiquez le nom ou le code postal de la commune.")
        return None


def commune_suggestions(request, *, search_url):
    """The communes matching what is typed in a form's commune field, answered to htmx by the
    page that holds the form; None if this request is not that search.

    The field may carry a form prefix (a formset's « form-0-commune_query »): the
    answer uses the same prefix, so the radio buttons post with the form.
    """
    if request.method != "GET" or not is_htmx(request):
        return None
    key = next((key for key in request.GET if key == QUERY_FIELD or key.endswith("-" + QUERY_FIELD)), None)
    if key is None:
        return None
    prefix = key[: -len("-" + QUERY_FIELD)] if key != QUERY_FIELD else None
    form = CommunePickForm(request.GET, prefix=prefix, search_url=search_url)
    return vary_on_htmx(render(request, CHOICES_TEMPLATE, {"pick": form}))
