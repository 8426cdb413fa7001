"""The creation seen from the other pages: the public CPTS page shows the validated projet's
missions and fiches-actions (nothing before), the CPTS's dashboard links the creation pages,
its finances show the start-up grant beside the ACI, its ACI indicators page offers the
validated projet's indicators."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services as contract_services
from maillon.contracts.funding import euros
from maillon.contracts.models import Indicator
from maillon.creation import services
from maillon.creation.factories import GrantPaymentFactory, GrantSpendingFactory, StartupGrantFactory
from maillon.creation.models import Funder, ReviewDecision

from .cpts_space import ars_authority, complete_draft, cpam_authority, logged_in, plain, url

pytestmark = pytest.mark.django_db


def cpts_signed_on():
    """An ACI signed at the start of this month."""
    return timezone.localdate().replace(day=1)


def validated(cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    services.review_project(version, by=ars_authority(cpts), funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    services.review_project(
        version, by=cpam_authority(cpts), funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED
    )
    return version


def test_the_public_page_shows_the_fiches_only_once_the_projet_is_validated(client, cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    before = unescape(client.get(reverse("cpts_detail", args=[cpts.slug])).content.decode())
    assert 'id="projet-de-sante"' not in before and "Fiche de la mission 1" not in before

    services.review_project(version, by=ars_authority(cpts), funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    services.review_project(
        version, by=cpam_authority(cpts), funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED
    )

    response = client.get(reverse("cpts_detail", args=[cpts.slug]))
    assert 'id="projet-de-sante"' in response.content.decode()
    after = plain(response)
    assert "Mission 1 — Accès aux soins" in after and "Mission 4 — Crises sanitaires graves" in after
    assert "Fiche de la mission 1" in after and "Fiche de la mission 4" in after
    # Titles only: the content of a fiche stays in the CPTS's pages.
    assert "Dr Claire Martin" not in after


def test_the_dashboard_links_the_creation_pages_by_role(cpts, coordinator, member):
    services.ensure_steps(cpts)
    html = logged_in(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert "Création de la CPTS" in html
    assert "0 sur 10 étapes de la création faites." in plain(
        logged_in(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))
    )
    for name in ("creation_steps", "creation_grant", "creation_project"):
        assert url(name, cpts) in html

    html = logged_in(member).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert url("creation_steps", cpts) in html and url("creation_project", cpts) in html
    # A member does not read the grant.
    assert url("creation_grant", cpts) not in html


def test_the_finances_show_the_start_up_grant_beside_the_aci(cpts, coordinator, member):
    grant = StartupGrantFactory(cpts=cpts, amount=Decimal("15000"))
    GrantPaymentFactory(grant=grant, amount=Decimal("7500"), paid_on=grant.decided_on)
    GrantSpendingFactory(grant=grant, amount=Decimal("2000"))

    for user in (coordinator, ars_authority(cpts)):
        page = plain(logged_in(user).get(reverse("contracts_funding", args=[cpts.slug])))
        assert "Subvention de démarrage (ARS)" in page
        assert f"{euros(Decimal('15000'))} accordés" in page
        assert f"{euros(Decimal('7500'))} versés par l'ARS" in page
        assert f"{euros(Decimal('2000'))} dépensés" in page
    html = logged_in(coordinator).get(reverse("contracts_funding", args=[cpts.slug])).content.decode()
    assert url("creation_grant", cpts) in html


def test_the_finances_of_a_cpts_with_an_aci_and_no_grant_say_nothing_of_it(cpts, coordinator):
    contract_services.create_contract(
        cpts=cpts, signed_on=cpts_signed_on(), taille=2, missions=[1, 2, 3, 4], by=coordinator
    )

    html = logged_in(coordinator).get(reverse("contracts_funding", args=[cpts.slug])).content.decode()

    assert 'id="subvention-de-demarrage"' not in html


def test_the_aci_indicators_page_offers_the_projet_s_indicators_with_a_prefill(cpts, coordinator):
    validated(cpts, coordinator)
    contract_services.create_contract(
        cpts=cpts, signed_on=cpts_signed_on(), taille=2, missions=[1, 2, 3, 4], by=coordinator
    )
    editor = logged_in(coordinator)

    page = plain(editor.get(reverse("contracts_indicators", args=[cpts.slug])))
    assert "Proposés par le projet de santé" in page
    assert "Fiche de la mission 2" in page and "Délai moyen de prise en charge" in page

    html = editor.get(reverse("contracts_indicators", args=[cpts.slug]) + "?proposition=1").content.decode()
    form = html.split('id="ajouter"')[1]
    assert 'value="Délai moyen de prise en charge"' in unescape(form)
    assert '<option value="1" selected>' in form

    added = editor.post(
        reverse("contracts_indicators", args=[cpts.slug]),
        {
            "action": "indicator",
            "ind-mission": "1",
            "ind-name": "Délai moyen de prise en charge",
            "ind-added_on": cpts_signed_on().isoformat(),
        },
    )
    assert added.status_code == 302
    assert Indicator.objects.filter(name="Délai moyen de prise en charge", mission=1).exists()
    assert "déjà au contrat" in plain(editor.get(reverse("contracts_indicators", args=[cpts.slug])))


def test_no_indicator_is_offered_before_the_projet_is_validated(cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    services.submit_project(version, by=coordinator)
    contract_services.create_contract(
        cpts=cpts, signed_on=cpts_signed_on(), taille=2, missions=[1, 2, 3, 4], by=coordinator
    )

    page = plain(logged_in(coordinator).get(reverse("contracts_indicators", args=[cpts.slug])))

    assert "Proposés par le projet de santé" not in page


def test_a_huge_or_long_proposition_number_is_ignored_not_a_500(cpts, coordinator):
    validated(cpts, coordinator)
    contract_services.create_contract(
        cpts=cpts, signed_on=cpts_signed_on(), taille=2, missions=[1, 2, 3, 4], by=coordinator
    )
    editor = logged_in(coordinator)
    base = reverse("contracts_indicators", args=[cpts.slug])
    for value in ("9" * 5000, "00001"):
        response = editor.get(f"{base}?proposition={value}")
        assert response.status_code == 200
        form = response.content.decode().split('id="ajouter"')[1]
        assert "Délai moyen de prise en charge" not in unescape(form)
