from django.db import migrations, models

BATCH = 1000


def fill_skills_search(apps, schema_editor):
    """Existing cards: the normalised skills, as Professional.save() now stores them."""
    from maillon.territories.models import normalize_name

    Professional = apps.get_model("members", "Professional")
    batch = []
    for professional in Professional.objects.exclude(skills="").only("pk", "skills").iterator(chunk_size=BATCH):
        professional.skills_search = normalize_name(professional.skills)
        batch.append(professional)
        if len(batch) >= BATCH:
            Professional.objects.bulk_update(batch, ["skills_search"])
            batch = []
    if batch:
        Professional.objects.bulk_update(batch, ["skills_search"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_mission_participation"),
    ]

    operations = [
        migrations.AddField(
            model_name="professional",
            name="skills_search",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_skills_search, migrations.RunPython.noop),
    ]
