"""What waits for a role: counts with the page that deals with them.

Every count goes through the apps' policies (`visible_…`), so a home never counts what its
role could not open. Counts only: no name, so nothing to journal.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import policies as contract_policies
from maillon.contracts.models import DueState, ManagementReport, ReportStatus
from maillon.contracts.report import can_send, last_version
from maillon.contracts.selectors import current_contract, warnings
from maillon.core.policies import is_coordinator
from maillon.creation import policies as creation_policies
from maillon.creation import services as creation_services
from maillon.creation.models import LetterStatus, ProjectStatus
from maillon.crisis import policies as crisis_policies
from maillon.crisis.facts import plan_warnings
from maillon.crisis.models import PlanStatus, PlanVersion
from maillon.discussions.models import (
    DiscussionSpace,
    ParticipantRole,
    ParticipantStatus,
    SignupStatus,
    SpaceKind,
)
from maillon.discussions.selectors import unread_mentions
from maillon.meetings import policies as meeting_policies
from maillon.meetings.models import MeetingStatus, TimeState
from maillon.members import policies as member_policies
from maillon.members.models import MembershipStatus
from maillon.mt import policies as mt_policies
from maillon.mt.models import PatientStatus, ProposalStatus
from maillon.pathways import policies as pathway_policies
from maillon.pathways.models import BreakStatus
from maillon.prevention import policies as prevention_policies
from maillon.prevention.models import RegistrationStatus
from maillon.quality import policies as quality_policies
from maillon.quality.models import ReviewStatus
from maillon.snp import policies as snp_policies
from maillon.snp.models import OPEN_REQUEST_STATUSES, Booking, RequestStatus, SlotStatus
from maillon.support import policies as support_policies
from maillon.support.models import AdStatus, InstallationStatus

from ..quality_views.home import open_and_late

# Mission 6: an open installation project counts among the coordination's work once the date the
# professional wishes to settle on is this close (or past).
INSTALLATION_HORIZON_DAYS = 60
# Mission 6: a member's equipment bookings counted on their home, this many days ahead.
EQUIPMENT_HORIZON_DAYS = 7
INSTALLATIONS_SOON = f"Projets d'installation en cours, installation souhaitée d'ici {INSTALLATION_HORIZON_DAYS} jours"
MY_EQUIPMENT_BOOKINGS = f"Réservations de matériel à mon nom dans les {EQUIPMENT_HORIZON_DAYS} jours"

# The label of one thing (French says « 0 demande » too): the lines below are written for several.
SINGULAR = {
    "Demandes d'adhésion à décider": "Demande d'adhésion à décider",
    "Patients en attente d'un médecin traitant": "Patient en attente d'un médecin traitant",
    "Propositions sans réponse du médecin": "Proposition sans réponse du médecin",
    "Demandes de soins non programmés à placer": "Demande de soins non programmés à placer",
    "Demandes envoyées aux volontaires de garde": "Demande envoyée aux volontaires de garde",
    "Demandes remontées à la coordination": "Demande remontée à la coordination",
    "Temps déclarés à valider": "Temps déclaré à valider",
    "Propositions de patients à accepter ou refuser": "Proposition de patient à accepter ou refuser",
    "Créneaux à venir dans mes agendas": "Créneau à venir dans mes agendas",
    "Rendez-vous SNP à venir": "Rendez-vous SNP à venir",
    "Appels de garde sans réponse": "Appel de garde sans réponse",
    "Temps déclarés par moi, en attente de validation": "Temps déclaré par moi, en attente de validation",
    "Temps déclarés par moi et refusés": "Temps déclaré par moi et refusé",
    "Sondages de dates de réunion en cours": "Sondage de dates de réunion en cours",
    "Ruptures de parcours à traiter": "Rupture de parcours à traiter",
    "Tâches de soins à faire": "Tâche de soins à faire",
    "Tâches de soins en retard": "Tâche de soins en retard",
    "Ruptures de parcours de mes patients": "Rupture de parcours de mes patients",
    "Séances de prévention à venir": "Séance de prévention à venir",
    "Inscriptions aux séances de prévention à venir": "Inscription aux séances de prévention à venir",
    "Séances à venir de mes actions de prévention": "Séance à venir de mes actions de prévention",
    "Mentions non lues dans les discussions": "Mention non lue dans les discussions",
    "Concertations à préparer": "Concertation à préparer",
    "Événements indésirables déclarés, référent à nommer": "Événement indésirable déclaré, référent à nommer",
    "Revues d'événements indésirables en analyse": "Revue d'événement indésirable en analyse",
    "Décisions de concertation en retard": "Décision de concertation en retard",
    "Actions d'amélioration en retard": "Action d'amélioration en retard",
    "Décisions de concertation qui me sont confiées, à réaliser": (
        "Décision de concertation qui m'est confiée, à réaliser"
    ),
    "Décisions de concertation qui me sont confiées, en retard": (
        "Décision de concertation qui m'est confiée, en retard"
    ),
    "Actions d'amélioration qui me sont confiées, à réaliser": "Action d'amélioration qui m'est confiée, à réaliser",
    "Actions d'amélioration qui me sont confiées, en retard": "Action d'amélioration qui m'est confiée, en retard",
    "Revues d'événements indésirables dont je suis référent, en analyse": (
        "Revue d'événement indésirable dont je suis référent, en analyse"
    ),
    "Candidatures aux stages à examiner": "Candidature aux stages à examiner",
    "Annonces à modérer": "Annonce à modérer",
    INSTALLATIONS_SOON: INSTALLATIONS_SOON.replace("Projets", "Projet", 1),
    "Candidatures aux stages que j'encadre, à examiner": "Candidature aux stages que j'encadre, à examiner",
    "Annonces déposées par moi, en attente de modération": "Annonce déposée par moi, en attente de modération",
    "Annonces déposées par moi et refusées, motif à lire": "Annonce déposée par moi et refusée, motif à lire",
    MY_EQUIPMENT_BOOKINGS: MY_EQUIPMENT_BOOKINGS.replace("Réservations", "Réservation", 1),
}


@dataclass(frozen=True)
class Waiting:
    """One line of « À traiter »: `count` things behind `url` (None: one due date, said by the
    label). `urgent`: overdue, or someone waits for an answer now."""

    label: str
    count: int | None
    url: str
    urgent: bool = False

    @property
    def text(self) -> str:
        """The label, agreed with the count, and in lower case after it (« 2 demandes … »)."""
        if self.count is None:
            return self.label
        text = SINGULAR.get(self.label, self.label) if self.count < 2 else self.label
        return text[0].lower() + text[1:]

    @property
    def pending(self) -> bool:
        return self.count is None or self.count > 0


def url(name, cpts, query="", **kwargs):
    address = reverse(name, kwargs={"cpts_slug": cpts.slug, **kwargs})
    return f"{address}?{query}" if query else address


# --- CPTS roles --------------------------------------------------------------------------------


def coordinator_items(user, cpts, today=None) -> list[Waiting]:
    """The coordination's work: adhesions, the MT desk, SNP requests, time to validate, ACI due dates."""
    memberships = member_policies.visible_memberships(user, cpts)
    patients = mt_policies.visible_patients(user, cpts)
    proposals = mt_policies.visible_proposals(user, cpts)
    # The three states of a request still to place, in one query.
    requests = snp_policies.visible_requests(user, cpts).aggregate(
        open=Count("pk", filter=Q(status=RequestStatus.OPEN)),
        on_duty=Count("pk", filter=Q(status=RequestStatus.ON_DUTY_LIST)),
        escalated=Count("pk", filter=Q(status=RequestStatus.ESCALATED)),
    )
    entries = meeting_policies.visible_time_entries(user, cpts)
    items = [
        Waiting(
            "Demandes d'adhésion à décider",
            memberships.filter(status=MembershipStatus.REQUESTED).count(),
            url("members_list", cpts, "etat=demandes"),
        ),
        Waiting(
            "Patients en attente d'un médecin traitant",
            patients.filter(status=PatientStatus.WAITING).count(),
            url("mt_queue", cpts),
        ),
        Waiting(
            "Propositions sans réponse du médecin",
            proposals.filter(status=ProposalStatus.PROPOSED).count(),
            url("mt_proposals", cpts, f"etat={ProposalStatus.PROPOSED}"),
        ),
        Waiting(
            "Demandes de soins non programmés à placer",
            requests["open"],
            url("snp_requests", cpts),
        ),
        Waiting(
            "Demandes envoyées aux volontaires de garde",
            requests["on_duty"],
            url("snp_requests", cpts),
        ),
        Waiting(
            "Demandes remontées à la coordination",
            requests["escalated"],
            url("snp_requests", cpts),
            urgent=True,
        ),
        Waiting(
            "Temps déclarés à valider",
            entries.filter(state=TimeState.DECLARED).count(),
            url("meetings_time", cpts),
        ),
        Waiting(
            "Ruptures de parcours à traiter",
            pathway_policies.visible_breaks(user, cpts).filter(status=BreakStatus.OPEN).count(),
            url("pathways_breaks", cpts),
        ),
    ]
    return (
        items
        + creation_items(user, cpts)
        + mention_items(user)
        + signup_items(user)
        + prevention_items(user, cpts)
        + quality_items(user, cpts, today)
        + support_items(user, cpts, today)
        + aci_items(user, cpts, today)
    )


