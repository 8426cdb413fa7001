"""The care pathways of each demo CPTS at « ACI signé » (mission 2): two programmes from the
library — the elderly person staying at home, and the pregnancy pathway (perinatal) —, a few
dozen patients included with their consent, their lead and care team; some inclusions closed.

Consistent with the product's rules: the elderly are 75 or older, the pregnant women 18–42;
a pregnancy is led by a midwife or a GP, an elderly person by a GP; a qualified identity
carries a valid INS matricule that agrees with the sex, birth month and birth place. The
demo member account (a GP) leads a few elderly people and is in the care team of others.
The steps the patient attends remind her or him (`REMINDER_DAYS`); about half the patients
agreed to reminders, by SMS or by e-mail (with the address it needs), and one stopped them.

Deterministic, dated relative to `today`, idempotent: a CPTS with programmes is left alone.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from maillon.core.models import Cpts, CptsStatus, User
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession, Specialty
from maillon.pathways import breaks, care, reminders, services
from maillon.pathways.models import (
    CloseReason,
    ConsentMode,
    Inclusion,
    InsStatus,
    Programme,
    Relationship,
    ReminderChannel,
)
from maillon.territories.models import TerritoryCommune

from .mt import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES

PROGRAMMES = {"elderly_home": (75, 96), "pregnancy": (18, 42)}
PATIENTS_PER_PROGRAMME = 14
# Days ahead the patient is reminded of the steps she or he attends (those of a profession).
REMINDER_DAYS = {"elderly_home": 1, "pregnancy": 2}
# Of every ten inclusions: closed (pathway over, consent withdrawn), qualified identity.
CLOSED_SHARE, WITHDRAWN_SHARE, QUALIFIED_SHARE = 0.15, 0.05, 0.4
# Tasks left late, PPCS past their reassessment.
LATE_SHARE, MISSED_REVIEW_SHARE = 0.12, 0.2
OUTCOMES = [
    "Fait au cabinet, rien à signaler.",
    "Visite à domicile ; traitement adapté.",
    "Fait ; compte rendu transmis au référent.",
    "Entretien fait, suivi à poursuivre.",
]


def has_aci(cpts: Cpts) -> bool:
    return cpts.status == CptsStatus.ACI_SIGNED and not cpts.is_dissolved


def adherents(cpts: Cpts, profession: str, specialty: str = "") -> list[Membership]:
    rows = Membership.objects.for_cpts(cpts).filter(status=MembershipStatus.ACTIVE, professional__profession=profession)
    if specialty:
        rows = rows.filter(professional__specialty=specialty)
    return list(rows.select_related("professional").order_by("pk"))


def ins_matricule(sex: str, birth_date: datetime.date, place: str, rng: random.Random) -> str:
    """A NIR that agrees with the identity: sex, year, month, place of birth, order, key."""
    body = f"{'2' if sex == 'F' else '1'}{birth_date:%y%m}{place}{rng.randint(1, 999):03d}"
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02d}"


def identity(sex: str, ages: tuple[int, int], places: list[str], rng: random.Random, included_on) -> dict:
    """Of an age the programme admits on the day of inclusion."""
    first = rng.choice(FEMALE_FIRST_NAMES if sex == "F" else MALE_FIRST_NAMES)
    second = rng.choice(FEMALE_FIRST_NAMES if sex == "F" else MALE_FIRST_NAMES)
    birth_date = included_on - datetime.timedelta(days=rng.randint(*ages) * 365 + rng.randint(30, 330))
    place = rng.choice(places)
    fields = {
        "birth_name": rng.choice(LAST_NAMES),
        "given_names": f"{first} {second}" if second != first else first,
        "first_given_name": first,
        "sex": sex,
        "birth_date": birth_date,
        "birth_place_code": place,
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    }
    if rng.random() < QUALIFIED_SHARE:
        fields |= {
            "identity_qualification": InsStatus.QUALIFIED,
            "ins_number": ins_matricule(sex, birth_date, place, rng),
        }
    return fields


@transaction.atomic
def ensure_pathways(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date, member: User | None = None):
    """Two programmes and their inclusions; None when left alone (no ACI, or already there)."""
    if not has_aci(cpts) or Programme.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}:pathways:{cpts.slug}")
    places = sorted(TerritoryCommune.objects.current().for_cpts(cpts).values_list("commune__code", flat=True))
    gps = adherents(cpts, Profession.MEDECIN, Specialty.GENERAL_PRACTICE)
    if not places or not gps:
        return None
    midwives = adherents(cpts, Profession.SAGE_FEMME) or gps
    nurses = adherents(cpts, Profession.INFIRMIER)
    pharmacists = adherents(cpts, Profession.PHARMACIEN)
    own = next((gp for gp in gps if member and gp.professional.user_id == member.pk), None)
    included = 0
    for key, ages in PROGRAMMES.items():
        programme = services.create_from_template(cpts, key)
        set_reminders(programme, REMINDER_DAYS[key])
        for number in range(PATIENTS_PER_PROGRAMME):
            elderly = key == "elderly_home"
            sex = rng.choice("FFM") if elderly else "F"
            leads = gps if elderly else midwives
            lead = own if (own and elderly and number % 4 == 0) else rng.choice(leads)
            team = [{"membership": rng.choice(nurses), "role": "Infirmier à domicile"}] if nurses else []
            if elderly and pharmacists:
                team.append({"membership": rng.choice(pharmacists), "role": "Pharmacien"})
            if own and own != lead and number % 5 == 1:
                team.append({"membership": own, "role": "Médecin traitant"})
            if elderly and number % 3 == 0:
                carer = f"{rng.choice(FEMALE_FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                team.append({"name": carer, "relationship": Relationship.FAMILY_CARER, "contact": "07 81 22 40 15"})
            # The member's own patients are the latest included: their pages open first.
            ago = rng.randint(3, 9) if lead == own else rng.randint(10, 300 if elderly else 180)
            included_on = today - datetime.timedelta(days=ago)
            inclusion = services.include_patient(
                cpts,
                programme=programme,
                lead=lead,
                by=coordinator,
                team=[{**person, "starts_on": included_on} for person in team],
                included_on=included_on,
                consent_on=included_on,
                consent_mode=rng.choice(ConsentMode.values),
                **identity(sex, ages, places, rng, included_on),
                **reminder_consent(cpts, key, number),
            )
            included += 1
            if key == "pregnancy" and number == 3:  # « STOP » answered to a reminder
                stopped_on = included_on + datetime.timedelta(days=5)
                reminders.stop(Inclusion.objects.filter(pk=inclusion.pk), how="réponse STOP par SMS", on=stopped_on)
            do_past_work(inclusion, coordinator, rng, today)
            if elderly and (number % 2 == 0 or lead == own):
                write_plan(inclusion, coordinator, rng, today)
            draw = rng.random()
            if draw < CLOSED_SHARE + WITHDRAWN_SHARE and lead != own:
                reason = CloseReason.CONSENT_WITHDRAWN if draw < WITHDRAWN_SHARE else CloseReason.COMPLETED
                inclusion.close(by=coordinator, reason=reason, on=today)
    record_a_stay(cpts, coordinator, today)
    opened = breaks.scan(cpts, today)
    if opened:
        opened[0].resolve(by=coordinator, resolution="Appel au patient : rendez-vous pris, l'équipe est prévenue.")
    return {"programmes": len(PROGRAMMES), "inclusions": included, "breaks": len(opened)}


def set_reminders(programme, days: int) -> None:
    """A programme just made from its template, without inclusions yet: its version 1 changes."""
    for step in programme.steps.exclude(profession=""):
        step.reminder_days_before = days
        step.save(update_fields=["reminder_days_before"])


def reminder_consent(cpts, key: str, number: int) -> dict:
    """Every other patient agreed to reminders: one in two of them by e-mail, the others by SMS
    (the demo gives every patient a mobile number). Not drawn: the demo's draws stay as they were."""
    if number % 2 == 0:
        return {}
    if number % 4 == 1:
        return {"reminder_channel": ReminderChannel.EMAIL, "email": f"patient.{key}{number}.{cpts.slug}@demo.invalid"}
    return {"reminder_channel": ReminderChannel.SMS}


