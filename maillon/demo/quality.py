"""Quality and relevance of care (mission 5) of each demo CPTS at « ACI signé » whose pathways
have patients: a case conference held ten days ago on an elderly patient
included in a pathway (asked for by the patient's lead — the demo member account where it
belongs), its record written through `maillon.quality.services.record_conference` so its
decisions went into a new version of the patient's PPCS (one done on time, one late, one to
come); a conference asked for three days ago on a pregnancy, waiting to be prepared; a case
outside the pathways whose date is being polled. Two reviews of adverse events: one in
analysis with its referent, the other with its improvement actions decided (one done, one
late) and its anonymised summary shared. A practice-analysis group with its members and two
sessions: one held on the conference's case, its attendance recorded through
`maillon.meetings.services.record_attendance` (the time it counts), one to come on the review.

Texts name no patient and no professional (`quality.models.refuse_identifying_text` refuses
them: the conference goes to a patient whose names none of its texts holds). Nothing is sent:
the meetings are written through the models and the workflow, not through the services that
e-mail the invitees (as maillon/demo/meetings.py does).

Deterministic (seeded by the demo seed and the CPTS), dated relative to `today`, idempotent:
a CPTS that already has a conference is left alone.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsStatus, User
from maillon.meetings import services as meeting_services
from maillon.meetings.models import Meeting, MeetingSlot
from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.pathways.models import Inclusion
from maillon.quality import services
from maillon.quality.models import (
    CaseConference,
    EventCategory,
    GroupSession,
    ImprovementAction,
    IncidentReview,
    PracticeGroup,
    refuse_identifying_text,
)

MISSION = Mission.QUALITY
MSP = "Maison de santé pluriprofessionnelle, salle de réunion"

HELD_CASE = {
    "context": (
        "Femme de plus de 80 ans, vit seule à domicile, diabète de type 2 et insuffisance cardiaque, "
        "trois chutes en six mois dont une suivie d'une hospitalisation de cinq jours ; douze médicaments "
        "par jour, une aide à domicile le matin."
    ),
    "question": (
        "Comment éviter une nouvelle hospitalisation : faut-il simplifier le traitement et adapter le "
        "logement, et qui coordonne le retour après une chute ?"
    ),
}
HELD_CONCLUSIONS = (
    "La chute récente tient surtout à une hypotension orthostatique favorisée par le traitement. "
    "L'équipe convient de réviser l'ordonnance, de faire évaluer le logement et de renforcer le passage "
    "infirmier pendant un mois ; le médecin traitant reste le coordonnateur du retour à domicile."
)
# (what is decided, whose it is (a profession), days after the conference it is due, days it took).
HELD_DECISIONS = [
    ("Révision de l'ordonnance avec le pharmacien (bilan partagé de médication)", Profession.PHARMACIEN, 7, 5),
    ("Passage infirmier quotidien un mois, avec prise de tension couchée et debout", Profession.INFIRMIER, 5, None),
    ("Visite à domicile de l'ergothérapeute et devis d'aménagement de la salle de bain", Profession.MEDECIN, 40, None),
]
REQUESTED_CASE = {
    "context": (
        "Femme de 34 ans, deuxième grossesse, 24 semaines d'aménorrhée, diabète gestationnel mal équilibré "
        "malgré le régime ; vit à vingt kilomètres de la maternité, sans voiture."
    ),
    "question": "Faut-il débuter l'insuline en ville, et comment organiser le suivi glycémique à distance ?",
}
POLLED_CASE = {
    "context": (
        "Homme de 58 ans, sans médecin traitant depuis un départ en retraite, BPCO sévère, deux passages aux "
        "urgences cet hiver ; fume encore, vit avec son épouse."
    ),
    "question": (
        "Quel médecin traitant et quel suivi proposer, et comment organiser la réhabilitation respiratoire "
        "sur le territoire ?"
    ),
}

IN_ANALYSIS = {
    "title": "Résultat de biologie critique transmis au mauvais cabinet",
    "category": EventCategory.NEAR_MISS,
    "consequence": "none",
    "description": (
        "Une kaliémie très élevée a été téléphonée par le laboratoire à un cabinet fermé le samedi ; "
        "l'infirmière l'a découverte le lundi sur le serveur de résultats et a prévenu le médecin, qui a "
        "adapté le traitement le jour même."
    ),
}
IN_ANALYSIS_ANALYSIS = {
    "facts": (
        "Samedi 11 h : résultat critique, appel du laboratoire au cabinet fermé. Lundi 8 h : l'infirmière "
        "voit le résultat. Lundi 10 h : le médecin adapte le traitement."
    ),
    "causes": {"organisation": "Aucun numéro de permanence transmis au laboratoire pour le week-end."},
}
WITH_ACTIONS = {
    "title": "Sortie d'hospitalisation sans compte rendu ni ordonnance transmis en ville",
    "category": EventCategory.CARE_BREAK,
    "consequence": "minor",
    "description": (
        "Un patient est rentré à domicile un vendredi soir ; ni le médecin traitant, ni l'infirmière, ni la "
        "pharmacie n'avaient reçu le compte rendu ni la nouvelle ordonnance. Le traitement habituel a été "
        "repris trois jours de plus, un anticoagulant arrêté à l'hôpital compris."
    ),
}
WITH_ACTIONS_ANALYSIS = {
    "facts": (
        "Vendredi 18 h : sortie. Lundi : l'infirmière découvre une ordonnance différente dans le sac du patient. "
        "Lundi 14 h : le médecin traitant reçoit le compte rendu par courrier."
    ),
    "causes": {
        "team": "Le service ne connaissait ni le médecin traitant ni l'infirmière ; pas de messagerie sécurisée.",
        "organisation": "Sorties du vendredi soir sans appel à la ville ; pas de fiche de liaison.",
        "patient": "Le patient pensait que l'hôpital avait prévenu son médecin.",
    },
    "protective_factors": "La vigilance de l'infirmière au premier passage après la sortie.",
    "lessons": (
        "Une sortie se prépare avec la ville : un appel ou un message sécurisé au médecin traitant la veille, "
        "et l'ordonnance de sortie envoyée à la pharmacie."
    ),
}
WITH_ACTIONS_SUMMARY = (
    "Une sortie d'hospitalisation du vendredi soir sans transmission en ville : l'ancien traitement a été "
    "repris trois jours. La CPTS a convenu avec le service d'une fiche de liaison et d'un message sécurisé au "
    "médecin traitant avant chaque sortie ; les adhérents peuvent signaler toute sortie sans transmission."
)
# (what is decided, whose it is (a profession), days ago it was due, days ago it was done or None).
IMPROVEMENT_ACTIONS = [
    ("Convenir d'une fiche de liaison de sortie avec le service de médecine", Profession.MEDECIN, 20, 24),
    ("Transmettre au service la liste des infirmiers et pharmacies du territoire", Profession.INFIRMIER, 6, None),
]

GROUP = {
    "name": "Groupe d'analyse des pratiques — personnes âgées à domicile",
    "themes": "Chutes, iatrogénie médicamenteuse, retour d'hospitalisation",
    "description": (
        "Médecins, infirmiers, pharmaciens et kinésithérapeutes se retrouvent toutes les six semaines "
        "autour d'un cas présenté sans nom ou d'une revue d'événement partagée."
    ),
}
GROUP_SIZE = 8
HELD_SESSION_THEME = "Chutes à répétition et traitements hypotenseurs"
NEXT_SESSION_THEME = "Les sorties d'hospitalisation sans transmission"


def has_aci(cpts: Cpts) -> bool:
    """At « ACI signé », as the pathways the conferences build on (mission 5 is optional in the
    contract: a CPTS may run its conferences before it is funded for them)."""
    return cpts.status == CptsStatus.ACI_SIGNED and not cpts.is_dissolved


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def weekday(day: datetime.date) -> datetime.date:
    """The day, or the Monday after it: members meet on working days."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def adherents(cpts: Cpts) -> list[Membership]:
    return list(meeting_services.invitable_memberships(cpts).select_related("professional").order_by("pk"))


