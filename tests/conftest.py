import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import ApiToken, JournalEntry, JournalPurgePermit
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory


@pytest.fixture(autouse=True)
def _let_transactional_tests_flush_the_journal(request, settings):
    """The journal refuses deletes outside the retention purge; a transactional test's
    teardown empties every table. On PostgreSQL the flush truncates (the test connection is
    the tables' owner; no row trigger fires). On SQLite the flush deletes tables in no set
    order: empty the journal first under a permit, then leave a permit for the flush.

    Entries are not sealed on commit here (one on_commit callback fewer for tests that count
    them); the journal's own tests turn it on."""
    settings.MAILLON_JOURNAL_SEAL_ON_COMMIT = False
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor != "sqlite":
        return
    JournalPurgePermit.objects.create()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table}")


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


def api_headers(user, *, scopes=None) -> dict:
    """The headers of an API call as `user`: a fresh real personal token with every scope (or
    `scopes`); for a platform admin, whose tokens authenticate nothing unless
    MAILLON_API_SUPERUSER_TOKENS is on, their strong session's cookie instead (same rights)."""
    if user.is_superuser and not settings.MAILLON_API_SUPERUSER_TOKENS:
        session_key = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
        return {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
    _, plain = ApiToken.issue(user, "Tests", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def token_headers(db):
    """`token_headers(user)`: `api_headers(user)`, the Authorization header of a fresh real
    personal token of `user`, with every scope unless `scopes=[…]` says which
    (core.token_scopes); a platform admin's session (see `api_headers`)."""

    def make(user, *, scopes=None):
        return api_headers(user, scopes=scopes)

    return make


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() frozen at `clock.now`, moved with `clock.advance(seconds=…)`: the throttles'
    windows and delays (login, public forms, refused API tokens) are tested without sleeping."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen
