"""One member at a time (the API): the import's rules for a single record."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .. import services
from ..models import (
    Membership,
    Professional,
)
from .platform import check_rows
from .rows import CARD_ELSEWHERE, Outcome, Row
from .writing import new_place, new_professional

# --- One member at a time (the API) -------------------------------------------------


def check_record(cpts, values: dict[str, str]) -> Row:
    """The import's rules for one member given as {column key: text}."""
    return check_rows(cpts, [(1, values)])[0]


def enrol_record(cpts, row: Row, *, by) -> Membership:
    """Write one checked row with the ordinary saves (each journaled).

    Raises ValidationError(code="already_member") when the professional already has
    an open adhesion, including when another request wins a race.
    """
    if row.errors or row.outcome is None or row.is_structure:
        raise ValueError("enrol_record needs a checked row of a professional, without errors")
    if row.outcome == Outcome.SKIP:
        raise ValidationError(services.ALREADY_MEMBER, code="already_member")
    if row.outcome == Outcome.ELSEWHERE:
        raise ValidationError(CARD_ELSEWHERE, code="card_elsewhere")
    try:
        with transaction.atomic():
            professional = save_professional(row)
            return services.enrol(
                cpts,
                by=by,
                professional=professional,
                college=row.college,
                involvement=row.involvement,
                card_existed=row.outcome == Outcome.REUSE,
                missions=row.missions,
            )
    except IntegrityError as error:  # the same RPPS saved meanwhile by another request
        raise ValidationError(services.ALREADY_MEMBER, code="already_member") from error


def save_professional(row: Row) -> Professional:
    if row.outcome == Outcome.REUSE:
        return Professional.objects.get(pk=row.existing_id)
    professional = new_professional(row)
    professional.save()
    professional.languages.set(row.languages)
    if row.commune:
        new_place(row, professional.pk).save()
    return professional