def creation_items(user, cpts) -> list[Waiting]:
    """A projet de santé sent back by the ARS or the Assurance Maladie, with no new version yet."""
    if not creation_policies.can_write_project(user, cpts):
        return []
    latest = creation_services.latest_version(cpts)
    if latest is None or latest.status != ProjectStatus.RETURNED:
        return []
    # A count, not a due date: « 1 projet de santé renvoyé… » (a None count reads « en retard »).
    label = f"Projet de santé renvoyé avec des remarques (version {latest.number}), à reprendre"
    return [Waiting(label, 1, url("creation_project", cpts))]


def mention_items(user) -> list[Waiting]:
    """The mentions of the person not read yet, in the discussion spaces they read (of every CPTS
    and group: the page of mentions lists them all)."""
    unread = unread_mentions(user).count()
    return [Waiting("Mentions non lues dans les discussions", unread, reverse("discussions_mentions"))]


def signup_items(user) -> list[Waiting]:
    """The sign-ups waiting in the regional groups whose pilot team the person is in, group by
    group (one query; nothing for someone in no pilot team)."""
    groups = (
        DiscussionSpace.objects.filter(
            kind=SpaceKind.REGIONAL_GROUP,
            archived_at__isnull=True,
            participants__user=user,
            participants__role=ParticipantRole.PILOT,
            participants__status=ParticipantStatus.ACTIVE,
        )
        .annotate(pending=Count("signup_requests", filter=Q(signup_requests__status=SignupStatus.PENDING)))
        .filter(pending__gt=0)
        .order_by("name", "pk")
    )
    return [
        Waiting(
            f"{'Demandes' if group.pending > 1 else 'Demande'} d'inscription à « {group.name} »",
            group.pending,
            reverse("discussions_signups", args=[group.pk]),
        )
        for group in groups
    ]


