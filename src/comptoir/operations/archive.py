"""Backup archives of a Comptoir site: its database and its files, in one tar file.

An archive holds, in this order:

- the database: ``database.sqlite3`` (a consistent copy made with SQLite's online backup API while
  the site may be writing) or ``database.pgdump`` (``pg_dump --format=custom``, run in a snapshot
  exported by the transaction that also read the migration state and the row counts);
- ``media/...``: every regular file under ``MEDIA_ROOT``, whatever it holds, copied after the
  database (a file the database names is on disk before its row is committed);
- ``private/...``: every regular file under ``COMPTOIR_PRIVATE_MEDIA_ROOT`` (the files clients
  sent, ``casework.Attachment``), copied after the media files for the same reason; an archive
  of format version 1 has none and restores all the same;
- ``manifest.json``: the format, the Comptoir version, the database vendor (and versions), the
  migrations applied per app (in order, and the last of each), the row count of every table, the
  UTC time, the count and bytes of the media and of the private files, and the size and SHA-256
  of every other member.

:func:`make_backup` writes it under a temporary name in the target folder, fsyncs it and renames
it: a failure leaves no archive. :func:`restore_backup` checks everything it can before writing
anything (every SHA-256, the vendor, the migrations, the tools, an empty database, the media
and private folders), then restores the media files, the private files, then the database, then
runs ``migrate`` when this code has migrations the archive has not, and compares every table's
row count with the manifest's.

Every message of :class:`BackupError` is translated in the active language (the commands run in
the user's); see docs/operator-guide.md, "Backups and restore".
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT = "comptoir-backup"
#: 2 added the private files (``private/...`` and the manifest's ``private``); an older
#: Comptoir refuses a version 2 archive in one sentence instead of calling its members unsafe.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MEDIA_PREFIX = "media/"
PRIVATE_PREFIX = "private/"
#: The modes ``casework.models.attachments.private_storage`` gives; a restore gives the same.
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
CHUNK = 1024 * 1024

#: Exit statuses of the commands: the archive or the target was refused (nothing was changed),
#: or the work failed on the way (a backup: no archive written).
EXIT_FAILED = 1
EXIT_REFUSED = 2

#: ``DATABASES[...]["OPTIONS"]`` that the PostgreSQL tools read from the environment.
_LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup or a restore that did not happen; ``str()`` is a translated message."""

    def __init__(self, message: str, *, refused: bool = True) -> None:
        super().__init__(message)
        self.exit_status = EXIT_REFUSED if refused else EXIT_FAILED


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str
    media_files: int
    private_files: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    database: str
    media_written: int
    media_kept: int
    private_written: int = 0
    private_kept: int = 0
    migrations_applied: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveCheck:
    """What :func:`verify_archive` read: the manifest of an archive whose members all match it."""

    path: Path
    manifest: dict[str, Any]

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])

    @property
    def media_files(self) -> int:
        return sum(1 for m in self.manifest["members"] if m["name"].startswith(MEDIA_PREFIX))

    @property
    def private_files(self) -> int:
        return sum(1 for m in self.manifest["members"] if m["name"].startswith(PRIVATE_PREFIX))

    @property
    def has_private_files_section(self) -> bool:
        """False for an archive made before the private files were backed up (it has none of
        them, whatever the private folder held then)."""
        return "private" in self.manifest


# --- Backup ---------------------------------------------------------------------------------------


