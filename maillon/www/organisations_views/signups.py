"""The pending sign-ups of a regional group, with their answers, for its pilot team and the
hosting organisation's managers (`can_review_signups`): accept (the person's account is made
when they have none, they join the group, and they are told by e-mail) or refuse with a note.
404 for someone who does not read the group, 403 for a reader who does not review sign-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.discussions import policies, services
from maillon.discussions.models import SignupRequest, SignupStatus
from maillon.discussions.selectors import journal_signup_reads

from ..space import allow
from . import page
from .common import space_context, visible_space
from .forms import NoteForm


def pending_signups(space) -> list[SignupRequest]:
    questions = {str(question.pk): question.label for question in space.signup_questions.all()}
    signups = list(space.signup_requests.filter(status=SignupStatus.PENDING).order_by("created_at", "pk"))
    for signup in signups:
        signup.answer_rows = [
            (questions.get(key, "Question retirée du formulaire"), answer)
            for key, answer in signup.answers.items()
            if answer
        ]
    return signups


def signups_page(request, space, *, errors=(), status=200):
    signups = pending_signups(space)
    journal_signup_reads(signups, note="demandes d'inscription en attente")
    context = space_context(request, space, "Demandes d'inscription", signups=signups, errors=list(errors))
    return render(request, "organisations/signups.html", context, status=status)


@page("<int:space_id>/inscriptions/")
@allow("GET", check=visible_space)
def discussions_signups(request, space_id):
    space = request.discussion_space
    ensure_allowed(policies.can_review_signups(request.user, space))
    return signups_page(request, space)


def visible_signup(request):
    """A `check` for `allow`: 404 unless the user reads the group the sign-up asks to join (kept on
    the request as `discussion_signup`)."""
    signup = get_object_or_404(
        SignupRequest.objects.select_related("space__organisation", "space__visio"),
        pk=request.resolver_match.kwargs["signup_id"],
    )
    ensure_visible(signup.space.cpts_id is None and policies.can_read(request.user, signup.space))
    request.discussion_signup = signup


def reviewed_signup(request) -> SignupRequest:
    """The sign-up `visible_signup` found; 403 unless the user reviews the group's sign-ups."""
    signup = request.discussion_signup
    ensure_allowed(policies.can_review_signups(request.user, signup.space))
    return signup


@page("inscriptions/<int:signup_id>/accepter/")
@allow("POST", check=visible_signup)
def discussions_signup_accept(request, signup_id):
    signup = reviewed_signup(request)
    try:
        services.accept_signup(signup, by=request.user)
    except ValidationError as error:
        return signups_page(request, signup.space, errors=error.messages, status=400)
    messages.success(request, f"{signup.full_name} participe maintenant au groupe ; un courriel l'en informe.")
    return redirect("discussions_signups", space_id=signup.space_id)


@page("inscriptions/<int:signup_id>/refuser/")
@allow("POST", check=visible_signup)
def discussions_signup_refuse(request, signup_id):
    signup = reviewed_signup(request)
    form = NoteForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return signups_page(request, signup.space, errors=errors, status=400)
    try:
        services.refuse_signup(signup, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        return signups_page(request, signup.space, errors=error.messages, status=400)
    messages.success(request, f"Demande de {signup.full_name} refusée ; un courriel l'en informe.")
    return redirect("discussions_signups", space_id=signup.space_id)
