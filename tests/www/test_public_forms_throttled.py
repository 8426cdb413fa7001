"""Every public write endpoint is throttled per address (`core.throttle`): the guard that keeps
future public forms throttled.

- **Pages**: every route of the public allow-list (`core.routes.PUBLIC_ROUTES`) is posted to
  anonymously, with a real CPTS, object or link where it needs one (`EXAMPLES`). The POST must be
  refused (405), or go through `core.throttle` (a spy on `throttle.count`, which every throttle
  path asks), or the route must be in `EXEMPT` with its reason. A route exempted because it
  answers a POST as a GET must not read the posted body.
- **API**: every operation with `auth=None` and a method other than GET must call `throttle`
  (its function names it; its payload is validated before the function runs, so a probe with an
  empty body would not reach it), or be in `API_EXEMPT` with its reason.
"""

import pytest
from django.http.request import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from maillon.api.urls import api
from maillon.core import throttle
from maillon.core.factories import CptsFactory
from maillon.core.routes import PUBLIC_ROUTES
from maillon.creation import services as creation_services
from maillon.creation.factories import LetterOfIntentFactory
from maillon.creation.models import LetterStatus
from maillon.discussions.factories import DiscussionSpaceFactory
from maillon.prevention.factories import PublicSessionFactory

# Public routes that take a POST without the per-address throttle, each with its reason.
EXEMPT = {
    # Signed webhook: the SMS provider signs each reply (HMAC-SHA256 with MAILLON_SMS_INBOUND_SECRET,
    # 403 without); all replies come from the provider's few addresses, which a per-address limit
    # would silence.
    "sms_inbound": "signed webhook",
    # Writes nothing: ends the visitor's own session (none for an anonymous visitor).
    "logout": "ends one's own session",
    # Steps after the password: without a login in progress they send back to the login; with
    # one, every code is counted per address and per account (accounts_views/lockout.py,
    # tests/accounts/test_throttling_login.py).
    "login_second_factor": "counted by lockout.py",
    "login_totp_setup": "counted by lockout.py",
    # A link opened by GET (a POST is answered the same, its body unread); a wrong link counts
    # as a login failure of the login in progress.
    "login_totp_enrolment_link": "counted by lockout.py",
    # The htmx preview of a draft territory: writes and sends nothing, its size bounded by
    # MAILLON_LETTER_MAX_COMMUNES; filing the letter is throttled.
    "creation_letter_territory": "preview, writes nothing",
}
# Public pages that answer a POST as a GET (the body is never read: checked below).
ANSWERED_AS_GET = {
    "home",
    "commune_search",
    "cpts_list",
    "cpts_detail",
    "region_overview",
    "departement_overview",
    "legal_notice",
    "privacy",
    "accessibility",
    "aci_simulator",
    "mt_find",
    "creation_start",
    "snp_slots_feed",
    "static",
}
# Public API operations other than GET without a throttle, each with its reason.
API_EXEMPT = {
    # Computations on public figures: nothing stored, nothing sent; their work is bounded by
    # their payload's limits (a territory's communes, a year's lines).
    ("POST", "/territories/simulate"): "computes only",
    ("POST", "/aci/simulate"): "computes only",
}


def public_patterns():
    """(name, {URL argument: its converter}) of every public route of the project's URLs."""

    def walk(patterns, converters):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                yield from walk(pattern.url_patterns, {**converters, **pattern.pattern.converters})
            elif isinstance(pattern, URLPattern) and pattern.name in PUBLIC_ROUTES:
                yield pattern.name, {**converters, **pattern.pattern.converters}

    return sorted(dict(walk(get_resolver().url_patterns, {})).items())


@pytest.fixture
def examples(db):
    """{route: (URL arguments, posted data)} for the routes that need a real object to reach
    their form; other routes get the CPTS's slug and a made-up value for each argument."""
    cpts = CptsFactory()
    session = PublicSessionFactory(action__cpts=cpts, cpts=cpts)
    letter = LetterOfIntentFactory(status=LetterStatus.INFORMATION_REQUESTED)
    return cpts, {
        "prevention_session_public": ({"pk": session.pk}, {}),
        "discussions_group_signup": ({"space_id": DiscussionSpaceFactory(regional=True).pk}, {}),
        "creation_letter_new": ({}, {"file": "1"}),
        "creation_letter_follow": ({"token": creation_services.follow_token(letter)}, {"body": "Réponse"}),
        "mt_patient_status_export": ({"fmt": "pdf"}, {}),
        "login": ({}, {"email": "personne@example.org", "password": "x" * 12}),
        "password_reset": ({}, {"email": "personne@example.org"}),
    }


