"""Properties of business-time arithmetic, and the batch path against the scalar path."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.businesstime import (
    BusinessTimeError,
    Calendar,
    ClosedDueDate,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    HolidaySource,
    Interval,
    TimeUnit,
    WeeklyHours,
    Within,
    add_business_time,
    business_time_between,
    business_time_between_batch,
    due_at,
    due_at_batch,
    explain_due_at,
)

MONTREAL = ZoneInfo("America/Montreal")
QUEBEC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
NEWFOUNDLAND = Calendar(
    "America/St_Johns",
    WeeklyHours.parse("mon-fri 08:30-12:00,13:00-16:30; sat 09:00-12:00"),
    HolidaySource("CA", "NL"),
)
SEVEN_DAYS = Calendar(
    "America/Vancouver",
    WeeklyHours.parse("mon-sun 00:30-03:30,08:30-16:30"),  # night shift crosses the DST hour
    HolidaySource("CA", "BC"),
    closures=(
        Closure(
            Interval(
                datetime(2025, 2, 3, 11, tzinfo=ZoneInfo("America/Vancouver")),
                datetime(2025, 2, 5, 10, tzinfo=ZoneInfo("America/Vancouver")),
            ),
            "Snow storm",
        ),
    ),
)
CHANGING = EffectiveCalendar(
    (
        (date(2020, 1, 1), QUEBEC),
        (
            date(2025, 7, 1),
            Calendar("America/Winnipeg", WeeklyHours.parse("09:00-17:00"), HolidaySource("CA")),
        ),
        (date(2026, 4, 1), NEWFOUNDLAND),
    )
)
CALENDARS = [QUEBEC, NEWFOUNDLAND, SEVEN_DAYS, CHANGING]

LOW = datetime(2024, 1, 1, tzinfo=UTC)
HIGH = datetime(2027, 12, 31, tzinfo=UTC)
SPAN_US = int((HIGH - LOW) / timedelta(microseconds=1))

calendars = st.sampled_from(CALENDARS)
# Instants on whole minutes most of the time (like real timestamps), any microsecond otherwise.
instants = st.one_of(
    st.integers(0, SPAN_US // 60_000_000).map(lambda m: LOW + timedelta(minutes=m)),
    st.integers(0, SPAN_US).map(lambda us: LOW + timedelta(microseconds=us)),
)
amounts = st.integers(0, 300 * 60).map(lambda minutes: timedelta(minutes=minutes))
units = st.sampled_from(list(TimeUnit))
conventions = st.builds(
    DayConvention,
    day_zero=st.sampled_from(list(DayZero)),
    due_time=st.sampled_from(list(DueTime)),
    closed_due_date=st.sampled_from(list(ClosedDueDate)),
)


@st.composite
def pauses_near(draw: st.DrawFn, anchor: datetime, count: int = 3) -> list[Interval]:
    result = []
    for _ in range(draw(st.integers(0, count))):
        offset = draw(st.integers(-3 * 24 * 60, 20 * 24 * 60))
        length = draw(st.integers(0, 6 * 24 * 60))
        start = anchor + timedelta(minutes=offset)
        result.append(Interval(start, start + timedelta(minutes=length)))
    return result


@st.composite
def limits(draw: st.DrawFn) -> Within:
    unit = draw(units)
    top = {"business_days": 30, "calendar_days": 60}.get(unit.value, 3000)
    return Within(draw(st.integers(0, top)), unit)


# BT_EXAMPLES=2000 runs a deeper search (used before each commit of the engine).
EXAMPLES = int(os.environ.get("BT_EXAMPLES", "150"))
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(calendars, instants, amounts, st.data())
def test_adding_then_measuring_gives_back_the_amount(
    calendar: Calendar, start: datetime, amount: timedelta, data: st.DataObject
) -> None:
    pauses = data.draw(pauses_near(start))
    end = add_business_time(calendar, start, amount, pauses=pauses)
    assert end >= start
    assert business_time_between(calendar, start, end, pauses=pauses) == amount
    # ...and it is the earliest such instant: a microsecond less measures less (if amount > 0).
    if amount:
        earlier = end - timedelta(microseconds=1)
        assert business_time_between(calendar, start, earlier, pauses=pauses) < amount


@FAST
@given(calendars, instants, instants, instants, st.data())
def test_business_time_is_monotone_and_additive(
    calendar: Calendar, a: datetime, b: datetime, c: datetime, data: st.DataObject
) -> None:
    a, b, c = sorted((a, b, c))
    pauses = data.draw(pauses_near(a, 2))
    ab = business_time_between(calendar, a, b, pauses=pauses)
    bc = business_time_between(calendar, b, c, pauses=pauses)
    ac = business_time_between(calendar, a, c, pauses=pauses)
    assert ab + bc == ac
    assert timedelta(0) <= ab <= ac
    assert ac <= business_time_between(calendar, a, c)  # pauses only remove time
    assert ac <= c - a


@FAST
@given(calendars, instants, limits(), conventions, st.data())
def test_pauses_only_lengthen_the_due_date(
    calendar: Calendar,
    received: datetime,
    within: Within,
    convention: DayConvention,
    data: st.DataObject,
) -> None:
    pauses = data.draw(pauses_near(received))
    extra = data.draw(pauses_near(received))
    plain = due_at(calendar, received, within, convention=convention)
    paused = due_at(calendar, received, within, pauses=pauses, convention=convention)
    more = due_at(calendar, received, within, pauses=pauses + extra, convention=convention)
    # In UTC: Python orders two datetimes of the same zone by wall clock, wrong in a repeated hour.
    assert received <= plain.astimezone(UTC) <= paused.astimezone(UTC) <= more.astimezone(UTC)
    assert (
        explain_due_at(calendar, received, within, pauses=pauses, convention=convention)[-1].params[
            "instant"
        ]
        == paused
    )


@FAST
@given(calendars, instants, instants, limits())
def test_later_receipt_and_longer_limit_never_give_an_earlier_due_date(
    calendar: Calendar, first: datetime, second: datetime, within: Within
) -> None:
    first, second = sorted((first, second))

    def due(received: datetime, limit: Within) -> datetime:
        return due_at(calendar, received, limit).astimezone(UTC)

    assert due(first, within) <= due(second, within)
    assert due(first, within) <= due(first, Within(within.amount + 1, within.unit))


@FAST
@given(calendars, instants, st.integers(0, 10))
def test_business_hours_limit_measures_back_to_its_amount(
    calendar: Calendar, received: datetime, hours: int
) -> None:
    due = due_at(calendar, received, Within(hours, TimeUnit.BUSINESS_HOURS))
    assert business_time_between(calendar, received, due) == timedelta(hours=hours)


def _as_numpy(moments: list[datetime]) -> np.ndarray:
    return np.array(
        [np.datetime64(m.astimezone(UTC).replace(tzinfo=None), "us") for m in moments],
        dtype="datetime64[us]",
    )


def _as_datetime(value: np.datetime64) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(value.astype(np.int64)))


batch_conventions = conventions


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calendars,
    st.lists(instants, min_size=1, max_size=40),
    limits(),
    batch_conventions,
    st.booleans(),
    st.data(),
)
def test_batch_equals_scalar(
    calendar: Calendar,
    received: list[datetime],
    within: Within,
    convention: DayConvention,
    with_pauses: bool,
    data: st.DataObject,
) -> None:
    pauses = [data.draw(pauses_near(moment, 2)) if with_pauses else [] for moment in received]
    width = max((len(p) for p in pauses), default=0)
    kwargs = {}
    if width:
        nat = np.datetime64("NaT", "us")
        starts = np.full((len(received), width), nat)
        ends = np.full((len(received), width), nat)
        for row, row_pauses in enumerate(pauses):
            for k, pause in enumerate(row_pauses):
                starts[row, k] = _as_numpy([pause.start])[0]
                ends[row, k] = _as_numpy([pause.end])[0]
        kwargs = {"pause_starts": starts, "pause_ends": ends}
    batch = due_at_batch(calendar, _as_numpy(received), within, convention=convention, **kwargs)
    for row, moment in enumerate(received):
        scalar = due_at(calendar, moment, within, pauses=pauses[row], convention=convention)
        assert _as_datetime(batch[row]) == scalar.astimezone(UTC), (row, moment, pauses[row])


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(calendars, st.lists(st.tuples(instants, instants), min_size=1, max_size=40), st.data())
def test_batch_business_time_equals_scalar(
    calendar: Calendar, spans: list[tuple[datetime, datetime]], data: st.DataObject
) -> None:
    pauses = [data.draw(pauses_near(start, 1)) for start, _ in spans]
    nat = np.datetime64("NaT", "us")
    pause_starts = np.array([_as_numpy([p[0].start])[0] if p else nat for p in pauses])
    pause_ends = np.array([_as_numpy([p[0].end])[0] if p else nat for p in pauses])
    result = business_time_between_batch(
        calendar,
        _as_numpy([s for s, _ in spans]),
        _as_numpy([e for _, e in spans]),
        pause_starts=pause_starts,
        pause_ends=pause_ends,
    )
    for row, (start, end) in enumerate(spans):
        expected = business_time_between(calendar, start, end, pauses=pauses[row])
        assert timedelta(microseconds=int(result[row].astype(np.int64))) == expected


def test_batch_keeps_nat_and_shape() -> None:
    received = np.array(
        [["2026-06-23T19:10", "NaT"], ["2026-06-19T20:45", "2026-12-31T20:00"]],
        dtype="datetime64[us]",
    )
    due = due_at_batch(QUEBEC, received, Within.parse("2 business days"))
    assert due.shape == (2, 2)
    assert np.isnat(due[0, 1])
    # 19:10 UTC is 15:10 in Montreal: the example, due Fri 26 June 16:30 EDT = 20:30 UTC.
    assert due[0, 0] == np.datetime64("2026-06-26T20:30", "us")
    # Fri 19 June 16:45 EDT is after hours: day 0 Mon 22, day 2 Thu 25 (Wed 24 Saint-Jean).
    assert due[1, 0] == np.datetime64("2026-06-25T20:30", "us")
    # Thu 31 Dec 2026 15:00 EST: Fri 1 Jan New Year's Day; day 2 is Tue 5 Jan 16:30 EST.
    assert due[1, 1] == np.datetime64("2027-01-05T21:30", "us")


def test_batch_overlapping_unsorted_pauses_match_scalar() -> None:
    received = datetime(2026, 6, 22, 9, 30, tzinfo=MONTREAL)
    pauses = [
        Interval(
            datetime(2026, 6, 25, 9, tzinfo=MONTREAL), datetime(2026, 6, 26, 9, tzinfo=MONTREAL)
        ),
        Interval(
            datetime(2026, 6, 23, 12, tzinfo=MONTREAL), datetime(2026, 6, 25, 12, tzinfo=MONTREAL)
        ),
    ]
    within = Within.parse("3 business days")
    batch = due_at_batch(
        QUEBEC,
        _as_numpy([received]),
        within,
        pause_starts=_as_numpy([p.start for p in pauses]).reshape(1, 2),
        pause_ends=_as_numpy([p.end for p in pauses]).reshape(1, 2),
    )
    assert _as_datetime(batch[0]) == due_at(QUEBEC, received, within, pauses=pauses)


def test_batch_reaches_far_beyond_its_first_guess() -> None:
    received = _as_numpy([datetime(2026, 6, 23, 15, tzinfo=MONTREAL)])
    within = Within(600, TimeUnit.BUSINESS_DAYS)
    scalar = due_at(QUEBEC, datetime(2026, 6, 23, 15, tzinfo=MONTREAL), within)
    assert _as_datetime(due_at_batch(QUEBEC, received, within)[0]) == scalar
    assert scalar.year == 2028


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(
    st.sampled_from(["QC", "ON", "NL", None]),
    st.lists(st.integers(0, 6 * 365), min_size=1, max_size=50),
    st.integers(0, 40),
)
def test_whole_day_due_dates_agree_with_numpy_busday_offset(
    subdivision: str | None, offsets: list[int], amount: int
) -> None:
    """An independent oracle: received at 10:00 local, the due date is numpy's business day."""
    calendar = Calendar(
        "America/Toronto", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", subdivision)
    )
    zone = ZoneInfo(calendar.tz)
    days = [date(2024, 1, 1) + timedelta(days=offset) for offset in offsets]
    received = [datetime(d.year, d.month, d.day, 10, tzinfo=zone) for d in days]
    holidays = sorted(d for year in range(2024, 2033) for d in calendar.holidays_for_year(year))
    expected = np.busday_offset(
        np.array(days, dtype="datetime64[D]"), amount, roll="forward", holidays=holidays
    )
    within = Within(amount, TimeUnit.BUSINESS_DAYS)
    batch = due_at_batch(calendar, _as_numpy(received), within)
    for row, moment in enumerate(received):
        due = due_at(calendar, moment, within)
        assert due.date() == expected[row].astype(date)
        assert due.time().isoformat() == "16:30:00"
        assert _as_datetime(batch[row]) == due.astimezone(UTC)


