"""Benchmark: ``comptoir clients find-duplicates`` over N client records on PostgreSQL (issue 13,
item 6: aim ≤ 60 s and ≤ 2 GB at 1,000,000 records on 2 cores).

Creates the database ``comptoir_bench_duplicates`` on the server of ``--postgres`` (default
``postgres://postgres@127.0.0.1:5432/postgres``), migrates it and writes the records of the
matching tests' generator (``tests/core/matching/_data.py``: the demo generator's clients, about
30 % entered a second time with nicknames, typos, other forms, and some household members)
until about ``--clients N`` (default 100,000) clients are written, through the one bulk writer.
The known duplicates are kept beside the figures (``bench/results/``), so that ``--keep`` then
``--reuse`` scans the same database again without writing it (``--generate-only`` writes it and
stops: a million clients take about 20 minutes).

Then, in a fresh process so that its peak memory is the scan's own:

- the **floor**: the same rows read in the same batches (the clients' columns and their active
  contact points), nothing normalised, blocked or scored;
- the **command**: ``comptoir clients find-duplicates --format csv`` at the default threshold,
  its CSV written to ``bench/results/find_duplicates_output.csv``, with the time of each step
  (reading and normalising, blocking, scoring; the rest is listing and writing).

Prints the wall time and peak resident memory of each (the command's own, and the largest of its
forked workers', which counts the pages they share with it), the ratios to the floor, the
candidate and listed pairs, the load average, and the share of the known duplicates listed
(recall at the default threshold; precision and splink beside it are item 5's work), and writes
the figures as JSON to ``bench/results/``. Run by hand, never in CI, under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_find_duplicates.py \
        --clients 1000000 --keep
    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_find_duplicates.py \
        --clients 1000000 --reuse
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _postgres import admin as _admin
from _postgres import with_db as _with_db

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "comptoir_bench_duplicates"
RESULTS = ROOT / "bench" / "results"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(records: int, seed: int) -> dict[str, Any]:
    """Write about ``records`` generated clients; answers the known duplicate pairs' source
    ids."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from comptoir import bulk
    from comptoir.casework.bulk_cases import write_clients
    from comptoir.clients.models import Client, ContactPoint

    sys.path.insert(0, str(ROOT))
    from tests.core.matching._data import generate as generate_records

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generated = generate_records(seed, max(2, round(records / 1.35)))
    now = timezone.now()
    writer = bulk.BulkWriter(now=now, actor_id=None, reason="benchmark")
    batch_clients: list[Any] = []
    batch_points: list[list[Any]] = []

    def flush() -> None:
        with transaction.atomic():
            write_clients(writer, batch_clients, batch_points)
        batch_clients.clear()
        batch_points.clear()

    for record in generated.records:
        person = record.kind == "person"
        client = Client(
            kind="person" if person else "organization",
            given_name=record.given_name if person else "",
            family_name=record.family_name if person else "",
            organization_name="" if person else record.organization_name,
            date_of_birth=record.date_of_birth,
            preferred_language="fr",
            segment="public",
            source_id=f"G-{record.id}",
            created_at=now,
        )
        client.search_name = client.folded_names()
        points = [
            ContactPoint(kind="email", value=value, is_primary=True) for value in record.emails
        ]
        points += [
            ContactPoint(kind="phone", value=value, is_primary=True) for value in record.phones
        ]
        points += [
            ContactPoint(
                kind="address",
                street=address.street,
                city=address.city,
                province=address.province,
                postal_code=address.postal_code,
                is_primary=True,
            )
            for address in record.addresses
        ]
        kept = []
        for point in points:
            try:
                point.clean()
            except ValidationError:
                continue
            point.created_at = now
            kept.append(point)
        batch_clients.append(client)
        batch_points.append(kept)
        if len(batch_clients) >= 5000:
            flush()
    flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "generation_seconds": time.perf_counter() - started,
        "duplicates": [sorted(f"G-{key}" for key in pair) for pair in generated.duplicates],
    }


