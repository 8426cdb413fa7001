"""The demo against the product's own rules, run on the one load of `test_demo_load.py`.

Each check calls the rule the product applies when a person writes the same row — the model's
`full_clean()`, the service's check, the form's validation — on every demo row: a demo that a
user could not have entered through the product fails here, with the row and the product's
message. Rules the database holds (foreign keys, unique and check constraints) are not run
again: the rows would not be there otherwise.

Where the product has no function for a rule the demo must follow (a pregnant patient is a
woman of child-bearing age: registrations carry no sex), the check says so and states it.
"""

import contextlib
import copy
import datetime
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from maillon.contracts.models import IndicatorValue
from maillon.core.models import Cpts
from maillon.core.notifications import kinds as notification_kinds
from maillon.core.notifications import sending
from maillon.core.notifications.models import Delivery, DeliveryStatus
from maillon.crisis.selectors import mobilisable_professionals
from maillon.crisis_response import services as crisis_services
from maillon.crisis_response.models import AlertLevel, AlertLevelMember
from maillon.demo import builder
from maillon.demo import discussions as demo_discussions
from maillon.demo import mailing as demo_mailing
from maillon.demo import mt as demo_mt
from maillon.discussions import health_data
from maillon.discussions import services as discussion_services
from maillon.discussions.models import (
    Attachment,
    DiscussionSpace,
    Mention,
    Message,
    MessageStatus,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    SignupStatus,
    SpaceKind,
    Topic,
)
from maillon.governance.models import DocumentKind, DocumentVersion, validate_document_file
from maillon.meetings import services as meeting_services
from maillon.meetings.models import (
    Attendance,
    HourlyRate,
    Invitation,
    Meeting,
    MeetingStatus,
    PollAnswer,
    SeriesSession,
    TimeEntry,
    TimeKind,
    TimeState,
)
from maillon.members import mailing as members_mailing
from maillon.members.models import Mailing, MembershipStatus, RecipientStatus
from maillon.members.professions import Profession, Specialty
from maillon.mt import services as mt_services
from maillon.mt.models import OPEN_PROPOSAL_STATUSES, Patient, Proposal, ProposalStatus
from maillon.organisations.models import OrganisationPerson
from maillon.pathways.models import CloseReason, Inclusion, InclusionStatus
from maillon.prevention import services as prevention_services
from maillon.prevention.models import (
    MaterialVersion,
    MeasureValue,
    PreventionAction,
    PublicSession,
    RegistrationStatus,
    SessionStatus,
    validate_material_file,
)
from maillon.snp import duty, search
from maillon.snp import slots as snp_slots
from maillon.snp.models import (
    Booking,
    CareRequest,
    DutyCall,
    Outcome,
    RequesterKind,
    RequestEvent,
    RequestStatus,
    Slot,
    SlotSeries,
    SlotStatus,
)
from maillon.snp.search import slot_fits
from maillon.www.contracts_views.forms import validate_value_document
from maillon.www.crisis_views.response_forms import LevelForm
from maillon.www.meetings_views.forms import RateForm, RejectForm, TimeForm

MAIN_CPTS = "seine-et-foret"
# A registration carries no sex: the demo draws a pregnant patient among women's first names,
# of an age a pregnancy is plausible at (the product has no rule for it: stated here).
PREGNANCY_AGES = range(15, 50)


class Faults(list):
    def add(self, row, message):
        self.append(f"{row._meta.label} n° {row.pk} : {message}")

    def check(self, row, rule, *args, **kwargs):
        """Run the product's `rule`; its ValidationError is a fault of `row`."""
        try:
            rule(*args, **kwargs)
        except ValidationError as error:
            self.add(row, " ".join(error.messages))

    def form(self, row, form):
        if not form.is_valid():
            self.add(row, f"{type(form).__name__} : {form.errors.as_json()}")

    def assert_none(self):
        assert not self, f"{len(self)} contradiction(s) dans la démo :\n" + "\n".join(self[:80])


def clean(row, *, exclude=()):
    """`full_clean()` without what the database already holds: foreign keys, unique and check constraints."""
    relations = [field.name for field in row._meta.concrete_fields if field.is_relation]
    row.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)


