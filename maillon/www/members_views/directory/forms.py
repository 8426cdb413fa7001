import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from maillon.members.models import Language
from maillon.members.professions import Profession, StructureKind
from maillon.members.selectors import STRUCTURES_ALL, STRUCTURES_NONE, DirectoryFilters
from maillon.territories.models import Commune, TerritoryCommune, normalize_name

from ...toolkit.communes import commune_label
from ...toolkit.forms import MaillonForm, choice_field, mission_field, text_field

RADIUS_CHOICES = [
    ("", "Dans la commune même"),
    ("5", "À moins de 5 km"),
    ("10", "À moins de 10 km"),
    ("20", "À moins de 20 km"),
    ("30", "À moins de 30 km"),
    ("50", "À moins de 50 km"),
]
# "Versailles (78646)": the label the suggestions offer, which names the commune exactly.
COMMUNE_LABEL = re.compile(r"\((\d{5}|2[AB]\d{3})\)\s*$", re.IGNORECASE)
COMMUNE_CANDIDATES = 10


def commune_suggestions(text: str, cpts=None, limit: int = COMMUNE_CANDIDATES) -> list[Commune]:
    """One query: the communes a typed name or postal code may mean, those of the
    CPTS's territory first, then the most likely."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    communes = Commune.objects.search(text).only("code", "name")
    if cpts is not None:
        current = TerritoryCommune.objects.for_cpts(cpts).current().filter(commune_id=OuterRef("pk"))
        ordering = communes.query.order_by
        communes = communes.annotate(in_territory=Exists(current)).order_by("-in_territory", *ordering)
    return list(communes[:limit])


def resolve_commune(text: str, cpts=None) -> tuple[Commune | None, list[Commune]]:
    """The commune meant by `text` (one query), or None and the candidates to choose from."""
    match = COMMUNE_LABEL.search(text)
    if match:
        commune = Commune.objects.filter(code=match.group(1).upper()).only("code", "name").first()
        return commune, []
    candidates = commune_suggestions(text, cpts, COMMUNE_CANDIDATES + 1)
    if len(candidates) == 1:
        return candidates[0], []
    # "Versailles" also finds "Viroflay-lès-Versailles"…: a single exact name wins.
    exact = [commune for commune in candidates if normalize_name(commune.name) == normalize_name(text)]
    if len(exact) == 1:
        return exact[0], []
    return None, candidates[:COMMUNE_CANDIDATES]


class DirectoryForm(MaillonForm):
    """The directory's search criteria, sent in the query string (GET)."""

    q = text_field("Nom, profession ou compétence", 100, name="Recherche", required=False)
    profession = choice_field(
        "Profession",
        [("", "Toutes les professions"), *Profession.choices],
        invalid_choice="Profession : choisissez une des professions proposées.",
    )
    structure = choice_field(
        "Type de structure",
        [
            ("", "Professionnels et structures"),
            (STRUCTURES_NONE, "Aucune : les professionnels seulement"),
            (STRUCTURES_ALL, "Toutes les structures, sans les professionnels"),
            *StructureKind.choices,
        ],
        help_text="MSP, pharmacies, laboratoires, EHPAD… adhérents de la CPTS.",
        invalid_choice="Type de structure : choisissez un des types proposés.",
    )
    commune = text_field(
        "Commune d'exercice",
        100,
        name="Commune",
        help_text="Nom ou code postal, par exemple « Versailles » ou « 78000 ».",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "commune-options"}),
    )
    radius = choice_field(
        "Distance de la commune", RADIUS_CHOICES, invalid_choice="Distance : choisissez une des distances proposées."
    )
    skill = text_field(
        "Compétence",
        100,
        help_text="Par exemple « plaies chroniques » ou « éducation thérapeutique ».",
        required=False,
    )
    language = choice_field("Langue parlée", invalid_choice="Langue : choisissez une des langues proposées.")
    mission = mission_field(label="Mission de la CPTS", empty_label="Toutes les missions")
    new_patients = forms.BooleanField(label="Accepte de nouveaux patients (médecin traitant)", required=False)
    snp = forms.BooleanField(label="Participe aux soins non programmés (SNP)", required=False)

    def __init__(self, *args, cpts=None, suggest_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.cpts = cpts
        self.commune_obj = None
        self.commune_candidates = []
        self.fields["language"].choices = [("", "Toutes les langues"), *Language.objects.values_list("code", "name")]
        if suggest_url:
            # htmx fills the <datalist> of suggestions while the user types; plain submit works without it.
            self.fields["commune"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#commune-options",
                    "hx-sync": "this:replace",
                    "hx-push-url": "false",
                }
            )

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return ""
        commune, candidates = resolve_commune(text, self.cpts)
        if commune is None:
            self.commune_candidates = candidates
            if candidates:
                raise ValidationError(f"Commune : plusieurs communes correspondent à « {text} », choisissez-en une.")
            raise ValidationError(f"Commune : aucune commune ne correspond à « {text} ».")
        self.commune_obj = commune
        # Show the commune found ("Versailles (78646)") in the field, not what was typed.
        self.data = self.data.copy()
        self.data["commune"] = commune_label(commune)
        return commune_label(commune)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("radius") and not self.data.get("commune", "").strip():
            self.add_error("radius", "Distance : indiquez aussi la commune à partir de laquelle chercher.")
        return cleaned

    def where(self) -> str:
        """Where the search looks, in words, for the results' status line."""
        if self.commune_obj is None:
            return ""
        radius = self.cleaned_data.get("radius")
        label = commune_label(self.commune_obj)
        return f"à moins de {radius} km de {label}" if radius else f"à {label}"

    def filters(self) -> DirectoryFilters:
        """The criteria as the selector takes them; call after is_valid() returned True."""
        data = self.cleaned_data
        return DirectoryFilters(
            q=data["q"].strip(),
            profession=data["profession"],
            commune=self.commune_obj.code if self.commune_obj else "",
            radius_km=float(data["radius"]) if data["radius"] and self.commune_obj else None,
            skill=data["skill"].strip(),
            language=data["language"],
            accepts_new_patients=True if data["new_patients"] else None,
            takes_part_in_snp=True if data["snp"] else None,
            mission=data.get("mission"),
            structure_kind=data.get("structure", ""),
        )