def of_profession(people, profession, rng, default=None):
    found = [membership for membership in people if membership.professional.profession == profession]
    return rng.choice(found) if found else default


def patient_for(cpts: Cpts, template: str, texts: dict, own=None) -> Inclusion | None:
    """An active patient of the programme `template` whose names none of `texts` holds: the
    member's own patients first, then those with a PPCS to carry the decisions into."""
    candidates = list(Inclusion.objects.for_cpts(cpts).active().filter(programme__template=template).order_by("pk"))
    with_plan = set(
        Inclusion.objects.filter(pk__in=[c.pk for c in candidates], plans__isnull=False).values_list("pk", flat=True)
    )
    candidates.sort(key=lambda inclusion: (own is None or inclusion.lead_id != own.pk, inclusion.pk not in with_plan))
    for inclusion in candidates:
        names = inclusion.name_words
        try:
            refuse_identifying_text({key: (key, text) for key, text in texts.items()}, names=names)
        except ValidationError:
            continue
        return inclusion
    return None


def meeting_for(cpts, coordinator, *, title, days, hour, invited, today, visio=False) -> Meeting:
    """A mission 5 meeting in poll state, its proposed dates and its invitations (no e-mail)."""
    meeting = Meeting.objects.create(
        cpts=cpts,
        title=title[:200],
        mission=MISSION,
        place=MSP,
        visio_url=f"https://visio.{cpts.slug}.example.org/qualite" if visio else "",
        created_by=coordinator,
    )
    for offset in days:
        start = at(weekday(today + datetime.timedelta(days=offset)), *hour)
        MeetingSlot.objects.create(meeting=meeting, starts_at=start, ends_at=start + datetime.timedelta(minutes=90))
    for membership in invited:
        meeting.invitations.create(membership=membership)
    return meeting


