"""How coordinators write professions, specialties, structure kinds and involvement levels."""

from ..models import (
    Involvement,
)
from ..professions import Profession, Specialty, StructureKind
from .columns import normalize_header

# --- Professions: the synonym table --------------------------------------------------

# Labels as coordinators write them (accents, case and hyphens do not matter), with
# the specialty the label implies. The official labels and the G15 codes
# ("Médecin", "60", "R95-93") work too.
PROFESSION_LABELS = [
    (Profession.MEDECIN, Specialty.GENERAL_PRACTICE, "médecin généraliste, généraliste, MG, médecin traitant"),
    (Profession.MEDECIN, Specialty.GENERAL_PRACTICE, "médecine générale"),
    (Profession.MEDECIN, Specialty.OTHER_MEDICAL, "médecin spécialiste, spécialiste, autre spécialité médicale"),
    (Profession.MEDECIN, Specialty.BIOLOGY, "médecin biologiste, biologiste"),
    (Profession.MEDECIN, Specialty.NONE, "médecin, docteur"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmier, infirmière, infirmier(e), infirmiers, IDE, IDEL"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmier libéral, infirmière libérale, infirmier diplômé d'État"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmière diplômée d'État"),
    (Profession.INFIRMIER, Specialty.IPA, "IPA, infirmier en pratique avancée, infirmière en pratique avancée"),
    (Profession.INFIRMIER, Specialty.IPA, "infirmier IPA, infirmière IPA"),
    (Profession.PHARMACIEN, Specialty.NONE, "pharmacien, pharmacienne, pharmacien d'officine, pharmacie"),
    (Profession.PHARMACIEN, Specialty.NONE, "pharmacien titulaire"),
    (Profession.PHARMACIEN, Specialty.BIOLOGY, "pharmacien biologiste"),
    (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE, "kiné, kinés, kinésithérapeute, MK, MKDE"),
    (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE, "masseur-kinésithérapeute, masseuse-kinésithérapeute"),
    (Profession.SAGE_FEMME, Specialty.NONE, "sage-femme, sages-femmes, maïeuticien"),
    (Profession.CHIRURGIEN_DENTISTE, Specialty.NONE, "chirurgien-dentiste, chirurgienne-dentiste, dentiste"),
    (Profession.PEDICURE_PODOLOGUE, Specialty.NONE, "pédicure-podologue, podologue, pédicure"),
    (Profession.ORTHOPHONISTE, Specialty.NONE, "orthophoniste"),
    (Profession.ORTHOPTISTE, Specialty.NONE, "orthoptiste"),
    (Profession.ERGOTHERAPEUTE, Specialty.NONE, "ergothérapeute, ergo"),
    (Profession.DIETETICIEN, Specialty.NONE, "diététicien, diététicienne"),
    (Profession.PSYCHOMOTRICIEN, Specialty.NONE, "psychomotricien, psychomotricienne"),
    (Profession.PSYCHOLOGUE, Specialty.NONE, "psychologue, psy"),
    (Profession.AUDIOPROTHESISTE, Specialty.NONE, "audioprothésiste"),
    (Profession.OPTICIEN, Specialty.NONE, "opticien, opticienne, opticien-lunetier"),
    (Profession.ORTHOPROTHESISTE, Specialty.NONE, "orthoprothésiste"),
    (Profession.TECHNICIEN_LABORATOIRE, Specialty.NONE, "technicien de laboratoire, technicien de laboratoire médical"),
    (Profession.MANIPULATEUR_ERM, Specialty.NONE, "manipulateur ERM, manipulateur radio"),
    (Profession.MANIPULATEUR_ERM, Specialty.NONE, "manipulateur d'électroradiologie médicale"),
]
SPECIALTY_LABELS = [
    (Specialty.GENERAL_PRACTICE, "médecine générale, généraliste, médecin généraliste, MG, SM54"),
    (Specialty.IPA, "IPA, pratique avancée, infirmier en pratique avancée, infirmière en pratique avancée"),
    (Specialty.BIOLOGY, "biologie, biologie médicale, biologiste"),
    (Specialty.OTHER_MEDICAL, "spécialiste, médecin spécialiste"),
]
STRUCTURE_KIND_LABELS = [
    (StructureKind.MSP, "MSP, maison de santé, maison de santé pluriprofessionnelle"),
    (StructureKind.MSP, "maison de santé pluridisciplinaire"),
    (StructureKind.HEALTH_CENTRE, "centre de santé, CDS, centre de soins, centre médical"),
    (StructureKind.PHARMACY, "pharmacie, officine, pharmacie d'officine"),
    (StructureKind.LABORATORY, "laboratoire, labo, LBM, laboratoire d'analyses, laboratoire de biologie"),
    (StructureKind.HOSPITAL, "hôpital, établissement de santé, clinique, centre hospitalier, CH, CHU, SSR, SMR"),
    (StructureKind.EHPAD, "EHPAD, maison de retraite"),
    (StructureKind.HAD, "HAD, hospitalisation à domicile"),
    (StructureKind.MEDICO_SOCIAL, "médico-social, SSIAD, SAAD, SPASAD, ESMS, IME, foyer, établissement médico-social"),
    (StructureKind.ASSOCIATION, "association"),
    (StructureKind.SUPPLIER, "fournisseur, prestataire, PSAD, prestataire de santé à domicile"),
    (StructureKind.TRANSPORT, "transporteur, transporteur sanitaire, ambulance, ambulances, taxi conventionné"),
    (StructureKind.OTHER, "autre"),
]
INVOLVEMENT_LABELS = [
    (Involvement.MAILING_LIST, "liste de diffusion, diffusion, liste, information, mailing list, mailing_list"),
    (Involvement.MISSION, "participe à une mission, mission, participe, participation, participant"),
    (Involvement.PROJECT_LEAD, "pilote un projet, pilote, projet, porteur de projet, pilote de projet, project_lead"),
]


def synonyms(table) -> dict:
    """{normalized label: value} from rows of (*value, "label, label…")."""
    found = {}
    for *value, labels in table:
        for label in labels.split(","):
            found[normalize_header(label)] = value[0] if len(value) == 1 else tuple(value)
    return found


PROFESSION_SYNONYMS = synonyms(PROFESSION_LABELS)
for _profession in Profession:
    PROFESSION_SYNONYMS.setdefault(normalize_header(_profession.label), (_profession, Specialty.NONE))
    PROFESSION_SYNONYMS.setdefault(normalize_header(_profession.value), (_profession, Specialty.NONE))
SPECIALTY_SYNONYMS = synonyms(SPECIALTY_LABELS)
for _specialty in Specialty:
    if _specialty:
        SPECIALTY_SYNONYMS.setdefault(normalize_header(_specialty.label), _specialty)
        SPECIALTY_SYNONYMS.setdefault(normalize_header(_specialty.value), _specialty)
INVOLVEMENT_SYNONYMS = synonyms(INVOLVEMENT_LABELS)
STRUCTURE_KIND_SYNONYMS = synonyms(STRUCTURE_KIND_LABELS)
for _kind in StructureKind:
    STRUCTURE_KIND_SYNONYMS.setdefault(normalize_header(_kind.label), _kind)
    STRUCTURE_KIND_SYNONYMS.setdefault(normalize_header(_kind.value), _kind)

YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
NO = {"non", "n", "0", "faux", "no", "false", ""}
LANGUAGE_ALIASES = {"lsf": "fsl", "langue des signes": "fsl", "langue des signes francaise": "fsl", "creole": "ht"}
