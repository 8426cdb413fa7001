"""Writes on adhesions: one open adhesion per member and CPTS (it may race: guarded
by the database and translated into a French message), and the missions an adherent
takes part in."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.core.missions import Mission

from .models import Involvement, Membership, MissionParticipation

ALREADY_MEMBER = "Ce membre a déjà une adhésion en cours ou une demande en attente dans cette CPTS."


def request_membership(
    cpts, *, professional=None, structure=None, college=None, involvement=Involvement.MAILING_LIST, card_existed=False
):
    """A professional or a structure asks to join; the coordinator decides later."""
    if college is not None and college.cpts_id != cpts.pk:
        raise ValidationError({"college": "Ce collège n'appartient pas à cette CPTS."})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                cpts=cpts,
                professional=professional,
                structure=structure,
                college=college,
                involvement=involvement,
                card_existed=card_existed,
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_MEMBER, code="already_member") from error


def enrol(
    cpts,
    *,
    by,
    professional=None,
    structure=None,
    college=None,
    involvement=Involvement.MAILING_LIST,
    on=None,
    card_existed=False,
    missions=(),
):
    """The coordinator adds a member directly (e.g. from an import): request and acceptance at once."""
    with transaction.atomic():
        membership = request_membership(
            cpts,
            professional=professional,
            structure=structure,
            college=college,
            involvement=involvement,
            card_existed=card_existed,
        )
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
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or int(text) not in Mission.values:
            raise ValidationError(
                f"{label} : « {text[:20]} » n'est pas une mission ; numéros possibles : 1 à 6.", code="invalid_mission"
            )
        numbers.add(int(text))
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
