"""Who may see what: strong authentication and the per-CPTS roles."""

from django.http import Http404

from .models import Cpts, CptsRole, CptsRoleKind

STRONG_AUTH_SESSION_KEY = "maillon_strong_auth"


def is_strongly_authenticated(request) -> bool:
    """Password + TOTP (django-otp), or an OpenID Connect login (Pro Santé Connect)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(request, "api_token_user", None) is not None:
        return True
    if user.is_verified():
        return True
    return request.session.get(STRONG_AUTH_SESSION_KEY) == "oidc"


def role_in(user, cpts) -> str | None:
    if not user.is_authenticated:
        return None
    role = CptsRole.objects.filter(user=user, cpts=cpts).values_list("role", flat=True).first()
    return role


def require_cpts_role(request, *roles):
    """Raise 404 (as for a CPTS that does not exist) unless the user holds one of `roles`.

    Platform admins see every CPTS.
    """
    cpts = getattr(request, "cpts", None)
    if cpts is None:
        raise Http404
    if request.user.is_authenticated and request.user.is_superuser:
        return
    if request.cpts_role not in (roles or tuple(CptsRoleKind.values)):
        raise Http404


def resolve_cpts(*, slug=None, pk=None) -> Cpts:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    try:
        return Cpts.objects.get(**lookup)
    except (Cpts.DoesNotExist, ValueError) as error:
        raise Http404 from error
