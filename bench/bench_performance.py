"""Benchmark: standards performance from cases on PostgreSQL (issue 14, item 1).

Creates a fresh database on the server of ``--postgres`` (default
``postgres://postgres@127.0.0.1:5432/postgres``; the database ``comptoir_bench_performance`` is
created and dropped by this script), migrates it, runs ``comptoir demo`` (units, services, rules,
its own cases), then writes ``--cases N`` (default 20,000) cases with ``comptoir.casework.
generator`` through the bulk writer (which sends no signal: no fact is written).

Every service without a rule is given one first (``_rule_everywhere``), so every case is
measured. It measures:

- (a) ``measurement.performance.recompute()``: every case measured against its service's rules
  and its facts upserted, in cases per second, against a floor measured in the same run: reading
  the same cases and their events in the same batches, without evaluating or writing;
- (b) ``measurement.queries.performance`` of the fiscal year with the most outputs (``show``'s
  read path, per standard) over ``--samples`` runs, p50/p95, against the bare SQL aggregate over
  the same facts (``COUNT`` and ``SUM`` grouped by standard);
- (c) ``refresh_case_facts`` of one case (the incremental update after one event), p50/p95.

Writes the figures as JSON to ``bench/results/`` (git-ignored). Run by hand, never in CI, under
the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_performance.py --cases 20000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from typing import Any

from _postgres import DEFAULT_SERVER, percentiles, run_in_database, write_figures

BENCH_DB = "comptoir_bench_performance"

FLOOR_SQL = """
SELECT standard_id, COUNT(*), SUM(CASE WHEN outcome = 'met' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'excluded' THEN 1 ELSE 0 END)
FROM measurement_standardfact
WHERE fiscal_year_output = %s AND outcome <> 'pending'
GROUP BY standard_id
"""


def _timed(call: Any, samples: int) -> list[float]:
    call()  # warm
    times = []
    for _n in range(samples):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def _read_only(batch: int) -> int:
    """The floor of (a): the cases and their events read in the recompute's batches."""
    from comptoir.casework.models import Case
    from comptoir.measurement.performance import _events_of

    cases = Case.objects.select_related("service").order_by("pk")
    last = read = 0
    while True:
        rows = list(cases.filter(pk__gt=last)[:batch])
        if not rows:
            return read
        _events_of([case.pk for case in rows])
        read += len(rows)
        last = rows[-1].pk


def _rule_everywhere() -> None:
    """Every service measured: a standard with a rule ("5 business days from receipt to
    resolution", target 0.8, paused while awaiting the client) on each service that has none,
    so that every generated case gives at least one fact (the demo sets rules on a few)."""
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import Service, ServiceStandard

    rule = StandardRule(
        "BENCH",
        Within.parse("5 business days"),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
        target="0.8",
    )
    for service in Service.objects.exclude(standards__rule__isnull=False):
        ServiceStandard.objects.create(
            service=service, service_standard_id=f"BENCH-{service.pk}", rule=rule.to_dict()
        )


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from comptoir.casework import generator
    from comptoir.casework.models import Case, CaseEvent, RequestType
    from comptoir.inventory.models import Service, Unit, UnitMembership
    from comptoir.measurement.models import StandardFact
    from comptoir.measurement.performance import recompute, refresh_case_facts
    from comptoir.measurement.queries import performance

    figures: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    call_command("demo", "--password", "benchmark-password-only", stdout=open(os.devnull, "w"))  # noqa: SIM115
    _rule_everywhere()
    units = list(Unit.objects.all())
    staff: dict[int, list[int]] = {}
    for membership in UnitMembership.objects.filter(is_active=True):
        staff.setdefault(membership.unit_id, []).append(membership.user_id)
    now = timezone.now()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    clients = generator.generate_clients(
        rng, args.clients, start=now - timedelta(days=730), end=now
    )
    cases = generator.generate_cases(
        rng,
        args.cases,
        units=[generator.UnitInfo(u.pk, u.kind, u.time_zone, u.organization_id) for u in units],
        services=list(Service.objects.values_list("pk", "organization_id")),
        request_types=list(RequestType.objects.values_list("pk", flat=True)),
        staff=staff,
        clients=args.clients,
        start=now - timedelta(days=730),
        end=now,
        taken=Case.objects.values_list("reference", flat=True),
    )
    generator.write_generated(clients, cases, actor=None, now=now, reason="benchmark")
    figures["generate_seconds"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total_cases = Case.objects.count()
    figures["data"] = {"cases": total_cases, "events": CaseEvent.objects.count()}
    print(f"data: {total_cases:,} cases, {figures['data']['events']:,} events")

    # (a) full recompute against reading the same rows
    started = time.perf_counter()
    _read_only(args.batch)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    counts = recompute(batch=args.batch)
    seconds = time.perf_counter() - started
    figures["recompute"] = {
        "seconds": seconds,
        "cases_per_second": counts.cases / seconds,
        "facts_written": counts.written,
        "facts_per_second": counts.written / seconds,
        "skipped": counts.skipped,
        "floor_read_seconds": floor,
        "floor_cases_per_second": total_cases / floor,
        "ratio_to_floor": seconds / floor,
    }
    print(
        f"(a) recompute: {counts.cases:,} cases in {seconds:.1f} s = "
        f"{counts.cases / seconds:,.0f} cases/s, {counts.written:,} facts "
        f"({counts.skipped} skipped); floor (reading cases and events): {floor:.1f} s = "
        f"{total_cases / floor:,.0f} cases/s; ratio {seconds / floor:.1f}x"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE measurement_standardfact")

    # (b) show's read path against the bare aggregate
    year = (
        StandardFact.objects.exclude(fiscal_year_output="")
        .values("fiscal_year_output")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    code = year["fiscal_year_output"] if year else "2025-2026"
    attributed = StandardFact.objects.filter(fiscal_year_output=code).count()

    def floor_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [code])
            cursor.fetchall()

    show = percentiles(_timed(lambda: performance(code), args.samples))
    bare = percentiles(_timed(floor_sql, args.samples))
    figures["show"] = {
        "fiscal_year": code,
        "facts": attributed,
        **show,
        "floor": bare,
        "ratio_p50": show["p50_ms"] / bare["p50_ms"],
    }
    print(
        f"(b) show {code} ({attributed:,} facts in the year): p50 {show['p50_ms']:.1f} ms, "
        f"p95 {show['p95_ms']:.1f} ms; bare SQL aggregate p50 {bare['p50_ms']:.1f} ms, "
        f"p95 {bare['p95_ms']:.1f} ms; ratio {show['p50_ms'] / bare['p50_ms']:.1f}x"
    )

    # (c) the incremental update of one case
    sample = list(Case.objects.order_by("?").values_list("pk", flat=True)[: args.samples + 1])
    picks = iter(sample)

    def refresh() -> None:
        refresh_case_facts(Case(pk=next(picks)))

    one = percentiles(_timed(refresh, args.samples))
    figures["refresh_one_case"] = one
    print(f"(c) refresh of one case: p50 {one['p50_ms']:.1f} ms, p95 {one['p95_ms']:.1f} ms")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_SERVER)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    figures = run_in_database(
        args.postgres, BENCH_DB, lambda: run(args), fresh=True, keep=args.keep
    )
    figures["arguments"] = vars(args)
    write_figures(f"performance_{args.cases}", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
