"""The lifecycle steps become the transition log of a CPTS (`TransitionLog`), without loss:
the columns are renamed (status → to_status, recorded_by → by, recorded_at → at), and the
new `from_status` of each existing row is the step before it for the same CPTS (in date,
then recording order), "" for the first."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_from_status(apps, schema_editor):
    LifecycleStep = apps.get_model("core", "LifecycleStep")
    changed = []
    previous_cpts, previous_status = None, ""
    for step in LifecycleStep.objects.order_by("cpts_id", "date", "at", "pk").iterator():
        if step.cpts_id != previous_cpts:
            previous_cpts, previous_status = step.cpts_id, ""
        if step.from_status != previous_status:
            step.from_status = previous_status
            changed.append(step)
        previous_status = step.to_status
    LifecycleStep.objects.bulk_update(changed, ["from_status"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_scheduledrun"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="lifecyclestep", old_name="status", new_name="to_status"),
        migrations.RenameField(model_name="lifecyclestep", old_name="recorded_by", new_name="by"),
        migrations.RenameField(model_name="lifecyclestep", old_name="recorded_at", new_name="at"),
        migrations.AlterField(
            model_name="lifecyclestep",
            name="to_status",
            field=models.CharField(max_length=30, verbose_name="nouvel état"),
        ),
        migrations.AlterField(
            model_name="lifecyclestep",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AlterField(
            model_name="lifecyclestep",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="le"),
        ),
        migrations.AddField(
            model_name="lifecyclestep",
            name="from_status",
            field=models.CharField(blank=True, default="", max_length=30, verbose_name="état de départ"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="lifecyclestep",
            name="note",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="note"),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="lifecyclestep",
            options={"ordering": ["cpts", "date", "at", "pk"], "verbose_name": "étape du cycle de vie"},
        ),
        migrations.RunPython(fill_from_status, migrations.RunPython.noop, elidable=False),
    ]