def prevention_items(user, cpts) -> list[Waiting]:
    """The prevention sessions to come and the people registered for them (confirmed or waiting),
    in one query."""
    if not prevention_policies.can_see_prevention(user, cpts):
        return []
    upcoming = prevention_policies.visible_sessions(user, cpts).upcoming()
    counts = upcoming.aggregate(
        sessions=Count("pk", distinct=True),
        registrations=Count(
            "registrations",
            filter=Q(registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]),
        ),
    )
    home = url("prevention_home", cpts)
    return [
        Waiting("Séances de prévention à venir", counts["sessions"], home),
        Waiting("Inscriptions aux séances de prévention à venir", counts["registrations"], home),
    ]


def quality_items(user, cpts, today=None) -> list[Waiting]:
    """Mission 5: the conferences to prepare (asked for, or programmed and not recorded), the
    events reported (a referent to name) and the reviews in analysis, the decisions and the
    improvement actions late (four queries)."""
    if not quality_policies.can_use_quality(user, cpts):
        return []
    today = today or timezone.localdate()
    conferences = quality_policies.visible_conferences(user, cpts).to_prepare().count()
    reviews = quality_policies.reviews_read_whole(user, cpts).aggregate(
        reported=Count("pk", filter=Q(status=ReviewStatus.REPORTED)),
        analysis=Count("pk", filter=Q(status=ReviewStatus.ANALYSIS)),
    )
    decisions = quality_policies.visible_decisions(user, cpts).late_on(today).count()
    actions = quality_policies.visible_improvement_actions(user, cpts).late_on(today).count()
    return [
        Waiting("Concertations à préparer", conferences, url("quality_conferences", cpts)),
        Waiting(
            "Événements indésirables déclarés, référent à nommer",
            reviews["reported"],
            url("quality_reviews", cpts, f"etat={ReviewStatus.REPORTED}"),
        ),
        Waiting(
            "Revues d'événements indésirables en analyse",
            reviews["analysis"],
            url("quality_reviews", cpts, f"etat={ReviewStatus.ANALYSIS}"),
        ),
        Waiting(
            "Décisions de concertation en retard",
            decisions,
            url("quality_actions", cpts, "source=concertations&retard=1"),
            urgent=True,
        ),
        Waiting(
            "Actions d'amélioration en retard",
            actions,
            url("quality_actions", cpts, "source=revues&retard=1"),
            urgent=True,
        ),
    ]


