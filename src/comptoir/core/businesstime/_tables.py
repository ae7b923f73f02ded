"""Precomputed opening tables: one per calendar and local year, built lazily and cached.

A table lists the year's open segments as UTC microseconds since the epoch, in order, with the
cumulative open time before each one and the business day each belongs to. Every question the
engine answers (next opening, open time between two instants, the Nth business day) is then a
binary search plus a little arithmetic, which keeps a scalar due date in the microseconds.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from comptoir.core.businesstime.errors import BusinessTimeError, ErrorCode
from comptoir.core.businesstime.model import AnyCalendar, Calendar, EffectiveCalendar

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
US_PER_MINUTE = 60_000_000
#: How many consecutive years without any open time the engine scans before giving up.
MAX_EMPTY_YEARS = 10
#: The local years the engine computes tables for.
MIN_YEAR, MAX_YEAR = 1901, 9998


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware instant."""
    return (moment - EPOCH) // ONE_US


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


@dataclass(frozen=True, slots=True)
class YearTable:
    """The open segments of one local year of a calendar (all instants in UTC microseconds)."""

    year: int
    begin: int
    end: int
    seg_start: list[int]
    seg_end: list[int]
    seg_day: list[int]
    cum: list[int]
    cum_end: list[int]
    total: int
    day_ordinal: list[int]
    day_first_seg: list[int]
    day_last_seg: list[int]
    day_tz: list[str]
    #: UTC offset (µs) at each business day's opening, and whether it changes before closing.
    day_offset: list[int]
    day_offset_changes: list[bool]

    def day_open(self, day: int) -> int:
        return self.seg_start[self.day_first_seg[day]]

    def day_close(self, day: int) -> int:
        return self.seg_end[self.day_last_seg[day]]

    def cum_at(self, instant: int) -> int:
        """Open time from the start of the year up to ``instant`` (which lies in this year)."""
        index = bisect_right(self.seg_start, instant) - 1
        if index < 0:
            return 0
        return self.cum[index] + min(instant, self.seg_end[index]) - self.seg_start[index]


def _local_us(calendar: Calendar, day: date, minute: int) -> int:
    if minute >= 24 * 60:
        day, minute = day + timedelta(days=1), minute - 24 * 60
    moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=calendar.zone)
    return to_us(moment)


def _offset_us(calendar: Calendar, instant: int) -> int:
    offset = from_us(instant).astimezone(calendar.zone).utcoffset()
    return 0 if offset is None else offset // ONE_US


def year_begin(calendar: AnyCalendar, year: int) -> int:
    """The UTC instant at which local ``year`` begins (in the calendar then in force)."""
    first = date(year, 1, 1)
    in_force = calendar.calendar_on(first) if isinstance(calendar, EffectiveCalendar) else calendar
    return _local_us(in_force, first, 0)


@lru_cache(maxsize=1024)
def holidays_of(calendar: Calendar, year: int) -> dict[date, str]:
    """The calendar's holidays in ``year`` (cached: the package call costs about a millisecond)."""
    return calendar.holidays_for_year(year)


def _closure_spans(calendar: Calendar) -> list[tuple[int, int]]:
    return [
        (to_us(closure.interval.start), to_us(closure.interval.end))
        for closure in calendar.closures
        if closure.interval.end > closure.interval.start
    ]


