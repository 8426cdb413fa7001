"""Territorial prevention (mission 3) of each demo CPTS whose contract holds it: a colorectal
screening campaign for the 50–74 year olds of a few of its communes, with its partners, budget
and adherent in charge (the demo member account where it belongs), measured against Rézone's
baseline (32,5 % at the end of 2022, target 45 %) with two years of values for the territory
and its département; a flu vaccination campaign for the 65 and over, measured too. The
campaign has public sessions: a workshop to come, full, with three people waiting; a talk to
come with seats left; a workshop held three weeks ago with its attendance sheet (registrants
present or not, people who came without registering); and a flyer in two versions.

Registrations go through `maillon.prevention.services.register`, so the seat count and the
waiting list are the product's. Nothing is sent: the registrants are fictitious (example.org),
and the messages `register` queues for them are dropped before the demo's transaction commits.

Deterministic (seeded by the demo seed and the CPTS), dated relative to `today`, idempotent:
a CPTS that already has a prevention action is left alone.
"""

import contextlib
import datetime
import random
import unicodedata
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from maillon.contracts.models import Contract
from maillon.core import pdf
from maillon.core.models import Cpts, User
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession, Specialty
from maillon.prevention import services
from maillon.prevention.models import (
    AgeBand,
    MaterialKind,
    MeasureKind,
    MeasureSource,
    PreventionAction,
    PublicSession,
    PublicSessionEvent,
    Registration,
    Scope,
    SessionKind,
    Sex,
    Theme,
)
from maillon.prevention.notifications import send_registration_message
from maillon.territories.models import TerritoryCommune

from .documents import document_pdf
from .mt import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES

MISSION = 3
EMAIL_DOMAIN = "example.org"
PARTNERS = "CRCDC Île-de-France, CPAM des Yvelines, pharmacies du territoire"
# The communes the campaign goes to: the territory's most populated.
CAMPAIGN_COMMUNES = 4
# (year, territory, département): participation in the colorectal screening, in %.
COLORECTAL_VALUES = ((2023, "33.80", "34.10"), (2024, "35.90", "34.90"))
FLU_VALUES = ((2023, "52.40", "51.60"), (2024, "53.90", "52.00"))
# The full workshop: its seats and the people waiting beyond them.
FULL_CAPACITY, WAITING = 12, 3


def has_mission(cpts: Cpts) -> bool:
    return not cpts.is_dissolved and Contract.objects.for_cpts(cpts).filter(missions__mission=MISSION).exists()


@contextlib.contextmanager
def nothing_sent(dropped=None):
    """`register` queues each registrant's message for when the transaction commits; the demo's
    registrants are fictitious: their messages queued inside this block are dropped, never enqueued.
    `dropped(callback)` says which queued callbacks are messages to drop (by default the
    registrants'; the discussions of the demo pass theirs)."""
    dropped = dropped or is_registrant_message
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("nothing_sent() runs inside the demo's transaction")
    queued = len(connection.run_on_commit)
    try:
        yield
    finally:
        added = connection.run_on_commit[queued:]
        connection.run_on_commit[queued:] = [entry for entry in added if not dropped(entry[1])]


def is_registrant_message(callback) -> bool:
    return getattr(callback, "func", None) == send_registration_message.enqueue


def owner_for(cpts: Cpts, member: User | None) -> Membership | None:
    """The demo member account's adhesion where it has one, else an active general practitioner."""
    active = Membership.objects.for_cpts(cpts).filter(status=MembershipStatus.ACTIVE).select_related("professional")
    if member is not None:
        own = active.filter(professional__user=member).order_by("pk").first()
        if own is not None:
            return own
    gps = active.filter(professional__profession=Profession.MEDECIN, professional__specialty=Specialty.GENERAL_PRACTICE)
    return gps.order_by("pk").first() or active.order_by("pk").first()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@transaction.atomic
def ensure_prevention(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date, member: User | None = None):
    """The two campaigns, their measures, sessions and flyer; None when left alone."""
    if not has_mission(cpts) or PreventionAction.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}:prevention:{cpts.slug}")
    communes = [
        row.commune
        for row in TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .select_related("commune")
        .order_by("-commune__population", "commune_id")[:CAMPAIGN_COMMUNES]
    ]
    if not communes:
        return None
    owner = owner_for(cpts, member)
    screening = colorectal_campaign(cpts, coordinator, owner, communes, today)
    flu = flu_campaign(cpts, coordinator, owner, today)
    with nothing_sent():
        sessions = [
            full_workshop(screening, communes[0], rng, today),
            open_talk(screening, communes[-1], rng, today),
            held_workshop(screening, communes[min(1, len(communes) - 1)], coordinator, owner, rng, today),
        ]
    vaccination_day(flu, communes[0], today)
    flyer(screening, coordinator, today)
    return {"actions": 2, "sessions": len(sessions) + 1}


# --- Actions and their measures ------------------------------------------------------------


