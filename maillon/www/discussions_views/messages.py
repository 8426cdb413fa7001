"""One message: its author edits or deletes it within `MAILLON_DISCUSSION_EDIT_MINUTES` (then it
says « modifié », or « Message supprimé par son auteur »); the space's moderators hide it (its
readers see « Message masqué par la modération », the moderators still read it) and show it
again. A message seen but not theirs to change answers 403."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from maillon.discussions import services

from ..space import allow
from . import page
from .common import (
    author_name,
    discussions_breadcrumb,
    ensure_allowed,
    message_or_404,
    message_url,
    policies,
    space_link,
    topic_link,
)
from .forms import EditForm, NoteForm
from .index import signed_in


@page("messages/<int:message_id>/modifier/")
@allow("GET", "POST", check=signed_in)
def discussions_message_edit(request, message_id):
    user = request.user
    message = message_or_404(request, message_id)
    ensure_allowed(
        policies.can_edit_message(user, message),
        f"Un message ne se modifie que par son auteur, dans les {settings.MAILLON_DISCUSSION_EDIT_MINUTES} "
        "minutes après son envoi.",
    )
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(message, body=form.cleaned_data["body"], by=user)
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, "Message modifié.")
            return redirect(message_url(message))
    topic = message.topic
    context = {
        "message": message,
        "topic": topic,
        "space": message.space,
        "form": form,
        "author_name": author_name(message.author),
        "title": f"Modifier un message — {topic.title}",
        "breadcrumb_data": discussions_breadcrumb("Modifier un message", space_link(message.space), topic_link(topic)),
    }
    return render(request, "discussions/message_edit.html", context, status=400 if form.errors else 200)


def refused(request, message, error):
    for text in error.messages:
        messages.error(request, text)
    return redirect(message_url(message))


@page("messages/<int:message_id>/supprimer/")
@allow("POST", check=signed_in)
def discussions_message_delete(request, message_id):
    message = message_or_404(request, message_id)
    ensure_allowed(
        message.author_id == request.user.pk,
        "Seul son auteur supprime un message.",
    )
    try:
        services.delete_message(message, by=request.user)
    except ValidationError as error:
        return refused(request, message, error)
    messages.success(request, "Message supprimé.")
    return redirect(message_url(message))


def moderate(request, message_id, act, done: str):
    message = message_or_404(request, message_id)
    ensure_allowed(policies.can_hide_message(request.user, message))
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        act(message, by=request.user, note=note)
    except ValidationError as error:
        return refused(request, message, error)
    messages.success(request, done)
    return redirect(message_url(message))


@page("messages/<int:message_id>/masquer/")
@allow("POST", check=signed_in)
def discussions_message_hide(request, message_id):
    return moderate(request, message_id, services.hide_message, "Message masqué : ses lecteurs ne le lisent plus.")


@page("messages/<int:message_id>/afficher/")
@allow("POST", check=signed_in)
def discussions_message_unhide(request, message_id):
    return moderate(request, message_id, services.unhide_message, "Message de nouveau visible.")
