"""The national template of the crisis plan (« Lignes directrices … gestion de crise sanitaire
exceptionnelle par les CPTS », Dec 2022), as a declared list of sections and fields.

The editor, the completeness check, the diff and the PDF all iterate over `SECTIONS`: a
version's `content` is `{section_key: {field_key: text}}`, and only the keys declared
here are kept (`clean_content`). The mobilisable professionals are rows of their own
(`PlanProfessional`); their section is `PROFESSIONALS_KEY`, declared here for the order.
"""

from dataclasses import dataclass

FIELD_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    help: str = ""
    required: bool = True
    short: bool = False  # one line (a name, a place) rather than a paragraph


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    typology: int | None = None  # 1-5 for the typology parts


@dataclass(frozen=True)
class Typology:
    number: int
    title: str
    examples: str


TYPOLOGIES = (
    Typology(1, "Afflux de blessés somatiques ou psychiques", "attentat, incendie, explosion, émeutes"),
    Typology(2, "Afflux de patients malades, notamment âgés", "épidémie saisonnière, canicule, grand froid, pollution"),
    Typology(
        3,
        "Patients infectés par un agent infectieux émergent",
        "dont campagne de vaccination exceptionnelle",
    ),
    Typology(4, "Accident ou attentat nucléaire, radiologique ou chimique (NRC)", "NRC"),
    Typology(
        5,
        "Perte de capacités de soins",
        "pénurie de médicaments, neige, inondation, cyclone",
    ),
)


def _typology_section(typology: Typology) -> Section:
    return Section(
        key=f"typology_{typology.number}",
        title=f"Typologie {typology.number} — {typology.title}",
        typology=typology.number,
        fields=(
            Field("risks", "Risques propres au territoire", f"Exemples : {typology.examples}."),
            Field("response", "Modalités de réponse : qui fait quoi", "Rôles de la coordination et des adhérents."),
            Field("resources", "Moyens mobilisables", "Locaux, matériel, stocks, outils de liaison."),
            Field(
                "continuity",
                "Continuité des soins des patients chroniques et fragiles",
                "Repérage, suivi à domicile, relais pharmacie et soins infirmiers.",
            ),
        ),
    )


GENERAL = Section(
    key="general",
    title="Organisation générale",
    fields=(
        Field("referent", "Référent SSE (nom, profession, téléphone)", short=True),
        Field("deputy", "Suppléant du référent SSE (nom, profession, téléphone)", short=True),
        Field("cell_members", "Cellule de crise : membres", "Une personne par ligne, avec sa fonction."),
        Field("cell_place", "Cellule de crise : lieu (et lieu de repli)", short=True),
        Field("cell_means", "Cellule de crise : moyens", "Téléphonie, messagerie sécurisée, visioconférence…"),
        Field("contact_ars", "Joindre l'ARS (point focal, astreinte)"),
        Field("contact_samu", "Joindre le SAMU / SAS"),
        Field("contact_prefecture", "Joindre la préfecture (SIDPC)"),
        Field("contact_hospitals", "Joindre les établissements de santé du territoire"),
    ),
)

PROFESSIONALS_KEY = "professionals"
PROFESSIONALS_TITLE = "Professionnels mobilisables"

COMMUNICATION = Section(
    key="communication",
    title="Plan de communication",
    fields=(
        Field("internal", "Communication vers les adhérents", "Chaîne d'alerte, canaux, messages types."),
        Field("public", "Communication vers la population et les partenaires"),
    ),
)

REPORTING = Section(
    key="reporting",
    title="Remontée d'informations aux autorités",
    fields=(
        Field("data", "Données remontées pendant la crise", "Quels indicateurs, à quel rythme."),
        Field("channel", "Destinataires et canal", "ARS, CPAM, préfecture ; outil utilisé."),
    ),
)

TRAINING = Section(
    key="training",
    title="Formation et exercices",
    fields=(
        Field("training", "Formations prévues", "AFGSU SSE, formations NRC…"),
        Field("exercises", "Exercices prévus", "Exercice sur table, exercice d'alerte ; fréquence."),
    ),
)

SECTIONS: tuple[Section, ...] = (
    GENERAL,
    *(_typology_section(typology) for typology in TYPOLOGIES),
    COMMUNICATION,
    REPORTING,
    TRAINING,
)

SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

# The order of the whole plan (editor, PDF, diff): the professionals come after the typologies.
ORDER: tuple[str, ...] = (
    GENERAL.key,
    *(f"typology_{typology.number}" for typology in TYPOLOGIES),
    PROFESSIONALS_KEY,
    COMMUNICATION.key,
    REPORTING.key,
    TRAINING.key,
)

# The plan lists at least this many mobilisable professionals.
MIN_PROFESSIONALS = 1


def section(key: str) -> Section | None:
    return SECTIONS_BY_KEY.get(key)


def clean_content(content) -> dict:
    """Only the declared sections and fields, as stripped text (a foreign key is dropped)."""
    content = content if isinstance(content, dict) else {}
    cleaned = {}
    for declared in SECTIONS:
        values = content.get(declared.key)
        values = values if isinstance(values, dict) else {}
        cleaned[declared.key] = {
            field.key: str(values.get(field.key) or "").strip()[:FIELD_MAX_LENGTH] for field in declared.fields
        }
    return cleaned


def empty_content() -> dict:
    return clean_content({})


@dataclass(frozen=True)
class Missing:
    section_key: str
    section_title: str
    label: str

    def __str__(self):
        return f"{self.section_title} : {self.label}"


def missing_items(content: dict, professional_count: int) -> list[Missing]:
    """What the template still expects, in the plan's order."""
    content = clean_content(content)
    items = []
    for key in ORDER:
        if key == PROFESSIONALS_KEY:
            if professional_count < MIN_PROFESSIONALS:
                items.append(Missing(key, PROFESSIONALS_TITLE, "au moins un professionnel mobilisable"))
            continue
        declared = SECTIONS_BY_KEY[key]
        for field in declared.fields:
            if field.required and not content[key][field.key]:
                items.append(Missing(key, declared.title, field.label))
    return items


def title_of(key: str) -> str:
    if key == PROFESSIONALS_KEY:
        return PROFESSIONALS_TITLE
    return SECTIONS_BY_KEY[key].title
