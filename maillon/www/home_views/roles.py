"""The homes a person may land on: one per role they hold (a CPTS role, a territorial role,
the platform administration). Someone with several roles switches between them."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from maillon.core.models import Cpts, CptsRoleKind
from maillon.core.policies import PLATFORM_ADMIN_LABEL, is_platform_admin
from maillon.discussions.models import SignupStatus, SpaceKind
from maillon.discussions.policies import readable_spaces
from maillon.organisations.policies import managed_organisations
from maillon.territories.models import TerritoryCommune, TerritoryRoleKind

# The route of each territorial home, and the phrase that names it.
TERRITORY_HOMES = {
    TerritoryRoleKind.AUTHORITY: ("home_authority", "Autorité (ARS, CPAM)"),
    TerritoryRoleKind.OBSERVER: ("home_observer", "Observation du territoire"),
    TerritoryRoleKind.SAS_REGULATOR: ("home_sas", "Régulation SAS"),
}


@dataclass(frozen=True)
class Home:
    label: str
    detail: str
    url: str


def homes_of(user, *, cpts_roles=None, kinds=None, manages=None) -> list[Home]:
    """CPTS roles first (by CPTS name), then the territorial roles, then the organisations the
    person manages, then the administration. `cpts_roles` (with their CPTS), `kinds`
    (territorial roles held) and `manages` (whether they manage an organisation): when the
    caller read them."""
    if cpts_roles is None:
        cpts_roles = user.cpts_roles.select_related("cpts").order_by("cpts__name", "role")
    homes = [
        Home(
            CptsRoleKind(role.role).label,
            role.cpts.name,
            reverse("cpts_dashboard", kwargs={"cpts_slug": role.cpts.slug}),
        )
        for role in cpts_roles
    ]
    # One query for every territorial role and its scope, none for someone known to hold none.
    territorial = [] if kinds == [] else list(territory_roles_of(user))
    for kind, (route, label) in TERRITORY_HOMES.items():
        scopes = [str(role.scope) for role in territorial if role.role == kind]
        if scopes:
            homes.append(Home(label, ", ".join(scopes), reverse(route)))
    if manages is not False:
        homes += organisation_homes(user)
    if is_platform_admin(user):
        homes.append(Home(PLATFORM_ADMIN_LABEL, "Toutes les CPTS", reverse("home_admin")))
    if not homes:
        # A professional let into a regional group through its sign-up form, without any other role.
        homes += group_homes(user)
    return homes


def organisation_homes(user) -> list[Home]:
    """« Organisation : <name> » for each organisation the person manages, with the sign-ups
    waiting in its groups (one query)."""
    organisations = managed_organisations(user).annotate(
        pending=Count(
            "discussion_spaces__signup_requests",
            filter=Q(
                discussion_spaces__archived_at__isnull=True,
                discussion_spaces__signup_requests__status=SignupStatus.PENDING,
            ),
        )
    )
    homes = []
    for organisation in organisations.order_by("name"):
        detail = organisation.scope_label
        if organisation.pending:
            plural = "s" if organisation.pending > 1 else ""
            detail += f" — {organisation.pending} demande{plural} d'inscription en attente"
        homes.append(
            Home(
                f"Organisation : {organisation.name}",
                detail,
                reverse("organisations_organisation", args=[organisation.pk]),
            )
        )
    return homes


def group_homes(user) -> list[Home]:
    """« Groupes d'échange » for a person who takes part in regional groups (one query)."""
    names = list(
        readable_spaces(user)
        .filter(kind=SpaceKind.REGIONAL_GROUP, participants__user=user)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    return [Home("Groupes d'échange", ", ".join(names), reverse("discussions_index"))] if names else []


def territory_roles_of(user):
    return user.territory_roles.select_related("departement", "region").order_by("pk")


def territory_kinds(user) -> list[str]:
    held = set(user.territory_roles.values_list("role", flat=True))
    return [kind for kind in TERRITORY_HOMES if kind in held]


def cpts_under(user, kind):
    """The CPTS whose current territory lies (partly) in a département or région of the user's
    roles of `kind`, by name."""
    roles = list(user.territory_roles.filter(role=kind))
    departements = [role.departement_id for role in roles if role.departement_id]
    regions = [role.region_id for role in roles if role.region_id]
    if not roles:
        return Cpts.objects.none()
    communes = TerritoryCommune.objects.current().filter(
        Q(commune__departement__in=departements) | Q(commune__departement__region__in=regions)
    )
    return Cpts.objects.filter(pk__in=communes.values("cpts")).order_by("name")