def url_of(name, converters, cpts, kwargs):
    if name == "static":
        return "/static/x.css"
    arguments = {}
    for argument, converter in converters.items():
        if argument in kwargs:
            arguments[argument] = kwargs[argument]
        elif argument == "cpts_slug":
            arguments[argument] = cpts.slug
        else:
            arguments[argument] = 1 if isinstance(converter, IntConverter) else "x"
    return reverse(name, kwargs=arguments)


def probe(client, url, data, monkeypatch):
    """POST anonymously: (status, whether core.throttle was asked, whether the body was read)."""
    asked, read = [], []
    count = throttle.count
    monkeypatch.setattr(throttle, "count", lambda *args, **kwargs: asked.append(args) or count(*args, **kwargs))
    load, body = HttpRequest._load_post_and_files, HttpRequest.body
    monkeypatch.setattr(HttpRequest, "_load_post_and_files", lambda self: read.append(1) or load(self))
    monkeypatch.setattr(HttpRequest, "body", property(lambda self: read.append(1) or body.fget(self)))
    response = client.post(url, data)
    monkeypatch.undo()
    return response.status_code, bool(asked), bool(read)


def test_the_lists_name_only_public_routes():
    names = {name for name, _ in public_patterns()}
    assert set(EXEMPT) <= names
    assert names | {"static"} >= ANSWERED_AS_GET


def test_every_public_page_that_takes_a_post_is_throttled(examples, monkeypatch):
    cpts, routes = examples
    unthrottled = []
    for name, converters in public_patterns():
        if name in EXEMPT:
            continue
        kwargs, data = routes.get(name, ({}, {}))
        status, throttled, read = probe(Client(), url_of(name, converters, cpts, kwargs), data, monkeypatch)
        if status == 405 or throttled:
            continue
        if name in ANSWERED_AS_GET and not read:
            continue
        unthrottled.append((name, status, "body read" if read else "body unread"))
    assert unthrottled == [], (
        "These public routes take a POST without core.throttle: add a throttle guard "
        "(maillon/www/throttled.py), or exempt them in this test with the reason."
    )


def test_a_refused_public_post_writes_nothing_and_says_why(examples, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 0
    cpts, _ = examples
    response = Client().post(reverse("members_join", args=[cpts.slug]), {"last_name": "Martin"})
    assert response.status_code == 429
    assert "Trop de demandes ont été envoyées depuis votre connexion" in response.text


def test_a_link_post_is_throttled_with_its_own_ceiling(settings, db):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 0
    settings.MAILLON_PUBLIC_LINK_RATE_PER_HOUR = 1
    url = reverse("crisis_response_ack", args=["pas-un-lien"])
    assert Client().post(url).status_code == 404  # the first one reaches the link, invalid
    refused = Client().post(url)
    assert refused.status_code == 429
    assert "Trop de tentatives depuis cette adresse : réessayez dans une heure." in refused.text


def public_api_writes():
    schema = api.get_openapi_schema(path_prefix="")
    operations = {
        api.get_openapi_operation_id(op): op
        for _, r in api._routers
        for v in r.path_operations.values()
        for op in v.operations
    }
    return {
        (method.upper(), path): operations[operation["operationId"]]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if operation.get("security") is None and method != "get"
    }


def test_every_public_api_write_is_throttled():
    writes = public_api_writes()
    assert set(API_EXEMPT) <= set(writes)
    unthrottled = sorted(
        key
        for key, operation in writes.items()
        if key not in API_EXEMPT and "throttle" not in operation.view_func.__code__.co_names
    )
    assert unthrottled == [], "Public API writes without core.throttle: add the guard or exempt them with the reason."
