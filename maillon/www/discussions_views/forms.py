"""Forms of the discussion pages (on the toolkit's `MaillonForm`: errors name their field).

A message form carries `client_id`, drawn when the page is shown: sent twice (a double click, a
retry after a lost answer), the message is written once (`services.post_message`). A text refused
because it holds a NIR or an INS is not shown back (`forget_refused`)."""

import uuid

from django import forms
from django.conf import settings

from maillon.discussions.health_data import is_refusal
from maillon.discussions.models import NotifyLevel
from maillon.discussions.services import MAX_ATTACHMENTS

from ..space import add_errors
from ..toolkit.forms import MaillonForm, named_field, text_field

ACCEPTED = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods"
FILES_HINT = (
    f"{MAX_ATTACHMENTS} fichiers au plus : PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS, "
    f"{settings.MAILLON_IMPORT_MAX_BYTES // (1024 * 1024)} Mo au plus chacun. Aucune donnée de patient."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; checked by `services.check_attachments`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [forms.FileField.clean(self, item, initial) for item in data if item]
        return [forms.FileField.clean(self, data, initial)] if data else []


def body_field(label="Message"):
    limit = settings.MAILLON_DISCUSSION_MAX_CHARACTERS
    return named_field(
        forms.CharField,
        label,
        {"required": "écrivez votre message.", "max_length": f"{limit} caractères au plus."},
        max_length=limit,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour mentionner quelqu'un, écrivez « @Prénom Nom ».",
    )


class MessageForm(MaillonForm):
    body = body_field()
    files = MultipleFileField(label="Pièces jointes", required=False, help_text=FILES_HINT)
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    accepted = ACCEPTED

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)

    def refuse(self, error):
        """Put the domain's refusal on the form; a text holding a patient identifier is emptied."""
        if hasattr(error, "error_dict"):
            add_errors(self, error)
        else:
            self.add_error("files", error)  # the attachments' checks name their file, no field
        forget_refused(self, error)


def forget_refused(form, error):
    """Each field whose value was refused for holding a patient identifier is emptied."""
    refused = [name for name, messages in getattr(error, "message_dict", {}).items() if any(map(is_refusal, messages))]
    if refused:
        data = form.data.copy()
        for name in refused:
            data[name] = ""
        form.data = data


class TopicForm(MessageForm):
    title = text_field("Sujet", 120, error_messages={"required": "Sujet : indiquez le sujet."})

    field_order = ["title", "body", "files", "client_id"]


class EditForm(MaillonForm):
    body = body_field()

    def refuse(self, error):
        add_errors(self, error)
        forget_refused(self, error)


class NotifyForm(MaillonForm):
    notify = forms.ChoiceField(
        label="Me prévenir des nouveaux messages de cet espace",
        choices=NotifyLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Me prévenir : choisissez une des possibilités proposées."},
    )


class NoteForm(MaillonForm):
    note = text_field("Motif (facultatif)", 300, required=False)


class WorkingGroupForm(MaillonForm):
    name = text_field("Nom du groupe", 120, error_messages={"required": "Nom du groupe : indiquez le nom du groupe."})
    description = text_field("Description", 2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    people = forms.TypedMultipleChoiceField(
        label="Participants",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les personnes de la CPTS qui rejoignent le groupe (vous en faites partie).",
        error_messages={"invalid_choice": "Participants : choisissez parmi les personnes de la CPTS."},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people
