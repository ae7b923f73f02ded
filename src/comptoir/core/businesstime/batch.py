"""The vectorised path: due dates and business time for millions of instants at once.

The per-year opening tables of ``_tables`` are concatenated into numpy arrays covering the years
the input needs: open segments (UTC microseconds), the cumulative open time before each, the
business day each belongs to, and the UTC instant of every local midnight. Every question is then
a ``searchsorted`` plus gathers, so a million due dates cost tens of milliseconds. The answers are
the scalar path's, exactly (the tests compare them on random inputs across DST changes and
holidays).

Inputs and outputs are ``numpy.datetime64[us]`` arrays read as UTC; ``NaT`` in gives ``NaT`` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from comptoir.core.businesstime._tables import (
    US_PER_MINUTE,
    _local_us,
    from_us,
    year_table,
)
from comptoir.core.businesstime.arithmetic import due_at_us
from comptoir.core.businesstime.errors import BusinessTimeError, ErrorCode
from comptoir.core.businesstime.model import (
    AnyCalendar,
    ClosedDueDate,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    Interval,
    TimeUnit,
    Within,
)

type Int64Array = npt.NDArray[np.int64]
type InstantArray = npt.NDArray[np.datetime64]

_NAT = np.iinfo(np.int64).min
_NEVER = np.iinfo(np.int64).max
_DAY_US = 86_400_000_000
#: The widest span of years the batch path builds a table for before deciding there is no answer.
_MAX_SPAN_YEARS = 200
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_AVERAGE_YEAR_US = 31_556_952_000_000
#: A cautious guess of a year's open time, used only to size the table (it widens if too short).
_OPEN_YEAR_US = 1500 * 60 * US_PER_MINUTE
_US_PER_UNIT = {
    TimeUnit.BUSINESS_HOURS: 60 * US_PER_MINUTE,
    TimeUnit.BUSINESS_MINUTES: US_PER_MINUTE,
    TimeUnit.MINUTES: US_PER_MINUTE,
    TimeUnit.SECONDS: 1_000_000,
}


@dataclass(frozen=True, slots=True)
class BatchTable:
    """Opening tables of local years ``first_year..last_year`` as contiguous numpy arrays."""

    first_year: int
    last_year: int
    seg_start: Int64Array
    seg_end: Int64Array
    seg_day: Int64Array
    cum: Int64Array
    cum_end: Int64Array
    day_ordinal: Int64Array
    day_close: Int64Array
    day_first_seg: Int64Array
    day_last_seg: Int64Array
    day_offset: Int64Array
    day_offset_changes: npt.NDArray[np.bool_]
    first_ordinal: int
    midnight: Int64Array  # UTC instant of local midnight of each date, one past the last year

    @property
    def end(self) -> int:
        return int(self.midnight[-1])

    def cum_at(self, instants: Int64Array) -> Int64Array:
        """Open time from the table's start up to each instant."""
        index = np.searchsorted(self.seg_start, instants, side="right") - 1
        safe = np.maximum(index, 0)
        inside = np.minimum(instants, self.seg_end[safe]) - self.seg_start[safe]
        return np.where(index >= 0, self.cum[safe] + inside, 0)

    def add_open(self, starts: Int64Array, amounts: Int64Array) -> Int64Array:
        """The earliest instants at which ``amounts`` of open time have passed since ``starts``."""
        target = self.cum_at(starts) + amounts
        index = np.searchsorted(self.cum_end, target, side="left")
        _check_inside(index, len(self.cum_end))
        safe = np.minimum(index, len(self.cum_end) - 1)
        result = self.seg_start[safe] + target - self.cum[safe]
        return np.where(amounts > 0, result, starts)

    def local_ordinal(self, instants: Int64Array) -> Int64Array:
        """The local date (proleptic ordinal) of each instant."""
        return np.searchsorted(self.midnight, instants, side="right") - 1 + self.first_ordinal

    def end_of_day(self, ordinals: Int64Array) -> Int64Array:
        position = ordinals - self.first_ordinal + 1
        _check_inside(position, len(self.midnight))
        return self.midnight[np.minimum(position, len(self.midnight) - 1)]


class _OutOfRangeError(Exception):
    """The batch table does not reach far enough; the caller widens it and retries."""


def _check_inside(index: Int64Array, length: int) -> None:
    if index.size and int(index.max()) >= length:
        raise _OutOfRangeError