def make_backup(
    out: Path,
    *,
    now: datetime,
    using: str = "default",
    media_root: Path | None = None,
    private_root: Path | None = None,
) -> BackupResult:
    """Write one archive of the database ``using``, of ``media_root`` (default ``MEDIA_ROOT``)
    and of ``private_root`` (default ``COMPTOIR_PRIVATE_MEDIA_ROOT``) to ``out``: a ``.tar``
    file name, or a folder that gets ``comptoir-backup-<UTC time>.tar``."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(_unsupported_vendor(vendor))
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    private = _private_root(private_root)
    target = _archive_path(out, now)
    partial = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    workdir = target.with_name(f".comptoir-backup-{secrets.token_hex(4)}")
    try:
        workdir.mkdir()
        dump = workdir / DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            database = _dump_sqlite(connection, dump)
        else:
            database = _dump_postgresql(connection, dump)
        members: list[dict[str, Any]] = []
        media_members: list[dict[str, Any]] = []
        private_members: list[dict[str, Any]] = []
        with (
            open(partial, "xb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            members.append(_add_file(tar, dump, DATABASE_MEMBERS[vendor], mtime=now.timestamp()))
            for path, name in _files_under(media, MEDIA_PREFIX):
                media_members.append(_add_file(tar, path, name))
            for path, name in _files_under(private, PRIVATE_PREFIX):
                private_members.append(_add_file(tar, path, name, mode=PRIVATE_FILE_MODE))
            members += media_members + private_members
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "comptoir_version": _comptoir_version(),
                "created_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "database": {"vendor": vendor, "member": DATABASE_MEMBERS[vendor], **database.info},
                "migrations": database.migrations,
                "last_migrations": {app: names[-1] for app, names in database.migrations.items()},
                "tables": database.tables,
                "media": {
                    "files": len(media_members),
                    "bytes": sum(m["size"] for m in media_members),
                },
                "private": {
                    "files": len(private_members),
                    "bytes": sum(m["size"] for m in private_members),
                },
                "members": members,
            }
            _add_bytes(tar, MANIFEST, _manifest_bytes(manifest), mtime=now.timestamp())
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        if target.exists():
            raise BackupError(
                _("The file %(path)s already exists; it was left as it is.") % {"path": target}
            )
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except BaseException as error:
        partial.unlink(missing_ok=True)  # a failure leaves no archive, whatever the failure
        if isinstance(error, OSError):
            raise BackupError(
                _("The backup failed and no archive was written: %(error)s")
                % {"error": _os_error(error)},
                refused=False,
            ) from error
        if isinstance(error, DatabaseError):
            raise BackupError(
                _("The backup failed and no archive was written: the database said: %(error)s")
                % {"error": " ".join(str(error).split())},
                refused=False,
            ) from error
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        vendor=vendor,
        media_files=len(media_members),
        private_files=len(private_members),
        manifest=manifest,
    )


def _archive_path(out: Path, now: datetime) -> Path:
    if out.is_dir():
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = out / f"comptoir-backup-{stamp}.tar"
    elif out.suffix == ".tar":
        target = out
        if not target.parent.is_dir():
            raise BackupError(_("The folder %(path)s does not exist.") % {"path": target.parent})
    else:
        raise BackupError(
            _("%(path)s is neither a folder nor a file name ending in .tar.") % {"path": out}
        )
    if target.exists():
        raise BackupError(
            _("The file %(path)s already exists; it was left as it is.") % {"path": target}
        )
    return target.absolute()


@dataclass(frozen=True)
class _Dump:
    info: dict[str, Any]
    migrations: dict[str, list[str]]
    tables: dict[str, int]


def _dump_sqlite(connection: Any, dump: Path) -> _Dump:
    """A consistent copy through the online backup API (the site may be writing), then its
    migration state and row counts read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        connection.connection.backup(copy)
    except sqlite3.Error as error:
        raise BackupError(
            _("The backup failed and no archive was written: SQLite said: %(error)s")
            % {"error": error},
            refused=False,
        ) from error
    finally:
        copy.close()
    copy = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    try:
        migrations = _migrations_from_rows(
            copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        )
        tables = {
            name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for (name,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        }
    finally:
        copy.close()
    return _Dump({"sqlite_version": sqlite3.sqlite_version}, migrations, tables)


def _dump_postgresql(connection: Any, dump: Path) -> _Dump:
    """``pg_dump --format=custom`` in the snapshot of a repeatable-read transaction that reads the
    migration state and row counts: all three describe the same instant."""
    connection.ensure_connection()
    server = _server_version(connection)
    tool = _tool_version("pg_dump")
    if tool[0] < server[0]:
        raise BackupError(_older_tool("pg_dump", tool, server))
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = _migrations_from_rows(cursor.fetchall())
        tables = _postgresql_row_counts(connection, cursor)
        _run_tool(
            "pg_dump",
            connection.settings_dict,
            [
                "--format=custom",
                f"--snapshot={snapshot}",
                "--lock-wait-timeout=120s",
                f"--file={dump}",
            ],
            failure=_("The backup failed and no archive was written: pg_dump said: %(error)s"),
        )
    return _Dump(
        {"server_version": _dotted(server), "pg_dump_version": _dotted(tool)}, migrations, tables
    )


def _postgresql_row_counts(connection: Any, cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN "
        "('pg_catalog', 'information_schema') ORDER BY schemaname, tablename"
    )
    counts = {}
    quote = connection.ops.quote_name
    for schema, table in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}")  # noqa: S608
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _migrations_from_rows(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    migrations: dict[str, list[str]] = {}
    for app, name in rows:
        migrations.setdefault(app, []).append(name)
    return dict(sorted(migrations.items()))


def _private_root(private_root: Path | None) -> Path:
    return Path(private_root if private_root is not None else settings.COMPTOIR_PRIVATE_MEDIA_ROOT)


def _files_under(root: Path, prefix: str) -> Iterator[tuple[Path, str]]:
    """Every regular file under ``root`` (symbolic links are not followed), sorted, with its
    member name (``prefix`` and its path under ``root``)."""
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, prefix + path.relative_to(root).as_posix()


class _HashingReader:
    """Reads a file for ``tarfile`` while counting and hashing what it gives."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(
    tar: tarfile.TarFile, path: Path, name: str, mtime: float | None = None, mode: int = 0o644
) -> dict[str, Any]:
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(mtime if mtime is not None else os.fstat(file.fileno()).st_mtime)
        info.mode = mode
        reader = _HashingReader(file)
        tar.addfile(info, reader)  # tarfile reads exactly ``size`` bytes of it
    return {"name": name, "size": size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, *, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _comptoir_version() -> str:
    try:
        return metadata.version("comptoir")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Reading and checking an archive -------------------------------------------------------------


def verify_archive(path: Path) -> ArchiveCheck:
    """The manifest of the archive at ``path`` once every member listed has its size and SHA-256
    and nothing else is in it; a :class:`BackupError` naming the first member that does not."""
    if not path.is_file():
        raise BackupError(_("No such file: %(path)s") % {"path": path})
    try:
        with tarfile.open(path, mode="r:") as tar:
            manifest = _read_manifest(tar, path)
            listed = {m["name"]: m for m in manifest["members"]}
            present = set()
            for member in tar.getmembers():
                if member.name == MANIFEST:
                    continue
                expected = listed.get(member.name)
                if expected is None or not member.isreg():
                    raise BackupError(
                        _(
                            "The archive %(path)s holds %(member)s, which its manifest does not "
                            "list."
                        )
                        % {"path": path, "member": member.name}
                    )
                _check_member(tar, member, expected, path)
                present.add(member.name)
            missing = [name for name in listed if name not in present]
            if missing:
                raise BackupError(
                    _("The archive %(path)s lacks %(member)s, which its manifest lists.")
                    % {"path": path, "member": missing[0]}
                )
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(
            _("%(path)s is not a readable archive: %(error)s") % {"path": path, "error": error}
        ) from error
    return ArchiveCheck(path=path, manifest=manifest)


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    problem = _("%(path)s is not a Comptoir backup: its manifest is missing or unreadable.") % {
        "path": path
    }
    try:
        file = tar.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError(problem) from error
    if file is None:
        raise BackupError(problem)
    try:
        manifest = json.loads(file.read())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(problem) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(problem)
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise BackupError(
            _(
                "The archive %(path)s is in version %(version)s of the backup format; this "
                "Comptoir reads versions %(first)s to %(ours)s only."
            )
            % {
                "path": path,
                "version": manifest.get("format_version"),
                "first": READABLE_VERSIONS[0],
                "ours": FORMAT_VERSION,
            }
        )
    try:
        vendor = manifest["database"]["vendor"]
        names = [m["name"] for m in manifest["members"]]
        for member in manifest["members"]:
            int(member["size"])
            str(member["sha256"])
        dict(manifest["migrations"])
        dict(manifest["tables"])
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(problem) from error
    if manifest["database"].get("member") not in names or vendor not in DATABASE_MEMBERS:
        raise BackupError(problem)
    for name in names:
        if not _is_safe_member_name(name):
            raise BackupError(problem)
    return manifest


def _is_safe_member_name(name: str) -> bool:
    if name in DATABASE_MEMBERS.values():
        return True
    pure = PurePosixPath(name)
    return (
        name.startswith((MEDIA_PREFIX, PRIVATE_PREFIX))
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in name
        and len(pure.parts) > 1
    )


def _check_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, expected: dict[str, Any], path: Path
) -> None:
    file = tar.extractfile(member)
    digest = hashlib.sha256()
    size = 0
    if file is not None:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    if size != int(expected["size"]) or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            _(
                "The archive %(path)s is damaged: %(member)s does not match its SHA-256 in the "
                "manifest. Nothing was restored."
            )
            % {"path": path, "member": member.name}
        )


# --- Restore --------------------------------------------------------------------------------------


def restore_backup(
    archive: Path,
    *,
    using: str = "default",
    media_root: Path | None = None,
    private_root: Path | None = None,
    keep_files: bool = False,
    run_migrate: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Restore ``archive`` into the empty database ``using``, into ``media_root`` (default
    ``MEDIA_ROOT``) and into ``private_root`` (default ``COMPTOIR_PRIVATE_MEDIA_ROOT``); each
    folder must hold no file unless ``keep_files``: then the files there are kept and the
    archive's added beside them (one with the same name and other content is a refusal, never
    overwritten). ``run_migrate(alias)`` runs ``migrate`` (the command's own) when this code has
    migrations the archive has not."""
    connection = connections[using]
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    private = _private_root(private_root)
    check = verify_archive(archive)
    manifest = check.manifest
    vendor = connection.vendor
    if check.vendor != vendor:
        raise BackupError(
            _(
                "The archive holds a %(archive)s database and this Comptoir uses %(target)s: a "
                "backup is restored into the same kind of database only."
            )
            % {"archive": VENDOR_NAMES[check.vendor], "target": VENDOR_NAMES.get(vendor, vendor)}
        )
    newer = archive_migrations_unknown_here(manifest["migrations"])
    if newer:
        raise BackupError(
            _(
                "The archive was made by a newer Comptoir (%(version)s): its migration "
                "%(migration)s is not in this code. Install that version or a later one, then "
                "restore."
            )
            % {"version": manifest.get("comptoir_version", "?"), "migration": newer[0]}
        )
    if vendor == "postgresql":
        _check_postgresql_tools(connection, manifest)
    where = _describe(connection)
    not_empty = _why_not_empty(connection)
    if not_empty:
        raise BackupError(
            _(
                "The database %(database)s is not empty (%(check)s): a backup is restored into an "
                "empty database only, never over one in use. Create an empty database and point "
                "DATABASE_URL to it."
            )
            % {"database": where, "check": not_empty}
        )
    media_members = [m for m in manifest["members"] if m["name"].startswith(MEDIA_PREFIX)]
    private_members = [m for m in manifest["members"] if m["name"].startswith(PRIVATE_PREFIX)]
    # Both folders are checked before either is written: a refusal writes nothing anywhere.
    existing = _count_files(media)
    if existing and not keep_files:
        raise BackupError(
            ngettext(
                "The media folder %(path)s already holds %(count)s file. Restore into an empty "
                "folder, or add --yes to keep it and add the archive's beside it (a file with "
                "the same name and other content is never replaced).",
                "The media folder %(path)s already holds %(count)s files. Restore into an empty "
                "folder, or add --yes to keep them and add the archive's beside them (a file "
                "with the same name and other content is never replaced).",
                existing,
            )
            % {"path": media, "count": existing}
        )
    existing = _count_files(private)
    if existing and not keep_files:
        raise BackupError(
            ngettext(
                "The private files' folder %(path)s (COMPTOIR_PRIVATE_MEDIA_ROOT) already holds "
                "%(count)s file. Restore into an empty folder, or add --yes to keep it and add "
                "the archive's beside it (a file with the same name and other content is never "
                "replaced).",
                "The private files' folder %(path)s (COMPTOIR_PRIVATE_MEDIA_ROOT) already holds "
                "%(count)s files. Restore into an empty folder, or add --yes to keep them and add "
                "the archive's beside them (a file with the same name and other content is never "
                "replaced).",
                existing,
            )
            % {"path": private, "count": existing}
        )
    conflict = _first_conflict(media, media_members)
    if conflict:
        raise BackupError(
            _(
                "The media folder already has %(path)s with other content than the archive's; "
                "it is never replaced. Nothing was restored."
            )
            % {"path": conflict}
        )
    conflict = _first_conflict(private, private_members)
    if conflict:
        raise BackupError(
            _(
                "The private files' folder already has %(path)s with other content than the "
                "archive's; it is never replaced. Nothing was restored."
            )
            % {"path": conflict}
        )

    with tarfile.open(archive, mode="r:") as tar:
        written, kept = _restore_files(tar, media, media_members)
        private_written, private_kept = _restore_files(
            tar,
            private,
            private_members,
            file_mode=PRIVATE_FILE_MODE,
            folder_mode=PRIVATE_FOLDER_MODE,
        )
        workdir = Path(tempfile.mkdtemp(prefix=".comptoir-restore-"))
        try:
            dump = workdir / manifest["database"]["member"]
            try:
                _extract(tar, manifest["database"]["member"], dump)
                if vendor == "sqlite":
                    _restore_sqlite(connection, dump)
                else:
                    _restore_postgresql(connection, dump)
            except BackupError as error:
                if written or private_written:
                    raise BackupError(
                        _(
                            "%(error)s The files were restored (%(count)s media, %(private)s "
                            "private); once the database is fixed, run the restore again with "
                            "--yes to keep them."
                        )
                        % {"error": error, "count": written, "private": private_written},
                        refused=False,
                    ) from error
                raise
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    _check_row_counts(connection, manifest["tables"])
    applied = pending_migrations(using)
    if applied and run_migrate is not None:
        run_migrate(using)
    return RestoreResult(
        vendor=vendor,
        database=where,
        media_written=written,
        media_kept=kept,
        private_written=private_written,
        private_kept=private_kept,
        migrations_applied=applied if run_migrate is not None else [],
    )


def archive_migrations_unknown_here(migrations: dict[str, list[str]]) -> list[str]:
    """The archive's applied migrations (``app.name``) this code does not have, nor replaces
    with a squashed one: an archive of a newer Comptoir."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known: set[tuple[str, str]] = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update((app, name) for app, name in migration.replaces)
    return [
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in names
        if (app, name) not in known
    ]


def pending_migrations(using: str) -> list[str]:
    """The migrations of this code not applied to the database ``using`` (``app.name``)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _why_not_empty(connection: Any) -> str:
    """The check an empty database fails, in words; empty when it has no table, view, sequence
    or trigger of its own."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "ORDER BY type = 'table' DESC, name"
            )
        else:
            cursor.execute(
                "SELECT c.relkind, c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "ORDER BY c.relkind IN ('r', 'p') DESC, c.relname"
            )
        found = cursor.fetchall()
    tables = [name for kind, name in found if kind in {"table", "r", "p"}]
    if tables:
        return ngettext(
            "it has %(count)s table: %(name)s",
            "it has %(count)s tables, the first %(name)s",
            len(tables),
        ) % {"count": len(tables), "name": tables[0]}
    if found:
        return ngettext(
            "it has no table but %(count)s other object (a view, sequence, index or trigger): "
            "%(name)s",
            "it has no table but %(count)s other objects (views, sequences, indexes or "
            "triggers), the first %(name)s",
            len(found),
        ) % {"count": len(found), "name": found[0][1]}
    return ""


def _count_files(root: Path) -> int:
    if not root.is_dir():
        return 0
    return sum(len(files) for _folder, _folders, files in os.walk(root))


def _destination(root: Path, name: str) -> Path:
    """Where member ``name`` (``media/a/b``, ``private/a/b``) goes under ``root``."""
    return root.joinpath(*PurePosixPath(name).parts[1:])


def _first_conflict(root: Path, members: list[dict[str, Any]]) -> str:
    for member in members:
        destination = _destination(root, member["name"])
        if destination.exists() and (
            not destination.is_file() or _sha256(destination) != member["sha256"]
        ):
            return str(destination)
    return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _restore_files(
    tar: tarfile.TarFile,
    root: Path,
    members: list[dict[str, Any]],
    *,
    file_mode: int | None = None,
    folder_mode: int = 0o777,
) -> tuple[int, int]:
    """Each file written under ``root`` under a temporary name, fsynced and renamed into place;
    a file already there with the same content is kept (the conflicts were refused before).
    ``file_mode`` and ``folder_mode`` (before the umask) are those the folder's storage gives:
    the private files are readable by Comptoir's user only, restored or not. Returns
    (written, kept)."""
    written = kept = 0
    for member in members:
        destination = _destination(root, member["name"])
        if destination.exists():
            kept += 1
            continue
        _make_folders(root, destination.parent, folder_mode)
        _extract(tar, member["name"], destination, mode=file_mode)
        info = tar.getmember(member["name"])
        os.utime(destination, (info.mtime, info.mtime))
        written += 1
    if written:
        _fsync_folder(root)
    return written, kept


def _make_folders(root: Path, folder: Path, mode: int) -> None:
    """``folder`` and its missing parents up to and including ``root``, each with ``mode``
    (``Path.mkdir(parents=True)`` gives the parents the default mode instead)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder == root or folder.parent == folder:
            break
        folder = folder.parent
    try:
        for path in reversed(missing):
            path.mkdir(mode=mode, exist_ok=True)
    except OSError as error:
        raise BackupError(
            _("The restore failed writing %(path)s: %(error)s")
            % {"path": path, "error": _os_error(error)},
            refused=False,
        ) from error


def _extract(
    tar: tarfile.TarFile, name: str, destination: Path, *, mode: int | None = None
) -> None:
    """Member ``name`` to ``destination`` through a temporary name beside it, fsynced, given
    ``mode`` (when one is asked) before it is renamed into place."""
    source = tar.extractfile(name)
    if source is None:  # verify_archive has checked every member is a regular file
        raise BackupError(_("The archive lacks %(member)s.") % {"member": name})
    partial = destination.with_name(f".{destination.name}.partial-{secrets.token_hex(4)}")
    try:
        with open(partial, "xb") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            shutil.copyfileobj(source, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, destination)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("The restore failed writing %(path)s: %(error)s")
            % {"path": destination, "error": _os_error(error)},
            refused=False,
        ) from error