def _children_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def scan() -> dict[str, Any]:
    """The floor, then the command, in this process (run fresh by :func:`main`)."""
    import django

    django.setup()
    from django.core.management import call_command

    from comptoir.clients import duplicates

    figures: dict[str, Any] = {"start_peak_mib": _peak_mib()}
    started = time.perf_counter()
    rows = points = 0
    for clients, by_client in duplicates._batches(duplicates.READ_BATCH):
        rows += len(clients)
        points += sum(len(found) for found in by_client.values())
    figures["floor_seconds"] = time.perf_counter() - started
    figures["floor_peak_mib"] = _peak_mib()
    figures["contact_points"] = points

    # Each step of the scan timed where find_duplicates calls it.
    phases: dict[str, float] = {}
    results: dict[str, Any] = {}

    def timed(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            try:
                results[name] = function(*args, **kwargs)
                return results[name]
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - begun

        return run

    for name in ("read_table", "block", "scan"):
        setattr(duplicates, name, timed(name, getattr(duplicates, name)))
    out = RESULTS / "find_duplicates_output.csv"
    RESULTS.mkdir(parents=True, exist_ok=True)
    errors = io.StringIO()
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as written:
        call_command("clients", "find-duplicates", "--format", "csv", stdout=written, stderr=errors)
    figures["scan_seconds"] = time.perf_counter() - started
    figures["scan_peak_mib"] = _peak_mib()
    figures["workers_peak_mib"] = _children_peak_mib()
    figures["phases_seconds"] = phases
    with out.open(encoding="utf-8") as written:
        listed = list(csv.DictReader(written))
    figures["output_bytes"] = out.stat().st_size
    figures["records"] = rows
    figures["candidate_pairs"] = results["scan"].candidates
    figures["listed_pairs"] = len(listed)
    figures["skipped_blocks"] = len(results["scan"].skipped)
    figures["load_average"] = os.getloadavg()
    figures["listed"] = [sorted((row["left_source_id"], row["right_source_id"])) for row in listed]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", "--records", dest="records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="scan a database kept by --keep, without writing it"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="write the database, keep it and stop"
    )
    parser.add_argument("--scan-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    if args.scan_only:
        print(json.dumps(scan()))
        return 0
    truth_file = RESULTS / f"{BENCH_DB}_known_duplicates.json"
    if not args.reuse:
        _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
    url = _with_db(args.postgres, BENCH_DB)
    os.environ["DATABASE_URL"] = url
    try:
        if args.reuse:
            made = json.loads(truth_file.read_text())
        else:
            made = generate(args.records, args.seed)
            RESULTS.mkdir(parents=True, exist_ok=True)
            truth_file.write_text(json.dumps(made))
        from django.db import connections

        connections.close_all()
        if args.generate_only:
            print(f"{BENCH_DB}: written in {made['generation_seconds']:.0f} s")
            return 0
        done = subprocess.run(
            [sys.executable, __file__, "--scan-only"],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse or args.generate_only):
            _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    truth = {tuple(pair) for pair in made["duplicates"]}
    listed = {tuple(pair) for pair in figures.pop("listed")}
    figures["generation_seconds"] = made["generation_seconds"]
    figures["known_duplicates"] = len(truth)
    figures["recall_at_default"] = len(truth & listed) / max(1, len(truth))
    figures["listed_known_share"] = len(truth & listed) / max(1, len(listed))
    print(
        f"records: {figures['records']:,}  candidate pairs: {figures['candidate_pairs']:,}  "
        f"listed: {figures['listed_pairs']:,}  skipped blocks: {figures['skipped_blocks']}"
    )
    ratio = figures["scan_seconds"] / max(figures["floor_seconds"], 1e-6)
    print(
        f"floor (read the same rows): {figures['floor_seconds']:.1f} s, peak "
        f"{figures['floor_peak_mib']:.0f} MiB"
    )
    print(
        f"find-duplicates --format csv: {figures['scan_seconds']:.1f} s, peak "
        f"{figures['scan_peak_mib']:.0f} MiB (workers' peak {figures['workers_peak_mib']:.0f} "
        f"MiB)  ({ratio:.1f}x the floor)"
    )
    phases = figures["phases_seconds"]
    rest = figures["scan_seconds"] - sum(phases.values())
    print(
        "  read and normalise {read_table:.1f} s ({read_ratio:.1f}x the floor), block "
        "{block:.1f} s, score {scan:.1f} s, list and write {rest:.1f} s".format(
            **phases,
            read_ratio=phases["read_table"] / max(figures["floor_seconds"], 1e-6),
            rest=rest,
        )
    )
    print(f"load average (1, 5, 15 min) at the end: {figures['load_average']}")
    print(
        f"known duplicates listed: {figures['recall_at_default']:.1%}; listed pairs that are "
        f"known duplicates: {figures['listed_known_share']:.1%} (households and chance pairs of "
        f"the generator count against it)"
    )
    figures["arguments"] = vars(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = RESULTS / f"find_duplicates_{args.records}_{stamp}.json"
    out.write_text(json.dumps(figures, indent=2, default=str))
    print(f"figures written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
