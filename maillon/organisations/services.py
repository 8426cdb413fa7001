"""Writes on organisations: officers join the organisation their territorial role names, the
platform admin grants and withdraws the manager role."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction

from maillon.core import journal
from maillon.core.models import User
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

from .models import Organisation, OrganisationKind, OrganisationPerson, OrganisationRole

# The territorial roles held by an organisation's officers (a SAS regulator works for a SAMU).
OFFICER_ROLES = (TerritoryRoleKind.AUTHORITY, TerritoryRoleKind.OBSERVER)

# How the names officers' roles carry start (« ARS Île-de-France », « CPAM des Yvelines »…).
KIND_PREFIXES = (
    ("ars", OrganisationKind.ARS),
    ("cpam", OrganisationKind.ASSURANCE_MALADIE),
    ("dcgdr", OrganisationKind.ASSURANCE_MALADIE),
    ("assurance maladie", OrganisationKind.ASSURANCE_MALADIE),
    ("urps", OrganisationKind.URPS),
    ("federation", OrganisationKind.FEDERATION),
)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


def kind_of(name: str) -> str:
    plain = _plain(name)
    for prefix, kind in KIND_PREFIXES:
        if plain == prefix or plain.startswith(prefix + " "):
            return kind
    return OrganisationKind.OTHER


def _region_of(role: TerritoryRole):
    return role.region if role.region_id else role.departement.region


@transaction.atomic
def enrol_officers(roles=None) -> int:
    """Each ARS or CPAM officer (authority or observer role) naming an organisation becomes a
    member of it, the organisation created over the role's région when it is new. Never
    lowers a manager. The number of places created."""
    if roles is None:
        roles = TerritoryRole.objects.all()
    created = 0
    for role in roles:
        name = (role.organisation or "").strip()
        if role.role not in OFFICER_ROLES or not name:
            continue
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=name, kind=kind_of(name), region=_region_of(role))
        _, made = OrganisationPerson.objects.get_or_create(organisation=organisation, user_id=role.user_id)
        created += made
    return created


@transaction.atomic
def grant_manager(organisation: Organisation, *, email: str, by) -> OrganisationPerson:
    """The platform admin makes the person with an account at `email` a manager."""
    email = User.objects.normalize_email(email or "").strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError({"email": "Adresse électronique : aucun compte actif n'a cette adresse."})
    if by is not None and user.pk == by.pk:
        # The platform admin reads no discussion: being a manager would open the hosted groups.
        raise ValidationError({"email": "Adresse électronique : on ne se nomme pas soi-même gestionnaire."})
    with journal.acting_as(by):
        place, _ = OrganisationPerson.objects.select_for_update().get_or_create(organisation=organisation, user=user)
        if place.role != OrganisationRole.MANAGER:
            place.role = OrganisationRole.MANAGER
            place.save()
    return place


@transaction.atomic
def withdraw_manager(place: OrganisationPerson, *, by) -> OrganisationPerson:
    """Back to member: the person stays in the organisation."""
    with journal.acting_as(by):
        if place.role != OrganisationRole.MEMBER:
            place.role = OrganisationRole.MEMBER
            place.save()
    return place