SATURDAYS = Calendar(
    "America/Halifax", WeeklyHours.parse("sat 09:00-12:00"), HolidaySource("CA", "NS")
)


def test_batch_widens_its_table_when_its_first_guess_is_short() -> None:
    # Open 52 mornings a year: 300 business days is about six years, far beyond the first guess.
    received = [datetime(2024, 3, 5, 10, tzinfo=UTC), datetime(2026, 11, 1, 5, tzinfo=UTC)]
    for within in (Within(300, TimeUnit.BUSINESS_DAYS), Within(900, TimeUnit.BUSINESS_HOURS)):
        batch = due_at_batch(SATURDAYS, _as_numpy(received), within)
        expected = [due_at(SATURDAYS, moment, within) for moment in received]
        assert [_as_datetime(value) for value in batch] == [e.astimezone(UTC) for e in expected]
        assert expected[1].year >= 2031


def test_batch_refuses_bad_input() -> None:
    received = _as_numpy([datetime(2026, 6, 23, 19, tzinfo=UTC)])
    within = Within.parse("1 business day")
    cases = [
        ({"pause_starts": received}, "invalid_interval"),
        ({"pause_starts": received, "pause_ends": np.concatenate([received, received])}, None),
        ({"pause_starts": received, "pause_ends": received - np.timedelta64(1, "h")}, None),
    ]
    for kwargs, code in cases:
        try:
            due_at_batch(QUEBEC, received, within, **kwargs)
        except BusinessTimeError as error:
            assert code is None or error.code == code
        else:
            raise AssertionError(kwargs)
    try:
        due_at_batch(QUEBEC, np.array([1, 2]), within)
    except BusinessTimeError as error:
        assert error.code == "naive_datetime"
    else:
        raise AssertionError("integers accepted as instants")
    try:
        business_time_between_batch(QUEBEC, received, np.concatenate([received, received]))
    except BusinessTimeError as error:
        assert error.code == "invalid_interval"
    else:
        raise AssertionError("shapes not checked")
    empty = due_at_batch(QUEBEC, np.array([], dtype="datetime64[us]"), within)
    assert empty.shape == (0,)


