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

Under a ``current_unit`` calendar (:attr:`CalendarScope.CURRENT_UNIT`) the clock runs, at each
moment, in the calendar of the unit holding the case then: the timeline's (entry) unit until an
event carrying another ``unit`` (a referral), then that unit's, and so on (:func:`unit_segments`).
When every segment has the same calendar this is exactly the single-calendar evaluation. Otherwise
business time is counted segment by segment, each in its own calendar (so elapsed business time is
the sum over the segments), and the limit is spent the same way: business hours and minutes are
that much open time; business days are the open time they span in the calendar holding the case
when the clock starts (from the start to ``due_at`` there, as the engine already does with pauses),
and with the ``close_of_business`` due time the instant it runs out is moved to the close of that
business day in the deciding unit's calendar. Calendar days, minutes and seconds count elapsed
time, in the calendar of the unit holding the case at the stop (or ``as_of``). Segments after the
stop (or ``as_of``) are not known and do not count; after them the last unit's calendar goes on.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from comptoir.core.businesstime import (
    AnyCalendar,
    DueTime,
    Interval,
    TimeUnit,
    Within,
    add_business_time,
    business_time_between,
    due_at,
)
from comptoir.core.standards.errors import StandardError, StandardErrorCode
from comptoir.core.standards.model import (
    CalendarRef,
    CalendarResolver,
    CalendarScope,
    CalendarTable,
    CaseTimeline,
    StandardRule,
)