def hold(meeting, coordinator, present) -> None:
    """The first date fixed, then the attendance noted (`record_attendance`: the meeting held,
    one validated time entry per member present)."""
    slot = meeting.slots.order_by("starts_at").first()
    meeting.workflow.run(
        meeting, "schedule", by=coordinator, changes={"starts_at": slot.starts_at, "ends_at": slot.ends_at}
    )
    meeting_services.record_attendance(meeting=meeting, present_ids=[m.pk for m in present], by=coordinator)


def backdate(model, pk, **fields):
    """The services date what they write today; the demo tells a story over weeks."""
    model.objects.filter(pk=pk).update(**fields)


@transaction.atomic
def ensure_quality(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date, member: User | None = None):
    """Conferences, reviews and a group; None when left alone (no ACI, no patient, or already there)."""
    if not has_aci(cpts) or CaseConference.objects.for_cpts(cpts).exists():
        return None
    rng = random.Random(f"{seed}:quality:{cpts.slug}")
    people = adherents(cpts)
    own = next((m for m in people if member and m.professional.user_id == member.pk), None)
    gps = [m for m in people if m.professional.profession == Profession.MEDECIN]
    decided = {f"decision{n}": row[0] for n, row in enumerate(HELD_DECISIONS)}
    held_texts = {**HELD_CASE, "conclusions": HELD_CONCLUSIONS, **decided}
    inclusion = patient_for(cpts, "elderly_home", held_texts, own)
    if inclusion is None or len(people) < GROUP_SIZE or not gps:
        return None
    lead_user = inclusion.lead.professional.user if inclusion.lead.professional else None
    requester = lead_user or coordinator
    held = held_conference(cpts, coordinator, requester, inclusion, people, own, rng, today)
    expecting = patient_for(cpts, "pregnancy", REQUESTED_CASE)
    requested = services.request_conference(cpts, by=coordinator, **REQUESTED_CASE, inclusion=expecting)
    backdate(CaseConference, requested.pk, requested_at=at(today - datetime.timedelta(days=3), 9, 15))
    polled = services.request_conference(cpts, by=own.professional.user if own else coordinator, **POLLED_CASE)
    backdate(CaseConference, polled.pk, requested_at=at(today - datetime.timedelta(days=9), 18, 40))
    first = own or gps[0]
    invited = [first, *rng.sample([m for m in people if m != first], 4)]
    meeting = meeting_for(
        cpts,
        coordinator,
        title=services.conference_title(polled),
        days=(8, 10, 15),
        hour=(19, 30),
        invited=invited,
        today=today,
        visio=True,
    )
    polled.schedule(meeting=meeting, by=coordinator)
    analysing, shared = reviews(cpts, coordinator, people, own, gps, rng, today)
    group = practice_group(cpts, coordinator, people, own, gps, rng, today, held, shared)
    return {"conferences": 3, "reviews": 2, "group": group.pk, "analysis": analysing.pk}


def held_conference(cpts, coordinator, requester, inclusion, people, own, rng, today) -> CaseConference:
    """Asked for by the patient's lead 24 days ago, polled, held 10 days ago with its record."""
    asked = today - datetime.timedelta(days=24)
    conference = services.request_conference(cpts, by=requester, **HELD_CASE, inclusion=inclusion)
    backdate(CaseConference, conference.pk, requested_at=at(asked, 12, 10))
    team = [member.membership for member in inclusion.care_team.filter(membership__isnull=False)]
    others = [m for m in people if m not in team and m.pk != inclusion.lead_id]
    invited = list(dict.fromkeys([inclusion.lead, *team, *rng.sample(others, min(3, len(others)))]))
    meeting = meeting_for(
        cpts,
        coordinator,
        title=services.conference_title(conference),
        days=(-10, -8),
        hour=(20, 0),
        invited=invited,
        today=today,
    )
    conference.schedule(meeting=meeting, by=coordinator)
    hold(meeting, coordinator, [m for index, m in enumerate(invited) if index != len(invited) - 1])
    held_on = timezone.localtime(meeting.starts_at).date()
    decisions = []
    for description, profession, due_after, _ in HELD_DECISIONS:
        owner = of_profession(team or people, profession, rng) or of_profession(people, profession, rng)
        if profession == Profession.MEDECIN:
            owner = inclusion.lead
        decisions.append(
            {
                "description": description,
                "owner": owner or inclusion.lead,
                "due_on": max(held_on + datetime.timedelta(days=due_after), held_on),
            }
        )
    services.record_conference(
        conference, by=coordinator, conclusions=HELD_CONCLUSIONS, held_on=held_on, decisions=decisions
    )
    conference.refresh_from_db()
    for row, (_, _, _, took) in zip(conference.decisions.order_by("pk"), HELD_DECISIONS, strict=True):
        if took is not None:
            done_on = held_on + datetime.timedelta(days=took)
            row.complete(by=coordinator, outcome="Fait ; compte rendu transmis à l'équipe.", on=done_on)
    return conference


