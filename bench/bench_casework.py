"""Benchmark: derive the state of 1,000,000 synthetic cases from their event logs (issue 11).

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_casework.py --n 1000000

``derive_state`` is what every case page, queue and projection update runs: it sorts a case's
events by ``(at, sequence)``, checks each against the transition table and folds them into a
``CaseState``. The synthetic cases (about 7 events each, received over one fiscal year in
Montréal time) walk the usual paths: received, acknowledged, assigned, a note or a message out,
time spent, in 30% of cases a question to the client and its answer (awaiting, message in,
resumed), a referral in 10%, a correction of the time spent in 5%, resolved in 90% (with a data gap
in a third of the unanswerable ones) and reopened then resolved again in 2%.

The cases are made in chunks (``--chunk``) so that memory stays flat; making them is not timed.
Printed: the data size, the time of ``derive_state`` over all cases, events and cases per second,
and two floors measured in the same run on the same tuples of facts:

* a plain Python loop that reads each event's kind and instant (the least any pass pays);
* the sort by ``(at, sequence)`` that ``derive_state`` starts with, then the same loop.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from comptoir.core.casework import DataGap, EventFact, EventKind, Outcome, derive_state
from comptoir.core.casework.state import event_order

K = EventKind
MONTREAL = ZoneInfo("America/Montreal")
YEAR_START = datetime(2025, 4, 1, 8, 30, tzinfo=MONTREAL)
OUTCOMES = list(Outcome)
GAPS = list(DataGap)


def synthetic_case(rng: random.Random) -> tuple[EventFact, ...]:
    """One case's log: about 7 events, written in order (sequence = order of writing)."""
    at = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
    steps: list[tuple[EventKind, dict[str, object], int | None]] = []
    staff = rng.randrange(1, 200)
    steps.append((K.ACKNOWLEDGED, {}, None))
    steps.append((K.ASSIGNED, {"assignee": staff}, staff))
    steps.append((K.NOTE if rng.random() < 0.5 else K.MESSAGE_OUT, {}, staff))
    steps.append((K.TIME_SPENT, {"minutes": rng.randrange(5, 120)}, staff))
    if rng.random() < 0.3:
        steps += [(K.AWAITING_CLIENT, {}, staff), (K.MESSAGE_IN, {}, None), (K.RESUMED, {}, staff)]
    if rng.random() < 0.1:
        steps.append((K.REFERRED, {"to_unit": f"u{rng.randrange(10)}"}, staff))
        staff = rng.randrange(1, 200)
        steps.append((K.ASSIGNED, {"assignee": staff}, staff))
    if rng.random() < 0.05:
        steps.append((K.CORRECTED, {"corrects": 5, "minutes": rng.randrange(5, 60)}, staff))
    resolved = rng.random() < 0.9
    if resolved:
        steps.append((K.RESOLVED, resolution(rng), staff))
        if rng.random() < 0.02:
            steps += [(K.REOPENED, {}, None), (K.RESOLVED, resolution(rng), staff)]
    facts = [EventFact(K.RECEIVED, at, 1, unit="mtl")]
    for sequence, (kind, payload, actor) in enumerate(steps, start=2):
        at += timedelta(minutes=rng.randrange(1, 3 * 24 * 60))
        facts.append(EventFact(kind, at, sequence, actor=actor, payload=payload))
    return tuple(facts)


def resolution(rng: random.Random) -> dict[str, object]:
    outcome = rng.choice(OUTCOMES)
    if outcome is Outcome.UNANSWERABLE and rng.random() < 1 / 3:
        return {"outcome": outcome.value, "data_gap": rng.choice(GAPS).value}
    return {"outcome": outcome.value}


def floor_loop(cases: list[tuple[EventFact, ...]]) -> int:
    seen = 0
    for events in cases:
        for event in events:
            if event.kind is K.RECEIVED and event.at:
                seen += 1
    return seen


def floor_sort_loop(cases: list[tuple[EventFact, ...]]) -> int:
    seen = 0
    for events in cases:
        for event in sorted(events, key=event_order):
            if event.kind is K.RECEIVED and event.at:
                seen += 1
    return seen


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:40} {seconds:9.3f} s  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of cases")
    parser.add_argument("--chunk", type=int, default=20_000, help="cases made at a time")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    rng = random.Random(options.seed)

    derive_s = loop_s = sort_s = made_s = 0.0
    events = resolved = 0
    done = 0
    while done < options.n:
        size = min(options.chunk, options.n - done)
        began = time.perf_counter()
        cases = [synthetic_case(rng) for _ in range(size)]
        made_s += time.perf_counter() - began
        events += sum(len(case) for case in cases)

        began = time.perf_counter()
        states = [derive_state(case) for case in cases]
        derive_s += time.perf_counter() - began
        resolved += sum(state.resolved_at is not None for state in states)

        began = time.perf_counter()
        assert floor_loop(cases) == size
        loop_s += time.perf_counter() - began
        began = time.perf_counter()
        assert floor_sort_loop(cases) == size
        sort_s += time.perf_counter() - began
        done += size

    n = options.n
    print(f"cases: {n:,} received in fiscal year 2025-2026 (Montréal time); events: {events:,}")
    print(f"  {events / n:.2f} events per case; {resolved / n:.1%} resolved now")
    print(f"  made in chunks of {options.chunk:,} (not timed below)")
    line("making the facts (EventFact checks)", made_s, f"{events / made_s:,.0f} events/s")
    line(
        "derive_state",
        derive_s,
        f"{events / derive_s:,.0f} events/s; {n / derive_s:,.0f} cases/s; "
        f"{derive_s / n * 1e6:.1f} µs per case",
    )
    line("floor: plain loop over the events", loop_s, f"derive_state is x{derive_s / loop_s:.1f}")
    line(
        "floor: sort by (at, sequence) + loop", sort_s, f"derive_state is x{derive_s / sort_s:.1f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS of the process':40} {peak:9,.0f} MiB")


if __name__ == "__main__":
    main()