@contextlib.contextmanager
def rolled_back():
    """Try a write the product would make, then undo it (a savepoint of the test's transaction)."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def demo_cpts():
    return list(Cpts.objects.filter(slug__in=[spec.slug for spec in builder.CPTS_SPECS]).order_by("pk"))


def check_demo_coherence():
    faults = Faults()
    check_slots(faults)
    check_series(faults)
    check_bookings(faults)
    check_requests(faults)
    check_patients(faults)
    check_chains(faults)
    check_meetings(faults)
    check_time(faults)
    check_mailings(faults)
    check_documents(faults)
    check_inclusions(faults)
    check_prevention(faults)
    check_discussions(faults)
    check_support(faults)
    faults.assert_none()


# --- Same-day care ---------------------------------------------------------------------------


def check_slots(faults):
    """Each slot as `slots.publish_slot` takes it: the model's clean, `sharing` (« Régulation SAS
    seulement » is shared with the SAS), no overlap with the member's live slots; a booked slot
    has its one live booking, a free one none."""
    live_booked = set(Booking.objects.live().exclude(slot=None).values_list("slot_id", flat=True))
    for slot in Slot.objects.select_related("agenda").order_by("pk"):
        faults.check(slot, clean, slot)
        faults.check(slot, snp_slots.sharing, slot.agenda, slot.shared_with_sas, slot.audience)
        if slot.status in snp_slots.LIVE:
            overlapping = snp_slots.overlapping(slot.agenda, slot.start, slot.end, exclude_ids=[slot.pk])
            for other in overlapping.filter(pk__gt=slot.pk):
                faults.add(slot, f"chevauche le créneau n° {other.pk} du même professionnel")
        if (slot.status == SlotStatus.BOOKED) != (slot.pk in live_booked):
            faults.add(slot, f"état « {slot.get_status_display()} » sans rendez-vous qui le dise")


def check_series(faults):
    """Each weekly series as `slots.create_series` takes it (`clean_series` while it has not
    started, `sharing`); its live slots ahead are the ones `series_spans` gives, with the
    series' agenda, audience and SAS sharing."""
    today = timezone.localdate()
    for series in SlotSeries.objects.select_related("agenda").order_by("pk"):
        faults.check(series, clean, series)
        faults.check(series, snp_slots.sharing, series.agenda, series.shared_with_sas, series.audience)
        if series.first_date >= today:
            faults.check(series, snp_slots.clean_series, copy.copy(series))
        ahead = series.slots.filter(status__in=snp_slots.LIVE, start__gt=timezone.now())
        if set(ahead.values_list("start", "end")) != set(snp_slots.series_spans(series)):
            faults.add(series, "ses créneaux à venir ne sont pas ceux de ses jours, heures et exceptions")
        for slot in series.slots.exclude(
            agenda=series.agenda, audience=series.audience, shared_with_sas=series.shared_with_sas
        ):
            faults.add(slot, f"créneau de la récurrence n° {series.pk} qui n'en a pas l'agenda ou le public")


def check_bookings(faults):
    """A booked slot fits its request as the search says (`search.slot_fits`, at the booking
    time: audience, SAS sharing, profession, deadline); a duty appointment passes
    `duty.check_appointment_time` (before the deadline, over none of the member's other
    appointments); the booking copies its slot, and says « via SAS » for a SAS request."""
    bookings = Booking.objects.live().select_related("request", "slot__agenda").order_by("pk")
    for booking in bookings:
        care_request, slot = booking.request, booking.slot
        if booking.via_sas != (care_request.requester_kind == RequesterKind.SAS):
            faults.add(booking, "« envoyé par le SAS » ne suit pas le demandeur")
        if slot is not None:
            if not slot_fits(care_request, slot, now=booking.booked_at):
                faults.add(booking, f"le créneau n° {slot.pk} ne convient pas à sa demande (search.slot_fits)")
            copied = (booking.appointment_at, booking.professional_id, booking.practice_place_id)
            if copied != (slot.start, slot.professional_id, slot.agenda.practice_place_id):
                faults.add(booking, "l'heure, le professionnel ou le lieu diffère de son créneau")
        else:
            with rolled_back():  # the booking itself is not another appointment
                Booking.objects.filter(pk=booking.pk).update(cancelled_at=booking.booked_at)
                faults.check(
                    booking,
                    duty.check_appointment_time,
                    care_request,
                    booking.professional_id,
                    booking.appointment_at,
                    now=booking.booked_at,
                )
        closed = care_request.status == RequestStatus.CLOSED
        if closed == (booking.outcome == Outcome.PENDING) or care_request.status not in (
            RequestStatus.BOOKED,
            RequestStatus.CLOSED,
        ):
            faults.add(booking, f"issue « {booking.outcome} » pour une demande « {care_request.status} »")


def check_requests(faults):
    """Each request: its clean, its log a path of the workflow ending at its status, a live
    booking when booked, its duty calls to the volunteers `duty.volunteers` asks."""
    events = defaultdict(list)
    for request_id, old, new in RequestEvent.objects.order_by("at", "pk").values_list(
        "request_id", "from_status", "to_status"
    ):
        events[request_id].append((old, new))
    booked = set(Booking.objects.live().values_list("request_id", flat=True))
    calls = defaultdict(set)
    for request_id, professional_id in DutyCall.objects.values_list("request_id", "professional_id"):
        calls[request_id].add(professional_id)
    workflow = CareRequest.workflow
    for care_request in CareRequest.objects.order_by("pk"):
        faults.check(care_request, clean, care_request)
        path = events[care_request.pk]
        state = ""
        for old, new in path:
            if old != state or (state and new not in workflow.targets_from(state)):
                faults.add(care_request, f"étape {old or '∅'} → {new} hors du cycle de vie (depuis {state or '∅'})")
            state = new
        if state != care_request.status:
            faults.add(care_request, f"son historique finit à « {state} », son état est « {care_request.status} »")
        if care_request.status == RequestStatus.BOOKED and care_request.pk not in booked:
            faults.add(care_request, "rendez-vous pris sans rendez-vous")
        if calls[care_request.pk]:
            asked = set(duty.volunteers(care_request).values_list("pk", flat=True))
            for professional_id in sorted(calls[care_request.pk] - asked):
                faults.add(care_request, f"le professionnel n° {professional_id} appelé n'est pas volontaire")


# --- Médecin traitant ------------------------------------------------------------------------


def check_patients(faults):
    """Each registration as `services.register_patient` takes it (its clean, a commune of the
    CPTS's territory); each proposal to a patient whose traits the offer does not refuse, the
    patient's state following the proposal's; a pregnancy only for a woman of child-bearing age."""
    cpts_of = {}
    women = set(demo_mt.FEMALE_FIRST_NAMES)
    for patient in Patient.objects.select_related("commune").order_by("pk"):
        faults.check(patient, clean, patient, exclude=["identity", "link_nonce"])
        if patient.commune_id not in cpts_of:
            cpts_of[patient.commune_id] = getattr(mt_services.cpts_of_commune(patient.commune), "pk", None)
        if cpts_of[patient.commune_id] != patient.cpts_id:
            faults.add(patient, "commune hors du territoire de sa CPTS")
        if patient.pregnancy:
            age = patient.age_on(timezone.localtime(patient.registered_at).date())
            if patient.first_name not in women or age not in PREGNANCY_AGES:
                faults.add(patient, f"grossesse déclarée pour {patient.first_name}, {age} ans")
    proposals = Proposal.objects.select_related("patient", "offer").order_by("pk")
    for proposal in proposals:
        patient = proposal.patient
        refused = set(proposal.offer.refuses) & patient.traits(timezone.localtime(proposal.created_at).date())
        if refused:
            faults.add(proposal, f"proposé à un médecin qui refuse {sorted(refused)}")
        mirrored = [*OPEN_PROPOSAL_STATUSES, ProposalStatus.DECLARED]
        if proposal.status in mirrored and patient.status != proposal.status:
            faults.add(proposal, f"proposition « {proposal.status} », patient « {patient.status} »")


# --- Care pathways ----------------------------------------------------------------------------

# The ages (at inclusion) and leads each demo programme admits.
PATHWAY_AGES = {"elderly_home": range(75, 121), "pregnancy": range(18, 46)}
PATHWAY_LEADS = {"elderly_home": {Profession.MEDECIN}, "pregnancy": {Profession.MEDECIN, Profession.SAGE_FEMME}}


def check_inclusions(faults):
    """Each inclusion as `services.include_patient` takes it (its clean), of an age and sex its
    programme admits, led by an active adherent of a fitting profession who is in the care team
    from the start; a qualified identity's INS matricule agrees with sex, birth month and place;
    a closed one closes after it began, and a withdrawn consent is dated."""
    inclusions = Inclusion.objects.select_related("programme", "lead__professional").prefetch_related("care_team")
    for inclusion in inclusions.order_by("pk"):
        faults.check(inclusion, clean, inclusion)
        key = inclusion.programme.template
        age = (inclusion.included_on - inclusion.birth_date).days // 365
        if key in PATHWAY_AGES and age not in PATHWAY_AGES[key]:
            faults.add(inclusion, f"{age} ans pour le programme « {inclusion.programme.name} »")
        if key == "pregnancy" and inclusion.sex != "F":
            faults.add(inclusion, "parcours de grossesse pour un homme")
        if key in PATHWAY_LEADS and inclusion.lead.professional.profession not in PATHWAY_LEADS[key]:
            faults.add(inclusion, f"référent {inclusion.lead.professional.get_profession_display()}")
        if inclusion.lead.status != MembershipStatus.ACTIVE or inclusion.lead.cpts_id != inclusion.cpts_id:
            faults.add(inclusion, "référent qui n'est pas adhérent actif de la CPTS")
        team = {member.membership_id: member for member in inclusion.care_team.all()}
        lead_row = team.get(inclusion.lead_id)
        if lead_row is None or lead_row.starts_on > inclusion.included_on:
            faults.add(inclusion, "référent absent de l'équipe de soins à l'inclusion")
        if inclusion.qualified:
            expected = f"{'2' if inclusion.sex == 'F' else '1'}{inclusion.birth_date:%y%m}{inclusion.birth_place_code}"
            if not inclusion.ins_number.startswith(expected):
                faults.add(inclusion, "matricule INS qui ne suit pas le sexe, la naissance et le lieu")
        if inclusion.status == InclusionStatus.CLOSED and not inclusion.included_on <= inclusion.closed_on:
            faults.add(inclusion, "close avant d'avoir commencé")
        withdrawn = inclusion.close_reason == CloseReason.CONSENT_WITHDRAWN
        if withdrawn != (inclusion.consent_withdrawn_on is not None):
            faults.add(inclusion, "retrait du consentement sans date, ou l'inverse")


# --- Prevention ------------------------------------------------------------------------------


