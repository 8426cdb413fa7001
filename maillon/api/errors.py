"""Error answers in French, one shape everywhere: `{"detail": ...}`.

Validation errors (422) give a list of `{"loc": [...], "msg": "…"}`; other
errors a single French sentence.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from ninja import Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from maillon.core import token_failures
from maillon.core.policies import FORBIDDEN
from maillon.core.workflows import TransitionNotAllowed

NOT_FOUND = "Ressource introuvable."
UNAUTHORIZED = (
    "Authentification requise : envoyez un jeton d'API (en-tête « Authorization: Bearer … ») "
    "ou utilisez une session connectée avec le second facteur."
)
UNREADABLE_BODY = "Corps de la requête illisible : JSON attendu."
BODY_TOO_LARGE = "Corps de la requête trop volumineux : {limit} au plus."

# Pydantic error types → French messages; `{…}` are filled from the error's context.
MESSAGES = {
    "missing": "Champ obligatoire.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Trop court : au moins {min_length} caractère(s).",
    "string_too_long": "Trop long : au plus {max_length} caractère(s).",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "list_type": "Une liste est attendue.",
    "too_short": "Trop peu d'éléments : au moins {min_length}.",
    "too_long": "Trop d'éléments : au plus {max_length}.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_inexact": "Date invalide : format attendu AAAA-MM-JJ.",
    "datetime_type": "Une date et une heure au format ISO 8601 (AAAA-MM-JJTHH:MM) sont attendues.",
    "datetime_parsing": "Date et heure invalides : format attendu AAAA-MM-JJTHH:MM (ISO 8601).",
    "datetime_from_date_parsing": "Date et heure invalides : format attendu AAAA-MM-JJTHH:MM (ISO 8601).",
    "date_range": "Date hors des bornes permises : entre le {min} et le {max}.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "decimal_type": "Un nombre décimal est attendu.",
    "decimal_parsing": "Un nombre décimal est attendu.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "enum": "Valeur non permise ; valeurs possibles : {expected}.",
    "literal_error": "Valeur non permise ; valeurs possibles : {expected}.",
    "bool_parsing": "Un booléen est attendu (true ou false).",
    "model_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "json_invalid": UNREADABLE_BODY,
    "extra_forbidden": "Champ inconnu.",
}
DEFAULT_MESSAGE = "Valeur invalide."


# Error types whose message the API wrote in French itself (PydanticCustomError).
OWN_MESSAGES = {"birth_date_range"}


def french_message(error: dict) -> str:
    if error.get("type") in OWN_MESSAGES:
        return error.get("msg") or DEFAULT_MESSAGE
    template = MESSAGES.get(error.get("type"), DEFAULT_MESSAGE)
    context = {key: str(value).replace(" or ", " ou ") for key, value in error.get("ctx", {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return DEFAULT_MESSAGE


def validation_detail(errors) -> list[dict]:
    return [{"loc": list(error.get("loc", ())), "msg": french_message(error)} for error in errors]


class TooManyTokenFailures(HttpError):
    """Too many refused bearer tokens from the client's address (core.token_failures): 429 with
    `Retry-After`, whatever the token presented now."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(429, token_failures.refused_message(retry_after))


class InvalidField(Exception):
    """Fields of the body the domain refuses: 422, in the shape of the request validation
    errors, one item per message at `["body", "payload", field]`. Raised inside
    `transaction.atomic()`, it rolls the write back."""

    def __init__(self, field=None, messages=(), *, fields=None):
        self.fields = fields or {field: list(messages)}
        super().__init__(self.fields)

    @classmethod
    def of(cls, error: DjangoValidationError, unnamed=NON_FIELD_ERRORS):
        """Every field a Django ValidationError names (`unnamed` for an error without one), each
        with its own messages."""
        return cls(fields=error.message_dict if hasattr(error, "error_dict") else {unnamed: error.messages})

    def body(self) -> dict:
        return {
            "detail": [
                {"loc": ["body", "payload", field], "msg": message}
                for field, messages in self.fields.items()
                for message in messages
            ]
        }


NUL_CHARACTER = "Caractère nul (\\u0000) interdit dans un texte."


class NulCharacter(ValueError):
    """Text holding a NUL character, which PostgreSQL cannot store nor compare (a 500 before):
    422 naming where it is."""

    def __init__(self, locs):
        self.locs = locs
        super().__init__(locs)

    def body(self) -> dict:
        return {"detail": [{"loc": loc, "msg": NUL_CHARACTER} for loc in self.locs]}


