"""The starting catalogue of indicators seen in real contracts (DOMAIN.md §5).

There is no national list: each contract picks from this catalogue, adds its own, and
gives each indicator its baseline, target or tiers. `computed_code` names the registry
entry (`registry.register_indicator`) a mission app provides for it, if any; until that app
is installed the value is entered by hand.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    mission: int
    name: str
    unit: str
    definition: str = ""
    computed_code: str = ""


CATALOGUE = (
    # Mission 1 — accès aux soins
    CatalogueEntry(
        "m1-ald-sans-mt",
        1,
        "Patients en ALD sans médecin traitant",
        "patients",
        "Nombre de patients en affection de longue durée sans médecin traitant sur le territoire "
        "(référence : Rézone CPTS).",
        "mt_waiting_ald",
    ),
    CatalogueEntry(
        "m1-16-ans-avec-mt",
        1,
        "Patients de 16 ans et plus ayant un médecin traitant",
        "%",
        "Part des patients de 16 ans et plus du territoire ayant déclaré un médecin traitant.",
    ),
    CatalogueEntry(
        "m1-c2s-ald-sans-mt",
        1,
        "Patients C2S en ALD sans médecin traitant",
        "patients",
        "Patients bénéficiaires de la complémentaire santé solidaire, en ALD, sans médecin traitant.",
        "mt_waiting_c2s_ald",
    ),
    CatalogueEntry(
        "m1-70-ans-sans-mt",
        1,
        "Patients de 70 ans et plus sans médecin traitant",
        "patients",
        "Patients âgés de 70 ans et plus sans médecin traitant.",
        "mt_waiting_70_plus",
    ),
    CatalogueEntry(
        "m1-medecins-volontaires",
        1,
        "Médecins volontaires pour de nouveaux patients",
        "médecins",
        "Médecins adhérents ouvrant des places de médecin traitant.",
        "mt_volunteer_doctors",
    ),
    CatalogueEntry(
        "m1-repertoire-offre",
        1,
        "Répertoire de l'offre de soins locale",
        "oui/non",
        "Un répertoire de l'offre de soins du territoire est tenu à jour et diffusé.",
    ),
    CatalogueEntry(
        "m1-medecins-sas",
        1,
        "Médecins participant au SAS",
        "médecins",
        "Médecins adhérents publiant des créneaux au service d'accès aux soins.",
        "snp_members_taking_part",
    ),
    CatalogueEntry(
        "m1-demandes-snp", 1, "Demandes de soins non programmés reçues", "demandes", computed_code="snp_requests"
    ),
    CatalogueEntry(
        "m1-rdv-honores", 1, "Rendez-vous de soins non programmés honorés", "rendez-vous", computed_code="snp_honoured"
    ),
    CatalogueEntry(
        "m1-rdv-non-honores",
        1,
        "Rendez-vous de soins non programmés non honorés",
        "rendez-vous",
        computed_code="snp_not_honoured",
    ),
    CatalogueEntry("m1-snp-24h", 1, "Demandes de SNP traitées en 24 h", "%", computed_code="snp_answered_24h_share"),
    CatalogueEntry("m1-snp-48h", 1, "Demandes de SNP traitées en 48 h", "%", computed_code="snp_answered_48h_share"),
    CatalogueEntry(
        "m1-guichet-delai",
        1,
        "Délai de réponse du guichet unique",
        "jours",
        "Délai médian entre l'inscription d'un patient et la proposition d'un médecin (cible : 30 à 90 jours).",
        "mt_median_wait_days",
    ),
    # Mission 2 — parcours
    CatalogueEntry("m2-patients-inclus", 2, "Patients inclus dans un parcours", "patients"),
    CatalogueEntry("m2-professionnels-impliques", 2, "Professionnels impliqués dans les parcours", "professionnels"),
    CatalogueEntry("m2-reunions-pluripro", 2, "Réunions pluriprofessionnelles", "réunions"),
    # Mission 3 — prévention
    CatalogueEntry(
        "m3-depistage-sein",
        3,
        "Taux de dépistage du cancer du sein",
        "%",
        "Taux de participation au dépistage organisé, comparé à la référence de la CPAM.",
        "prevention_breast_screening_latest",
    ),
    CatalogueEntry(
        "m3-depistage-col",
        3,
        "Taux de dépistage du cancer du col de l'utérus",
        "%",
        computed_code="prevention_cervical_screening_latest",
    ),
    CatalogueEntry(
        "m3-depistage-colorectal",
        3,
        "Taux de dépistage du cancer colorectal",
        "%",
        computed_code="prevention_colorectal_screening_latest",
    ),
    CatalogueEntry(
        "m3-personnes-touchees",
        3,
        "Personnes touchées par les actions de prévention",
        "personnes",
        computed_code="prevention_participants",
    ),
    # Mission 4 — crises sanitaires graves
    CatalogueEntry(
        "m4-plan-redige",
        4,
        "Plan de crise rédigé selon le modèle national",
        "oui/non",
        computed_code="crisis_plan_written",
    ),
    CatalogueEntry(
        "m4-plan-mis-a-jour", 4, "Mise à jour annuelle du plan de crise", "oui/non", computed_code="crisis_plan_current"
    ),
    CatalogueEntry(
        "m4-ps-mobilises",
        4,
        "Professionnels mobilisés lors d'une crise",
        "professionnels",
        computed_code="crisis_mobilised",
    ),
    # Mission 5 — qualité
    CatalogueEntry(
        "m5-concertations",
        5,
        "Concertations pluriprofessionnelles sur des cas complexes",
        "réunions",
        "Concertations pluriprofessionnelles tenues (compte rendu consigné) sur la période.",
        "quality_conferences_held",
    ),
    CatalogueEntry(
        "m5-analyses-pratiques",
        5,
        "Groupes d'analyse de pratiques",
        "groupes",
        "Groupes d'analyse des pratiques réunis au moins une fois sur la période.",
        "quality_groups_met",
    ),
    # Mission 6 — accompagnement
    CatalogueEntry(
        "m6-stagiaires",
        6,
        "Stagiaires et internes accueillis",
        "personnes",
        "Stages pourvus dont la période touche la période mesurée.",
        "support_trainees_hosted",
    ),
    CatalogueEntry(
        "m6-installations",
        6,
        "Professionnels accompagnés dans leur installation",
        "professionnels",
        "Projets d'installation suivis pendant la période (ouverts avant sa fin, pas clos avant son début).",
        "support_installations_supported",
    ),
)

BY_CODE = {entry.code: entry for entry in CATALOGUE}


def entries() -> tuple[CatalogueEntry, ...]:
    """The catalogue, plus each indicator a mission app computes that it does not list yet."""
    from . import registry  # the registry is filled once the apps are ready

    listed = {entry.computed_code for entry in CATALOGUE if entry.computed_code}
    computed = tuple(
        CatalogueEntry(
            code="calc-" + item.code.replace("_", "-"),
            mission=item.mission,
            name=item.label,
            unit=item.unit,
            definition="Calculé par la plateforme à partir des données de la mission.",
            computed_code=item.code,
        )
        for item in registry.indicators()
        if item.code not in listed
    )
    return CATALOGUE + computed


def entry(code: str) -> CatalogueEntry | None:
    return next((item for item in entries() if item.code == code), None)
