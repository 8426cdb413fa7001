"""Forms of the prevention pages (on the toolkit's `MaillonForm`: errors name their field)."""

from django import forms
from django.db.models import Q

from maillon.members.models import Membership
from maillon.prevention.models import (
    PERINATAL_LABEL,
    AgeBand,
    MaterialKind,
    MeasureKind,
    MeasureSource,
    PreventionAction,
    PublicSession,
    Scope,
    SessionKind,
    Sex,
    TargetSex,
    Theme,
    validate_material_file,
)
from maillon.territories.models import Commune

from ..toolkit.forms import (
    MaillonForm,
    amount_field,
    date_field,
    datetime_field,
    named_field,
    number_field,
    text_field,
)

SELECT_ERRORS = {"required": "choisissez une valeur.", "invalid_choice": "choisissez une des valeurs proposées."}


def select_field(label, choices, *, required=True, **kwargs):
    """A select whose first choice is « — Choisir — » (nothing chosen until the user chooses)."""
    return named_field(
        forms.ChoiceField, label, SELECT_ERRORS, choices=[("", "— Choisir —"), *choices], required=required, **kwargs
    )


def whole_number_field(label, *, required=False, min_value=0, max_value=None, **kwargs):
    errors = {
        "required": "indiquez un nombre.",
        "invalid": "saisissez un nombre entier.",
        "min_value": f"le nombre doit être au moins {min_value}.",
        "max_value": f"le nombre doit être au plus {max_value}.",
    }
    return named_field(
        forms.IntegerField, label, errors, required=required, min_value=min_value, max_value=max_value, **kwargs
    )


def territory_communes(cpts):
    """The communes of the CPTS's territory today, by name."""
    from maillon.territories.models import TerritoryCommune

    codes = TerritoryCommune.objects.for_cpts(cpts).current().values("commune")
    return Commune.objects.filter(pk__in=codes).order_by("name", "code")


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class OneCommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def adherent_label(membership) -> str:
    professional = membership.professional
    return f"{professional.last_name.upper()} {professional.first_name} — {professional.get_profession_display()}"


class AdherentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return adherent_label(obj)


def owners(cpts, current=None):
    """The active professional adhesions of the CPTS (and the action's owner of today, who may
    have left since)."""
    keep = Q(status="active") | Q(pk=getattr(current, "pk", None))
    return (
        Membership.objects.for_cpts(cpts)
        .filter(keep, professional__isnull=False)
        .select_related("professional")
        .order_by("professional__last_name", "professional__first_name", "pk")
    )


# --- Actions -------------------------------------------------------------------------------


