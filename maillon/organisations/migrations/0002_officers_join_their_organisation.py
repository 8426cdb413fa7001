"""The ARS and CPAM officers already known (authority and observer roles naming an organisation)
become members of that organisation, created over the role's région."""

from django.db import migrations

from maillon.organisations.services import OFFICER_ROLES, kind_of


def enrol(apps, schema_editor):
    TerritoryRole = apps.get_model("territories", "TerritoryRole")
    Organisation = apps.get_model("organisations", "Organisation")
    OrganisationPerson = apps.get_model("organisations", "OrganisationPerson")
    for role in (
        TerritoryRole.objects.filter(role__in=OFFICER_ROLES).exclude(organisation="").select_related("departement")
    ):
        name = role.organisation.strip()
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            region_id = role.region_id or role.departement.region_id
            organisation = Organisation.objects.create(name=name, kind=kind_of(name), region_id=region_id)
        OrganisationPerson.objects.get_or_create(organisation=organisation, user_id=role.user_id)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial"), ("territories", "0004_french_verbose_names")]

    operations = [migrations.RunPython(enrol, migrations.RunPython.noop)]
