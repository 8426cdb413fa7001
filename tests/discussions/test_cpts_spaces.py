"""A CPTS's spaces: the space of all members and one per mission it runs — the four socle
missions before any contract, the contract's missions once signed — created once, whoever
asks first; a mission later taken out keeps its space and history."""

import datetime

import pytest

from maillon.contracts.factories import ContractFactory, MissionCommitmentFactory
from maillon.core.factories import CptsFactory
from maillon.core.missions import SOCLE, Mission
from maillon.core.models import CptsStatus
from maillon.discussions import services
from maillon.discussions.models import DiscussionSpace, SpaceKind

pytestmark = pytest.mark.django_db


def spaces_of(cpts):
    return sorted(
        DiscussionSpace.objects.filter(cpts=cpts).values_list("kind", "mission", "name"), key=lambda row: row[1] or 0
    )


def test_cpts_spaces_follow_the_contracts_missions():
    cpts = CptsFactory()
    services.ensure_cpts_spaces(cpts)
    assert spaces_of(cpts) == [
        (SpaceKind.MEMBERS, None, "Tous les adhérents"),
        (SpaceKind.MISSION, 1, "Accès aux soins"),
        (SpaceKind.MISSION, 2, "Parcours pluriprofessionnels"),
        (SpaceKind.MISSION, 3, "Prévention"),
        (SpaceKind.MISSION, 4, "Crises sanitaires graves"),
    ]

    contract = ContractFactory(cpts=cpts)
    for mission in (*SOCLE, Mission.QUALITY):
        MissionCommitmentFactory(contract=contract, mission=mission)
    services.ensure_cpts_spaces(cpts)
    services.ensure_cpts_spaces(cpts)  # idempotent

    assert [row[1] for row in spaces_of(cpts)] == [None, 1, 2, 3, 4, 5]
    assert DiscussionSpace.objects.get(cpts=cpts, mission=Mission.QUALITY).name == "Qualité et pertinence des soins"


def test_a_mission_taken_out_of_the_contract_keeps_its_space():
    cpts = CptsFactory()
    contract = ContractFactory(cpts=cpts)
    for mission in (*SOCLE, Mission.SUPPORT):
        MissionCommitmentFactory(contract=contract, mission=mission)
    services.ensure_cpts_spaces(cpts)
    support = DiscussionSpace.objects.get(cpts=cpts, mission=Mission.SUPPORT)

    contract.missions.filter(mission=Mission.SUPPORT).update(removed_on=datetime.date.today() - datetime.timedelta(1))
    services.ensure_cpts_spaces(cpts)

    assert DiscussionSpace.objects.filter(pk=support.pk).exists()
    assert DiscussionSpace.objects.filter(cpts=cpts).count() == 6


def test_the_spaces_of_one_cpts_are_not_another_s():
    one, other = CptsFactory(), CptsFactory()
    services.ensure_cpts_spaces(one)
    services.ensure_cpts_spaces(other)
    assert DiscussionSpace.objects.for_cpts(one).count() == DiscussionSpace.objects.for_cpts(other).count() == 5
    assert not set(DiscussionSpace.objects.for_cpts(one)) & set(DiscussionSpace.objects.for_cpts(other))


def test_a_dissolved_cpts_gets_no_new_space():
    cpts = CptsFactory(status=CptsStatus.DISSOLVED)
    services.ensure_cpts_spaces(cpts)
    assert not DiscussionSpace.objects.filter(cpts=cpts).exists()