def nul_locs(value, loc) -> list[list]:
    if isinstance(value, str):
        return [loc] if "\x00" in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in nul_locs(item, [*loc, key])]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in nul_locs(item, [*loc, index])]
    return []


class TextParser(Parser):
    """ninja's JSON parser, refusing a NUL character anywhere in the query or the body."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if locs := nul_locs(data, ["body"]):
            raise NulCharacter(locs)  # ninja wraps it in a 400: `on_http_error` answers 422
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        source = "query" if data is request.GET else "body"
        if locs := nul_locs(parsed, [source]):
            raise NulCharacter(locs)
        return parsed


def install(api):
    """Replace ninja's English handlers on `api`, and its parser by `TextParser`."""
    api.parser = TextParser()

    def on_validation_error(request, exc: ValidationError):
        return api.create_response(request, {"detail": validation_detail(exc.errors)}, status=422)

    def on_not_found(request, exc: Http404):
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def on_unauthorized(request, exc: AuthenticationError):
        response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="maillon"'
        return response

    def on_too_many_token_failures(request, exc: TooManyTokenFailures):
        response = api.create_response(request, {"detail": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_nul_character(request, exc: NulCharacter):
        return api.create_response(request, exc.body(), status=422)

    def on_http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, NulCharacter):
            return on_nul_character(request, exc.__cause__)
        message = UNREADABLE_BODY if exc.message.startswith("Cannot parse request body") else exc.message
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def on_forbidden(request, exc: PermissionDenied):
        return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)

    def on_transition_not_allowed(request, exc: TransitionNotAllowed):
        return api.create_response(request, conflict_body(exc), status=409)

    def on_invalid_field(request, exc: InvalidField):
        return api.create_response(request, exc.body(), status=422)

    def on_body_too_large(request, exc: RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, not a server error.
        return api.create_response(request, {"detail": body_too_large_message()}, status=413)

    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(TransitionNotAllowed, on_transition_not_allowed)
    api.add_exception_handler(InvalidField, on_invalid_field)
    api.add_exception_handler(RequestDataTooBig, on_body_too_large)
    api.add_exception_handler(NulCharacter, on_nul_character)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(AuthenticationError, on_unauthorized)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(TooManyTokenFailures, on_too_many_token_failures)


def body_too_large_message() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1_000_000:.1f} Mo".replace(".", ",") if limit else "la taille permise"
    return BODY_TOO_LARGE.format(limit=size)


def import_refused(errors) -> Status:
    """A refused import (`core.imports.api_errors`): 422 in the one shape, an item per error at
    `["body", field]` (the whole file, or a field of the form) or `["body", "file", line, column]`."""
    items = [
        {
            "loc": ["body", error["field"]]
            if error["line"] is None
            else ["body", "file", error["line"], error["field"]],
            "msg": error["message"],
        }
        for error in errors
    ]
    return Status(422, {"detail": items})


def validation_error_response(loc, messages):
    """A 422 answer in the same shape as the request validation errors."""
    return Status(422, validation_body(loc, messages))


def validation_body(loc, messages) -> dict:
    return {"detail": [{"loc": list(loc), "msg": message} for message in messages]}


def conflict(error: DjangoValidationError) -> HttpError:
    """A rule of the domain refused the write: 409 with its French message. A refused
    transition is re-raised for the handler above, whose 409 also gives the current state."""
    if isinstance(error, TransitionNotAllowed):
        raise error
    return HttpError(409, " ".join(error.messages))


@contextmanager
def refusals_as_409(*body_fields, renames=None):
    """The domain's refusal of a write made in the block answers 409 (see `conflict`), or 422
    (`InvalidField`) when it names one of `body_fields` (`renames`: the domain's name of a
    field → the body's)."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            fields = {}
            for name, messages in error.message_dict.items():
                fields.setdefault((renames or {}).get(name, name), []).extend(messages)
            if set(fields) & set(body_fields):
                raise InvalidField(fields=fields) from error
        raise conflict(error) from error


def conflict_body(exc: TransitionNotAllowed) -> dict:
    return {"detail": exc.detail, "status": exc.status, "status_label": exc.status_label}


def conflict_response(exc: TransitionNotAllowed):
    """A 409 answer for an illegal transition caught inside an operation."""
    return Status(409, conflict_body(exc))


def route_not_found(request, exception):
    """Django's 404 for a path no route matches (an id that is not a number included):
    the API's JSON shape under /api/, the site's French page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return page_not_found(request, exception)
