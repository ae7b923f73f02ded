"""The batch path: one rule evaluated over millions of cases held as numpy columns.

:class:`CaseColumns` is the columnar form of many timelines already read against one rule (what
:func:`~comptoir.core.standards.evaluation.clock_facts` gives for each): clock start and stop
(``datetime64[us]`` read as UTC; ``NaT`` = not started / still open), pauses as ``(n, k)`` arrays
(``NaT`` where a case has fewer than ``k``; a pause whose end is ``NaT`` is still open and ends at
the stop, or at ``as_of``), whether an exclusion event excludes the case, and the case attributes as
integer codes (channel: index in :data:`~comptoir.core.standards.model.CHANNELS`; case kind, service
and unit: index in the ``case_kinds``, ``service_ids`` and ``units`` tuples).

:func:`evaluate_batch` gives the outcome (a code of :data:`OUTCOME_CODES`), the due instant, and
optionally the elapsed and remaining time, equal to :func:`~comptoir.core.standards.evaluate`
case by case (the tests compare them on random timelines). Due instants and business time come from
``due_at_batch`` and ``business_time_between_batch`` of ``comptoir.core.businesstime``, one call per
calendar (cases are grouped by the calendar the rule picks for them).

A rule counted in the calendar of the unit holding the case at each moment
(``CalendarScope.CURRENT_UNIT``) changes calendar in the middle of a case: the batch path refuses
it with the business-time error ``unsupported_in_batch``; evaluate those cases one at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from comptoir.core.businesstime import (
    AnyCalendar,
    BusinessTimeError,
    ErrorCode,
    TimeUnit,
    business_time_between_batch,
    due_at_batch,
)
from comptoir.core.standards.errors import StandardError, StandardErrorCode
from comptoir.core.standards.evaluation import Outcome, clock_facts
from comptoir.core.standards.model import (
    CHANNELS,
    CalendarRef,
    CalendarResolver,
    CalendarScope,
    CalendarTable,
    CaseTimeline,
    StandardRule,
)

__all__ = ["OUTCOMES", "OUTCOME_CODES", "BatchEvaluation", "CaseColumns", "evaluate_batch"]

#: Outcomes in a fixed order: the batch path stores an outcome as its index in this tuple.
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
OUTCOME_CODES: Mapping[Outcome, int] = {outcome: index for index, outcome in enumerate(OUTCOMES)}

type Instants = npt.NDArray[np.datetime64]
type Durations = npt.NDArray[np.timedelta64]
type Codes = npt.NDArray[np.integer]

_NAT = np.datetime64("NaT", "us")


def _utc64(moment: datetime) -> np.datetime64:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StandardError(StandardErrorCode.NAIVE_DATETIME, value=str(moment))
    return np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")


def _instants(values: object, name: str, size: int | None = None) -> Instants:
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.datetime64) or (
        size is not None and array.shape[0] != size
    ):
        raise StandardError(StandardErrorCode.INVALID_COLUMNS, field=name)
    return array.astype("datetime64[us]")


@dataclass(frozen=True, slots=True)
class CaseColumns:
    """Many cases read against one rule, as columns (see the module docstring)."""

    start: Instants
    stop: Instants
    channel: Codes
    tier: Codes
    case_kind: Codes
    service: Codes
    unit: Codes
    excluded: npt.NDArray[np.bool_]
    case_kinds: tuple[str, ...]
    service_ids: tuple[str, ...]
    units: tuple[str, ...]
    pause_starts: Instants | None = None
    pause_ends: Instants | None = None

    def __post_init__(self) -> None:
        start = _instants(self.start, "start")
        if start.ndim != 1:
            raise StandardError(StandardErrorCode.INVALID_COLUMNS, field="start")
        size = start.shape[0]
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "stop", _instants(self.stop, "stop", size))
        for name, width in (
            ("channel", len(CHANNELS)),
            ("tier", 4),
            ("case_kind", len(self.case_kinds)),
            ("service", len(self.service_ids)),
            ("unit", len(self.units)),
        ):
            codes = np.asarray(getattr(self, name))
            if (
                codes.shape != (size,)
                or not np.issubdtype(codes.dtype, np.integer)
                or (size and (int(codes.min()) < 0 or int(codes.max()) >= width))
            ):
                raise StandardError(StandardErrorCode.INVALID_COLUMNS, field=name)
            object.__setattr__(self, name, codes)
        excluded = np.asarray(self.excluded)
        if excluded.shape != (size,) or excluded.dtype != np.bool_:
            raise StandardError(StandardErrorCode.INVALID_COLUMNS, field="excluded")
        if (self.pause_starts is None) != (self.pause_ends is None):
            raise StandardError(StandardErrorCode.INVALID_COLUMNS, field="pause_ends")
        if self.pause_starts is not None and self.pause_ends is not None:
            starts = _instants(self.pause_starts, "pause_starts", size).reshape(size, -1)
            ends = _instants(self.pause_ends, "pause_ends", size).reshape(size, -1)
            if starts.shape != ends.shape:
                raise StandardError(StandardErrorCode.INVALID_COLUMNS, field="pause_ends")
            object.__setattr__(self, "pause_starts", starts)
            object.__setattr__(self, "pause_ends", ends)

    def __len__(self) -> int:
        return int(self.start.shape[0])

    @classmethod
    def from_timelines(
        cls, rule: StandardRule, timelines: Sequence[CaseTimeline], *, as_of: datetime
    ) -> CaseColumns:
        """Read ``timelines`` against ``rule`` as of ``as_of`` into columns."""
        facts = [clock_facts(rule, timeline, as_of=as_of) for timeline in timelines]
        size = len(timelines)
        width = max((len(f.pauses) for f in facts), default=0)
        starts = np.full((size, width), _NAT)
        ends = np.full((size, width), _NAT)
        for row, fact in enumerate(facts):
            for slot, pause in enumerate(fact.pauses):
                starts[row, slot] = _utc64(pause.start)
                ends[row, slot] = _utc64(pause.end)
        kinds = tuple(sorted({t.case_kind for t in timelines}))
        services = tuple(sorted({t.service_id for t in timelines}))
        units = tuple(sorted({t.unit for t in timelines}))
        return cls(
            start=np.array(
                [_NAT if f.start is None else _utc64(f.start) for f in facts],
                dtype="datetime64[us]",
            ),
            stop=np.array(
                [_NAT if f.stop is None else _utc64(f.stop) for f in facts],
                dtype="datetime64[us]",
            ),
            channel=np.array([CHANNELS.index(t.channel) for t in timelines], dtype=np.uint8),
            tier=np.array([t.tier for t in timelines], dtype=np.uint8),
            case_kind=np.array([kinds.index(t.case_kind) for t in timelines], dtype=np.int32),
            service=np.array([services.index(t.service_id) for t in timelines], dtype=np.int32),
            unit=np.array([units.index(t.unit) for t in timelines], dtype=np.int32),
            excluded=np.array([f.excluded_by is not None for f in facts], dtype=np.bool_),
            case_kinds=kinds,
            service_ids=services,
            units=units,
            pause_starts=starts if width else None,
            pause_ends=ends if width else None,
        )


@dataclass(frozen=True, slots=True)
class BatchEvaluation:
    """Per case: outcome code (index in :data:`OUTCOMES`), due instant (UTC, ``NaT`` when the rule
    does not apply), and, when asked for, elapsed and remaining time (``NaT`` likewise)."""

    outcome: npt.NDArray[np.uint8]
    due_at: Instants
    elapsed: Durations | None = None
    remaining: Durations | None = None

    def outcomes(self) -> list[Outcome]:
        return [OUTCOMES[code] for code in self.outcome.tolist()]


def _covered(rule: StandardRule, columns: CaseColumns) -> npt.NDArray[np.bool_]:
    scope = rule.applies_to
    mask = np.ones(len(columns), dtype=np.bool_)
    if scope.channels:
        wanted = [CHANNELS.index(channel) for channel in scope.channels]
        mask &= np.isin(columns.channel, wanted)
    if scope.tiers:
        mask &= np.isin(columns.tier, sorted(scope.tiers))
    for values, categories, column in (
        (scope.case_kinds, columns.case_kinds, columns.case_kind),
        (scope.service_ids, columns.service_ids, columns.service),
    ):
        if values:
            wanted = [index for index, name in enumerate(categories) if name in values]
            mask &= np.isin(column, wanted)
    return mask


def _calendar_groups(
    rule: StandardRule, columns: CaseColumns, rows: npt.NDArray[np.intp]
) -> list[tuple[CalendarRef, npt.NDArray[np.intp]]]:
    scope = rule.calendar.scope
    if scope is CalendarScope.NAMED:
        return [(CalendarRef(scope, rule.calendar.name or ""), rows)]
    codes, names = (
        (columns.unit, columns.units)
        if scope is CalendarScope.RECEIVING_UNIT
        else (columns.service, columns.service_ids)
    )
    row_codes = codes[rows]
    order = np.argsort(row_codes, kind="stable")
    present, first = np.unique(row_codes[order], return_index=True)
    groups = np.split(rows[order], first[1:])
    return [
        (CalendarRef(scope, names[int(code)]), group)
        for code, group in zip(present.tolist(), groups, strict=True)
    ]


def _elapsed_between(
    lo: Instants,
    hi: Instants,
    pause_starts: Instants | None,
    pause_ends: Instants | None,
) -> Durations:
    """Elapsed time of ``[lo, hi)`` outside the (per row disjoint) pauses; 0 if hi ≤ lo."""
    a = lo.astype(np.int64)
    b = np.maximum(a, hi.astype(np.int64))
    value = b - a
    if pause_starts is not None and pause_ends is not None:
        for slot in range(pause_starts.shape[1]):
            ps, pe = pause_starts[:, slot], pause_ends[:, slot]
            present = ~np.isnat(ps) & ~np.isnat(pe)
            overlap = np.minimum(pe.astype(np.int64), b) - np.maximum(ps.astype(np.int64), a)
            value -= np.where(present & (overlap > 0), overlap, 0)
    return value.astype("timedelta64[us]")


def _disjoint(pause_starts: Instants, pause_ends: Instants) -> tuple[Instants, Instants]:
    """Per row, pauses sorted and clipped so they do not overlap (their union is kept)."""
    never = np.iinfo(np.int64).max
    starts = pause_starts.astype(np.int64)
    ends = pause_ends.astype(np.int64)
    missing = np.isnat(pause_starts) | np.isnat(pause_ends)
    starts = np.where(missing, never, starts)
    ends = np.where(missing, never, ends)
    order = np.argsort(starts, axis=1, kind="stable")
    starts = np.take_along_axis(starts, order, axis=1)
    ends = np.take_along_axis(ends, order, axis=1)
    missing = np.take_along_axis(missing, order, axis=1)
    ended = np.full(starts.shape[0], np.iinfo(np.int64).min, dtype=np.int64)
    for slot in range(starts.shape[1]):
        starts[:, slot] = np.maximum(starts[:, slot], ended)
        ends[:, slot] = np.maximum(ends[:, slot], starts[:, slot])
        ended = np.where(missing[:, slot], ended, np.maximum(ended, ends[:, slot]))
    nat = np.datetime64("NaT", "us")
    return (
        np.where(missing, nat, starts.astype("datetime64[us]")),
        np.where(missing, nat, ends.astype("datetime64[us]")),
    )


def evaluate_batch(
    rule: StandardRule,
    columns: CaseColumns,
    *,
    as_of: datetime,
    calendars: CalendarResolver | Mapping[CalendarRef, AnyCalendar],
    measure_durations: bool = False,
) -> BatchEvaluation:
    """Evaluate every case of ``columns`` against ``rule`` as of ``as_of`` (see module doc)."""
    if rule.calendar.scope is CalendarScope.CURRENT_UNIT:
        raise BusinessTimeError(ErrorCode.UNSUPPORTED_IN_BATCH, value=rule.standard_id)
    now = _utc64(as_of)
    resolver = CalendarTable(calendars) if isinstance(calendars, Mapping) else calendars
    size = len(columns)
    outcome = np.full(size, OUTCOME_CODES[Outcome.NOT_APPLICABLE], dtype=np.uint8)
    due = np.full(size, _NAT)
    elapsed = np.full(size, np.timedelta64("NaT", "us")) if measure_durations else None
    remaining = np.full(size, np.timedelta64("NaT", "us")) if measure_durations else None
    started = _covered(rule, columns) & ~np.isnat(columns.start)
    rows = np.flatnonzero(started)
    if rows.size == 0:
        return BatchEvaluation(outcome, due, elapsed, remaining)
    elapsed_units = rule.within.unit.counts_elapsed_time or (
        rule.within.unit is TimeUnit.CALENDAR_DAYS
    )
    for ref, group in _calendar_groups(rule, columns, rows):
        calendar = resolver(ref)
        start = columns.start[group]
        stop = columns.stop[group]
        end = np.where(np.isnat(stop), now, stop)
        pause_starts = pause_ends = None
        if columns.pause_starts is not None and columns.pause_ends is not None:
            pause_starts = columns.pause_starts[group]
            open_end = np.broadcast_to(end[:, None], pause_starts.shape)
            raw_ends = columns.pause_ends[group]
            pause_ends = np.where(np.isnat(raw_ends) & ~np.isnat(pause_starts), open_end, raw_ends)
            pause_starts, pause_ends = _disjoint(pause_starts, pause_ends)
        group_due = due_at_batch(
            calendar,
            start,
            rule.within,
            pause_starts=pause_starts,
            pause_ends=pause_ends,
            convention=rule.convention,
        )
        due[group] = group_due
        stopped = ~np.isnat(stop)
        codes = np.where(
            stopped,
            np.where(stop <= group_due, OUTCOME_CODES[Outcome.MET], OUTCOME_CODES[Outcome.MISSED]),
            np.where(
                now <= group_due, OUTCOME_CODES[Outcome.PENDING], OUTCOME_CODES[Outcome.MISSED]
            ),
        )
        codes = np.where(columns.excluded[group], OUTCOME_CODES[Outcome.EXCLUDED], codes)
        outcome[group] = codes
        if elapsed is not None and remaining is not None:
            late = end > group_due
            lo = np.where(late, group_due, end)
            hi = np.where(late, end, group_due)
            if elapsed_units:
                elapsed[group] = _elapsed_between(start, end, pause_starts, pause_ends)
                between = _elapsed_between(lo, hi, pause_starts, pause_ends)
            else:
                elapsed[group] = business_time_between_batch(
                    calendar, start, end, pause_starts=pause_starts, pause_ends=pause_ends
                )
                between = business_time_between_batch(
                    calendar, lo, hi, pause_starts=pause_starts, pause_ends=pause_ends
                )
            remaining[group] = np.where(late, -between, between)
    return BatchEvaluation(outcome, due, elapsed, remaining)
