"""The columns of the members import: the template's names and the variants seen in coordinators' files."""

from maillon.core.imports import Column, ColumnSet, normalize_header

__all__ = ["normalize_header"]

# --- Columns ------------------------------------------------------------------------


COLUMNS = [
    Column("last_name", "Nom", "nom de famille, nom d'usage, nom usuel", "Obligatoire."),
    Column("first_name", "Prénom", "prénoms", "Obligatoire."),
    Column(
        "profession",
        "Profession",
        "métier, profession de santé, catégorie professionnelle, code profession",
        "Obligatoire : en toutes lettres (Infirmière, Médecin généraliste, Kiné, IPA…) ou code G15 (60, 10…).",
    ),
    Column(
        "specialty",
        "Spécialité",
        "spécialités, spécialité médicale, spécialité ordinale",
        "Pour les médecins (Médecine générale, Cardiologie…) et les infirmiers (IPA).",
    ),
    Column(
        "rpps", "RPPS", "n° RPPS, numéro RPPS, num RPPS, identifiant RPPS", "11 chiffres ; RPPS ou ADELI obligatoire."
    ),
    Column(
        "adeli", "ADELI", "n° ADELI, numéro ADELI, num ADELI", "9 caractères, pour les professions encore à l'ADELI."
    ),
    Column(
        "email",
        "Email",
        "e-mail, mail, courriel, adresse mail, adresse email, adresse e-mail, adresse courriel",
        "Adresse électronique professionnelle.",
    ),
    Column("phone", "Téléphone", "tél, tel., portable, mobile, numéro de téléphone, téléphone professionnel"),
    Column(
        "address",
        "Adresse",
        "adresse postale, adresse du cabinet, adresse professionnelle, adresse d'exercice",
        "Adresse du lieu d'exercice.",
    ),
    Column("postal_code", "Code postal", "CP"),
    Column(
        "commune",
        "Commune",
        "ville, localité, commune d'exercice, ville d'exercice",
        "Nom de la commune ; avec le code postal s'il existe plusieurs communes de ce nom.",
    ),
    Column(
        "commune_code",
        "Code INSEE",
        "INSEE, code commune, code commune INSEE",
        "Code officiel de la commune (5 caractères) : le plus sûr.",
    ),
    Column(
        "structure_name",
        "Raison sociale",
        "nom de la structure, établissement, dénomination, dénomination sociale, nom de l'établissement",
        "Structures : leur nom (à défaut, la colonne « Nom »).",
    ),
    Column(
        "structure_kind",
        "Type de structure",
        "type d'établissement, catégorie de structure, type de la structure",
        "Structures : MSP, Centre de santé, Pharmacie, Laboratoire, Hôpital, EHPAD, HAD, Association…",
    ),
    Column(
        "finess",
        "FINESS",
        "n° FINESS, numéro FINESS, num FINESS",
        "Structures : 9 caractères ; une ligne sans RPPS ni ADELI mais avec un FINESS ou un SIRET est une structure.",
    ),
    Column("siret", "SIRET", "n° SIRET, numéro SIRET, num SIRET", "Structures : 14 chiffres."),
    Column(
        "structure",
        "Structure",
        "structure d'exercice, structure de rattachement, structure du lieu d'exercice, "
        "FINESS de la structure, SIRET de la structure, FINESS ou SIRET de la structure",
        "Professionnels : FINESS ou SIRET de la structure où se trouve leur lieu d'exercice, "
        "adhérente de la CPTS ou présente dans le fichier.",
    ),
    Column("college", "Collège", "collèges", "Nom d'un collège de la CPTS."),
    Column(
        "involvement",
        "Implication",
        "niveau d'implication, engagement",
        "Liste de diffusion (par défaut), Participe à une mission ou Pilote un projet.",
    ),
    Column(
        "missions",
        "Missions",
        "mission, missions de la CPTS, participe aux missions, participation aux missions",
        "Numéros des missions de la CPTS (1 à 6) auxquelles l'adhérent participe, par exemple « 1, 3 » ou « 1;3 ».",
    ),
    Column("skills", "Compétences", "compétence, expertises", "Séparées par des virgules."),
    Column("languages", "Langues", "langue, langues parlées", "Autres que le français, séparées par des virgules."),
    Column(
        "accepts_new_patients",
        "Accepte nouveaux patients",
        "accepte de nouveaux patients, nouveaux patients, accepte de nouveaux patients médecin traitant",
        "oui ou non (médecin traitant).",
    ),
    Column(
        "takes_part_in_snp",
        "SNP",
        "participe aux SNP, soins non programmés, participe aux soins non programmés",
        "oui ou non : participe aux soins non programmés.",
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = ("last_name", "first_name", "profession")  # when the file has professionals
# Headers that name a register number whatever the words around it.
HEADER_KEYWORDS = {"rpps": "rpps", "adeli": "adeli", "insee": "commune_code", "finess": "finess", "siret": "siret"}
PROFESSIONAL_NUMBERS = ("rpps", "adeli")
STRUCTURE_NUMBERS = ("finess", "siret")


COLUMN_SET = ColumnSet(COLUMNS, keywords=HEADER_KEYWORDS, required=REQUIRED_KEYS)


def column_key(header: str) -> str | None:
    return COLUMN_SET.key_of(header)
