"""The kinds ``answer`` and ``deliverable`` (casework's knowledge) in the search index.

On SQLite, changing a column or a constraint makes the table again, which drops its triggers:
the three triggers that keep the FTS5 table ``search_fts`` in step (``search.0002_full_text``)
are made again after (and, going back, before undoing this); the statements are frozen here.
PostgreSQL alters the table in place and keeps its trigger.
"""

from django.db import migrations, models

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE OF text ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def _triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_TRIGGERS:
        # No parameters: nothing in these statements is a placeholder.
        schema_editor.execute(statement, params=None)


KINDS = [
    ("case", "Case"),
    ("client", "Client"),
    ("answer", "Reusable answer"),
    ("deliverable", "Deliverable"),
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        # Going back, the last step undone: the triggers of the table made again.
        migrations.RunPython(migrations.RunPython.noop, _triggers_again),
        migrations.RemoveConstraint(model_name="searchentry", name="search_entry_kind"),
        migrations.AlterField(
            model_name="searchentry",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=12, verbose_name="kind"),
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.CheckConstraint(
                condition=models.Q(kind__in=["case", "client", "answer", "deliverable"]),
                name="search_entry_kind",
            ),
        ),
        migrations.RunPython(_triggers_again, migrations.RunPython.noop),
    ]
