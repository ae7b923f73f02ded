"""The full-text part of the search index, by database (docs/search.md).

SQLite: an FTS5 table ``search_fts`` over ``search_searchentry.text`` (external content, so the
text is stored once), tokenized ``unicode61 remove_diacritics 2``, kept in step with the entries
by three triggers in the same transaction as each write.

PostgreSQL: the ``unaccent`` extension (the database user needs the right to create it, or an
operator runs ``CREATE EXTENSION unaccent`` once), a ``document`` ``tsvector`` column computed by
a trigger from ``title`` (weight A) and ``body`` (weight D) in the ``english`` and ``french``
configurations, both unaccented, and a GIN index on it.

The statements are frozen here (a migration never imports live code); the reverse drops them.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_searchentry', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\")",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE OF text ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    # Entries written before this migration (none in a new database).
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE search_searchentry ADD COLUMN document tsvector",
    """CREATE FUNCTION search_entry_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.document :=
        setweight(to_tsvector('english'::regconfig, unaccent(coalesce(NEW.title, ''))), 'A')
        || setweight(to_tsvector('french'::regconfig, unaccent(coalesce(NEW.title, ''))), 'A')
        || setweight(to_tsvector('english'::regconfig, unaccent(coalesce(NEW.body, ''))), 'D')
        || setweight(to_tsvector('french'::regconfig, unaccent(coalesce(NEW.body, ''))), 'D');
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER search_entry_document BEFORE INSERT OR UPDATE OF title, body "
    "ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_document()",
    # Entries written before this migration (none in a new database): the trigger fills them.
    "UPDATE search_searchentry SET title = title",
    "CREATE INDEX search_entry_document_gin ON search_searchentry USING gin (document)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_document_gin",
    "DROP TRIGGER IF EXISTS search_entry_document ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_document()",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
    # The unaccent extension is left: other schemas may use it, and dropping it needs rights.
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            # No parameters: nothing in these statements is a placeholder.
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
