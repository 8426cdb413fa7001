"""API tokens gain a kind (personal or FHIR client), scopes, an expiry and their rotation.

Data: every token made before gets an expiry (now + MAILLON_API_TOKEN_DAYS) and the full scopes
of a personal token, as it had every right of its user; a token of a SAS client account (the
`snp_sasclient` table) becomes a FHIR token, valid on /fhir/ only (docs/operations.md).
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import maillon.core.models

# The areas when this migration was written (maillon/core/token_scopes.py): frozen here, so
# that an area added later is never granted to old tokens by replaying this migration.
AREAS = (
    "members",
    "meetings",
    "territories",
    "aci",
    "mt",
    "snp",
    "crisis",
    "pathways",
    "prevention",
    "organisations",
    "discussions",
    "creation",
)
ALL_SCOPES = [f"{area}:{access}" for area in AREAS for access in ("read", "write")]


def sas_client_users(connection) -> set[int]:
    """The users with a SAS client account, read without the snp app's models (core comes first)."""
    if "snp_sasclient" not in connection.introspection.table_names():
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM snp_sasclient")
        return {row[0] for row in cursor.fetchall()}


def expire_and_scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    if not ApiToken.objects.exists():
        return
    expires_at = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=settings.MAILLON_API_TOKEN_DAYS)
    sas_users = sas_client_users(schema_editor.connection)
    ApiToken.objects.filter(expires_at__isnull=True).exclude(user_id__in=sas_users).update(
        expires_at=expires_at, kind="personal", scopes=ALL_SCOPES
    )
    ApiToken.objects.filter(expires_at__isnull=True, user_id__in=sas_users).update(
        expires_at=expires_at, kind="fhir", scopes=[]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_journal_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="kind",
            field=models.CharField(
                choices=[("personal", "Jeton d'API personnel"), ("fhir", "Jeton de client FHIR (SAS)")],
                default="personal",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list, verbose_name="portées"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="rotated_from",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="rotated_to",
                to="core.apitoken",
                verbose_name="renouvelle le jeton",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expire le"),
        ),
        migrations.RunPython(expire_and_scope_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=maillon.core.models.default_token_expiry, verbose_name="expire le"),
        ),
    ]
