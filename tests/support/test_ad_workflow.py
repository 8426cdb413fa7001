"""Ads of the territory: submitted through `services.submit_ad` — a coordinator's ad is published
at once, a member's waits for the coordinators' moderation —, changed through `services.edit_ad`
while it waits or is published, and moved only through its workflow (submitted → published |
refused ; published → filled ; submitted | published → withdrawn). Anyone reads the published ads
that have not expired (`Ad.objects.public`, `selectors.public_ads` with its filters). Every
refusal is in French and names its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support import selectors, services
from maillon.support.factories import AdFactory
from maillon.support.models import MAX_AD_DAYS, Ad, AdEvent, AdKind, AdStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def fields(**overrides):
    return {
        "kind": AdKind.PRACTICE_SALE,
        "title": "Cession de patientèle de médecine générale",
        "description": "Départ en retraite ; cabinet de groupe, secrétariat partagé.",
        "profession": Profession.MEDECIN,
        "commune": Commune.objects.get(pk="78646"),
        "contact_name": "Dr Lefèvre",
        "contact_email": "dr.lefevre@example.org",
        "expires_on": TODAY + 60 * DAY,
        **overrides,
    }


@pytest.fixture
def adherent(cpts, member):
    """The member's active adhesion as a professional."""
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))


def logged(ad):
    return list(AdEvent.objects.filter(ad=ad).values_list("from_status", "to_status", "by", "note"))


def fresh(ad):
    return Ad.objects.get(pk=ad.pk)


# --- Submitting ----------------------------------------------------------------------------------------


def test_a_members_ad_waits_for_moderation(cpts, member, adherent):
    ad = services.submit_ad(cpts=cpts, by=member, **fields(title="  Cession de patientèle "))
    stored = fresh(ad)
    assert (stored.status, stored.cpts, stored.author, stored.author_membership) == (
        AdStatus.SUBMITTED,
        cpts,
        member,
        adherent,
    )
    assert (stored.title, stored.published_on, stored.filled_on) == ("Cession de patientèle", None, None)
    assert logged(ad) == []
    assert ad not in Ad.objects.public() and ad in Ad.objects.for_cpts(cpts).to_moderate()


def test_a_coordinators_ad_is_published_at_once(cpts, coordinator):
    ad = services.submit_ad(cpts=cpts, by=coordinator, **fields())
    stored = fresh(ad)
    assert (stored.status, stored.published_on, stored.author, stored.author_membership) == (
        AdStatus.PUBLISHED,
        TODAY,
        coordinator,
        None,  # a coordinator without a professional adhesion
    )
    assert logged(ad) == [("submitted", "published", coordinator.pk, "")]
    assert list(Ad.objects.public()) == [stored]


def test_an_author_without_adhesion_submits_without_one(cpts, member):
    assert services.submit_ad(cpts=cpts, by=member, **fields()).author_membership is None


def test_an_unknown_field_is_a_programming_error(cpts, member):
    with pytest.raises(TypeError):
        services.submit_ad(cpts=cpts, by=member, **fields(status=AdStatus.PUBLISHED))
    assert not Ad.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_email": "", "contact_phone": ""}, "contact_email", "Contact : donnez un courriel ou un téléphone."),
        (
            {"starts_on": TODAY + 10 * DAY, "ends_on": TODAY + 5 * DAY},
            "ends_on",
            "Dates : la fin doit suivre le début.",
        ),
        ({"expires_on": TODAY - DAY}, "expires_on", "Expiration : choisissez une date à venir."),
        (
            {"expires_on": TODAY + (MAX_AD_DAYS + 1) * DAY},
            "expires_on",
            f"Expiration : au plus {MAX_AD_DAYS} jours après aujourd'hui.",
        ),
    ],
)
def test_an_ad_is_refused_naming_its_field(cpts, member, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        services.submit_ad(cpts=cpts, by=member, **fields(**overrides))
    assert refused.value.message_dict == {field: [message]}
    assert not Ad.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Titre : ce champ est obligatoire."),
        ("description", "Description : ce champ est obligatoire."),
        ("contact_name", "Contact : ce champ est obligatoire."),
    ],
)
def test_a_blank_text_is_refused_naming_its_field(cpts, member, field, message):
    with pytest.raises(ValidationError) as refused:
        services.submit_ad(cpts=cpts, by=member, **fields(**{field: "  "}))
    assert refused.value.message_dict[field] == [message]


def test_a_phone_is_contact_enough_and_dates_are_optional(cpts, member):
    ad = services.submit_ad(cpts=cpts, by=member, **fields(contact_email="", contact_phone="01 39 00 00 00"))
    assert (ad.starts_on, ad.ends_on, ad.contact_phone) == (None, None, "01 39 00 00 00")


def test_an_ad_expiring_today_is_still_read_and_expires_tomorrow(cpts, coordinator):
    ad = services.submit_ad(cpts=cpts, by=coordinator, **fields(expires_on=TODAY))
    assert not ad.is_expired and ad in Ad.objects.public()
    assert ad not in Ad.objects.public(on=TODAY + DAY)
    Ad.objects.filter(pk=ad.pk).update(expires_on=TODAY - DAY)
    assert fresh(ad).is_expired and not Ad.objects.public().exists()


