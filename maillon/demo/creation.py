"""The creation of a CPTS in the demo (issue 18): what waits for the ARS, and a projet de santé
being examined.

- « CPTS du Mantois rural »: a lettre d'intention filed six days ago by two professionals (RPPS)
  and a maison de santé (FINESS), over 27 free communes between the Seine and the Mauvoisin
  (the communauté de communes Les Portes de l'Île-de-France and its neighbours): it waits for
  the decision of the ARS.
- « CPTS de la Vallée de la Mauldre »: a letter filed four weeks ago (two professionals and a
  maison de santé by SIRET), sent back two weeks ago by the ARS authority with a question: the
  draft territory cuts the communauté de communes Gally Mauldre in two.
- « CPTS Sud Yvelines » (already at « Projet de santé déposé » in the builder's lifecycle): its
  checklist of the 10 steps partly ticked, the ARS's start-up grant with its first payment paid
  and three lines of spending, and its projet de santé written in Maillon, mission by mission
  (the four socle missions, six fiches-actions): version 1 submitted on the lifecycle's date,
  returned by the CPAM with comments, version 2 rewritten on those points and submitted, waiting
  for both decisions.

The decisions are taken by the demo's authorities the policies allow: the ARS authority of the
région (`ARS_AUTHORITY`, an account of its own: the ARS account of the builder is an observer,
who sees the letters but decides nothing) and the CPAM's. Every write goes through
`maillon.creation.services`, so workflows, logs, journal and lifecycle are the product's; the
rows are then dated with `.update()`. Nothing is sent: the messages the services queue (to
fictitious promoters, to the authorities, to the coordinators) are dropped before the demo's
transaction commits (`prevention.nothing_sent`).

The draft territories take only communes in no CPTS's territory at the time of the load (the
others are left out). Idempotent: a letter whose project name exists, and each of the checklist,
the grant and the projet de santé of the CPTS once it has rows, are left alone. A part the
product refuses (a demo changed by hand) is skipped with a warning; the rest of the demo loads.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsStatus, LegalForm, User
from maillon.creation import services
from maillon.creation.models import (
    CreationStep,
    Funder,
    LetterComment,
    LetterOfIntent,
    LetterStatus,
    ProjectEvent,
    ProjectReview,
    ProjectVersion,
    PromoterKind,
    ReviewDecision,
    SpendingCategory,
    StartupGrant,
    Step,
)
from maillon.members.models import Membership
from maillon.members.professions import Profession, Specialty
from maillon.territories.models import Commune, Epci, TerritoryCommune

from .discussions import adherents
from .documents import articles_pdf
from .mt import FEMALE_FIRST_NAMES
from .prevention import nothing_sent

EMAIL_DOMAIN = "example.org"
# The ARS Île-de-France's authority: decides on letters, records the start-up grant, reviews the
# projet de santé for the ARS (declared in `builder.account_specs`).
ARS_AUTHORITY = f"instruction.ars-idf@{EMAIL_DOMAIN}"
ARS_ORGANISATION = "ARS Île-de-France"
CPAM_AUTHORITY = f"autorite.cpam78@{EMAIL_DOMAIN}"
# The demo CPTS whose projet de santé is submitted (its lifecycle already says so).
PROJECT_CPTS = "sud-yvelines"
# A draft territory with fewer free communes than this is not filed.
MIN_FREE_COMMUNES = 3


def rpps(n: int) -> str:
    """A demo RPPS (11 digits, Luhn key), apart from the members' (1999<cpts><n>)."""
    body = f"19998{n:05d}"
    return body + luhn.calc_check_digit(body)


def finess(n: int) -> str:
    """A demo FINESS of the Yvelines, apart from the members' (7899…) and the CPTS's (78980…)."""
    body = f"7897{n:04d}"
    return body + luhn.calc_check_digit(body)


def siret(n: int) -> str:
    siren_body = f"9878{n:04d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


# --- The letters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterSpec:
    project_name: str
    communes: tuple[str, ...]
    professions: tuple[str, ...]
    needs: str
    contact: tuple[str, str, str]  # name, e-mail, phone
    promoters: tuple[services.PromoterIn, ...]
    filed_days_ago: int
    # The ARS's question, `days` ago (None: the letter waits for its decision).
    question_days_ago: int | None = None