def reviews(cpts, coordinator, people, own, gps, rng, today):
    reporter = own.professional.user if own else coordinator
    # In analysis: reported twelve days ago, a general practitioner with an account is the referent.
    analysing = services.report_event(cpts, by=reporter, occurred_on=today - datetime.timedelta(days=16), **IN_ANALYSIS)
    backdate(IncidentReview, analysing.pk, reported_at=at(today - datetime.timedelta(days=12), 8, 50))
    referent = own.professional.user if own else coordinator
    services.start_analysis(analysing, referent=referent, by=coordinator)
    services.save_analysis(analysing, by=referent, **IN_ANALYSIS_ANALYSIS)
    # Actions decided: reported two months ago, analysed by the coordination, shared.
    shared = services.report_event(
        cpts, by=coordinator, occurred_on=today - datetime.timedelta(days=63), **WITH_ACTIONS
    )
    backdate(IncidentReview, shared.pk, reported_at=at(today - datetime.timedelta(days=61), 17, 5))
    services.start_analysis(shared, referent=coordinator, by=coordinator)
    services.save_analysis(shared, by=coordinator, **WITH_ACTIONS_ANALYSIS)
    decided = today - datetime.timedelta(days=45)
    for description, profession, due_ago, done_ago in IMPROVEMENT_ACTIONS:
        owner = of_profession(people, profession, rng, default=gps[0])
        action = services.add_improvement_action(
            shared, by=coordinator, description=description, owner=owner, due_on=today
        )
        backdate(
            ImprovementAction,
            action.pk,
            due_on=today - datetime.timedelta(days=due_ago),
            created_at=at(decided, 18),
        )
        if done_ago is not None:
            action.refresh_from_db()
            action.complete(
                by=coordinator,
                outcome="Fiche de liaison convenue et diffusée au service.",
                on=today - datetime.timedelta(days=done_ago),
            )
    shared.refresh_from_db()
    shared.decide(by=coordinator)
    shared.share(summary=WITH_ACTIONS_SUMMARY, by=coordinator)
    backdate(IncidentReview, shared.pk, shared_at=at(decided + datetime.timedelta(days=2), 10))
    return analysing, shared


def practice_group(cpts, coordinator, people, own, gps, rng, today, conference, review) -> PracticeGroup:
    """The group, its held session on the conference's case and the next one on the review."""
    facilitator = own or gps[0]
    others = [m for m in people if m != facilitator]
    members = [facilitator, *rng.sample(others, GROUP_SIZE - 1)]
    group = PracticeGroup(cpts=cpts, facilitator=facilitator, **GROUP)
    services.save_group(group, members=members)
    backdate(PracticeGroup, group.pk, created_at=at(today - datetime.timedelta(days=120), 9))
    past = meeting_for(
        cpts,
        coordinator,
        title=f"{group.name} — {HELD_SESSION_THEME}",
        days=(-6,),
        hour=(20, 30),
        invited=members,
        today=today,
    )
    hold(past, coordinator, members[:-2])
    session = GroupSession(cpts=cpts, group=group, meeting=past, theme=HELD_SESSION_THEME, conference=conference)
    session.notes = (
        "Relecture du cas : les hypotenseurs et les chutes ; chacun repart avec la fiche de la HAS sur la "
        "prévention des chutes et un rappel de la prise de tension debout."
    )
    session.full_clean()
    session.save()
    upcoming = meeting_for(
        cpts,
        coordinator,
        title=f"{group.name} — {NEXT_SESSION_THEME}",
        days=(20, 22, 27),
        hour=(20, 30),
        invited=members,
        today=today,
    )
    coming = GroupSession(cpts=cpts, group=group, meeting=upcoming, theme=NEXT_SESSION_THEME, review=review)
    coming.full_clean()
    coming.save()
    return group