# --- The workflow -------------------------------------------------------------------------------------


def test_the_workflow_declares_its_transitions():
    workflow = Ad.workflow
    assert workflow.targets_from(AdStatus.SUBMITTED) == {AdStatus.PUBLISHED, AdStatus.REFUSED, AdStatus.WITHDRAWN}
    assert workflow.targets_from(AdStatus.PUBLISHED) == {AdStatus.FILLED, AdStatus.WITHDRAWN}
    for final in (AdStatus.REFUSED, AdStatus.FILLED, AdStatus.WITHDRAWN):
        assert workflow.targets_from(final) == set()


def test_publish_dates_the_ad_and_writes_a_log_row_and_a_journal_entry(cpts, coordinator):
    ad = AdFactory(cpts=cpts)
    ad.publish(by=coordinator)
    stored = fresh(ad)
    assert (stored.status, stored.published_on, stored.refusal_reason) == (AdStatus.PUBLISHED, TODAY, "")
    assert logged(ad) == [("submitted", "published", coordinator.pk, "")]
    assert list(
        JournalEntry.objects.filter(action="transition", object_type="support.Ad", object_id=str(ad.pk)).values_list(
            "note", flat=True
        )
    ) == ["submitted → published"]


def test_an_expired_ad_is_not_published(cpts, coordinator):
    ad = AdFactory(cpts=cpts, expires_on=TODAY - DAY)
    with pytest.raises(ValidationError) as refused:
        ad.publish(by=coordinator)
    assert refused.value.message_dict == {
        "expires_on": ["Expiration : la date est passée, prolongez l'annonce avant de la publier."]
    }
    assert fresh(ad).status == AdStatus.SUBMITTED and logged(ad) == []


def test_refuse_needs_a_reason_the_author_reads(cpts, coordinator):
    ad = AdFactory(cpts=cpts)
    with pytest.raises(ValidationError) as refused:
        ad.refuse(by=coordinator, note=" ")
    assert refused.value.message_dict == {"note": ["Motif : dites à l'auteur pourquoi l'annonce est refusée."]}
    ad.refuse(by=coordinator, note="  Annonce commerciale hors du champ de la CPTS ")
    stored = fresh(ad)
    assert (stored.status, stored.refusal_reason) == (AdStatus.REFUSED, "Annonce commerciale hors du champ de la CPTS")
    assert logged(ad) == [("submitted", "refused", coordinator.pk, "Annonce commerciale hors du champ de la CPTS")]


def test_a_published_ad_is_filled_and_leaves_the_public_list(cpts, member):
    ad = AdFactory(cpts=cpts, published=True)
    ad.fill(by=member)
    stored = fresh(ad)
    assert (stored.status, stored.filled_on) == (AdStatus.FILLED, TODAY)
    assert not Ad.objects.public().exists()


@pytest.mark.parametrize("traits", [{}, {"published": True}])
def test_a_waiting_or_published_ad_is_withdrawn(cpts, member, traits):
    ad = AdFactory(cpts=cpts, **traits)
    ad.withdraw(by=member, note="Trouvé par le bouche-à-oreille")
    assert fresh(ad).status == AdStatus.WITHDRAWN
    assert logged(ad)[-1][1:] == ("withdrawn", member.pk, "Trouvé par le bouche-à-oreille")


@pytest.mark.parametrize(
    ("traits", "move", "label"),
    [
        ({}, "fill", "En attente de modération"),
        ({"published": True}, "publish", "Publiée"),
        ({"published": True}, "refuse", "Publiée"),
        ({"filled": True}, "withdraw", "Pourvue"),
        ({"filled": True}, "fill", "Pourvue"),
        ({"status": AdStatus.REFUSED}, "publish", "Refusée"),
        ({"status": AdStatus.WITHDRAWN}, "withdraw", "Retirée"),
    ],
)
def test_a_move_from_a_state_it_does_not_leave_is_refused_in_french_and_writes_nothing(
    cpts, coordinator, traits, move, label
):
    ad = AdFactory(cpts=cpts, **traits)
    calls = {
        "publish": lambda: ad.publish(by=coordinator),
        "refuse": lambda: ad.refuse(by=coordinator, note="Hors sujet"),
        "fill": lambda: ad.fill(by=coordinator),
        "withdraw": lambda: ad.withdraw(by=coordinator),
    }
    with pytest.raises(TransitionNotAllowed) as refused:
        calls[move]()
    assert refused.value.detail == f"Cette annonce est « {label} » : l'action n'est pas possible."
    assert fresh(ad).status == (traits.get("status") or ad.status)
    assert logged(ad) == []


