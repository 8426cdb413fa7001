"""Forms of the account pages, styled by django-dsfr."""

from django import forms
from django.contrib.auth import forms as auth_forms

from maillon.core.models import ApiToken, CptsRoleKind

from ..toolkit.forms import MaillonForm


class LoginForm(MaillonForm):
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


CODE_FORMAT = "Le code se compose de 6 chiffres."


class OneTimeCodeForm(MaillonForm):
    code = forms.CharField(
        label="Code à usage unique",
        error_messages={"required": "Saisissez le code.", "min_length": CODE_FORMAT, "max_length": CODE_FORMAT},
        help_text="Les 6 chiffres affichés par votre application d'authentification.",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "class": "fr-input maillon-code-input",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(CODE_FORMAT)
        return code


class PasswordResetForm(MaillonForm, auth_forms.PasswordResetForm):
    def save(self, **kwargs):
        """Queue the link's e-mail for each active account of the address (the worker builds the
        link); an unknown address gets nothing, and the page says the same either way."""
        from maillon.core.notifications.sending import on_commit
        from maillon.core.services import send_password_reset

        for user in self.get_users(self.cleaned_data["email"]):
            on_commit(send_password_reset, user.pk)


class SetPasswordForm(MaillonForm, auth_forms.SetPasswordForm):
    pass


class DsfrRadioSelect(forms.RadioSelect):
    option_template_name = "accounts/widgets/radio_option.html"


class InviteForm(MaillonForm):
    email = forms.EmailField(
        label="Adresse électronique de la personne invitée",
        help_text="Format attendu : nom@domaine.fr",
        # The coordinator types someone else's address: no suggestion of their own.
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Rôle dans la CPTS",
        choices=CptsRoleKind.choices,
        initial=CptsRoleKind.MEMBER,
        widget=DsfrRadioSelect,
        # A fieldset with a legend (the widget's class name no longer tells DsfrBoundField).
        template_name="dsfr/form_field_snippets/radioselect_snippet.html",
    )


class ApiTokenForm(MaillonForm):
    name = forms.CharField(
        label="Nom du jeton",
        help_text="Pour le reconnaître plus tard, par exemple « Tableur de suivi ».",
        max_length=ApiToken._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
