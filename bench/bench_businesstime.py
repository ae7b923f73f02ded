"""Benchmark the business-time engine: scalar due dates and batch due dates per second.

Run: ``flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_businesstime.py [--batch-size N]``

Each figure comes with a floor measured in the same run:

* scalar ``due_at`` (aim ≤ 20 µs per call) against the bare cost of ``received + timedelta`` and
  ``astimezone`` (UTC to Montreal) per call, the least any function returning a local instant pays;
* batch ``due_at_batch`` (aim ≥ 1,000,000 due dates per second) against ``numpy.busday_offset`` on
  the same whole-day problem (aim: within 3×), and against a plain vectorised addition.

Before timing, the batch answers are checked against the scalar path on a sample and against
``numpy.busday_offset`` for receipts at 10:00 local time (where both definitions agree).
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from comptoir.core.businesstime import (
    Calendar,
    HolidaySource,
    WeeklyHours,
    Within,
    due_at,
    due_at_batch,
)

ZONE = ZoneInfo("America/Montreal")
CALENDAR = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
FIRST, LAST = datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC)
SPAN_US = int((LAST - FIRST) / timedelta(microseconds=1))


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def scalar(count: int, within: Within) -> tuple[float, float]:
    rng = np.random.default_rng(2026)
    # Stored instants arrive in UTC; both the engine and the floor return Montreal local time.
    received = [FIRST + timedelta(microseconds=int(us)) for us in rng.integers(0, SPAN_US, count)]
    delta = timedelta(days=2)
    for moment in received:  # warm the yearly tables and the holiday cache
        due_at(CALENDAR, moment, within)

    def engine() -> None:
        for moment in received:
            due_at(CALENDAR, moment, within)

    def floor() -> None:
        for moment in received:
            (moment + delta).astimezone(ZONE)

    return best_of(5, engine) / count * 1e6, best_of(5, floor) / count * 1e6


def check_batch(received: np.ndarray, within: Within) -> None:
    due = due_at_batch(CALENDAR, received, within)
    for index in range(0, len(received), max(1, len(received) // 2000)):
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
            microseconds=int(received[index].astype(np.int64))
        )
        expected = due_at(CALENDAR, moment, within).astimezone(UTC).replace(tzinfo=None)
        assert due[index] == np.datetime64(expected, "us"), index


def local_days(instants: np.ndarray) -> np.ndarray:
    """Local dates in Montreal of UTC instants (setup only: not timed)."""
    offsets = np.array(
        [
            (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(v)))
            .astimezone(ZONE)
            .utcoffset()
            // timedelta(microseconds=1)
            for v in instants.astype(np.int64)
        ],
        dtype=np.int64,
    )
    return (instants.astype(np.int64) + offsets).view("datetime64[us]").astype("datetime64[D]")


def holidays_array() -> np.ndarray:
    days = []
    for year in range(2023, 2030):
        days += list(CALENDAR.holidays_for_year(year))
    return np.array(sorted(days), dtype="datetime64[D]")


def whole_day_check(within: Within, holidays: np.ndarray) -> int:
    """At 10:00 local, due date == busday_offset(date, N, roll="forward"); return rows checked."""
    rng = np.random.default_rng(7)
    days = np.datetime64("2024-01-01") + rng.integers(0, 4 * 365 - 10, 20_000).astype(
        "timedelta64[D]"
    )
    received = np.array(
        [
            np.datetime64(
                datetime.combine(day.astype(datetime), datetime.min.time().replace(hour=10))
                .replace(tzinfo=ZONE)
                .astimezone(UTC)
                .replace(tzinfo=None),
                "us",
            )
            for day in days
        ]
    )
    ours = local_days(due_at_batch(CALENDAR, received, within))
    theirs = np.busday_offset(days, within.amount, roll="forward", holidays=holidays)
    assert np.array_equal(ours, theirs)
    return len(days)


def batch(size: int, within: Within) -> dict[str, float]:
    rng = np.random.default_rng(1)
    received = (rng.integers(0, SPAN_US, size) + int(FIRST.timestamp()) * 1_000_000).view(
        "datetime64[us]"
    )
    check_batch(received[:200_000], within)
    due_at_batch(CALENDAR, received, within)  # warm the concatenated table
    holidays = holidays_array()
    days = local_days(received[: min(size, 200_000)])
    days = np.resize(days, size)
    checked = whole_day_check(within, holidays)
    engine = best_of(3, lambda: due_at_batch(CALENDAR, received, within))
    busday = best_of(
        3, lambda: np.busday_offset(days, within.amount, roll="forward", holidays=holidays)
    )
    add = best_of(3, lambda: received + np.timedelta64(2, "D"))
    hours = Within.parse("8 business hours")
    due_at_batch(CALENDAR, received, hours)
    engine_hours = best_of(3, lambda: due_at_batch(CALENDAR, received, hours))
    pause_starts = received + np.timedelta64(3, "h")
    pause_ends = pause_starts + rng.integers(0, 5 * 86_400_000_000, size).astype("timedelta64[us]")
    paused = best_of(
        3,
        lambda: due_at_batch(
            CALENDAR, received, within, pause_starts=pause_starts, pause_ends=pause_ends
        ),
    )
    return {
        "engine_hours_s": engine_hours,
        "engine_paused_s": paused,
        "engine_s": engine,
        "busday_s": busday,
        "add_s": add,
        "checked_whole_day": checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scalar-size", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=2_000_000)
    options = parser.parse_args()
    within = Within.parse("2 business days")
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"calendar: America/Montreal, Mon-Fri 08:30-16:30, holidays CA-QC public; limit: {within}"
    )

    print(f"\nscalar due_at: {options.scalar_size:,} random receipts 2024-2027 (best of 5)")
    per_call, floor = scalar(options.scalar_size, within)
    print(f"  due_at                          {per_call:8.2f} µs/call   (aim ≤ 20 µs)")
    print(f"  floor: datetime + timedelta + astimezone {floor:6.2f} µs/call")
    print(f"  ratio to floor                  {per_call / floor:8.1f}×")
    hours = Within.parse("8 business hours")
    per_call_hours, _ = scalar(options.scalar_size, hours)
    print(f"  due_at, {hours}         {per_call_hours:8.2f} µs/call")

    size = options.batch_size
    print(f"\nbatch due_at_batch: {size:,} random receipts 2024-2027 (best of 3)")
    figures = batch(size, within)
    rate = size / figures["engine_s"]
    busday_rate = size / figures["busday_s"]
    print(
        "  checked: 2,000 rows equal to scalar due_at; "
        f"{int(figures['checked_whole_day']):,} whole-day rows equal to busday_offset"
    )
    print(f"  due_at_batch                    {rate:14,.0f} due dates/s  (aim ≥ 1,000,000/s)")
    print(f"  numpy.busday_offset (same days) {busday_rate:14,.0f} dates/s")
    print(
        f"  ratio: time ours / busday_offset {figures['engine_s'] / figures['busday_s']:7.2f}×"
        "  (aim ≤ 3×)"
    )
    print(f"  floor: received + timedelta64   {size / figures['add_s']:14,.0f} /s")
    print(f"  due_at_batch, 8 business hours  {size / figures['engine_hours_s']:14,.0f} /s")
    print(f"  due_at_batch, one pause per row {size / figures['engine_paused_s']:14,.0f} /s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