def colorectal_campaign(cpts, coordinator, owner, communes, today):
    action = PreventionAction(
        cpts=cpts,
        title="Dépistage du cancer colorectal : aller vers les 50–74 ans",
        theme=Theme.COLORECTAL_SCREENING,
        description=(
            "Ateliers et stands pour faire connaître le test de dépistage à faire chez soi, remis par le "
            "médecin traitant, le pharmacien ou commandé en ligne ; relance des patients par les "
            "professionnels de la CPTS."
        ),
        age_min=50,
        age_max=74,
        partners=PARTNERS,
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today + datetime.timedelta(days=245),
        budget=Decimal("4800.00"),
        owner=owner,
        health_project_action="Augmenter la participation au dépistage organisé du cancer colorectal",
    )
    action.full_clean()
    action.save()
    action.communes.set(communes)
    measure = services.create_measure(
        action,
        kind=MeasureKind.COLORECTAL_SCREENING,
        baseline_value=Decimal("32.50"),
        baseline_source=MeasureSource.REZONE,
        baseline_on=datetime.date(2022, 12, 31),
        target_value=Decimal("45.00"),
    )
    add_values(measure, COLORECTAL_VALUES, coordinator, today, territory=MeasureSource.REZONE)
    return action


def flu_campaign(cpts, coordinator, owner, today):
    action = PreventionAction(
        cpts=cpts,
        title="Vaccination contre la grippe des 65 ans et plus",
        theme=Theme.VACCINATION,
        description="Journées de vaccination en pharmacie et en maison de santé pendant la campagne de l'automne.",
        age_min=65,
        partners="CPAM des Yvelines, pharmacies du territoire, infirmiers libéraux",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=90),
        budget=Decimal("1500.00"),
        owner=owner,
        health_project_action="Améliorer la couverture vaccinale des personnes âgées",
    )
    action.full_clean()
    action.save()
    measure = services.create_measure(
        action,
        kind=MeasureKind.FLU_VACCINATION,
        baseline_value=Decimal("51.20"),
        baseline_source=MeasureSource.AMELI,
        baseline_on=datetime.date(2022, 12, 31),
        target_value=Decimal("60.00"),
    )
    add_values(measure, FLU_VALUES, coordinator, today, territory=MeasureSource.AMELI)
    return action


def add_values(measure, values, coordinator, today, *, territory):
    """Each year's value for the territory and the département, published the next autumn."""
    for year, local, departement in values:
        published = datetime.date(year + 1, 9, 30)
        if published > today:
            continue
        for scope, value, source in (
            (Scope.TERRITORY, local, territory),
            (Scope.DEPARTEMENT, departement, MeasureSource.ODISSE),
        ):
            services.set_value(
                measure,
                year=year,
                scope=scope,
                by=coordinator,
                value=Decimal(value),
                source=source,
                source_on=published,
            )


# --- Sessions ------------------------------------------------------------------------------


def new_session(action, *, kind, title, description, starts_at, hours, commune, place, capacity):
    session = PublicSession(
        cpts=action.cpts,
        action=action,
        kind=kind,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        place=place,
        commune=commune,
        capacity=capacity,
    )
    return services.save_session(session)


def ascii_name(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in plain.lower() if char.isalnum() or char == "-")


def register_people(session, count, rng, *, since: datetime.datetime, until: datetime.datetime, ages):
    """`count` people registered in turn between `since` and `until` (their registration dates
    in the same order, so the waiting list keeps its order)."""
    taken, rows = set(), []
    for _ in range(count):
        female = rng.random() < 0.6
        first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        email = f"{ascii_name(first)}.{ascii_name(last)}@{EMAIL_DOMAIN}"
        while email in taken:
            email = email.replace("@", f"{rng.randint(1, 9)}@")
        taken.add(email)
        phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        rows.append(
            services.register(
                session,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone if rng.random() < 0.7 else "",
                age_band=rng.choice(ages),
                sex=Sex.FEMALE if female else Sex.MALE,
            )
        )
    step = (until - since) / max(count, 1)
    for number, registration in enumerate(rows):
        registered_at = since + step * number + datetime.timedelta(minutes=rng.randint(0, 50))
        Registration.objects.filter(pk=registration.pk).update(registered_at=registered_at)
    return rows


SCREENING_AGES = [AgeBand.FROM_50] * 6 + [AgeBand.FROM_25, AgeBand.FROM_75, AgeBand.UNKNOWN]


def full_workshop(action, commune, rng, today):
    session = new_session(
        action,
        kind=SessionKind.WORKSHOP,
        title="Atelier « Le test de dépistage, comment ça marche ? »",
        description=(
            "Une heure et demie avec une médecin et un pharmacien de la CPTS pour comprendre le test, "
            "le faire chez soi et savoir à qui s'adresser. Gratuit, sur inscription."
        ),
        starts_at=at(today + datetime.timedelta(days=12), 14, 30),
        hours=1.5,
        commune=commune,
        place="Maison de santé pluriprofessionnelle, salle de réunion",
        capacity=FULL_CAPACITY,
    )
    now = timezone.now()
    register_people(
        session,
        FULL_CAPACITY + WAITING,
        rng,
        since=now - datetime.timedelta(days=10),
        until=now - datetime.timedelta(hours=6),
        ages=SCREENING_AGES,
    )
    return session


