"""Strong authentication and the CPTS of the URL (who may see what: `policies.py` of each app)."""

from django.http import Http404

from .models import Cpts

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


def resolve_cpts(*, slug=None, pk=None) -> Cpts:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    try:
        return Cpts.objects.get(**lookup)
    except (Cpts.DoesNotExist, ValueError) as error:
        raise Http404 from error