@lru_cache(maxsize=32)
def batch_table(calendar: AnyCalendar, first_year: int, last_year: int) -> BatchTable:
    """Concatenate the yearly tables of ``first_year..last_year`` (cached)."""
    starts, ends, days, cums, ordinals, closes = [], [], [], [], [], []
    firsts, lasts, offsets, changes = [], [], [], []
    day_offset = 0
    cum_offset = 0
    seg_offset = 0
    for year in range(first_year, last_year + 1):
        table = year_table(calendar, year)
        starts.append(np.asarray(table.seg_start, dtype=np.int64))
        ends.append(np.asarray(table.seg_end, dtype=np.int64))
        days.append(np.asarray(table.seg_day, dtype=np.int64) + day_offset)
        cums.append(np.asarray(table.cum, dtype=np.int64) + cum_offset)
        ordinals.append(np.asarray(table.day_ordinal, dtype=np.int64))
        closes.append(np.asarray([table.day_close(d) for d in range(len(table.day_ordinal))]))
        firsts.append(np.asarray(table.day_first_seg, dtype=np.int64) + seg_offset)
        lasts.append(np.asarray(table.day_last_seg, dtype=np.int64) + seg_offset)
        offsets.append(np.asarray(table.day_offset, dtype=np.int64))
        changes.append(np.asarray(table.day_offset_changes, dtype=np.bool_))
        day_offset += len(table.day_ordinal)
        cum_offset += table.total
        seg_offset += len(table.seg_start)
    seg_start = np.concatenate(starts).astype(np.int64)
    seg_end = np.concatenate(ends).astype(np.int64)
    cum = np.concatenate(cums).astype(np.int64)
    first = date(first_year, 1, 1).toordinal()
    after = date(last_year + 1, 1, 1).toordinal()
    midnight = np.asarray(
        [_midnight(calendar, date.fromordinal(o)) for o in range(first, after + 1)], dtype=np.int64
    )
    return BatchTable(
        first_year=first_year,
        last_year=last_year,
        seg_start=seg_start,
        seg_end=seg_end,
        seg_day=np.concatenate(days).astype(np.int64),
        cum=cum,
        cum_end=cum + (seg_end - seg_start),
        day_ordinal=np.concatenate(ordinals).astype(np.int64),
        day_close=np.concatenate(closes).astype(np.int64),
        day_first_seg=np.concatenate(firsts).astype(np.int64),
        day_last_seg=np.concatenate(lasts).astype(np.int64),
        day_offset=np.concatenate(offsets).astype(np.int64),
        day_offset_changes=np.concatenate(changes).astype(np.bool_),
        first_ordinal=first,
        midnight=midnight,
    )


def _midnight(calendar: AnyCalendar, day: date) -> int:
    in_force = calendar.calendar_on(day) if isinstance(calendar, EffectiveCalendar) else calendar
    return _local_us(in_force, day, 0)


def _as_us(values: InstantArray) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.datetime64):
        raise BusinessTimeError(ErrorCode.NAIVE_DATETIME, field="received", value=str(array.dtype))
    as_us = array.astype("datetime64[us]")
    missing = np.isnat(as_us)
    return as_us.view(np.int64), missing


def _pause_columns(
    pause_starts: InstantArray | None, pause_ends: InstantArray | None, size: int
) -> list[tuple[Int64Array, Int64Array]]:
    """Pauses as disjoint, sorted per-row columns; ``NaT`` means "no pause in this slot".

    Rows may list their pauses in any order and they may overlap: each row is sorted by start and
    every pause is clipped to begin after the pauses before it ended, which keeps their union.
    """
    if pause_starts is None and pause_ends is None:
        return []
    if pause_starts is None or pause_ends is None:
        raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value="pause starts and ends")
    starts, missing_starts = _as_us(pause_starts)
    ends, missing_ends = _as_us(pause_ends)
    if starts.shape != ends.shape or starts.shape[0] != size:
        raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value="pause shapes")
    starts, ends = starts.reshape(size, -1), ends.reshape(size, -1)
    missing = (missing_starts | missing_ends).reshape(size, -1)
    if np.any(~missing & (ends < starts)):
        raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value="pause ends before it starts")
    starts = np.where(missing, _NEVER, starts)
    ends = np.where(missing, _NEVER, ends)
    order = np.argsort(starts, axis=1, kind="stable")
    starts = np.take_along_axis(starts, order, axis=1)
    ends = np.take_along_axis(ends, order, axis=1)
    columns = []
    ended = np.full(size, _NAT, dtype=np.int64)
    for k in range(starts.shape[1]):
        start = np.maximum(starts[:, k], ended)
        end = np.maximum(ends[:, k], start)
        ended = np.maximum(ended, end)
        columns.append((start, end))
    return columns


