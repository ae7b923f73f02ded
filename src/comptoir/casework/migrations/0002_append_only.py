"""The database refuses UPDATE and DELETE on the case event log and the confidential-read log.

PostgreSQL: one trigger function raising an exception, and a BEFORE UPDATE OR DELETE trigger on
each table. SQLite: a BEFORE UPDATE and a BEFORE DELETE trigger on each table, ``RAISE(ABORT)``.
A correction is a new event (``corrected``); nothing of the log is ever changed in place.
"""

from django.db import migrations

TABLES = ("casework_caseevent", "casework_caseaccesslog")
FUNCTION = "casework_refuse_change"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'casework: % is append-only (% refused)', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation'; END; $$",
            params=None,  # no parameters: the "%" of RAISE are not placeholders
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
                params=None,
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'casework: {table} is append-only'); END"
                )
    else:
        raise RuntimeError(
            f"casework: no append-only triggers for the database vendor {vendor!r}; "
            "Comptoir supports PostgreSQL and SQLite"
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        for table in TABLES:
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_cases_events_catalogues")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
