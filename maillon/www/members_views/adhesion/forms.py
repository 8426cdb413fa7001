"""Forms of the adhesion pages: the public request, the coordinator's decisions,
collèges, cotisations, and the member's own card."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from maillon.core.models import User
from maillon.members.models import College, Involvement, Language
from maillon.members.professions import SPECIALTIES_BY_PROFESSION, Profession, Specialty, StructureKind
from maillon.members.services import MISSIONS_NEED_INVOLVEMENT

from ...public_views.public_request import RobotTrap
from ...toolkit.communes import CommunePickForm
from ...toolkit.forms import MaillonForm, PhoneField, amount_field, missions_field, past_date_field
from .fields import clean_adeli, clean_finess, clean_rpps, clean_siret, clean_skills

FIRST_FEE_YEAR = 2000


# --- Shared fields -------------------------------------------------------------------


def skills_field():
    return forms.CharField(
        label="Compétences",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Séparées par des virgules, par exemple : plaies et cicatrisation, diabète, soins palliatifs.",
    )


def languages_field():
    widget = forms.CheckboxSelectMultiple()
    widget.inline = True  # read by the DSFR checkbox template
    return forms.ModelMultipleChoiceField(
        label="Langues parlées en consultation", queryset=Language.objects.all(), required=False, widget=widget
    )


def involvement_field(**kwargs):
    return forms.ChoiceField(
        label="Niveau d'implication",
        choices=Involvement.choices,
        initial=Involvement.MAILING_LIST,
        widget=forms.RadioSelect,
        **kwargs,
    )


def college_field(cpts, empty_label):
    return forms.ModelChoiceField(
        label="Collège", queryset=College.objects.for_cpts(cpts), required=False, empty_label=empty_label
    )


class IdentifierField(forms.CharField):
    """A register number (RPPS, ADELI, FINESS, SIRET), optional: `check` (one of .fields' clean_*)
    compacts and checks it; None when left empty."""

    def __init__(self, label, check, **kwargs):
        super().__init__(label=label, max_length=20, required=False, **kwargs)
        self.check = check

    def clean(self, value):
        return self.check(super().clean(value))


class PracticeFieldsMixin(forms.Form):
    """What a professional says of their practice: skills, languages, new patients, SNP."""

    skills = skills_field()
    languages = languages_field()
    accepts_new_patients = forms.BooleanField(
        label="J'accepte de nouveaux patients comme médecin traitant", required=False
    )
    takes_part_in_snp = forms.BooleanField(label="Je participe aux soins non programmés (SNP)", required=False)

    def clean_skills(self):
        return clean_skills(self.cleaned_data.get("skills", ""))


# --- Public request ------------------------------------------------------------------


class JoinBaseForm(CommunePickForm, RobotTrap):
    """What every request carries: the adhesion, the consent, and a trap for robots; and one at
    least of two register numbers (`numbers`: the first is told `numbers_missing` when none is given)."""

    numbers: tuple[str, str]
    numbers_missing: str

    involvement = involvement_field(help_text="Vous pourrez en changer à tout moment auprès de la coordination.")
    consent = forms.BooleanField(
        label="J'accepte que la CPTS traite les données de ce formulaire pour gérer mon adhésion et son annuaire.",
        error_messages={
            "required": "Consentement : cochez la case pour accepter le traitement de vos données ; "
            "sans elle, la demande ne peut pas être enregistrée."
        },
    )

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpts = cpts
        colleges = college_field(cpts, "Je ne sais pas : la coordination choisira")
        if colleges.queryset.exists():
            self.add_field("college", colleges)
            self.order_fields(self.field_order)
        consent = self.fields["consent"]
        consent.label = consent.label.replace("la CPTS", f"la {cpts.name}")
        consent.help_text = format_html(
            'Ce que la CPTS en fait, combien de temps, et vos droits : <a href="{}" target="_blank" rel="noopener" '
            'title="Données personnelles — nouvelle fenêtre">Données personnelles</a>.',
            reverse("privacy"),
        )
        # DsfrBaseForm's __init__ already built the bound field, with the class's label.
        self._bound_fields_cache.pop("consent", None)

    def clean(self):
        cleaned = super().clean()
        # A number given wrong has been told already.
        if not any(cleaned.get(name) or self.has_error(name) for name in self.numbers):
            self.add_error(self.numbers[0], self.numbers_missing)
        return cleaned


class ProfessionalJoinForm(JoinBaseForm, PracticeFieldsMixin):
    kind = "professionnel"

    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    profession = forms.ChoiceField(
        label="Profession", choices=[("", "Choisissez votre profession"), *Profession.choices]
    )
    specialty = forms.ChoiceField(
        label="Spécialité",
        choices=Specialty.choices,
        required=False,
        help_text="Médecins : médecine générale ou autre spécialité. Infirmiers : IPA le cas échéant.",
    )
    rpps = IdentifierField("Numéro RPPS", clean_rpps, help_text="11 chiffres.")
    adeli = IdentifierField(
        "Numéro ADELI", clean_adeli, help_text="9 caractères, seulement si vous n'avez pas de numéro RPPS."
    )
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    phone = PhoneField()
    address = forms.CharField(label="Adresse du lieu d'exercice principal", max_length=300)
    place_phone = PhoneField("Téléphone du cabinet")
    mssante_email = forms.EmailField(
        label="Messagerie sécurisée de santé (MSSanté)",
        max_length=254,
        required=False,
        help_text="Par exemple prenom.nom@medecin.mssante.fr.",
    )

    field_order = [
        "first_name",
        "last_name",
        "profession",
        "specialty",
        "rpps",
        "adeli",
        "email",
        "phone",
        "address",
        "commune_query",
        "commune",
        "place_phone",
        "mssante_email",
        "skills",
        "languages",
        "accepts_new_patients",
        "takes_part_in_snp",
        "college",
        "involvement",
        "consent",
        "website",
    ]
    numbers = ("rpps", "adeli")
    numbers_missing = "Numéro RPPS : indiquez votre numéro RPPS ou, à défaut, votre numéro ADELI."

    def clean(self):
        cleaned = super().clean()
        check_specialty(self, cleaned.get("profession"), cleaned.get("specialty", ""))
        return cleaned


def check_specialty(form, profession, specialty):
    if not profession:
        return
    allowed = SPECIALTIES_BY_PROFESSION.get(profession, set())
    if specialty and specialty not in allowed:
        label = Specialty(specialty).label
        form.add_error("specialty", f"Spécialité : « {label} » ne va pas avec la profession choisie.")
    elif profession == Profession.MEDECIN and not specialty:
        form.add_error("specialty", "Spécialité : précisez médecine générale ou une autre spécialité.")


class StructureJoinForm(JoinBaseForm):
    kind = "structure"

    name = forms.CharField(label="Nom de la structure", max_length=200)
    structure_kind = forms.ChoiceField(
        label="Type de structure", choices=[("", "Choisissez le type"), *StructureKind.choices]
    )
    finess = IdentifierField("Numéro FINESS", clean_finess, help_text="9 caractères.")
    siret = IdentifierField("Numéro SIRET", clean_siret, help_text="14 chiffres.")
    address = forms.CharField(label="Adresse", max_length=300)
    email = forms.EmailField(label="Adresse électronique de contact", max_length=254)
    phone = PhoneField("Téléphone de contact")

    field_order = [
        "name",
        "structure_kind",
        "finess",
        "siret",
        "address",
        "commune_query",
        "commune",
        "email",
        "phone",
        "college",
        "involvement",
        "consent",
        "website",
    ]
    numbers = ("finess", "siret")
    numbers_missing = "Numéro FINESS : indiquez le numéro FINESS ou le numéro SIRET de la structure."


# --- The coordinator's decisions on one adhesion -------------------------------------


class AcceptForm(MaillonForm):
    joined_on = past_date_field(
        "Date d'adhésion", initial=timezone.localdate, help_text="Par exemple la date de la décision du bureau."
    )


class RefuseForm(MaillonForm):
    reason = forms.CharField(
        label="Motif du refus", max_length=200, help_text="Il reste dans l'historique de l'adhésion."
    )


class LeaveForm(MaillonForm):
    left_on = past_date_field("Date de départ", initial=timezone.localdate)
    reason = forms.CharField(
        label="Motif du départ",
        max_length=200,
        required=False,
        help_text="Par exemple : changement de territoire, départ à la retraite.",
    )


class PlacementForm(MaillonForm):
    """The collège, the level of involvement and the missions of an adhesion."""

    involvement = involvement_field()
    missions = missions_field(help_text="Pour un adhérent qui participe à une mission ou pilote un projet.")

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_field("college", college_field(cpts, "Aucun collège"))
        self.order_fields(["college", "involvement", "missions"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("missions") and cleaned.get("involvement") == Involvement.MAILING_LIST:
            self.add_error("missions", MISSIONS_NEED_INVOLVEMENT)
        return cleaned


class PlaceStructuresForm(MaillonForm):
    """The member structure of each practice place of a professional (one field per place)."""

    def __init__(self, *args, places=(), structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = list(places)
        for place in self.places:
            name = f"place_{place.pk}"
            self.add_field(
                name, structure_field(structures, label=f"Structure — {place.address}, {place.commune.name}")
            )
            self.fields[name].help_text = ""
            self.initial.setdefault(name, place.structure_id)

    def structures(self) -> dict:
        return {place.pk: self.cleaned_data.get(f"place_{place.pk}") for place in self.places}


class RepresentativeForm(MaillonForm):
    """The account that speaks for a structure, among the people who have access to the CPTS."""

    def __init__(self, *args, cpts, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(cpts_roles__cpts=cpts).order_by("last_name", "first_name", "email")
        self.add_field(
            "representative",
            forms.ModelChoiceField(
                label="Représentant de la structure",
                queryset=users,
                required=False,
                empty_label="Aucun représentant",
                help_text=(
                    "La personne qui parle pour la structure et tient sa fiche à jour ; "
                    "elle doit avoir accès à la CPTS."
                ),
            ),
        )


def year_choices(*extra_years) -> list[tuple[int, str]]:
    """From next year back to five years ago, plus the years that already have cotisations."""
    this_year = timezone.localdate().year
    years = set(range(this_year - 5, this_year + 2)) | {year for year in extra_years if year}
    return [(year, str(year)) for year in sorted(years, reverse=True)]


class FeeForm(MaillonForm):
    """The cotisation of one adhesion for one year (created or replaced)."""

    year = forms.TypedChoiceField(label="Année", coerce=int)
    amount = amount_field("Montant (€)", min_value=0, max_digits=8)
    paid_on = past_date_field("Payée le", required=False, help_text="Laissez vide si elle n'est pas encore payée.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()


# --- Collèges ------------------------------------------------------------------------


class CollegeForm(MaillonForm):
    name = forms.CharField(label="Nom du collège", max_length=100)
    seats = forms.IntegerField(label="Sièges au conseil d'administration", min_value=0, max_value=100, initial=1)
    position = forms.IntegerField(
        label="Ordre d'affichage", min_value=0, max_value=999, initial=0, help_text="Les plus petits d'abord."
    )

    def __init__(self, *args, cpts, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {"name": instance.name, "seats": instance.seats, "position": instance.position}
        super().__init__(*args, **kwargs)
        self.cpts, self.instance = cpts, instance

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = College.objects.for_cpts(self.cpts).filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"Nom du collège : un collège « {name} » existe déjà dans cette CPTS.")
        return name


# --- Cotisations of a year -----------------------------------------------------------


class YearForm(MaillonForm):
    annee = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = year_choices(*years)

    def year(self) -> int:
        return self.cleaned_data["annee"] if self.is_valid() else timezone.localdate().year


class FeeAmountForm(MaillonForm):
    amount = amount_field("Montant de la cotisation (€)", min_value=0, max_digits=8)
    update_unpaid = forms.BooleanField(
        label="Appliquer aussi ce montant aux cotisations déjà saisies et non payées", required=False
    )


class FeePaymentForm(MaillonForm):
    """Several cotisations of the year marked paid on a date, or unpaid."""

    # Rendered by hand as one checkbox per row of the table.
    fees = forms.TypedMultipleChoiceField(label="Cotisations", coerce=int, widget=forms.MultipleHiddenInput)
    paid_on = past_date_field("Date de paiement", required=False, initial=timezone.localdate)

    def __init__(self, *args, fee_ids=(), mark_paid=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark_paid = mark_paid
        self.fields["fees"].choices = [(pk, str(pk)) for pk in fee_ids]
        self.fields["fees"].error_messages["required"] = "Cotisations : cochez au moins une cotisation."

    def clean_paid_on(self):
        paid_on = self.cleaned_data.get("paid_on")
        if self.mark_paid and paid_on is None:
            raise ValidationError("Date de paiement : indiquez la date à laquelle les cotisations ont été payées.")
        return paid_on


# --- The member's own card -----------------------------------------------------------


class CardForm(MaillonForm, PracticeFieldsMixin):
    """The member's card; with `with_missions` (an adherent who takes part in a mission or
    leads a project), the missions of the CPTS they take part in too."""

    email = forms.EmailField(label="Adresse électronique", max_length=254, required=False)
    phone = PhoneField()

    field_order = ["email", "phone", "skills", "languages", "accepts_new_patients", "takes_part_in_snp", "missions"]

    def __init__(self, *args, with_missions=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_missions:
            self.add_field(
                "missions",
                missions_field(
                    "Missions de la CPTS auxquelles je participe",
                    help_text="La coordination s'en sert pour vous inviter aux réunions et vous écrire.",
                ),
            )


def structure_field(structures, label="Structure"):
    """The member structure of the CPTS where the place is (MSP, centre de santé…), or none."""
    return forms.ModelChoiceField(
        label=label,
        queryset=structures,
        required=False,
        empty_label="Aucune : exercice hors d'une structure adhérente",
        help_text="La structure adhérente de la CPTS où vous exercez à cette adresse, s'il y en a une.",
    )


class StructureCardForm(CommunePickForm):
    """What the representative of a structure keeps up to date; type and FINESS/SIRET stay."""

    name = forms.CharField(label="Nom de la structure", max_length=200)
    address = forms.CharField(label="Adresse", max_length=300, required=False)
    phone = PhoneField("Téléphone de contact")
    email = forms.EmailField(label="Adresse électronique de contact", max_length=254, required=False)

    field_order = ["name", "address", "commune_query", "commune", "phone", "email"]

    def clean_name(self):
        name = " ".join(self.cleaned_data.get("name", "").split())
        if not name:
            raise ValidationError("Nom de la structure : ce champ est obligatoire.")
        return name


class PlaceForm(CommunePickForm):
    place_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label="Adresse", max_length=300)
    phone = PhoneField("Téléphone du lieu")
    mssante_email = forms.EmailField(label="Messagerie sécurisée de santé (MSSanté)", max_length=254, required=False)
    is_main = forms.BooleanField(label="Lieu d'exercice principal", required=False)

    field_order = ["place_id", "address", "commune_query", "commune", "structure", "phone", "mssante_email", "is_main"]

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if structures is not None:
            self.add_field("structure", structure_field(structures))
            self.order_fields(self.field_order)


class BasePlaceFormSet(forms.BaseFormSet):
    def __init__(self, *args, places=(), search_url="", structures=None, **kwargs):
        self.places = {place.pk: place for place in places}
        self.search_url = search_url
        self.structures = structures
        kwargs.setdefault(
            "initial",
            [
                {
                    "place_id": place.pk,
                    "address": place.address,
                    "phone": place.phone,
                    "mssante_email": place.mssante_email,
                    "is_main": place.is_main,
                    "structure": place.structure_id,
                }
                for place in places
            ],
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer ce lieu de ma fiche"

    def get_form_kwargs(self, index):
        kwargs = {"search_url": self.search_url, "structures": self.structures}
        places = list(self.places.values())
        if index is not None and index < len(places):
            kwargs["initial_commune"] = places[index].commune
        return kwargs

    def kept_forms(self):
        """Forms that hold a place to keep: an existing place, or a new one filled in, not ticked for deletion."""
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.cleaned_data.get("place_id") or form.has_changed())
        ]

    def deleted_place_ids(self):
        return [
            form.cleaned_data["place_id"]
            for form in self.forms
            if self._should_delete_form(form) and form.cleaned_data.get("place_id") in self.places
        ]

    def clean(self):
        kept = self.kept_forms()
        if any(not form.is_valid() for form in kept):
            return
        if any(form.cleaned_data.get("place_id") not in (None, *self.places) for form in self.forms):
            raise ValidationError("Lieux d'exercice : ce lieu n'est pas sur votre fiche.")
        if not kept:
            raise ValidationError("Lieux d'exercice : gardez au moins un lieu d'exercice.")
        if sum(1 for form in kept if form.cleaned_data.get("is_main")) > 1:
            raise ValidationError("Lieu d'exercice principal : cochez un seul lieu principal.")


PlaceFormSet = forms.formset_factory(PlaceForm, formset=BasePlaceFormSet, extra=1, can_delete=True, max_num=10)
