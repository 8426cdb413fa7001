"""Writes on adhesions: one open adhesion per member and CPTS (it may race: guarded
by the database and translated into a French message), and the missions an adherent
takes part in."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.core.missions import parse as parse_mission

from .models import Involvement, Membership, MembershipStatus, MissionParticipation, PracticePlace, Structure

ALREADY_MEMBER = "Ce membre a déjà une adhésion en cours ou une demande en attente dans cette CPTS."


def request_membership(cpts, *, college=None, **adhesion):
    """A professional or a structure asks to join; the coordinator decides later.

    `adhesion`: the other fields of the `Membership`: `professional` or `structure`, and may be
    `involvement` (the mailing list by default), `card_existed`."""
    if college is not None and college.cpts_id != cpts.pk:
        raise ValidationError({"college": "Ce collège n'appartient pas à cette CPTS."})
    try:
        with transaction.atomic():
            return Membership.objects.create(cpts=cpts, college=college, **adhesion)
    except IntegrityError as error:
        raise ValidationError(ALREADY_MEMBER, code="already_member") from error


def enrol(cpts, *, by, on=None, missions=(), **adhesion):
    """The coordinator adds a member directly (e.g. from an import): request and acceptance at
    once (`adhesion` as for `request_membership`)."""
    with transaction.atomic():
        membership = request_membership(cpts, **adhesion)
        membership.accept(by=by, on=on)
        if missions:
            set_missions(membership, missions)
    return membership


MISSIONS_LABEL = "Missions"
MISSIONS_NEED_INVOLVEMENT = (
    "Missions : un adhérent de la liste de diffusion ne participe à aucune mission ; "
    "décochez les missions ou choisissez « Participe à une mission » ou « Pilote un projet »."
)


def clean_missions(values, *, label=MISSIONS_LABEL) -> list[int]:
    """Mission numbers (1 to 6), sorted, without repeats; a ValidationError naming `label` otherwise."""
    numbers = set()
    for value in values or ():
        try:
            numbers.add(int(parse_mission(value)))
        except ValueError:
            raise ValidationError(
                f"{label} : « {str(value).strip()[:20]} » n'est pas une mission ; numéros possibles : 1 à 6.",
                code="invalid_mission",
            ) from None
    return sorted(numbers)


def missions_of(membership) -> list[int]:
    """The mission numbers of an adhesion (from the prefetch when there is one)."""
    return sorted(participation.mission for participation in membership.missions.all())


@transaction.atomic
def set_missions(membership, missions) -> bool:
    """Replace the missions an adherent takes part in; each row written is journaled.

    Only an adherent who takes part in a mission or leads a project has missions.
    Returns whether anything changed.
    """
    wanted = set(clean_missions(missions))
    if wanted and membership.involvement == Involvement.MAILING_LIST:
        raise ValidationError({"missions": MISSIONS_NEED_INVOLVEMENT})
    current = {
        participation.mission: participation
        for participation in MissionParticipation.objects.filter(membership=membership)
    }
    removed = [participation for mission, participation in current.items() if mission not in wanted]
    for participation in removed:
        participation.delete()
    added = sorted(wanted - set(current))
    for mission in added:
        MissionParticipation.objects.create(membership=membership, mission=mission)
    if removed or added:
        # A prefetched `missions` would now be stale.
        getattr(membership, "_prefetched_objects_cache", {}).pop("missions", None)
    return bool(removed or added)


# --- The structure where a professional practises ----------------------------------------

NOT_A_MEMBER_STRUCTURE = "Structure : choisissez une structure adhérente de la CPTS."


def member_structures(cpts):
    """The structures with an active adhesion to `cpts`, by name: those a practice place can be attached to."""
    return Structure.objects.filter(memberships__cpts=cpts, memberships__status=MembershipStatus.ACTIVE).order_by(
        "name", "pk"
    )


def check_place_structure(place, structure, *, cpts):
    """A practice place is attached to a member structure of the CPTS, or to none; a structure
    the professional's places already have (an adherent of another CPTS) may stay."""
    if structure is None or structure.pk == place.structure_id:
        return
    already_theirs = PracticePlace.objects.filter(professional_id=place.professional_id, structure=structure)
    if not (member_structures(cpts).filter(pk=structure.pk).exists() or already_theirs.exists()):
        raise ValidationError({"structure": NOT_A_MEMBER_STRUCTURE})


@transaction.atomic
def set_place_structures(professional, structures, *, cpts) -> int:
    """Attach each practice place of `professional` to a structure (`{place_id: Structure | None}`);
    journaled by the model. Returns the number of places changed."""
    places = {place.pk: place for place in professional.practice_places.select_for_update()}
    if set(structures) - set(places):
        raise ValidationError({"structure": "Lieu d'exercice : ce lieu n'est pas sur la fiche de ce professionnel."})
    changed = 0
    for place_id, structure in structures.items():
        place = places[place_id]
        check_place_structure(place, structure, cpts=cpts)
        if place.structure_id != getattr(structure, "pk", None):
            place.structure = structure
            place.save()
            changed += 1
    return changed


# --- The representative of a structure ---------------------------------------------------


@transaction.atomic
def set_representative(structure, user, *, cpts):
    """The person who speaks for the structure (and edits its card): an account with a role in
    `cpts`, where the structure is an active adherent; or nobody."""
    from maillon.core.models import CptsRole

    if not Membership.objects.for_cpts(cpts).active().filter(structure=structure).exists():
        raise ValidationError({"representative": "Représentant : la structure n'est pas adhérente de cette CPTS."})
    if user is not None and not CptsRole.objects.filter(cpts=cpts, user=user).exists():
        raise ValidationError({"representative": "Représentant : choisissez une personne qui a accès à cette CPTS."})
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.representative_id != getattr(user, "pk", None):
        structure.representative = user
        structure.save()
    return structure