MANTOIS_RURAL = LetterSpec(
    project_name="CPTS du Mantois rural",
    communes=(
        # Les Portes de l'Île-de-France.
        *("78068", "78147", "78188", "78559", "78344", "78444", "78668", "78320", "78107"),
        *("78558", "78337", "78057", "78089", "78082", "78276", "78255", "78385", "78410"),
        # Their neighbours of Grand Paris Seine et Oise, between the Seine and the Mauvoisin.
        *("78528", "78391", "78437", "78484", "78245", "78231", "78608", "78234", "78597"),
    ),
    professions=(
        Profession.MEDECIN,
        Profession.INFIRMIER,
        Profession.PHARMACIEN,
        Profession.MASSEUR_KINESITHERAPEUTE,
        Profession.SAGE_FEMME,
        Profession.ORTHOPHONISTE,
        Profession.CHIRURGIEN_DENTISTE,
    ),
    needs=(
        "Depuis trois ans, quatre médecins généralistes du secteur de Bonnières-sur-Seine et de Bréval sont "
        "partis à la retraite sans successeur : environ 2 800 patients, dont beaucoup de plus de 70 ans, "
        "cherchent un médecin traitant. En fin de journée, les urgences de Mantes-la-Jolie reçoivent des "
        "demandes qui relèveraient d'une consultation de ville, faute de rendez-vous le jour même dans les "
        "villages.\n\n"
        "Les sorties d'hospitalisation des personnes âgées qui vivent seules sont mal préparées : pas de "
        "passage infirmier organisé, une pharmacie prévenue au dernier moment. Le dépistage du cancer "
        "colorectal et la vaccination touchent peu les communes sans cabinet médical.\n\n"
        "Nous voulons nous organiser à l'échelle des communes entre la Seine et le Mauvoisin pour proposer "
        "des rendez-vous de soins non programmés, un retour à domicile préparé après l'hôpital et des "
        "actions de prévention qui vont dans les villages."
    ),
    contact=("Dr Mathilde Roussel", f"mathilde.roussel@{EMAIL_DOMAIN}", "01 99 00 42 17"),
    promoters=(
        services.PromoterIn(
            kind=PromoterKind.PROFESSIONAL,
            name="Dr Mathilde Roussel",
            email=f"mathilde.roussel@{EMAIL_DOMAIN}",
            profession=Profession.MEDECIN,
            rpps=rpps(1),
        ),
        services.PromoterIn(
            kind=PromoterKind.PROFESSIONAL,
            name="Antoine Fabre",
            email=f"antoine.fabre@{EMAIL_DOMAIN}",
            profession=Profession.INFIRMIER,
            rpps=rpps(2),
        ),
        services.PromoterIn(
            kind=PromoterKind.STRUCTURE,
            name="Maison de santé pluriprofessionnelle de Bréval",
            email=f"msp.breval@{EMAIL_DOMAIN}",
            finess=finess(1),
        ),
    ),
    filed_days_ago=6,
)

VALLEE_DE_LA_MAULDRE = LetterSpec(
    project_name="CPTS de la Vallée de la Mauldre",
    communes=(
        # Six communes of Gally Mauldre (of its eleven), three of Grand Paris Seine et Oise.
        *("78380", "78368", "78415", "78013", "78305", "78049"),
        *("78033", "78451", "78230"),
    ),
    professions=(
        Profession.MEDECIN,
        Profession.PHARMACIEN,
        Profession.INFIRMIER,
        Profession.MASSEUR_KINESITHERAPEUTE,
        Profession.PEDICURE_PODOLOGUE,
        Profession.DIETETICIEN,
    ),
    needs=(
        "La vallée de la Mauldre compte une maison de santé, à Maule, et une dizaine de cabinets isolés qui "
        "travaillent peu ensemble. Les patients diabétiques et insuffisants cardiaques sont suivis sans "
        "coordination entre le médecin, l'infirmier, le pharmacien et le podologue ; les délais de "
        "rendez-vous chez les masseurs-kinésithérapeutes dépassent trois semaines.\n\n"
        "Nous voulons d'abord organiser le parcours du patient diabétique de type 2 (examen des pieds, "
        "éducation thérapeutique, suivi infirmier) et un accès à un rendez-vous le jour même pour les "
        "patients sans médecin traitant, à partir de la maison de santé de Maule et des pharmacies de la "
        "vallée."
    ),
    contact=("Dr Bertrand Chevalier", f"bertrand.chevalier@{EMAIL_DOMAIN}", "01 99 00 63 08"),
    promoters=(
        services.PromoterIn(
            kind=PromoterKind.PROFESSIONAL,
            name="Dr Bertrand Chevalier",
            email=f"bertrand.chevalier@{EMAIL_DOMAIN}",
            profession=Profession.MEDECIN,
            rpps=rpps(3),
        ),
        services.PromoterIn(
            kind=PromoterKind.PROFESSIONAL,
            name="Élodie Marchal",
            email=f"elodie.marchal@{EMAIL_DOMAIN}",
            profession=Profession.PHARMACIEN,
            rpps=rpps(4),
        ),
        services.PromoterIn(
            kind=PromoterKind.STRUCTURE,
            name="Maison de santé pluriprofessionnelle de Maule",
            email=f"msp.maule@{EMAIL_DOMAIN}",
            siret=siret(1),
        ),
    ),
    filed_days_ago=26,
    question_days_ago=15,
)

LETTERS = (MANTOIS_RURAL, VALLEE_DE_LA_MAULDRE)


