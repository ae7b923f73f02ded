"""The one bulk writer: rows and their audit history written fast, the same rows the libraries'
own APIs would write. Every import (inventory, cases, clients) goes through it.

- :func:`insert_returning_pks` is what ``bulk_create`` does without its per-value work for text
  cells (multi-row ``INSERT ... RETURNING`` on SQLite; keys from the sequence and ``COPY`` on
  PostgreSQL);
- :func:`update_rows` is one prepared ``UPDATE ... WHERE pk`` per row (``executemany``) instead of
  ``bulk_update``'s ``CASE`` expressions;
- :class:`BulkWriter` adds django-simple-history's rows for tracked models, column for column
  what ``bulk_history_create`` writes (a test compares the two), with one date, actor and reason
  for the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from psycopg import sql

BATCH_SIZE = 500


class BulkWriter:
    """Writes instances of several models and their history rows, all stamped with ``now``,
    ``actor_id`` and ``reason`` (the caller holds the transaction)."""

    def __init__(self, *, now: datetime, actor_id: int | None, reason: str) -> None:
        self.now = now
        self.actor_id = actor_id
        self.reason = reason

    def history(self, model: Any, objs: Sequence[Any], *, update: bool) -> None:
        """History rows for ``objs``, as ``bulk_history_create`` would write them, but written
        as plain rows (``COPY`` or one prepared ``executemany``) instead of model instances."""
        if not objs:
            return
        historical = model.history.model
        tracked = {f.attname for f in historical.tracked_fields}
        constants = {
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": "~" if update else "+",
            "history_user_id": self.actor_id,
        }
        columns: list[str] = []
        plan: list[tuple[str | None, Any, Any]] = []
        for column in historical._meta.concrete_fields:
            if column.primary_key:
                continue
            columns.append(column.column)
            if column.attname in tracked:
                text = column.get_internal_type() == "TextField"
                plan.append((column.attname, None if text else column, None))
            elif column.attname in constants:
                value = column.get_db_prep_save(constants[column.attname], connection)
                plan.append((None, None, value))
            else:  # pragma: no cover - a column simple-history adds in a future version
                raise RuntimeError(f"unexpected history column {column.attname}")
        rows = []
        for obj in objs:
            row: list[Any] = []
            for attname, prepared_by, constant in plan:
                if attname is None:
                    row.append(constant)
                elif prepared_by is None:
                    row.append(getattr(obj, attname))
                else:
                    row.append(prepared_by.get_db_prep_save(getattr(obj, attname), connection))
            rows.append(row)
        write_rows(historical._meta.db_table, columns, rows)

    def create(self, model: Any, objs: list[Any]) -> list[Any]:
        if not objs:
            return objs
        insert_returning_pks(model, objs)
        if hasattr(model, "history"):
            self.history(model, objs, update=False)
        return objs

    def update(self, model: Any, objs: list[Any], fields: Sequence[str]) -> None:
        if not objs:
            return
        update_rows(model, objs, fields)
        self.history(model, objs, update=True)


def insert_returning_pks(model: Any, objs: Sequence[Any]) -> None:
    """Insert new instances and set their primary keys.

    What ``bulk_create`` does, without its per-value work for the text cells that make up most
    of a record (they are stored as they are; other values are prepared by their field). SQLite:
    multi-row ``INSERT ... RETURNING`` (SQLite 3.35+ returns the keys in row order, as
    ``bulk_create`` relies on). PostgreSQL: keys drawn from the table's sequence, then ``COPY``.
    """
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepared_by = [None if f.get_internal_type() == "TextField" else f for f in fields]
    if connection.vendor == "postgresql":
        _copy_returning_pks(model, objs, fields, prepared_by)
        return
    if connection.vendor != "sqlite":  # pragma: no cover - the two databases Comptoir supports
        model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    batch = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objs)))
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the model
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
    )
    tail = f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    placeholders = "({})".format(", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params: list[Any] = []
            for obj in chunk:
                params.extend(_row(obj, fields, prepared_by))
            cursor.execute(head + ", ".join([placeholders] * len(chunk)) + tail, params)
            keys = [row[0] for row in cursor.fetchall()]
            if len(keys) != len(chunk):  # pragma: no cover - a backend without RETURNING
                raise RuntimeError("the database did not return the new primary keys")
            for obj, key in zip(chunk, keys, strict=True):
                obj.pk = key
                obj._state.adding = False
                obj._state.db = connection.alias


def _row(obj: Any, fields: Sequence[Any], prepared_by: Sequence[Any]) -> list[Any]:
    return [
        getattr(obj, field.attname)
        if prepare is None
        else prepare.get_db_prep_save(getattr(obj, field.attname), connection)
        for field, prepare in zip(fields, prepared_by, strict=True)
    ]


def _copy_returning_pks(
    model: Any, objs: Sequence[Any], fields: Sequence[Any], prepared_by: Sequence[Any]
) -> None:
    """PostgreSQL: draw ``len(objs)`` keys from the table's sequence, then ``COPY`` the rows."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        keys = [row[0] for row in cursor.fetchall()]
    rows = []
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
        rows.append([key, *_row(obj, fields, prepared_by)])
    write_rows(meta.db_table, [meta.pk.column, *(f.column for f in fields)], rows)


def reserve_pks(model: Any, count: int) -> list[int]:
    """PostgreSQL: ``count`` new keys of ``model``'s table, drawn from its sequence (a row
    written later with one of them, by any connection, takes it)."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows_returning_pks(
    model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert prepared rows (values in the order of ``columns``, the primary key left out) into
    ``model``'s table and return their new keys, in row order: :func:`insert_returning_pks`
    for rows that are not model instances (keys from the sequence and ``COPY`` on PostgreSQL,
    multi-row ``INSERT ... RETURNING`` on SQLite)."""
    if not rows:
        return []
    meta = model._meta
    if connection.vendor == "postgresql":
        keys = reserve_pks(model, len(rows))
        write_rows(
            meta.db_table,
            [meta.pk.column, *columns],
            [[key, *row] for key, row in zip(keys, rows, strict=True)],
        )
        return keys
    limit = connection.features.max_query_params or 999
    batch = max(1, min(BATCH_SIZE, limit // max(1, len(columns))))
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the model
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(column) for column in columns),
    )
    tail = f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    placeholders = "({})".format(", ".join(["%s"] * len(columns)))
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([placeholders] * len(chunk)) + tail, params)
            found = [row[0] for row in cursor.fetchall()]
            if len(found) != len(chunk):  # pragma: no cover - a backend without RETURNING
                raise RuntimeError("the database did not return the new primary keys")
            keys += found
    return keys


def update_rows(model: Any, objs: Sequence[Any], names: Sequence[str]) -> None:
    """``UPDATE ... WHERE pk`` for each instance, one prepared ``executemany``.

    ``bulk_update`` builds one ``CASE`` expression per field over the whole batch, which takes
    tens of seconds when every record of a file changed; this takes well under one.
    """
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepared_by = [None if f.get_internal_type() == "TextField" else f for f in fields]
    statement = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        connection.ops.quote_name(meta.db_table),
        ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields),
        connection.ops.quote_name(meta.pk.column),
    )
    rows = [[*_row(obj, fields, prepared_by), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(statement, rows[start : start + BATCH_SIZE])


def write_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert prepared rows: ``COPY`` on PostgreSQL, a prepared ``executemany`` elsewhere."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        insert = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the models
            connection.ops.quote_name(table),
            ", ".join(connection.ops.quote_name(column) for column in columns),
            ", ".join(["%s"] * len(columns)),
        )
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(insert, rows[start : start + BATCH_SIZE])
