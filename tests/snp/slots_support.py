"""Shared set-up of the slot tests: a member doctor of the CPTS with a practice place."""

import datetime

from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.territories.models import Commune


def member_professional(cpts, **professional_fields):
    """A professional with an account, a role and an active adhesion in `cpts`, practising in Versailles."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user, **professional_fields)
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional, commune=Commune.objects.get(code="78646"))
    return professional


def tomorrow_at(hour, minute=0, days=1):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def next_dst_change() -> datetime.date:
    """The next Sunday when Paris changes its clocks (last Sunday of March or October)."""
    day = timezone.localdate() + datetime.timedelta(days=8)
    while True:
        before = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))
        after = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0)))
        if before.utcoffset() != after.utcoffset():
            return day
        day += datetime.timedelta(days=1)
