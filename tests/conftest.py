import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import ApiToken, JournalEntry, JournalPurgePermit
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory


@pytest.fixture(autouse=True)
def _let_transactional_tests_flush_the_journal(request):
    """The journal refuses deletes without a purge permit; a transactional
    test's teardown empties every table, so it gets one."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    # On SQLite the flush deletes tables in no set order: should the permit go before the
    # journal, the trigger would refuse. Purge the journal first, then leave a permit.
    JournalEntry.purge_older_than(timezone.now() + datetime.timedelta(days=1))
    JournalPurgePermit.objects.create()


@pytest.fixture(autouse=True)
def _registry_as_the_apps_left_it():
    """A test that registers or removes an indicator or a fact in the ACI registry does
    it for itself only."""
    from maillon.contracts import registry

    with registry.isolated():
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Real hashers are slow on purpose; tests check the flows, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def verified_client(user) -> Client:
    """A client logged in with password and second factor, as after a real login."""
    client = Client()
    client.force_login(user)
    device = user.totpdevice_set.first()
    if device is None:
        from maillon.core.factories import TOTPDeviceFactory

        device = TOTPDeviceFactory(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def cpts(db):
    cpts = CptsFactory(name="CPTS Plaine de Versailles", slug="plaine-de-versailles")
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(code="78646", name="Versailles", population=83_000))
    return cpts


@pytest.fixture
def other_cpts(db):
    cpts = CptsFactory(name="CPTS Boucle de Seine", slug="boucle-de-seine")
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(code="78498", name="Le Pecq", population=16_000))
    return cpts


@pytest.fixture
def coordinator(cpts):
    return CptsRoleFactory(cpts=cpts, coordinator=True, user=UserFactory(with_totp=True)).user


@pytest.fixture
def member(cpts):
    return CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user


@pytest.fixture
def api_client():
    return Client()


@pytest.fixture
def token_headers(db):
    """`token_headers(user)`: the Authorization header of a fresh real token of `user`."""

    def make(user):
        _, plain = ApiToken.issue(user, "Tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    return make
