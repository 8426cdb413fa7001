"""API authentication: personal tokens (Bearer) or the web session.

A token user has the same rights as in the web, narrowed by the token's scopes: each router is
mounted with the area of its operations (urls.py, `area_auth`), and a token without
`<area>:read` (a GET) or `<area>:write` (any other method) gets a 403 that names the scope.
Only personal tokens open /api/v1/: a FHIR client token, an expired or revoked one, or a
platform admin's (unless MAILLON_API_SUPERUSER_TOKENS) is refused as an unknown one (401).
A session counts only once the second factor is done, as for the pages
(core.access.is_strongly_authenticated); it has no scopes: its rights are the user's.

Each refused token counts one failure for the client address (core.token_failures, shared
with /fhir/); past MAILLON_API_TOKEN_FAILURES_PER_HOUR, every bearer request from that address
answers 429 with Retry-After (errors.TooManyTokenFailures), a valid token's included.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from maillon.core import journal, token_failures, token_scopes
from maillon.core.access import is_strongly_authenticated
from maillon.core.models import ApiToken, ApiTokenKind

from .errors import TooManyTokenFailures

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The area of an operation that needs no scope (`GET /me`: the token's own account).
NO_SCOPE = "no-scope"
# The area of an operation mounted without one (a router added without `area_auth`): every
# token is refused there, so a forgotten area closes the operation instead of opening it.
UNDECLARED = "undeclared"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, a personal token issued from the account page, with the
    scope of `area` (an area of core.token_scopes, `NO_SCOPE` or `UNDECLARED`)."""

    def __init__(self, area: str = UNDECLARED):
        super().__init__()
        self.area = area

    def authenticate(self, request: HttpRequest, token: str):
        # The address's count first: past the limit a right token is refused too, or guessing
        # would go on and each right guess show as a success.
        wait = token_failures.retry_after(request)
        if wait is not None:
            raise TooManyTokenFailures(wait)
        found = ApiToken.authenticate(token, kind=ApiTokenKind.PERSONAL)
        if found is None:
            token_failures.record(request)
            return None
        self.check_scope(found, request.method)
        user = found.user
        # Code shared with the web reads request.user; access.py trusts api_token_user.
        request.user = user
        request.api_token_user = user
        request.api_token = found
        # ActorMiddleware saw an anonymous request; its reset at the end of the
        # request also undoes this.
        journal.set_actor(user)
        return user

    def check_scope(self, token: ApiToken, method: str) -> None:
        if self.area == NO_SCOPE:
            return
        if self.area == UNDECLARED:
            raise HttpError(403, "Cette opération n'est ouverte à aucun jeton : elle n'a pas de domaine de portée.")
        scope = token_scopes.required(self.area, method)
        if not token.allows(scope):
            raise HttpError(
                403,
                f"Portée manquante : ce jeton n'a pas la portée « {scope} » "
                f"({token_scopes.label(scope)}). Créez un jeton qui l'a sur la page « Mon compte ».",
            )


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
# is private unless it (or its router) says `auth=None`. Its token part has no area: each
# router is mounted with `area_auth(area)` instead (urls.py).
PRIVATE = [token_auth, session_auth]


def area_auth(area: str) -> list:
    """The ways into the private operations of a router of `area`: a token with the area's
    scope, or a strong session (no scope)."""
    if area != NO_SCOPE and area not in token_scopes.AREAS:
        raise ValueError(f"Unknown token scope area: {area!r}")
    return [TokenAuth(area), session_auth]
