"""``comptoir backup`` and ``comptoir restore`` on the database the suite runs on (SQLite, then
PostgreSQL in CI's second pass): a backup of committed cases, events, clients, a deliverable's
file, other media and a client's attachment (a private file) restores into an empty database with
every row and file, the event log still append-only; a damaged archive, a non-empty database,
another vendor, a newer Comptoir's archive and a folder already holding files are refused and
change nothing; an archive made before the private files were backed up still restores."""

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
#: A client's scan: bytes of every value, so that "byte for byte" means something.
SCAN = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
NOTE = "Client called back: the tables are fine."


@pytest.fixture
def site(
    append_only_log_can_be_emptied: None,
    media_root: Path,
    make_unit: Callable[..., Any],
    make_member: Callable[..., Any],
    make_case: Callable[..., Any],
) -> dict[str, Any]:
    """Committed data of every kind a backup must keep, media beside the deliverable's, and a
    file a client sent through the portal (stored under the private root)."""
    from comptoir.accounts.roles import sync_roles
    from comptoir.casework import actions, knowledge
    from comptoir.casework.attachments import store_attachment
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
    attachment = store_attachment(
        cases[0], filename="Relevé d'emploi.pdf", data=SCAN, source="portal"
    )
    return {
        "cases": cases,
        "client": client,
        "deliverable": deliverable,
        "other": other,
        "attachment": attachment,
    }


