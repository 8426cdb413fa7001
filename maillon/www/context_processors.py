from django.conf import settings
from django.db.models import Count, Exists, IntegerField, Subquery
from django.utils.functional import SimpleLazyObject

from maillon.core.models import User
from maillon.core.notifications.models import Notification
from maillon.organisations.models import OrganisationPerson, OrganisationRole
from maillon.territories.models import TerritoryRole
from maillon.territories.policies import note_no_territory_role

from .home_views.menus import space_menu
from .home_views.roles import TERRITORY_HOMES, homes_of


def navigation(request):
    """The menu's roles and the header's unread notifications, in ONE query: the unread count,
    the territorial roles held and whether the person manages an organisation ride on the CPTS
    roles' query as subqueries (on the user's row for someone without a CPTS role)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_cpts_roles": [], "my_homes": [], "space_sections": [], "unread_notifications": 0, **oidc()}
    count = (
        Notification.objects.for_user(user)
        .unread()
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    subqueries = {
        "unread_notifications": Subquery(count, output_field=IntegerField()),
        **{
            f"holds_{kind}": Exists(TerritoryRole.objects.filter(user_id=user.pk, role=kind))
            for kind in TERRITORY_HOMES
        },
        "manages_organisation": Exists(
            OrganisationPerson.objects.filter(user_id=user.pk, role=OrganisationRole.MANAGER)
        ),
    }
    roles = list(
        user.cpts_roles.select_related("cpts", "user__professional")
        .annotate(**subqueries)
        .order_by("cpts__name", "role")
    )
    found = (
        roles[0]
        if roles
        else User.objects.select_related("professional").filter(pk=user.pk).annotate(**subqueries).get()
    )
    keep_professional(user, roles[0].user if roles else found)
    kinds = [kind for kind in TERRITORY_HOMES if getattr(found, f"holds_{kind}")]
    if not kinds:
        note_no_territory_role(user)
    return {
        "my_cpts_roles": roles,
        # Computed only when a page's menu shows them.
        "my_homes": SimpleLazyObject(
            lambda: homes_of(user, cpts_roles=roles, kinds=kinds, manages=found.manages_organisation)
        ),
        "space_sections": SimpleLazyObject(lambda: space_menu(user, getattr(request, "cpts", None), request.path)),
        "unread_notifications": found.unread_notifications or 0,
        **oidc(),
    }


def keep_professional(user, read):
    """The menu asks whether the user has a professional card: hand it the card (or its absence)
    read with the roles, unless the page read it already."""
    card = User.professional.related
    if not card.is_cached(user):
        card.set_cached_value(user, card.get_cached_value(read, default=None))


def oidc() -> dict:
    return {"oidc_enabled": settings.OIDC_ENABLED, "oidc_provider_name": settings.OIDC_PROVIDER_NAME}