def open_talk(action, commune, rng, today):
    session = new_session(
        action,
        kind=SessionKind.TALK,
        title="Conférence : le cancer colorectal, un dépistage qui sauve des vies",
        description="Conférence suivie de questions, avec le CRCDC Île-de-France. Entrée libre sur inscription.",
        starts_at=at(today + datetime.timedelta(days=26), 18, 30),
        hours=2,
        commune=commune,
        place="Salle des fêtes",
        capacity=40,
    )
    now = timezone.now()
    register_people(
        session,
        9,
        rng,
        since=now - datetime.timedelta(days=6),
        until=now - datetime.timedelta(hours=2),
        ages=SCREENING_AGES,
    )
    return session


def held_workshop(action, commune, coordinator, owner, rng, today):
    """Registrations taken before it, then held three weeks ago: its sheet kept by the adherent
    in charge (those who came, those who did not, and people who came without registering)."""
    session = new_session(
        action,
        kind=SessionKind.WORKSHOP,
        title="Atelier de sensibilisation au dépistage du cancer colorectal",
        description="Atelier d'information ouvert à tous, avec remise du test aux personnes concernées.",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        hours=2,
        commune=commune,
        place="Centre social, salle polyvalente",
        capacity=15,
    )
    starts_at = at(today - datetime.timedelta(days=21), 10)
    register_people(
        session,
        10,
        rng,
        since=starts_at - datetime.timedelta(days=14),
        until=starts_at - datetime.timedelta(days=1),
        ages=SCREENING_AGES,
    )
    # Held on its day: dated there (the sheet opens that day).
    PublicSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )
    session.refresh_from_db()
    keeper = owner.professional.user if owner is not None and owner.professional.user_id else coordinator
    session.mark_held(by=keeper)
    PublicSessionEvent.objects.filter(session=session).update(at=session.ends_at + datetime.timedelta(minutes=15))
    confirmed = list(session.registrations.confirmed().order_by("pk"))
    present = {registration.pk for registration in confirmed if rng.random() < 0.75}
    walk_ins = {(AgeBand.FROM_50, Sex.FEMALE): 3, (AgeBand.FROM_50, Sex.MALE): 2, (AgeBand.FROM_75, Sex.FEMALE): 1}
    services.record_attendance(session, present=present, walk_ins=walk_ins, by=keeper)
    return session


def vaccination_day(action, commune, today):
    """A day people walk up to: no seats, no registration."""
    return new_session(
        action,
        kind=SessionKind.VACCINATION_DAY,
        title="Journée de vaccination contre la grippe",
        description=(
            "Vaccination sans rendez-vous par les pharmaciens et infirmiers de la CPTS. Apportez votre carte Vitale."
        ),
        starts_at=at(today + datetime.timedelta(days=9), 9),
        hours=8,
        commune=commune,
        place="Pharmacie du marché et maison de santé",
        capacity=None,
    )


# --- Materials -----------------------------------------------------------------------------


def flyer_pdf(cpts: Cpts, version: int, dates: str) -> bytes:
    return document_pdf(
        "Dépistage du cancer colorectal",
        f"{cpts.name} — flyer, version {version}",
        [
            pdf.Heading("De 50 à 74 ans, un test simple tous les deux ans"),
            pdf.Paragraph(
                "Le test se fait chez soi. Demandez-le à votre médecin traitant, à votre pharmacien, ou "
                "commandez-le en ligne. Le dépistage précoce permet de guérir 9 cancers sur 10."
            ),
            pdf.Heading("Nos ateliers"),
            pdf.Paragraph(dates),
            pdf.Paragraph(f"Avec nos partenaires : {PARTNERS}."),
        ],
    )


def flyer(action, coordinator, today):
    material = action.materials.create(
        cpts=action.cpts, title="Flyer du dépistage colorectal", kind=MaterialKind.FLYER, public=True
    )
    versions = [
        (1, "Première version.", "Ateliers à la maison de santé : dates à venir.", action.starts_on),
        (2, "Dates des ateliers ajoutées.", "Ateliers gratuits sur inscription, sur la page de la CPTS.", today),
    ]
    for number, note, dates, day in versions:
        upload = ContentFile(flyer_pdf(action.cpts, number, dates), name=f"flyer-depistage-colorectal-v{number}.pdf")
        version = material.add_version(file=upload, note=note, by=coordinator)
        type(version).objects.filter(pk=version.pk).update(uploaded_at=min(at(day, 9), timezone.now()))
    return material
