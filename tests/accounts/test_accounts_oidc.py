"""Pro Santé Connect: strong authentication by itself, for invited people only.

The provider is never called: the token exchange, the token check and the
userinfo request of the backend are replaced by mocks.
"""

from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from maillon.core import journal
from maillon.core.access import STRONG_AUTH_SESSION_KEY
from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry, User
from maillon.core.oidc import AMBIGUOUS_PERSON, UNKNOWN_PERSON, ProSanteConnectBackend, rpps_from_claims
from tests.accounts.helpers import shows

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
RPPS = "10003456789"


@pytest.fixture(autouse=True)
def _pro_sante_connect(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "maillon-test"
    settings.OIDC_RP_CLIENT_SECRET = "secret-de-test"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://psc.invalid/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://psc.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://psc.invalid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://psc.invalid/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "maillon.core.oidc.ProSanteConnectBackend",
    ]


def claims_for(sub, *, rpps=RPPS):
    return {"sub": sub, "SubjectNameID": f"8{rpps}", "given_name": "Aïcha", "family_name": "Benali"}


def psc_login(client, claims, *, next_url=None, acr="eidas1"):
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    nonce = client.session["oidc_states"][state]["nonce"]
    with (
        mock.patch.object(ProSanteConnectBackend, "get_token", return_value={"id_token": "i", "access_token": "a"}),
        mock.patch.object(ProSanteConnectBackend, "verify_token", return_value={"nonce": nonce, "acr": acr}),
        mock.patch.object(ProSanteConnectBackend, "get_userinfo", return_value=claims),
    ):
        return client.get(reverse("oidc_authentication_callback"), {"code": "code-de-test", "state": state})


def test_the_login_starts_at_the_provider_with_the_strong_level_asked(client):
    response = client.get(reverse("oidc_authentication_init"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://psc.invalid/auth"
    query = parse_qs(location.query)
    assert query["acr_values"] == ["eidas1"] and query["client_id"] == ["maillon-test"]


def test_a_person_linked_by_subject_is_strongly_logged_in(client):
    user = UserFactory(oidc_subject="psc-sub-1", rpps=RPPS)
    response = psc_login(client, claims_for("psc-sub-1"))
    assert response["Location"] == reverse("my_home")
    assert client.session[STRONG_AUTH_SESSION_KEY] == "oidc"
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert shows(page, "Pro Santé Connect")
    entry = JournalEntry.objects.get(action=journal.Action.LOGIN)
    assert entry.object_id == str(user.pk) and entry.note == "Pro Santé Connect"


def test_no_totp_is_asked_after_pro_sante_connect(client):
    UserFactory(oidc_subject="psc-sub-1", with_totp=True)
    psc_login(client, claims_for("psc-sub-1"))
    assert client.get(reverse("account")).status_code == 200


def test_an_invited_person_is_found_by_rpps_the_first_time_and_linked(client):
    user = UserFactory(rpps=RPPS)
    psc_login(client, claims_for("psc-sub-2"))
    user.refresh_from_db()
    assert user.oidc_subject == "psc-sub-2"
    assert client.get(reverse("account")).status_code == 200


def test_a_login_below_the_strong_level_is_refused(client):
    UserFactory(oidc_subject="psc-sub-1", rpps=RPPS)
    response = psc_login(client, claims_for("psc-sub-1"), acr="eidas0")
    assert STRONG_AUTH_SESSION_KEY not in client.session
    assert not client.session.get("_auth_user_id")
    assert response.status_code == 302


def test_an_unknown_person_is_refused_and_no_account_is_created(client):
    count = User.objects.count()
    response = psc_login(client, claims_for("psc-inconnu", rpps="19999999999"))
    assert response["Location"] == reverse("login")
    assert User.objects.count() == count
    assert "_auth_user_id" not in client.session
    assert shows(client.get(reverse("login")), UNKNOWN_PERSON)


def test_a_rpps_already_linked_to_another_subject_is_not_taken_over(client):
    user = UserFactory(rpps=RPPS, oidc_subject="psc-sub-ancien")
    psc_login(client, claims_for("psc-sub-nouveau"))
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.oidc_subject == "psc-sub-ancien"


def test_two_accounts_with_one_rpps_are_not_guessed_between(client):
    UserFactory(rpps=RPPS)
    UserFactory(rpps=RPPS)
    psc_login(client, claims_for("psc-sub-3"))
    assert "_auth_user_id" not in client.session
    assert shows(client.get(reverse("login")), AMBIGUOUS_PERSON)


def test_an_inactive_account_is_refused(client):
    UserFactory(oidc_subject="psc-sub-1", is_active=False)
    psc_login(client, claims_for("psc-sub-1"))
    assert "_auth_user_id" not in client.session


def test_the_login_goes_on_to_a_safe_next_page(client, cpts):
    UserFactory(oidc_subject="psc-sub-1")
    assert psc_login(client, claims_for("psc-sub-1"), next_url="/compte/?onglet=jetons")["Location"] == (
        "/compte/?onglet=jetons"
    )


def test_logging_out_is_journaled(client):
    user = UserFactory(oidc_subject="psc-sub-1")
    psc_login(client, claims_for("psc-sub-1"))
    client.post(reverse("logout"))
    assert JournalEntry.objects.filter(action=journal.Action.LOGOUT, object_id=str(user.pk)).exists()
    assert client.get(reverse("account")).status_code == 302


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"sub": "x", "SubjectNameID": "810003456789"}, "10003456789"),
        ({"sub": "810003456789"}, "10003456789"),
        ({"sub": "x", "preferred_username": "10003456789"}, "10003456789"),
        ({"sub": "x", "SubjectNameID": "312345678901"}, None),  # an ADELI-type identifier, not RPPS
        ({"sub": "x"}, None),
    ],
)
def test_the_rpps_is_read_from_the_national_identifier(claims, expected):
    assert rpps_from_claims(claims) == expected
