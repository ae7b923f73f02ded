"""Seed the request types with the types of requests of Statistics Canada's evaluation of its
client services (figure 4, "Types of requests", 2018 CRMS), in their order of frequency, "Other"
last. Their wording is the report's. Entries can be renamed or switched off in the admin.
"""

from django.db import migrations

REQUEST_TYPES = (
    (
        "find-statistics",
        "Help to find statistics on the website and use online tools",
        "Aide pour trouver des statistiques sur le site Web et utiliser les outils en ligne",
    ),
    ("paid-custom-data", "Paid custom data", "Données personnalisées payantes"),
    ("expert-advice", "Expert advice on data", "Conseils d'experts sur les données"),
    (
        "programs-surveys",
        "Information on Statistics Canada programs or surveys",
        "Renseignements sur les programmes ou les enquêtes de Statistique Canada",
    ),
    ("free-custom-data", "Free custom data", "Données personnalisées gratuites"),
    (
        "microdata-access",
        "Statistics Canada microdata access and support",
        "Accès aux microdonnées de Statistique Canada et soutien",
    ),
    ("training", "Training", "Formation"),
    (
        "analytical-support",
        "Analytical support for Statistics Canada data",
        "Soutien analytique pour les données de Statistique Canada",
    ),
    ("record-linkage", "Record data linkage", "Couplage d'enregistrements"),
    ("other", "Other", "Autre"),
)


def seed(apps, schema_editor):
    RequestType = apps.get_model("casework", "RequestType")
    for position, (code, name_en, name_fr) in enumerate(REQUEST_TYPES, start=1):
        RequestType.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_fr": name_fr, "position": position}
        )


def unseed(apps, schema_editor):
    RequestType = apps.get_model("casework", "RequestType")
    RequestType.objects.filter(code__in=[code for code, _en, _fr in REQUEST_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