def test_batch_same_clock_time_on_days_whose_offset_changes_during_business_hours() -> None:
    from comptoir.core.businesstime.batch import batch_table

    # The Vancouver night shift 00:30-03:30 spans the 02:00 clock change on DST Sundays.
    table = batch_table(SEVEN_DAYS, 2024, 2026)
    changing = table.day_ordinal[table.day_offset_changes]
    assert date(2025, 3, 9).toordinal() in changing
    assert date(2025, 11, 2).toordinal() in changing
    zone = ZoneInfo("America/Vancouver")
    received = [
        datetime(2025, 3, 9, 1, 15, tzinfo=zone),  # day 0 is the spring-forward Sunday
        datetime(2025, 3, 8, 3, 0, tzinfo=zone),  # day 1 is the spring-forward Sunday
        datetime(2025, 11, 1, 1, 30, tzinfo=zone),  # day 1 is the fall-back Sunday
        datetime(2025, 6, 3, 10, 0, tzinfo=zone),  # an ordinary day
    ]
    convention = DayConvention(due_time=DueTime.SAME_CLOCK_TIME)
    within = Within(1, TimeUnit.BUSINESS_DAYS)
    batch = due_at_batch(SEVEN_DAYS, _as_numpy(received), within, convention=convention)
    expected = [due_at(SEVEN_DAYS, r, within, convention=convention) for r in received]
    # Compare in UTC: Python never finds an instant in a repeated hour equal across zones (PEP 495).
    assert [_as_datetime(value) for value in batch] == [e.astimezone(UTC) for e in expected]
    assert expected[2].astimezone(UTC) == datetime(2025, 11, 2, 8, 30, tzinfo=UTC)  # 01:30 PDT
    assert expected[3] == datetime(2025, 6, 4, 10, 0, tzinfo=zone)


def test_batch_gives_up_on_a_calendar_that_never_opens_again() -> None:
    zone = ZoneInfo("America/Montreal")
    forever = Closure(
        Interval(datetime(2026, 1, 1, tzinfo=zone), datetime(2400, 1, 1, tzinfo=zone)), "Closed"
    )
    calendar = Calendar(QUEBEC.tz, QUEBEC.hours, None, closures=(forever,))
    received = _as_numpy([datetime(2026, 6, 23, 19, tzinfo=UTC)])
    try:
        due_at_batch(calendar, received, Within.parse("1 business day"))
    except BusinessTimeError as error:
        assert error.code == "no_business_time"
    else:
        raise AssertionError("a due date on a calendar that never opens")
