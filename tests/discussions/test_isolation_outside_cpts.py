"""The discussion spaces' URLs outside /cpts/<slug>/ and /api/v1/cpts/{id}/ (those are walked by
tests/test_tenant_isolation.py): a CPTS's spaces are invisible to the people of another CPTS,
to the officers (authority, observer) and to the platform admin; a regional group to everyone
who is not in it — the people of a CPTS included. They get 404, as for what does not exist (an
anonymous caller: the login page, or 401 in the API), and never the data.

`test_every_url_of_the_spaces_is_in_the_table` fails on a new page or operation that is in no
table here: a new URL is covered by whoever adds it.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.factories import AttachmentFactory, SignupRequestFactory
from maillon.discussions.models import DiscussionSpace, Participant, ParticipantRole, SpaceKind
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.territories.factories import TerritoryRoleFactory
from maillon.territories.models import Commune
from tests.conftest import api_headers, verified_client
from tests.urlwalk import api_operations, site_routes

pytestmark = pytest.mark.django_db

# What must never reach a stranger: the messages' texts, a sign-up's name and address, the
# address of a person of the organisation.
GROUP_SECRET = "Secret-du-groupe-allaitement"
CPTS_SECRET = "Secret-du-groupe-de-travail-bpco"
MEMBERS_SECRET = "Secret-des-adherents"
SIGNUP_SECRET = "Confidentielle-Inscrite"
PERSON_SECRET = "personne-secrete@urps.example.org"
SECRETS = (GROUP_SECRET, CPTS_SECRET, MEMBERS_SECRET, SIGNUP_SECRET, PERSON_SECRET)
# In every message: searched, it finds them all, but those of the spaces one reads.
KEYWORD = "protocole"


@dataclass
class Scene:
    cpts: object
    objects: dict
    users: dict


def scene(cpts) -> Scene:
    """The `cpts` fixture's members space and a working group, a regional group of a URPS, each
    with a topic, a message, an attachment and a participant; the people around."""
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True).user
    colleague = CptsRoleFactory(cpts=cpts).user
    other = CptsFactory()
    departement = Commune.objects.get(code="78646").departement
    organisation = OrganisationFactory(name="URPS sages-femmes Île-de-France")
    manager = OrganisationPersonFactory(organisation=organisation, manager=True).user
    OrganisationPersonFactory(organisation=organisation, user__email=PERSON_SECRET)
    group = services.create_regional_group(organisation, name="Sages-femmes libérales", by=manager)
    midwife = UserFactory()
    services.join(group, midwife)
    services.join(group, UserFactory(), role=ParticipantRole.MODERATOR)

    services.ensure_cpts_spaces(cpts)
    members_space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    working_group = services.create_working_group(cpts, name="Parcours BPCO", users=[colleague], by=coordinator)

    objects = {}
    for key, space, author, secret in (
        ("group", group, midwife, GROUP_SECRET),
        ("working", working_group, colleague, CPTS_SECRET),
        ("members", members_space, colleague, MEMBERS_SECRET),
    ):
        message = services.start_topic(space, title=secret, body=f"{secret} : {KEYWORD}", by=author)
        objects[key] = {
            "space": space,
            "topic": message.topic,
            "message": message,
            "attachment": AttachmentFactory(message=message),
            "participant": Participant.objects.get(space=space, user=author),
        }
    objects["signup"] = SignupRequestFactory(space=group, last_name=SIGNUP_SECRET, email="inscrite@example.org")
    objects["organisation"] = organisation
    objects["person"] = organisation.people.get(user__email=PERSON_SECRET)
    users = {
        # A coordinator of another CPTS, a member of the CPTS who is in no regional group, the
        # officers of the territory, the platform admin, a participant of the regional group.
        "other_cpts": CptsRoleFactory(cpts=other, coordinator=True).user,
        "cpts_member": CptsRoleFactory(cpts=cpts).user,
        "cpts_coordinator": coordinator,
        "authority": TerritoryRoleFactory(role="authority", departement=departement).user,
        "observer": TerritoryRoleFactory(role="observer", departement=departement).user,
        "admin": UserFactory(admin=True),
        "group_participant": midwife,
    }
    return Scene(cpts=cpts, objects=objects, users=users)


# Who is a stranger to what: the group's objects, a working group's, the members space's.
STRANGERS = {
    "group": ("other_cpts", "cpts_member", "cpts_coordinator", "authority", "observer", "admin"),
    "working": ("other_cpts", "cpts_member", "authority", "observer", "admin", "group_participant"),
    "members": ("other_cpts", "authority", "observer", "admin", "group_participant"),
    "signup": ("other_cpts", "cpts_member", "cpts_coordinator", "authority", "observer", "admin", "group_participant"),
}


# --- Pages: (route name, method, the object's owner, args from the scene's objects) ----------

OBJECT_PAGES = [
    ("discussions_space", "get", ("space",)),
    ("discussions_topic_new", "get", ("space",)),
    ("discussions_topic_new", "post", ("space",)),
    ("discussions_space_notify", "post", ("space",)),
    ("discussions_topic", "get", ("topic",)),
    ("discussions_topic_new_messages", "get", ("topic",)),
    ("discussions_reply", "post", ("topic",)),
    ("discussions_topic_pin", "post", ("topic",)),
    ("discussions_topic_unpin", "post", ("topic",)),
    ("discussions_message_edit", "get", ("message",)),
    ("discussions_message_edit", "post", ("message",)),
    ("discussions_message_delete", "post", ("message",)),
    ("discussions_message_hide", "post", ("message",)),
    ("discussions_message_unhide", "post", ("message",)),
    ("discussions_attachment", "get", ("attachment",)),
    ("discussions_space_edit", "get", ("space",)),
    ("discussions_space_edit", "post", ("space",)),
    ("discussions_space_people", "get", ("space",)),
    ("discussions_space_people", "post", ("space",)),
    ("discussions_participant_action", "post", ("participant", "mute")),
    ("discussions_participant_action", "post", ("participant", "remove")),
    ("discussions_space_moderation", "get", ("space",)),
    ("discussions_space_visio", "get", ("space",)),
    ("discussions_space_visio", "post", ("space",)),
]
# A group's sign-ups: only a regional group has them.
SIGNUP_PAGES = [
    ("discussions_signups", "get", "group"),
    ("discussions_signup_accept", "post", "signup"),
    ("discussions_signup_refuse", "post", "signup"),
]
# Lists of what the user reads: answered, without the others' data.
LIST_PAGES = [
    ("discussions_index", ""),
    ("discussions_mentions", ""),
    ("discussions_search", f"?q={KEYWORD}"),
]
# The organisation's pages: its public face for anyone signed in, its people for its managers
# and the platform admin (who is left out here); its writes, for them alone (403 or 404).
ORGANISATION_PAGES = [
    ("organisations_index", "get", None, (200,)),
    ("organisations_organisation", "get", "organisation", (200,)),
    ("organisations_new", "get", None, (403, 404)),
    ("organisations_manager_grant", "post", "organisation", (403, 404)),
    ("organisations_manager_withdraw", "post", "person", (403, 404)),
    ("discussions_regional_group_new", "get", "organisation", (403, 404)),
    ("discussions_regional_group_new", "post", "organisation", (403, 404)),
]
# Pages anyone may open (no login): checked to give none of the data.
PUBLIC_PAGES = {"discussions_groups_public", "discussions_group_signup", "discussions_unsubscribe"}
# Under /cpts/<slug>/: tests/test_tenant_isolation.py walks them for every role.
CPTS_PAGES = {"cpts_discussions", "discussions_working_group_new"}

POSTED = {"body": "Bonjour", "title": "Sujet", "level": "all", "name": "Nom", "email": "x@example.org", "note": "n"}


def page_url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"the page route « {name} » does not exist yet (its owner adds it; the lead makes this strict)")


def object_pk(objects, owner, key):
    return objects[owner][key].pk if isinstance(objects[owner], dict) else objects[owner].pk


def assert_no_secret(response, *, allowed=()):
    text = response.content.decode(errors="replace")
    for secret in SECRETS:
        if secret not in allowed:
            assert secret not in text, f"{secret} leaked in {response.request['PATH_INFO']}"


def page_cases():
    for name, method, args in OBJECT_PAGES:
        for owner in ("group", "working", "members"):
            yield pytest.param(name, method, owner, args, id=f"{name} {method.upper()} [{owner}]")


def page_call(client, method, url):
    if method == "get":
        return client.get(url)
    return client.post(url, POSTED)


@pytest.mark.parametrize(("name", "method", "owner", "args"), list(page_cases()))
def test_a_page_of_a_space_is_a_404_to_a_stranger(cpts, name, method, owner, args):
    world = scene(cpts)
    values = [world.objects[owner][arg].pk if arg in world.objects[owner] else arg for arg in args]
    url = page_url(name, *values)
    for role in STRANGERS[owner]:
        response = page_call(verified_client(world.users[role]), method, url)
        assert response.status_code == 404, (role, url, response.status_code)
        assert_no_secret(response)
    anonymous = page_call(Client(), method, url)
    assert anonymous.status_code in (302, 404), url
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith(reverse("login"))
    assert_no_secret(anonymous)


@pytest.mark.parametrize(("name", "method", "owner"), SIGNUP_PAGES)
def test_a_groups_signups_are_a_404_to_a_stranger(cpts, name, method, owner):
    world = scene(cpts)
    target = world.objects["group"]["space"] if owner == "group" else world.objects["signup"]
    url = page_url(name, target.pk)
    for role in STRANGERS["signup"]:
        response = page_call(verified_client(world.users[role]), method, url)
        # A participant of the group reads it: the sign-ups may be refused to him (403).
        expected = (403, 404) if role == "group_participant" else (404,)
        assert response.status_code in expected, (role, url, response.status_code)
        assert_no_secret(response)
    anonymous = page_call(Client(), method, url)
    assert anonymous.status_code in (302, 404)


@pytest.mark.parametrize(("name", "query"), LIST_PAGES)
def test_the_lists_of_what_i_read_give_nothing_of_the_others(cpts, name, query):
    world = scene(cpts)
    url = page_url(name) + query
    for role, allowed in (
        ("other_cpts", ()),
        ("authority", ()),
        ("observer", ()),
        ("admin", ()),
        ("cpts_member", (MEMBERS_SECRET,)),
        ("cpts_coordinator", (MEMBERS_SECRET, CPTS_SECRET)),
        ("group_participant", (GROUP_SECRET,)),
    ):
        response = verified_client(world.users[role]).get(url)
        assert response.status_code == 200, (role, url)
        assert_no_secret(response, allowed=allowed)
    assert Client().get(url).status_code in (302, 404)


@pytest.mark.parametrize(("name", "method", "owner", "statuses"), ORGANISATION_PAGES)
def test_the_organisation_pages_give_its_people_to_its_managers_alone(cpts, name, method, owner, statuses):
    world = scene(cpts)
    args = [world.objects[owner].pk] if owner else []
    url = page_url(name, *args)
    for role in ("other_cpts", "cpts_member", "authority", "observer", "group_participant"):
        response = page_call(verified_client(world.users[role]), method, url)
        assert response.status_code in statuses, (role, url, response.status_code)
        assert_no_secret(response)
    anonymous = page_call(Client(), method, url)
    assert anonymous.status_code in (302, 404)


def test_the_public_pages_give_none_of_the_data(cpts):
    world = scene(cpts)
    group = world.objects["group"]["space"]
    for url in (page_url("discussions_groups_public"), page_url("discussions_group_signup", group.pk)):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert_no_secret(response)
    working = world.objects["working"]["space"]
    assert Client().get(page_url("discussions_group_signup", working.pk)).status_code == 404


# --- The API -------------------------------------------------------------------------------

# (method, path of the schema, the owner of its object, what fills the path's ids)
OBJECT_OPERATIONS = [
    ("GET", "/discussions/spaces/{space_id}", "space"),
    ("GET", "/discussions/spaces/{space_id}/topics", "space"),
    ("POST", "/discussions/spaces/{space_id}/topics", "space"),
    ("GET", "/discussions/spaces/{space_id}/participants", "space"),
    ("PUT", "/discussions/spaces/{space_id}/notify", "space"),
    ("POST", "/discussions/topics/{topic_id}/pin", "topic"),
    ("POST", "/discussions/topics/{topic_id}/unpin", "topic"),
    ("GET", "/discussions/topics/{topic_id}/messages", "topic"),
    ("POST", "/discussions/topics/{topic_id}/messages", "topic"),
    ("PATCH", "/discussions/messages/{message_id}", "message"),
    ("DELETE", "/discussions/messages/{message_id}", "message"),
    ("POST", "/discussions/messages/{message_id}/hide", "message"),
    ("POST", "/discussions/messages/{message_id}/unhide", "message"),
    ("POST", "/discussions/participants/{participant_id}/mute", "participant"),
    ("POST", "/discussions/participants/{participant_id}/unmute", "participant"),
    ("POST", "/discussions/participants/{participant_id}/remove", "participant"),
    ("POST", "/discussions/participants/{participant_id}/reinstate", "participant"),
]
SIGNUP_OPERATIONS = [
    ("GET", "/discussions/spaces/{space_id}/signups"),
    ("POST", "/discussions/signups/{signup_id}/accept"),
    ("POST", "/discussions/signups/{signup_id}/refuse"),
]
LIST_OPERATIONS = [
    ("GET", "/discussions/spaces", ""),
    ("GET", "/discussions/search", f"?q={KEYWORD}"),
    ("GET", "/organisations", ""),
    ("GET", "/organisations/{organisation_id}", ""),
]
PUBLIC_OPERATIONS = {("GET", "/discussions/groups"), ("POST", "/discussions/groups/{space_id}/signups")}
# Under /api/v1/cpts/{id}/: tests/test_tenant_isolation.py walks them for every role.
CPTS_OPERATIONS = {("GET", "/cpts/{cpts_id}/discussions/spaces"), ("POST", "/cpts/{cpts_id}/discussions/spaces")}

BODY = {"title": "Sujet", "body": "Bonjour", "note": "n", "name": "Nom", "notify": "all"}


def token(user) -> dict:
    """A fresh token with every scope (a platform admin: their strong session, see api_headers)."""
    return api_headers(user)


def api_call(method, path, headers):
    client = Client()
    if method == "GET":
        return client.get("/api/v1" + path, **headers)
    return client.generic(method, "/api/v1" + path, json.dumps(BODY), content_type="application/json", **headers)


def filled(path, pk) -> str:
    return re.sub(r"\{\w+_id\}", str(pk), path)


def operation_cases():
    for method, path, key in OBJECT_OPERATIONS:
        for owner in ("group", "working", "members"):
            yield pytest.param(method, path, owner, key, id=f"{method} {path} [{owner}]")


@pytest.mark.parametrize(("method", "path", "owner", "key"), list(operation_cases()))
def test_an_operation_on_a_space_is_a_404_to_a_stranger(cpts, method, path, owner, key):
    world = scene(cpts)
    url = filled(path, world.objects[owner][key].pk)
    for role in STRANGERS[owner]:
        response = api_call(method, url, token(world.users[role]))
        assert response.status_code == 404, (role, method, url, response.status_code)
        assert_no_secret(response)
    assert api_call(method, url, {}).status_code == 401


@pytest.mark.parametrize(("method", "path"), SIGNUP_OPERATIONS)
def test_a_groups_signups_are_a_404_to_a_stranger_in_the_api(cpts, method, path):
    world = scene(cpts)
    target = world.objects["signup"] if "signup_id" in path else world.objects["group"]["space"]
    url = filled(path, target.pk)
    for role in STRANGERS["signup"]:
        response = api_call(method, url, token(world.users[role]))
        expected = (403, 404) if role == "group_participant" and method == "GET" else (404,)
        assert response.status_code in expected, (role, method, url, response.status_code)
        assert_no_secret(response)
    assert api_call(method, url, {}).status_code == 401


@pytest.mark.parametrize(("method", "path", "query"), LIST_OPERATIONS)
def test_the_api_lists_give_nothing_of_the_others(cpts, method, path, query):
    world = scene(cpts)
    url = filled(path, world.objects["organisation"].pk) + query
    for role, allowed in (
        ("other_cpts", ()),
        ("authority", ()),
        ("observer", ()),
        ("admin", (PERSON_SECRET,)),  # the platform admin sees an organisation's people
        ("cpts_member", (MEMBERS_SECRET,)),
        ("cpts_coordinator", (MEMBERS_SECRET, CPTS_SECRET)),
        ("group_participant", (GROUP_SECRET,)),
    ):
        response = api_call(method, url, token(world.users[role]))
        assert response.status_code == 200, (role, url)
        assert_no_secret(response, allowed=allowed)
    assert api_call(method, url, {}).status_code == 401


def test_the_public_operations_give_none_of_the_data(cpts):
    scene(cpts)
    response = Client().get("/api/v1/discussions/groups")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert_no_secret(response)


def test_every_url_of_the_spaces_is_in_the_table():
    pages = {route.qualified_name for route in site_routes()}
    ours = {name for name in pages if name.startswith(("discussions_", "organisations_")) or name == "cpts_discussions"}
    tabled = (
        {name for name, _, _ in OBJECT_PAGES}
        | {name for name, _, _ in SIGNUP_PAGES}
        | {name for name, _ in LIST_PAGES}
        | {name for name, *_ in ORGANISATION_PAGES}
        | PUBLIC_PAGES
        | CPTS_PAGES
    )
    assert ours <= tabled, f"pages in no table: {sorted(ours - tabled)}"
    operations = {
        (method, path)
        for method, path, _ in api_operations()
        if path.startswith(("/discussions", "/organisations")) or "/discussions" in path
    }
    listed = (
        {(method, path) for method, path, _ in OBJECT_OPERATIONS}
        | set(SIGNUP_OPERATIONS)
        | {(method, path) for method, path, _ in LIST_OPERATIONS}
        | PUBLIC_OPERATIONS
        | CPTS_OPERATIONS
    )
    assert operations == listed, f"in no table: {sorted(operations - listed)}; gone: {sorted(listed - operations)}"