def do_past_work(inclusion, coordinator, rng, today) -> None:
    """The tasks already due: most done around their date with an outcome (a recurring one
    comes back and may be due again), about one in eight left late."""
    for _ in range(12):  # a recurring step comes back at most this many times here
        due = list(inclusion.care_tasks.open().filter(due_on__lt=today, stay__isnull=True).order_by("due_on", "pk"))
        if not due:
            return
        for task in due:
            if rng.random() < LATE_SHARE:
                continue
            done_on = min(today, task.due_on + datetime.timedelta(days=rng.randint(-3, 2)))
            care.complete_task(
                task, by=coordinator, outcome=rng.choice(OUTCOMES), on=max(done_on, inclusion.included_on)
            )
        if all(task.status == "todo" for task in due):
            return


def write_plan(inclusion, coordinator, rng, today) -> None:
    """A PPCS written three weeks after the inclusion; a few are past their reassessment."""
    plan = care.revise_plan(
        inclusion,
        by=coordinator,
        next_review_on=today + datetime.timedelta(days=rng.randint(30, 150)),
        assessment={"health": "Polypathologie, chutes", "autonomy": "Aide pour la toilette", "social": "Vit seul"},
        problems="Risque de chute ; traitements nombreux ; isolement.",
        goals="Rester à domicile en sécurité ; éviter une hospitalisation.",
        actions=[
            {"kind": "care", "description": "Passage infirmier deux fois par semaine", "owner": "Infirmier"},
            {"kind": "prevention", "description": "Aménagement de la salle de bain", "owner": "Ergothérapeute"},
            {"kind": "social", "description": "Demande d'APA", "owner": "Assistante sociale du département"},
        ],
    )
    written = inclusion.included_on + datetime.timedelta(days=21)
    review = written + datetime.timedelta(days=rng.choice([90, 120, 180]))
    # Dated when it was written (the service dates a plan today).
    type(plan).objects.filter(pk=plan.pk).update(
        written_at=timezone.make_aware(datetime.datetime.combine(min(written, today), datetime.time(10))),
        next_review_on=max(review, today + datetime.timedelta(days=7))
        if rng.random() > MISSED_REVIEW_SHARE
        else review,
    )


def record_a_stay(cpts, coordinator, today) -> None:
    """An elderly patient back from hospital twelve days ago, not yet seen in town."""
    inclusion = (
        Inclusion.objects.for_cpts(cpts).active().filter(programme__template="elderly_home").order_by("pk").first()
    )
    if inclusion is not None:
        care.record_stay(
            inclusion,
            by=coordinator,
            admitted_on=today - datetime.timedelta(days=18),
            discharged_on=today - datetime.timedelta(days=12),
        )
