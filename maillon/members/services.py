"""Writes on adhesions that may race: one open adhesion per member and CPTS,
guarded by the database and translated into a French message."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Involvement, Membership

ALREADY_MEMBER = "Ce membre a déjà une adhésion en cours ou une demande en attente dans cette CPTS."


def request_membership(
    cpts, *, professional=None, structure=None, college=None, involvement=Involvement.MAILING_LIST, card_existed=False
):
    """A professional or a structure asks to join; the coordinator decides later."""
    if college is not None and college.cpts_id != cpts.pk:
        raise ValidationError({"college": "Ce collège n'appartient pas à cette CPTS."})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                cpts=cpts,
                professional=professional,
                structure=structure,
                college=college,
                involvement=involvement,
                card_existed=card_existed,
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_MEMBER, code="already_member") from error


def enrol(
    cpts,
    *,
    by,
    professional=None,
    structure=None,
    college=None,
    involvement=Involvement.MAILING_LIST,
    on=None,
    card_existed=False,
):
    """The coordinator adds a member directly (e.g. from an import): request and acceptance at once."""
    with transaction.atomic():
        membership = request_membership(
            cpts,
            professional=professional,
            structure=structure,
            college=college,
            involvement=involvement,
            card_existed=card_existed,
        )
        membership.accept(by=by, on=on)
    return membership
