"""Business-time arithmetic: due dates, adding business time, measuring business time.

All instants are aware datetimes; internally the engine works in UTC microseconds against the
calendar's precomputed opening tables (``_tables``). Results are returned in the local time zone of
the calendar in force at the result, so they print with the office's offset.

The definitions (what "within N business days of receipt" means) are in ``docs/business-time.md``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from comptoir.core.businesstime._tables import (
    US_PER_MINUTE,
    YearTable,
    add_open,
    advance_days,
    business_day_on_or_after,
    from_us,
    open_between,
    seek_open,
    to_us,
)
from comptoir.core.businesstime.errors import BusinessTimeError, ErrorCode
from comptoir.core.businesstime.model import (
    AnyCalendar,
    Calendar,
    ClosedDueDate,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    Interval,
    TimeUnit,
    Within,
    _require_aware,
    zone_info,
)

_DEFAULT = DayConvention.default()
_US_PER_UNIT = {
    TimeUnit.BUSINESS_HOURS: 60 * US_PER_MINUTE,
    TimeUnit.BUSINESS_MINUTES: US_PER_MINUTE,
    TimeUnit.MINUTES: US_PER_MINUTE,
    TimeUnit.SECONDS: 1_000_000,
}

type Spans = list[tuple[int, int]]


def merge_pauses(pauses: Sequence[Interval]) -> Spans:
    """Pauses as sorted, non-overlapping UTC-microsecond spans (empty pauses dropped)."""
    spans = sorted((to_us(p.start), to_us(p.end)) for p in pauses if p.end > p.start)
    merged: Spans = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def localize(calendar: AnyCalendar, value: int) -> datetime:
    """A UTC-microsecond instant as an aware datetime in the calendar's local zone."""
    moment = from_us(value)
    if isinstance(calendar, Calendar):
        return moment.astimezone(calendar.zone)
    return moment.astimezone(calendar.calendar_at(moment).zone)


def add_open_paused(
    calendar: AnyCalendar, start: int, amount: int, pauses: Spans, year: int
) -> int:
    """The earliest instant at which ``amount`` of open time outside ``pauses`` has passed."""
    if amount <= 0:
        return start
    current, remaining = start, amount
    for pause_start, pause_end in pauses:
        if pause_end <= current:
            continue
        if pause_start <= current:
            current = pause_end
            continue
        candidate = add_open(calendar, current, remaining, year)
        if candidate <= pause_start:
            return candidate
        remaining -= open_between(calendar, current, pause_start, year)
        current = pause_end
    return add_open(calendar, current, remaining, year)


def add_elapsed_paused(start: int, amount: int, pauses: Spans) -> int:
    """The earliest instant at which ``amount`` of elapsed time outside ``pauses`` has passed."""
    if amount <= 0:
        return start
    current, remaining = start, amount
    for pause_start, pause_end in pauses:
        if pause_end <= current:
            continue
        if pause_start > current:
            if current + remaining <= pause_start:
                return current + remaining
            remaining -= pause_start - current
        current = pause_end
    return current + remaining


def open_between_paused(
    calendar: AnyCalendar, start: int, end: int, pauses: Spans, year: int
) -> int:
    total = open_between(calendar, start, end, year)
    for pause_start, pause_end in pauses:
        if pause_end > start and pause_start < end:
            total -= open_between(calendar, max(start, pause_start), min(end, pause_end), year)
    return total


def _receipt_date(calendar: AnyCalendar, received: datetime) -> date:
    if isinstance(calendar, EffectiveCalendar):
        return received.astimezone(calendar.calendar_at(received).zone).date()
    return received.astimezone(calendar.zone).date()


def _same_clock_time(table: YearTable, day: int, start: int, calendar: AnyCalendar) -> int:
    """The start's local clock time on business day ``day``, kept within that day's hours."""
    started = localize(calendar, start)
    target_day = date.fromordinal(table.day_ordinal[day])
    wall = datetime.combine(target_day, started.timetz().replace(tzinfo=None))
    target = to_us(wall.replace(tzinfo=zone_info(table.day_tz[day])))
    first, last = table.day_first_seg[day], table.day_last_seg[day]
    if target <= table.seg_start[first]:
        return table.seg_start[first]
    index = bisect_right(table.seg_start, target, first, last + 1) - 1
    return min(target, table.seg_end[index])


def business_days_plain(
    calendar: AnyCalendar, received: datetime, instant: int, amount: int, convention: DayConvention
) -> tuple[int, int, YearTable, int]:
    """(clock start, due without pauses, table of day N, day N) for a count of business days."""
    table, segment = seek_open(calendar, instant, received.year)
    start = max(instant, table.seg_start[segment])
    day = table.seg_day[segment]
    steps = amount
    if convention.day_zero is DayZero.RECEIPT_DATE and amount > 0:
        steps = amount - 1
        if table.day_ordinal[day] <= _receipt_date(calendar, received).toordinal():
            steps = amount
    table, day = advance_days(calendar, table, day, steps)
    if convention.due_time is DueTime.SAME_CLOCK_TIME:
        due = _same_clock_time(table, day, start, calendar)
    else:
        due = table.day_close(day)
    return start, due, table, day


