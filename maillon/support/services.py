"""Writes of mission 6 that check a rule over several rows (capacity, no double booking) or span
apps (a cross-training is a meeting). Each is all or nothing; the rows a rule counts are
counted under a lock of their parent (the supervisor, the housing, the equipment), so that two
requests at the same time cannot both take the last place."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.core.missions import Mission
from maillon.core.notifications import sending
from maillon.core.policies import is_coordinator
from maillon.meetings import services as meetings
from maillon.members.models import Membership, MembershipStatus

from . import notifications
from .models import (
    Ad,
    AdStatus,
    CrossTraining,
    Equipment,
    EquipmentBooking,
    Housing,
    HousingBooking,
    InstallationProject,
    InstallationStep,
    InstallationStepKind,
    Placement,
    PlacementApplication,
    Supervisor,
)

AD_FIELDS = (
    "kind",
    "title",
    "description",
    "profession",
    "commune",
    "starts_on",
    "ends_on",
    "contact_name",
    "contact_email",
    "contact_phone",
    "expires_on",
)


def _strip(fields: dict) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


# --- Trainees ----------------------------------------------------------------------------------


def capacity_refusal(supervisor, day) -> str:
    return (
        f"Période du stage : {supervisor.name} accueille au plus {supervisor.capacity} stagiaire(s) à la fois, "
        f"et ce nombre est déjà atteint le {day:%d/%m/%Y}."
    )


@transaction.atomic
def offer_placement(*, supervisor, by, level, starts_on, ends_on, description="") -> Placement:
    """A new open placement; refused when, on a day of its period, the supervisor would host more
    trainees at once than their capacity, or when the period runs past their accreditation."""
    # Lock the supervisor's row only (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    supervisor = (
        Supervisor.objects.select_for_update(of=("self",))
        .select_related("membership__professional")
        .get(pk=supervisor.pk)
    )
    if not supervisor.active:
        raise ValidationError({"supervisor": "Maître de stage : il n'accueille plus de stagiaires."})
    placement = Placement(
        cpts_id=supervisor.cpts_id,
        supervisor=supervisor,
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
    )
    placement.full_clean()
    if not supervisor.is_accredited_on(ends_on):
        until = supervisor.accredited_until
        raise ValidationError(
            {"ends_on": f"Période du stage : l'agrément du maître de stage prend fin le {until:%d/%m/%Y}."}
        )
    full_day = supervisor.first_full_day(starts_on, ends_on)
    if full_day is not None:
        raise ValidationError({"starts_on": capacity_refusal(supervisor, full_day)})
    placement.save()
    return placement


@transaction.atomic
def apply(*, cpts, placement=None, **fields) -> PlacementApplication:
    """An application sent without an account (the public page): to an open placement, or
    spontaneous (no placement)."""
    if placement is not None:
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.cpts_id != cpts.pk or not placement.is_open_to_applications:
            raise ValidationError({"placement": "Stage : ce stage n'est plus ouvert aux candidatures."})
    application = PlacementApplication(cpts=cpts, placement=placement, **_strip(fields))
    application.full_clean()
    application.save()
    sending.on_commit(notifications.send_application_received, application.pk)
    return application


# --- Bookings ----------------------------------------------------------------------------------


def _full_nights(housing, arrives_on, leaves_on) -> list[datetime.date]:
    return [night for night, free in housing.free_rooms(arrives_on, leaves_on).items() if free <= 0]


@transaction.atomic
def book_housing(*, housing, by, arrives_on, leaves_on, occupant_name, placement=None, note="") -> HousingBooking:
    """One room of `housing` from `arrives_on` to `leaves_on` (departure day): refused when a
    night is already full."""
    housing = Housing.objects.select_for_update().get(pk=housing.pk)
    booking = HousingBooking(
        cpts_id=housing.cpts_id,
        housing=housing,
        arrives_on=arrives_on,
        leaves_on=leaves_on,
        occupant_name=(occupant_name or "").strip(),
        placement=placement,
        note=(note or "").strip(),
        created_by=by,
    )
    booking.full_clean()
    if not housing.active:
        raise ValidationError({"housing": "Logement : il n'est plus proposé aux stagiaires."})
    full = _full_nights(housing, arrives_on, leaves_on)
    if full:
        raise ValidationError(
            {
                "arrives_on": (
                    f"Séjour : le logement est complet la nuit du {full[0]:%d/%m/%Y}"
                    + (f" (et {len(full) - 1} autre(s) nuit(s))" if len(full) > 1 else "")
                    + ". Choisissez d'autres dates."
                )
            }
        )
    booking.save()
    return booking


@transaction.atomic
def book_equipment(*, equipment, membership, by, starts_at, ends_at, purpose="") -> EquipmentBooking:
    """The equipment for `membership` over [starts_at, ends_at): refused over another booking."""
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    booking = EquipmentBooking(
        cpts_id=equipment.cpts_id,
        equipment=equipment,
        membership=membership,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=(purpose or "").strip(),
        created_by=by,
    )
    booking.full_clean()
    if not equipment.active:
        raise ValidationError({"equipment": "Matériel : il n'est plus disponible au prêt."})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": "Réservation : elle doit finir dans le futur."})
    taken = EquipmentBooking.objects.filter(equipment=equipment).overlapping(starts_at, ends_at).first()
    if taken is not None:
        start = timezone.localtime(taken.starts_at)
        end = timezone.localtime(taken.ends_at)
        raise ValidationError(
            {
                "starts_at": (
                    f"Réservation : le matériel est déjà réservé du {start:%d/%m/%Y à %H:%M} "
                    f"au {end:%d/%m/%Y à %H:%M}. Choisissez un autre moment."
                )
            }
        )
    booking.save()
    return booking


# --- Installation ------------------------------------------------------------------------------


@transaction.atomic
def start_installation(*, cpts, by, **fields) -> InstallationProject:
    """A new project, with its four steps to follow."""
    fields = _strip(fields)
    fields.setdefault("referent", by)
    project = InstallationProject(cpts=cpts, **fields)
    project.full_clean()
    project.save()
    InstallationStep.objects.bulk_create(
        InstallationStep(cpts=cpts, project=project, kind=kind) for kind in InstallationStepKind.values
    )
    return project


# --- Ads ---------------------------------------------------------------------------------------


def author_membership(user, cpts):
    """The author's own active adhesion in the CPTS, if any (a coordinator may have none)."""
    return (
        Membership.objects.for_cpts(cpts)
        .filter(professional__user=user, status=MembershipStatus.ACTIVE)
        .order_by("pk")
        .first()
    )


