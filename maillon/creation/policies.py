"""Who may see and do what while a CPTS is being created — pages and API ask here.

- **Lettres d'intention** hold the promoters' names and contacts: they are read by the ARS
  officers of their région (an authority or observer role over the région or one of its
  départements, in an organisation whose name makes it an ARS: `organisations.services.kind_of`)
  and by the promoters through their private follow-up link (no account needed; the pages check
  the signed link, not a policy). The ARS authorities decide (accept, ask for more, refuse). No
  one else — not the platform admin, not the CPAM, not another région's ARS — sees a letter.
- **The 10 steps** and the **projet de santé** are the CPTS's own work: read by anyone with a role
  in the CPTS and by the territorial authorities and observers over it (they follow the creation);
  written by the coordinators. A step a decision proves is never ticked by hand.
- **Projet de santé decisions**: each funder decides for itself — an authority of an ARS for the
  ARS, an authority of the Assurance Maladie (CPAM, DCGDR) for the Assurance Maladie.
- **Start-up grant**: recorded (amount, conditions, payments) by an ARS authority over the CPTS;
  its spending by the coordinators; read by the coordinators and the authorities and observers
  over the CPTS (members see the CPTS's finances only where the ACI's policy opens them).
- The negotiation of the ACI is opened by an authority over the CPTS (ARS or Assurance Maladie)
  once the projet de santé is validated.
"""

from django.db.models import Q

from maillon.core.policies import has_cpts_role, is_authenticated, is_coordinator
from maillon.organisations.models import OrganisationKind
from maillon.organisations.services import kind_of
from maillon.territories.models import TerritoryRole, TerritoryRoleKind
from maillon.territories.policies import AUTHORITY, OBSERVER, territory_roles

from .models import DECIDED_STEPS, Funder, LetterOfIntent, ProjectStatus, ProjectVersion

FUNDER_OF_KIND = {OrganisationKind.ARS: Funder.ARS, OrganisationKind.ASSURANCE_MALADIE: Funder.ASSURANCE_MALADIE}
OFFICER_KINDS = (TerritoryRoleKind.AUTHORITY, TerritoryRoleKind.OBSERVER)


def _roles_of(user, kinds):
    return TerritoryRole.objects.filter(user=user, role__in=kinds).select_related("departement")


def ars_regions(user, *, deciding=False) -> frozenset[str]:
    """The codes of the régions where the user is an ARS officer (an authority when `deciding`).
    Cached on the user object."""
    if not is_authenticated(user):
        return frozenset()
    name = "_maillon_ars_regions_deciding" if deciding else "_maillon_ars_regions"
    cached = getattr(user, name, None)
    if cached is None:
        kinds = (TerritoryRoleKind.AUTHORITY,) if deciding else OFFICER_KINDS
        cached = frozenset(
            role.region_id or role.departement.region_id
            for role in _roles_of(user, kinds)
            if kind_of(role.organisation or "") == OrganisationKind.ARS
        )
        setattr(user, name, cached)
    return cached


def funders_over(user, cpts) -> frozenset[str]:
    """The funders (ARS, Assurance Maladie) the user is an authority of, over the CPTS."""
    if AUTHORITY not in territory_roles(user, cpts):
        return frozenset()
    roles = TerritoryRole.objects.over_cpts(user, cpts).filter(role=TerritoryRoleKind.AUTHORITY)
    return frozenset(
        FUNDER_OF_KIND[kind]
        for kind in (kind_of(name or "") for name in roles.values_list("organisation", flat=True))
        if kind in FUNDER_OF_KIND
    )


def is_authority_or_observer(user, cpts) -> bool:
    return bool(territory_roles(user, cpts) & {AUTHORITY, OBSERVER})


# --- Lettres d'intention -----------------------------------------------------------------------


def visible_letters(user):
    """The letters of the régions where the user is an ARS officer."""
    regions = ars_regions(user)
    if not regions:
        return LetterOfIntent.objects.none()
    return LetterOfIntent.objects.filter(region__in=regions)


def can_see_letters(user) -> bool:
    return bool(ars_regions(user))


def can_see_letter(user, letter) -> bool:
    return letter.region_id in ars_regions(user)


def can_decide_letter(user, letter) -> bool:
    """Accept, ask for more, refuse: an ARS authority of the letter's région."""
    return letter.region_id in ars_regions(user, deciding=True)


# --- The 10 steps and the projet de santé ------------------------------------------------------


def can_see_creation(user, cpts) -> bool:
    """The steps, the projet de santé and its versions: the CPTS's people and its authorities
    and observers."""
    return has_cpts_role(user, cpts) or is_authority_or_observer(user, cpts)


def can_edit_steps(user, cpts) -> bool:
    return is_coordinator(user, cpts) and not cpts.is_dissolved


def can_tick_step(user, step) -> bool:
    return can_edit_steps(user, step.cpts) and step.step not in DECIDED_STEPS


def can_write_project(user, cpts) -> bool:
    """Write the draft, start a new version, submit: the coordinators."""
    return is_coordinator(user, cpts) and not cpts.is_dissolved


def review_funder(user, version) -> str | None:
    """The funder the user decides for on this version, or None: a submitted version, an
    authority of that funder over the CPTS, who has not decided on it yet."""
    if version.status != ProjectStatus.SUBMITTED:
        return None
    reviews = list(version.reviews.all())
    if any(review.by_id == user.pk for review in reviews):
        return None  # one person decides for one funder only, even holding both roles
    decided = {review.funder for review in reviews}
    for funder in sorted(funders_over(user, version.cpts)):
        if funder not in decided:
            return funder
    return None


def can_review_project(user, version) -> bool:
    return review_funder(user, version) is not None


def can_start_from_sheet(user, version) -> bool:
    """Start the mission object a fiche-action describes: coordinators, once the projet is validated."""
    return version.status == ProjectStatus.VALIDATED and is_coordinator(user, version.cpts)


def can_open_negotiation(user, cpts) -> bool:
    return bool(funders_over(user, cpts))


# --- Start-up grant ----------------------------------------------------------------------------


def can_see_grant(user, cpts) -> bool:
    return is_coordinator(user, cpts) or is_authority_or_observer(user, cpts)


def can_record_grant(user, cpts) -> bool:
    """Decide the grant and its payments: an ARS authority over the CPTS."""
    return Funder.ARS in funders_over(user, cpts)


def can_record_spending(user, cpts) -> bool:
    return is_coordinator(user, cpts)


def visible_projects_to_review(user):
    """Submitted versions over whose CPTS the user is an authority of a funder — for the home."""
    if not is_authenticated(user):
        return ProjectVersion.objects.none()
    roles = TerritoryRole.objects.filter(user=user, role=TerritoryRoleKind.AUTHORITY)
    areas = Q()
    found = False
    for role in roles:
        if kind_of(role.organisation or "") not in FUNDER_OF_KIND:
            continue
        found = True
        if role.departement_id:
            areas |= Q(cpts__territory_rows__commune__departement_id=role.departement_id)
        else:
            areas |= Q(cpts__territory_rows__commune__departement__region_id=role.region_id)
    if not found:
        return ProjectVersion.objects.none()
    return ProjectVersion.objects.filter(status=ProjectStatus.SUBMITTED).filter(areas).distinct()
