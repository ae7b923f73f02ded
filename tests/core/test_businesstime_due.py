"""Due dates on real calendars, 2024–2029.

Every expected instant below was worked out by hand from a real calendar (weekday of each date
checked with ``date.strftime("%a")``) and the holiday lists of the ``holidays`` package; each row's
comment gives the reasoning. None was copied from the function's output.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.businesstime import (
    BusinessTimeError,
    Calendar,
    ClosedDueDate,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    ErrorCode,
    HolidaySource,
    Interval,
    WeeklyHours,
    Within,
    add_business_time,
    business_time_between,
    day_status,
    due_at,
    is_business_day,
    is_open,
    next_opening,
)

ZONES = {
    "CA": "America/Toronto",
    "CA-QC": "America/Montreal",
    "CA-ON": "America/Toronto",
    "CA-BC": "America/Vancouver",
    "CA-NT": "America/Yellowknife",
    "CA-NL": "America/St_Johns",
}


@cache
def office(
    jurisdiction: str,
    hours: str = "08:30-16:30",
    categories: tuple[str, ...] = ("public",),
    tz: str | None = None,
) -> Calendar:
    return Calendar(
        tz or ZONES[jurisdiction],
        WeeklyHours.parse(hours),
        HolidaySource.parse(jurisdiction, categories),
    )


def local(calendar: Calendar, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(calendar.tz))


# (jurisdiction, categories, received local time, within, expected due instant with offset)
DUE_CASES = [
    # The example: Tue 23 June 2026; Wed 24 June is Saint-Jean-Baptiste in Quebec.
    ("CA-QC", ("public",), "2026-06-23T15:10", "2 business days", "2026-06-26T16:30:00-04:00"),
    # Fri 21 June 2024 16:45, after close; Mon 24 June 2024 is Saint-Jean: day 0 Tue 25, day 1 Wed.
    ("CA-QC", ("public",), "2024-06-21T16:45", "1 business day", "2024-06-26T16:30:00-04:00"),
    # Mon 23 June 2025 in hours; Tue 24 June 2025 Saint-Jean; day 1 is Wed 25.
    ("CA-QC", ("public",), "2025-06-23T10:00", "1 business day", "2025-06-25T16:30:00-04:00"),
    # Wed 23 June 2027 after close; Thu 24 Saint-Jean; day 0 Fri 25; day 1 Mon 28.
    ("CA-QC", ("public",), "2027-06-23T16:45", "1 business day", "2027-06-28T16:30:00-04:00"),
    # Fri 15 May 2026 16:45 before National Patriots' Day (Mon 18): day 0 Tue 19, day 1 Wed 20.
    ("CA-QC", ("public",), "2026-05-15T16:45", "1 business day", "2026-05-20T16:30:00-04:00"),
    # Federally, Victoria Day is not in the package's "public" category: day 0 is Mon 18 May.
    ("CA", ("public",), "2026-05-15T16:45", "1 business day", "2026-05-19T16:30:00-04:00"),
    # ...but it is in "government" (the federal public service): day 0 Tue 19, day 1 Wed 20.
    ("CA", ("government",), "2026-05-15T16:45", "1 business day", "2026-05-20T16:30:00-04:00"),
    # Fri 4 Sept 2026 16:45 before Labour Day (Mon 7): day 0 Tue 8, day 2 Thu 10.
    ("CA-ON", ("public",), "2026-09-04T16:45", "2 business days", "2026-09-10T16:30:00-04:00"),
    # Thu 2 April 2026 16:45 before Good Friday (3 April): day 0 Mon 6, day 1 Tue 7.
    ("CA-QC", ("public",), "2026-04-02T16:45", "1 business day", "2026-04-07T16:30:00-04:00"),
    # Thu 24 Dec 2026: Fri 25 Christmas, Sat 26 Boxing Day observed Mon 28: day 1 Tue 29.
    ("CA-ON", ("public",), "2026-12-24T10:00", "1 business day", "2026-12-29T16:30:00-05:00"),
    # Fri 24 Dec 2027: Christmas (Sat) observed Mon 27, Boxing Day (Sun) observed Tue 28.
    ("CA-ON", ("public",), "2027-12-24T12:00", "1 business day", "2027-12-29T16:30:00-05:00"),
    # Year end: Thu 31 Dec 2026; Fri 1 Jan 2027 New Year's Day; day 1 Mon 4, day 2 Tue 5.
    ("CA-ON", ("public",), "2026-12-31T15:00", "2 business days", "2027-01-05T16:30:00-05:00"),
    # National Day for Truth and Reconciliation, Wed 30 Sept 2026, federal "government" category.
    ("CA", ("government",), "2026-09-29T10:00", "1 business day", "2026-10-01T16:30:00-04:00"),
    # Not in the federal "public" category: day 1 is Wed 30 Sept.
    ("CA", ("public",), "2026-09-29T10:00", "1 business day", "2026-09-30T16:30:00-04:00"),
    # British Columbia has it as a public holiday: Tue 30 Sept 2025 skipped; day 1 Wed 1 Oct.
    ("CA-BC", ("public",), "2025-09-29T10:00", "1 business day", "2025-10-01T16:30:00-07:00"),
    # Civic Holiday is public in the Northwest Territories (Mon 3 Aug 2026): day 0 Tue 4, day 1 Wed.
    ("CA-NT", ("public",), "2026-07-31T16:45", "1 business day", "2026-08-05T16:30:00-06:00"),
    # ...but not public in Ontario (the package lists it as optional): day 0 Mon 3, day 1 Tue 4.
    ("CA-ON", ("public",), "2026-07-31T16:45", "1 business day", "2026-08-04T16:30:00-04:00"),
    # Canada Day on Sunday 1 July 2029 is observed Mon 2 July in Quebec: day 0 Tue 3, day 1 Wed 4.
    ("CA-QC", ("public",), "2029-06-29T16:45", "1 business day", "2029-07-04T16:30:00-04:00"),
    # Saint-Jean on Sunday 24 June 2029, observed Mon 25: day 0 Tue 26, day 1 Wed 27.
    ("CA-QC", ("public",), "2029-06-22T16:45", "1 business day", "2029-06-27T16:30:00-04:00"),
    # Spring forward (Sun 8 March 2026): Fri 15:00 EST + 2 business hours = 1.5 h Fri, 0.5 h Mon.
    ("CA-QC", ("public",), "2026-03-06T15:00", "2 business hours", "2026-03-09T09:00:00-04:00"),
    # Fall back (Sun 1 Nov 2026): Fri 15:00 EDT + 2 business hours, Mon in EST.
    ("CA-QC", ("public",), "2026-10-30T15:00", "2 business hours", "2026-11-02T09:00:00-05:00"),
    # Newfoundland (-02:30 in summer): Tue 30 June 2026; Wed 1 July is Canada Day / Memorial Day.
    ("CA-NL", ("public",), "2026-06-30T16:00", "1 business day", "2026-07-02T16:30:00-02:30"),
    # Half an hour left on Tue, then half an hour on Thu 2 July.
    ("CA-NL", ("public",), "2026-06-30T16:00", "1 business hour", "2026-07-02T09:00:00-02:30"),
    # Newfoundland in winter (-03:30): Fri 2 Jan 2026 16:00, 0.5 h Fri then 1.5 h Mon 5 Jan.
    ("CA-NL", ("public",), "2026-01-02T16:00", "2 business hours", "2026-01-05T10:00:00-03:30"),
    # 45 business minutes from Tue 16:00: 30 min Tue, Wed 24 is a holiday, 15 min Thu.
    ("CA-QC", ("public",), "2026-06-23T16:00", "45 business minutes", "2026-06-25T08:45:00-04:00"),
    # N = 0 in hours: close of day 0.
    ("CA-QC", ("public",), "2026-06-23T10:00", "0 business days", "2026-06-23T16:30:00-04:00"),
    # N = 0 after hours: day 0 is the next opening's day; Wed 24 is a holiday, so Thu 25.
    ("CA-QC", ("public",), "2026-06-23T17:00", "0 business days", "2026-06-25T16:30:00-04:00"),
    # Received on a holiday (Wed 24 June 2026): day 0 Thu 25, day 1 Fri 26.
    ("CA-QC", ("public",), "2026-06-24T11:00", "1 business day", "2026-06-26T16:30:00-04:00"),
    # Received before opening on a business day: that day is day 0.
    ("CA-QC", ("public",), "2026-06-23T07:00", "1 business day", "2026-06-25T16:30:00-04:00"),
    # Received on a Saturday: day 0 is Monday 22 June, day 2 skips Wed 24: Thu 25.
    ("CA-QC", ("public",), "2026-06-20T10:00", "2 business days", "2026-06-25T16:30:00-04:00"),
    # 30 calendar days from Tue 23 June: Thu 23 July, due by the end of that day.
    ("CA-QC", ("public",), "2026-06-23T15:10", "30 calendar days", "2026-07-24T00:00:00-04:00"),
    # 30 calendar days from Mon 1 June end on Wed 1 July (Canada Day): rolls to Thu 2 July.
    ("CA-QC", ("public",), "2026-06-01T10:00", "30 calendar days", "2026-07-03T00:00:00-04:00"),
    # 30 calendar days from Thu 4 June end on Sat 4 July: rolls to Mon 6 July.
    ("CA-QC", ("public",), "2026-06-04T10:00", "30 calendar days", "2026-07-07T00:00:00-04:00"),
    # Elapsed minutes ignore hours and cross the spring-forward gap: 01:00 EST + 90 min.
    ("CA-QC", ("public",), "2026-03-08T01:00", "90 minutes", "2026-03-08T03:30:00-04:00"),
    # Elapsed seconds ignore closing time.
    ("CA-QC", ("public",), "2026-06-23T16:29:30", "60 seconds", "2026-06-23T16:30:30-04:00"),
]


@pytest.mark.parametrize(
    ("jurisdiction", "categories", "received", "within", "expected"), DUE_CASES
)
def test_due_at_on_real_calendars(
    jurisdiction: str, categories: tuple[str, ...], received: str, within: str, expected: str
) -> None:
    calendar = office(jurisdiction, categories=categories)
    due = due_at(calendar, local(calendar, received), Within.parse(within))
    assert due.isoformat() == expected


# (jurisdiction, categories, date, expected name) — 2024–2027, one row per holiday and year.
HOLIDAY_CASES = [
    *[("CA-QC", ("public",), f"{y}-06-24", "Saint Jean Baptiste Day") for y in range(2024, 2028)],
    *[("CA", ("public",), f"{y}-07-01", "Canada Day") for y in range(2024, 2028)],
    *[
        ("CA", ("government",), f"{y}-09-30", "National Day for Truth and Reconciliation")
        for y in range(2024, 2028)
    ],
    ("CA-NT", ("public",), "2024-08-05", "Civic Holiday"),
    ("CA-NT", ("public",), "2025-08-04", "Civic Holiday"),
    ("CA-NT", ("public",), "2026-08-03", "Civic Holiday"),
    ("CA-NT", ("public",), "2027-08-02", "Civic Holiday"),
    ("CA-ON", ("public",), "2026-12-28", "Boxing Day (observed)"),
    ("CA-ON", ("public",), "2027-12-27", "Christmas Day (observed)"),
    ("CA-ON", ("public",), "2027-12-28", "Boxing Day (observed)"),
    ("CA-QC", ("public",), "2029-07-02", "Canada Day (observed)"),
]


@pytest.mark.parametrize(("jurisdiction", "categories", "day", "name"), HOLIDAY_CASES)
def test_holidays_are_not_business_days(
    jurisdiction: str, categories: tuple[str, ...], day: str, name: str
) -> None:
    calendar = office(jurisdiction, categories=categories)
    holiday = date.fromisoformat(day)
    assert not is_business_day(calendar, holiday)
    assert day_status(calendar, holiday) == ("holiday", name)
    # The holiday, and nothing else, closes the day: removing it reopens a weekday.
    reopened = Calendar(calendar.tz, calendar.hours, calendar.holidays, removed_dates=(holiday,))
    assert is_business_day(reopened, holiday) == (holiday.weekday() < 5)


def test_civic_holiday_is_only_optional_in_ontario() -> None:
    assert is_business_day(office("CA-ON"), date(2026, 8, 3))
    assert not is_business_day(office("CA-ON", categories=("optional",)), date(2026, 8, 3))


def test_truth_and_reconciliation_is_not_in_the_federal_public_category() -> None:
    assert is_business_day(office("CA"), date(2026, 9, 30))


SEVEN_DAYS = "mon-sun 08:30-16:30"


@pytest.mark.parametrize("sunday", ["2026-03-08", "2026-11-01", "2025-03-09", "2025-11-02"])
def test_a_dst_sunday_has_eight_business_hours(sunday: str) -> None:
    calendar = office("CA-QC", SEVEN_DAYS)
    day = date.fromisoformat(sunday)
    start = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(calendar.tz))
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=start.tzinfo)
    # Really a DST day: 23 or 25 hours long (subtract in UTC: same-zone subtraction is wall-clock).
    assert end.astimezone(UTC) - start.astimezone(UTC) != timedelta(hours=24)
    assert business_time_between(calendar, start, end) == timedelta(hours=8)


def test_business_hours_across_a_dst_sunday_office() -> None:
    calendar = office("CA-QC", SEVEN_DAYS)
    # Sat 7 March 2026 at closing (EST); 8 business hours are all of Sunday (now EDT).
    due = due_at(calendar, local(calendar, "2026-03-07T16:30"), Within.parse("8 business hours"))
    assert due.isoformat() == "2026-03-08T16:30:00-04:00"
    # Sun 1 Nov 2026 (back to EST) 10:00, 0 business days: close of that Sunday.
    due = due_at(calendar, local(calendar, "2026-11-01T10:00"), Within.parse("0 business days"))
    assert due.isoformat() == "2026-11-01T16:30:00-05:00"


QC = "CA-QC"


def test_pause_spanning_a_holiday() -> None:
    calendar = office(QC)
    received = local(calendar, "2026-06-22T09:30")  # Mon; 3 business days: Tue 1, Thu 2, Fri 3
    within = Within.parse("3 business days")
    assert due_at(calendar, received, within).isoformat() == "2026-06-26T16:30:00-04:00"
    # Awaiting the client Tue 12:00 to Thu 12:00: Tue 4.5 h + Wed (Saint-Jean) 0 h + Thu 3.5 h
    # = 8 business hours paused, so the due instant moves 8 business hours: Mon 29 June 16:30.
    pause = Interval(local(calendar, "2026-06-23T12:00"), local(calendar, "2026-06-25T12:00"))
    due = due_at(calendar, received, within, pauses=[pause])
    assert due.isoformat() == "2026-06-29T16:30:00-04:00"
    spent = business_time_between(calendar, received, due, pauses=[pause])
    assert spent == business_time_between(calendar, received, local(calendar, "2026-06-26T16:30"))


def test_closure_inside_a_pause() -> None:
    storm = Closure(
        Interval(
            datetime(2026, 6, 25, 0, 0, tzinfo=ZoneInfo("America/Montreal")),
            datetime(2026, 6, 26, 0, 0, tzinfo=ZoneInfo("America/Montreal")),
        ),
        "Ice storm",
    )
    base = office(QC)
    calendar = Calendar(base.tz, base.hours, base.holidays, closures=(storm,))
    received = local(calendar, "2026-06-22T09:30")
    within = Within.parse("3 business days")
    # Closed Thu 25 (storm) and Wed 24 (Saint-Jean): Tue 1, Fri 2, Mon 29 = 3.
    assert due_at(calendar, received, within).isoformat() == "2026-06-29T16:30:00-04:00"
    assert day_status(calendar, date(2026, 6, 25)) == ("closure", "Ice storm")
    # Pause Tue 12:00 to Fri 12:00: Tue 4.5 h + Fri 3.5 h; the storm day is not counted twice.
    pause = Interval(local(calendar, "2026-06-23T12:00"), local(calendar, "2026-06-26T12:00"))
    due = due_at(calendar, received, within, pauses=[pause])
    assert due.isoformat() == "2026-06-30T16:30:00-04:00"


def test_a_partial_closure_keeps_the_business_day() -> None:
    base = office(QC)
    zone = ZoneInfo(base.tz)
    outage = Closure(
        Interval(datetime(2026, 6, 25, 12, tzinfo=zone), datetime(2026, 6, 25, 18, tzinfo=zone)),
        "System outage",
    )
    calendar = Calendar(base.tz, base.hours, base.holidays, closures=(outage,))
    due = due_at(calendar, local(calendar, "2026-06-23T15:10"), Within.parse("1 business day"))
    assert due.isoformat() == "2026-06-25T12:00:00-04:00"  # Thu closes early at 12:00
    assert not is_open(calendar, local(calendar, "2026-06-25T13:00"))
    assert next_opening(calendar, local(calendar, "2026-06-25T13:00")).isoformat() == (
        "2026-06-26T08:30:00-04:00"
    )


def test_split_shifts() -> None:
    calendar = office(QC, "08:30-12:00,13:00-16:30")
    received = local(calendar, "2026-06-23T12:15")  # Tue, during the lunch break
    assert next_opening(calendar, received).isoformat() == "2026-06-23T13:00:00-04:00"
    # 4 business hours: 13:00–16:30 (3.5 h), then Thu 08:30 + 0.5 h.
    due = due_at(calendar, received, Within.parse("4 business hours"))
    assert due.isoformat() == "2026-06-25T09:00:00-04:00"
    # The lunch break is on a business day, so Tue is still day 0.
    due = due_at(calendar, received, Within.parse("2 business days"))
    assert due.isoformat() == "2026-06-26T16:30:00-04:00"
    assert business_time_between(
        calendar, local(calendar, "2026-06-23T08:00"), local(calendar, "2026-06-23T18:00")
    ) == timedelta(hours=7)


def test_added_and_removed_holidays() -> None:
    base = office(QC)
    received = local(base, "2026-06-23T15:10")
    within = Within.parse("2 business days")
    added = Calendar(base.tz, base.hours, base.holidays, added_holidays=((date(2026, 6, 26), "X"),))
    assert due_at(added, received, within).isoformat() == "2026-06-29T16:30:00-04:00"
    removed = Calendar(base.tz, base.hours, base.holidays, removed_dates=(date(2026, 6, 24),))
    assert due_at(removed, received, within).isoformat() == "2026-06-25T16:30:00-04:00"


def test_effective_calendar_changes_hours_and_zone_without_rewriting_history() -> None:
    montreal = office(QC)
    winnipeg = Calendar("America/Winnipeg", WeeklyHours.parse("09:00-17:00"), HolidaySource("CA"))
    calendar = EffectiveCalendar(((date(2024, 1, 1), montreal), (date(2026, 7, 1), winnipeg)))
    within = Within.parse("1 business day")
    # Before the change: the Montreal calendar alone.
    before = local(montreal, "2026-06-19T10:00")
    assert due_at(calendar, before, within) == due_at(montreal, before, within)
    # Tue 30 June in Montreal; Wed 1 July is Canada Day; Thu 2 July closes at 17:00 Winnipeg time.
    due = due_at(calendar, local(montreal, "2026-06-30T10:00"), within)
    assert due.isoformat() == "2026-07-02T17:00:00-05:00"


CONVENTION_CASES = [
    # Sat 20 June: day 0 the receipt date; day 1 Mon 22, day 2 Tue 23.
    (DayConvention(day_zero=DayZero.RECEIPT_DATE), "2026-06-20T10:00", "2 business days",
     "2026-06-23T16:30:00-04:00"),
    # Mon 22 June 17:00: counting starts the next business day, Tue 23, whatever the hour.
    (DayConvention(day_zero=DayZero.RECEIPT_DATE), "2026-06-22T17:00", "1 business day",
     "2026-06-23T16:30:00-04:00"),
    # The default reads the same receipt as day 0 Tue 23, so day 1 is Thu 25 (Wed is Saint-Jean).
    (DayConvention(), "2026-06-22T17:00", "1 business day", "2026-06-25T16:30:00-04:00"),
    # In hours, counting from the next business day is the same as the default.
    (DayConvention(day_zero=DayZero.RECEIPT_DATE), "2026-06-23T15:10", "2 business days",
     "2026-06-26T16:30:00-04:00"),
    # Same clock time on day N: Tue 15:10, day 1 is Thu 25 at 15:10.
    (DayConvention(due_time=DueTime.SAME_CLOCK_TIME), "2026-06-23T15:10", "1 business day",
     "2026-06-25T15:10:00-04:00"),
    # Same clock time after hours: the clock starts Mon 08:30, so due Tue 08:30.
    (DayConvention(due_time=DueTime.SAME_CLOCK_TIME), "2026-06-19T16:45", "1 business day",
     "2026-06-23T08:30:00-04:00"),
    # Calendar days that end on a holiday (Wed 1 July) stay there when the rule says so.
    (DayConvention(closed_due_date=ClosedDueDate.STAYS), "2026-06-01T10:00", "30 calendar days",
     "2026-07-02T00:00:00-04:00"),
]  # fmt: skip


@pytest.mark.parametrize(("convention", "received", "within", "expected"), CONVENTION_CASES)
def test_day_conventions(
    convention: DayConvention, received: str, within: str, expected: str
) -> None:
    calendar = office(QC)
    due = due_at(calendar, local(calendar, received), Within.parse(within), convention=convention)
    assert due.isoformat() == expected


def test_same_clock_time_is_kept_within_shorter_hours_on_day_n() -> None:
    base = office(QC)
    hours = WeeklyHours.parse("mon-thu 08:30-16:30; fri 08:30-12:00")
    calendar = Calendar(base.tz, hours, base.holidays)
    convention = DayConvention(due_time=DueTime.SAME_CLOCK_TIME)
    # Thu 25 June 15:10, 1 business day: Fri 26 closes at 12:00, so due at 12:00.
    due = due_at(
        calendar,
        local(calendar, "2026-06-25T15:10"),
        Within(1, "business_days"),
        convention=convention,
    )
    assert due.isoformat() == "2026-06-26T12:00:00-04:00"


def test_add_business_time_and_measure() -> None:
    calendar = office(QC)
    start = local(calendar, "2026-06-23T15:10")
    end = add_business_time(calendar, start, timedelta(hours=8))
    assert end.isoformat() == "2026-06-25T15:10:00-04:00"
    assert business_time_between(calendar, start, end) == timedelta(hours=8)
    assert business_time_between(calendar, end, start) == timedelta(0)
    assert add_business_time(calendar, start, Within.parse("2 business days")) == due_at(
        calendar, start, Within.parse("2 business days")
    )


def test_pauses_on_elapsed_and_calendar_day_limits() -> None:
    calendar = office(QC)
    received = local(calendar, "2026-06-23T10:00")
    pause = Interval(local(calendar, "2026-06-23T10:30"), local(calendar, "2026-06-23T11:00"))
    due = due_at(calendar, received, Within.parse("60 minutes"), pauses=[pause, pause])
    assert due.isoformat() == "2026-06-23T11:30:00-04:00"
    # 1 calendar day from Tue: Wed 24 (Saint-Jean, closed) rolls to Thu 25, due by its end;
    # a 2-day pause then adds 48 elapsed hours: Sat 27 at 00:00 (not rolled again).
    assert due_at(calendar, received, Within.parse("1 calendar day")).isoformat() == (
        "2026-06-26T00:00:00-04:00"
    )
    long_pause = Interval(local(calendar, "2026-06-23T12:00"), local(calendar, "2026-06-25T12:00"))
    due = due_at(calendar, received, Within.parse("1 calendar day"), pauses=[long_pause])
    assert due.isoformat() == "2026-06-28T00:00:00-04:00"


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("2 business days", 2, "business_days"),
        ("1 business day", 1, "business_days"),
        ("5 working days", 5, "business_days"),
        ("8 business hours", 8, "business_hours"),
        ("30 calendar days", 30, "calendar_days"),
        ("90 minutes", 90, "minutes"),
        ("60 Seconds", 60, "seconds"),
        ("15 business minutes", 15, "business_minutes"),
    ],
)
def test_within_parse(text: str, amount: int, unit: str) -> None:
    within = Within.parse(text)
    assert (within.amount, within.unit) == (amount, unit)


@pytest.mark.parametrize(
    "text", ["", "2 days", "two business days", "-1 business day", "2 fortnights"]
)
def test_within_parse_refuses_nonsense(text: str) -> None:
    with pytest.raises(BusinessTimeError) as caught:
        Within.parse(text)
    assert caught.value.code is ErrorCode.INVALID_DURATION


@pytest.mark.parametrize(
    ("text", "monday", "saturday"),
    [
        ("08:30-16:30", ((510, 990),), ()),
        ("08:30-12:00,13:00-16:30", ((510, 720), (780, 990)), ()),
        ("mon-fri 08:30-16:30; sat 09:00-12:00", ((510, 990),), ((540, 720),)),
        ("mon-sun 00:00-24:00", ((0, 1440),), ((0, 1440),)),
    ],
)
def test_weekly_hours_parse(text: str, monday: tuple, saturday: tuple) -> None:
    hours = WeeklyHours.parse(text)
    assert hours.shifts[0] == monday
    assert hours.shifts[5] == saturday
    assert WeeklyHours.parse(str(hours)) == hours


@pytest.mark.parametrize(
    "text", ["8:30", "16:30-08:30", "08:30-12:00,11:00-16:30", "mon-fru 08:30-16:30", "25:00-26:00"]
)
def test_weekly_hours_refuses_nonsense(text: str) -> None:
    with pytest.raises(BusinessTimeError) as caught:
        WeeklyHours.parse(text)
    assert caught.value.code is ErrorCode.INVALID_HOURS


def test_weekly_hours_from_mapping_and_never_open() -> None:
    hours = WeeklyHours.from_mapping({0: "08:30-16:30", "saturday": "09:00-12:00"})
    assert hours.shifts[0] == ((510, 990),) and hours.shifts[5] == ((540, 720),)
    assert hours.shifts[1] == ()
    with pytest.raises(BusinessTimeError) as caught:
        WeeklyHours.parse("mon closed")
    assert caught.value.code is ErrorCode.NO_BUSINESS_TIME


@pytest.mark.parametrize(
    ("jurisdiction", "categories", "code"),
    [
        ("CA-XX", ("public",), ErrorCode.UNKNOWN_SUBDIVISION),
        ("ZZ", ("public",), ErrorCode.UNKNOWN_COUNTRY),
        ("CA", ("bogus",), ErrorCode.UNKNOWN_CATEGORY),
        ("Canada", ("public",), ErrorCode.INVALID_HOLIDAY_JURISDICTION),
        ("CA-", ("public",), ErrorCode.INVALID_HOLIDAY_JURISDICTION),
    ],
)
def test_holiday_source_refuses_unknown_jurisdictions(
    jurisdiction: str, categories: tuple[str, ...], code: ErrorCode
) -> None:
    with pytest.raises(BusinessTimeError) as caught:
        HolidaySource.parse(jurisdiction, categories)
    assert caught.value.code is code


def test_bad_values_are_refused() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        Calendar("Mars/Olympus", WeeklyHours.parse("08:30-16:30"))
    assert caught.value.code is ErrorCode.UNKNOWN_TIME_ZONE
    calendar = office(QC)
    with pytest.raises(BusinessTimeError) as caught:
        due_at(calendar, datetime(2026, 6, 23, 10), Within.parse("1 business day"))  # noqa: DTZ001
    assert caught.value.code is ErrorCode.NAIVE_DATETIME
    with pytest.raises(BusinessTimeError) as caught:
        Interval(local(calendar, "2026-06-23T10:00"), local(calendar, "2026-06-23T09:00"))
    assert caught.value.code is ErrorCode.INVALID_INTERVAL
    with pytest.raises(BusinessTimeError):
        Within(-1, "business_days")
    with pytest.raises(BusinessTimeError):
        add_business_time(calendar, local(calendar, "2026-06-23T10:00"), timedelta(hours=-1))
    with pytest.raises(BusinessTimeError) as caught:
        EffectiveCalendar(())
    assert caught.value.code is ErrorCode.EMPTY_EFFECTIVE_CALENDAR


def test_interval_parse_reads_local_and_offset_instants() -> None:
    pause = Interval.parse("2026-06-23T12:00/2026-06-25T12:00-04:00", "America/Montreal")
    assert pause.start.isoformat() == "2026-06-23T12:00:00-04:00"
    assert pause.end.utcoffset() == timedelta(hours=-4)
    with pytest.raises(BusinessTimeError):
        Interval.parse("2026-06-23T12:00", "America/Montreal")
    with pytest.raises(BusinessTimeError):
        Interval.parse("yesterday/today", "America/Montreal")


def test_an_office_open_around_the_clock_counts_real_hours() -> None:
    calendar = office(QC, "mon-sun 00:00-24:00")
    start = local(calendar, "2026-03-07T12:00")  # Sat, EST; the clocks spring forward Sunday 02:00
    end = local(calendar, "2026-03-08T12:00")  # Sun, EDT: 23 real hours later
    assert business_time_between(calendar, start, end) == timedelta(hours=23)
    assert due_at(calendar, start, Within.parse("24 business hours")).isoformat() == (
        "2026-03-08T13:00:00-04:00"
    )


def test_business_time_over_several_years() -> None:
    calendar = office(QC)
    start, end = local(calendar, "2024-01-01T00:00"), local(calendar, "2028-01-01T00:00")
    # 2024–2027 have 262 + 261 + 261 + 261 = 1,045 weekdays (2024 is a leap year starting on a
    # Monday). Quebec's public holidays falling on weekdays: 8 a year (in 2027 Christmas is a
    # Saturday but is observed Monday 27 December), so 32.
    total = business_time_between(calendar, start, end)
    weekdays = sum(
        1
        for n in range((end.date() - start.date()).days)
        if (start.date() + timedelta(n)).weekday() < 5
    )
    assert weekdays == 1045
    assert total == timedelta(hours=8) * (1045 - 32)
    assert add_business_time(calendar, start, total) == local(calendar, "2027-12-31T16:30")


def test_a_calendar_that_never_opens_again_is_refused() -> None:
    base = office(QC)
    zone = ZoneInfo(base.tz)
    forever = Closure(
        Interval(datetime(2026, 1, 1, tzinfo=zone), datetime(2050, 1, 1, tzinfo=zone)), "Closed"
    )
    calendar = Calendar(base.tz, base.hours, base.holidays, closures=(forever,))
    with pytest.raises(BusinessTimeError) as caught:
        due_at(calendar, local(calendar, "2026-06-23T10:00"), Within.parse("1 business day"))
    assert caught.value.code is ErrorCode.NO_BUSINESS_TIME
    with pytest.raises(BusinessTimeError) as caught:
        add_business_time(calendar, local(calendar, "2025-12-31T10:00"), timedelta(hours=30))
    assert caught.value.code is ErrorCode.NO_BUSINESS_TIME
    with pytest.raises(BusinessTimeError) as caught:
        due_at(base, local(base, "9998-12-30T10:00"), Within.parse("10 business days"))
    assert caught.value.code is ErrorCode.OUT_OF_RANGE
