"""API authentication: personal tokens (Bearer) or the web session.

A token user has the same rights as in the web; a session counts only once the
second factor is done, as for the pages (core.access.is_strongly_authenticated).
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from maillon.core import journal
from maillon.core.access import is_strongly_authenticated
from maillon.core.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, a token issued from the account page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.user_for(token)
        if user is None:
            return None
        # Code shared with the web reads request.user; access.py trusts api_token_user.
        request.user = user
        request.api_token_user = user
        # ActorMiddleware saw an anonymous request; its reset at the end of the
        # request also undoes this.
        journal.set_actor(user)
        return user


class SessionAuth(APIKeyCookie):
    """The web session, strongly authenticated; CSRF is checked on writes.

    Unlike ninja's SessionAuth, an anonymous request is refused (401) before any
    CSRF check, so a missing token never looks like a CSRF failure.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated or not is_strongly_authenticated(request):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "Vérification CSRF échouée : envoyez l'en-tête X-CSRFToken avec la session.")
        return request.user

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ does the work
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()

# The two ways to reach private operations: the API's default (urls.py), so an operation
# is private unless it (or its router) says `auth=None`.
PRIVATE = [token_auth, session_auth]
