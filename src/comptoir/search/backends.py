"""The full-text backends behind one interface, chosen by ``connection.vendor``.

- :func:`index` writes one entry (insert or update by ``(kind, key)``); the database's triggers
  (migration ``search.0002_full_text``) update its full-text part in the same statement.
- :func:`query` returns the keys of the entries matching a text among a filtered queryset of
  entries, best first, one page of them, and :func:`count` how many match, up to a bound.

Nothing is ever removed: cases and clients are never deleted.

SQLite (the embedded default): the entries' ``text`` (folded, English- and French-stemmed in
Python) in an FTS5 table, the query folded and stemmed the same way, ranked by ``bm25``.
PostgreSQL: the ``document`` column (``english`` and ``french`` configurations of unaccented
text), matched with ``websearch_to_tsquery`` in both configurations OR'ed, ranked by
``ts_rank``. The filters are the WHERE clause of a Django queryset on the entries (compiled, not
written by hand), so the same rules apply on both.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection

from comptoir.search import text as search_text
from comptoir.search.models import SearchEntry

#: The entry fields an index write sets (all but the keys).
ENTRY_FIELDS = (
    "title",
    "body",
    "text",
    "unit_id",
    "entry_unit_id",
    "unit_ids",
    "owner_id",
    "organization_id",
    "is_confidential",
    "status",
    "category",
    "created_at",
    "updated_at",
)


def _vendor() -> str:
    return connection.vendor


def prepare(entry: SearchEntry) -> SearchEntry:
    """Fill the backend's own part of ``entry``: the stemmed ``text`` on SQLite (PostgreSQL's
    trigger computes ``document`` from ``title`` and ``body``)."""
    if _vendor() == "postgresql":
        entry.text = ""
    else:
        entry.text = search_text.index_text(f"{entry.title} {entry.body}")
    return entry


def index(entry: SearchEntry) -> None:
    """Write ``entry`` (insert, or update the entry of the same object)."""
    index_many([entry])


def index_many(entries: list[SearchEntry]) -> None:
    """Write several entries in one statement (insert, or update those that exist)."""
    if not entries:
        return
    SearchEntry.objects.bulk_create(
        [prepare(entry) for entry in entries],
        update_conflicts=True,
        unique_fields=["kind", "key"],
        update_fields=list(ENTRY_FIELDS),
    )


def _where(entries: Any) -> tuple[str, list[Any]]:
    """The WHERE clause of a queryset of entries, and its parameters ("" when it has none)."""
    query = entries.query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except FullResultSet:
        return "", []
    return sql, list(params)


def _matching(text: str, entries: Any) -> tuple[str, list[Any], str] | None:
    """``(FROM and WHERE, parameters, ORDER BY)`` of the entries of ``entries`` that match
    ``text``; ``None`` when the text has no word to look for or the filters exclude every
    entry."""
    try:
        where, where_params = _where(entries)
    except EmptyResultSet:
        return None
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    if _vendor() == "postgresql":
        if not search_text.words(text):
            return None
        sql = (
            f"FROM {table} CROSS JOIN (SELECT websearch_to_tsquery('english', unaccent(%s)) "
            "|| websearch_to_tsquery('french', unaccent(%s)) AS q) AS search_query "
            f"WHERE {table}.document @@ search_query.q"
        )
        typed = search_text.websearch_text(text)
        params: list[Any] = [typed, typed]
        order = f"ts_rank({table}.document, search_query.q) DESC, {table}.id"
    else:
        expression = search_text.fts5_query(text)
        if not expression:
            return None
        sql = (
            f"FROM search_fts JOIN {table} ON {table}.id = search_fts.rowid "
            "WHERE search_fts MATCH %s"
        )
        params = [expression]
        order = f"search_fts.rank, {table}.id"
    if where:
        sql += f" AND ({where})"
        params += where_params
    return sql, params, order


def query(text: str, entries: Any, *, limit: int, offset: int = 0) -> list[int]:
    """The ids of the entries among ``entries`` (a queryset of :class:`SearchEntry`, filters
    only) that match ``text``, best first: at most ``limit`` of them, after ``offset``."""
    matching = _matching(text, entries)
    if matching is None:
        return []
    sql, params, order = matching
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {table}.id {sql} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, int(limit), int(offset)],
        )
        return [row[0] for row in cursor.fetchall()]


def count(text: str, entries: Any, *, bound: int) -> int:
    """How many entries among ``entries`` match ``text``, counting no further than ``bound``."""
    matching = _matching(text, entries)
    if matching is None:
        return 0
    sql, params, _order = matching
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {sql} LIMIT %s) AS bounded",  # noqa: S608 - compiled filters, parameters only
            [*params, int(bound)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
