"""The promoters' private page of their lettre d'intention, opened by the link sent to its contact.

The signed link (`services.follow_token`, retired with the letter's nonce) is the only proof: no
login. A wrong, forged or retired link gets one plain page with a 404, whatever went wrong. The
page is never indexed, its address never sent as a referrer, never cached.

It shows the letter (territory with population and taille, promoters, professions, needs), its
status, the exchange with the ARS and its decision. While the ARS asks for more, the promoters
answer here (`services.answer_letter`: the letter waits for the ARS again, which is told); the
answer is throttled per address. The answer form carries the draft territory, prefilled with the
letter's communes and drawn with the territory editor of the filing form: without JavaScript its
buttons search, add and remove communes (the page comes back as typed, nothing written); with
htmx they post to `creation_letter_territory`. The redrawn territory goes with the answer only
when it changed. Accepted, the page links to the CPTS's public page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import throttle
from maillon.creation import services
from maillon.creation.models import LetterStatus
from maillon.territories.selectors import neighbourhood_geojson

from ..cpts_views.territory import build_draft, draft_from, neighbours_response, picker_results
from ..space import allow
from ..toolkit.htmx import is_htmx, vary_on_htmx
from ..toolkit.navigation import breadcrumb
from . import page
from .letter_common import letter_context, private_page
from .letter_forms import NO_COMMUNE, AnswerForm, DraftForm, put_domain_errors

THROTTLE_SCOPE = "creation_letter_answer"
THROTTLED = (
    "Trop de réponses ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure : rien n'a été enregistré."
)
TITLE = "Suivi de la lettre d'intention"
# The editor's buttons: a search, an add or a remove is not the answer.
EDITOR_ACTIONS = ("search", "add", "remove")
# Marks a POST carrying the draft territory (an emptied list posts no commune at all).
TERRITORY_MARK = "territory"

# What the promoters read of each status.
EXPLANATIONS = {
    LetterStatus.SUBMITTED: "L'ARS examine votre lettre. Vous serez prévenus par courriel de sa décision ou de "
    "ses questions.",
    LetterStatus.INFORMATION_REQUESTED: "L'ARS vous demande des compléments : lisez sa question ci-dessous et répondez "
    "depuis cette page. Votre lettre lui revient avec votre réponse.",
    LetterStatus.ACCEPTED: "L'ARS a accepté votre lettre : la CPTS est créée sur Maillon avec son territoire.",
    LetterStatus.REFUSED: "L'ARS n'a pas retenu votre lettre. Son message figure dans les échanges ci-dessous.",
}


def letter_codes(letter) -> list[str]:
    return list(letter.communes.values_list("commune_id", flat=True))


def posted_draft(request, letter):
    """The draft territory posted with the answer (the letter's own when the POST carries none),
    and the search query."""
    if TERRITORY_MARK not in request.POST:
        return build_draft(None, letter_codes(letter)), ""
    draft_form = DraftForm(request.POST)
    draft, errors = draft_from(None, draft_form)
    if errors:  # a malformed code: back to the letter's territory, saying so
        draft = build_draft(None, letter_codes(letter))
    draft.errors += errors
    return draft, (draft_form.cleaned_data.get("q") or "").strip()


def answer(request, letter, form, draft, current: list[str]) -> int | None:
    """Send the answer; None when sent, else the page's status."""
    if not throttle.allow(request, THROTTLE_SCOPE):
        form.quiet().add_error(None, THROTTLED)
        return 429
    if not draft.codes and not draft.errors:
        draft.errors.append(NO_COMMUNE)
    if not form.is_valid() or draft.errors:
        if draft.errors:
            form.add_error(None, draft.errors)
        return 400
    needs = form.cleaned_data["needs"].strip()
    changed = set(draft.codes) != set(current)
    try:
        services.answer_letter(
            letter,
            body=form.cleaned_data["body"],
            needs=needs if needs and needs != letter.needs else None,
            **({"communes": draft.codes} if changed else {}),
        )
    except ValidationError as error:
        put_domain_errors(form, error, draft=draft)
        return 400
    return None


@page("suivi/<str:token>/")
@allow("GET", "POST", check=None)
def creation_letter_follow(request, token):
    letter = services.letter_of_token(token)
    context = {"title": TITLE, "breadcrumb_data": breadcrumb(TITLE)}
    if letter is None:
        return private_page(render(request, "creation/letter_link_invalid.html", context, status=404))
    page_url = reverse("creation_letter_follow", args=[token])
    preview_url = reverse("creation_letter_territory")
    answering = letter.status == LetterStatus.INFORMATION_REQUESTED
    if request.method == "GET" and answering:
        if "voisines" in request.GET:  # the map's neighbours of communes added by the search
            return private_page(neighbours_response(request))
        if is_htmx(request):  # the search results while typing
            query = request.GET.get("q", "").strip()[:100]
            picker = {"picker": picker_results(query), "query": query, "preview_url": preview_url, "oob": True}
            return private_page(vary_on_htmx(render(request, "www/cpts/_territory_picker.html", picker)))
    # Bound on every POST, an empty one included (`request.POST or None` would leave it unbound).
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, initial={"needs": letter.needs}) if answering else None
    current = letter_codes(letter) if answering else []
    draft, query = build_draft(None, current), request.GET.get("q", "").strip()[:100]
    status = 200
    if request.method == "POST":
        if form is None:  # decided meanwhile: the page says so
            return redirect(page_url)
        draft, query = posted_draft(request, letter)
        if any(action in request.POST for action in EDITOR_ACTIONS):  # nothing sent
            form.quiet()
        else:
            status = answer(request, letter, form, draft, current)
            if status is None:
                messages.success(
                    request, "Votre réponse est envoyée à l'ARS : la lettre attend de nouveau sa décision."
                )
                return redirect(page_url)
    context.update(letter_context(letter))
    context.update(
        {
            "explanation": EXPLANATIONS.get(letter.status, ""),
            "form": form,
            "page_url": page_url,
            "cpts": letter.cpts if letter.status == LetterStatus.ACCEPTED else None,
        }
    )
    if form is not None:
        context.update(
            {
                "draft": draft,
                "query": query,
                "picker": picker_results(query),
                "map_geojson": neighbourhood_geojson(draft.codes),
                "preview_url": preview_url,
                "edit_url": page_url,
            }
        )
    return private_page(vary_on_htmx(render(request, "creation/letter_follow.html", context, status=status)))
