"""End-to-end journeys in headless Chromium, against pytest-django's live server.

The browser is the system's Chromium (Debian package `chromium`), never one that
Playwright downloads: `MAILLON_E2E_CHROMIUM` names it, else `chromium` on the PATH.
Without it, every e2e test is skipped with the reason, so `make test` still runs.
"""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

# Playwright's sync API keeps an asyncio loop running in this thread while the
# browser lives; Django would take every ORM call of the test for async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = os.path.dirname(__file__)
# Generous for a loaded CI machine, short enough that a wrong locator fails fast.
TIMEOUT_MS = 30_000  # generous: CI machines run the suite on every core at once


def chromium_path() -> str | None:
    return os.environ.get("MAILLON_E2E_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    """The e2e tests last: the browser's event loop then never runs beside the other tests
    of the worker (under xdist each worker takes the tests in this order)."""
    items.sort(key=lambda item: str(item.path).startswith(E2E_DIR))


@pytest.fixture(autouse=True)
def _purge_the_journal_before_the_flush(request):
    """On SQLite the flush deletes tables in no set order: if the purge permit goes first,
    the append-only trigger refuses to delete what the journey journaled. Purge first."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from maillon.core.models import JournalEntry

    JournalEntry.purge_older_than(timezone.now() + datetime.timedelta(days=1))


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip(
            "No Chromium: install the Debian package (`apt-get install chromium`, or `make e2e` as root) "
            "or set MAILLON_E2E_CHROMIUM to its path."
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def new_page(browser, base_url):
    """`new_page()`: a page in a fresh context (its own cookies), as another person's browser."""
    contexts = []

    def make():
        context = browser.new_context(base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