def check_prevention(faults):
    """Each action, measure, value and session as their forms take them (their clean); an action
    led by an active adherent of its CPTS; a value of a year after its measure's baseline; a
    session's seat count is its confirmed registrations, nobody waits while seats are left, a
    held session is in the past and its registrants registered before it began; each material's
    versions numbered 1, 2… with a file the upload takes (`validate_material_file`)."""
    now = timezone.now()
    for action in PreventionAction.objects.select_related("owner").order_by("pk"):
        faults.check(action, clean, action)
        owner = action.owner
        if owner is not None and (owner.status != MembershipStatus.ACTIVE or owner.cpts_id != action.cpts_id):
            faults.add(action, "responsable qui n'est pas adhérent actif de la CPTS")
        for measure in action.measures.all():
            faults.check(measure, clean, measure)
            if measure.departement_id != getattr(prevention_services.main_departement(action.cpts), "pk", None):
                faults.add(measure, "comparée à un autre département que celui du territoire")
    for value in MeasureValue.objects.select_related("measure").order_by("pk"):
        faults.check(value, clean, value)
        if value.year <= value.measure.baseline_on.year:
            faults.add(value, f"valeur de {value.year}, pas après la référence du {value.measure.baseline_on}")
    for session in PublicSession.objects.select_related("action", "cpts").order_by("pk"):
        faults.check(session, clean, session)
        states = Counter(session.registrations.values_list("status", flat=True))
        if session.seats_taken != states[RegistrationStatus.CONFIRMED]:
            faults.add(session, f"{session.seats_taken} places prises, {states[RegistrationStatus.CONFIRMED]} inscrits")
        if states[RegistrationStatus.WAITING] and session.seats_left:
            faults.add(session, f"liste d'attente alors qu'il reste {session.seats_left} places")
        if session.status == SessionStatus.HELD and session.starts_at > now:
            faults.add(session, "tenue dans le futur")
        if session.registrations.filter(registered_at__gt=session.starts_at).exists():
            faults.add(session, "inscription après le début de la séance")
        if session.status != SessionStatus.HELD and session.registrations.filter(attended__isnull=False).exists():
            faults.add(session, "présences notées pour une séance qui n'est pas tenue")
    numbers = defaultdict(list)
    for version in MaterialVersion.objects.order_by("material_id", "number"):
        numbers[version.material_id].append(version.number)
        with version.file.open("rb"):
            faults.check(version, validate_material_file, version.file)
    for material_id, found in numbers.items():
        if found != list(range(1, len(found) + 1)):
            faults.add(MaterialVersion.objects.filter(material_id=material_id).first(), f"versions {found}")


# --- Crisis alert chain ----------------------------------------------------------------------


def check_chains(faults):
    """Each level as the chain page's form and `services.add_level` take it; every member added
    again through `services.add_to_level` (an active member, in one level at most)."""
    for cpts in demo_cpts():
        chain = crisis_services.chain(cpts)
        for level, _ in chain:
            faults.check(level, clean, level)
            faults.form(level, LevelForm(data={"name": level.name, "wait_minutes": level.wait_minutes}))
        with rolled_back():
            AlertLevelMember.objects.filter(level__cpts=cpts).delete()
            for level, rows in chain:
                for row in rows:
                    faults.check(row, crisis_services.add_to_level, level, row.professional)


# --- Meetings and time -----------------------------------------------------------------------


def check_meetings(faults):
    """A poll has proposed slots and no date; a scheduled or held meeting has the date of one of
    its slots (`Meeting.choose_slot`); a held one has taken place (`Meeting.hold`) and every
    invitee's attendance (`services.record_attendance`); answers are to the meeting's slots;
    the invitees are invitable adhesions (`services.invitable_memberships`) of its CPTS."""
    now = timezone.now()
    for meeting in Meeting.objects.prefetch_related("slots").order_by("pk"):
        faults.check(meeting, clean, meeting)
        slots = {(slot.starts_at, slot.ends_at) for slot in meeting.slots.all()}
        for slot in meeting.slots.all():
            faults.check(slot, clean, slot)
        if not slots:
            faults.add(meeting, "aucune date proposée")
        if meeting.status == MeetingStatus.POLL and meeting.starts_at is not None:
            faults.add(meeting, "un sondage avec une date fixée")
        dated = meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD)
        if dated and (meeting.starts_at, meeting.ends_at) not in slots:
            faults.add(meeting, "sa date n'est pas l'un de ses créneaux proposés")
        if meeting.status == MeetingStatus.HELD and meeting.starts_at > now:
            faults.add(meeting, "tenue, mais dans le futur")
        if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= now:
            faults.add(meeting, "date fixée passée sans présences notées")
        invitations = list(meeting.invitations.all())
        if meeting.status in (MeetingStatus.POLL, MeetingStatus.SCHEDULED):
            invitable = set(meeting_services.invitable_memberships(meeting.cpts_id).values_list("pk", flat=True))
            for invitation in invitations:
                if invitation.membership_id not in invitable:
                    faults.add(invitation, "invité sans être un adhérent actif de la CPTS")
        for invitation in invitations:
            held = meeting.status == MeetingStatus.HELD
            if held != (invitation.attendance != Attendance.UNKNOWN):
                faults.add(invitation, f"présence « {invitation.attendance} » pour une réunion « {meeting.status} »")
    for answer in PollAnswer.objects.select_related("invitation", "slot").order_by("pk"):
        if answer.slot.meeting_id != answer.invitation.meeting_id:
            faults.add(answer, "réponse à un créneau d'une autre réunion")


