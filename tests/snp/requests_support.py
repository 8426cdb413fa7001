"""Shared set-up of the request tests: communes at known points, members, slots and requests."""

import datetime

from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.snp.factories import AgendaFactory, SlotFactory
from maillon.snp.models import Agenda, RequesterKind
from maillon.snp.requests import create_request
from maillon.territories.factories import CommuneFactory, DepartementFactory

# Yvelines: the SAS radius is 10 km, widened by 5 km.
ORIGIN = (48.80, 2.10)
KM_PER_DEGREE_LATITUDE = 111.2


def commune_north(km: float, code: str, departement="78"):
    """A commune `km` north of ORIGIN (same longitude)."""
    latitude = ORIGIN[0] + km / KM_PER_DEGREE_LATITUDE
    return CommuneFactory(
        code=code,
        name=f"Commune {code}",
        latitude=latitude,
        longitude=ORIGIN[1],
        departement=DepartementFactory(code=departement),
    )


def origin_commune(code="78001"):
    return commune_north(0, code)


def member_professional(cpts, *, commune, takes_part_in_snp=False, **fields):
    """A professional with an account, a member role and an active adhesion, practising in `commune`."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user, takes_part_in_snp=takes_part_in_snp, **fields)
    MembershipFactory(cpts=cpts, professional=professional)
    PracticePlaceFactory(professional=professional, commune=commune)
    return professional


def slot_for(professional, cpts, *, hours_ahead=2, **fields):
    place = professional.practice_places.first()
    agenda = Agenda.objects.filter(cpts=cpts, practice_place=place).first() or AgendaFactory(
        cpts=cpts, practice_place=place, professional=professional
    )
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=hours_ahead)
    return SlotFactory(agenda=agenda, start=start, **fields)


def new_request(cpts, *, by, commune, kind=RequesterKind.MEMBER, **fields):
    data = {
        "first_name": "Jeanne",
        "last_name": "Durand",
        "birth_date": datetime.date(1970, 1, 2),
        "phone": "0612345678",
        "commune": commune,
        "reason": "Fièvre",
        "urgency": "24h",
        "profession": "10",
        **fields,
    }
    return create_request(cpts, by=by, requester_kind=kind, **data)
