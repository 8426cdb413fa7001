"""The promoters' private page of their lettre d'intention, opened by the link sent to its contact.

The signed link (`services.follow_token`, retired with the letter's nonce) is the only proof: no
login. A wrong, forged or retired link gets one plain page with a 404, whatever went wrong. The
page is never indexed, its address never sent as a referrer, never cached.

It shows the letter (territory with population and taille, promoters, professions, needs), its
status, the exchange with the ARS and its decision. While the ARS asks for more, the promoters
answer here (`services.answer_letter`: the letter waits for the ARS again, which is told); the
answer is throttled per address. Accepted, the page links to the CPTS's public page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import throttle
from maillon.creation import services
from maillon.creation.models import LetterStatus

from ..space import add_errors, allow
from ..toolkit.navigation import breadcrumb
from . import page
from .letter_common import letter_context, private_page
from .letter_forms import AnswerForm

THROTTLE_SCOPE = "creation_letter_answer"
THROTTLED = (
    "Trop de réponses ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure : rien n'a été enregistré."
)
TITLE = "Suivi de la lettre d'intention"

# What the promoters read of each status.
EXPLANATIONS = {
    LetterStatus.SUBMITTED: "L'ARS examine votre lettre. Vous serez prévenus par courriel de sa décision ou de "
    "ses questions.",
    LetterStatus.INFORMATION_REQUESTED: "L'ARS vous demande des compléments : lisez sa question ci-dessous et répondez "
    "depuis cette page. Votre lettre lui revient avec votre réponse.",
    LetterStatus.ACCEPTED: "L'ARS a accepté votre lettre : la CPTS est créée sur Maillon avec son territoire.",
    LetterStatus.REFUSED: "L'ARS n'a pas retenu votre lettre. Son message figure dans les échanges ci-dessous.",
}


@page("suivi/<str:token>/")
@allow("GET", "POST", check=None)
def creation_letter_follow(request, token):
    letter = services.letter_of_token(token)
    context = {"title": TITLE, "breadcrumb_data": breadcrumb(TITLE)}
    if letter is None:
        return private_page(render(request, "creation/letter_link_invalid.html", context, status=404))
    page_url = reverse("creation_letter_follow", args=[token])
    answering = letter.status == LetterStatus.INFORMATION_REQUESTED
    form = AnswerForm(request.POST or None, initial={"needs": letter.needs}) if answering else None
    status = 200
    if request.method == "POST":
        if form is None:  # decided meanwhile: the page says so
            return redirect(page_url)
        if not throttle.allow(request, THROTTLE_SCOPE):
            form.is_valid()
            form.add_error(None, THROTTLED)
            status = 429
        elif form.is_valid():
            needs = form.cleaned_data["needs"].strip()
            try:
                services.answer_letter(
                    letter, body=form.cleaned_data["body"], needs=needs if needs and needs != letter.needs else None
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, "Votre réponse est envoyée à l'ARS : la lettre attend de nouveau sa décision."
                )
                return redirect(page_url)
        if status == 200:
            status = 400
    context.update(letter_context(letter))
    context.update(
        {
            "explanation": EXPLANATIONS.get(letter.status, ""),
            "form": form,
            "page_url": page_url,
            "cpts": letter.cpts if letter.status == LetterStatus.ACCEPTED else None,
        }
    )
    return private_page(render(request, "creation/letter_follow.html", context, status=status))
