"""Benchmark: the insight pages (heat map and panels) on the real GC service inventory.

Data: ``../shared/data/gc-service-inventory`` (2023-2024: 1,751 services of 79 organizations and
2,343 standards, plus one 2024-2025 service), imported with the inventory's own importer
(``do_import_inventory``) into a freshly migrated scratch database: SQLite in a temporary folder,
and PostgreSQL (a scratch database created and dropped here) unless ``--postgres skip``.

For each database it times, signed in as an administrator (who sees every organization), the
whole page as served by Django's test client (middleware, session, queries, template):

- ``heat map (years)``: ``/en/insight/heat-map/``, the first page of 40 organizations;
- ``heat map (channels)``: ``/en/insight/heat-map/?columns=channels&fiscal_year=2023-2024``;
- ``organization``: the drill-down page of the organization with the most services;
- ``panels``: ``/en/insight/panels/?fiscal_year=2023-2024``;

and, as the floor, the bare SQL aggregates no implementation can go below: one ``GROUP BY``
organization, year and the stored ``target_met`` cell over every yearly standard record (for the
heat maps), and one pass counting the year's service records by scope plus that ``GROUP BY``
(for the panels). p50 and p95 over ``--samples`` requests (after one warm-up request)::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_insight.py

Options: ``--postgres URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``; ``skip``),
``--samples N`` (default 50).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = (
    Path(os.environ.get("COMPTOIR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "gc-service-inventory"
)
SERVICES = DATA / "service.csv"
STANDARDS = DATA / "service-std.csv"
BENCH_DB = "comptoir_bench_insight"
YEAR = "2023-2024"

FLOOR_HEAT_MAP = """
SELECT fy.organization_id, fy.code, sty.target_met, COUNT(*)
FROM inventory_standardyear sty JOIN inventory_fiscalyear fy ON fy.id = sty.fiscal_year_id
GROUP BY fy.organization_id, fy.code, sty.target_met
"""
FLOOR_SERVICES = """
SELECT COUNT(*),
       SUM(CASE WHEN sy.service_scope LIKE '%%EXTERN%%' OR sy.service_scope LIKE '%%ENTERPRISE%%'
           THEN 1 ELSE 0 END)
FROM inventory_serviceyear sy JOIN inventory_fiscalyear fy ON fy.id = sy.fiscal_year_id
WHERE fy.code = %s
"""


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def _timed(call: Callable[[], Any], samples: int) -> list[float]:
    call()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def child(samples: int) -> dict[str, Any]:
    """In a process whose environment names the scratch database: migrate, import, time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings

    from comptoir.accounts.models import User
    from comptoir.inventory.actions import do_import_inventory
    from comptoir.inventory.models import FiscalYear, ServiceYear, StandardYear

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    do_import_inventory(SERVICES, STANDARDS, actor=None)
    imported = time.perf_counter() - started
    data = {
        "organizations": FiscalYear.objects.values("organization_id").distinct().count(),
        "service_records": ServiceYear.objects.count(),
        "standard_records": StandardYear.objects.count(),
        "import_seconds": imported,
    }
    biggest = (
        ServiceYear.objects.values("fiscal_year__organization__owner_org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert biggest is not None
    owner_org = biggest["fiscal_year__organization__owner_org"]
    data["biggest_organization"] = f"{owner_org} ({biggest['n']} service records)"
    admin = User.objects.create_superuser("bench-admin", "bench@example.gc.ca", "x")

    def bare(sql: str, *params: str) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    floor_heat = bare(FLOOR_HEAT_MAP)
    floor_services = bare(FLOOR_SERVICES, YEAR)

    def floor_panels() -> None:
        floor_services()
        floor_heat()

    results: dict[str, Any] = {"data": data}
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        COMPTOIR_REQUIRE_MFA=False,
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        DEBUG=False,
    ):
        browser = Client()
        browser.force_login(admin)

        def page(url: str) -> Callable[[], Any]:
            def get() -> None:
                response = browser.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return get

        pages = {
            "heat map (years)": ("/en/insight/heat-map/", floor_heat),
            "heat map (channels)": (
                f"/en/insight/heat-map/?columns=channels&fiscal_year={YEAR}",
                floor_heat,
            ),
            "organization": (f"/en/insight/organizations/{owner_org}/", floor_heat),
            "panels": (f"/en/insight/panels/?fiscal_year={YEAR}", floor_panels),
        }
        for name, (url, floor) in pages.items():
            served = _percentiles(_timed(page(url), samples))
            bare_sql = _percentiles(_timed(floor, samples))
            results[name] = {
                "url": url,
                **served,
                "floor_p50_ms": bare_sql["p50_ms"],
                "floor_p95_ms": bare_sql["p95_ms"],
                "p95_ratio": served["p95_ms"] / max(bare_sql["p95_ms"], 1e-6),
            }
    return results


def _run(env: dict[str, str], samples: int) -> dict[str, Any]:
    here = str(Path(__file__).parent)
    code = (
        f"import json, sys; sys.path.insert(0, {here!r}); import bench_insight as b; "
        f"print(json.dumps(b.child({samples})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the benchmark failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _postgres_admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]  # literal SQL below


def bench_backend(label: str, postgres: str | None, samples: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="comptoir-bench-insight-"))
    env = dict(os.environ)
    env.pop("COMPTOIR_DEBUG", None)
    env["COMPTOIR_VAR_DIR"] = str(work)
    env.pop("DATABASE_URL", None)
    try:
        if postgres:
            _postgres_admin(
                postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}"
            )
            env["DATABASE_URL"] = f"{postgres.rpartition('/')[0]}/{BENCH_DB}"
        results = _run(env, samples)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if postgres:
            _postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    data = results["data"]
    print(
        f"\n{label}: {data['organizations']} organizations, {data['service_records']:,} service "
        f"records, {data['standard_records']:,} standard records (imported in "
        f"{data['import_seconds']:.1f} s); biggest organization {data['biggest_organization']}"
    )
    for name, figures in results.items():
        if name == "data":
            continue
        print(
            f"  {name:20} p50 {figures['p50_ms']:6.1f} ms, p95 {figures['p95_ms']:6.1f} ms; "
            f"bare SQL p50 {figures['floor_p50_ms']:5.1f} ms, p95 {figures['floor_p95_ms']:5.1f} "
            f"ms; x{figures['p95_ratio']:.1f} at p95"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--samples", type=int, default=50)
    options = parser.parse_args()
    if not SERVICES.exists():
        raise SystemExit(f"the real data is not at {DATA}")
    print(
        f"Data: {SERVICES.name} ({SERVICES.stat().st_size / 1e6:.1f} MB) and {STANDARDS.name} "
        f"({STANDARDS.stat().st_size / 1e6:.1f} MB); {options.samples} requests per page after "
        "one warm-up; whole pages through Django's test client"
    )
    bench_backend("SQLite", None, options.samples)
    if options.postgres != "skip":
        bench_backend("PostgreSQL", options.postgres, options.samples)


if __name__ == "__main__":
    main()
