"""Professions (ANS nomenclature TRE_G15-ProfessionSante), specialties and the
categories of the national adherents table (DOMAIN.md §6)."""

from django.db import models


class Profession(models.TextChoices):
    """TRE_G15 codes; psychologue is not in G15 and comes from TRE_R95-UsagerTitre."""

    MEDECIN = "10", "Médecin"
    PHARMACIEN = "21", "Pharmacien"
    AUDIOPROTHESISTE = "26", "Audioprothésiste"
    OPTICIEN = "28", "Opticien-lunetier"
    CHIRURGIEN_DENTISTE = "40", "Chirurgien-dentiste"
    SAGE_FEMME = "50", "Sage-femme"
    INFIRMIER = "60", "Infirmier"
    MASSEUR_KINESITHERAPEUTE = "70", "Masseur-kinésithérapeute"
    PEDICURE_PODOLOGUE = "80", "Pédicure-podologue"
    ORTHOPROTHESISTE = "81", "Orthoprothésiste"
    TECHNICIEN_LABORATOIRE = "86", "Technicien de laboratoire médical"
    ORTHOPHONISTE = "91", "Orthophoniste"
    ORTHOPTISTE = "92", "Orthoptiste"
    ERGOTHERAPEUTE = "94", "Ergothérapeute"
    DIETETICIEN = "95", "Diététicien"
    PSYCHOMOTRICIEN = "96", "Psychomotricien"
    MANIPULATEUR_ERM = "98", "Manipulateur ERM"
    PSYCHOLOGUE = "R95-93", "Psychologue"  # TRE_R95-UsagerTitre (code to confirm)


# The register numbers each profession uses: RPPS for the professions the RPPS
# holds, ADELI (9 characters) for the others, either during the migration.
RPPS_PROFESSIONS = {
    Profession.MEDECIN,
    Profession.PHARMACIEN,
    Profession.CHIRURGIEN_DENTISTE,
    Profession.SAGE_FEMME,
    Profession.INFIRMIER,
    Profession.MASSEUR_KINESITHERAPEUTE,
    Profession.PEDICURE_PODOLOGUE,
}


class Specialty(models.TextChoices):
    NONE = "", "—"
    GENERAL_PRACTICE = "SM54", "Médecine générale"  # TRE_R38-SpecialiteOrdinale
    OTHER_MEDICAL = "specialist", "Autre spécialité médicale"
    BIOLOGY = "biology", "Biologie médicale"
    IPA = "ipa", "Infirmier en pratique avancée (IPA)"


SPECIALTIES_BY_PROFESSION = {
    Profession.MEDECIN: {Specialty.GENERAL_PRACTICE, Specialty.OTHER_MEDICAL, Specialty.BIOLOGY},
    Profession.PHARMACIEN: {Specialty.BIOLOGY},
    Profession.INFIRMIER: {Specialty.IPA},
}


class StructureKind(models.TextChoices):
    MSP = "msp", "Maison de santé pluriprofessionnelle (MSP)"
    HEALTH_CENTRE = "centre_sante", "Centre de santé"
    PHARMACY = "pharmacie", "Pharmacie"
    LABORATORY = "laboratoire", "Laboratoire de biologie médicale"
    HOSPITAL = "hopital", "Établissement de santé"
    EHPAD = "ehpad", "EHPAD"
    HAD = "had", "Hospitalisation à domicile (HAD)"
    MEDICO_SOCIAL = "medico_social", "Établissement ou service médico-social"
    ASSOCIATION = "association", "Association"
    SUPPLIER = "fournisseur", "Fournisseur (matériel médical, prestataire)"
    TRANSPORT = "transport", "Transporteur sanitaire"
    OTHER = "autre", "Autre"


