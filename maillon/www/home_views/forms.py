from django import forms

from maillon.core.models import LegalForm

from ..toolkit.forms import MaillonForm


class CptsCreateForm(MaillonForm):
    """A new CPTS on the platform: what identifies it. The territory and the first coordinator
    come on the next pages."""

    name = forms.CharField(label="Nom de la CPTS", max_length=200, help_text="Par exemple : CPTS du Val de Seine.")
    legal_form = forms.ChoiceField(label="Forme juridique", choices=LegalForm.choices)
    siren = forms.CharField(
        label="SIREN de l'association", max_length=9, required=False, help_text="9 chiffres, s'il est déjà connu."
    )
    email = forms.EmailField(label="Courriel de contact", required=False)