def _subtract(
    segments: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    for span_start, span_end in spans:
        kept: list[tuple[int, int]] = []
        for start, end in segments:
            if span_end <= start or span_start >= end:
                kept.append((start, end))
                continue
            if start < span_start:
                kept.append((start, span_start))
            if span_end < end:
                kept.append((span_end, end))
        segments = kept
    return segments


def day_segments(calendar: Calendar, day: date) -> list[tuple[int, int]]:
    """Open segments of one local date, holidays and closures removed (empty if closed)."""
    if day in holidays_of(calendar, day.year):
        return []
    segments = []
    for start_minute, end_minute in calendar.hours.shifts[day.weekday()]:
        start, end = _local_us(calendar, day, start_minute), _local_us(calendar, day, end_minute)
        if end > start:
            segments.append((start, end))
    if segments and calendar.closures:
        day_start, day_end = segments[0][0], segments[-1][1]
        spans = [
            span for span in _closure_spans(calendar) if span[0] < day_end and span[1] > day_start
        ]
        segments = _subtract(segments, spans)
    return segments


def _pieces(calendar: AnyCalendar, year: int) -> list[tuple[Calendar, date, date]]:
    """The (calendar, first date, date after last) pieces that make up local ``year``."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    if isinstance(calendar, Calendar):
        return [(calendar, first, after)]
    pieces = []
    entries = calendar.entries
    for index, (effective_from, in_force) in enumerate(entries):
        lo = first if index == 0 else max(first, effective_from)
        hi = after if index + 1 == len(entries) else min(after, entries[index + 1][0])
        if lo < hi:
            pieces.append((in_force, lo, hi))
    return pieces


@lru_cache(maxsize=4096)
def year_table(calendar: AnyCalendar, year: int) -> YearTable:
    """The opening table of local ``year`` (cached per calendar value and year)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BusinessTimeError(ErrorCode.OUT_OF_RANGE, year=year)
    seg_start: list[int] = []
    seg_end: list[int] = []
    seg_day: list[int] = []
    cum: list[int] = []
    cum_end: list[int] = []
    day_ordinal: list[int] = []
    day_first: list[int] = []
    day_last: list[int] = []
    day_tz: list[str] = []
    day_offset: list[int] = []
    day_offset_changes: list[bool] = []
    total = 0
    for in_force, lo, hi in _pieces(calendar, year):
        for ordinal in range(lo.toordinal(), hi.toordinal()):
            segments = day_segments(in_force, date.fromordinal(ordinal))
            if seg_end:  # a change of time zone between pieces must not make segments overlap
                segments = [(max(s, seg_end[-1]), e) for s, e in segments if e > seg_end[-1]]
            if not segments:
                continue
            day_first.append(len(seg_start))
            for start, end in segments:
                seg_start.append(start)
                seg_end.append(end)
                seg_day.append(len(day_ordinal))
                cum.append(total)
                total += end - start
                cum_end.append(total)
            day_last.append(len(seg_start) - 1)
            day_ordinal.append(ordinal)
            day_tz.append(in_force.tz)
            opening = _offset_us(in_force, segments[0][0])
            day_offset.append(opening)
            day_offset_changes.append(_offset_us(in_force, segments[-1][1] - 1) != opening)
    return YearTable(
        year=year,
        begin=year_begin(calendar, year),
        end=year_begin(calendar, year + 1),
        seg_start=seg_start,
        seg_end=seg_end,
        seg_day=seg_day,
        cum=cum,
        cum_end=cum_end,
        total=total,
        day_ordinal=day_ordinal,
        day_first_seg=day_first,
        day_last_seg=day_last,
        day_tz=day_tz,
        day_offset=day_offset,
        day_offset_changes=day_offset_changes,
    )


def table_at(calendar: AnyCalendar, instant: int, year_hint: int) -> YearTable:
    """The table of the local year containing ``instant``; ``year_hint`` is within a year of it."""
    table = year_table(calendar, year_hint)
    while instant < table.begin:
        table = year_table(calendar, table.year - 1)
    while instant >= table.end:
        table = year_table(calendar, table.year + 1)
    return table


def next_nonempty(calendar: AnyCalendar, table: YearTable) -> YearTable:
    """The first year after ``table`` that has any open time."""
    for _ in range(MAX_EMPTY_YEARS):
        table = year_table(calendar, table.year + 1)
        if table.seg_start:
            return table
    raise BusinessTimeError(ErrorCode.NO_BUSINESS_TIME, year=table.year)


def seek_open(calendar: AnyCalendar, instant: int, year_hint: int) -> tuple[YearTable, int]:
    """The first open segment that ends after ``instant``: (its table, its index)."""
    table = table_at(calendar, instant, year_hint)
    index = bisect_right(table.seg_end, instant)
    if index == len(table.seg_end):
        return next_nonempty(calendar, table), 0
    return table, index


def advance_days(
    calendar: AnyCalendar, table: YearTable, day: int, count: int
) -> tuple[YearTable, int]:
    """Business day number ``day + count`` counted from ``day`` of ``table``, across years."""
    while day + count >= len(table.day_ordinal):
        count -= len(table.day_ordinal) - day
        table, day = next_nonempty(calendar, table), 0
    return table, day + count


def business_day_on_or_after(calendar: AnyCalendar, day: date) -> tuple[YearTable, int]:
    """The first business day on or after local date ``day``."""
    table = year_table(calendar, day.year)
    index = bisect_left(table.day_ordinal, day.toordinal())
    if index == len(table.day_ordinal):
        return next_nonempty(calendar, table), 0
    return table, index


def open_between(calendar: AnyCalendar, start: int, end: int, year_hint: int) -> int:
    """Open time in ``[start, end)``, in microseconds."""
    if end <= start:
        return 0
    first = table_at(calendar, start, year_hint)
    if end <= first.end:
        return first.cum_at(end) - first.cum_at(start)
    result = first.total - first.cum_at(start)
    table = year_table(calendar, first.year + 1)
    while end > table.end:
        result += table.total
        table = year_table(calendar, table.year + 1)
    return result + table.cum_at(end)


def add_open(calendar: AnyCalendar, start: int, amount: int, year_hint: int) -> int:
    """The earliest instant at which ``amount`` of open time has passed since ``start``."""
    if amount <= 0:
        return start
    table = table_at(calendar, start, year_hint)
    target = table.cum_at(start) + amount
    empty_years = 0
    while target > table.total:
        target -= table.total
        empty_years = empty_years + 1 if not table.total else 0
        if empty_years > MAX_EMPTY_YEARS:
            raise BusinessTimeError(ErrorCode.NO_BUSINESS_TIME, year=table.year)
        table = year_table(calendar, table.year + 1)
    index = bisect_left(table.cum_end, target)
    return table.seg_start[index] + target - table.cum[index]