def support_items(user, cpts, today=None) -> list[Waiting]:
    """Mission 6, what the coordination must act on: the applications to the placements (and the
    spontaneous ones) received and not decided, the members' ads waiting for moderation, the open
    installation projects whose wished date is within 60 days or past (three queries)."""
    if not support_policies.can_use_support(user, cpts):
        return []
    today = today or timezone.localdate()
    applications = support_policies.visible_applications(user, cpts).received().count()
    items = [Waiting("Candidatures aux stages à examiner", applications, url("application_list", cpts))]
    if support_policies.can_manage_support(user, cpts):  # a dissolved CPTS moderates nothing
        ads = support_policies.visible_ads(user, cpts).to_moderate().count()
        items.append(Waiting("Annonces à modérer", ads, url("ad_list", cpts)))
    horizon = today + datetime.timedelta(days=INSTALLATION_HORIZON_DAYS)
    installations = (
        support_policies.visible_installations(user, cpts)
        .filter(status=InstallationStatus.OPEN, wished_on__lte=horizon)
        .count()
    )
    items.append(Waiting(INSTALLATIONS_SOON, installations, url("installation_list", cpts)))
    return items


def aci_items(user, cpts, today=None) -> list[Waiting]:
    """Mission due dates, the dialogue de gestion report to send, the crisis plan to update."""
    if not contract_policies.can_read_contract(user, cpts):
        return []
    today = today or timezone.localdate()
    contract = current_contract(cpts, today)
    items = []
    if contract is not None:
        for warning in warnings(contract, today):
            items.append(Waiting(warning.message, None, url("contracts_overview", cpts), warning.level == "overdue"))
        if (contract_year := report_to_send(contract, today)) is not None:
            label = f"Rapport du dialogue de gestion de l'année {contract_year} à envoyer"
            items.append(Waiting(label, None, url("contracts_report", cpts, year=contract_year)))
    if crisis_policies.can_read_plan(user, cpts):
        for item in plan_warnings(cpts, today):
            urgent = item.deadline.state == DueState.OVERDUE
            items.append(Waiting(item.message, None, url("crisis_plan", cpts), urgent))
    return items


