"""The ads of a CPTS through its pages: any role writes an ad (a member's waits for moderation, a
coordinator's is published at once); the coordinators see the moderation queue first and every
ad, a member their own and the published ones; the coordinators publish or refuse with a reason,
the author or a coordinator marks it « pourvue » or withdraws it; an expired ad says so.
Refusals name their field in French and write nothing; another CPTS answers 404, an action that
is not the user's 403."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.support.factories import AdFactory
from maillon.support.models import Ad, AdStatus
from maillon.territories.factories import CommuneFactory

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Saint-Cyr-l'École")


@pytest.fixture
def other_member(cpts):
    return CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user


def form_data(commune, **changes):
    data = {
        "kind": "practice_sale",
        "title": "Cabinet de kinésithérapie à céder",
        "profession": "70",
        "commune_query": "",
        "commune": commune.code,
        "description": "Cabinet de 60 m² en rez-de-chaussée, patientèle fidèle, départ en retraite.",
        "starts_on": "",
        "ends_on": "",
        "contact_name": "Mme Durand",
        "contact_email": "durand@example.org",
        "contact_phone": "",
        "expires_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
    }
    return data | changes


# --- Writing -------------------------------------------------------------------------------------


def test_a_members_ad_waits_for_the_coordination(cpts, member, commune):
    response = verified_client(member).post(url("ad_create", cpts), form_data(commune), follow=True)

    ad = Ad.objects.get()
    assert (ad.cpts, ad.author, ad.status, ad.commune) == (cpts, member, AdStatus.SUBMITTED, commune)
    assert response.redirect_chain[-1][0] == url("ad_detail", cpts, ad.pk)
    page = text(response)
    assert "la coordination de la CPTS la relit avant de la publier" in page
    assert "En attente de modération" in page


def test_a_coordinators_ad_is_published_at_once(cpts, coordinator, commune):
    response = verified_client(coordinator).post(url("ad_create", cpts), form_data(commune), follow=True)

    ad = Ad.objects.get()
    assert (ad.status, ad.published_on) == (AdStatus.PUBLISHED, TODAY)
    assert "Annonce publiée" in text(response)


def test_an_ad_without_contact_or_with_a_far_expiry_is_refused_naming_the_field(cpts, member, commune):
    client = verified_client(member)

    no_contact = client.post(url("ad_create", cpts), form_data(commune, contact_email=""))
    too_far = client.post(url("ad_create", cpts), form_data(commune, expires_on=f"{TODAY.year + 2}-01-01"))

    assert no_contact.status_code == too_far.status_code == 400
    assert "Courriel de contact : donnez un courriel ou un téléphone." in text(no_contact)
    assert "Expiration : au plus 365 jours après aujourd'hui." in text(too_far)
    assert not Ad.objects.exists()


def test_the_author_changes_a_waiting_ad_but_not_a_published_one(cpts, member, commune):
    client = verified_client(member)
    waiting = AdFactory(cpts=cpts, author=member, commune=commune)
    published = AdFactory(cpts=cpts, author=member, commune=commune, published=True)

    changed = client.post(url("ad_edit", cpts, waiting.pk), form_data(commune, title="Cabinet à céder, prix revu"))
    refused = client.post(url("ad_edit", cpts, published.pk), form_data(commune, title="Autre titre"))

    assert changed.status_code == 302
    waiting.refresh_from_db()
    assert waiting.title == "Cabinet à céder, prix revu"
    assert refused.status_code == 403
    published.refresh_from_db()
    assert published.title != "Autre titre"


# --- Reading -------------------------------------------------------------------------------------


def test_the_coordinators_see_the_moderation_queue_first(cpts, coordinator, member):
    AdFactory(cpts=cpts, author=member, title="Remplacement estival à modérer")
    AdFactory(cpts=cpts, published=True, title="Local disponible en centre-ville")

    page = text(verified_client(coordinator).get(url("ad_list", cpts)))

    assert page.index("À modérer") < page.index("Remplacement estival à modérer") < page.index("Toutes les annonces")
    assert page.index("Toutes les annonces") < page.index("Local disponible en centre-ville")


def test_a_member_sees_their_own_ads_and_the_published_ones_only(cpts, member, other_member):
    mine = AdFactory(cpts=cpts, author=member, title="Mon annonce en attente")
    AdFactory(cpts=cpts, published=True, title="Annonce publiée de la CPTS")
    theirs = AdFactory(cpts=cpts, author=other_member, title="Annonce en attente d'un confrère")
    client = verified_client(member)

    page = text(client.get(url("ad_list", cpts)))

    assert "Mon annonce en attente" in page and "Annonce publiée de la CPTS" in page
    assert "Annonce en attente d'un confrère" not in page and "À modérer" not in page
    assert client.get(url("ad_detail", cpts, mine.pk)).status_code == 200
    assert client.get(url("ad_detail", cpts, theirs.pk)).status_code == 404


def test_an_expired_ad_is_shown_as_expired(cpts, coordinator):
    ad = AdFactory(cpts=cpts, expired=True, title="Poste salarié de secrétariat")

    listed = text(verified_client(coordinator).get(url("ad_list", cpts)))
    detail = text(verified_client(coordinator).get(url("ad_detail", cpts, ad.pk)))

    expiry = f"Expirée le {ad.expires_on.day}"
    assert expiry in listed and expiry in detail
    assert "la recherche publique ne la montre plus" in detail


def test_another_cpts_gets_404(cpts, other_cpts):
    ad = AdFactory(cpts=cpts, published=True)
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)

    assert client.get(url("ad_list", cpts)).status_code == 404
    assert client.get(url("ad_detail", cpts, ad.pk)).status_code == 404
    assert client.post(url("ad_withdraw", cpts, ad.pk)).status_code == 404
    assert verified_client(outsider).get(url("ad_detail", other_cpts, ad.pk)).status_code == 404


# --- Moderation and closing ----------------------------------------------------------------------


def test_the_coordination_publishes_an_ad(cpts, coordinator, member):
    ad = AdFactory(cpts=cpts, author=member)

    response = verified_client(coordinator).post(url("ad_publish", cpts, ad.pk), follow=True)

    ad.refresh_from_db()
    assert (ad.status, ad.published_on) == (AdStatus.PUBLISHED, TODAY)
    assert "Annonce publiée" in text(response)


def test_a_refusal_needs_its_reason_which_the_author_reads(cpts, coordinator, member):
    ad = AdFactory(cpts=cpts, author=member)
    client = verified_client(coordinator)

    without = client.post(url("ad_refuse", cpts, ad.pk), {"note": " "})
    ad.refresh_from_db()
    assert without.status_code == 400 and ad.status == AdStatus.SUBMITTED
    assert "Motif du refus : dites à l'auteur pourquoi l'annonce est refusée." in text(without)

    client.post(url("ad_refuse", cpts, ad.pk), {"note": "Annonce sans lien avec le territoire."})
    ad.refresh_from_db()
    assert (ad.status, ad.refusal_reason) == (AdStatus.REFUSED, "Annonce sans lien avec le territoire.")
    assert "Annonce sans lien avec le territoire." in text(verified_client(member).get(url("ad_detail", cpts, ad.pk)))


def test_a_member_may_not_moderate(cpts, member, other_member):
    ad = AdFactory(cpts=cpts, author=other_member, published=True)
    waiting = AdFactory(cpts=cpts, author=member)
    client = verified_client(member)

    assert client.post(url("ad_publish", cpts, waiting.pk)).status_code == 403
    assert client.post(url("ad_fill", cpts, ad.pk)).status_code == 403
    ad.refresh_from_db()
    waiting.refresh_from_db()
    assert (ad.status, waiting.status) == (AdStatus.PUBLISHED, AdStatus.SUBMITTED)


def test_the_author_marks_an_ad_filled_or_withdraws_it(cpts, member):
    filled = AdFactory(cpts=cpts, author=member, published=True)
    withdrawn = AdFactory(cpts=cpts, author=member)
    client = verified_client(member)

    client.post(url("ad_fill", cpts, filled.pk))
    client.post(url("ad_withdraw", cpts, withdrawn.pk))

    filled.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (filled.status, filled.filled_on) == (AdStatus.FILLED, TODAY)
    assert withdrawn.status == AdStatus.WITHDRAWN


def test_publishing_an_expired_ad_is_refused_on_its_page(cpts, coordinator, member):
    ad = AdFactory(cpts=cpts, author=member, expires_on=TODAY - datetime.timedelta(days=1))

    response = verified_client(coordinator).post(url("ad_publish", cpts, ad.pk))

    assert response.status_code == 400
    assert "Expiration : la date est passée, prolongez l'annonce avant de la publier." in text(response)
    ad.refresh_from_db()
    assert ad.status == AdStatus.SUBMITTED


def test_the_list_runs_as_many_queries_for_3_ads_as_for_30(cpts, coordinator, member):
    client = verified_client(coordinator)

    def ads(count):
        for number in range(count):
            AdFactory(cpts=cpts, author=member, published=bool(number % 2))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("ad_list", cpts)).status_code == 200
        return len(captured)

    ads(3)
    few = queries()
    ads(27)
    assert queries() == few
