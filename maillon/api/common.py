"""What the routers share: the router of the operations on a CPTS's data and the errors
they document, the CPTS and the objects they answer 404 for, pagination, and the request
body of an operation that reads an uploaded file itself.

The rules stay in the apps' policies: a lookup here is handed the policy to ask.
"""

from typing import Annotated

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router
from ninja.constants import NOT_SET
from ninja.errors import HttpError

from maillon.core.access import resolve_cpts

from .errors import InvalidField
from .schemas import ERRORS, WRITE_ERRORS

CPTS_NOT_FOUND = "CPTS introuvable."
REQUIRED = "{label} : ce champ est obligatoire."


class CptsRouter(Router):
    """A router of private operations on a CPTS's data. Each operation documents, besides the
    answers it declares, the errors of its kind: `read_errors` for a GET, `write_errors` for
    the others (see `schemas.ERRORS`). So an operation names its success answer
    (`response=Out`, `response={201: Out}`) and only what differs from the defaults (a
    transition's `409: ConflictOut`). A public operation (`auth=None`) declares all its answers.
    """

    def __init__(self, *, read_errors=ERRORS, write_errors=WRITE_ERRORS, **kwargs):
        super().__init__(**kwargs)
        self.read_errors, self.write_errors = read_errors, write_errors

    def add_api_operation(self, path, methods, view_func, *, auth=NOT_SET, response=NOT_SET, **kwargs):
        if auth is not None:
            response = with_errors(response, self.read_errors if methods == ["GET"] else self.write_errors)
        super().add_api_operation(path, methods, view_func, auth=auth, response=response, **kwargs)


def with_errors(response, errors) -> dict:
    """The answers of `response` (a schema is the 200 one) with the `errors` it does not name:
    success answers first, then the errors, the operation's own answer for a code winning."""
    answers = response if isinstance(response, dict) else {200: response}
    return {**{code: out for code, out in answers.items() if code < 400}, **errors, **answers}


def get_cpts_or_404(cpts_id):
    try:
        return resolve_cpts(pk=cpts_id)
    except Http404 as error:
        raise HttpError(404, CPTS_NOT_FOUND) from error


def cpts_or_404(request, cpts_id, can_see):
    """The CPTS; 404, as for a CPTS that does not exist, unless `can_see(user, cpts)`."""
    cpts = get_cpts_or_404(cpts_id)
    if not can_see(request.auth, cpts):
        raise HttpError(404, CPTS_NOT_FOUND)
    return cpts


def first_or_404(rows, message, user=None, can_see=None):
    """The first of `rows`; 404 with `message` without one, or (as a missing one) when
    `can_see(user, it)` refuses it."""
    found = rows.first()
    if found is None or (can_see is not None and not can_see(user, found)):
        raise HttpError(404, message)
    return found


# --- Pagination ---------------------------------------------------------------------------
# Every list of the API pages with these types (docs/api.md): `page` from 1 to MAX_PAGE, else
# 422 on `["query", "page"]`; a page past the last one answers its empty `items` and the `count`.
# So no page number reaches the database as an offset that overflows (a 500 before).

MAX_PAGE = 10_000

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"À partir de 1, {MAX_PAGE} au plus")]


def page_size(maximum):
    """The type of a `page_size` parameter of at most `maximum` rows."""
    return Annotated[int, Query(ge=1, le=maximum, description=f"{maximum} au plus")]


PageSize = page_size(100)


def page_of(rows, page, size) -> tuple[list, int]:
    """(the rows of page `page`, counted from 1; how many rows in all), of a queryset or a list.
    A page past the last is empty, without asking the database for it."""
    count = len(rows) if isinstance(rows, list) else rows.count()
    start = (page - 1) * size
    if page < 1 or start >= count:
        return [], count
    return list(rows[start : start + size]), count


# --- Request bodies -----------------------------------------------------------------------


def label_of(model, field) -> str:
    """The French name of a field of `model`, capitalised; empty for a name it does not have."""
    try:
        name = str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return ""
    return name[:1].upper() + name[1:]


def required(model, payload, names):
    """422 on a required field sent as null in a PATCH."""
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) is None:
            raise InvalidField(name, [REQUIRED.format(label=label_of(model, name))])


def aware(moment):
    """A date and time without a zone is Paris time."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


# --- Uploads ------------------------------------------------------------------------------


def multipart_body(properties, required):
    """`openapi_extra` of an operation that reads its multipart form (a file) from the request."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}
