"""What the routers share: the CPTS and the objects they answer 404 for, pagination, and
the request body of an operation that reads an uploaded file itself.

The rules stay in the apps' policies: a lookup here is handed the policy to ask.
"""

from typing import Annotated

from django.http import Http404
from ninja import Query
from ninja.errors import HttpError

from maillon.core.access import resolve_cpts

CPTS_NOT_FOUND = "CPTS introuvable."


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

PageNumber = Annotated[int, Query(ge=1, description="À partir de 1")]


def page_size(maximum):
    """The type of a `page_size` parameter of at most `maximum` rows."""
    return Annotated[int, Query(ge=1, le=maximum, description=f"{maximum} au plus")]


PageSize = page_size(100)


def page_of(rows, page, size) -> tuple[list, int]:
    """(the rows of page `page`, counted from 1; how many rows in all), of a queryset or a list."""
    count = len(rows) if isinstance(rows, list) else rows.count()
    start = (page - 1) * size
    return list(rows[start : start + size]), count


# --- Uploads ------------------------------------------------------------------------------


def multipart_body(properties, required):
    """`openapi_extra` of an operation that reads its multipart form (a file) from the request."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}