def _years_needed(
    received: Int64Array, within: Within, pauses: list[tuple[Int64Array, Int64Array]]
) -> tuple[int, int]:
    first = 1970 + int(received.min()) // _AVERAGE_YEAR_US - 1
    last = 1970 + int(received.max()) // _AVERAGE_YEAR_US + 1
    for _, end in pauses:
        finite = end[end != _NEVER]
        if finite.size:
            last = max(last, 1970 + int(finite.max()) // _AVERAGE_YEAR_US + 1)
    if within.unit is TimeUnit.BUSINESS_DAYS:
        last += within.amount // 200
    elif within.unit is TimeUnit.CALENDAR_DAYS:
        last += within.amount // 365
    elif within.unit.counts_business_time:
        last += within.amount * _US_PER_UNIT[within.unit] // _OPEN_YEAR_US
    return first, last


def due_at_batch(
    calendar: AnyCalendar,
    received: InstantArray,
    within: Within,
    *,
    pause_starts: InstantArray | None = None,
    pause_ends: InstantArray | None = None,
    convention: DayConvention = DayConvention.default(),  # noqa: B008 - an immutable value
) -> InstantArray:
    """``due_at`` for every instant of ``received`` (``datetime64[us]``, UTC) at once.

    Pauses are optional arrays of shape ``(n,)`` or ``(n, k)``: row ``i``'s pauses in any order
    (overlaps count once), ``NaT`` where a row has fewer. With ``DueTime.SAME_CLOCK_TIME``, the
    rare rows whose start day or day N has a UTC-offset change during business hours (an office
    open at 2 a.m. on a daylight-saving night) are computed by the scalar path.
    """
    instants, missing = _as_us(received)
    shape = instants.shape
    instants = instants.reshape(-1)
    missing = missing.reshape(-1)
    pauses = _pause_columns(pause_starts, pause_ends, instants.size)
    result = np.full(instants.size, _NAT, dtype=np.int64)
    present = ~missing
    if present.any():
        values = instants[present]
        kept = [(start[present], end[present]) for start, end in pauses]
        first, last = _years_needed(values, within, kept)
        while True:
            try:
                table = batch_table(calendar, first, last)
                due, unsure = _due(table, values, within, kept, convention)
                break
            except _OutOfRangeError:
                if last - first > _MAX_SPAN_YEARS:
                    raise BusinessTimeError(ErrorCode.NO_BUSINESS_TIME, year=last) from None
                last += 2 + (last - first) // 2
        for row in np.flatnonzero(unsure):
            due[row] = _scalar_due(calendar, values[row], within, kept, int(row), convention)
        result[present] = due
    return result.reshape(shape).view("datetime64[us]")


def _scalar_due(
    calendar: AnyCalendar,
    received: np.int64,
    within: Within,
    pauses: list[tuple[Int64Array, Int64Array]],
    row: int,
    convention: DayConvention,
) -> int:
    intervals = [
        Interval(from_us(int(start[row])), from_us(int(end[row])))
        for start, end in pauses
        if start[row] != _NEVER and end[row] > start[row]
    ]
    return due_at_us(calendar, from_us(int(received)), within, intervals, convention)


def _due(
    table: BatchTable,
    instants: Int64Array,
    within: Within,
    pauses: list[tuple[Int64Array, Int64Array]],
    convention: DayConvention,
) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    """Due instants, and which rows the scalar path must compute instead."""
    unit = within.unit
    sure = np.zeros(instants.shape, dtype=np.bool_)
    if unit is TimeUnit.CALENDAR_DAYS:
        return _calendar_days(table, instants, within.amount, pauses, convention), sure
    if unit.counts_elapsed_time:
        return _add_elapsed(instants, within.amount * _US_PER_UNIT[unit], pauses), sure
    segment = np.searchsorted(table.seg_end, instants, side="right")
    _check_inside(segment, len(table.seg_end))
    start = np.maximum(instants, table.seg_start[segment])
    if unit.counts_business_time:
        amount = np.full(instants.shape, within.amount * _US_PER_UNIT[unit], dtype=np.int64)
        return _add_open_paused(table, start, amount, pauses), sure
    day0 = table.seg_day[segment]
    steps = np.full(instants.shape, within.amount, dtype=np.int64)
    if convention.day_zero is DayZero.RECEIPT_DATE and within.amount > 0:
        receipt_day = table.local_ordinal(instants)
        steps = np.where(table.day_ordinal[day0] <= receipt_day, steps, steps - 1)
    day_n = day0 + steps
    _check_inside(day_n, len(table.day_close))
    unsure = sure
    if convention.due_time is DueTime.SAME_CLOCK_TIME:
        due, unsure = _same_clock_time(table, start, day0, day_n)
    else:
        due = table.day_close[day_n]
    if pauses:
        target = table.cum_at(due) - table.cum_at(start)
        due = np.maximum(due, _add_open_paused(table, start, target, pauses))
    return due, unsure


def _same_clock_time(
    table: BatchTable, start: Int64Array, day0: Int64Array, day_n: Int64Array
) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    """The start's local clock time on day N, kept within day N's hours (see the scalar path).

    Exact wherever the UTC offset is the same all through the business hours of day 0 and of day
    N; the other rows are flagged for the scalar path.
    """
    wall = start + table.day_offset[day0] - (table.day_ordinal[day0] - _EPOCH_ORDINAL) * _DAY_US
    target = (table.day_ordinal[day_n] - _EPOCH_ORDINAL) * _DAY_US + wall - table.day_offset[day_n]
    first, last = table.day_first_seg[day_n], table.day_last_seg[day_n]
    shift = np.clip(np.searchsorted(table.seg_start, target, side="right") - 1, first, last)
    opening = table.seg_start[first]
    due = np.where(target <= opening, opening, np.minimum(target, table.seg_end[shift]))
    return due, table.day_offset_changes[day0] | table.day_offset_changes[day_n]


def _add_open_paused(
    table: BatchTable,
    start: Int64Array,
    amount: Int64Array,
    pauses: list[tuple[Int64Array, Int64Array]],
) -> Int64Array:
    due = table.add_open(start, amount)
    paused = np.zeros(start.shape, dtype=np.int64)
    for pause_start, pause_end in pauses:
        counts = (pause_start < due) & (pause_end > start) & (amount > 0)
        if not counts.any():
            continue
        if np.any(counts & (pause_end > table.end)):
            raise _OutOfRangeError
        lo = np.maximum(pause_start, start)
        paused += np.where(
            counts, table.cum_at(np.where(counts, pause_end, lo)) - table.cum_at(lo), 0
        )
        due = np.where(counts, table.add_open(start, amount + paused), due)
    return due


def _add_elapsed(
    start: Int64Array, amount: Int64Array | int, pauses: list[tuple[Int64Array, Int64Array]]
) -> Int64Array:
    due = start + amount
    positive = np.asarray(amount) > 0
    for pause_start, pause_end in pauses:
        counts = (pause_start < due) & (pause_end > start) & positive
        due = np.where(counts, due + pause_end - np.maximum(pause_start, start), due)
    return due


def _calendar_days(
    table: BatchTable,
    instants: Int64Array,
    amount: int,
    pauses: list[tuple[Int64Array, Int64Array]],
    convention: DayConvention,
) -> Int64Array:
    last_day = table.local_ordinal(instants) + amount
    if convention.closed_due_date is ClosedDueDate.NEXT_BUSINESS_DAY:
        index = np.searchsorted(table.day_ordinal, last_day, side="left")
        _check_inside(index, len(table.day_ordinal))
        last_day = table.day_ordinal[index]
    unpaused = table.end_of_day(last_day)
    return _add_elapsed(instants, unpaused - instants, pauses)


def business_time_between_batch(
    calendar: AnyCalendar,
    starts: InstantArray,
    ends: InstantArray,
    *,
    pause_starts: InstantArray | None = None,
    pause_ends: InstantArray | None = None,
) -> npt.NDArray[np.timedelta64]:
    """``business_time_between`` for each ``(starts[i], ends[i])``, as ``timedelta64[us]``.

    Pauses as in :func:`due_at_batch`. ``NaT`` in either end gives ``NaT``.
    """
    lo, missing_lo = _as_us(starts)
    hi, missing_hi = _as_us(ends)
    if lo.shape != hi.shape:
        raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value="start and end shapes")
    shape = lo.shape
    lo, hi = lo.reshape(-1), hi.reshape(-1)
    present = ~(missing_lo | missing_hi).reshape(-1)
    pauses = _pause_columns(pause_starts, pause_ends, lo.size)
    result = np.full(lo.size, _NAT, dtype=np.int64)
    if present.any():
        a, b = lo[present], hi[present]
        b = np.maximum(a, b)
        first = 1970 + int(a.min()) // _AVERAGE_YEAR_US - 1
        last = 1970 + int(b.max()) // _AVERAGE_YEAR_US + 1
        table = batch_table(calendar, first, last)
        value = table.cum_at(b) - table.cum_at(a)
        for pause_start, pause_end in pauses:
            clip_lo = np.maximum(pause_start[present], a)
            clip_hi = np.minimum(pause_end[present], b)
            overlap = clip_hi > clip_lo
            value -= np.where(
                overlap,
                table.cum_at(np.where(overlap, clip_hi, a))
                - table.cum_at(np.where(overlap, clip_lo, a)),
                0,
            )
        result[present] = value
    return result.reshape(shape).view("timedelta64[us]")
