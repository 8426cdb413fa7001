"""Who may see what and take which step in same-day care (SNP) — the one place that says it;
the pages (maillon/www/snp_views/), the API (maillon/api/snp_requests.py,
maillon/api/snp_slots.py) and FHIR (maillon/fhir/) all ask here.

Requests hold patient data (name, birth date, phone, commune, reason). Least access:
- the desk (the requests' list, « nouvelle demande ») is open to anyone with a role in the
  CPTS and to the SAS regulation over it: a `TerritoryRole` « régulation SAS » over a
  département where the CPTS has communes today (`is_sas_regulator_of`: neither a région-level
  role nor a département the territory has left counts — patient data goes no wider);
- the coordinators of the CPTS see and place every request, and see the duty calls of a
  request and every doctor's weekly SAS count;
- the person who made a request sees and places it (search, book, send to the duty list,
  cancel); the SAS regulation sees and places the SAS's requests;
- the member booked for a request (by a slot, or taken from the duty list) sees it, cancels
  the appointment and records its outcome (so does the coordination), but does not place it;
- a volunteer sees their own pending duty calls (nothing personal before accepting) and
  answers them.

Slots hold no patient data, but they are a member's agenda:
- a member sees and manages their own slots, series and agendas; publishing needs an active
  adhesion in a profession the CPTS opens to SNP (`slots.publisher`);
- the coordinators see every slot and series of the CPTS and may cancel a slot, but only the
  member changes what is shared with the SAS; they choose the professions open to SNP.

SAS clients (the national SAS platform, `SasClient`) read through `GET /fhir/Slot` only the
slots a member chose to share with the SAS, free and ahead, of active members, in a living
CPTS with a FINESS number (`visible_sas_slots`).

Platform admins (superusers), least access: none of this is needed to administer the
platform and all of it is patient data or a member's agenda, so without a role in the CPTS
(or the SAS regulation over it) they see nothing here — no request, no slot, no agenda — and
take no step (they used to count as coordinators on the requests and slots). Callers answer
404, as for a missing CPTS or object, when a `visible_…`/`can_see_…`/`can_use_…` policy says
no, and 403 when the object is visible but the `can_…` of the action refuses.
"""

from django.db.models import Exists, OuterRef, Q

from maillon.core.models import CptsRoleKind, CptsStatus
from maillon.core.policies import cpts_role, has_cpts_role, is_authenticated, is_coordinator, read_once
from maillon.territories.models import PostalCode, TerritoryCommune, TerritoryRole, TerritoryRoleKind
from maillon.territories.policies import holds_no_territory_role

from .models import Agenda, Booking, CareRequest, DutyAnswer, DutyCall, RequesterKind, SasClient, Slot
from .slots import publisher

_SAS_CLIENT_CACHE = "_maillon_snp_sas_client"


def _user_id(user):
    return user.pk if is_authenticated(user) else None


# --- The SAS regulation --------------------------------------------------------------------


def is_sas_regulator_of(user, cpts) -> bool:
    """A SAS regulator of a département where the CPTS has communes today: patient data goes no
    wider, so neither a région-level role nor a département the territory has left counts.
    Cached on the user object, like `core.policies.cpts_role`."""
    if not is_authenticated(user) or cpts is None or holds_no_territory_role(user):
        return False

    def read(cpts_id) -> bool:
        departements = TerritoryCommune.objects.filter(cpts_id=cpts_id).current().values("commune__departement_id")
        return TerritoryRole.objects.filter(
            user=user, role=TerritoryRoleKind.SAS_REGULATOR, departement__in=departements
        ).exists()

    return read_once(user, "_maillon_snp_sas_regulator", cpts, read)


# --- The requests' desk ---------------------------------------------------------------------


def regulated_cpts(user, cpts_list):
    """The ids of the CPTS of `cpts_list` this user regulates for the SAS (a lazy query, usable as
    a subquery): `is_sas_regulator_of` for many CPTS (a département of their SAS roles holds some
    of the territory)."""
    if not is_authenticated(user) or holds_no_territory_role(user):
        return TerritoryCommune.objects.none().values_list("cpts_id", flat=True)
    departements = TerritoryRole.objects.filter(
        user=user, role=TerritoryRoleKind.SAS_REGULATOR, departement__isnull=False
    ).values("departement_id")
    rows = TerritoryCommune.objects.current().filter(cpts__in=cpts_list, commune__departement__in=departements)
    return rows.values_list("cpts_id", flat=True).distinct()


