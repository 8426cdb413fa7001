"""The API of the CPTS's own ads (maillon/api/support.py): members and coordinators submit ads; a
coordinator's is published at once, a member's waits for the coordinators, who publish or refuse
it; its author or a coordinator marks it « pourvue » or withdraws it. A member reads their own ads
and the published ones."""

import datetime

import pytest
from django.utils import timezone

from maillon.support.factories import AdFactory
from maillon.support.models import Ad, AdStatus

from .api_helpers import call, field_errors, people, support_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ad_body(**changes):
    return {
        "kind": "replacement",
        "title": "Remplacements en médecine générale",
        "description": "Deux jours par semaine, patientèle variée.",
        "profession": "10",
        "commune": "78646",
        "contact_name": "Dr Martin",
        "contact_email": "martin@example.org",
        "expires_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
        **changes,
    }


def test_a_member_s_ad_waits_for_moderation_a_coordinator_s_is_published(cpts):
    world = people(cpts)
    url = support_url(cpts, "ads")
    author = world.headers("author")
    assert list(field_errors(call("post", url, author, ad_body(commune="99999")))) == ["commune"]
    assert list(field_errors(call("post", url, author, ad_body(contact_email="", contact_phone="")))) == [
        "contact_email"
    ]
    past = (TODAY - datetime.timedelta(days=1)).isoformat()
    assert list(field_errors(call("post", url, author, ad_body(expires_on=past)))) == ["expires_on"]
    assert list(field_errors(call("post", url, author, ad_body(title="x" * 121)))) == ["title"]
    assert not Ad.objects.exists()
    waiting = call("post", url, author, ad_body())
    assert waiting.status_code == 201, waiting.content
    assert (waiting.json()["status"], waiting.json()["published_on"], waiting.json()["can_edit"]) == (
        "submitted",
        None,
        True,
    )
    published = call("post", url, world.headers("coordinator"), ad_body(title="Cabinet à céder"))
    assert (published.json()["status"], published.json()["published_on"]) == ("published", TODAY.isoformat())
    # The public list shows the published one only.
    assert [item["id"] for item in call("get", "/ads").json()["items"]] == [published.json()["id"]]
    for role in ("authority", "outsider", "admin"):
        assert call("post", url, world.headers(role), ad_body()).status_code == 404, role


def test_a_member_reads_their_own_ads_and_the_published_ones_the_coordinators_all_waiting_first(cpts):
    world = people(cpts)
    own = AdFactory(cpts=cpts, author=world.users["author"])
    others = AdFactory(cpts=cpts)
    published = AdFactory(cpts=cpts, published=True, created_at=timezone.now() + datetime.timedelta(minutes=1))
    url = support_url(cpts, "ads")
    assert {item["id"] for item in call("get", url, world.headers("author")).json()["items"]} == {own.pk, published.pk}
    assert call("get", f"{url}/{others.pk}", world.headers("author")).status_code == 404
    listed = [item["id"] for item in call("get", url, world.headers("coordinator")).json()["items"]]
    assert listed == [others.pk, own.pk, published.pk]
    assert call("get", url, world.headers("coordinator"), status="published").json()["count"] == 1


def test_the_coordinator_publishes_or_refuses_with_a_reason(cpts):
    world = people(cpts)
    first = AdFactory(cpts=cpts, author=world.users["author"])
    second = AdFactory(cpts=cpts, author=world.users["author"])
    url = support_url(cpts, "ads")
    assert call("post", f"{url}/{first.pk}/publish", world.headers("author"), {}).status_code == 403
    published = call("post", f"{url}/{first.pk}/publish", world.headers("coordinator"), {})
    assert (published.status_code, published.json()["status"]) == (200, "published")
    again = call("post", f"{url}/{first.pk}/publish", world.headers("coordinator"), {})
    assert (again.status_code, again.json()["status"]) == (409, "published")
    assert list(field_errors(call("post", f"{url}/{second.pk}/refuse", world.headers("coordinator"), {}))) == ["note"]
    refused = call("post", f"{url}/{second.pk}/refuse", world.headers("coordinator"), {"note": "Hors territoire"})
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == ("refused", "Hors territoire")
    # The author reads why, and can no longer change it.
    mine = call("get", f"{url}/{second.pk}", world.headers("author")).json()
    assert (mine["refusal_reason"], mine["can_edit"]) == ("Hors territoire", False)
    assert call("patch", f"{url}/{second.pk}", world.headers("author"), {"title": "Autre"}).status_code == 409


def test_the_author_edits_while_it_waits_the_coordinator_also_once_published(cpts):
    world = people(cpts)
    ad = AdFactory(cpts=cpts, author=world.users["author"])
    url = support_url(cpts, f"ads/{ad.pk}")
    assert call("patch", url, world.headers("member"), {"title": "Autre"}).status_code == 404
    assert list(field_errors(call("patch", url, world.headers("author"), {"description": None}))) == ["description"]
    changed = call("patch", url, world.headers("author"), {"title": "Remplacement le jeudi", "starts_on": None})
    assert (changed.status_code, changed.json()["title"]) == (200, "Remplacement le jeudi")
    ad.publish(by=world.users["coordinator"])
    assert call("patch", url, world.headers("author"), {"title": "Encore"}).status_code == 403
    assert call("patch", url, world.headers("coordinator"), {"title": "Encore"}).json()["title"] == "Encore"


def test_the_author_marks_it_filled_or_withdraws_it(cpts):
    world = people(cpts)
    ad = AdFactory(cpts=cpts, author=world.users["author"], published=True)
    waiting = AdFactory(cpts=cpts, author=world.users["author"])
    url = support_url(cpts, "ads")
    assert call("post", f"{url}/{ad.pk}/fill", world.headers("member"), {}).status_code == 403
    filled = call("post", f"{url}/{ad.pk}/fill", world.headers("author"), {})
    assert (filled.status_code, filled.json()["status"], filled.json()["filled_on"]) == (
        200,
        "filled",
        TODAY.isoformat(),
    )
    assert call("post", f"{url}/{ad.pk}/withdraw", world.headers("author"), {}).status_code == 409
    assert call("post", f"{url}/{waiting.pk}/fill", world.headers("author"), {}).status_code == 409
    withdrawn = call("post", f"{url}/{waiting.pk}/withdraw", world.headers("coordinator"), {"note": "Doublon"})
    assert withdrawn.json()["status"] == AdStatus.WITHDRAWN
