"""Who may call the FHIR endpoints: a SAS client account, with its API token.

`Authorization: Bearer <token>`: an active FHIR client token (`core.ApiToken` of kind
`fhir`: neither expired nor revoked) of an active user who has an active `SasClient`. A
personal token opens nothing here, as a FHIR token opens nothing on /api/v1/. Anything else
is a 401 with an OperationOutcome and `WWW-Authenticate: Bearer`; the answer never says
which part failed.
"""

from django.http import HttpRequest, HttpResponse

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


def sas_client_for(request: HttpRequest) -> SasClient:
    token = bearer_token(request)
    if not token:
        raise NotAuthenticated(token_given=False)
    user = ApiToken.user_for(token, kind=ApiTokenKind.FHIR)
    client = policies.sas_client_of(user) if user is not None else None
    if client is None:
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