def report_to_send(contract, today: datetime.date) -> int | None:
    """The last contract year that ended (or ends within a month), when its report was not sent
    or came back with remarks. An earlier year left unsent is history by then: not flagged."""
    soon = today + datetime.timedelta(days=31)
    due = [year.number for year in contract.years() if year.starts_on <= today and year.ends_on <= soon]
    return due[-1] if due and can_send(last_version(contract, due[-1])) else None


def member_items(user, cpts) -> list[Waiting]:
    """A member's own work: proposals to answer, slots and appointments, duty calls, time entries, polls."""
    now = timezone.now()
    professional = getattr(user, "professional", None)
    items = []
    if professional is not None and mt_policies.can_use_desk(user, cpts):
        mine = mt_policies.visible_proposals(user, cpts).filter(offer__doctor=professional)
        items.append(
            Waiting(
                "Propositions de patients à accepter ou refuser",
                mine.filter(status=ProposalStatus.PROPOSED).count(),
                url("mt_offer", cpts),
            )
        )
    if professional is not None and snp_policies.can_use_slots(user, cpts):
        # Their own: a coordinator sees every slot and every entry, but counts here only theirs.
        slots = (
            snp_policies.visible_slots(user, cpts)
            .filter(professional=professional, start__gte=now)
            .exclude(status=SlotStatus.CANCELLED)
        )
        bookings = Booking.objects.for_cpts(cpts).live().filter(professional=professional, appointment_at__gte=now)
        items += [
            Waiting("Créneaux à venir dans mes agendas", slots.count(), url("snp_slots", cpts)),
            Waiting("Rendez-vous SNP à venir", bookings.count(), url("snp_request_appointments", cpts)),
        ]
    calls = snp_policies.visible_duty_calls(user, cpts)
    if snp_policies.can_use_duty_list(user, cpts):
        items.append(Waiting("Appels de garde sans réponse", calls.count(), url("snp_request_duty", cpts), True))
    if meeting_policies.can_declare_time(user, cpts):
        # Their entries waiting for validation and those refused, in one query.
        entries = (
            meeting_policies.visible_time_entries(user, cpts)
            .filter(membership=meeting_policies.own_membership(user, cpts))
            .aggregate(
                declared=Count("pk", filter=Q(state=TimeState.DECLARED)),
                rejected=Count("pk", filter=Q(state=TimeState.REJECTED)),
            )
        )
        time_page = url("meetings_time", cpts)
        items += [
            Waiting("Temps déclarés par moi, en attente de validation", entries["declared"], time_page),
            Waiting("Temps déclarés par moi et refusés", entries["rejected"], time_page),
        ]
    if meeting_policies.can_use_meetings(user, cpts):
        polls = meeting_policies.visible_meetings(user, cpts).filter(status=MeetingStatus.POLL)
        items.append(Waiting("Sondages de dates de réunion en cours", polls.count(), url("meetings_list", cpts)))
    if not is_coordinator(user, cpts):  # a coordinator counts them among the coordination's work
        items += mention_items(user) + signup_items(user)
    return (
        items
        + pathway_items(user, cpts)
        + led_prevention_items(user, cpts)
        + own_quality_items(user, cpts)
        + own_support_items(user, cpts)
    )


def led_prevention_items(user, cpts) -> list[Waiting]:
    """The sessions to come of the prevention actions the member is in charge of (a coordinator
    counts every session among the coordination's work)."""
    professional = getattr(user, "professional", None)
    if professional is None or prevention_policies.can_manage_prevention(user, cpts):
        return []
    if not prevention_policies.can_see_prevention(user, cpts):
        return []
    led = (
        prevention_policies.visible_sessions(user, cpts)
        .upcoming()
        .filter(action__owner__professional=professional)
        .count()
    )
    if not led:
        return []
    return [Waiting("Séances à venir de mes actions de prévention", led, url("prevention_home", cpts))]