def sas_requests(user, cpts_list):
    """What the SAS regulation sees of the requests of the CPTS it regulates, all at once: the
    SAS's requests and its own (`visible_requests` for a regulator, without a CPTS role)."""
    return CareRequest.objects.filter(cpts__in=regulated_cpts(user, cpts_list)).filter(
        Q(requester_kind=RequesterKind.SAS) | Q(requested_by=user)
    )


def can_use_requests(user, cpts) -> bool:
    """The requests' list and « nouvelle demande »: a role in the CPTS, or the SAS regulation over it."""
    return has_cpts_role(user, cpts) or is_sas_regulator_of(user, cpts)


def can_create_request(user, cpts) -> bool:
    return can_use_requests(user, cpts)


def requester_kind(user, cpts) -> str:
    """Who a new request comes from: the coordination, a member, else the SAS regulation."""
    role = cpts_role(user, cpts)
    if role == CptsRoleKind.COORDINATOR:
        return RequesterKind.COORDINATOR
    return RequesterKind.MEMBER if role is not None else RequesterKind.SAS


def can_see_all_requests(user, cpts) -> bool:
    """Every request of the CPTS, the duty calls of each, every doctor's weekly SAS count."""
    return is_coordinator(user, cpts)


def visible_requests(user, cpts):
    """The requests of `cpts` this user may see (none without access to the desk)."""
    requests = CareRequest.objects.for_cpts(cpts).select_related("commune")
    if not can_use_requests(user, cpts):
        return requests.none()
    if is_coordinator(user, cpts):
        return requests
    mine = Q(requested_by=user) | Q(
        pk__in=Booking.objects.live().filter(professional__user_id=user.pk).values("request_id")
    )
    if is_sas_regulator_of(user, cpts):
        mine |= Q(requester_kind=RequesterKind.SAS)
    return requests.filter(mine)


def is_booked_member(user, care_request) -> bool:
    """The user is the professional of the request's live appointment."""
    return (
        is_authenticated(user)
        and Booking.objects.live().filter(request=care_request, professional__user_id=user.pk).exists()
    )


def can_place_request(user, care_request) -> bool:
    """Search, book, send to the duty list, cancel: the requester, the coordination, the SAS
    regulation for the SAS's requests."""
    cpts = care_request.cpts_id
    if not can_use_requests(user, cpts):
        return False
    return (
        is_coordinator(user, cpts)
        or care_request.requested_by_id == _user_id(user)
        or (care_request.requester_kind == RequesterKind.SAS and is_sas_regulator_of(user, cpts))
    )


def can_see_request(user, care_request) -> bool:
    """Who places it, and the member booked for it."""
    return can_place_request(user, care_request) or (
        can_use_requests(user, care_request.cpts_id) and is_booked_member(user, care_request)
    )


def can_see_duty_calls_of(user, care_request) -> bool:
    """The calls sent to the volunteers for a request: the coordination."""
    return is_coordinator(user, care_request.cpts_id)


# --- Appointments ---------------------------------------------------------------------------


def can_see_booking(user, booking) -> bool:
    return can_see_request(user, booking.request)


def is_booked_professional(user, booking) -> bool:
    return is_authenticated(user) and booking.professional.user_id == user.pk


def can_cancel_booking(user, booking) -> bool:
    """Whoever places the request, and the member booked."""
    return can_place_request(user, booking.request) or (
        has_cpts_role(user, booking.cpts_id) and is_booked_professional(user, booking)
    )


def can_record_outcome(user, booking) -> bool:
    """The professional who receives the patient, or the coordination."""
    return is_coordinator(user, booking.cpts_id) or (
        has_cpts_role(user, booking.cpts_id) and is_booked_professional(user, booking)
    )


def can_see_appointments(user, cpts) -> bool:
    """« Mes rendez-vous SNP »: a role in the CPTS (a SAS regulator without one has no appointments)."""
    return has_cpts_role(user, cpts)


# --- The duty list --------------------------------------------------------------------------


def can_use_duty_list(user, cpts) -> bool:
    """« Liste de garde »: a role in the CPTS."""
    return has_cpts_role(user, cpts)


