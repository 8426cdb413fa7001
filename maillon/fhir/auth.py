"""Who may call the FHIR endpoints: a SAS client account, with its API token.

`Authorization: Bearer <token>`: an active FHIR client token (`core.ApiToken` of kind
`fhir`: neither expired nor revoked) of an active user who has an active `SasClient`. A
personal token opens nothing here, as a FHIR token opens nothing on /api/v1/. Anything else
is a 401 with an OperationOutcome and `WWW-Authenticate: Bearer`; the answer never says
which part failed.

A token given and refused counts one failure for the client address, in the count the REST
API keeps too (core.token_failures): past MAILLON_API_TOKEN_FAILURES_PER_HOUR, every call with
a token from that address answers 429 (OperationOutcome `throttled`, `Retry-After`), a valid
token's included, until the oldest failure is an hour old.
"""

from django.http import HttpRequest, HttpResponse

from maillon.core import token_failures
from maillon.core.models import ApiToken, ApiTokenKind
from maillon.snp import policies
from maillon.snp.models import SasClient

from .responses import outcome

REALM = "maillon-fhir"


class NotAuthenticated(Exception):
    def __init__(self, *, token_given: bool):
        super().__init__("not authenticated")
        self.token_given = token_given


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class TooManyTokenFailures(Exception):
    def __init__(self, retry_after: int):
        super().__init__("too many refused tokens")
        self.retry_after = retry_after


def sas_client_for(request: HttpRequest) -> SasClient:
    token = bearer_token(request)
    if not token:
        raise NotAuthenticated(token_given=False)
    # The address's count before the token: past the limit a right token is refused too.
    wait = token_failures.retry_after(request)
    if wait is not None:
        raise TooManyTokenFailures(wait)
    user = ApiToken.user_for(token, kind=ApiTokenKind.FHIR)
    client = policies.sas_client_of(user) if user is not None else None
    if client is None:
        token_failures.record(request)
        raise NotAuthenticated(token_given=True)
    return client


def unauthorized(error: NotAuthenticated) -> HttpResponse:
    response = outcome(
        "Authentification requise : envoyez le jeton d'un compte client SAS actif "
        "dans l'en-tête « Authorization: Bearer … ».",
        code="login",
        status=401,
    )
    challenge = f'Bearer realm="{REALM}"'
    if error.token_given:
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


def too_many_failures(error: TooManyTokenFailures) -> HttpResponse:
    response = outcome(token_failures.refused_message(error.retry_after), code="throttled", status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
