"""Evaluating a case's event timeline against a standard rule.

Reading the timeline (``clock_facts``), as of an instant ``as_of`` (events after it are not known
yet, so an evaluation can be reproduced later):

* the clock starts at the **first** event of the rule's ``start`` kind;
* it stops at the first event of the ``stop`` kind after the start (same instant included, list
  order kept for simultaneous events);
* between them, a ``pause_start`` event opens a pause that the next ``pause_end`` event closes,
  and a ``STOP_CLOCK`` exclusion event opens a pause that the next event of one of its
  ``resumes_on`` kinds closes; a pause still open when the clock stops (or at ``as_of``) ends
  there; overlapping pauses count once;
* an ``EXCLUDE_CASE`` exclusion event at any time up to the stop (or ``as_of``) excludes the case.

The outcome:

* ``NOT_APPLICABLE`` (``applies`` false) when the rule's applicability does not cover the case
  (reason ``out_of_scope``) or the start event has not happened (reason ``not_started``);
* ``EXCLUDED`` when an exclusion event excludes it (reason: the event kind);
* otherwise, with ``due_at`` from :func:`comptoir.core.businesstime.due_at` (pauses and the rule's
  day convention applied): ``MET`` if stopped at or before ``due_at``, ``MISSED`` if stopped after
  it **or still open after it** (an open case past its due instant has already missed), else
  ``PENDING``.

``elapsed`` is the time counted from the start to the stop (or ``as_of``) and ``remaining`` the time
from there to ``due_at`` — negative when past due. Both are in the rule's kind of time: business
(open) time for business days, hours and minutes; elapsed time for calendar days, minutes and
seconds; pauses excluded in both.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from comptoir.core.businesstime import (
    AnyCalendar,
    Interval,
    TimeUnit,
    business_time_between,
    due_at,
)
from comptoir.core.standards.errors import StandardError, StandardErrorCode
from comptoir.core.standards.model import (
    CalendarRef,
    CalendarResolver,
    CalendarTable,
    CaseTimeline,
    StandardRule,
)

__all__ = [
    "ClockFacts",
    "Evaluation",
    "NotApplicableReason",
    "Outcome",
    "calendar_for",
    "clock_facts",
    "evaluate",
]


class Outcome(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"
    EXCLUDED = "excluded"


class NotApplicableReason(enum.StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    NOT_STARTED = "not_started"


@dataclass(frozen=True, slots=True)
class ClockFacts:
    """What the timeline says about the clock, as of an instant."""

    start: datetime | None
    stop: datetime | None
    pauses: tuple[Interval, ...]
    excluded_by: str | None
    is_paused: bool


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of evaluating one timeline against one rule, as of ``as_of``."""

    standard_id: str
    as_of: datetime
    applies: bool
    outcome: Outcome
    due_at: datetime | None = None
    elapsed: timedelta | None = None
    remaining: timedelta | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    is_paused: bool = False
    reason: str | None = None

    @property
    def is_completed(self) -> bool:
        """Whether the clock stopped (the output was issued), whatever the outcome."""
        return self.stopped_at is not None


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise StandardError(StandardErrorCode.NAIVE_DATETIME, field=name, value=str(value))


def clock_facts(rule: StandardRule, timeline: CaseTimeline, *, as_of: datetime) -> ClockFacts:
    """Start, stop, pauses and exclusion of ``timeline`` under ``rule``, as of ``as_of``."""
    _require_aware(as_of, "as_of")
    events = [event for event in timeline.events if event.at <= as_of]
    start_index = next((i for i, e in enumerate(events) if e.kind == rule.start), None)
    excluders = rule.case_excluders
    if start_index is None:
        return ClockFacts(None, None, (), None, is_paused=False)
    start = events[start_index].at
    stop: datetime | None = None
    pause_start, pause_end = set(rule.pause_start), set(rule.pause_end)
    stoppers = {exclusion.kind: exclusion for exclusion in rule.clock_stoppers}
    open_pauses: dict[str, datetime] = {}  # "" for the rule's own pause, else the stopper's kind
    pauses: list[Interval] = []
    for event in events[start_index + 1 :]:
        if event.kind == rule.stop:
            stop = event.at
            break
        if event.kind in pause_start and "" not in open_pauses:
            open_pauses[""] = event.at
        elif event.kind in pause_end and "" in open_pauses:
            pauses.append(Interval(open_pauses.pop(""), event.at))
        if event.kind in stoppers and event.kind not in open_pauses:
            open_pauses[event.kind] = event.at
        for kind, since in list(open_pauses.items()):
            if kind and event.kind in stoppers[kind].resumes_on:
                pauses.append(Interval(since, event.at))
                del open_pauses[kind]
    end = stop if stop is not None else as_of
    pauses.extend(Interval(since, end) for since in open_pauses.values())
    excluded_by = next(
        (e.kind for e in events if e.kind in excluders and e.at <= end),
        None,
    )
    pauses.sort(key=lambda interval: (interval.start, interval.end))
    return ClockFacts(
        start,
        stop,
        tuple(pauses),
        excluded_by,
        is_paused=stop is None and bool(open_pauses),
    )


