"""Public forms throttled per address (`maillon.core.throttle`), counted in the database."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from maillon.core import throttle
from maillon.core.factories import ThrottleAttemptFactory
from maillon.core.models import ThrottleAttempt

pytestmark = pytest.mark.django_db

SCOPE = "prevention_registration"


def request_from(address, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_an_address_is_refused_beyond_the_hourly_rate(settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 3
    request = request_from("203.0.113.7")
    assert [throttle.allow(request, SCOPE) for _ in range(4)] == [True, True, True, False]


def test_another_address_or_another_form_keeps_its_own_count(settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    assert throttle.allow(request_from("203.0.113.7"), SCOPE)
    assert not throttle.allow(request_from("203.0.113.7"), SCOPE)
    assert throttle.allow(request_from("203.0.113.8"), SCOPE)
    assert throttle.allow(request_from("203.0.113.7"), "members_join")


def test_attempts_older_than_an_hour_no_longer_count(settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    request = request_from("203.0.113.7")
    earlier = timezone.now() - datetime.timedelta(minutes=61)
    assert throttle.allow(request, SCOPE, now=earlier)
    assert throttle.allow(request, SCOPE)


def test_a_refused_attempt_is_not_counted(settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    request = request_from("203.0.113.7")
    throttle.allow(request, SCOPE)
    throttle.allow(request, SCOPE)
    assert ThrottleAttempt.objects.count() == 1


def test_the_address_is_stored_only_as_a_keyed_digest(settings):
    throttle.allow(request_from("203.0.113.7"), SCOPE)
    row = ThrottleAttempt.objects.get()
    assert "203.0.113.7" not in row.key_digest
    assert len(row.key_digest) == 64
    assert row.key_digest == throttle.digest("203.0.113.7")
    settings.SECRET_KEY = "une-autre-clé-secrète-pour-ce-test-uniquement-0123456789"
    assert throttle.digest("203.0.113.7") != row.key_digest


def test_attempts_older_than_a_day_are_deleted_as_new_ones_come():
    old = ThrottleAttemptFactory(at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    recent = ThrottleAttemptFactory(at=timezone.now() - datetime.timedelta(hours=2))
    throttle.allow(request_from("203.0.113.7"), SCOPE)
    assert not ThrottleAttempt.objects.filter(pk=old.pk).exists()
    assert ThrottleAttempt.objects.filter(pk=recent.pk).exists()


def test_forwarded_for_is_ignored_unless_behind_the_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    assert throttle.client_address(request_from("10.0.0.1", "203.0.113.7")) == "10.0.0.1"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The first entry is whatever the client sent; the last one is what the proxy saw.
    assert throttle.client_address(request_from("10.0.0.1", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    assert throttle.client_address(request_from("10.0.0.1")) == "10.0.0.1"


def test_an_ipv6_client_is_counted_by_its_whole_64_network():
    from maillon.core.throttle import network_of

    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:192.0.2.7") == network_of("192.0.2.7") == "192.0.2.7"