class ActionForm(MaillonForm):
    title = text_field("Intitulé", 200, error_messages={"required": "Intitulé : indiquez l'intitulé de l'action."})
    theme = select_field("Thème", Theme.choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    age_min = whole_number_field("Âge minimal", max_value=120, help_text="Laissez vide : pas d'âge minimal.")
    age_max = whole_number_field("Âge maximal", max_value=120, help_text="Laissez vide : pas d'âge maximal.")
    sex = named_field(forms.ChoiceField, "Public", SELECT_ERRORS, choices=TargetSex.choices, initial=TargetSex.ALL)
    communes = named_field(
        CommuneChoiceField,
        "Communes visées",
        {
            "invalid_choice": "choisissez parmi les communes du territoire.",
            "invalid_pk_value": "choisissez parmi les communes du territoire.",
        },
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune commune cochée : tout le territoire.",
    )
    partners = forms.CharField(label="Partenaires", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = date_field("Début")
    ends_on = date_field("Fin", required=False)
    budget = amount_field("Budget (€)", required=False, min_value=0, max_digits=10)
    owner = named_field(
        AdherentField,
        "Responsable",
        {"invalid_choice": "choisissez un adhérent de la liste."},
        queryset=Membership.objects.none(),
        required=False,
        help_text="Un adhérent de la CPTS ; il voit les inscrits des séances et tient la feuille de présence.",
    )
    perinatal = forms.BooleanField(
        label=PERINATAL_LABEL,
        required=False,
        help_text="Le même repère que les programmes de parcours : l'observatoire les compte à part.",
    )
    health_project_action = text_field(
        "Action du projet de santé",
        200,
        required=False,
        help_text="L'action du projet de santé de la CPTS que celle-ci met en œuvre, s'il y en a une.",
    )

    def __init__(self, *args, cpts, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = territory_communes(cpts)
        self.fields["owner"].queryset = owners(cpts, getattr(action, "owner", None))

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_max"] < data["age_min"]:
            self.add_error("age_max", "Âge maximal : il doit être supérieur ou égal à l'âge minimal.")
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Fin : la date de fin doit suivre la date de début.")
        return data


ACTION_FIELDS = list(PreventionAction.EDITABLE)


class NoteForm(MaillonForm):
    note = text_field("Commentaire", 300, required=False)


# --- Measures ------------------------------------------------------------------------------


class MeasureForm(MaillonForm):
    kind = select_field("Mesure", MeasureKind.choices)
    name = text_field(
        "Intitulé",
        200,
        required=False,
        help_text="Obligatoire pour « Autre mesure » ; sinon l'intitulé de la mesure choisie.",
    )
    unit = text_field("Unité", 20, initial="%", error_messages={"required": "Unité : indiquez l'unité (%…)."})
    baseline_value = number_field("Valeur de référence", required=True, max_digits=9)
    baseline_source = select_field("Source de la référence", MeasureSource.choices)
    baseline_on = date_field("Date de la référence")
    target_value = number_field("Cible", max_digits=9)
    departement = named_field(
        forms.ModelChoiceField,
        "Département de comparaison",
        {"invalid_choice": "choisissez un département de la liste."},
        queryset=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from maillon.territories.models import Departement

        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = Departement.objects.order_by("code")
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.name}"

    def clean(self):
        data = super().clean()
        if data.get("kind") == MeasureKind.CUSTOM and not (data.get("name") or "").strip():
            self.add_error("name", "Intitulé : nommez la mesure (« Autre mesure » choisie).")
        return data


class ValueForm(MaillonForm):
    year = whole_number_field("Année", required=True, min_value=2000, max_value=2100)
    scope = named_field(forms.ChoiceField, "Périmètre", SELECT_ERRORS, choices=Scope.choices, initial=Scope.TERRITORY)
    value = number_field(
        "Valeur", max_digits=9, help_text="Laissez vide si la source masque la valeur (moins de 6 personnes)."
    )
    numerator = whole_number_field("Personnes concernées", help_text="Facultatif : le numérateur du taux.")
    denominator = whole_number_field("Population cible", help_text="Facultatif : le dénominateur du taux.")
    source = select_field("Source", MeasureSource.choices)
    source_on = date_field("Date de la source", required=False)
    note = text_field("Commentaire", 300, required=False)

    def clean(self):
        data = super().clean()
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error("numerator", "Personnes concernées : leur nombre dépasse la population cible.")
        return data


# --- Sessions ------------------------------------------------------------------------------


class SessionForm(MaillonForm):
    kind = select_field("Type de séance", SessionKind.choices)
    title = text_field("Titre", 200, error_messages={"required": "Titre : indiquez le titre de la séance."})
    description = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = datetime_field("Début")
    ends_at = datetime_field("Fin")
    place = text_field("Lieu", 300, required=False, help_text="L'adresse ; laissez vide pour une séance en ligne.")
    commune = named_field(
        OneCommuneField,
        "Commune",
        {"invalid_choice": "choisissez une commune du territoire."},
        queryset=Commune.objects.none(),
        required=False,
    )
    online_url = named_field(
        forms.URLField,
        "Lien de connexion",
        {"invalid": "saisissez une adresse complète, par exemple https://visio.exemple.fr/atelier."},
        required=False,
        assume_scheme="https",
    )
    capacity = whole_number_field(
        "Places", min_value=1, max_value=100_000, help_text="Laissez vide : pas d'inscription (un stand, par exemple)."
    )
    public = forms.BooleanField(
        label="Page publique",
        required=False,
        initial=True,
        help_text="La séance a sa page sur le site public de la CPTS, où l'on s'inscrit.",
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory_communes(cpts)

    def clean(self):
        data = super().clean()
        if not (data.get("place") or "").strip() and not data.get("online_url") and "place" not in self.errors:
            self.add_error("place", "Lieu : indiquez un lieu ou un lien de connexion.")
        return data


SESSION_FIELDS = list(PublicSession.EDITABLE)


class AttendanceForm(MaillonForm):
    """Who among the confirmed came (a checkbox each), and the walk-ins by age band and sex."""

    BANDS = list(AgeBand)
    SEXES = list(Sex)

    def __init__(self, *args, registrations, walk_ins, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        self.add_field(
            "present",
            forms.TypedMultipleChoiceField(
                label="Personnes inscrites présentes",
                choices=[(r.pk, str(r.pk)) for r in registrations],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Présences : cochez des personnes de la liste."},
                initial=[r.pk for r in registrations if r.attended],
            ),
        )
        for band in self.BANDS:
            for sex in self.SEXES:
                label = f"{band.label}, {sex.label.lower()}"
                self.add_field(
                    self.walk_in_name(band, sex),
                    whole_number_field(label, initial=walk_ins.get((band.value, sex.value), 0)),
                )

    @staticmethod
    def walk_in_name(band, sex) -> str:
        return f"walk_in_{band.value.replace('-', '_').replace('+', 'plus')}_{sex.value}"

    def rows(self):
        """The walk-in inputs, by age band: (band label, [(sex label, bound field)])."""
        return [
            (band.label, [(sex.label, self[self.walk_in_name(band, sex)]) for sex in self.SEXES]) for band in self.BANDS
        ]

    def walk_ins(self) -> dict:
        return {
            (band.value, sex.value): self.cleaned_data.get(self.walk_in_name(band, sex)) or 0
            for band in self.BANDS
            for sex in self.SEXES
        }


# --- Materials -----------------------------------------------------------------------------

FILE_ERRORS = {
    "required": "Fichier : choisissez le fichier à déposer.",
    "empty": "Fichier : le fichier est vide.",
    "invalid": "Fichier : le fichier n'a pas pu être lu ; déposez-le à nouveau.",
}


def file_field():
    return forms.FileField(
        label="Fichier",
        help_text="PDF, PNG ou JPEG, 20 Mo au plus.",
        allow_empty_file=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages=FILE_ERRORS,
    )


class VersionForm(MaillonForm):
    file = file_field()
    note = text_field("Ce qui change", 300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_material_file(upload)
        return upload


class MaterialForm(VersionForm):
    title = text_field("Titre", 200, error_messages={"required": "Titre : indiquez le titre du support."})
    kind = select_field("Type", MaterialKind.choices)
    public = forms.BooleanField(
        label="Diffusable au public",
        required=False,
        help_text="Téléchargeable depuis les pages publiques des séances de l'action.",
    )
    field_order = ["title", "kind", "public", "file", "note"]
