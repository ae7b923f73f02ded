"""Create the table of the database cache (``settings.CACHES``, ``DatabaseCache``), which holds
allauth's failed-sign-in counts and used TOTP codes for every worker process.

Django's own ``createcachetable`` does the work (the table's layout belongs to Django, not to
Comptoir; it skips a table that exists, so running it by hand as well is harmless). Going back
drops the tables of the database caches configured for this database.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for cache in settings.CACHES.values():
        table = cache.get("LOCATION")
        if cache.get("BACKEND") == DATABASE_CACHE and table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_staff_roles")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables, elidable=False)]
