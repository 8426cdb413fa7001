"""The writes of the adhesion pages, each in one transaction: nothing half-written.

The models journal every row they write; only the many-to-many languages,
which the models cannot see, are journaled here.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from maillon.core import journal
from maillon.core.models import CptsRole, User
from maillon.core.services import invite
from maillon.members.models import Fee, Membership, MembershipStatus, PracticePlace, Professional, Structure
from maillon.members.services import check_place_structure, request_membership, set_missions

# --- Public requests -----------------------------------------------------------------


def existing_professional(*, rpps, adeli):
    found = Professional.objects.by_identifier(rpps=rpps).first() if rpps else None
    return found or (Professional.objects.by_identifier(adeli=adeli).first() if adeli else None)


def existing_structure(*, finess, siret):
    if not finess and not siret:
        return None
    query = Q(finess=finess) if finess else Q()
    if siret:
        query |= Q(siret=siret)
    return Structure.objects.filter(query).order_by("pk").first()


def new_professional(data) -> Professional:
    professional = Professional.objects.create(
        first_name=data["first_name"].strip(),
        last_name=data["last_name"].strip(),
        profession=data["profession"],
        specialty=data.get("specialty") or "",
        rpps=data.get("rpps"),
        adeli=data.get("adeli"),
        email=data["email"],
        phone=data.get("phone", ""),
        skills=data.get("skills", ""),
        accepts_new_patients=data.get("accepts_new_patients", False),
        takes_part_in_snp=data.get("takes_part_in_snp", False),
    )
    set_languages(professional, data.get("languages") or [])
    PracticePlace.objects.create(
        professional=professional,
        address=data["address"].strip(),
        commune=data["commune_obj"],
        phone=data.get("place_phone", ""),
        mssante_email=data.get("mssante_email", ""),
        is_main=True,
    )
    return professional


def new_structure(data) -> Structure:
    return Structure.objects.create(
        name=data["name"].strip(),
        kind=data["structure_kind"],
        finess=data.get("finess"),
        siret=data.get("siret"),
        address=data["address"].strip(),
        commune=data["commune_obj"],
        phone=data.get("phone", ""),
        email=data["email"],
    )


def _create_or_reuse(find, create):
    """Reuse the card found by its register number — never updated from a public form — or create it.

    A card created meanwhile by another request is reused as well. Returns (card, existed).
    """
    existing = find()
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            return create(), False
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing, True


@transaction.atomic
def request_for_professional(cpts, data) -> Membership:
    professional, existed = _create_or_reuse(
        lambda: existing_professional(rpps=data.get("rpps"), adeli=data.get("adeli")), lambda: new_professional(data)
    )
    return request_membership(
        cpts,
        professional=professional,
        college=data.get("college"),
        involvement=data["involvement"],
        card_existed=existed,
    )


@transaction.atomic
def request_for_structure(cpts, data) -> Membership:
    structure, existed = _create_or_reuse(
        lambda: existing_structure(finess=data.get("finess"), siret=data.get("siret")), lambda: new_structure(data)
    )
    return request_membership(
        cpts, structure=structure, college=data.get("college"), involvement=data["involvement"], card_existed=existed
    )


# --- The coordinator's writes ----------------------------------------------------------


@transaction.atomic
def set_placement(membership, *, college, involvement, missions=()):
    if membership.status not in (MembershipStatus.REQUESTED, MembershipStatus.ACTIVE):
        raise ValidationError(
            f"Cette adhésion est « {membership.get_status_display()} » : le collège et l'implication ne changent plus."
        )
    membership.college, membership.involvement = college, involvement
    membership.save()
    set_missions(membership, missions)


@transaction.atomic
def set_fee(membership, *, year, amount, paid_on=None) -> Fee:
    """Create or replace the cotisation of one adhesion for one year."""
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.LEFT):
        raise ValidationError("Cotisation : l'adhésion doit être acceptée avant d'enregistrer une cotisation.")
    fee = Fee.objects.select_for_update().filter(membership=membership, year=year).first()
    if fee is None:
        return Fee.objects.create(membership=membership, year=year, amount=amount, paid_on=paid_on)
    fee.amount, fee.paid_on = amount, paid_on
    fee.save()
    return fee


@dataclass(frozen=True)
class FeeRun:
    created: int
    updated: int


@transaction.atomic
def set_fees_for_year(cpts, *, year, amount, update_unpaid=False) -> FeeRun:
    """Give every active member a cotisation of `amount` for `year` (one row each, journaled)."""
    memberships = list(Membership.objects.for_cpts(cpts).active().select_for_update())
    fees = Fee.objects.filter(membership_id__in=[membership.pk for membership in memberships], year=year)
    existing = {fee.membership_id: fee for fee in fees}
    created = updated = 0
    for membership in memberships:
        fee = existing.get(membership.pk)
        if fee is None:
            Fee.objects.create(membership=membership, year=year, amount=amount)
            created += 1
        elif update_unpaid and not fee.is_paid and fee.amount != amount:
            fee.amount = amount
            fee.save()
            updated += 1
    return FeeRun(created=created, updated=updated)


@transaction.atomic
def mark_fees(cpts, *, year, fee_ids, paid_on) -> int:
    """Mark cotisations of the year paid on `paid_on`, or unpaid when it is None."""
    fees = Fee.objects.select_for_update(of=("self",)).filter(membership__cpts=cpts, year=year, pk__in=fee_ids)
    changed = 0
    for fee in fees:
        if fee.paid_on != paid_on:
            fee.paid_on = paid_on
            fee.save()
            changed += 1
    return changed


def can_invite(membership) -> bool:
    """An active adherent with an e-mail address and no account yet: a professional, or a
    structure without a representative (the account invited then speaks for it)."""
    member = membership.member
    has_account = member.user_id if membership.professional_id else member.representative_id
    return membership.status == MembershipStatus.ACTIVE and bool(member.email) and has_account is None


@transaction.atomic
def invite_professional(membership, *, by) -> str:
    """Give the accepted member an account (created and e-mailed by core) and link it to the card:
    the professional's own, or the representative of the structure.

    Returns what to tell the coordinator. A person who already has a role here is only linked.
    """
    if not can_invite(membership):
        raise ValidationError(
            "Invitation : seul un adhérent avec une adresse électronique et sans compte peut être invité."
        )
    if membership.professional_id:
        member = Professional.objects.select_for_update().get(pk=membership.professional_id)
    else:
        member = Structure.objects.select_for_update().get(pk=membership.structure_id)
    user = User.objects.filter(email__iexact=member.email).first()
    if membership.professional_id and user is not None and Professional.objects.filter(user=user).exists():
        raise ValidationError("Invitation : le compte de cette adresse est déjà relié à une autre fiche.")
    if user is not None and CptsRole.objects.filter(user=user, cpts=membership.cpts).exists():
        message = "Le compte Maillon existant de cette adresse est maintenant relié à la fiche."
    else:
        invitation = invite(membership.cpts, email=member.email, role="member", by=by)
        user = invitation.role.user
        message = (
            "Invitation envoyée : la personne a reçu un lien pour créer son accès à Maillon."
            if invitation.sent_link
            else "La personne, qui a déjà un compte Maillon, a été informée de son accès à la CPTS."
        )
    if membership.professional_id:
        member.user = user
    else:
        member.representative = user
    member.save()
    return message


# --- The member's own card -------------------------------------------------------------


def set_languages(professional, languages):
    """Replace the languages, journaled by hand: the model's journal does not see many-to-many fields."""
    wanted = {language.pk for language in languages}
    current = set(professional.languages.values_list("pk", flat=True))
    if wanted == current:
        return
    professional.languages.set(wanted)
    journal.record(journal.Action.UPDATE, professional, fields=["languages"])


