"""The crisis plan of a demo CPTS: last year's version, validated by the ARS, and this
year's draft copied from it (a few sections reworked, one improvement action open).

Deterministic (seeded by the demo seed and the CPTS), dated relative to `today`,
idempotent: a CPTS that already has a plan version is left alone.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from maillon.contracts.funding import add_years
from maillon.core.models import Cpts, User
from maillon.crisis import services
from maillon.crisis.models import PlanVersion
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession, Specialty

from .contracts import aci_signed_on

GP = (Profession.MEDECIN, Specialty.GENERAL_PRACTICE)
# Each role of the plan, its typologies and who holds it (a profession, with a specialty for
# doctors): the SSE referent and the deputy are general practitioners; the alert chain
# (maillon/demo/crisis_response.py) starts from them.
ROLES = [
    ("Référent SSE de la cellule de crise", [1, 2, 3, 4, 5], [GP]),
    ("Suppléant du référent SSE", [1, 2, 3, 4, 5], [GP]),
    ("Vaccinateur, campagne exceptionnelle", [3], [(Profession.INFIRMIER, "")]),
    ("Visites à domicile des patients fragiles", [2, 5], [(Profession.INFIRMIER, "")]),
    ("Relais officine : stocks et ruptures de médicaments", [3, 5], [(Profession.PHARMACIEN, "")]),
    ("Soutien psychologique des victimes et des soignants", [1], [(Profession.PSYCHOLOGUE, ""), GP]),
    ("Renfort d'un centre d'accueil des impliqués", [1, 4], [(Profession.MASSEUR_KINESITHERAPEUTE, "")]),
]


def general(cpts_name: str, referent: str, deputy: str) -> dict:
    return {
        "referent": referent,
        "deputy": deputy,
        "cell_members": (
            f"{referent} (référent SSE)\n{deputy} (suppléant)\nLa coordinatrice de la {cpts_name}\n"
            "Un pharmacien d'officine\nUn infirmier libéral\nUn représentant des usagers"
        ),
        "cell_place": "Maison de santé pluriprofessionnelle, salle de réunion ; repli : mairie, salle du conseil",
        "cell_means": "Ligne d'astreinte dédiée, messagerie sécurisée MSSanté, liste de diffusion SMS, visioconférence",
        "contact_ars": "Point focal régional de l'ARS, 24 h/24 ; délégation départementale aux heures ouvrées",
        "contact_samu": "SAMU-Centre 15 ; régulation SAS pour les soins non programmés",
        "contact_prefecture": "Service interministériel de défense et de protection civiles (SIDPC) de la préfecture",
        "contact_hospitals": "Cellule de crise du centre hospitalier de référence ; cadres de garde des cliniques",
    }


TYPOLOGIES = {
    "typology_1": {
        "risks": "Grands rassemblements estivaux, zone industrielle, gare : "
        "risque d'attentat, d'incendie ou d'explosion.",
        "response": "La cellule recense les professionnels disponibles, renforce les cabinets proches et organise "
        "le suivi des blessés légers et le soutien psychologique après la phase hospitalière.",
        "resources": "Trousses de premiers secours de la MSP, liste des psychologues volontaires, salle d'accueil.",
        "continuity": "Report coordonné des consultations non urgentes ; appel des patients chroniques suivis.",
    },
    "typology_2": {
        "risks": "Canicule, épidémies hivernales (grippe, bronchiolite), épisodes de pollution à l'ozone.",
        "response": "Repérage des personnes âgées isolées avec les mairies (registre canicule), visites à domicile "
        "par les infirmiers, créneaux de soins non programmés ouverts en plus.",
        "resources": "Registres communaux, tournées infirmières, plages de consultations supplémentaires.",
        "continuity": "Appel des patients en ALD et des personnes de plus de 75 ans ; renouvellement "
        "d'ordonnances facilité en lien avec les officines.",
    },
    "typology_3": {
        "risks": "Maladie infectieuse émergente ; campagne de vaccination exceptionnelle.",
        "response": "Centre de vaccination éphémère tenu par les adhérents volontaires ; filière de "
        "prise en charge des patients infectés en ville.",
        "resources": "Salle polyvalente municipale, réfrigérateurs des officines, équipements de protection.",
        "continuity": "Téléconsultation pour les patients chroniques ; portage des médicaments à domicile.",
    },
    "typology_4": {
        "risks": "Transport de matières dangereuses par l'autoroute ; site industriel classé Seveso à 15 km.",
        "response": "Application des consignes de la préfecture ; orientation des impliqués vers les points "
        "de regroupement ; distribution d'iode sur décision préfectorale.",
        "resources": "Stocks d'iode des officines, fiches réflexes NRC, liste des professionnels formés.",
        "continuity": "Maintien des soins à domicile hors zone de confinement ; relais entre cabinets.",
    },
    "typology_5": {
        "risks": "Ruptures de médicaments, crue de la rivière, épisode neigeux isolant les hameaux.",
        "response": "Cartographie des cabinets accessibles, mutualisation des tournées, substitution "
        "coordonnée par les pharmaciens.",
        "resources": "Véhicules adaptés des infirmiers volontaires, liste des stocks des officines.",
        "continuity": "Priorité aux patients sous dialyse, oxygène, insuline et chimiothérapie orale.",
    },
}

OTHERS = {
    "communication": {
        "internal": "Chaîne d'alerte en trois niveaux (référents, renforts, volontaires) par SMS et courriel ; "
        "messages types préparés pour chaque typologie.",
        "public": "Relais des messages de l'ARS et de la préfecture sur le site de la CPTS et par les mairies.",
    },
    "reporting": {
        "data": "Professionnels mobilisés, patients vus, visites à domicile, difficultés rencontrées ; "
        "point quotidien pendant la crise.",
        "channel": "Délégation départementale de l'ARS et CPAM, par messagerie sécurisée.",
    },
    "training": {
        "training": "Formation AFGSU « situations sanitaires exceptionnelles » pour les référents ; "
        "module NRC pour les volontaires.",
        "exercises": "Un exercice d'alerte par an et un exercice sur table avec l'ARS.",
    },
}


def member_professionals(cpts: Cpts, rng: random.Random) -> list:
    """One active member per role, of the role's first profession the CPTS has (else any
    member left), in the order of ROLES."""
    rows = list(
        Membership.objects.for_cpts(cpts)
        .filter(status=MembershipStatus.ACTIVE, professional__isnull=False)
        .select_related("professional")
        .order_by("pk")
    )
    rng.shuffle(rows)
    left = [row.professional for row in rows]
    chosen = []
    for _, _, holders in ROLES:
        if not left:
            break
        fitting = [
            p
            for profession, specialty in holders
            for p in left
            if p.profession == profession and (not specialty or p.specialty == specialty)
        ]
        professional = (fitting or left)[0]
        left.remove(professional)
        chosen.append(professional)
    return chosen


def fill(version: PlanVersion, cpts: Cpts, coordinator: User, professionals: list) -> None:
    names = [f"{pro.first_name} {pro.last_name}" for pro in professionals] + ["à désigner", "à désigner"]
    content = {"general": general(cpts.name, names[0], names[1]), **TYPOLOGIES, **OTHERS}
    for key, values in content.items():
        services.save_section(version, key, values, by=coordinator)
    for professional, (role, typologies, _) in zip(professionals, ROLES, strict=False):
        services.add_professional(version, professional=professional, role=role, typologies=typologies, by=coordinator)


def validation_days(cpts: Cpts, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """One validation in each elapsed year of the ACI (about 5 to 7 months into it), so the
    funding's M4 line reads first drafting then updates; a CPTS without ACI: last year's."""
    signed_on = aci_signed_on(cpts)
    if signed_on is None:
        return [today - datetime.timedelta(days=300 + rng.randint(0, 30))]
    days = []
    for number in range(5):
        day = add_years(signed_on, number) + datetime.timedelta(days=150 + rng.randint(0, 60))
        if day > today - datetime.timedelta(days=30):
            break
        if days and day.year == days[-1].year:  # one version per calendar year
            day = datetime.date(day.year + 1, 1, 15)
        days.append(day)
    return days or [today - datetime.timedelta(days=30)]


def validate_on(version: PlanVersion, day: datetime.date) -> None:
    version.submit(by=None)
    version.validate(by=None, comment="Plan conforme au modèle national.")
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))
    PlanVersion.objects.filter(pk=version.pk).update(validated_at=moment, submitted_at=moment)
    version.events.update(at=moment)


def ensure_plan(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> dict | None:
    """A plan validated in each elapsed ACI year and this year's draft; None when the CPTS
    already has a plan or no professional member."""
    if PlanVersion.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}-crisis-plan-{cpts.slug}")
    professionals = member_professionals(cpts, rng)
    if not professionals:
        return None
    days = validation_days(cpts, today, rng)
    with transaction.atomic():
        first = services.start_version(cpts, by=coordinator, year=days[0].year)
        fill(first, cpts, coordinator, professionals)
        validate_on(first, days[0])
        last = first
        for day in days[1:]:
            last = services.start_version(cpts, by=coordinator, year=day.year)
            revise(last, coordinator, day.year)
            validate_on(last, day)
        services.carry_improvements(
            cpts,
            items=["Tenir à jour chaque trimestre les numéros d'astreinte de la cellule de crise"],
            source="RETEX de l'exercice d'alerte",
            by=coordinator,
        )
        draft = None
        if today.year > last.year:
            draft = services.start_version(cpts, by=coordinator, year=today.year)
            revise(draft, coordinator, today.year)
    return {
        "validated": [day.year for day in days],
        "draft": draft.year if draft else None,
        "professionals": len(professionals),
    }


def revise(version: PlanVersion, coordinator: User, year: int) -> None:
    """A yearly update: what the last summer taught about heat waves."""
    typology_2 = dict(version.content["typology_2"])
    typology_2["risks"] += f"\nBilan {year - 1} : épisodes de chaleur plus précoces (dès juin) observés."
    services.save_section(version, "typology_2", typology_2, by=coordinator)
