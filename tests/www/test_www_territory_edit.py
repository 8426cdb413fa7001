import datetime
import json

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import Commune, TerritoryCommune
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def edit_url(cpts):
    return reverse("cpts_territory_edit", args=[cpts.slug])


def preview_url(cpts):
    return reverse("cpts_territory_preview", args=[cpts.slug])


def current_codes(cpts):
    return set(TerritoryCommune.objects.for_cpts(cpts).current().values_list("commune_id", flat=True))


@pytest.fixture
def editor(coordinator):
    return verified_client(coordinator)


@pytest.fixture
def viroflay(db):
    return CommuneFactory(code="78686", name="Viroflay", population=16_000)


# --- Who may edit ---------------------------------------------------------------------------


def test_visitors_are_sent_to_the_login(client, cpts):
    response = client.get(edit_url(cpts))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_who_is_not_coordinator_gets_403(cpts, member):
    # The member sees the members' space, but may not draw the territory: 403, as the API answers.
    client = verified_client(member)

    assert client.get(edit_url(cpts)).status_code == 403
    assert client.post(preview_url(cpts), {"communes": ["78646"]}).status_code == 403
    assert client.post(edit_url(cpts), {"communes": [], "save": "1"}).status_code == 403
    assert current_codes(cpts) == {"78646"}


def test_the_coordinator_of_another_cpts_gets_404(cpts, other_cpts):
    user = UserFactory(with_totp=True)
    CptsRoleFactory(user=user, cpts=other_cpts, coordinator=True)

    assert verified_client(user).get(edit_url(cpts)).status_code == 404


# --- The editor page ------------------------------------------------------------------------


def test_the_editor_lists_the_current_communes_with_remove_buttons(editor, cpts):
    html = editor.get(edit_url(cpts)).content.decode()

    assert '<input type="hidden" name="communes" value="78646">' in html
    assert 'name="remove" value="78646"' in html
    assert 'Retirer<span class="fr-sr-only"> Versailles (78646) de la liste</span>' in html
    assert 'for="territory-q"' in html and 'for="id_effective_date"' in html


def test_the_map_shows_the_territory_and_neighbours_with_their_owner(editor, cpts, other_cpts):
    far = CommuneFactory(code="13055", name="Marseille", longitude=5.3, latitude=43.3)
    # Le Pecq just east of Versailles: the factory's grid position depends on how many
    # communes the worker made before.
    versailles = Commune.objects.get(pk="78646")
    Commune.objects.filter(pk="78498").update(
        min_longitude=versailles.max_longitude,
        max_longitude=versailles.max_longitude + 0.05,
        min_latitude=versailles.min_latitude,
        max_latitude=versailles.max_latitude,
    )

    html = editor.get(edit_url(cpts)).content.decode()
    start = html.index('id="editor-geojson">') + len('id="editor-geojson">')
    data = json.loads(html[start : html.index("</script>", start)])

    owners = {feature["properties"]["code"]: feature["properties"]["owner"] for feature in data["features"]}
    assert owners["78646"] == cpts.pk
    assert owners["78498"] == other_cpts.pk  # neighbour, styled by its owner
    assert far.code not in owners


