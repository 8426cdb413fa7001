from django.conf import settings
from django.db.models import Count, IntegerField, Subquery
from django.utils.functional import SimpleLazyObject

from maillon.core.notifications.models import Notification

from .home_views.menus import space_menu
from .home_views.roles import homes_of


def navigation(request):
    """The menu's roles and the header's unread notifications. The unread count rides on the
    roles' query (a subquery); a user without a role pays one query, when a page shows it."""
    user = getattr(request, "user", None)
    roles = []
    unread = 0
    if user is not None and user.is_authenticated:
        count = (
            Notification.objects.for_user(user)
            .unread()
            .order_by()
            .values("user")
            .annotate(count=Count("pk"))
            .values("count")
        )
        roles = list(
            user.cpts_roles.select_related("cpts")
            .annotate(unread_notifications=Subquery(count, output_field=IntegerField()))
            .order_by("cpts__name")
        )
        if roles:
            unread = roles[0].unread_notifications or 0
        else:
            unread = SimpleLazyObject(lambda: Notification.objects.for_user(user).unread().count())
    return {
        "my_cpts_roles": roles,
        # Computed only when a page's menu shows them.
        "my_homes": SimpleLazyObject(lambda: homes_of(user) if user is not None and user.is_authenticated else []),
        "space_sections": SimpleLazyObject(lambda: space_menu(user, getattr(request, "cpts", None))),
        "unread_notifications": unread,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
