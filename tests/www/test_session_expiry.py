"""Sessions end (issue 19): after MAILLON_SESSION_IDLE_MINUTES without activity and
MAILLON_SESSION_MAX_HOURS after the login. The person is logged out, the journal says why,
the login page tells them in French and brings them back; polling is not activity."""

import html
import time

import pytest
from django.conf import settings
from django.urls import reverse

from maillon.core.journal import Action
from maillon.core.middleware import POLL_HEADER, SESSION_ACTIVITY_KEY, SESSION_STARTED_KEY
from maillon.core.models import JournalEntry
from maillon.discussions import services as discussions
from maillon.discussions.models import DiscussionSpace, SpaceKind
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

MINUTE, HOUR = 60, 3600
IDLE_MESSAGE = "Votre session a expiré après 30 minutes d'inactivité : reconnectez-vous pour continuer."


def stamp(client, *, started_ago, active_ago):
    """The session began `started_ago` seconds ago and was last active `active_ago` seconds ago."""
    now = int(time.time())
    session = client.session
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_ACTIVITY_KEY] = now - active_ago
    session.save()
    return now


def logouts(user):
    return list(JournalEntry.objects.filter(action=Action.LOGOUT, actor_id=user.pk).values_list("note", flat=True))


@pytest.fixture
def dashboard(cpts):
    return reverse("cpts_dashboard", args=[cpts.slug])


def test_the_settings_default_to_thirty_minutes_twelve_hours_and_the_cookie_dies_with_the_session():
    assert settings.MAILLON_SESSION_IDLE_MINUTES == 30
    assert settings.MAILLON_SESSION_MAX_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * HOUR


def test_thirty_minutes_idle_logs_out_journals_and_sends_to_the_login_with_the_page_to_come_back_to(
    coordinator, dashboard
):
    client = verified_client(coordinator)
    stamp(client, started_ago=HOUR, active_ago=31 * MINUTE)

    response = client.get(dashboard)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={dashboard}"
    assert logouts(coordinator) == ["session expirée : 30 minutes d'inactivité"]
    login_page = client.get(response["Location"])
    assert IDLE_MESSAGE in html.unescape(login_page.content.decode())
    # Logged out for good: the space asks for the login again, nothing more is journaled.
    assert client.get(dashboard)["Location"].startswith(reverse("login"))
    assert len(logouts(coordinator)) == 1


def test_twenty_nine_minutes_idle_still_works_and_counts_as_activity(coordinator, dashboard):
    client = verified_client(coordinator)
    now = stamp(client, started_ago=HOUR, active_ago=29 * MINUTE)

    assert client.get(dashboard).status_code == 200
    assert client.session[SESSION_ACTIVITY_KEY] >= now
    assert logouts(coordinator) == []


def test_activity_is_written_at_most_once_a_minute(coordinator, dashboard):
    client = verified_client(coordinator)
    now = stamp(client, started_ago=HOUR, active_ago=30)

    assert client.get(dashboard).status_code == 200
    assert client.session[SESSION_ACTIVITY_KEY] == now - 30  # not saved again within the minute


def test_twelve_hours_after_the_login_the_session_ends_even_when_active(coordinator, dashboard):
    client = verified_client(coordinator)
    stamp(client, started_ago=12 * HOUR + 1, active_ago=MINUTE)

    response = client.get(dashboard)

    assert response["Location"] == f"{reverse('login')}?next={dashboard}"
    assert logouts(coordinator) == ["session expirée : 12 heures depuis la connexion"]
    assert "elle dure au plus 12 heures" in client.get(response["Location"]).content.decode()


def test_the_login_starts_the_clocks_so_the_next_request_writes_nothing(coordinator, dashboard):
    before = int(time.time())
    client = verified_client(coordinator)  # auth.login, as the login pages do
    stamps = (client.session[SESSION_STARTED_KEY], client.session[SESSION_ACTIVITY_KEY])

    assert stamps[0] >= before and stamps[1] >= before
    assert client.get(dashboard).status_code == 200
    assert (client.session[SESSION_STARTED_KEY], client.session[SESSION_ACTIVITY_KEY]) == stamps


