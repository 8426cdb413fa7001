"""The CPTS's public page is its small website, edited by the coordinator (`site/modifier/`): the
patients' section comes first (the CPTS's number, the first step of the médecin traitant request,
posting to its own page), then the presentation, the missions of the ACI and the project's
actions, the published ads, how to join and « Faire son stage ici ». A member may not edit it
(403), another CPTS's coordinator does not see the editor (404)."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services as contracts
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.support.factories import AdFactory, PublicSiteFactory
from maillon.support.models import PublicSite
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def text(response) -> str:
    return html.unescape(response.content.decode())


def public_page(client, cpts) -> str:
    return text(client.get(reverse("cpts_detail", args=[cpts.slug])))


def site_data(**changes):
    data = {
        "intro": "Nous organisons les soins de proximité de la Plaine de Versailles.",
        "patient_phone": "0139000000",
        "patient_email": "patients@cpts-plaine.fr",
        "patient_hours": "Du lundi au vendredi, de 9 h à 18 h",
        "join_text": "La cotisation est de 30 € par an.",
        "show_ads": "on",
    }
    return data | changes


# --- Editing -------------------------------------------------------------------------------------


def test_the_coordinator_writes_the_page_that_visitors_read(client, cpts, coordinator):
    response = verified_client(coordinator).post(reverse("site_edit", args=[cpts.slug]), site_data())

    assert response.status_code == 302 and response["Location"] == reverse("cpts_detail", args=[cpts.slug])
    site = PublicSite.objects.get(cpts=cpts)
    assert (site.patient_phone, site.updated_by) == ("01 39 00 00 00", coordinator)
    page = public_page(client, cpts)
    for shown in ("Nous organisons les soins", "01 39 00 00 00", "patients@cpts-plaine.fr", "de 9 h à 18 h"):
        assert shown in page
    assert "La cotisation est de 30 € par an." in page


def test_a_wrong_e_mail_is_refused_naming_the_field(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("site_edit", args=[cpts.slug]), site_data(patient_email="pas-une-adresse")
    )

    assert response.status_code == 400
    assert "Courriel pour les patients : saisissez une adresse électronique valide" in text(response)
    assert not PublicSite.objects.exists()


def test_only_the_coordinators_of_the_cpts_edit_its_page(client, cpts, member, other_cpts):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    edit = reverse("site_edit", args=[cpts.slug])

    assert verified_client(member).get(edit).status_code == 403
    assert verified_client(member).post(edit, site_data()).status_code == 403
    assert verified_client(outsider).get(edit).status_code == 404
    assert not PublicSite.objects.exists()
    assert "Modifier la page" not in public_page(verified_client(member), cpts)
    assert "Modifier la page" not in public_page(client, cpts)


def test_the_coordinator_finds_the_editor_from_the_page(cpts, coordinator):
    page = public_page(verified_client(coordinator), cpts)
    assert f'href="{reverse("site_edit", args=[cpts.slug])}">Modifier la page</a>' in page


# --- The sections of the website -----------------------------------------------------------------


def test_the_patients_section_comes_first_with_the_first_step_of_the_mt_request(client, cpts):
    PublicSiteFactory(cpts=cpts, patient_phone="01 23 45 67 89")

    page = public_page(client, cpts)

    patients = page.index('id="patients"')
    assert page.index("<h1>") < patients < page.index('id="professionnels"') < page.index("La CPTS en chiffres")
    section = page[patients : page.index("</section>", patients)]
    assert "01 23 45 67 89" in section
    assert f'<form method="get" action="{reverse("mt_register", args=[cpts.slug])}"' in section
    # The request before the number: on a phone, the commune and its button show without scrolling.
    assert section.index('id="mt-commune"') < section.index("01 23 45 67 89")
    assert '<option value="78646">Versailles (78646)</option>' in section


def test_without_texts_the_patients_reach_the_cpts_record(client, cpts):
    cpts.phone, cpts.email = "01 30 00 00 00", "contact@cpts.fr"
    cpts.save()

    section = public_page(client, cpts).split('id="patients"')[1].split("</section>")[0]

    assert "01 30 00 00 00" in section and "contact@cpts.fr" in section


def test_the_page_shows_the_missions_of_the_aci_and_how_to_join_and_to_train_here(client, cpts, coordinator):
    contracts.create_contract(
        cpts=cpts, signed_on=TODAY - datetime.timedelta(days=30), taille=3, missions=[1, 2, 3, 4, 6], by=coordinator
    )

    page = public_page(client, cpts)

    assert "Missions et actions en cours" in page
    assert "Mission 6 — Accompagnement des professionnels" in page
    assert f'href="{reverse("members_join", args=[cpts.slug])}">Remplir la demande d\'adhésion</a>' in page
    assert f'href="{reverse("internships_public", args=[cpts.slug])}">Faire son stage ici</a>' in page


def test_the_page_shows_the_cpts_published_ads_unless_the_coordinator_hides_them(client, cpts):
    versailles = Commune.objects.get(code="78646")
    published = AdFactory(cpts=cpts, commune=versailles, published=True, title="Remplacement à Versailles")
    AdFactory(cpts=cpts, commune=versailles, title="Annonce pas encore modérée")
    AdFactory(commune=versailles, published=True, title="Annonce d'une autre CPTS")

    page = public_page(client, cpts)

    assert f'href="{reverse("ad_public_detail", args=[published.pk])}">Remplacement à Versailles</a>' in page
    assert "Annonce pas encore modérée" not in page and "Annonce d'une autre CPTS" not in page
    PublicSiteFactory(cpts=cpts, show_ads=False)
    assert "Remplacement à Versailles" not in public_page(client, cpts)


def test_the_page_runs_as_many_queries_with_one_ad_as_with_six(client, cpts):
    def ads(count):
        for _ in range(count):
            commune = CommuneFactory()
            TerritoryCommuneFactory(cpts=cpts, commune=commune)
            AdFactory(cpts=cpts, commune=commune, published=True)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cpts_detail", args=[cpts.slug])).status_code == 200
        return len(captured)

    ads(1)
    one = queries()
    ads(5)
    assert queries() == one