__all__ = [
    "ClockFacts",
    "Evaluation",
    "NotApplicableReason",
    "Outcome",
    "UnitSegment",
    "calendar_for",
    "clock_facts",
    "evaluate",
    "unit_segments",
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
    #: Under a ``current_unit`` calendar, the units that held the case from the start to the stop
    #: (or ``as_of``), with the time counted in each; empty for the other calendar choices.
    segments: tuple[UnitSegment, ...] = ()

    @property
    def is_completed(self) -> bool:
        """Whether the clock stopped (the output was issued), whatever the outcome."""
        return self.stopped_at is not None


@dataclass(frozen=True, slots=True)
class UnitSegment:
    """A stretch of the clock held by one unit: ``[start, end)`` (``end`` None: still held)."""

    unit: str
    start: datetime
    end: datetime | None
    counted: timedelta = timedelta(0)


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


def unit_segments(
    timeline: CaseTimeline, *, start: datetime, end: datetime, stopped: bool
) -> tuple[tuple[datetime, str], ...]:
    """``(from, unit)`` for each unit holding the case from ``start`` to ``end``: the first is the
    unit holding it at ``start`` (the entry unit unless an earlier event carried another), then one
    for each event carrying a different ``unit`` after ``start`` and before ``end`` (at ``end``
    too when the clock has not ``stopped``: the unit then holds the case from ``as_of``)."""
    head = timeline.unit
    unit = head
    later: list[tuple[datetime, str]] = []
    for event in timeline.events:
        if event.unit is None or event.unit == unit:
            continue
        if event.at > end or (stopped and event.at == end):
            break
        unit = event.unit
        if event.at > start:
            later.append((event.at, unit))
        else:
            head = unit
    return ((start, head), *later)


def _calendar_segments(
    rule: StandardRule,
    timeline: CaseTimeline,
    resolver: CalendarResolver,
    *,
    start: datetime,
    end: datetime,
    stopped: bool,
) -> list[tuple[datetime, str, AnyCalendar]]:
    """The unit segments with their calendars, adjacent segments of equal calendars merged."""
    merged: list[tuple[datetime, str, AnyCalendar]] = []
    for since, unit in unit_segments(timeline, start=start, end=end, stopped=stopped):
        calendar = resolver(CalendarRef(rule.calendar.scope, unit))
        if merged and merged[-1][2] == calendar:
            continue
        merged.append((since, unit, calendar))
    return merged


def _counted_over(
    segments: Sequence[tuple[datetime, str, AnyCalendar]],
    unit: TimeUnit,
    start: datetime,
    end: datetime,
    pauses: Sequence[Interval],
) -> timedelta:
    """Time counted in ``[start, end)``, each part in the calendar of the segment holding it."""
    total = timedelta(0)
    for index, (since, _unit, calendar) in enumerate(segments):
        until = segments[index + 1][0] if index + 1 < len(segments) else None
        lo = max(start, since)
        hi = end if until is None else min(end, until)
        total += counted_between(calendar, unit, lo, hi, pauses)
    return total


def _spent_due(
    rule: StandardRule,
    segments: Sequence[tuple[datetime, str, AnyCalendar]],
    start: datetime,
    pauses: Sequence[Interval],
    deciding: AnyCalendar,
) -> tuple[datetime, int]:
    """The due instant of a rule whose limit is spent across calendar segments, and the index of
    the segment it falls in (see the module docstring)."""
    unit = rule.within.unit
    if unit.counts_elapsed_time or unit is TimeUnit.CALENDAR_DAYS:
        due = due_at(deciding, start, rule.within, pauses=pauses, convention=rule.convention)
        return due, len(segments) - 1
    first = segments[0][2]
    if unit is TimeUnit.BUSINESS_DAYS:
        plain = due_at(first, start, rule.within, convention=rule.convention)
        left = business_time_between(first, start, plain)
    else:
        left = rule.within.as_timedelta()
    for index, (since, _unit, calendar) in enumerate(segments):
        lo = max(start, since)
        until = segments[index + 1][0] if index + 1 < len(segments) else None
        counted = (
            None if until is None else business_time_between(calendar, lo, until, pauses=pauses)
        )
        if counted is None or counted >= left:
            due = add_business_time(calendar, lo, left, pauses=pauses)
            if unit is TimeUnit.BUSINESS_DAYS and left > timedelta(0):
                due = _close_of_day(calendar, due, rule)
            return due, index
        left -= counted
    raise AssertionError("the last segment is open-ended")  # pragma: no cover


def _close_of_day(calendar: AnyCalendar, due: datetime, rule: StandardRule) -> datetime:
    """With the ``close_of_business`` due time, the close of the business day ``due`` ends."""
    if rule.convention.due_time is not DueTime.CLOSE_OF_BUSINESS:
        return due
    inside = due - timedelta(microseconds=1)  # the limit runs out inside an open stretch
    return due_at(calendar, inside, Within(0, TimeUnit.BUSINESS_DAYS))


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
    end = facts.stop if facts.stop is not None else as_of
    unit = rule.within.unit
    resolver = CalendarTable(calendars) if isinstance(calendars, Mapping) else calendars
    segments = (
        _calendar_segments(
            rule, timeline, resolver, start=facts.start, end=end, stopped=facts.stop is not None
        )
        if rule.calendar.scope is CalendarScope.CURRENT_UNIT
        else [(facts.start, timeline.unit, calendar_for(rule, timeline, resolver))]
    )
    if len(segments) == 1:
        calendar = segments[0][2]
        due = due_at(
            calendar, facts.start, rule.within, pauses=facts.pauses, convention=rule.convention
        )
    else:
        due, _index = _spent_due(rule, segments, facts.start, facts.pauses, segments[-1][2])
    elapsed = _counted_over(segments, unit, facts.start, end, facts.pauses)
    if end <= due:
        remaining = _counted_over(segments, unit, end, due, facts.pauses)
    else:
        remaining = -_counted_over(segments, unit, due, end, facts.pauses)
    held: tuple[UnitSegment, ...] = ()
    if rule.calendar.scope is CalendarScope.CURRENT_UNIT:
        held = tuple(
            UnitSegment(
                held_by,
                since,
                segments[index + 1][0] if index + 1 < len(segments) else None,
                _counted_over(
                    segments,
                    unit,
                    since,
                    segments[index + 1][0] if index + 1 < len(segments) else end,
                    facts.pauses,
                ),
            )
            for index, (since, held_by, _calendar) in enumerate(segments)
        )
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
        segments=held,
    )
