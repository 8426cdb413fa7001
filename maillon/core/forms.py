"""Form rules shared by the pages (`www.toolkit.forms.MaillonForm`) and the admin
(`core.admin.FrenchChoicesMixin`): here because the admin may not import the web layer."""

from django import forms

EMPTY_CHOICE_LABEL = "— Choisir —"
# Django's blank choice (BLANK_CHOICE_DASH, ModelChoiceField.empty_label).
DJANGO_EMPTY_LABEL = "---------"


def french_empty_choice(field):
    """A select's empty choice reads « — Choisir — », not Django's « --------- ». A label the
    form chose itself (« Toutes les missions ») is kept."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = EMPTY_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value in ("", None) and label == DJANGO_EMPTY_LABEL for value, label in choices):
            field.choices = [
                (value, EMPTY_CHOICE_LABEL if value in ("", None) and label == DJANGO_EMPTY_LABEL else label)
                for value, label in choices
            ]