def check_time(faults):
    """Each hourly rate as the rate form takes it; each entry its clean and its state from its
    dates (`TimeEntry.save`); a meeting's time is the validated time of a present invitee, of
    the meeting's length and day (`services.record_attendance`); project time is declared once
    past (`services.declare_time`, the time form), refused with a reason (`services.reject_time`);
    validated time has the rate of its year (else it pays nothing)."""
    for rate in HourlyRate.objects.order_by("pk"):
        faults.check(rate, clean, rate)
        faults.form(rate, RateForm(data={"year": rate.year, "amount": str(rate.amount)}))
    present = set(Invitation.objects.filter(attendance=Attendance.PRESENT).values_list("meeting_id", "membership_id"))
    rates = set(HourlyRate.objects.values_list("cpts_id", "year"))
    for entry in TimeEntry.objects.select_related("meeting").order_by("pk"):
        faults.check(entry, clean, entry)
        expected = (
            TimeState.VALIDATED
            if entry.validated_at
            else TimeState.REJECTED
            if entry.rejected_at
            else TimeState.DECLARED
        )
        if entry.state != expected:
            faults.add(entry, f"état « {entry.state} » contraire à ses dates (« {expected} »)")
        if entry.kind == TimeKind.MEETING:
            meeting = entry.meeting
            if meeting is None or meeting.status != MeetingStatus.HELD:
                faults.add(entry, "temps de réunion sans réunion tenue")
                continue
            if (meeting.pk, entry.membership_id) not in present:
                faults.add(entry, "temps de réunion d'un absent")
            day = timezone.localtime(meeting.starts_at).date()
            if (entry.date, entry.hours, entry.state) != (day, meeting.duration_hours, TimeState.VALIDATED):
                faults.add(entry, "temps de réunion qui n'est pas celui de la réunion")
        else:
            data = {"date": entry.date, "hours": str(entry.hours), "mission": entry.mission or "", "note": entry.note}
            faults.form(entry, TimeForm(data=data))
            if entry.date > timezone.localtime(entry.created_at).date():
                faults.add(entry, "temps déclaré avant d'avoir eu lieu")
        if entry.state == TimeState.REJECTED:
            faults.form(entry, RejectForm(data={"reason": entry.rejection_reason}))
        if entry.state == TimeState.VALIDATED and (entry.cpts_id, entry.date.year) not in rates:
            faults.add(entry, f"temps validé sans taux horaire {entry.date.year}")


# --- Messages to the members and documents ---------------------------------------------------


def check_mailings(faults):
    """Each message as `mailing.create_mailing` writes it: its recipients are adhesions its
    criteria select (`select_recipients`), with the address used, members when it was sent, as
    many as it counts; each recipient's state is its e-mail's in the delivery ledger, as
    `send_mailing_task` leaves them (none left pending: nothing would send it)."""
    now = timezone.now()
    for mailing in Mailing.objects.select_related("cpts").order_by("pk"):
        faults.check(mailing, clean, mailing)
        if mailing.sent_at > now:
            faults.add(mailing, "envoyé dans le futur")
        recipients = list(mailing.recipients.select_related("membership").order_by("pk"))
        if len(recipients) != mailing.recipient_count:
            faults.add(mailing, f"{mailing.recipient_count} destinataires comptés, {len(recipients)} enregistrés")
        selected = {
            membership.pk: membership.recipient_email
            for membership in members_mailing.select_recipients(mailing.cpts, mailing.criteria)
        }
        ledger = {
            row.recipient: row.status
            for row in Delivery.objects.filter(
                message=sending.message_key(notification_kinds.MEMBERS_MAILING, mailing.pk)
            )
        }
        for recipient in recipients:
            faults.check(recipient, clean, recipient)
            if selected.get(recipient.membership_id) != recipient.email:
                faults.add(recipient, "adhésion ou adresse que les critères du message ne choisissent pas")
            joined = recipient.membership.joined_on
            if joined is None or joined > timezone.localtime(mailing.sent_at).date():
                faults.add(recipient, "destinataire qui n'était pas encore adhérent à l'envoi")
            delivered = ledger.get(f"mailing_recipient:{recipient.pk}")
            expected = {RecipientStatus.SENT: DeliveryStatus.SENT, RecipientStatus.FAILED: DeliveryStatus.FAILED}
            if delivered is None or delivered != expected.get(recipient.status):
                faults.add(recipient, f"état « {recipient.status} », envoi « {delivered} » au registre")


def check_documents(faults):
    """Each founding document's file as the upload takes it (`validate_document_file`: PDF, ODT or
    DOCX by its first bytes, its size), adopted in the past; each indicator value's document as
    the value form takes it (`validate_value_document`)."""
    today = timezone.localdate()
    for version in DocumentVersion.objects.select_related("document").order_by("pk"):
        if version.adopted_on > today:
            faults.add(version, "adoptée dans le futur")
        with version.file.open("rb"):
            faults.check(version, validate_document_file, version.file)
    for value in IndicatorValue.objects.exclude(document="").order_by("pk"):
        with value.document.open("rb"):
            faults.check(value, validate_value_document, value.document)