def _restore_folders_elsewhere(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    """Point the media and private roots at folders that do not exist yet, as on a new server;
    returns (media, private)."""
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path / "restored-private"
    return Path(settings.MEDIA_ROOT), Path(settings.COMPTOIR_PRIVATE_MEDIA_ROOT)


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
    private_root: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    from comptoir.casework.models import Attachment, Case, CaseEvent, Deliverable
    from comptoir.casework.models.attachments import private_storage
    from comptoir.clients.models import Client

    before = snapshot("default")
    media_before = _files(media_root)
    private_before = _files(private_root)
    assert list(private_before) == [site["attachment"].stored_name]
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
    stored = f"private/{site['attachment'].stored_name}"
    assert [n for n in names if n.startswith("private/")] == [stored]
    assert manifest["format_version"] == 2
    assert manifest["private"] == {"files": 1, "bytes": len(SCAN)}
    assert manifest["media"]["files"] == len(media_before)
    (listed,) = (m for m in manifest["members"] if m["name"] == stored)
    assert listed["sha256"] == hashlib.sha256(SCAN).hexdigest() == site["attachment"].sha256
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["last_migrations"]["casework"] == manifest["migrations"]["casework"][-1]
    assert manifest["tables"]["casework_caseevent"] == CaseEvent.objects.count()
    assert {m["name"] for m in manifest["members"]} == {n for n in names if n != "manifest.json"}
    assert not list((tmp_path / "backups").glob(".*")), "no temporary file is left behind"

    verified = _restore(archive, scratch_database, "--verify-only")
    assert f"{len(media_before)} media files and 1 private file, every SHA-256" in verified
    media, private = _restore_folders_elsewhere(settings, tmp_path)
    said = _restore(archive, scratch_database)
    assert "every table has the rows the manifest lists" in said
    assert "1 private file written (0 already there with the same content)" in said

    # Every table, with the same rows, and every file, with the same bytes.
    assert snapshot(scratch_database) == before
    assert _files(media) == media_before
    assert _files(private) == private_before
    attachment = Attachment.objects.using(scratch_database).get()
    with private_storage().open(attachment.stored_name, "rb") as restored_scan:
        assert restored_scan.read() == SCAN
    # Readable by Comptoir's user only, as private_storage writes them.
    restored_file = private / attachment.stored_name
    assert restored_file.stat().st_mode & 0o777 == 0o600
    for folder in (private, *restored_file.relative_to(private).parents):
        assert (private / folder).stat().st_mode & 0o077 == 0, folder
    restored = Deliverable.objects.using(scratch_database).get()
    assert (media / restored.file.name).read_bytes() == CSV
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
    media, private = _restore_folders_elsewhere(settings, tmp_path)
    for name in (
        backups.DATABASE_MEMBERS[connection.vendor],
        "media/portal/attachments/scan.pdf",
        f"private/{site['attachment'].stored_name}",
    ):
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
    assert not media.exists()
    assert not private.exists()
    assert "is intact" in _restore(archive, scratch_database, "--verify-only")


def test_a_restore_into_a_database_in_use_is_refused_and_changes_nothing(
    site: dict[str, Any],
    tmp_path: Path,
    media_root: Path,
    private_root: Path,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    before, media_before = snapshot("default"), _files(media_root)
    private_before = _files(private_root)
    with pytest.raises(CommandError, match=r"is not empty .it has [0-9]+ tables, the first"):
        _restore(archive, "default", "--yes")
    assert snapshot("default") == before
    assert _files(media_root) == media_before
    assert _files(private_root) == private_before


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
    _restore_folders_elsewhere(settings, tmp_path)
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
    target, _private = _restore_folders_elsewhere(settings, tmp_path)
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


def test_a_private_folder_holding_files_is_refused_before_anything_is_written(
    site: dict[str, Any],
    tmp_path: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    """The private root is checked with the media folder, before either is written: a file
    left there refuses the restore (in French too), a file of the same name with other content
    refuses it even with --yes, and neither the database nor the media folder is touched."""
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    media, private = _restore_folders_elsewhere(settings, tmp_path)
    left = private / "cases" / "999" / "left-over.txt"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"a file of another site")
    with pytest.raises(
        CommandError, match=r"private files' folder .*restored-private.* already holds 1 file\."
    ) as refused:
        _restore(archive, scratch_database)
    assert refused.value.returncode == backups.EXIT_REFUSED
    with pytest.raises(CommandError, match=r"fichiers privés .* contient déjà 1 fichier\."):
        _restore(archive, scratch_database, "--language", "fr")

    ours = private / site["attachment"].stored_name
    ours.parent.mkdir(parents=True)
    ours.write_bytes(b"%PDF-1.7 another scan under the same name\n")
    with pytest.raises(CommandError, match=r"private files' folder already has .*other content"):
        _restore(archive, scratch_database, "--yes")
    assert ours.read_bytes() == b"%PDF-1.7 another scan under the same name\n"
    assert left.read_bytes() == b"a file of another site"
    assert _files(private) == {
        "cases/999/left-over.txt": hashlib.sha256(b"a file of another site").hexdigest(),
        site["attachment"].stored_name: hashlib.sha256(ours.read_bytes()).hexdigest(),
    }
    assert not media.exists(), "no media file was written either"
    assert snapshot(scratch_database) == {}, "nothing was written"

    ours.write_bytes(SCAN)  # the same file: kept, the one left over kept beside it
    said = _restore(archive, scratch_database, "--yes")
    assert "0 private files written (1 already there with the same content)" in said
    assert left.exists()


def _old_format(archive: Path, out: Path) -> Path:
    """``archive`` as a Comptoir before the private files made it: format version 1, no
    ``private/`` member, no ``private`` section in the manifest."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as copy:
        for member in source.getmembers():
            if member.name.startswith("private/"):
                continue
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["format_version"] = 1
                del manifest["private"]
                manifest["members"] = [
                    m for m in manifest["members"] if not m["name"].startswith("private/")
                ]
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return out


def test_an_archive_made_before_the_private_files_verifies_and_restores(
    site: dict[str, Any],
    tmp_path: Path,
    media_root: Path,
    scratch_database: str,
    snapshot: Callable[[str], dict[str, tuple[int, str]]],
    settings: Any,
) -> None:
    (tmp_path / "backups").mkdir()
    before, media_before = snapshot("default"), _files(media_root)
    old = _old_format(_back_up(tmp_path / "backups"), tmp_path / "old.tar")
    with tarfile.open(old) as tar:
        assert not [name for name in tar.getnames() if name.startswith("private/")]

    verified = _restore(old, scratch_database, "--verify-only")
    assert "and 0 private files, every SHA-256 as in its manifest" in verified
    assert "made before Comptoir backed up the files clients send" in verified
    media, private = _restore_folders_elsewhere(settings, tmp_path)
    said = _restore(old, scratch_database)
    assert "0 private files written (0 already there with the same content)" in said
    assert snapshot(scratch_database) == before
    assert _files(media) == media_before
    assert not private.exists(), "the private folder is left as it is"


def test_an_archive_of_a_newer_backup_format_is_refused_in_one_sentence(
    site: dict[str, Any], tmp_path: Path, scratch_database: str
) -> None:
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")

    def newer(manifest: dict[str, Any]) -> None:
        manifest["format_version"] = 3

    future = _rewritten(archive, newer, tmp_path / "format-3.tar")
    with pytest.raises(CommandError, match=r"version 3 of the backup format.*versions 1 to 2"):
        _restore(future, scratch_database, "--verify-only")


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
    first are kept by the second try with --yes, the private files too."""
    (tmp_path / "backups").mkdir()
    archive = _back_up(tmp_path / "backups")
    _restore_folders_elsewhere(settings, tmp_path)
    target = connections[scratch_database]
    with target.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION casework_refuse_change() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END; $$"
        )
    with pytest.raises(
        CommandError, match=r"pg_restore said.*files were restored \(2 media, 1 private\)"
    ):
        _restore(archive, scratch_database)
    assert snapshot(scratch_database) == {}, "no table was left"
    with target.cursor() as cursor:
        cursor.execute("DROP FUNCTION casework_refuse_change()")
    said = _restore(archive, scratch_database, "--yes")
    assert "0 media files written (2 already there with the same content)" in said
    assert "0 private files written (1 already there with the same content)" in said
    assert snapshot(scratch_database) == snapshot("default")