def _ad_fields(fields: dict) -> dict:
    unknown = set(fields) - set(AD_FIELDS)
    if unknown:
        raise TypeError(f"unknown ad fields: {sorted(unknown)}")
    return _strip(fields)


@transaction.atomic
def submit_ad(*, cpts, by, **fields) -> Ad:
    """A coordinator's ad is published at once; a member's waits for the coordinators."""
    ad = Ad(cpts=cpts, author=by, author_membership=author_membership(by, cpts), **_ad_fields(fields))
    ad.full_clean()
    ad.save()
    if is_coordinator(by, cpts):
        ad.publish(by=by)
    else:
        sending.on_commit(notifications.send_ad_submitted, ad.pk)
    return ad


@transaction.atomic
def edit_ad(ad, *, by, **fields) -> Ad:
    """Change an ad that is waiting or published (its author only while it waits; the
    coordinators always)."""
    ad = Ad.objects.select_for_update().get(pk=ad.pk)
    if ad.status not in (AdStatus.SUBMITTED, AdStatus.PUBLISHED):
        raise ValidationError(
            {"status": f"Cette annonce est « {ad.get_status_display().lower()} » : elle ne change plus."}
        )
    # Read again under the lock: published meanwhile, only the coordinators change it (moderation).
    if ad.status == AdStatus.PUBLISHED and not is_coordinator(by, ad.cpts_id):
        raise ValidationError({"status": "Cette annonce est publiée : seule la coordination la modifie désormais."})
    for name, value in _ad_fields(fields).items():
        setattr(ad, name, value)
    ad.full_clean()
    ad.save()
    return ad


# --- Peer help ---------------------------------------------------------------------------------


@transaction.atomic
def plan_cross_training(
    *, cpts, by, title, description, trainer, audience, slots, place="", visio_url=""
) -> CrossTraining:
    """A cross-training and its meeting (mission 6), whose date is polled among the active
    adherents of the audience's professions and the trainer."""
    training = CrossTraining(
        cpts=cpts,
        title=(title or "").strip(),
        description=(description or "").strip(),
        trainer=trainer,
        audience=list(audience or []),
        created_by=by,
    )
    training.full_clean(exclude=["meeting"])
    # The adherents of the audience's professions, and the trainer (whose profession is usually not in it).
    audience_ids = list(
        meetings.invitable_memberships(cpts, professions=training.audience).values_list("pk", flat=True)
    )
    training.meeting = meetings.create_meeting(
        cpts=cpts,
        by=by,
        slots=slots,
        membership_ids=[*audience_ids, trainer.pk],
        title=f"Formation croisée — {training.title}"[:200],
        description=training.description,
        place=(place or "").strip(),
        visio_url=(visio_url or "").strip(),
        mission=Mission.SUPPORT,
    )
    training.save()
    return training
