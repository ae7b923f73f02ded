"""A case brought in by the history import keeps the reference its older system gave it
(``legacy_reference``, blank otherwise), indexed so a re-import of the same file is refused fast."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_queues_routing_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="legacy_reference",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=100,
                verbose_name="former reference",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["legacy_reference"], name="casework_case_legacy_ref"),
        ),
    ]
