"""Forms of the account pages, styled by django-dsfr."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxValueValidator

from maillon.core import token_scopes
from maillon.core.models import SUPERUSER_TOKEN_REFUSED, ApiToken, ApiTokenKind, CptsRoleKind
from maillon.snp import policies as snp_policies

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
    """A new token: its name, its scopes by area (read, write), its life in days; the type
    (personal or FHIR client) only for a SAS client account. Platform admins get none unless
    MAILLON_API_SUPERUSER_TOKENS is on."""

    name = forms.CharField(
        label="Nom du jeton",
        help_text="Pour le reconnaître plus tard, par exemple « Tableur de suivi ».",
        max_length=ApiToken._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="Type de jeton",
        choices=ApiTokenKind.choices,
        initial=ApiTokenKind.PERSONAL,
        help_text="Un jeton FHIR ne sert qu'à la recherche de créneaux du SAS (/fhir/), jamais à l'API.",
        widget=DsfrRadioSelect,
        template_name="dsfr/form_field_snippets/radioselect_snippet.html",
    )
    scopes = forms.MultipleChoiceField(
        label="Portées",
        required=False,
        help_text="Ce que le jeton peut lire ou modifier, par domaine ; l'écriture inclut la lecture.",
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(label="Durée de validité (en jours)", min_value=1, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scopes"].choices = [(name, token_scopes.label(name)) for name in token_scopes.scopes_for(user)]
        self.fields["scopes"].initial = token_scopes.scopes_for(user, writes=False)
        longest = settings.MAILLON_API_TOKEN_MAX_DAYS
        days = self.fields["days"]
        days.initial = min(settings.MAILLON_API_TOKEN_DAYS, longest)
        days.max_value = longest
        days.validators.append(MaxValueValidator(longest))
        days.widget.attrs.update({"min": 1, "max": longest, "inputmode": "numeric"})
        days.help_text = f"{longest} jours au plus ; vide : {days.initial} jours. À l'échéance, renouvelez le jeton."
        if snp_policies.sas_client_of(user) is None:
            del self.fields["kind"]

    def clean(self):
        cleaned = super().clean()
        if ApiToken.refused_to(self.user):
            raise forms.ValidationError(SUPERUSER_TOKEN_REFUSED)
        cleaned.setdefault("kind", ApiTokenKind.PERSONAL)
        if "days" in cleaned and cleaned["days"] is None:
            cleaned["days"] = settings.MAILLON_API_TOKEN_DAYS  # left empty: the default life
        if cleaned["kind"] == ApiTokenKind.FHIR:
            cleaned["scopes"] = []
        elif "scopes" in cleaned:
            if not cleaned["scopes"]:
                self.add_error("scopes", "Portées : cochez au moins une portée.")
            else:
                cleaned["scopes"] = token_scopes.normalize(cleaned["scopes"])
        return cleaned

    @property
    def offers_kind(self) -> bool:
        """The user may choose a FHIR client token (a SAS client account)."""
        return "kind" in self.fields

    def scope_rows(self) -> list[dict]:
        """One row per area the user can use, with its read and (where the role writes) write
        boxes: {area, label, boxes: [{value, label, checked, access}]}, for the table of the page."""
        offered = dict(self.fields["scopes"].choices)
        checked = set(self["scopes"].value() or [])
        rows = []
        for area, label in token_scopes.AREAS.items():
            boxes = [
                {
                    "value": name,
                    "access": token_scopes.ACCESS_LABELS[access],
                    "checked": name in checked,
                    "id": f"id_scopes_{area}_{access}",
                }
                for access in token_scopes.ACCESSES
                if (name := token_scopes.scope(area, access)) in offered
            ]
            if boxes:
                rows.append({"area": area, "label": label, "boxes": boxes})
        return rows
