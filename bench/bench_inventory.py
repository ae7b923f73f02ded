"""Benchmark: import and export of the real GC service inventory, on SQLite and PostgreSQL.

Data: ``../shared/data/gc-service-inventory`` (service.csv: 1,752 rows, 3.2 MB; service-std.csv:
2,343 rows, 2.1 MB). For each database it measures, each step in its own child process (so that
``ru_maxrss`` is that step's peak resident memory, Django and the interpreter included):

- ``import``: ``do_import_inventory`` of both files into a freshly migrated, empty database
  (read, validate, write, history rows, findings; one transaction);
- ``reimport``: the same files again (every record compared, nothing to write);
- ``update``: files where every row differs from the imported one (a name or comment revised):
  every record updated, with its history row;
- ``export``: both files of 2023-2024 and 2024-2025 written to a folder (recomputed performance);
- ``floor``: in the same run, the cost no implementation can avoid: reading both files with the
  ``csv`` module into dicts and writing them back with ``csv.writer``.

Wall times are the median of ``--repeat`` runs (each import into a fresh copy of the migrated
database). Run it under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_inventory.py

Options: ``--postgres URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``; ``skip``
to skip), ``--repeat N`` (default 3).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = (
    Path(os.environ.get("COMPTOIR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "gc-service-inventory"
)
SERVICES = DATA / "service.csv"
STANDARDS = DATA / "service-std.csv"
ROWS = 1752 + 2343
BENCH_DB = "comptoir_bench_inventory"
TEMPLATE_DB = "comptoir_bench_inventory_template"


# --- child steps ----------------------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()


def child(step: str, out_dir: str) -> dict[str, float]:
    started = time.perf_counter()
    if step == "floor":
        rows = []
        for path in (SERVICES, STANDARDS):
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows.append(list(csv.DictReader(stream)))
        parsed = time.perf_counter()
        for table in rows:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(table[0]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(table)
            buffer.getvalue().encode("utf-8-sig")
        return {
            "parse": parsed - started,
            "write": time.perf_counter() - parsed,
            "seconds": time.perf_counter() - started,
        }
    _django()
    if step == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return {"seconds": time.perf_counter() - started}
    if step in {"import", "reimport", "update"}:
        from comptoir.inventory.actions import do_import_inventory

        services, standards = SERVICES, STANDARDS
        if step != "import":
            do_import_inventory(SERVICES, STANDARDS, actor=None)
        if step == "update":
            services, standards = _revised_files(Path(out_dir))
        started = time.perf_counter()
        result = do_import_inventory(services, standards, actor=None)
        assert result.services_total == 1752, result.services_total
        assert result.standards_total == 2343, result.standards_total
        if step == "update":
            assert (result.services_updated, result.standards_updated) == (1752, 2343)
        return {"seconds": time.perf_counter() - started}
    if step == "export":
        from comptoir.inventory.actions import do_import_inventory
        from comptoir.inventory.exporting import export_fiscal_year

        do_import_inventory(SERVICES, STANDARDS, actor=None)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        counts = {}
        for fiscal_year in ("2023-2024", "2024-2025"):
            counts[fiscal_year] = export_fiscal_year(fiscal_year, Path(out_dir) / fiscal_year)
        seconds = time.perf_counter() - started
        assert counts["2023-2024"] == {"service.csv": 1751, "service-std.csv": 2343}, counts
        return {"seconds": seconds, "rss_before_mb": before / 1024}
    raise SystemExit(f"unknown step {step}")


def _revised_files(folder: Path) -> tuple[Path, Path]:
    """Copies of both files where every row has a revised name or comment."""
    from comptoir.core.opendata.csvio import read_rows, write_rows
    from comptoir.core.opendata.schema import Resource

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, source, column in (
        (Resource.SERVICE, SERVICES, "service_name_en"),
        (Resource.STANDARD, STANDARDS, "comments_en"),
    ):
        rows = [dict(row.values) for row in read_rows(source)]
        for row in rows:
            row[column] += " (revised)"
        path = folder / source.name
        with path.open("wb") as out:
            write_rows(kind, rows, out)
        paths.append(path)
    return paths[0], paths[1]


# --- parent -------------------------------------------------------------------------------------


def _run_child(step: str, env: dict[str, str], out_dir: str) -> dict[str, float]:
    here = str(Path(__file__).parent)
    code = (
        f"import json, resource, sys; sys.path.insert(0, {here!r}); import bench_inventory as b; "
        f"r = b.child({step!r}, {out_dir!r}); "
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


def bench_backend(label: str, postgres: str | None, repeat: int) -> dict[str, dict[str, float]]:
    work = Path(tempfile.mkdtemp(prefix="comptoir-bench-"))
    env = dict(os.environ)
    env.pop("COMPTOIR_DEBUG", None)
    env["COMPTOIR_VAR_DIR"] = str(work / "var")
    (work / "var").mkdir()
    results: dict[str, list[dict[str, float]]] = {}
    try:
        if postgres:
            _postgres_admin(
                postgres,
                f"DROP DATABASE IF EXISTS {BENCH_DB}",
                f"DROP DATABASE IF EXISTS {TEMPLATE_DB}",
                f"CREATE DATABASE {TEMPLATE_DB}",
            )
            env["DATABASE_URL"] = _with_db(postgres, TEMPLATE_DB)
        else:
            env.pop("DATABASE_URL", None)
        _run_child("migrate", env, str(work))
        template = work / "var" / "comptoir.sqlite3"

        def fresh() -> None:
            if postgres:
                _postgres_admin(
                    postgres,
                    f"DROP DATABASE IF EXISTS {BENCH_DB}",
                    f"CREATE DATABASE {BENCH_DB} TEMPLATE {TEMPLATE_DB}",
                )
                env["DATABASE_URL"] = _with_db(postgres, BENCH_DB)
            else:
                run_dir = work / "run"
                shutil.rmtree(run_dir, ignore_errors=True)
                run_dir.mkdir()
                shutil.copy(template, run_dir / "comptoir.sqlite3")
                env["COMPTOIR_VAR_DIR"] = str(run_dir)

        for _ in range(repeat):
            for step in ("import", "reimport", "update", "export"):
                fresh()
                results.setdefault(step, []).append(_run_child(step, env, str(work / "out")))
            results.setdefault("floor", []).append(_run_child("floor", env, str(work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if postgres:
            _postgres_admin(
                postgres,
                f"DROP DATABASE IF EXISTS {BENCH_DB}",
                f"DROP DATABASE IF EXISTS {TEMPLATE_DB}",
            )
    summary = {}
    for step, runs in results.items():
        summary[step] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs),
        }
        if step == "floor":
            summary[step]["parse"] = statistics.median(r["parse"] for r in runs)
            summary[step]["write"] = statistics.median(r["write"] for r in runs)
    print(f"\n{label}")
    floor = summary["floor"]
    print(
        f"  floor (csv module): parse {floor['parse'] * 1000:.0f} ms, write "
        f"{floor['write'] * 1000:.0f} ms, peak RSS {floor['rss_mb']:.0f} MB"
    )
    for step, floor_seconds in (
        ("import", floor["parse"]),
        ("reimport", floor["parse"]),
        ("update", floor["parse"]),
        ("export", floor["write"]),
    ):
        figures = summary[step]
        print(
            f"  {step:8}: {figures['seconds']:.2f} s, {ROWS / figures['seconds']:,.0f} rows/s, "
            f"peak RSS {figures['rss_mb']:.0f} MB, {figures['seconds'] / floor_seconds:.0f}x "
            f"the csv-module floor"
        )
    print("  (export's peak RSS includes the import that filled its database first)")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    if not SERVICES.exists():
        raise SystemExit(f"the real data is not at {DATA}")
    print(
        f"Data: {SERVICES.name} ({SERVICES.stat().st_size / 1e6:.1f} MB, 1,752 rows) and "
        f"{STANDARDS.name} ({STANDARDS.stat().st_size / 1e6:.1f} MB, 2,343 rows); "
        f"median of {options.repeat} runs; aims: import < 3 s, export < 1 s, peak < 250 MB."
    )
    bench_backend("SQLite", None, options.repeat)
    if options.postgres != "skip":
        bench_backend("PostgreSQL", options.postgres, options.repeat)


if __name__ == "__main__":
    main()