# --- What the demo shows ---------------------------------------------------------------------


def check_demo_content():
    """The pages are not empty: meetings past and coming, time in every state with its rate,
    a chain led by general practitioners that holds the crisis plan's professionals."""
    today = timezone.localdate()
    main = Cpts.objects.get(slug=MAIN_CPTS)
    meetings = Meeting.objects.for_cpts(main)
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.count() >= 2
    assert all(meeting.invitations.filter(attendance=Attendance.PRESENT).exists() for meeting in held)
    polls = meetings.filter(status=MeetingStatus.POLL)
    assert polls.exists() and PollAnswer.objects.filter(slot__meeting__in=polls).exists()
    assert all(slot.starts_at.date() > today for poll in polls for slot in poll.slots.all())
    assert meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()).exists()
    assert meeting_services.hourly_rate(main, today.year) is not None
    project = TimeEntry.objects.for_cpts(main).filter(kind=TimeKind.PROJECT)
    states = {state: project.filter(state=state).count() for state in TimeState.values}
    assert states[TimeState.DECLARED] >= 2 and states[TimeState.VALIDATED] >= 2 and states[TimeState.REJECTED] == 1
    assert TimeEntry.objects.for_cpts(main).filter(kind=TimeKind.MEETING).exists()
    rows = meeting_services.payment_list(main, today.year)
    assert rows and all(row.amount > 0 for row in rows)

    for cpts in demo_cpts():
        chain = crisis_services.chain(cpts)
        if not chain:
            continue
        first = [row.professional for row in chain[0][1]]
        assert first and all(
            (p.profession, p.specialty) == (Profession.MEDECIN, Specialty.GENERAL_PRACTICE) for p in first
        ), f"{cpts.slug} : le premier niveau de la chaîne est fait de médecins généralistes"
        everyone = {row.professional_id for _, rows in chain for row in rows}
        professions = {row.professional.profession for _, rows in chain for row in rows}
        assert len(professions) >= 3, (cpts.slug, professions)
        active = set(crisis_services.active_professionals(cpts).values_list("pk", flat=True))
        planned = {row.professional_id for row in mobilisable_professionals(cpts)} & active
        assert planned <= everyone, f"{cpts.slug} : les professionnels du plan de crise sont dans la chaîne"
        referents = {row.professional_id for row in mobilisable_professionals(cpts) if "SSE" in row.role}
        assert referents & active <= {p.pk for p in first}, f"{cpts.slug} : le référent SSE au premier niveau"
    assert AlertLevel.objects.for_cpts(main).count() >= 3


def check_demo_pages():
    """Rows for the pages reached only through them (issue 14): a message sent to the members, the
    statuts and règlement intérieur with their file, an indicator value's document, a member's
    weekly series of slots (the demo member account's too), a request the coordination can place."""
    now = timezone.now()
    main = Cpts.objects.get(slug=MAIN_CPTS)
    for cpts in demo_cpts():
        if cpts.slug not in (MAIN_CPTS, builder.MEMBER_CPTS):
            continue
        mailing = Mailing.objects.for_cpts(cpts).get(subject=demo_mailing.SUBJECT)
        states = Counter(mailing.recipients.values_list("status", flat=True))
        assert states[RecipientStatus.SENT] >= 20 and states[RecipientStatus.FAILED] == 1, (cpts.slug, states)
        assert not states[RecipientStatus.PENDING] and mailing.sent_at < now - datetime.timedelta(days=14)
        versions = DocumentVersion.objects.filter(document__cpts=cpts)
        assert {DocumentKind.STATUTES, DocumentKind.RULES} <= set(versions.values_list("document__kind", flat=True))
        for version in versions:
            with version.file.open("rb") as handle:
                assert handle.read(5) == b"%PDF-", version.file.name
        assert IndicatorValue.objects.filter(indicator__contract__cpts=cpts).exclude(document="").exists(), cpts.slug
        series = SlotSeries.objects.filter(agenda__cpts=cpts)
        assert series.exists() and Slot.objects.filter(series__in=series, status=SlotStatus.FREE).exists()
    check_prevention_pages()
    check_discussions_pages()
    account = f"membre.{builder.MEMBER_CPTS}@{builder.EMAIL_DOMAIN}"
    assert SlotSeries.objects.filter(agenda__professional__user__email=account).exists(), "« Mes récurrences »"
    waiting = CareRequest.objects.for_cpts(main).waiting().filter(deadline__gt=now)
    assert any(search.search(care_request).hits for care_request in waiting), "une demande à placer, des créneaux"


