"""``comptoir backup`` and ``comptoir restore`` on the database the suite runs on (SQLite, then
PostgreSQL in CI's second pass): a backup of committed cases, events, clients, a deliverable's
file and other media restores into an empty database with every row and file, the event log
still append-only; a damaged archive, a non-empty database, another vendor and a newer Comptoir's
archive are refused and change nothing."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from comptoir.operations import archive as backups

pytestmark = pytest.mark.django_db(transaction=True)

CSV = b"province,exports\nQC,12\nON,15\n"
NOTE = "Client called back: the tables are fine."


@pytest.fixture
def site(
    append_only_log_can_be_emptied: None,
    media_root: Path,
    make_unit: Callable[..., Any],
    make_member: Callable[..., Any],
    make_case: Callable[..., Any],
) -> dict[str, Any]:
    """Committed data of every kind a backup must keep, and media beside the deliverable's."""
    from comptoir.accounts.roles import sync_roles
    from comptoir.casework import actions, knowledge
    from comptoir.clients.actions import do_create_client

    sync_roles()
    unit = make_unit("front")
    officer = make_member(unit)
    manager = make_member(unit, is_manager=True)
    client = do_create_client(
        kind="person",
        given_name="Marie",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=officer,
    )
    cases = [make_case(unit, officer, client=client, is_anonymous=False) for _ in range(2)]
    cases.append(make_case(unit, officer, description="Délai de traitement?"))
    actions.do_assign_case(cases[0], officer, actor=officer)
    actions.do_add_note(cases[0], NOTE, actor=officer)
    actions.do_log_time(cases[0], 25, actor=officer)
    actions.do_resolve_case(cases[1], "delivered", actor=officer)
    deliverable = knowledge.do_add_deliverable(
        title_en="Exports by province",
        title_fr="Exportations par province",
        owner_unit=unit,
        file=SimpleUploadedFile("exports.csv", CSV),
        produced_for=cases[0],
        actor=manager,
    )
    other = media_root / "portal" / "attachments" / "scan.pdf"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"%PDF-1.7 not really\n")
    return {"cases": cases, "client": client, "deliverable": deliverable, "other": other}


def _back_up(folder: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--out", str(folder), stdout=out)
    archives = list(folder.glob("comptoir-backup-*.tar"))
    assert len(archives) == 1, out.getvalue()
    assert str(archives[0]) in out.getvalue()
    return archives[0]


def _restore(archive: Path, alias: str, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), "--database", alias, *args, stdout=out)
    return out.getvalue()