def moment(today: datetime.date, days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """`days` before `today` at `hour`:`minute` (Europe/Paris), never later than an hour ago."""
    day = today - datetime.timedelta(days=days)
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(local, timezone.now() - datetime.timedelta(hours=1))


def free_communes(codes) -> list[Commune]:
    """The communes of `codes` that exist and are in no CPTS's territory now, in the given order."""
    taken = set(TerritoryCommune.objects.current().filter(commune__in=codes).values_list("commune_id", flat=True))
    found = Commune.objects.in_bulk([code for code in codes if code not in taken])
    return [found[code] for code in codes if code in found]


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def names_list(names: list[str], last: str = "et") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def territory_question(letter: LetterOfIntent) -> str:
    """The ARS's question on a draft territory that cuts an intercommunalité in two."""
    inside = list(letter.communes.values_list("commune__epci", flat=True))
    cut = None
    for code in dict.fromkeys(epci for epci in inside if epci):
        rows = Commune.objects.filter(epci_id=code, is_current=True)
        share = inside.count(code) / max(rows.count(), 1)
        if share < 1 and (cut is None or share > cut[1]):
            cut = (code, share)
    opening = "Le territoire envisagé coupe une intercommunalité en deux."
    if cut is not None:
        epci = Epci.objects.get(pk=cut[0])
        chosen = set(letter.communes.values_list("commune_id", flat=True))
        members = list(Commune.objects.filter(epci=epci, is_current=True).order_by("name"))
        left_in = [commune.name for commune in members if commune.code in chosen]
        left_out = [commune.name for commune in members if commune.code not in chosen]
        opening = (
            f"Le territoire envisagé coupe la {epci.name.replace('Communauté', 'communauté', 1)} en deux : "
            f"{names_list(left_in)} en font partie, mais pas {names_list(left_out, 'ni')}."
        )
    return (
        f"{opening} Les élus et les partenaires de l'intercommunalité travaillent à l'échelle de toutes ses "
        "communes : les professionnels des communes laissées de côté ont-ils été approchés ? Merci soit de "
        "les inclure, soit de nous expliquer ce découpage (patientèle, trajets vers les cabinets et les "
        "pharmacies).\n\n"
        f"Avec {thousands(letter.population)} habitants, le territoire est par ailleurs petit pour porter seul les "
        "missions socle : précisez les coopérations envisagées avec les CPTS voisines, en particulier pour "
        "les soins non programmés."
    )


def ensure_letter(spec: LetterSpec, *, ars: User, today: datetime.date) -> LetterOfIntent | None:
    """The letter filed (and questioned) as the spec says; None when it exists or cannot be filed."""
    if LetterOfIntent.objects.filter(project_name=spec.project_name).exists():
        return None
    communes = free_communes(spec.communes)
    if len(communes) < MIN_FREE_COMMUNES:
        raise ValidationError(f"{len(communes)} commune(s) libre(s) seulement pour son territoire envisagé")
    name, email, phone = spec.contact
    letter = services.file_letter(
        project_name=spec.project_name,
        legal_form=LegalForm.ASSOCIATION_1901,
        professions=list(spec.professions),
        needs=spec.needs,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        communes=[commune.code for commune in communes],
        promoters=list(spec.promoters),
    )
    filed = moment(today, spec.filed_days_ago, 21, 40)
    LetterOfIntent.objects.filter(pk=letter.pk).update(submitted_at=filed)
    letter.events.update(at=filed)
    if spec.question_days_ago is not None:
        letter = services.request_information(letter, by=ars, comments=territory_question(letter))
        asked = moment(today, spec.question_days_ago, 10, 15)
        LetterComment.objects.filter(letter=letter).update(at=asked)
        letter.events.filter(to_status=LetterStatus.INFORMATION_REQUESTED).update(at=asked)
    letter.refresh_from_db()
    return letter


# --- The CPTS whose projet de santé is submitted ------------------------------------------------


def step_date(cpts: Cpts, status: str) -> datetime.date:
    return cpts.steps.filter(to_status=status).order_by("date").values_list("date", flat=True).first()


def person(membership: Membership | None, titles: tuple[str, str], fallback: User) -> str:
    """« Dr Anne Vasseur, médecin généraliste »; `titles`: (masculine, feminine)."""
    if membership is None:
        return f"{fallback.first_name} {fallback.last_name}, coordination de la CPTS"
    professional = membership.professional
    doctor = "Dr " if professional.profession == Profession.MEDECIN else ""
    title = titles[1] if professional.first_name in FEMALE_FIRST_NAMES else titles[0]
    return f"{doctor}{professional.first_name} {professional.last_name}, {title}"


def owners(cpts: Cpts, coordinator: User) -> dict[str, str]:
    """The adherents who lead the fiches-actions (the coordination where the CPTS has none)."""
    gps = adherents(cpts, Profession.MEDECIN, specialty=Specialty.GENERAL_PRACTICE)
    pharmacists = adherents(cpts, Profession.PHARMACIEN)
    nurses = adherents(cpts, Profession.INFIRMIER)
    gp = ("médecin généraliste", "médecin généraliste")
    return {
        "gp": person(gps[0] if gps else None, gp, coordinator),
        "gp2": person(gps[1] if len(gps) > 1 else (gps[0] if gps else None), gp, coordinator),
        "pharmacist": person(pharmacists[0] if pharmacists else None, ("pharmacien", "pharmacienne"), coordinator),
        "nurse": person(nurses[0] if nurses else None, ("infirmier libéral", "infirmière libérale"), coordinator),
        "coordination": f"{coordinator.first_name} {coordinator.last_name}, coordination de la CPTS",
    }


def territory_summary(cpts: Cpts) -> tuple[int, str]:
    communes = list(
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .select_related("commune")
        .order_by("-commune__population", "commune__name")
    )
    return sum(row.commune.population for row in communes), names_list([row.commune.name for row in communes])


def general_diagnosis(cpts: Cpts) -> str:
    population, communes = territory_summary(cpts)
    return (
        f"Le territoire de la {cpts.name} compte {thousands(population)} habitants : {communes}. La "
        "population vieillit plus vite que la moyenne des Yvelines ; les plus de 75 ans vivent souvent dans "
        "des hameaux en lisière de forêt, loin des cabinets.\n\n"
        "Sources : données de l'INSEE et de Rézone CPTS (Assurance Maladie), une enquête auprès des "
        "professionnels du territoire (58 réponses), trois ateliers du diagnostic territorial partagé avec "
        "les élus, le centre hospitalier de Rambouillet, le dispositif d'appui à la coordination et les "
        "associations de patients.\n\n"
        "Constats principaux :\n"
        "- environ 3 400 patients de 17 ans et plus sans médecin traitant, dont 600 en affection de longue "
        "durée ;\n"
        "- des demandes de soins non programmés qui se reportent sur les urgences de Rambouillet en fin de "
        "journée ;\n"
        "- des sorties d'hospitalisation des personnes âgées préparées au dernier moment ;\n"
        "- une participation au dépistage organisé du cancer colorectal de 29 %, contre 34 % dans les "
        "Yvelines ;\n"
        "- aucune organisation commune des professionnels en cas de canicule, d'épidémie ou d'inondation."
    )


SECTION_DIAGNOSES = {
    Mission.ACCESS: (
        "3 400 patients sans médecin traitant, dont 600 en affection de longue durée ; 10 jours d'attente "
        "en moyenne pour une consultation non programmée dans les cabinets de Rambouillet ; près de 40 % "
        "des passages aux urgences de Rambouillet en semaine relèvent de la médecine de ville."
    ),
    Mission.PATHWAYS: (
        "Un patient de 75 ans et plus sur six revient aux urgences dans le mois qui suit sa sortie "
        "d'hospitalisation ; aucun circuit entre les services de médecine du centre hospitalier et les "
        "infirmiers libéraux ; les pharmacies apprennent les changements de traitement à la première "
        "délivrance."
    ),
    Mission.PREVENTION: (
        "Participation au dépistage organisé du cancer colorectal : 29 % (34 % dans les Yvelines). "
        "Couverture vaccinale contre la grippe des 65 ans et plus : 48 % (52 % dans les Yvelines). Les "
        "villages sans cabinet médical sont les moins touchés par les campagnes."
    ),
    Mission.CRISIS: (
        "Lors de la canicule de l'été dernier, les professionnels ont appelé leurs patients fragiles chacun "
        "de leur côté, sans savoir qui était déjà suivi par les services d'aide à domicile ou inscrit sur "
        "les registres des mairies. Aucun annuaire commun, aucune chaîne d'alerte."
    ),
}


def sheets(who: dict[str, str]) -> dict[int, list[dict]]:
    """The fiches-actions of version 1, by mission."""
    return {
        Mission.ACCESS: [
            {
                "title": "Trouver un médecin traitant aux patients qui n'en ont pas, les plus fragiles d'abord",
                "need": (
                    "Environ 3 400 patients du territoire n'ont pas de médecin traitant, dont 600 en affection "
                    "de longue durée (ALD). La CPAM des Yvelines peut en transmettre la liste chaque trimestre."
                ),
                "objective": (
                    "Proposer un médecin traitant à 400 patients en ALD dans l'année qui suit la signature de "
                    "l'ACI, puis à 300 patients de plus de 70 ans l'année suivante."
                ),
                "target_population": (
                    "Patients de 17 ans et plus du territoire sans médecin traitant, en ALD ou de plus de 70 ans "
                    "en priorité"
                ),
                "actions": (
                    "- Tenir la liste d'attente de la CPTS (inscription en ligne, par téléphone ou à la "
                    "pharmacie).\n"
                    "- Chaque mois, répartir les patients entre les médecins volontaires selon les places "
                    "qu'ils ouvrent.\n"
                    "- Accueillir les médecins qui s'installent : présentation aux confrères, aide aux "
                    "démarches, remplacements.\n"
                    "- Informer les patients par les pharmacies et les mairies."
                ),
                "owner": who["gp"],
                "partners": "CPAM des Yvelines, mairies du territoire, pharmacies",
                "calendar": (
                    "Liste d'attente ouverte 3 mois après la signature de l'ACI ; premières attributions au "
                    "6e mois ; bilan chaque année"
                ),
                "budget": Decimal("9000"),
                "indicators": (
                    "Nombre de patients en ALD sans médecin traitant qui en ont trouvé un\n"
                    "Part des patients du territoire sans médecin traitant\n"
                    "Nombre de médecins qui ouvrent des places"
                ),
            },
            {
                "title": "Des rendez-vous de soins non programmés dans la journée",
                "need": (
                    "Sans rendez-vous possible dans la journée, les patients vont aux urgences de Rambouillet ; "
                    "le SAS des Yvelines ne trouve pas toujours de créneau sur le territoire."
                ),
                "objective": "Développer l'offre de soins non programmés sur le territoire.",
                "target_population": (
                    "Patients du territoire qui ont besoin d'une consultation dans les 24 heures, adressés par "
                    "le SAS, un pharmacien ou un confrère"
                ),
                "actions": (
                    "- Réunir les médecins volontaires, qui réservent des créneaux dans leur agenda.\n"
                    "- Ouvrir ces créneaux au SAS des Yvelines.\n"
                    "- Organiser une permanence le samedi matin à Rambouillet."
                ),
                "owner": who["gp2"],
                "partners": "SAS des Yvelines (SAMU 78), centre hospitalier de Rambouillet",
                "calendar": "Dès la signature de l'ACI ; permanence du samedi à partir du 4e mois",
                "budget": Decimal("14000"),
                "indicators": "Nombre de créneaux de soins non programmés proposés",
            },
        ],
        Mission.PATHWAYS: [
            {
                "title": "Le retour à domicile de la personne âgée après une hospitalisation",
                "need": (
                    "Un patient de 75 ans et plus sur six revient aux urgences dans le mois qui suit sa sortie ; "
                    "l'infirmier, le pharmacien et le médecin traitant apprennent la sortie trop tard."
                ),
                "objective": (
                    "Organiser chaque année le retour à domicile de 150 patients : un passage infirmier dans "
                    "les 48 heures, une conciliation des traitements par le pharmacien, une consultation du "
                    "médecin traitant dans les 7 jours."
                ),
                "target_population": (
                    "Patients de 75 ans et plus vivant sur le territoire, qui sortent d'une hospitalisation en "
                    "médecine au centre hospitalier de Rambouillet"
                ),
                "actions": (
                    "- Écrire avec le centre hospitalier une fiche de liaison et le circuit de la sortie.\n"
                    "- La coordination de la CPTS est prévenue la veille de la sortie et organise les "
                    "passages.\n"
                    "- Conciliation médicamenteuse par le pharmacien habituel du patient.\n"
                    "- Une fois par mois, revue des situations complexes avec le dispositif d'appui à la "
                    "coordination."
                ),
                "owner": who["nurse"],
                "partners": (
                    "Centre hospitalier de Rambouillet, dispositif d'appui à la coordination (DAC) des "
                    "Yvelines, services d'aide et de soins à domicile"
                ),
                "calendar": "Protocole signé avec le centre hospitalier au 6e mois ; premiers patients au 9e mois",
                "budget": Decimal("12000"),
                "indicators": (
                    "Nombre de patients inclus dans le parcours\n"
                    "Part des patients vus par un infirmier dans les 48 heures\n"
                    "Taux de réhospitalisation à 30 jours des patients inclus"
                ),
            },
        ],
        Mission.PREVENTION: [
            {
                "title": "Dépistage du cancer colorectal : le kit en pharmacie et au cabinet",
                "need": (
                    "29 % des 50–74 ans du territoire font le test de dépistage, contre 34 % dans les Yvelines ; "
                    "les villages sans cabinet médical sont les moins dépistés."
                ),
                "objective": "Porter la participation au dépistage à 35 % en deux ans.",
                "target_population": "Personnes de 50 à 74 ans du territoire",
                "actions": (
                    "- Remise du kit par les pharmaciens et les médecins.\n"
                    "- Mars bleu : stands au marché de Rambouillet et dans les mairies.\n"
                    "- Relance des personnes qui n'ont pas fait le test, par leur médecin traitant."
                ),
                "owner": who["pharmacist"],
                "partners": (
                    "Centre régional de coordination des dépistages des cancers (CRCDC) Île-de-France, CPAM des "
                    "Yvelines, Ligue contre le cancer"
                ),
                "calendar": "Chaque année : campagne en mars, relances en septembre",
                "budget": Decimal("4500"),
                "indicators": (
                    "Taux de participation au dépistage organisé du cancer colorectal\n"
                    "Nombre de kits remis en pharmacie"
                ),
            },
            {
                "title": "Vacciner les 65 ans et plus contre la grippe, au plus près des villages",
                "need": (
                    "48 % des 65 ans et plus du territoire sont vaccinés contre la grippe (52 % dans les Yvelines)."
                ),
                "objective": "Atteindre 55 % de couverture vaccinale des 65 ans et plus en trois saisons.",
                "target_population": "Personnes de 65 ans et plus, résidents des EHPAD du territoire",
                "actions": (
                    "- Journées de vaccination dans les mairies des villages, avec les infirmiers et les "
                    "pharmaciens.\n"
                    "- Rappel aux patients par leur médecin traitant et leur pharmacien en octobre."
                ),
                "owner": who["nurse"],
                "partners": "Pharmacies, centres communaux d'action sociale, EHPAD du territoire",
                "calendar": "Chaque automne, d'octobre à janvier",
                "budget": Decimal("3000"),
                "indicators": (
                    "Couverture vaccinale contre la grippe des 65 ans et plus\n"
                    "Nombre de personnes vaccinées lors des journées de la CPTS"
                ),
            },
        ],
        Mission.CRISIS: [
            {
                "title": "Le plan de la CPTS en cas de crise sanitaire grave",
                "need": (
                    "Pendant la dernière canicule, chaque professionnel a appelé ses patients fragiles de son "
                    "côté ; aucun annuaire commun, aucune chaîne d'alerte."
                ),
                "objective": (
                    "Écrire le plan de réponse de la CPTS aux crises sanitaires graves et l'exercer chaque année."
                ),
                "target_population": (
                    "Population du territoire, en particulier les personnes âgées isolées et les patients qui "
                    "dépendent d'un appareillage"
                ),
                "actions": (
                    "- Écrire le plan avec les professionnels volontaires et désigner un référent crise.\n"
                    "- Tenir l'annuaire des professionnels mobilisables et la chaîne d'alerte.\n"
                    "- Un exercice par an, suivi d'un retour d'expérience."
                ),
                "owner": who["coordination"],
                "partners": (
                    "ARS Île-de-France (délégation départementale des Yvelines), préfecture, mairies, "
                    "service départemental d'incendie et de secours"
                ),
                "calendar": "Plan écrit la première année ; premier exercice l'année suivante",
                "budget": Decimal("5000"),
                "indicators": "Plan de crise écrit\nNombre d'exercices réalisés",
            },
        ],
    }


# What version 2 changes, after the CPAM's remarks: (mission, title) → new fields.
CPAM_REMARKS = (
    "Le projet est solide sur l'accès aux soins et le retour à domicile. Avant de le valider, merci de "
    "reprendre deux points :\n\n"
    "1. Mission 1, « Des rendez-vous de soins non programmés dans la journée » : l'objectif doit être "
    "chiffré (nombre de créneaux par semaine sur le territoire) et les indicateurs reprendre ceux de l'ACI, "
    "dont la part des demandes du SAS prises en charge sur le territoire.\n\n"
    "2. Mission 4 : la fiche ne dit pas comment la CPTS connaîtra les patients fragiles à appeler en cas "
    "de crise, ni quand le plan sera écrit. L'ACI demande un plan dans les 6 mois qui suivent sa signature."
)

REWRITES = {
    (Mission.ACCESS, "Des rendez-vous de soins non programmés dans la journée"): {
        "objective": (
            "Proposer chaque semaine au moins 60 créneaux de soins non programmés sur le territoire, tous "
            "visibles du SAS, et prendre en charge sur le territoire 80 % des demandes que le SAS y adresse "
            "avant 18 heures."
        ),
        "actions": (
            "- Réunir les médecins volontaires, qui réservent des créneaux dans leur agenda (au moins 2 par "
            "jour ouvré et par médecin).\n"
            "- Ouvrir ces créneaux au SAS des Yvelines, qui les voit dans Maillon.\n"
            "- Organiser une permanence le samedi matin à Rambouillet.\n"
            "- Chaque semaine, relire les demandes restées sans réponse et ajuster les créneaux."
        ),
        "indicators": (
            "Nombre de créneaux de soins non programmés proposés par semaine\n"
            "Part des demandes du SAS prises en charge sur le territoire\n"
            "Passages aux urgences de Rambouillet de patients du territoire relevant de la médecine de ville"
        ),
    },
    (Mission.CRISIS, "Le plan de la CPTS en cas de crise sanitaire grave"): {
        "actions": (
            "- Écrire le plan avec les professionnels volontaires et désigner un référent crise.\n"
            "- Repérer les patients fragiles à appeler en priorité avec les infirmiers libéraux, les "
            "services d'aide à domicile et les centres communaux d'action sociale (registres des mairies), "
            "sans liste nominative tenue par la CPTS.\n"
            "- Tenir l'annuaire des professionnels mobilisables et la chaîne d'alerte.\n"
            "- Un exercice par an, suivi d'un retour d'expérience."
        ),
        "calendar": (
            "Plan écrit dans les 6 mois qui suivent la signature de l'ACI ; premier exercice dans l'année ; "
            "plan revu après chaque crise ou exercice"
        ),
        "indicators": (
            "Plan de crise écrit dans les 6 mois\n"
            "Nombre d'exercices réalisés\n"
            "Part des professionnels joignables par la chaîne d'alerte"
        ),
    },
}


def write_version(version: ProjectVersion, cpts: Cpts, coordinator: User) -> None:
    services.save_diagnosis(
        version, by=coordinator, diagnosis=general_diagnosis(cpts), missions=list(SECTION_DIAGNOSES)
    )
    who = owners(cpts, coordinator)
    written = sheets(who)
    for section in version.sections.order_by("mission"):
        services.save_section(section, by=coordinator, diagnosis=SECTION_DIAGNOSES[section.mission])
        for fields in written[section.mission]:
            services.save_sheet(section, by=coordinator, **fields)


def rewrite_version(version: ProjectVersion, coordinator: User) -> None:
    for section in version.sections.order_by("mission"):
        for sheet in section.sheets.order_by("position"):
            changes = REWRITES.get((section.mission, sheet.title))
            if changes:
                services.save_sheet(section, by=coordinator, sheet=sheet, **changes)


def date_version(version: ProjectVersion, *, created, submitted, decided=None) -> None:
    """Date the version and its log as the story goes (the services wrote them now)."""
    ProjectVersion.objects.filter(pk=version.pk).update(created_at=created, submitted_at=submitted, decided_at=decided)
    for event in ProjectEvent.objects.filter(version=version):
        at = {"draft": created, "submitted": submitted}.get(event.to_status, decided)
        ProjectEvent.objects.filter(pk=event.pk).update(at=at)
    if decided is not None:
        ProjectReview.objects.filter(version=version).update(at=decided)


def ensure_project(cpts: Cpts, *, coordinator: User, cpam: User, today: datetime.date) -> ProjectVersion | None:
    """Version 1 submitted on the lifecycle's date, returned by the CPAM three weeks later; version 2
    rewritten on its remarks and submitted two weeks after that: it waits for both decisions."""
    if ProjectVersion.objects.for_cpts(cpts).exists():
        return None
    submitted_on = step_date(cpts, CptsStatus.PROJECT_SUBMITTED) or today - datetime.timedelta(days=60)
    ago = (today - submitted_on).days
    first = services.start_version(cpts, by=coordinator)
    write_version(first, cpts, coordinator)
    services.submit_project(first, by=coordinator)
    services.review_project(
        first, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.RETURNED, comments=CPAM_REMARKS
    )
    date_version(
        first,
        created=moment(today, ago + 45, 9, 30),
        submitted=moment(today, ago, 18, 10),
        decided=moment(today, ago - 21, 11, 0),
    )
    second = services.start_version(cpts, by=coordinator)
    rewrite_version(second, coordinator)
    services.submit_project(second, by=coordinator)
    date_version(second, created=moment(today, ago - 23, 8, 45), submitted=moment(today, ago - 37, 17, 30))
    second.refresh_from_db()
    return second


# The checklist: (step, days from the lettre d'intention, note) for the steps done by hand; the
# projet de santé's step is ticked by its submission, the letter's by the lifecycle.
DONE_STEPS = (
    (Step.PROMOTERS, -75, "Un groupe de neuf porteurs : médecins, infirmiers, pharmaciens, masseur-kinésithérapeute."),
    (Step.TERRITORY, -50, "Le territoire autour de Rambouillet, présenté aux maires."),
    (Step.FIRST_NEEDS, -30, "Questionnaire aux professionnels du territoire : 58 réponses."),
    (Step.LEGAL_STRUCTURE, 35, "Assemblée constitutive de l'association ; statuts déposés en préfecture."),
)


def ensure_checklist(cpts: Cpts, *, coordinator: User, today: datetime.date) -> bool:
    """The 10 steps partly ticked: before the letter, the legal structure, the diagnosis; the
    mobilisation under way; the validation planned."""
    if CreationStep.objects.for_cpts(cpts).exists():
        return False
    services.ensure_steps(cpts)
    letter_on = step_date(cpts, CptsStatus.LETTER_OF_INTENT) or today - datetime.timedelta(days=330)
    submitted_on = step_date(cpts, CptsStatus.PROJECT_SUBMITTED) or today - datetime.timedelta(days=60)
    steps = {step.step: step for step in CreationStep.objects.for_cpts(cpts)}

    def done(number, on, note, planned=None):
        services.update_step(steps[number], by=coordinator, planned_on=planned, done_on=min(on, today), note=note)

    for number, days, note in DONE_STEPS:
        done(number, letter_on + datetime.timedelta(days=days), note)
    adherents_count = Membership.objects.for_cpts(cpts).active().count()
    services.update_step(
        steps[Step.MOBILISATION],
        by=coordinator,
        planned_on=today + datetime.timedelta(days=45),
        note=f"Trois réunions d'information tenues ; {adherents_count} adhérents, objectif 60 avant la validation.",
    )
    done(
        Step.DIAGNOSIS,
        submitted_on - datetime.timedelta(days=50),
        "Diagnostic territorial partagé : trois ateliers avec les élus, le centre hospitalier et les patients.",
    )
    done(
        Step.HEALTH_PROJECT,
        submitted_on,
        f"Version 1 déposée le {submitted_on:%d/%m/%Y} ; version 2 après les remarques de la CPAM.",
    )
    services.update_step(
        steps[Step.VALIDATION],
        by=coordinator,
        planned_on=today + datetime.timedelta(days=30),
        note="Comité de validation ARS – CPAM des Yvelines.",
    )
    services.add_step_document(
        steps[Step.LEGAL_STRUCTURE], by=coordinator, title="Statuts de l'association", file=statutes_file(cpts)
    )
    return True


def statutes_file(cpts: Cpts) -> ContentFile:
    """The association's statutes, as the legal-structure step keeps them (a short PDF)."""
    articles = [
        (
            "Article 1 — Objet",
            f"L'association « {cpts.name} » a pour objet la communauté professionnelle "
            "territoriale de santé de son territoire, au sens de l'article L. 1434-12 du code de la santé publique.",
        ),
        (
            "Article 2 — Membres",
            "Les professionnels de santé, les structures d'exercice coordonné, les "
            "établissements et les représentants des usagers du territoire, répartis en collèges.",
        ),
        ("Article 3 — Gouvernance", "Une assemblée générale annuelle ; un conseil d'administration élu par collège."),
    ]
    content = articles_pdf("Statuts de l'association", cpts.name, articles, "Adoptés en assemblée constitutive.")
    return ContentFile(content, name="statuts.pdf")


GRANT_AMOUNT = Decimal("20000")
FIRST_PAYMENT_SHARE = Decimal("0.6")


def grant_conditions(amount: Decimal, regional: bool) -> str:
    text = (
        "Subvention de démarrage du fonds d'intervention régional (FIR), versée en deux fois : 60 % à la "
        "signature de la convention, 40 % à la validation du projet de santé par l'ARS et l'Assurance "
        "Maladie. Elle finance la coordination, le diagnostic territorial partagé et le temps des "
        "professionnels pour écrire le projet de santé ; un bilan de son utilisation est remis à l'ARS dans "
        "les 12 mois."
    )
    if not regional:
        text += (
            f"\n\nMontant de démonstration ({thousands(int(amount))} €) : aucun montant n'est réglé pour "
            "l'Île-de-France dans Maillon (la Nouvelle-Aquitaine verse 15 000 €)."
        )
    return text


def ensure_grant(cpts: Cpts, *, ars: User, coordinator: User, today: datetime.date) -> StartupGrant | None:
    """Decided by the ARS after the legal structure; the first payment paid, three lines spent."""
    if StartupGrant.objects.filter(cpts=cpts).exists():
        return None
    letter_on = step_date(cpts, CptsStatus.LETTER_OF_INTENT) or today - datetime.timedelta(days=330)
    submitted_on = step_date(cpts, CptsStatus.PROJECT_SUBMITTED) or today - datetime.timedelta(days=60)

    def day(base, days):
        return min(base + datetime.timedelta(days=days), today)

    regional = services.grant_amount_for(cpts_region(cpts))
    amount = regional or GRANT_AMOUNT
    first = (amount * FIRST_PAYMENT_SHARE).quantize(Decimal("1"))
    grant = services.record_grant(
        cpts,
        by=ars,
        amount=amount,
        decided_on=day(letter_on, 50),
        conditions=grant_conditions(amount, regional is not None),
        payments=[(day(letter_on, 60), first), (today + datetime.timedelta(days=60), amount - first)],
    )
    services.mark_paid(grant.payments.order_by("due_on").first(), by=ars, paid_on=day(letter_on, 68))
    for spent_on, category, label, value in (
        (
            day(letter_on, 72),
            SpendingCategory.LEGAL,
            "Expert-comptable : création de l'association et premier exercice",
            "1800",
        ),
        (
            day(submitted_on, -50),
            SpendingCategory.DIAGNOSIS,
            "Diagnostic territorial partagé : animation de trois ateliers et synthèse des données (prestataire)",
            "5400",
        ),
        (
            day(submitted_on, -20),
            SpendingCategory.MEETINGS,
            "Indemnisation des professionnels : trois soirées d'écriture du projet de santé",
            "3960",
        ),
    ):
        services.record_spending(
            grant, by=coordinator, spent_on=spent_on, category=category, label=label, amount=Decimal(value)
        )
    return grant


def cpts_region(cpts: Cpts) -> str | None:
    return (
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .values_list("commune__departement__region_id", flat=True)
        .first()
    )


# --- Entry points ---------------------------------------------------------------------------------


@dataclass
class Loaded:
    letters: dict[str, LetterOfIntent | None] = field(default_factory=dict)
    checklist: bool = False
    grant: StartupGrant | None = None
    project: ProjectVersion | None = None
    warnings: list[str] = field(default_factory=list)


def attempt(loaded: Loaded, what: str, write, *args, **kwargs):
    """Run one part in a savepoint: refused by the product (a demo changed by hand), it is left out
    with a warning and the rest of the demo loads."""
    try:
        with transaction.atomic():
            return write(*args, **kwargs)
    except ValidationError as error:
        loaded.warnings.append(f"{what} : laissé de côté ({' '.join(error.messages)})")
        return None


def build_creation(cpts: Cpts | None, *, coordinator: User, ars: User, cpam: User, today: datetime.date) -> Loaded:
    """The two letters, then the checklist, grant and projet de santé of `cpts` when its lifecycle
    is at « Projet de santé déposé » (a CPTS moved or dissolved by hand is left alone)."""
    loaded = Loaded()
    with nothing_sent(dropped=is_creation_message):
        for spec in LETTERS:
            loaded.letters[spec.project_name] = attempt(
                loaded, f"Lettre d'intention « {spec.project_name} »", ensure_letter, spec, ars=ars, today=today
            )
        if cpts is not None and cpts.status == CptsStatus.PROJECT_SUBMITTED:
            label = f"{cpts.name}, création"
            loaded.checklist = bool(
                attempt(loaded, f"{label} (étapes)", ensure_checklist, cpts, coordinator=coordinator, today=today)
            )
            loaded.grant = attempt(
                loaded, f"{label} (subvention)", ensure_grant, cpts, ars=ars, coordinator=coordinator, today=today
            )
            loaded.project = attempt(
                loaded,
                f"{label} (projet de santé)",
                ensure_project,
                cpts,
                coordinator=coordinator,
                cpam=cpam,
                today=today,
            )
    return loaded


def ensure_creation(cpts_by_slug: dict[str, Cpts], *, today: datetime.date) -> list[str]:
    """The builder's hook: the demo's accounts and CPTS; the warnings of what was left out."""
    cpts = cpts_by_slug.get(PROJECT_CPTS)
    loaded = build_creation(
        cpts,
        coordinator=User.objects.get(email=f"coordination.{PROJECT_CPTS}@{EMAIL_DOMAIN}"),
        ars=User.objects.get(email=ARS_AUTHORITY),
        cpam=User.objects.get(email=CPAM_AUTHORITY),
        today=today,
    )
    return loaded.warnings


def is_creation_message(callback) -> bool:
    """A message the creation services queue on commit (`sending.on_commit` of one of their tasks)."""
    task = getattr(getattr(callback, "func", None), "__self__", None)
    return getattr(task, "module_path", "").startswith("maillon.creation.")