def test_a_session_opened_before_the_rule_starts_its_clocks_at_its_next_request(coordinator, dashboard):
    client = verified_client(coordinator)
    session = client.session
    del session[SESSION_STARTED_KEY], session[SESSION_ACTIVITY_KEY]
    session.save()
    before = int(time.time())

    assert client.get(dashboard).status_code == 200
    assert client.session[SESSION_STARTED_KEY] >= before
    assert client.session[SESSION_ACTIVITY_KEY] >= before


def test_the_idle_limit_is_a_setting(coordinator, dashboard, settings):
    settings.MAILLON_SESSION_IDLE_MINUTES = 5
    client = verified_client(coordinator)
    stamp(client, started_ago=HOUR, active_ago=6 * MINUTE)

    assert client.get(dashboard)["Location"].startswith(reverse("login"))
    assert logouts(coordinator) == ["session expirée : 5 minutes d'inactivité"]


@pytest.fixture
def topic(cpts, coordinator):
    discussions.ensure_cpts_spaces(cpts)
    space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    return discussions.start_topic(space, title="Garde", body="Qui prend samedi ?", by=coordinator).topic


def poll(client, topic):
    """What the open topic's poller sends every MAILLON_DISCUSSION_POLL_SECONDS."""
    page = f"http://testserver{reverse('discussions_topic', args=[topic.pk])}"
    return client.get(
        reverse("discussions_topic_new_messages", args=[topic.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": page, POLL_HEADER: "1"},
    )


def test_the_topic_poller_says_it_is_polling(client, coordinator, topic):
    page = verified_client(coordinator).get(reverse("discussions_topic", args=[topic.pk])).content.decode()

    assert f'hx-headers=\'{{"{POLL_HEADER}": "1"}}\'' in page


def test_polling_does_not_keep_a_session_alive(coordinator, topic):
    client = verified_client(coordinator)
    now = stamp(client, started_ago=HOUR, active_ago=29 * MINUTE)

    assert poll(client, topic).status_code == 200
    assert client.session[SESSION_ACTIVITY_KEY] == now - 29 * MINUTE  # not activity

    stamp(client, started_ago=HOUR, active_ago=31 * MINUTE)
    expired = poll(client, topic)

    # htmx loads the login as a whole page, which brings back to the topic (not to the fragment).
    topic_page = reverse("discussions_topic", args=[topic.pk])
    assert expired["HX-Redirect"] == f"{reverse('login')}?next={topic_page}"
    assert logouts(coordinator) == ["session expirée : 30 minutes d'inactivité"]


def test_the_way_back_is_never_another_site(coordinator, topic):
    client = verified_client(coordinator)
    stamp(client, started_ago=HOUR, active_ago=31 * MINUTE)

    expired = client.get(
        reverse("discussions_topic_new_messages", args=[topic.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": "https://ailleurs.example.org/piege/"},
    )

    assert expired["HX-Redirect"] == reverse("login")


def test_a_form_posted_after_the_limit_brings_back_to_the_page_it_came_from(coordinator, dashboard):
    client = verified_client(coordinator)
    stamp(client, started_ago=HOUR, active_ago=31 * MINUTE)

    response = client.post(reverse("account_notifications_read"), headers={"Referer": f"http://testserver{dashboard}"})

    assert response["Location"] == f"{reverse('login')}?next={dashboard}"


def test_an_api_call_with_an_expired_session_is_refused_as_anonymous(coordinator, cpts):
    client = verified_client(coordinator)
    stamp(client, started_ago=HOUR, active_ago=31 * MINUTE)

    response = client.get(f"/api/v1/cpts/{cpts.pk}/mt/queue")

    assert response.status_code == 401
    assert logouts(coordinator) == ["session expirée : 30 minutes d'inactivité"]


def test_an_api_token_is_not_a_session(api_client, coordinator, cpts, token_headers):
    response = api_client.get("/api/v1/me", **token_headers(coordinator))

    assert response.status_code == 200
    assert logouts(coordinator) == []