def test_search_as_you_type_returns_the_picker_partial(editor, cpts, viroflay):
    response = editor.get(edit_url(cpts), {"q": "virof"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert 'name="add" value="78686"' in html
    assert f'hx-post="{preview_url(cpts)}"' in html
    assert 'id="picker-status" hx-swap-oob="innerHTML"' in html


def test_neighbours_of_added_communes_come_as_geojson(editor, cpts, viroflay):
    response = editor.get(edit_url(cpts), {"voisines": "78686,bad"})

    assert response["Content-Type"] == "application/geo+json"
    codes = {feature["properties"]["code"] for feature in json.loads(response.content)["features"]}
    assert "78686" in codes


# --- Preview before saving ------------------------------------------------------------------


def test_preview_gives_population_and_taille_of_the_draft_without_writing(editor, cpts, viroflay):
    journal_before = JournalEntry.objects.count()

    response = editor.post(preview_url(cpts), {"communes": ["78646"], "add": "78686"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f"<strong>{floatformat(99_000, 'g')}</strong> habitants" in html  # 83 000 + 16 000
    assert "<strong>Taille 3</strong>" in html
    assert '<input type="hidden" name="communes" value="78686">' in html
    assert "Viroflay (78686) ajoutée à la liste." in html  # announced to screen readers
    assert current_codes(cpts) == {"78646"}
    assert JournalEntry.objects.count() == journal_before


def test_preview_shows_the_taille_change_and_the_saved_one(editor, cpts, pas_de_calais, communes_in):
    big = communes_in(pas_de_calais, 1, population=100_000)[0]

    html = editor.post(preview_url(cpts), {"communes": ["78646", big.code]}).content.decode()

    assert "<strong>Taille 4</strong>" in html
    assert "(enregistrée : 3)" in html


def test_preview_names_the_other_cpts_of_a_conflicting_commune(editor, cpts, other_cpts):
    html = editor.post(preview_url(cpts), {"communes": ["78646"], "add": "78498"}).content.decode()

    assert "déjà dans le territoire de la CPTS « CPTS Boucle de Seine »" in html
    assert "1 commune déjà dans une autre CPTS" in html


def test_preview_of_a_removal(editor, cpts):
    html = editor.post(preview_url(cpts), {"communes": ["78646"], "remove": "78646"}).content.decode()

    assert "Aucune commune dans la liste." in html
    assert "Versailles (78646) retirée de la liste." in html
    assert current_codes(cpts) == {"78646"}


def test_preview_answers_only_post(editor, cpts):
    assert editor.get(preview_url(cpts)).status_code == 405


# --- Without JavaScript ---------------------------------------------------------------------


def test_without_javascript_add_and_search_rerender_the_page_without_saving(editor, cpts, viroflay):
    html = editor.post(edit_url(cpts), {"communes": ["78646"], "add": "78686", "q": "virof"}).content.decode()

    assert "<html" in html
    assert '<input type="hidden" name="communes" value="78686">' in html
    assert 'name="add" value="78686"' in html  # the search results are there too
    assert current_codes(cpts) == {"78646"}


# --- Saving ---------------------------------------------------------------------------------


def test_saving_writes_the_territory_from_the_effective_date(editor, cpts, viroflay):
    today = timezone.localdate()

    response = editor.post(
        edit_url(cpts), {"communes": ["78646", "78686"], "effective_date": today.isoformat(), "save": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(cpts)
    assert current_codes(cpts) == {"78646", "78686"}
    assert TerritoryCommune.objects.get(commune_id="78686", valid_to=None).valid_from == today
    page = editor.get(response["Location"]).content.decode()
    assert "Territoire enregistré : 1 commune(s) ajoutée(s), 0 retirée(s)." in page


def test_saving_a_removal_closes_the_row_at_the_effective_date(editor, cpts):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    editor.post(edit_url(cpts), {"communes": [], "effective_date": yesterday.isoformat(), "save": "1"})

    assert current_codes(cpts) == set()
    assert TerritoryCommune.objects.get(commune_id="78646").valid_to == yesterday


def test_a_conflict_is_refused_naming_the_other_cpts_and_nothing_is_written(editor, cpts, other_cpts, viroflay):
    rows_before = list(TerritoryCommune.objects.values_list("pk", "cpts_id", "commune_id", "valid_to"))
    journal_before = JournalEntry.objects.count()

    response = editor.post(
        edit_url(cpts),
        {"communes": ["78646", "78686", "78498"], "effective_date": timezone.localdate().isoformat(), "save": "1"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "La commune Le Pecq (78498) est déjà dans le territoire de la CPTS « CPTS Boucle de Seine »." in html
    assert list(TerritoryCommune.objects.values_list("pk", "cpts_id", "commune_id", "valid_to")) == rows_before
    assert JournalEntry.objects.count() == journal_before
    assert '<input type="hidden" name="communes" value="78686">' in html  # the draft is kept


def test_a_future_effective_date_is_refused_in_french(editor, cpts, viroflay):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    html = editor.post(
        edit_url(cpts), {"communes": ["78646", "78686"], "effective_date": tomorrow.isoformat(), "save": "1"}
    ).content.decode()

    assert "Date d&#x27;effet : la date ne peut pas être dans le futur." in html
    assert current_codes(cpts) == {"78646"}


def test_a_missing_effective_date_is_refused_naming_the_field(editor, cpts):
    html = editor.post(edit_url(cpts), {"communes": [], "effective_date": "", "save": "1"}).content.decode()

    assert "Date d&#x27;effet : indiquez la date du changement de territoire." in html
    assert current_codes(cpts) == {"78646"}


def test_a_malformed_commune_code_is_refused(editor, cpts):
    html = editor.post(edit_url(cpts), {"communes": ["<script>"], "save": "1"}).content.decode()

    assert "n&#x27;est pas un code INSEE de commune valide" in html
    assert 'value="<script>"' not in html
    assert current_codes(cpts) == {"78646"}


def test_an_unknown_commune_code_is_dropped_with_a_message(editor, cpts):
    html = editor.post(preview_url(cpts), {"communes": ["78646", "99999"]}).content.decode()

    assert "Code(s) commune inconnu(s) : 99999." in html
    assert 'value="99999"' not in html


def test_a_wrong_date_does_not_lose_the_draft_while_editing(editor, cpts, viroflay):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {"communes": ["78646"], "add": "78686", "effective_date": tomorrow}

    preview = editor.post(preview_url(cpts), data).content.decode()
    page = editor.post(edit_url(cpts), data).content.decode()

    for html in (preview, page):
        assert '<input type="hidden" name="communes" value="78686">' in html
    assert current_codes(cpts) == {"78646"}