def own_quality_items(user, cpts, today=None) -> list[Waiting]:
    """Mission 5, a member's own: the decisions and improvement actions they own still to carry
    out (the late ones apart, urgent) and the reviews they run the analysis of — a coordinator
    counts every review among the coordination's work."""
    if not quality_policies.can_use_quality(user, cpts):
        return []
    today = today or timezone.localdate()
    decisions, actions = quality_policies.my_open_follow_ups(user, cpts)
    decisions, actions = open_and_late(decisions, today), open_and_late(actions, today)
    mine = url("quality_actions", cpts)
    items = []
    if decisions["open"]:
        items.append(Waiting("Décisions de concertation qui me sont confiées, à réaliser", decisions["open"], mine))
    if decisions["late"]:
        items.append(
            Waiting(
                "Décisions de concertation qui me sont confiées, en retard",
                decisions["late"],
                url("quality_actions", cpts, "source=concertations&retard=1"),
                urgent=True,
            )
        )
    if actions["open"]:
        items.append(Waiting("Actions d'amélioration qui me sont confiées, à réaliser", actions["open"], mine))
    if actions["late"]:
        items.append(
            Waiting(
                "Actions d'amélioration qui me sont confiées, en retard",
                actions["late"],
                url("quality_actions", cpts, "source=revues&retard=1"),
                urgent=True,
            )
        )
    if not is_coordinator(user, cpts):
        led = (
            quality_policies.reviews_read_whole(user, cpts).filter(referent=user, status=ReviewStatus.ANALYSIS).count()
        )
        if led:
            label = "Revues d'événements indésirables dont je suis référent, en analyse"
            items.append(Waiting(label, led, url("quality_reviews", cpts, f"etat={ReviewStatus.ANALYSIS}")))
    return items


def own_support_items(user, cpts, today=None) -> list[Waiting]:
    """Mission 6, a member's own, each line when there is something: the applications received
    to the placements they supervise, their ads waiting for moderation and those refused (the reason
    to read, while the ad would not have expired: after, it no longer matters), their equipment bookings of the coming
    7 days. A coordinator counts every application among the coordination's work, and their ads
    are published at once."""
    if not support_policies.can_use_support(user, cpts):
        return []
    today = today or timezone.localdate()
    items = []
    if not is_coordinator(user, cpts):
        applications = support_policies.visible_applications(user, cpts).received().count()
        ads = (
            support_policies.visible_ads(user, cpts)
            .filter(author=user)
            .aggregate(
                waiting=Count("pk", filter=Q(status=AdStatus.SUBMITTED)),
                refused=Count("pk", filter=Q(status=AdStatus.REFUSED, expires_on__gte=today)),
            )
        )
        lines = [
            ("Candidatures aux stages que j'encadre, à examiner", applications, url("application_list", cpts)),
            ("Annonces déposées par moi, en attente de modération", ads["waiting"], url("ad_list", cpts)),
            (
                "Annonces déposées par moi et refusées, motif à lire",
                ads["refused"],
                url("ad_list", cpts, f"etat={AdStatus.REFUSED}"),
            ),
        ]
        items += [Waiting(label, count, address) for label, count, address in lines if count]
    own = support_policies.booking_membership(user, cpts)
    if own is not None:
        now = timezone.now()
        bookings = (
            support_policies.visible_equipment_bookings(user, cpts)
            .filter(membership=own)
            .overlapping(now, now + datetime.timedelta(days=EQUIPMENT_HORIZON_DAYS))
            .count()
        )
        if bookings:
            items.append(Waiting(MY_EQUIPMENT_BOOKINGS, bookings, url("equipment_list", cpts)))
    return items