def test_a_stale_copy_is_refused_and_the_winner_stays(cpts, coordinator, member):
    ad = AdFactory(cpts=cpts, author=member)
    stale = fresh(ad)
    ad.withdraw(by=member)
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.publish(by=coordinator)
    assert refused.value.detail == "Cette annonce a changé entre-temps : l'action n'est pas possible."
    stored = fresh(ad)
    assert (stored.status, stored.published_on) == (AdStatus.WITHDRAWN, None)


def test_the_state_does_not_change_by_saving(cpts):
    ad = fresh(AdFactory(cpts=cpts))
    ad.status = AdStatus.PUBLISHED
    with pytest.raises(StateChangedOutsideWorkflow):
        ad.save()


# --- Editing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("traits", [{}, {"published": True}])
def test_a_waiting_or_published_ad_is_edited(cpts, coordinator, traits):
    ad = AdFactory(cpts=cpts, **traits)
    before = ad.status
    edited = services.edit_ad(ad, by=coordinator, title="  Remplacement les lundis ", expires_on=TODAY + 90 * DAY)
    stored = fresh(ad)
    assert (stored.title, stored.expires_on, stored.status) == ("Remplacement les lundis", TODAY + 90 * DAY, before)
    assert edited.pk == ad.pk


def test_an_edit_is_checked_as_a_submission(cpts, coordinator):
    ad = AdFactory(cpts=cpts)
    with pytest.raises(ValidationError) as refused:
        services.edit_ad(ad, by=coordinator, contact_email="", contact_phone="")
    assert refused.value.message_dict == {"contact_email": ["Contact : donnez un courriel ou un téléphone."]}
    assert fresh(ad).contact_email == ad.contact_email


@pytest.mark.parametrize(
    ("traits", "label"),
    [
        ({"filled": True}, "pourvue"),
        ({"status": AdStatus.REFUSED}, "refusée"),
        ({"status": AdStatus.WITHDRAWN}, "retirée"),
    ],
)
def test_a_closed_ad_no_longer_changes(cpts, coordinator, traits, label):
    ad = AdFactory(cpts=cpts, **traits)
    with pytest.raises(ValidationError) as refused:
        services.edit_ad(ad, by=coordinator, title="Nouveau titre")
    assert refused.value.message_dict == {"status": [f"Cette annonce est « {label} » : elle ne change plus."]}
    assert fresh(ad).title == ad.title


def test_an_edit_of_an_unknown_field_is_a_programming_error(cpts, coordinator):
    with pytest.raises(TypeError):
        services.edit_ad(AdFactory(cpts=cpts), by=coordinator, author=None)


# --- Reading the public ads ------------------------------------------------------------------------------


def test_public_are_the_published_ads_not_expired_of_every_cpts(cpts, other_cpts):
    mine = AdFactory(cpts=cpts, published=True)
    theirs = AdFactory(cpts=other_cpts, published=True)
    for traits in (
        {},
        {"expired": True},
        {"filled": True},
        {"status": AdStatus.REFUSED},
        {"status": AdStatus.WITHDRAWN},
    ):
        AdFactory(cpts=cpts, **traits)
    assert set(Ad.objects.public()) == {mine, theirs}
    assert set(selectors.public_ads()) == {mine, theirs}


def test_public_ads_filter_by_profession_kind_departement_and_commune(cpts):
    essonne = CommuneFactory(departement=DepartementFactory(code="91", name="Essonne"))
    nurse = AdFactory(cpts=cpts, published=True, profession=Profession.INFIRMIER, kind=AdKind.REPLACEMENT)
    premises = AdFactory(cpts=cpts, published=True, kind=AdKind.PREMISES, commune=essonne)
    assert list(selectors.public_ads(profession=Profession.INFIRMIER)) == [nurse]
    assert list(selectors.public_ads(kind=AdKind.PREMISES)) == [premises]
    assert list(selectors.public_ads(departement="91")) == [premises]
    assert list(selectors.public_ads(commune=essonne.code)) == [premises]
    assert list(selectors.public_ads(profession=Profession.INFIRMIER, kind=AdKind.PREMISES)) == []


def test_public_ads_around_a_commune_within_a_radius(cpts):
    centre = CommuneFactory(latitude=48.8, longitude=2.1)
    near = CommuneFactory(latitude=48.8, longitude=2.3)  # about 15 km east
    far = CommuneFactory(latitude=48.8, longitude=2.6)  # about 37 km east
    at_centre, at_near, at_far = (
        AdFactory(cpts=cpts, published=True, commune=commune) for commune in (centre, near, far)
    )
    assert set(selectors.public_ads(commune=centre.code, radius_km=20)) == {at_centre, at_near}
    assert set(selectors.public_ads(commune=centre.code, radius_km=50)) == {at_centre, at_near, at_far}
    assert list(selectors.public_ads(commune=centre.code)) == [at_centre]


def test_public_ads_newest_first(cpts):
    older = AdFactory(cpts=cpts, published=True, published_on=TODAY - 10 * DAY)
    newer = AdFactory(cpts=cpts, published=True)
    assert list(selectors.public_ads()) == [newer, older]
