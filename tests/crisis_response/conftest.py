import pytest

from maillon.crisis_response.factories import AlertLevelFactory, AlertLevelMemberFactory
from maillon.crisis_response.sms import ConsoleSmsBackend
from maillon.members.factories import MembershipFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import TerritoryCommune

from ..conftest import verified_client


@pytest.fixture(autouse=True)
def _fresh_sms_console(settings, monkeypatch):
    settings.MAILLON_SMS_BACKEND = "maillon.crisis_response.sms.ConsoleSmsBackend"
    monkeypatch.delenv("MAILLON_SMS_CONSOLE_LEDGER", raising=False)
    ConsoleSmsBackend.forget()
    yield
    ConsoleSmsBackend.forget()


def make_member(cpts, *, phone="06 12 34 56 78", email=True, **kwargs):
    membership = MembershipFactory(cpts=cpts, professional__phone=phone, **kwargs)
    if not email:
        membership.professional.email = ""
        membership.professional.save()
    return membership.professional


@pytest.fixture
def chain(cpts):
    """Two levels: two members each; level 1 waits 15 minutes."""
    first = AlertLevelFactory(cpts=cpts, rank=1, name="Référents", wait_minutes=15)
    second = AlertLevelFactory(cpts=cpts, rank=2, name="Renforts", wait_minutes=30)
    members = {1: [make_member(cpts), make_member(cpts)], 2: [make_member(cpts), make_member(cpts)]}
    for level, rank in ((first, 1), (second, 2)):
        for professional in members[rank]:
            AlertLevelMemberFactory(level=level, professional=professional)
    return members


@pytest.fixture
def authority(cpts):
    from maillon.core.factories import UserFactory

    user = UserFactory(with_totp=True)
    departement = TerritoryCommune.objects.filter(cpts=cpts).first().commune.departement
    TerritoryRoleFactory(user=user, role="authority", departement=departement)
    return user


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)