def calendar_for(
    rule: StandardRule,
    timeline: CaseTimeline,
    calendars: CalendarResolver | Mapping[CalendarRef, AnyCalendar],
) -> AnyCalendar:
    """The calendar ``rule`` counts ``timeline`` in, from a resolver or a mapping."""
    resolver = CalendarTable(calendars) if isinstance(calendars, Mapping) else calendars
    return resolver(rule.calendar.ref_for(timeline))


def _overlap(start: datetime, end: datetime, pauses: Sequence[Interval]) -> timedelta:
    """Elapsed time of ``[start, end)`` covered by (possibly overlapping) pauses."""
    covered = timedelta(0)
    cursor = start
    for pause in sorted(pauses, key=lambda p: p.start):
        lo, hi = max(pause.start, cursor), min(pause.end, end)
        if hi > lo:
            covered += hi - lo
            cursor = hi
    return covered


def counted_between(
    calendar: AnyCalendar,
    unit: TimeUnit,
    start: datetime,
    end: datetime,
    pauses: Sequence[Interval],
) -> timedelta:
    """Time counted in ``[start, end)`` in the unit's kind of time (0 when end ≤ start)."""
    if end <= start:
        return timedelta(0)
    if unit.counts_elapsed_time or unit is TimeUnit.CALENDAR_DAYS:
        return (end - start) - _overlap(start, end, pauses)
    return business_time_between(calendar, start, end, pauses=pauses)


def evaluate(
    rule: StandardRule,
    timeline: CaseTimeline,
    *,
    as_of: datetime,
    calendars: CalendarResolver | Mapping[CalendarRef, AnyCalendar],
) -> Evaluation:
    """Evaluate ``timeline`` against ``rule`` as of ``as_of`` (see the module docstring)."""
    _require_aware(as_of, "as_of")
    if not rule.applies_to.covers(timeline):
        return Evaluation(
            rule.standard_id,
            as_of,
            applies=False,
            outcome=Outcome.NOT_APPLICABLE,
            reason=NotApplicableReason.OUT_OF_SCOPE.value,
        )
    facts = clock_facts(rule, timeline, as_of=as_of)
    if facts.start is None:
        return Evaluation(
            rule.standard_id,
            as_of,
            applies=False,
            outcome=Outcome.NOT_APPLICABLE,
            reason=NotApplicableReason.NOT_STARTED.value,
        )
    calendar = calendar_for(rule, timeline, calendars)
    due = due_at(
        calendar, facts.start, rule.within, pauses=facts.pauses, convention=rule.convention
    )
    end = facts.stop if facts.stop is not None else as_of
    unit = rule.within.unit
    elapsed = counted_between(calendar, unit, facts.start, end, facts.pauses)
    if end <= due:
        remaining = counted_between(calendar, unit, end, due, facts.pauses)
    else:
        remaining = -counted_between(calendar, unit, due, end, facts.pauses)
    if facts.excluded_by is not None:
        outcome = Outcome.EXCLUDED
    elif facts.stop is not None:
        outcome = Outcome.MET if facts.stop <= due else Outcome.MISSED
    else:
        outcome = Outcome.PENDING if as_of <= due else Outcome.MISSED
    return Evaluation(
        rule.standard_id,
        as_of,
        applies=True,
        outcome=outcome,
        due_at=due,
        elapsed=elapsed,
        remaining=remaining,
        started_at=facts.start,
        stopped_at=facts.stop,
        is_paused=facts.is_paused,
        reason=facts.excluded_by,
    )
