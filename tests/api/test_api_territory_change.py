"""PUT /cpts/{id}/territory: the coordinator's change of territory, all or nothing."""

import datetime

import pytest

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import CptsStatus
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import TerritoryCommune

pytestmark = pytest.mark.django_db


def url(cpts_id):
    return f"/api/v1/cpts/{cpts_id}/territory"


def put(client, cpts_id, body, headers):
    return client.put(url(cpts_id), body, content_type="application/json", **headers)


def current_codes(cpts):
    return set(TerritoryCommune.objects.for_cpts(cpts).current().values_list("commune_id", flat=True))


def test_the_coordinator_replaces_the_territory(api_client, cpts, coordinator, token_headers):
    CommuneFactory(code="78158", name="Le Chesnay-Rocquencourt", population=31_000)
    response = put(api_client, cpts.pk, {"communes": ["78646", "78158"]}, token_headers(coordinator))
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == ["78158"]
    assert body["removed"] == []
    assert body["population"] == 114_000
    assert body["taille"] == 3
    assert body["valid_from"] == datetime.date.today().isoformat()
    assert current_codes(cpts) == {"78646", "78158"}


def test_the_change_takes_effect_on_the_given_date(api_client, cpts, coordinator, token_headers):
    CommuneFactory(code="78158")
    last_month = datetime.date.today() - datetime.timedelta(days=30)
    body = {"communes": ["78158"], "valid_from": last_month.isoformat()}
    assert put(api_client, cpts.pk, body, token_headers(coordinator)).status_code == 200
    versailles = TerritoryCommune.objects.get(cpts=cpts, commune_id="78646")
    assert versailles.valid_to == last_month
    assert TerritoryCommune.objects.get(cpts=cpts, commune_id="78158").valid_from == last_month


def test_a_change_dated_in_the_future_is_refused_and_nothing_is_written(api_client, cpts, coordinator, token_headers):
    CommuneFactory(code="78158")
    next_month = datetime.date.today() + datetime.timedelta(days=30)
    body = {"communes": ["78158"], "valid_from": next_month.isoformat()}
    response = put(api_client, cpts.pk, body, token_headers(coordinator))
    assert response.status_code == 422
    assert "futur" in str(response.json())
    assert not TerritoryCommune.objects.filter(commune_id="78158").exists()


def test_a_commune_of_another_cpts_is_refused_with_409_and_nothing_is_written(
    api_client, cpts, other_cpts, coordinator, token_headers
):
    CommuneFactory(code="78158")
    response = put(api_client, cpts.pk, {"communes": ["78158", "78498"]}, token_headers(coordinator))
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Des communes sont déjà dans le territoire d'une autre CPTS : rien n'a été enregistré."
    assert body["conflicts"] == [
        {
            "commune": {"code": "78498", "name": "Le Pecq"},
            "cpts": {"id": other_cpts.pk, "slug": "boucle-de-seine", "name": "CPTS Boucle de Seine"},
            "message": "La commune Le Pecq (78498) est déjà dans le territoire de la CPTS « CPTS Boucle de Seine ».",
        }
    ]
    assert current_codes(cpts) == {"78646"}
    assert current_codes(other_cpts) == {"78498"}


def test_unknown_communes_are_named_in_a_422(api_client, cpts, coordinator, token_headers):
    response = put(api_client, cpts.pk, {"communes": ["78646", "99999"]}, token_headers(coordinator))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "payload", "communes"], "msg": "Code(s) commune inconnu(s) : 99999."}
    ]
    assert current_codes(cpts) == {"78646"}


def test_a_date_before_the_current_territory_is_refused_in_french(api_client, cpts, coordinator, token_headers):
    body = {"communes": [], "valid_from": "2000-01-01"}
    response = put(api_client, cpts.pk, body, token_headers(coordinator))
    assert response.status_code == 422
    assert "la date du changement ne peut pas la précéder" in response.json()["detail"][0]["msg"]


def test_a_malformed_date_is_refused_in_french(api_client, cpts, coordinator, token_headers):
    response = put(api_client, cpts.pk, {"communes": [], "valid_from": "01/02/2026"}, token_headers(coordinator))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "payload", "valid_from"], "msg": "Une date au format AAAA-MM-JJ est attendue."}
    ]


def test_a_dissolved_cpts_has_no_territory_to_change(api_client, coordinator, token_headers, cpts):
    cpts.record_step(status=CptsStatus.DISSOLVED, on=datetime.date.today(), by=None)
    response = put(api_client, cpts.pk, {"communes": ["78646"]}, token_headers(coordinator))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Une CPTS dissoute n'a plus de territoire."


def test_a_member_who_is_not_coordinator_gets_403(api_client, cpts, member, token_headers):
    response = put(api_client, cpts.pk, {"communes": []}, token_headers(member))
    assert response.status_code == 403
    assert response.json() == {"detail": "Seuls les coordinateurs de cette CPTS peuvent modifier son territoire."}
    assert current_codes(cpts) == {"78646"}


def test_a_user_without_a_role_gets_the_same_404_as_for_a_cpts_that_does_not_exist(
    api_client, cpts, other_cpts, token_headers
):
    coordinator_elsewhere = CptsRoleFactory(cpts=other_cpts, coordinator=True).user
    headers = token_headers(coordinator_elsewhere)
    hidden = put(api_client, cpts.pk, {"communes": []}, headers)
    missing = put(api_client, 999_999, {"communes": []}, headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "CPTS introuvable."}
    assert current_codes(cpts) == {"78646"}


def test_a_platform_admin_may_change_any_territory(api_client, token_headers):
    cpts = CptsFactory()
    CommuneFactory(code="78158")
    admin = UserFactory(admin=True)
    assert put(api_client, cpts.pk, {"communes": ["78158"]}, token_headers(admin)).status_code == 200
    assert current_codes(cpts) == {"78158"}


def test_an_anonymous_caller_gets_401_and_nothing_is_written(api_client, cpts):
    response = api_client.put(url(cpts.pk), {"communes": []}, content_type="application/json")
    assert response.status_code == 401
    assert current_codes(cpts) == {"78646"}