CARD_FIELDS = ("email", "phone", "skills", "accepts_new_patients", "takes_part_in_snp")


@transaction.atomic
def save_card(professional, *, card, places, membership=None, cpts=None):
    """The member's own card: contact, practice and places; never identity nor register numbers.

    With `membership` (an adherent taking part in missions), its missions too."""
    for name in CARD_FIELDS:
        setattr(professional, name, card[name])
    professional.save()
    set_languages(professional, card["languages"])
    PracticePlace.objects.filter(professional=professional, pk__in=places.deleted_place_ids()).delete()
    kept = places.kept_forms()
    main = next((form for form in kept if form.cleaned_data.get("is_main")), kept[0])
    for form in kept:
        save_place(professional, form.cleaned_data, existing=places.places, is_main=form is main, cpts=cpts)
    if membership is not None:
        set_missions(membership, card.get("missions") or [])


def save_place(professional, data, *, existing, is_main, cpts=None):
    place = existing.get(data.get("place_id")) or PracticePlace(professional=professional)
    if "structure" in data and cpts is not None:
        check_place_structure(place, data["structure"], cpts=cpts)
        place.structure = data["structure"]
    place.address = data["address"].strip()
    place.commune = data["commune_obj"]
    place.phone = data.get("phone", "")
    place.mssante_email = data.get("mssante_email", "")
    place.is_main = is_main
    place.save()


# --- The structure's card, kept by its representative ---------------------------------

STRUCTURE_CARD_FIELDS = ("name", "address", "phone", "email")


@transaction.atomic
def save_structure_card(structure, data):
    """Name, address, commune and contact; never the type nor the FINESS/SIRET. Journaled by the model."""
    for name in STRUCTURE_CARD_FIELDS:
        setattr(structure, name, (data.get(name) or "").strip())
    structure.commune = data["commune_obj"]
    structure.full_clean(exclude=["finess", "siret", "representative"])
    structure.save()
