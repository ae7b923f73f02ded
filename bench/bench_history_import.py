"""Benchmark: the history import (``comptoir cases import``) of N synthetic cases, on SQLite and
PostgreSQL.

Data: generated, not timed. N cases (default 100,000) of one service and two units; 90% with a
client (an email address shared by two cases, so half the clients are matched within the file;
1 in 10 with a name and no email), 10% anonymous; 70% resolved; acknowledged; half wait for the
client once (``awaiting_client`` then ``resumed``), one in three has a note. That is about
N x 3.8 events.

Each database gets a freshly migrated, empty database (PostgreSQL: a database created and dropped
by the script); the import runs in a child process, so ``ru_maxrss`` is its peak. The floor,
measured in the same run, is reading both files with the ``csv`` module into dicts.

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_history_import.py --cases 20000

Options: ``--cases N`` (default 100,000), ``--postgres URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``; ``skip`` to skip).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DB = "comptoir_bench_history_import"
CASE_HEADER = [
    *("reference", "service_id", "kind", "channel", "tier", "entry_unit", "client_name"),
    *("client_email", "client_language", "subject", "received_at", "acknowledged_at"),
    *("resolved_at", "outcome"),
]
EVENT_HEADER = ["reference", "event", "at", "unit", "reason"]
START = datetime(2024, 4, 1, 13, 0, tzinfo=UTC)


def generate(folder: Path, count: int) -> tuple[Path, Path, int]:
    """Write the two files; returns their paths and the number of events the import makes."""
    cases_path, events_path = folder / "cases.csv", folder / "events.csv"
    events = 0
    with (
        cases_path.open("w", encoding="utf-8-sig", newline="") as cases_out,
        events_path.open("w", encoding="utf-8", newline="") as events_out,
    ):
        cases = csv.writer(cases_out)
        cases.writerow(CASE_HEADER)
        further = csv.writer(events_out)
        further.writerow(EVENT_HEADER)
        for n in range(count):
            received = START + timedelta(minutes=7 * n)
            resolved = received + timedelta(days=3, hours=n % 5)
            is_resolved = n % 10 < 7
            if n % 10 == 9:
                name, email = "", ""
            elif n % 10 == 8:
                name, email = f"Client {n}", ""
            else:
                name, email = f"Émilie Gagné {n // 2}", f"client{n // 2}@example.ca"
            reference = f"OLD-{n:07d}"
            cases.writerow(
                [
                    reference,
                    "B1",
                    ("enquiry", "application", "complaint")[n % 3],
                    ("EML", "TEL", "ONL")[n % 3],
                    1 + n % 3,
                    "front" if n % 2 else "back",
                    name,
                    email,
                    "fr" if n % 3 == 0 else "en",
                    f"Question {n} about the trade tables",
                    received.isoformat(),
                    (received + timedelta(minutes=5)).isoformat(),
                    resolved.isoformat() if is_resolved else "",
                    "delivered" if is_resolved else "",
                ]
            )
            events += 2 + is_resolved
            if n % 2 == 0:
                pause = received + timedelta(hours=2)
                further.writerow([reference, "awaiting_client", pause.isoformat(), "", ""])
                further.writerow(
                    [reference, "resumed", (pause + timedelta(hours=20)).isoformat(), "", ""]
                )
                events += 2
            if n % 3 == 0:
                note = received + timedelta(hours=1)
                further.writerow([reference, "note", note.isoformat(), "", f"Answered {n}"])
                events += 1
    return cases_path, events_path, events


# --- child steps ----------------------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()


def child(step: str, cases: str, events: str, count: int) -> dict[str, float]:
    if step == "floor":
        started = time.perf_counter()
        rows = 0
        for path in (cases, events):
            with Path(path).open(encoding="utf-8-sig", newline="") as stream:
                rows += len(list(csv.DictReader(stream)))
        return {"seconds": time.perf_counter() - started, "rows": rows}
    _django()
    from django.core.management import call_command

    if step == "migrate":
        call_command("migrate", verbosity=0)
        return {"seconds": 0.0}
    from comptoir.casework.history_import import import_history
    from comptoir.inventory.models import Organization, Service, Unit

    organization = Organization.objects.create(
        owner_org="bench", title_en="Bench Agency", title_fr="Agence d'essai"
    )
    Service.objects.create(organization=organization, service_id="B1")
    for code in ("front", "back"):
        Unit.objects.create(
            organization=organization, code=code, name_en=code, name_fr=code, kind="division"
        )
    started = time.perf_counter()
    result = import_history(Path(cases), Path(events))
    seconds = time.perf_counter() - started
    assert result.cases == count, result.cases
    return {"seconds": seconds, "events": result.events, "clients": result.clients_created}


def _run_child(step: str, env: dict[str, str], *args: object) -> dict[str, float]:
    here = str(Path(__file__).parent)
    code = (
        f"import json, resource, sys; sys.path.insert(0, {here!r}); "
        "import bench_history_import as b; "
        f"r = b.child({step!r}, {str(args[0])!r}, {str(args[1])!r}, {args[2]!r}); "
        "r['rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "print(json.dumps(r))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]  # literal SQL below


def _with_db(url: str, name: str) -> str:
    base, _slash, _db = url.rpartition("/")
    return f"{base}/{name}"


def bench_backend(
    label: str, postgres: str | None, files: tuple[Path, Path, int], count: int
) -> None:
    work = Path(tempfile.mkdtemp(prefix="comptoir-bench-history-"))
    env = dict(os.environ)
    env.pop("COMPTOIR_DEBUG", None)
    env["COMPTOIR_VAR_DIR"] = str(work)
    cases, events, event_count = files
    try:
        if postgres:
            _postgres_admin(
                postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}"
            )
            env["DATABASE_URL"] = _with_db(postgres, BENCH_DB)
        else:
            env.pop("DATABASE_URL", None)
        _run_child("migrate", env, cases, events, count)
        imported = _run_child("import", env, cases, events, count)
        floor = _run_child("floor", env, cases, events, count)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if postgres:
            _postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    rows = count + event_count
    assert imported["events"] == event_count, (imported["events"], event_count)
    print(f"\n{label}")
    print(
        f"  floor (csv module, both files into dicts): {floor['seconds']:.2f} s, "
        f"{floor['rows'] / floor['seconds']:,.0f} rows/s"
    )
    print(
        f"  import: {imported['seconds']:.1f} s for {count:,} cases and {event_count:,} events "
        f"({count / imported['seconds']:,.0f} cases/s, {rows / imported['seconds']:,.0f} "
        f"rows written/s), {imported['clients']:,.0f} clients created, peak RSS "
        f"{imported['rss_mb']:.0f} MB, {imported['seconds'] / floor['seconds']:.0f}x the floor"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-history-files-"))
    try:
        files = generate(folder, options.cases)
        print(
            f"N = {options.cases:,} cases, {files[2]:,} events; cases.csv "
            f"{files[0].stat().st_size / 1e6:.1f} MB, events.csv "
            f"{files[1].stat().st_size / 1e6:.1f} MB"
        )
        bench_backend("SQLite", None, files, options.cases)
        if options.postgres != "skip":
            bench_backend("PostgreSQL", options.postgres, files, options.cases)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