class NationalCategory(models.TextChoices):
    """The rows of the national table of CPTS adherents (FCPTS, Feb 2024)."""

    INFIRMIERS = "infirmiers", "Infirmiers"
    GENERALISTES = "generalistes", "Médecins généralistes"
    PHARMACIES = "pharmacies", "Pharmacies / pharmaciens"
    KINES = "kines", "Masseurs-kinésithérapeutes"
    ORTHOPHONISTES = "orthophonistes", "Orthophonistes"
    SPECIALISTES = "specialistes", "Médecins spécialistes"
    SAGES_FEMMES = "sages_femmes", "Sages-femmes"
    PODOLOGUES = "podologues", "Pédicures-podologues"
    DENTISTES = "dentistes", "Chirurgiens-dentistes"
    ORTHOPTISTES = "orthoptistes", "Orthoptistes"
    LABORATOIRES = "laboratoires", "Laboratoires / biologistes"
    AUTRES = "autres", "Autres"
    FOURNISSEURS = "fournisseurs", "Fournisseurs"
    IPA = "ipa", "IPA"
    PSYCHOMOTRICIENS = "psychomotriciens", "Psychomotriciens"
    PSYCHOLOGUES = "psychologues", "Psychologues"
    ERGOTHERAPEUTES = "ergotherapeutes", "Ergothérapeutes"
    TRANSPORTEURS = "transporteurs", "Transporteurs"


# Adherents of signed CPTS in France, Feb 2024 (seed 002): the demo's mix and the
# reference column of the members dashboard.
NATIONAL_ADHERENTS_2024 = {
    NationalCategory.INFIRMIERS: 13_309,
    NationalCategory.GENERALISTES: 11_581,
    NationalCategory.PHARMACIES: 6_110,
    NationalCategory.KINES: 5_231,
    NationalCategory.ORTHOPHONISTES: 3_567,
    NationalCategory.SPECIALISTES: 3_419,
    NationalCategory.SAGES_FEMMES: 1_214,
    NationalCategory.PODOLOGUES: 914,
    NationalCategory.DENTISTES: 885,
    NationalCategory.ORTHOPTISTES: 319,
    NationalCategory.LABORATOIRES: 183,
    NationalCategory.AUTRES: 159,
    NationalCategory.FOURNISSEURS: 100,
    NationalCategory.IPA: 98,
    NationalCategory.PSYCHOMOTRICIENS: 66,
    NationalCategory.PSYCHOLOGUES: 65,
    NationalCategory.ERGOTHERAPEUTES: 47,
    NationalCategory.TRANSPORTEURS: 44,
}

_BY_PROFESSION = {
    Profession.INFIRMIER: NationalCategory.INFIRMIERS,
    Profession.PHARMACIEN: NationalCategory.PHARMACIES,
    Profession.MASSEUR_KINESITHERAPEUTE: NationalCategory.KINES,
    Profession.ORTHOPHONISTE: NationalCategory.ORTHOPHONISTES,
    Profession.SAGE_FEMME: NationalCategory.SAGES_FEMMES,
    Profession.PEDICURE_PODOLOGUE: NationalCategory.PODOLOGUES,
    Profession.CHIRURGIEN_DENTISTE: NationalCategory.DENTISTES,
    Profession.ORTHOPTISTE: NationalCategory.ORTHOPTISTES,
    Profession.TECHNICIEN_LABORATOIRE: NationalCategory.LABORATOIRES,
    Profession.PSYCHOMOTRICIEN: NationalCategory.PSYCHOMOTRICIENS,
    Profession.PSYCHOLOGUE: NationalCategory.PSYCHOLOGUES,
    Profession.ERGOTHERAPEUTE: NationalCategory.ERGOTHERAPEUTES,
}

_BY_STRUCTURE = {
    StructureKind.PHARMACY: NationalCategory.PHARMACIES,
    StructureKind.LABORATORY: NationalCategory.LABORATOIRES,
    StructureKind.SUPPLIER: NationalCategory.FOURNISSEURS,
    StructureKind.TRANSPORT: NationalCategory.TRANSPORTEURS,
}


def category_of_professional(profession: str, specialty: str) -> str:
    if profession == Profession.MEDECIN:
        if specialty == Specialty.BIOLOGY:
            return NationalCategory.LABORATOIRES
        return NationalCategory.SPECIALISTES if specialty == Specialty.OTHER_MEDICAL else NationalCategory.GENERALISTES
    if profession == Profession.INFIRMIER and specialty == Specialty.IPA:
        return NationalCategory.IPA
    if profession == Profession.PHARMACIEN and specialty == Specialty.BIOLOGY:
        return NationalCategory.LABORATOIRES
    return _BY_PROFESSION.get(profession, NationalCategory.AUTRES)


def category_of_structure(kind: str) -> str:
    return _BY_STRUCTURE.get(kind, NationalCategory.AUTRES)
