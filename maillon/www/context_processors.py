from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    roles = []
    if user is not None and user.is_authenticated:
        roles = list(user.cpts_roles.select_related("cpts").order_by("cpts__name"))
    return {
        "my_cpts_roles": roles,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
