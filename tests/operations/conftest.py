"""Fixtures of the backup tests: committed data (a backup reads what other connections see), the
casework builders, a media folder, a private files' folder, and an empty scratch database to
restore into."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend

# The casework builders (units, members, cases through the actions); a subdirectory's fixtures
# are not visible elsewhere, so they are imported here.
from tests.casework.conftest import (  # noqa: F401
    make_case,
    make_member,
    make_unit,
    organization,
    service,
)

RESTORED = "restored"


@pytest.fixture
def append_only_log_can_be_emptied() -> Iterator[None]:
    """Transactional tests empty every table after each test; on SQLite the append-only triggers
    refuse that DELETE (PostgreSQL empties tables with TRUNCATE, which its trigger allows). Here
    they are dropped, the tables emptied and the triggers created again, so the test case's own
    flush finds the logs empty and the tests after this one still have the triggers (the
    browser tests' fixture, tests/browser/test_casework_pages.py, leaves them dropped)."""
    append_only = import_module("comptoir.casework.migrations.0002_append_only")
    if connection.vendor == "sqlite":  # present, whatever a test before this one did
        with connection.schema_editor() as editor:
            append_only.drop_triggers(None, editor)
            append_only.create_triggers(None, editor)
    yield
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            append_only.drop_triggers(None, editor)
        call_command("flush", interactive=False, verbosity=0)
        with connection.schema_editor() as editor:
            append_only.create_triggers(None, editor)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return Path(settings.MEDIA_ROOT)


def _add_alias(alias: str, database: dict[str, Any]) -> None:
    """A connection under ``alias`` that the settings do not list: Django's test case allows
    such dynamically created connections (one the settings listed would have to be a test
    database of its own)."""
    connections[alias] = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias)


def _remove_alias(alias: str) -> None:
    if hasattr(connections._connections, alias):
        getattr(connections._connections, alias).close()
        delattr(connections._connections, alias)


@pytest.fixture
def make_scratch_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``make_scratch_database(alias)`` → ``alias``, now naming an empty database beside the test
    one: a new SQLite file, or on PostgreSQL ``comptoir_restore_<random>`` created on the same
    server; each is dropped after the test."""
    import psycopg

    default = dict(connection.settings_dict)
    params = {
        "host": default.get("HOST") or None,
        "port": default.get("PORT") or None,
        "user": default.get("USER") or None,
        "password": default.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    params = {key: value for key, value in params.items() if value is not None}
    made: list[tuple[str, str]] = []

    def make(alias: str) -> str:
        if connection.vendor == "sqlite":
            _add_alias(alias, {**default, "NAME": str(tmp_path / f"{alias}.sqlite3")})
        else:
            name = f"comptoir_restore_{secrets.token_hex(4)}"
            with psycopg.connect(**params) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            _add_alias(alias, {**default, "NAME": name})
        made.append((alias, connections[alias].settings_dict["NAME"]))
        return alias

    yield make
    for alias, name in made:
        _remove_alias(alias)
        if connection.vendor == "postgresql":
            with psycopg.connect(**params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_database(make_scratch_database: Callable[[str], str]) -> str:
    """The alias of an empty database to restore into (see ``make_scratch_database``)."""
    return make_scratch_database(RESTORED)


@pytest.fixture
def snapshot() -> Callable[[str], dict[str, tuple[int, str]]]:
    """``snapshot(alias)`` → for every table of that database, its row count and a SHA-256 of its
    rows in order (each row's repr, sorted: the same driver reads both databases)."""
    import hashlib

    def take(alias: str) -> dict[str, tuple[int, str]]:
        db = connections[alias]
        quote = db.ops.quote_name
        tables = {}
        with db.cursor() as cursor:
            for table in sorted(db.introspection.table_names(cursor)):
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
                rows = sorted(repr(row) for row in cursor.fetchall())
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                tables[table] = (len(rows), digest)
        return tables

    return take