def pathway_items(user, cpts) -> list[Waiting]:
    """The care tasks given to the member (and how many are late), and the open breaks of the
    patients they lead — a coordinator counts every break among the coordination's work."""
    if getattr(user, "professional", None) is None or not pathway_policies.can_see_programmes(user, cpts):
        return []
    tasks = pathway_policies.visible_assigned_tasks(user, cpts).aggregate(
        open=Count("pk"), late=Count("pk", filter=Q(late_from__lt=timezone.localdate()))
    )
    items = [Waiting("Tâches de soins à faire", tasks["open"], url("pathways_tasks", cpts))]
    if tasks["late"]:
        items.append(Waiting("Tâches de soins en retard", tasks["late"], url("pathways_tasks", cpts, "retard=1"), True))
    if not pathway_policies.can_manage_programmes(user, cpts):
        led = pathway_policies.visible_breaks(user, cpts).filter(status=BreakStatus.OPEN).count()
        if led:
            items.append(Waiting("Ruptures de parcours de mes patients", led, url("pathways_breaks", cpts)))
    return items


# --- Territorial roles -------------------------------------------------------------------------


def letter_items(user) -> list[Waiting]:
    """Lettres d'intention of the ARS officer's régions waiting for a decision (filed or answered)."""
    deciding = creation_policies.ars_regions(user, deciding=True)
    if not deciding:
        return []  # an observer reads the letters; only an authority has them « à décider »
    letters = creation_policies.visible_letters(user).filter(region__in=deciding)
    waiting = letters.filter(status=LetterStatus.SUBMITTED).count()
    address = reverse("creation_letters") + f"?etat={LetterStatus.SUBMITTED}"
    return [Waiting("Lettres d'intention à décider", waiting, address)]


def decisions_waiting(user, cpts_list) -> list[Waiting]:
    """Letters, projets de santé, reports and crisis plans sent to the authority and not decided yet."""
    items = letter_items(user)
    versions = creation_policies.visible_projects_to_review(user).select_related("cpts").order_by("cpts__name")
    for version in versions.prefetch_related("reviews"):
        if creation_policies.can_review_project(user, version):
            label = f"{version.cpts.name} : projet de santé (version {version.number}) à valider"
            items.append(Waiting(label, None, url("creation_project", version.cpts)))
    reports = (
        ManagementReport.objects.filter(contract__cpts__in=cpts_list, status=ReportStatus.SENT)
        .select_related("contract__cpts")
        .order_by("contract__cpts__name", "contract_year", "version")
    )
    for report in reports:
        cpts = report.contract.cpts
        if contract_policies.can_decide_report(user, report):
            label = f"{cpts.name} : rapport de l'année {report.contract_year} (version {report.version}) à valider"
            items.append(Waiting(label, None, url("contracts_report", cpts, year=report.contract_year)))
    versions = (
        PlanVersion.objects.filter(plan__cpts__in=cpts_list, status=PlanStatus.SUBMITTED)
        .select_related("plan__cpts")
        .order_by("plan__cpts__name", "year")
    )
    for version in versions:
        cpts = version.plan.cpts
        if crisis_policies.can_review_plan(user, cpts):
            label = f"{cpts.name} : plan de crise {version.year} à valider"
            items.append(Waiting(label, None, url("crisis_plan_version", cpts, year=version.year)))
    return items


def sas_requests_by_state(user, cpts_list) -> list[dict]:
    """For the SAS regulation: the requests of each CPTS it regulates, counted by state (one query)."""
    counts = {}
    grouped = snp_policies.sas_requests(user, cpts_list).values_list("cpts_id", "status").annotate(n=Count("pk"))
    for cpts_id, status, n in grouped.order_by():
        counts.setdefault(cpts_id, {})[status] = n
    regulated = set(snp_policies.regulated_cpts(user, cpts_list))
    rows = []
    for cpts in cpts_list:
        if cpts.pk not in regulated:
            continue
        mine = counts.get(cpts.pk, {})
        states = [(RequestStatus(status).label, mine.get(status, 0)) for status in RequestStatus.values]
        rows.append({"cpts": cpts, "states": states, "open": sum(mine.get(s, 0) for s in OPEN_REQUEST_STATUSES)})
    return rows