def visible_duty_calls(user, cpts):
    """The user's own pending calls (none without a role or a professional card)."""
    calls = DutyCall.objects.filter(request__cpts=cpts, answer=DutyAnswer.PENDING)
    professional = getattr(user, "professional", None) if is_authenticated(user) else None
    if professional is None or not can_use_duty_list(user, cpts):
        return calls.none()
    return calls.filter(professional=professional)


def can_answer_call(user, call) -> bool:
    """Accept or decline: the volunteer called, with a role in the CPTS."""
    professional = getattr(user, "professional", None) if is_authenticated(user) else None
    return (
        professional is not None
        and call.professional_id == professional.pk
        and can_use_duty_list(user, call.request.cpts_id)
    )


# --- Slots, series, agendas -----------------------------------------------------------------


def can_use_slots(user, cpts) -> bool:
    """« Mes créneaux SNP »: a role in the CPTS (the page says who may publish)."""
    return has_cpts_role(user, cpts)


def can_publish_slots(user, cpts) -> bool:
    """An active member whose profession the CPTS opens to SNP."""
    return can_use_slots(user, cpts) and publisher(user, cpts) is not None


def can_see_all_slots(user, cpts) -> bool:
    """Every member's slots and series: the coordination."""
    return is_coordinator(user, cpts)


def visible_slots(user, cpts):
    """Every slot for the coordination, one's own for a member, none otherwise."""
    slots = Slot.objects.for_cpts(cpts)
    if can_see_all_slots(user, cpts):
        return slots
    if not can_use_slots(user, cpts):
        return slots.none()
    return slots.filter(professional__user=user)


def owns(user, professional) -> bool:
    return is_authenticated(user) and professional.user_id is not None and professional.user_id == user.pk


def can_see_slot(user, slot) -> bool:
    return can_see_all_slots(user, slot.cpts_id) or (
        can_use_slots(user, slot.cpts_id) and owns(user, slot.professional)
    )


def can_cancel_slot(user, slot) -> bool:
    """The member, or the coordination (a member who left, an absence)."""
    return can_see_slot(user, slot)


def can_share_slot(user, slot) -> bool:
    """Sharing with the SAS is the member's choice: only they change it."""
    return can_use_slots(user, slot.cpts_id) and owns(user, slot.professional)


def can_see_series(user, series) -> bool:
    cpts = series.agenda.cpts_id
    return can_see_all_slots(user, cpts) or (can_use_slots(user, cpts) and owns(user, series.agenda.professional))


def can_edit_series(user, series) -> bool:
    """Its exception dates: the member only."""
    return can_use_slots(user, series.agenda.cpts_id) and owns(user, series.agenda.professional)


def visible_agendas(user, cpts):
    """One's own agendas (their SAS sharing default and feed address are the member's alone)."""
    agendas = Agenda.objects.for_cpts(cpts)
    if not can_use_slots(user, cpts):
        return agendas.none()
    return agendas.filter(professional__user=user)


def can_manage_agenda(user, agenda) -> bool:
    return can_use_slots(user, agenda.cpts_id) and owns(user, agenda.professional)


def can_set_up_snp(user, cpts) -> bool:
    """The professions open to SNP: the coordination."""
    return is_coordinator(user, cpts)


# --- SAS clients (FHIR) ---------------------------------------------------------------------


def sas_client_of(user) -> SasClient | None:
    """The user's active SAS client account, else None (read once per user object)."""
    if not is_authenticated(user):
        return None
    if not hasattr(user, _SAS_CLIENT_CACHE):
        client = SasClient.objects.filter(user=user, is_active=True).first()
        if client is not None:
            client.user = user
        setattr(user, _SAS_CLIENT_CACHE, client)
    return getattr(user, _SAS_CLIENT_CACHE)


def visible_sas_slots(user, slots, now=None):
    """Of `slots`, those a SAS client may read: free, ahead, of an active member, shared with the
    SAS by the member's choice, in a living CPTS with a FINESS number (the profile's
    Organization needs it), at a place whose commune has a postal code (Location.address.postalCode
    is 1..1 in the profile). None for anyone else, a platform admin included."""
    if sas_client_of(user) is None:
        return slots.none()
    has_postal_code = PostalCode.objects.filter(commune=OuterRef("agenda__practice_place__commune"))
    return (
        slots.bookable(now)
        .shared_with_sas()
        .filter(Exists(has_postal_code))
        .exclude(cpts__finess="")
        .exclude(cpts__status=CptsStatus.DISSOLVED)
    )
