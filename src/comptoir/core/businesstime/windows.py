"""Windows of a business day: when a calendar's day opens and closes, and whether an instant is
within the first business hour of its local day (the daily digest's window).

Pure: every instant and calendar is an argument; nothing reads a clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from comptoir.core.businesstime.arithmetic import (
    add_business_time,
    business_time_between,
    is_business_day,
    next_opening,
)
from comptoir.core.businesstime.model import AnyCalendar, calendar_on

#: The first business hour: the digest's window.
FIRST_HOUR = timedelta(hours=1)
#: How far ahead the next business day is looked for (a year of closures would be an error).
MAX_DAYS_AHEAD = 366


def _midnight(calendar: AnyCalendar, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar_on(calendar, day).zone)


def opening_of_day(calendar: AnyCalendar, day: date) -> datetime | None:
    """The first open instant of local date ``day``, or ``None`` when the office is closed all
    day (weekend, holiday, closure)."""
    if not is_business_day(calendar, day):
        return None
    opening = next_opening(calendar, _midnight(calendar, day))
    zone = calendar_on(calendar, day).zone
    return opening if opening.astimezone(zone).date() == day else None


def close_of_day(calendar: AnyCalendar, day: date) -> datetime | None:
    """The last open instant of local date ``day`` (the end of its last shift), or ``None``."""
    opening = opening_of_day(calendar, day)
    if opening is None:
        return None
    open_time = business_time_between(
        calendar, opening, _midnight(calendar, day + timedelta(days=1))
    )
    return add_business_time(calendar, opening, open_time)


def local_date(calendar: AnyCalendar, instant: datetime) -> date:
    """The date of ``instant`` on the calendar's wall clock."""
    day = instant.astimezone(calendar_on(calendar, instant.date()).zone).date()
    return instant.astimezone(calendar_on(calendar, day).zone).date()


def in_first_business_hour(
    calendar: AnyCalendar, instant: datetime, *, span: timedelta = FIRST_HOUR
) -> bool:
    """Whether ``instant`` is within the first ``span`` of open time of its local day: never at
    night, on a weekend, on a holiday or during a closure."""
    opening = opening_of_day(calendar, local_date(calendar, instant))
    if opening is None or instant < opening:
        return False
    return instant < add_business_time(calendar, opening, span)


def next_business_day_close(calendar: AnyCalendar, instant: datetime) -> datetime | None:
    """The close of the first business day after the local date of ``instant`` (``None`` when
    none is found within ``MAX_DAYS_AHEAD`` days)."""
    day = local_date(calendar, instant)
    for ahead in range(1, MAX_DAYS_AHEAD + 1):
        close = close_of_day(calendar, day + timedelta(days=ahead))
        if close is not None:
            return close
    return None


def business_days_before(calendar: AnyCalendar, instant: datetime, days: int) -> datetime:
    """The same wall-clock time ``days`` business days before the local date of ``instant``
    (weekends, holidays and closed days are not counted): a wait began before this instant is
    longer than ``days`` business days."""
    zone = calendar_on(calendar, local_date(calendar, instant)).zone
    local = instant.astimezone(zone)
    day = local.date()
    counted = 0
    for _step in range(MAX_DAYS_AHEAD * 2):
        if counted >= days:
            break
        day -= timedelta(days=1)
        if is_business_day(calendar, day):
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)
