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


def indexed_text(title: str, body: str) -> str:
    """The backend's own text of an entry: folded and stemmed on SQLite (what its FTS5 table
    indexes), empty on PostgreSQL (its trigger computes ``document`` from ``title`` and
    ``body``)."""
    if _vendor() == "postgresql":
        return ""
    return search_text.index_text(f"{title} {body}")


def prepare(entry: SearchEntry) -> SearchEntry:
    """Fill the backend's own part of ``entry`` (:func:`indexed_text`)."""
    entry.text = indexed_text(entry.title, entry.body)
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
        tsquery = _tsquery(text)
        if tsquery is None:
            return None
        sql = f"FROM {table} WHERE {table}.document @@ %s::tsquery"
        params: list[Any] = [tsquery]
        order = f"ts_rank({table}.document, %s::tsquery) DESC, {table}.id"
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


def _tsquery(text: str) -> str | None:
    """The query of ``text`` on PostgreSQL (``websearch_to_tsquery`` of the unaccented text in
    the ``english`` and ``french`` configurations, OR'ed), as text; ``None`` when it keeps no
    word. It is made once, by its own statement, and given to the search as a constant: written
    inside the search, the two stable functions would be called again for every row the
    database reads."""
    if not search_text.words(text):
        return None
    typed = search_text.websearch_text(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (websearch_to_tsquery('english', unaccent(%s)) "
            "|| websearch_to_tsquery('french', unaccent(%s)))::text",
            [typed, typed],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] else None


def query(
    text: str, entries: Any, *, limit: int, offset: int = 0, band: int | None = None
) -> list[int]:
    """The ids of the entries among ``entries`` (a queryset of :class:`SearchEntry`, filters
    only) that match ``text``, best first: at most ``limit`` of them, after ``offset``.

    With ``band`` (PostgreSQL only), the matches are taken newest first in bands of ``band``
    (the ``band`` most recently updated, then the next ``band``...) and ranked within their
    band: ranking every match of a common word among a million entries would read every one of
    them, while the index on ``updated_at`` finds a band of the newest matches in a few
    milliseconds. A page never straddles two bands (``band`` is a multiple of ``limit``, and
    ``offset`` of ``limit``). See docs/search.md, "Ranking at scale".
    """
    matching = _matching(text, entries)
    if matching is None:
        return []
    sql, params, order = matching
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    if _vendor() == "postgresql":
        # The rank's own parameter: the same query.
        order_params = params[:1]
        if band is not None:
            if band % limit or offset % limit:
                raise ValueError("a page must fall within one band")
            block, within = divmod(int(offset), int(band))
            statement = (
                f"SELECT newest.id FROM (SELECT {table}.id, {table}.document {sql} "  # noqa: S608 - compiled filters, parameters only
                f"ORDER BY {table}.updated_at DESC, {table}.id DESC LIMIT %s OFFSET %s) "
                f"AS newest ORDER BY {order.replace(table, 'newest')} LIMIT %s OFFSET %s"
            )
            arguments = [*params, int(band), block * int(band), *order_params, int(limit), within]
        else:
            statement = f"SELECT {table}.id {sql} ORDER BY {order} LIMIT %s OFFSET %s"
            arguments = [*params, *order_params, int(limit), int(offset)]
    else:
        statement = f"SELECT {table}.id {sql} ORDER BY {order} LIMIT %s OFFSET %s"
        arguments = [*params, int(limit), int(offset)]
    with connection.cursor() as cursor:
        cursor.execute(statement, arguments)
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
