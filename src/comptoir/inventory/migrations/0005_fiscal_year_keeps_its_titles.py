"""Each fiscal year keeps the organization's title it was imported with (approval freezes it).

Existing years are filled with their organization's current title, the best value there is: the
import so far kept only that one. The reverse empties the two fields (the years then show the
organization's title again, as before).
"""

from django.db import migrations, models

BATCH_SIZE = 500


def fill_titles(apps, schema_editor):
    FiscalYear = apps.get_model("inventory", "FiscalYear")
    years = FiscalYear.objects.filter(owner_org_title_en="").select_related("organization")
    pending = []
    for year in years.iterator(chunk_size=BATCH_SIZE):
        year.owner_org_title_en = year.organization.title_en
        year.owner_org_title_fr = year.organization.title_fr
        pending.append(year)
        if len(pending) >= BATCH_SIZE:
            FiscalYear.objects.bulk_update(pending, ["owner_org_title_en", "owner_org_title_fr"])
            pending = []
    if pending:
        FiscalYear.objects.bulk_update(pending, ["owner_org_title_en", "owner_org_title_fr"])


def empty_titles(apps, schema_editor):
    FiscalYear = apps.get_model("inventory", "FiscalYear")
    FiscalYear.objects.update(owner_org_title_en="", owner_org_title_fr="")


def _title(language):
    return models.CharField(
        blank=True,
        default="",
        max_length=500,
        verbose_name=f"organization title for this year ({language})",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_finding_resolution_note"),
    ]

    operations = [
        migrations.AddField("fiscalyear", "owner_org_title_en", _title("English")),
        migrations.AddField("fiscalyear", "owner_org_title_fr", _title("French")),
        migrations.AddField("historicalfiscalyear", "owner_org_title_en", _title("English")),
        migrations.AddField("historicalfiscalyear", "owner_org_title_fr", _title("French")),
        migrations.RunPython(fill_titles, empty_titles, elidable=False),
    ]