def _files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(
    site: dict[str, Any],
    tmp_path: Path,
    media_root: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    from comptoir.casework.models import Case, CaseEvent, Deliverable
    from comptoir.clients.models import Client

    before = snapshot("default")
    media_before = _files(media_root)
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    member = backups.DATABASE_MEMBERS[connection.vendor]
    assert names[0] == member
    assert names[-1] == "manifest.json"
    assert sorted(n for n in names if n.startswith("media/")) == sorted(
        f"media/{name}" for name in media_before
    )
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["last_migrations"]["casework"] == manifest["migrations"]["casework"][-1]
    assert manifest["tables"]["casework_caseevent"] == CaseEvent.objects.count()
    assert {m["name"] for m in manifest["members"]} == {n for n in names if n != "manifest.json"}
    assert not list((tmp_path / "backups").glob(".*")), "no temporary file is left behind"

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    said = _restore(archive, scratch_database)
    assert "every table has the rows the manifest lists" in said

    # Every table, with the same rows, and every file, with the same bytes.
    assert snapshot(scratch_database) == before
    assert _files(tmp_path / "restored-media") == media_before
    restored = Deliverable.objects.using(scratch_database).get()
    assert (tmp_path / "restored-media" / restored.file.name).read_bytes() == CSV
    assert Case.objects.using(scratch_database).count() == 3
    assert Client.objects.using(scratch_database).get().family_name == "Tremblay"
    events = CaseEvent.objects.using(scratch_database)
    assert events.filter(
        kind="note", reason=NOTE, case__reference=site["cases"][0].reference
    ).exists()

    # The event log and the confidential-read log are still append-only.
    target = connections[scratch_database]
    for statement in (
        "UPDATE casework_caseevent SET reason = 'rewritten'",
        "DELETE FROM casework_caseevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(using=scratch_database):
            target.cursor().execute(statement)
    assert snapshot(scratch_database)["casework_caseevent"] == before["casework_caseevent"]


def test_a_damaged_archive_is_refused_naming_the_member(
    site: dict[str, Any],
    tmp_path: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    for name in (backups.DATABASE_MEMBERS[connection.vendor], "media/portal/attachments/scan.pdf"):
        damaged = tmp_path / f"damaged-{Path(name).name}.tar"
        data = bytearray(archive.read_bytes())
        with tarfile.open(archive) as tar:
            offset = tar.getmember(name).offset_data
        data[offset + 7] ^= 0x01  # one bit of one byte
        damaged.write_bytes(bytes(data))
        with pytest.raises(CommandError, match=f"{name} does not match its SHA-256") as refused:
            _restore(damaged, scratch_database)
        assert refused.value.returncode == backups.EXIT_REFUSED
        with pytest.raises(CommandError, match=name):
            _restore(damaged, scratch_database, "--verify-only")
    assert snapshot(scratch_database) == {}, "nothing was written"
    assert not (tmp_path / "restored-media").exists()
    assert "is intact" in _restore(archive, scratch_database, "--verify-only")


def test_a_restore_into_a_database_in_use_is_refused_and_changes_nothing(
    site: dict[str, Any],
    tmp_path: Path,
    media_root: Path,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    before, media_before = snapshot("default"), _files(media_root)
    with pytest.raises(CommandError, match=r"is not empty .it has [0-9]+ tables, the first"):
        _restore(archive, "default", "--yes")
    assert snapshot("default") == before
    assert _files(media_root) == media_before


def _rewritten(archive: Path, change: Callable[[dict[str, Any]], None], out: Path) -> Path:
    """A copy of ``archive`` whose manifest ``change`` edited (the members stay as they are)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return out


def test_another_vendors_archive_and_a_newer_comptoirs_are_refused(
    site: dict[str, Any],
    tmp_path: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def other_vendor(manifest: dict[str, Any]) -> None:
        manifest["database"]["vendor"] = other
        manifest["database"]["member"] = backups.DATABASE_MEMBERS[other]
        manifest["members"][0]["name"] = backups.DATABASE_MEMBERS[other]

    crossed = tmp_path / "crossed.tar"
    with tarfile.open(archive) as source, tarfile.open(crossed, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                other_vendor(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            elif member.name == backups.DATABASE_MEMBERS[connection.vendor]:
                member.name = backups.DATABASE_MEMBERS[other]
            copy.addfile(member, io.BytesIO(data))
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with pytest.raises(CommandError) as refused:
        _restore(crossed, scratch_database)
    assert f"holds a {names[other]} database" in str(refused.value)
    assert f"this Comptoir uses {names[connection.vendor]}" in str(refused.value)

    def newer(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["casework"].append("0999_from_the_future")
        manifest["comptoir_version"] = "9.0.0"

    future = _rewritten(archive, newer, tmp_path / "future.tar")
    with pytest.raises(CommandError, match=r"newer Comptoir \(9.0.0\).*casework.0999_from_the"):
        _restore(future, scratch_database)
    assert snapshot(scratch_database) == {}, "nothing was written"


def test_the_media_folder_must_be_empty_unless_yes_and_a_file_is_never_replaced(
    site: dict[str, Any],
    tmp_path: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    target = tmp_path / "restored-media"
    settings.MEDIA_ROOT = target
    scan = target / "portal" / "attachments" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"another scan")
    with pytest.raises(CommandError, match=r"already holds 1 file\. .*--yes"):
        _restore(archive, scratch_database)
    with pytest.raises(CommandError, match=r"scan.pdf with other content"):
        _restore(archive, scratch_database, "--yes")
    assert scan.read_bytes() == b"another scan"
    assert snapshot(scratch_database) == {}, "nothing was written"

    scan.write_bytes(site["other"].read_bytes())  # the same file: kept, the others added
    said = _restore(archive, scratch_database, "--yes")
    assert "1 media file written (1 already there with the same content)" in said


def test_a_failed_backup_leaves_no_archive_and_says_why_in_french(
    site: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    folder = tmp_path / "backups"
    folder.mkdir()

    # A full disk cannot be arranged on this machine: fsync, the last write, fails as it would.
    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups.os, "fsync", disk_full)
    with pytest.raises(CommandError, match="aucune archive n’a été écrite") as failed:
        call_command("backup", "--out", str(folder), "--language", "fr", stdout=io.StringIO())
    assert failed.value.returncode == backups.EXIT_FAILED
    assert "No space left on device" in str(failed.value)
    assert list(folder.iterdir()) == []
    monkeypatch.undo()

    archive = _back_up(folder)
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--out", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"neither a folder nor a file name ending in .tar"):
        call_command("backup", "--out", str(tmp_path / "nowhere"), stdout=io.StringIO())


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_pg_dump_missing_is_one_sentence(
    site: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match=r"pg_dump is not installed.*postgresql-client"):
        call_command("backup", "--out", str(tmp_path), stdout=io.StringIO())
    assert list(tmp_path.glob("*.tar")) == []


def test_an_archive_of_an_older_comptoir_is_restored_then_migrated(
    tmp_path: Path,
    media_root: Path,
    make_scratch_database: Callable[[str], str],
) -> None:
    """A database left at casework's 0008 (as an older Comptoir left it), backed up, restores and
    ``migrate`` brings it to this code's migrations; the command says which it applied."""
    from comptoir.operations.archive import pending_migrations

    older = make_scratch_database("older")
    call_command("migrate", "casework", "0008", database=older, verbosity=0)
    left = pending_migrations(older)
    assert "casework.0009_received_index" in left
    folder = tmp_path / "backups"
    folder.mkdir()
    call_command("backup", "--out", str(folder), "--database", older, stdout=io.StringIO())
    (archive,) = folder.glob("*.tar")

    target = make_scratch_database("newer")
    said = _restore(archive, target)
    assert f"migrate applied {len(left)} migrations" in said
    assert "casework.0009_received_index" in said
    assert pending_migrations(target) == []


def test_a_backup_taken_while_the_site_writes_is_consistent(
    tmp_path: Path, make_scratch_database: Callable[[str], str]
) -> None:
    """A writer commits pairs of rows, as fast as it can, while the backup runs: the archive
    holds whole pairs only, and the manifest's row count is the dump's (the restore checks it).
    On PostgreSQL that is the exported snapshot; on SQLite the backup API's single step."""
    import threading

    from django.db.utils import load_backend
    from django.utils import timezone

    live = make_scratch_database("live")
    db = connections[live]
    with db.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app varchar(255), "
            "name varchar(255), applied timestamp)"
        )
        cursor.execute("CREATE TABLE ledger (pair integer NOT NULL, half integer NOT NULL)")
    db.close()
    stop = threading.Event()
    written = [0]
    failures: list[BaseException] = []

    def write() -> None:
        # A connection of its own, as a web worker's.
        writer = load_backend(db.settings_dict["ENGINE"]).DatabaseWrapper(db.settings_dict, live)
        try:
            while not stop.is_set():
                with writer.cursor() as cursor:
                    cursor.execute("BEGIN")
                    for half in (0, 1):
                        cursor.execute(
                            "INSERT INTO ledger (pair, half) VALUES (%s, %s)", [written[0], half]
                        )
                    cursor.execute("COMMIT")
                written[0] += 1
        except BaseException as error:  # shown by the test, not lost in the thread
            failures.append(error)
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for _wait in range(1000):  # at most 10 s for the first 20 pairs
            if written[0] >= 20 or failures:
                break
            stop.wait(0.01)
        assert not failures, failures
        made = backups.make_backup(
            tmp_path / "live.tar", now=timezone.now(), using=live, media_root=tmp_path / "none"
        )
        during = written[0]
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not failures, failures
    assert 20 <= made.manifest["tables"]["ledger"] // 2 <= during + 1
    assert made.manifest["tables"]["ledger"] % 2 == 0, "whole pairs only"

    restored = make_scratch_database("restored")
    backups.restore_backup(made.path, using=restored, media_root=tmp_path / "restored-media")
    with connections[restored].cursor() as cursor:
        cursor.execute("SELECT pair, count(*) FROM ledger GROUP BY pair HAVING count(*) <> 2")
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM ledger")
        assert cursor.fetchone()[0] == made.manifest["tables"]["ledger"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_failed_pg_restore_leaves_the_database_empty_and_the_media_kept_for_a_second_try(
    site: dict[str, Any],
    tmp_path: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    """A function of the same name already in the target (no table, so the emptiness check lets
    it by) makes pg_restore stop: its single transaction leaves no table; the media files written
    first are kept by the second try with --yes."""
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    target = connections[scratch_database]
    with target.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION casework_refuse_change() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END; $$"
        )
    with pytest.raises(CommandError, match=r"pg_restore said.*media files were restored \(2\)"):
        _restore(archive, scratch_database)
    assert snapshot(scratch_database) == {}, "no table was left"
    with target.cursor() as cursor:
        cursor.execute("DROP FUNCTION casework_refuse_change()")
    said = _restore(archive, scratch_database, "--yes")
    assert "0 media files written (2 already there with the same content)" in said
    assert snapshot(scratch_database) == snapshot("default")