def check_prevention_pages():
    """Prevention of the member's CPTS (issue 16): a colorectal campaign led by the demo member
    account, its measure with the territory's and the département's values; a session to come
    full with people waiting, one with seats left, one held with people present and walk-ins,
    and a flyer in two versions."""
    now = timezone.now()
    cpts = Cpts.objects.get(slug=builder.MEMBER_CPTS)
    action = PreventionAction.objects.for_cpts(cpts).get(theme="colorectal_screening")
    account = f"membre.{builder.MEMBER_CPTS}@{builder.EMAIL_DOMAIN}"
    assert action.owner.professional.user.email == account, "le compte membre voit les inscrits"
    measure = action.measures.get()
    assert {(row.year, row.scope) for row in measure.values.all()} >= {
        (2023, "territory"),
        (2023, "departement"),
        (2024, "territory"),
        (2024, "departement"),
    }
    sessions = PublicSession.objects.for_cpts(cpts)
    upcoming = sessions.upcoming(now).exclude(capacity=None)
    assert any(session.seats_left == 0 and session.registrations.waiting().count() == 3 for session in upcoming), (
        "une séance complète avec une liste d'attente"
    )
    assert any(session.seats_left for session in upcoming), "une séance avec des places"
    held = sessions.filter(status=SessionStatus.HELD)
    assert (
        held.exists()
        and prevention_services.participants_count(held) > held[0].registrations.filter(attended=True).count() > 0
    ), "une séance tenue, des présents et des participants sans inscription"
    assert any(material.versions.count() == 2 for material in action.materials.all())


# --- Discussions (issue 17) ------------------------------------------------------------------


def check_discussions(faults):
    """Each topic counts its messages (`message_count`, kept by `services.post_message`) and is
    dated by its last one; no message holds a patient identifier (the check of
    `services.check_body`: `health_data.holds_patient_identifier`); each message is in its
    topic's space, dated in the past, by a reader of the space (`services.readers`); a hidden
    message and a muted participant have their moderation act with a reason; a group's visio
    sessions are dates of its series, past (`SeriesSession.clean`); each attached file as the
    reply form takes it (`services.check_attachments`: its type by its first bytes, its size)."""
    now = timezone.now()
    readers = {}
    for topic in Topic.objects.select_related("space").order_by("pk"):
        faults.check(topic, clean, topic)
        messages = list(topic.messages.order_by("pk"))
        if topic.message_count != len(messages):
            faults.add(topic, f"{topic.message_count} messages comptés, {len(messages)} enregistrés")
        if messages and topic.last_message_at != messages[-1].created_at:
            faults.add(topic, "date du dernier message différente de celle du sujet")
        if [message.created_at for message in messages] != sorted(message.created_at for message in messages):
            faults.add(topic, "messages dont l'ordre n'est pas celui de leurs dates")
        if topic.space_id not in readers:
            readers[topic.space_id] = set(discussion_services.readers(topic.space).values_list("pk", flat=True))
        for message in messages:
            faults.check(message, clean, message)
            if health_data.holds_patient_identifier(message.body):
                faults.add(message, "contient un identifiant de patient (NIR ou INS)")
            if message.space_id != topic.space_id:
                faults.add(message, "dans un autre espace que son sujet")
            if message.created_at > now or (message.edited_at and message.edited_at < message.created_at):
                faults.add(message, "daté dans le futur, ou modifié avant d'être envoyé")
            if message.author_id not in readers[topic.space_id]:
                faults.add(message, "écrit par quelqu'un qui ne lit pas l'espace")
            if message.status == MessageStatus.HIDDEN and not message.events.exclude(note="").exists():
                faults.add(message, "masqué sans motif")
    for attachment in Attachment.objects.order_by("pk"):
        with attachment.file.open("rb") as handle:
            faults.check(attachment, discussion_services.check_attachments, [File(handle, name=attachment.name)])
    for place in Participant.objects.filter(status=ParticipantStatus.MUTED).order_by("pk"):
        if not place.events.filter(to_status=ParticipantStatus.MUTED).exclude(note="").exists():
            faults.add(place, "réduit au silence sans motif")
    for session in SeriesSession.objects.select_related("series").order_by("pk"):
        faults.check(session, clean, session)


