"""Whose calendar counts: the calendar of the unit holding the case at each moment.

Hand-computed table: a case received Friday 5 June 2026 at 15:00 in a Montréal unit (08:30-16:30
Eastern), referred Monday 8 June at 10:00 Eastern (11:00 Atlantic) to a Halifax unit (08:30-16:30
Atlantic, i.e. 07:30-15:30 Eastern). Montréal counts Friday 15:00-16:30 (90 min) and Monday
08:30-10:00 (90 min): 180 business minutes; Halifax counts from Monday 11:00 Atlantic on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.businesstime import (
    BusinessTimeError,
    Calendar,
    ErrorCode,
    HolidaySource,
    TimeUnit,
    WeeklyHours,
    Within,
    business_time_between,
)
from comptoir.core.standards import (
    CalendarChoice,
    CalendarRef,
    CalendarScope,
    CaseColumns,
    CaseEvent,
    CaseTimeline,
    Outcome,
    StandardRule,
    UnitSegment,
    evaluate,
    evaluate_batch,
    unit_segments,
)

ET = ZoneInfo("America/Montreal")
AT = ZoneInfo("America/Halifax")
QC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
NS = Calendar("America/Halifax", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "NS"))
QC_TWIN = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
CURRENT = CalendarChoice(CalendarScope.CURRENT_UNIT)
ENTRY = CalendarChoice(CalendarScope.RECEIVING_UNIT)
CALENDARS = {
    CalendarRef(scope, code): calendar
    for scope in (CalendarScope.CURRENT_UNIT, CalendarScope.RECEIVING_UNIT)
    for code, calendar in (("MTL", QC), ("HFX", NS), ("MTL2", QC_TWIN))
}


def et(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=ET)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=AT)


def rule(within: str, calendar: CalendarChoice = CURRENT, *, pause: bool = False) -> StandardRule:
    return StandardRule(
        "S1",
        Within.parse(within),
        calendar=calendar,
        pause_start=("awaiting_client",) if pause else (),
        pause_end=("resumed",) if pause else (),
    )


def timeline(*events: CaseEvent) -> CaseTimeline:
    return CaseTimeline(
        "enquiry", "TEL", 1, "SRV", "MTL", (CaseEvent("received", et(5, 15), "MTL"), *events)
    )


REFERRED = CaseEvent("referred", et(8, 10), "HFX")

# (limit, events after the referral, as_of, expected due, outcome, elapsed minutes)
TABLE = [
    # 8 business hours = 480 min: 180 in Montréal, 300 in Halifax from Mon 11:00 AT -> 16:00 AT.
    ("8 business hours", (), et(8, 12), at(8, 16), Outcome.PENDING, 180 + 120),
    (
        "8 business hours",
        (CaseEvent("resolved", at(8, 15, 59), "HFX"),),
        et(9, 12),
        at(8, 16),
        Outcome.MET,
        180 + 299,
    ),
    (
        "8 business hours",
        (CaseEvent("resolved", at(8, 16, 1), "HFX"),),
        et(9, 12),
        at(8, 16),
        Outcome.MISSED,
        180 + 301,
    ),
    # 5 business days from Friday 15:00 in Montréal span 90 + 5 x 480 = 2490 min of open time:
    # 180 in Montréal, 330 on Monday in Halifax, 4 x 480 Tue-Fri: 60 min left, run out Monday
    # 15 June 09:30 AT; due at that day's close, 16:30 AT.
    (
        "5 business days",
        (),
        et(8, 12),
        datetime(2026, 6, 15, 16, 30, tzinfo=AT),
        Outcome.PENDING,
        300,
    ),
]


@pytest.mark.parametrize(("within", "events", "as_of", "due", "outcome", "minutes"), TABLE)
def test_referral_hand_computed(within, events, as_of, due, outcome, minutes) -> None:
    result = evaluate(rule(within), timeline(REFERRED, *events), as_of=as_of, calendars=CALENDARS)
    assert result.due_at == due
    assert result.outcome is outcome
    assert result.elapsed == timedelta(minutes=minutes)
    assert [s.unit for s in result.segments] == ["MTL", "HFX"]
    assert result.segments[0] == UnitSegment("MTL", et(5, 15), et(8, 10), timedelta(minutes=180))


def test_receiving_unit_ignores_the_referral() -> None:
    result = evaluate(
        rule("8 business hours", ENTRY), timeline(REFERRED), as_of=et(8, 12), calendars=CALENDARS
    )
    assert result.due_at == et(8, 15)  # 90 min Friday + 390 min Monday from 08:30 Eastern
    assert result.segments == ()


def test_a_pause_in_halifax_moves_the_due_instant() -> None:
    # Tuesday 09:00-11:00 AT paused: 120 min, so 8 business hours fall due... the 300 minutes left
    # at the referral: Monday 11:00-16:30 AT gives 330 >= 300 -> still Monday 16:00 AT; with 2
    # business days the pause matters: 90 + 2 x 480 = 1050 min; 180 MTL, 330 Mon HFX, Tuesday
    # 08:30-09:00 + 11:00-16:30 = 360, 180 left -> Wednesday 11:30 AT -> close 16:30 AT.
    events = (CaseEvent("awaiting_client", at(9, 9), "HFX"), CaseEvent("resumed", at(9, 11), "HFX"))
    result = evaluate(
        rule("2 business days", pause=True),
        timeline(REFERRED, *events),
        as_of=at(9, 12),
        calendars=CALENDARS,
    )
    assert result.due_at == at(10, 16, 30)
    assert result.elapsed == timedelta(minutes=180 + 330 + 30 + 60)


def test_referral_keeps_the_clock_running_unless_the_rule_pauses_on_it() -> None:
    paused = StandardRule(
        "S1",
        Within(8, TimeUnit.BUSINESS_HOURS),
        calendar=CURRENT,
        pause_start=("referred",),
        pause_end=("assigned",),
    )
    events = (REFERRED, CaseEvent("assigned", at(8, 13), "HFX"))
    running = evaluate(
        rule("8 business hours"), timeline(*events), as_of=at(8, 14), calendars=CALENDARS
    )
    stopped = evaluate(paused, timeline(*events), as_of=at(8, 14), calendars=CALENDARS)
    assert running.elapsed == timedelta(minutes=180 + 180)
    assert stopped.elapsed == timedelta(minutes=180 + 60)


def test_unit_segments_start_with_the_unit_holding_the_case_at_the_start() -> None:
    line = CaseTimeline(
        "enquiry",
        "TEL",
        1,
        "SRV",
        "MTL",
        (
            CaseEvent("referred", et(5, 14), "HFX"),
            CaseEvent("received", et(5, 15), "HFX"),
            CaseEvent("referred", et(8, 10), "MTL"),
            CaseEvent("referred", et(9, 10), "HFX"),
        ),
    )
    assert unit_segments(line, start=et(5, 15), end=et(9, 10), stopped=True) == (
        (et(5, 15), "HFX"),
        (et(8, 10), "MTL"),
    )
    assert unit_segments(line, start=et(5, 15), end=et(9, 10), stopped=False)[-1] == (
        et(9, 10),
        "HFX",
    )


def test_calendar_days_and_elapsed_units_follow_the_deciding_unit() -> None:
    result = evaluate(rule("90 minutes"), timeline(REFERRED), as_of=et(8, 12), calendars=CALENDARS)
    assert result.due_at == et(5, 16, 30)
    assert result.outcome is Outcome.MISSED
    days = evaluate(
        rule("3 calendar days"), timeline(REFERRED), as_of=et(8, 12), calendars=CALENDARS
    )
    assert days.due_at == datetime(2026, 6, 9, 0, 0, tzinfo=AT)  # Mon 8 June ends in Halifax


def test_the_batch_path_refuses_current_unit_rules() -> None:
    with pytest.raises(BusinessTimeError) as caught:
        evaluate_batch(
            rule("2 business days"),
            CaseColumns.__new__(CaseColumns),
            as_of=et(8, 12),
            calendars=CALENDARS,
        )
    assert caught.value.code is ErrorCode.UNSUPPORTED_IN_BATCH


# -- properties ---------------------------------------------------------------------------------

instants = st.integers(min_value=0, max_value=14 * 24 * 60).map(
    lambda minutes: et(5, 15) + timedelta(minutes=minutes)
)
limits = st.sampled_from(
    [
        "3 business days",
        "5 business days",
        "8 business hours",
        "90 business minutes",
        "10 calendar days",
        "600 minutes",
    ]
)


@settings(max_examples=60, deadline=None)
@given(limits, instants, st.booleans())
def test_without_referral_current_unit_equals_receiving_unit(within, as_of, resolved) -> None:
    events = (CaseEvent("resolved", as_of - timedelta(minutes=1), "MTL"),) if resolved else ()
    line = timeline(*events)
    current = evaluate(rule(within), line, as_of=as_of, calendars=CALENDARS)
    entry = evaluate(rule(within, ENTRY), line, as_of=as_of, calendars=CALENDARS)
    assert (current.due_at, current.outcome, current.elapsed, current.remaining) == (
        entry.due_at,
        entry.outcome,
        entry.elapsed,
        entry.remaining,
    )


@settings(max_examples=60, deadline=None)
@given(limits, instants, instants)
def test_referring_to_a_unit_with_the_same_calendar_changes_nothing(
    within, referred, as_of
) -> None:
    moved = timeline(CaseEvent("referred", referred, "MTL2"))
    current = evaluate(rule(within), moved, as_of=as_of, calendars=CALENDARS)
    entry = evaluate(rule(within, ENTRY), moved, as_of=as_of, calendars=CALENDARS)
    assert (current.due_at, current.outcome, current.elapsed, current.remaining) == (
        entry.due_at,
        entry.outcome,
        entry.elapsed,
        entry.remaining,
    )


@settings(max_examples=60, deadline=None)
@given(instants, instants)
def test_business_time_elapsed_is_additive_over_the_segments(referred, as_of) -> None:
    line = timeline(CaseEvent("referred", referred, "HFX"))
    result = evaluate(rule("8 business hours"), line, as_of=as_of, calendars=CALENDARS)
    start = et(5, 15)
    if as_of < referred or referred <= start:
        return
    expected = business_time_between(QC, start, referred) + business_time_between(
        NS, referred, as_of
    )
    assert result.elapsed == expected
    assert sum((s.counted for s in result.segments), timedelta(0)) == result.elapsed


def test_business_days_at_the_same_clock_time_are_not_moved_to_the_close() -> None:
    from comptoir.core.businesstime import DayConvention, DueTime

    same_time = StandardRule(
        "S1",
        Within.parse("5 business days"),
        calendar=CURRENT,
        convention=DayConvention(due_time=DueTime.SAME_CLOCK_TIME),
    )
    result = evaluate(same_time, timeline(REFERRED), as_of=et(8, 12), calendars=CALENDARS)
    # Montréal open time of 5 business days at the same clock time: Friday 15:00 to Friday 12
    # June 15:00 = 90 + 4 x 480 + 390 = 2400 min; 180 in Montréal, 330 Monday and 3 x 480
    # Tuesday to Thursday in Halifax leave 450: Friday 12 June 08:30 + 450 min = 16:00 Atlantic.
    assert result.due_at == datetime(2026, 6, 12, 16, 0, tzinfo=AT)