def _restore_sqlite(connection: Any, dump: Path) -> None:
    """The copy checked (``PRAGMA integrity_check``), then copied page by page into the target
    with the backup API: the target changes in one transaction, triggers and all."""
    copy = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    try:
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(
                _("The archive's SQLite database fails its integrity check: %(error)s")
                % {"error": verdict}
            )
        connection.ensure_connection()
        copy.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            _("The restore failed: SQLite said: %(error)s") % {"error": error}, refused=False
        ) from error
    finally:
        copy.close()
    connection.close()  # the next use opens the restored database afresh


def _restore_postgresql(connection: Any, dump: Path) -> None:
    """``pg_restore`` in one transaction, stopping at the first error (then nothing is written),
    the objects owned by the user Comptoir connects as."""
    connection.close()
    _run_tool(
        "pg_restore",
        connection.settings_dict,
        ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", str(dump)],
        failure=_("The restore failed and the database was left empty: pg_restore said: %(error)s"),
    )


def _check_row_counts(connection: Any, tables: dict[str, int]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, count in tables.items():
            schema, _dot, name = table.rpartition(".")
            qualified = f"{quote(schema)}.{quote(name)}" if schema else quote(name)
            cursor.execute(f"SELECT count(*) FROM {qualified}")  # noqa: S608
            found = cursor.fetchone()[0]
            if found != count:
                raise BackupError(
                    _(
                        "The restored table %(table)s has %(found)s rows; the archive's manifest "
                        "says %(count)s."
                    )
                    % {"table": table, "found": found, "count": count},
                    refused=False,
                )


# --- PostgreSQL client tools ---------------------------------------------------------------------


def _check_postgresql_tools(connection: Any, manifest: dict[str, Any]) -> None:
    connection.ensure_connection()
    server = _server_version(connection)
    tool = _tool_version("pg_restore")
    made_with = _parse_version(str(manifest["database"].get("pg_dump_version", "0")))
    source = _parse_version(str(manifest["database"].get("server_version", "0")))
    if tool[0] < made_with[0]:
        raise BackupError(_older_tool("pg_restore", tool, made_with))
    if server[0] < source[0]:
        raise BackupError(
            _(
                "The archive comes from PostgreSQL %(archive)s and this server is PostgreSQL "
                "%(server)s: restore into PostgreSQL %(archive)s or newer."
            )
            % {"archive": _dotted(source), "server": _dotted(server)}
        )


def _server_version(connection: Any) -> tuple[int, int]:
    number = int(connection.pg_version)
    return (number // 10000, number % 10000)


def _tool_version(tool: str) -> tuple[int, int]:
    if shutil.which(tool) is None:
        raise BackupError(
            _(
                "%(tool)s is not installed. It comes with the PostgreSQL client tools "
                "(the Debian package postgresql-client, which scripts/setup installs)."
            )
            % {"tool": tool}
        )
    done = subprocess.run(  # noqa: S603  # a fixed tool name, no shell
        [tool, "--version"], capture_output=True, text=True, check=False
    )
    return _parse_version(done.stdout)


def _parse_version(text: str) -> tuple[int, int]:
    found = re.search(r"(\d+)(?:\.(\d+))?", text)
    if not found:
        return (0, 0)
    return (int(found.group(1)), int(found.group(2) or 0))


def _dotted(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _older_tool(tool: str, tool_version: tuple[int, int], needed: tuple[int, int]) -> str:
    return _(
        "%(tool)s is version %(version)s, older than PostgreSQL %(needed)s: install the "
        "PostgreSQL %(major)s client tools (the package postgresql-client-%(major)s from the "
        "PostgreSQL project's repository)."
    ) % {
        "tool": tool,
        "version": _dotted(tool_version),
        "needed": _dotted(needed),
        "major": needed[0],
    }


def _run_tool(tool: str, database: dict[str, Any], arguments: list[str], *, failure: str) -> None:
    """Run a PostgreSQL client tool against ``database``; the password goes through
    ``PGPASSWORD`` in the tool's environment, never on its command line."""
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in _LIBPQ_ENVIRONMENT.items():
        value = (database.get("OPTIONS") or {}).get(option)
        if value:
            environment[variable] = str(value)
    command = [tool, "--no-password", f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        command.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        command.append(f"--port={database['PORT']}")
    if database.get("USER"):
        command.append(f"--username={database['USER']}")
    try:
        done = subprocess.run(  # noqa: S603  # a fixed tool name and our arguments, no shell
            [*command, *arguments], capture_output=True, text=True, env=environment, check=False
        )
    except OSError as error:
        raise BackupError(failure % {"error": _os_error(error)}, refused=False) from error
    if done.returncode != 0:
        said = " ".join(done.stderr.split()[-80:]) or f"exit status {done.returncode}"
        raise BackupError(failure % {"error": said}, refused=False)


# --- Words ----------------------------------------------------------------------------------------


def _describe(connection: Any) -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {database.get('NAME')}"
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"PostgreSQL {host}{port}/{database.get('NAME')}"


def media_files_phrase(count: int) -> str:
    """ "3 media files", for the commands' sentences that give both counts."""
    return ngettext("%(count)s media file", "%(count)s media files", count) % {"count": count}


def private_files_phrase(count: int) -> str:
    """ "3 private files": the files clients sent, under ``COMPTOIR_PRIVATE_MEDIA_ROOT``."""
    return ngettext("%(count)s private file", "%(count)s private files", count) % {"count": count}


def _unsupported_vendor(vendor: str) -> str:
    return _("Comptoir backs up SQLite and PostgreSQL databases, not %(vendor)s.") % {
        "vendor": vendor
    }


def _os_error(error: OSError) -> str:
    return f"{error.strerror or error}" + (f" ({error.filename})" if error.filename else "")