def check_discussions_pages():
    """Each living demo CPTS's spaces have a history: a pinned topic, a working group of 3 to 5
    people created by the coordinator, an edited message, a message hidden by the coordinator;
    the member account has unread mentions. The URPS's regional group spans two CPTS, with a
    pilot team of at least three, moderators, sign-up questions, one request accepted and two
    waiting, a quarterly visio with a past session (replay, minutes), a muted participant. The
    ARS and CPAM officers are members of their organisations."""
    for cpts in demo_cpts():
        if cpts.is_dissolved:
            continue
        spaces = DiscussionSpace.objects.for_cpts(cpts)
        topics = Topic.objects.filter(space__in=spaces)
        assert spaces.filter(kind=SpaceKind.MEMBERS).get().topics.exists(), cpts.slug
        assert spaces.filter(kind=SpaceKind.MISSION).count() >= 4, cpts.slug
        assert topics.filter(pinned_at__isnull=False).exists(), cpts.slug
        group = spaces.get(kind=SpaceKind.WORKING_GROUP)
        assert group.created_by.cpts_roles.get(cpts=cpts).role == "coordinator"
        assert 3 <= group.participants.count() <= 5 and group.topics.exists(), cpts.slug
        messages = Message.objects.filter(space__in=spaces)
        assert messages.filter(edited_at__isnull=False).exists(), cpts.slug
        hidden = messages.filter(status=MessageStatus.HIDDEN).get()
        assert hidden.events.get().by.cpts_roles.get(cpts=cpts).role == "coordinator"
        assert len(set(messages.values_list("author_id", flat=True))) >= 5, cpts.slug
        assert Attachment.objects.filter(message__in=messages).exists(), f"{cpts.slug} : une pièce jointe"
    account = f"membre.{builder.MEMBER_CPTS}@{builder.EMAIL_DOMAIN}"
    assert Mention.objects.filter(user__email=account, read_at__isnull=True).count() >= 2, "des mentions non lues"

    group = DiscussionSpace.objects.get(kind=SpaceKind.REGIONAL_GROUP, name=demo_discussions.GROUP_NAME)
    assert (group.organisation.name, group.organisation.kind, group.organisation.region_id) == (
        demo_discussions.ORGANISATION,
        "urps",
        builder.REGION,
    )
    places = group.participants.select_related("user")
    spanned = set(Cpts.objects.filter(roles__user__in=[place.user for place in places]).values_list("slug", flat=True))
    assert len(spanned) >= 2, spanned
    assert places.filter(role=ParticipantRole.PILOT).count() >= 3
    assert places.filter(role=ParticipantRole.MODERATOR).count() >= 1
    assert places.filter(status=ParticipantStatus.MUTED).count() == 1
    assert group.signup_open and group.signup_questions.count() >= 2
    requests = sorted(group.signup_requests.values_list("status", flat=True))
    assert requests == [SignupStatus.ACCEPTED, SignupStatus.PENDING, SignupStatus.PENDING], requests
    assert group.topics.count() >= 4 and group.topics.filter(pinned_at__isnull=False).exists()
    series = group.visio
    assert series is not None and series.rule == demo_discussions.VISIO_RULE and series.next_starts(1)
    held = series.sessions.get()
    assert held.starts_at < timezone.now() and held.replay_url and held.minutes
    manager = f"gestion.urps-sf@{builder.EMAIL_DOMAIN}"
    assert group.organisation.people.get(user__email=manager).role == "manager"
    for officer, organisation in (
        ("observation.ars-idf", "ARS Île-de-France"),
        ("autorite.cpam78", "CPAM des Yvelines"),
    ):
        assert OrganisationPerson.objects.filter(
            user__email=f"{officer}@{builder.EMAIL_DOMAIN}", organisation__name=organisation
        ).exists(), officer


# --- Mission 6 --------------------------------------------------------------------------------


def check_support(faults):
    """The rules of mission 6 on every demo row: each row's clean (an expired published ad keeps
    its past expiry, as the product lets it); a supervisor never has more placements at once than
    their capacity; a housing never more nights booked than rooms; a piece of equipment never two
    bookings at once."""
    import datetime
    import itertools

    from maillon.support.models import (
        Ad,
        AdStatus,
        BookingStatus,
        EquipmentBooking,
        Housing,
        HousingBooking,
        Placement,
        PlacementStatus,
        Supervisor,
        Tutoring,
    )

    for model in (Supervisor, Placement, Housing, HousingBooking, Tutoring, EquipmentBooking):
        for row in model.objects.all():
            try:
                clean(row)
            except ValidationError as error:
                faults.add(row, error.messages)
    for ad in Ad.objects.all():
        try:
            clean(ad)
        except ValidationError as error:
            # A published ad past its expiry stays as it is (the product hides it): not a fault.
            expired = ad.status == AdStatus.PUBLISHED and ad.is_expired
            messages = [
                text
                for field, texts in error.message_dict.items()
                if not (expired and field == "expires_on")
                for text in texts
            ]
            if messages:
                faults.add(ad, messages)
    for supervisor in Supervisor.objects.all():
        placements = list(supervisor.placements.exclude(status=PlacementStatus.CANCELLED))
        for placement in placements:
            at_once = sum(
                1
                for other in placements
                if other.starts_on <= placement.ends_on and other.ends_on >= placement.starts_on
            )
            if at_once > supervisor.capacity:
                faults.add(
                    f"maître de stage {supervisor.pk} : {at_once} stages à la fois pour {supervisor.capacity} places"
                )
    for housing in Housing.objects.all():
        bookings = housing.bookings.filter(status=BookingStatus.BOOKED)
        if bookings.exists():
            start = min(booking.arrives_on for booking in bookings)
            end = max(booking.leaves_on for booking in bookings) + datetime.timedelta(days=1)
            full = [night for night, booked in housing.occupancy(start, end).items() if booked > housing.rooms]
            if full:
                faults.add(housing, f"plus de nuits réservées que de chambres le {full[0]}")
    booked = list(EquipmentBooking.objects.filter(status=BookingStatus.BOOKED).order_by("equipment_id", "starts_at"))
    for previous, booking in itertools.pairwise(booked):
        if previous.equipment_id == booking.equipment_id and booking.starts_at < previous.ends_at:
            faults.add(booking, f"chevauche la réservation n° {previous.pk} du même matériel")
