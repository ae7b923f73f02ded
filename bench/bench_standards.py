"""Benchmark: evaluate and aggregate millions of synthetic case timelines (issue 3, item 9).

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_standards.py --n 10000000

One rule ("within 5 business days", counted in the receiving unit's calendar, with pauses and
exclusions, applicable to six channels of seven) is evaluated over ``n`` synthetic cases received in
fiscal year 2025-2026 across ten units in ten time zones and provinces, then aggregated per month x
service x channel x unit and per fiscal year. Printed: data size, wall time of evaluation and of
aggregation, peak memory, and floors measured in the same run on the same arrays:

* a plain numpy pass (a fixed 7-day limit compared per case, then a bincount per unit): the cost of
  touching the data at all;
* ``numpy.busday_offset`` of the receipt dates by 5 weekdays: the cheapest whole-day business-day
  computation numpy offers (no time zones, no hours, no provincial holidays, no pauses).

Peak memory: the process's peak resident set (``ru_maxrss``, inputs included) and, in a second pass
under ``tracemalloc``, the peak of memory allocated during evaluation plus aggregation alone.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from comptoir.core.businesstime import Calendar, HolidaySource, TimeUnit, WeeklyHours, Within
from comptoir.core.performance import Dimension, PeriodKind, aggregate_batch
from comptoir.core.standards import (
    CHANNELS,
    Applicability,
    CalendarRef,
    CalendarScope,
    CaseColumns,
    Channel,
    Exclusion,
    ExclusionEffect,
    StandardRule,
    evaluate_batch,
)

UNITS = {
    "ott": ("America/Toronto", None),
    "mtl": ("America/Montreal", "QC"),
    "tor": ("America/Toronto", "ON"),
    "hfx": ("America/Halifax", "NS"),
    "stj": ("America/St_Johns", "NL"),
    "wpg": ("America/Winnipeg", "MB"),
    "rgn": ("America/Regina", "SK"),
    "edm": ("America/Edmonton", "AB"),
    "van": ("America/Vancouver", "BC"),
    "whs": ("America/Whitehorse", "YT"),
}
RULE = StandardRule(
    "STD-5BD",
    Within(5, TimeUnit.BUSINESS_DAYS),
    stop="resolved",
    pause_start=("awaiting_client",),
    pause_end=("client_responded",),
    exclusions=(Exclusion("special_circumstances", ExclusionEffect.EXCLUDE_CASE),),
    applies_to=Applicability(channels=frozenset(set(Channel) - {Channel.TEL})),
    target=Decimal("0.8"),
)
AS_OF = datetime(2026, 4, 15, 12, tzinfo=UTC)
US = np.timedelta64(1, "us")
HOUR = np.timedelta64(3_600_000_000, "us")


def calendars() -> dict[CalendarRef, Calendar]:
    hours = WeeklyHours.parse("08:30-16:30")
    return {
        CalendarRef(CalendarScope.RECEIVING_UNIT, unit): Calendar(
            tz, hours, HolidaySource("CA", subdivision)
        )
        for unit, (tz, subdivision) in UNITS.items()
    }


def synthetic_columns(n: int, seed: int) -> CaseColumns:
    rng = np.random.default_rng(seed)
    year_start = np.datetime64("2025-04-01T00:00:00", "us")
    year_us = 365 * 24 * 3_600_000_000
    start = year_start + rng.integers(0, year_us, n, dtype=np.int64) * US
    # Handling time: exponential, mean 4 days of wall time; 3% still open.
    stop = start + (rng.exponential(4 * 24, n) * 3_600_000_000).astype(np.int64) * US
    stop[rng.random(n) < 0.03] = np.datetime64("NaT", "us")
    # 10% of cases waited for the client once, inside the case's life.
    pause_start = np.full(n, np.datetime64("NaT", "us"))
    pause_end = np.full(n, np.datetime64("NaT", "us"))
    paused = np.flatnonzero(rng.random(n) < 0.10)
    begin = start[paused] + (rng.random(paused.size) * 48).astype(np.int64) * HOUR
    end = begin + (1 + rng.random(paused.size) * 119).astype(np.int64) * HOUR
    stopped = stop[paused]
    end = np.where(np.isnat(stopped), end, np.minimum(end, stopped))
    keep = np.isnat(stopped) | (begin < stopped)
    pause_start[paused[keep]] = begin[keep]
    pause_end[paused[keep]] = end[keep]
    return CaseColumns(
        start=start,
        stop=stop,
        channel=rng.integers(0, len(CHANNELS), n, dtype=np.uint8),
        tier=rng.integers(1, 4, n, dtype=np.uint8),
        case_kind=rng.integers(0, 3, n, dtype=np.int8),
        service=rng.integers(0, 50, n, dtype=np.int16),
        unit=rng.integers(0, len(UNITS), n, dtype=np.int8),
        excluded=rng.random(n) < 0.01,
        case_kinds=("enquiry", "application", "feedback"),
        service_ids=tuple(f"SRV{i:04d}" for i in range(50)),
        units=tuple(UNITS),
        pause_starts=pause_start.reshape(n, 1),
        pause_ends=pause_end.reshape(n, 1),
    )


def evaluate_and_aggregate(
    columns: CaseColumns, tables: dict[CalendarRef, Calendar], *, durations: bool
) -> tuple[float, float, int, int]:
    began = time.perf_counter()
    evaluation = evaluate_batch(
        RULE, columns, as_of=AS_OF, calendars=tables, measure_durations=durations
    )
    evaluated = time.perf_counter()
    monthly = aggregate_batch(
        RULE.standard_id,
        columns,
        evaluation,
        period_kind=PeriodKind.MONTH,
        tz="America/Toronto",
        by=(Dimension.SERVICE, Dimension.CHANNEL, Dimension.UNIT),
        target=RULE.target,
    )
    yearly = aggregate_batch(
        RULE.standard_id,
        columns,
        evaluation,
        period_kind=PeriodKind.FISCAL_YEAR,
        tz="America/Toronto",
        by=(Dimension.STANDARD,),
        target=RULE.target,
    )
    aggregated = time.perf_counter()
    assert sum(row.total_volume for row in monthly) == sum(row.total_volume for row in yearly)
    return (
        evaluated - began,
        aggregated - evaluated,
        len(monthly),
        sum(row.total_volume for row in yearly),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="number of cases")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--durations",
        action="store_true",
        help="also measure elapsed and remaining business time of every case",
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the second, memory-traced pass"
    )
    options = parser.parse_args()
    n = options.n

    began = time.perf_counter()
    columns = synthetic_columns(n, options.seed)
    generated = time.perf_counter() - began
    input_bytes = sum(
        getattr(columns, name).nbytes
        for name in (
            "start",
            "stop",
            "channel",
            "tier",
            "case_kind",
            "service",
            "unit",
            "excluded",
            "pause_starts",
            "pause_ends",
        )
    )
    tables = calendars()
    # Build each calendar's opening tables once (cached), as a running service would have them.
    began = time.perf_counter()
    warm = synthetic_columns(1000, options.seed + 1)
    evaluate_batch(RULE, warm, as_of=AS_OF, calendars=tables)
    warmed = time.perf_counter() - began
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    evaluation_s, aggregation_s, monthly_rows, yearly_total = evaluate_and_aggregate(
        columns, tables, durations=options.durations
    )

    # Floors, on the same arrays.
    began = time.perf_counter()
    limit = np.timedelta64(7, "D")
    met = ~np.isnat(columns.stop) & (columns.stop <= columns.start + limit)
    np.bincount(columns.unit.astype(np.intp), weights=met, minlength=len(UNITS))
    numpy_floor = time.perf_counter() - began
    began = time.perf_counter()
    np.busday_offset(columns.start.astype("datetime64[D]"), 5, roll="forward")
    busday_floor = time.perf_counter() - began
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    traced_peak = None
    if not options.no_tracemalloc:
        tracemalloc.start()
        evaluate_and_aggregate(columns, tables, durations=options.durations)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    total = evaluation_s + aggregation_s
    mib = 2**20
    print(f"cases: {n:,} received in fiscal year 2025-2026; {len(UNITS)} units and calendars,")
    print("  50 services, 10% paused once, 3% open, 1% excluded")
    print(f"input columns: {input_bytes / mib:,.0f} MiB")
    print(f"rule: {RULE.within} in the receiving unit's calendar, pauses, exclusion, 6 channels")
    line("data generation (not timed below)", generated)
    line("opening tables of 10 calendars, once", warmed)
    what = "outcome, due, elapsed, remaining" if options.durations else "outcome and due"
    print(f"evaluation computes: {what}")
    line("evaluation (evaluate_batch)", evaluation_s, f"{n / evaluation_s:,.0f} cases/s")
    line("aggregation", aggregation_s, f"{monthly_rows:,} month rows; {yearly_total:,} outputs")
    line("evaluation + aggregation", total, "aim <= 60 s")
    line("floor: plain numpy pass", numpy_floor, f"total is x{total / numpy_floor:,.1f}")
    line(
        "floor: numpy.busday_offset",
        busday_floor,
        f"evaluation x{evaluation_s / busday_floor:,.1f}",
    )
    peak, before = rss_peak / 1024, rss_before / 1024
    print(f"{'peak RSS of the process':40} {peak:9,.0f} MiB (after inputs: {before:,.0f})")
    if traced_peak is not None:
        print(f"{'peak allocated in eval + agg':40} {traced_peak / mib:9,.0f} MiB (tracemalloc)")


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:40} {seconds:9.2f} s  {note}".rstrip())


if __name__ == "__main__":
    main()