def _end_of_local_day(calendar: AnyCalendar, day: date) -> int:
    in_force = calendar.calendar_on(day) if isinstance(calendar, EffectiveCalendar) else calendar
    return to_us(datetime.combine(day + timedelta(days=1), time(0), tzinfo=in_force.zone))


def calendar_days_due(
    calendar: AnyCalendar,
    received: datetime,
    instant: int,
    amount: int,
    pauses: Spans,
    convention: DayConvention,
) -> tuple[date, date, int, int]:
    """(last day counted, due day after rolling, due without pauses, due) for calendar days.

    The due day rolls forward off a closed day first; pauses then extend the end of that day by
    the elapsed time they cover (the extended instant is not rolled again, which keeps "pauses only
    lengthen" true).
    """
    last_day = _receipt_date(calendar, received) + timedelta(days=amount)
    due_day = last_day
    if convention.closed_due_date is ClosedDueDate.NEXT_BUSINESS_DAY:
        table, index = business_day_on_or_after(calendar, last_day)
        due_day = date.fromordinal(table.day_ordinal[index])
    unpaused = _end_of_local_day(calendar, due_day)
    due = add_elapsed_paused(instant, unpaused - instant, pauses) if pauses else unpaused
    return last_day, due_day, unpaused, due


def due_at_us(
    calendar: AnyCalendar,
    received: datetime,
    within: Within,
    pauses: Sequence[Interval],
    convention: DayConvention,
) -> int:
    _require_aware(received, "received")
    instant = to_us(received)
    spans = merge_pauses(pauses) if pauses else []
    unit = within.unit
    if unit is TimeUnit.BUSINESS_DAYS:
        start, due, _, _ = business_days_plain(
            calendar, received, instant, within.amount, convention
        )
        if spans and spans[-1][1] > start:
            target = open_between(calendar, start, due, received.year)
            due = max(due, add_open_paused(calendar, start, target, spans, received.year))
        return due
    if unit is TimeUnit.CALENDAR_DAYS:
        return calendar_days_due(calendar, received, instant, within.amount, spans, convention)[3]
    amount = within.amount * _US_PER_UNIT[unit]
    if unit.counts_elapsed_time:
        return add_elapsed_paused(instant, amount, spans)
    table, segment = seek_open(calendar, instant, received.year)
    start = max(instant, table.seg_start[segment])
    return add_open_paused(calendar, start, amount, spans, received.year)


def due_at(
    calendar: AnyCalendar,
    received: datetime,
    within: Within,
    *,
    pauses: Sequence[Interval] = (),
    convention: DayConvention = _DEFAULT,
) -> datetime:
    """When a case received at ``received`` is due under the limit ``within``.

    Business days follow ``convention`` (default: day 0 is the business day of receipt, or of the
    next opening if received while closed; due at the close of business on day N). Business hours
    and minutes count open time from receipt or the next opening. Calendar days, minutes and
    seconds count elapsed time. Open (or, for elapsed units, elapsed) time inside ``pauses`` does
    not count, so pauses only ever make the due instant later.
    """
    return localize(calendar, due_at_us(calendar, received, within, pauses, convention))


def add_business_time(
    calendar: AnyCalendar,
    start: datetime,
    amount: timedelta | Within,
    *,
    pauses: Sequence[Interval] = (),
    convention: DayConvention = _DEFAULT,
) -> datetime:
    """``start`` plus ``amount`` of business (open) time, pauses excluded.

    With a ``timedelta`` the result is the earliest instant at which that much open time outside
    the pauses has passed since ``start``, so ``business_time_between(start, result) == amount``.
    With a :class:`Within` this is :func:`due_at`.
    """
    if isinstance(amount, Within):
        return due_at(calendar, start, amount, pauses=pauses, convention=convention)
    _require_aware(start, "start")
    if amount < timedelta(0):
        raise BusinessTimeError(ErrorCode.INVALID_DURATION, value=str(amount))
    spans = merge_pauses(pauses) if pauses else []
    result = add_open_paused(
        calendar, to_us(start), amount // timedelta(microseconds=1), spans, start.year
    )
    return localize(calendar, result)


def business_time_between(
    calendar: AnyCalendar,
    start: datetime,
    end: datetime,
    *,
    pauses: Sequence[Interval] = (),
) -> timedelta:
    """Open time in ``[start, end)``, closures, holidays and pauses excluded (0 if end ≤ start)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    spans = merge_pauses(pauses) if pauses else []
    value = open_between_paused(calendar, to_us(start), to_us(end), spans, start.year)
    return timedelta(microseconds=value)


def next_opening(calendar: AnyCalendar, instant: datetime) -> datetime:
    """``instant`` itself if the office is open then, otherwise its next opening."""
    _require_aware(instant, "instant")
    value = to_us(instant)
    table, segment = seek_open(calendar, value, instant.year)
    return localize(calendar, max(value, table.seg_start[segment]))


def is_open(calendar: AnyCalendar, instant: datetime) -> bool:
    """Whether the office is open at ``instant``."""
    _require_aware(instant, "instant")
    value = to_us(instant)
    table, segment = seek_open(calendar, value, instant.year)
    return table.seg_start[segment] <= value


def is_business_day(calendar: AnyCalendar, day: date) -> bool:
    """Whether local date ``day`` has any open time."""
    table, index = business_day_on_or_after(calendar, day)
    return table.day_ordinal[index] == day.toordinal()
