"""``explain_due_at``: the steps an analyst reads when a client disputes a due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from comptoir.core.businesstime import (
    Calendar,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    HolidaySource,
    Interval,
    StepCode,
    WeeklyHours,
    Within,
    due_at,
    explain_due_at,
)

MONTREAL = ZoneInfo("America/Montreal")
QUEBEC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL)


def codes(steps: tuple) -> list[str]:
    return [step.code.value for step in steps]


def test_the_issue_example_step_by_step() -> None:
    steps = explain_due_at(QUEBEC, at("2026-06-23T15:10"), Within.parse("2 business days"))
    assert [(s.code, dict(s.params)) for s in steps] == [
        (
            StepCode.RECEIVED,
            {"instant": at("2026-06-23T15:10"), "amount": 2, "unit": "business_days"},
        ),
        (StepCode.RECEIVED_DURING_HOURS, {"day": date(2026, 6, 23)}),
        (StepCode.DAY_ZERO, {"day": date(2026, 6, 23)}),
        (
            StepCode.DAY_SKIPPED,
            {"day": date(2026, 6, 24), "reason": "holiday", "name": "Saint Jean Baptiste Day"},
        ),
        (StepCode.BUSINESS_DAY_COUNTED, {"number": 1, "day": date(2026, 6, 25)}),
        (StepCode.BUSINESS_DAY_COUNTED, {"number": 2, "day": date(2026, 6, 26)}),
        (
            StepCode.DUE_AT_CLOSE_OF_BUSINESS,
            {"day": date(2026, 6, 26), "instant": at("2026-06-26T16:30")},
        ),
        (StepCode.DUE, {"instant": at("2026-06-26T16:30")}),
    ]


def test_friday_after_hours_before_a_long_weekend() -> None:
    # Fri 15 May 2026 16:45; Mon 18 May is National Patriots' Day in Quebec.
    steps = explain_due_at(QUEBEC, at("2026-05-15T16:45"), Within.parse("1 business day"))
    assert codes(steps) == [
        "received",
        "received_while_closed",
        "clock_starts",
        "day_zero",
        "business_day_counted",
        "due_at_close_of_business",
        "due",
    ]
    assert steps[1].params == {"reason": "after_closing", "name": ""}
    assert steps[2].params["instant"] == at("2026-05-19T08:30")
    assert steps[3].params["day"] == date(2026, 5, 19)
    assert steps[-1].params["instant"] == at("2026-05-20T16:30")


def test_reasons_for_receipt_while_closed() -> None:
    def reason(received: str, calendar: Calendar = QUEBEC) -> tuple[object, object]:
        step = explain_due_at(calendar, at(received), Within.parse("1 business day"))[1]
        assert step.code is StepCode.RECEIVED_WHILE_CLOSED
        return step.params["reason"], step.params["name"]

    assert reason("2026-06-23T07:00") == ("before_opening", "")
    assert reason("2026-06-20T10:00") == ("no_business_hours", "")  # a Saturday
    assert reason("2026-07-01T10:00") == ("holiday", "Canada Day")
    split = Calendar(QUEBEC.tz, WeeklyHours.parse("08:30-12:00,13:00-16:30"), QUEBEC.holidays)
    assert reason("2026-06-23T12:30", split) == ("between_shifts", "")
    storm = Closure(Interval(at("2026-06-23T11:00"), at("2026-06-23T15:00")), "Power failure")
    closed = Calendar(QUEBEC.tz, QUEBEC.hours, QUEBEC.holidays, closures=(storm,))
    assert reason("2026-06-23T12:00", closed) == ("closure", "Power failure")


def test_business_hours_walk_sums_to_the_amount() -> None:
    steps = explain_due_at(QUEBEC, at("2026-06-23T15:10"), Within.parse("20 business hours"))
    counted = [s for s in steps if s.code is StepCode.OPEN_TIME_COUNTED]
    # Tue 1h20, (Wed holiday skipped), Thu 8h, Fri 8h, Mon 29 2h40 = 20 h.
    assert [(s.params["day"], s.params["amount"]) for s in counted] == [
        (date(2026, 6, 23), timedelta(hours=1, minutes=20)),
        (date(2026, 6, 25), timedelta(hours=8)),
        (date(2026, 6, 26), timedelta(hours=8)),
        (date(2026, 6, 29), timedelta(hours=2, minutes=40)),
    ]
    assert counted[-1].params["total"] == timedelta(hours=20)
    skipped = [s.params["day"] for s in steps if s.code is StepCode.DAY_SKIPPED]
    assert skipped == [date(2026, 6, 24), date(2026, 6, 27), date(2026, 6, 28)]
    assert steps[-1].params["instant"] == at("2026-06-29T11:10")


def test_pause_steps_say_what_they_excluded() -> None:
    within = Within.parse("3 business days")
    pauses = [
        Interval(at("2026-06-23T12:00"), at("2026-06-25T12:00")),  # 8 business hours
        Interval(at("2026-07-20T09:00"), at("2026-07-21T09:00")),  # after the due date
    ]
    steps = explain_due_at(QUEBEC, at("2026-06-22T09:30"), within, pauses=pauses)
    by_code = {s.code: s.params for s in steps}
    assert by_code[StepCode.PAUSE_EXCLUDED]["amount"] == timedelta(hours=8)
    assert by_code[StepCode.PAUSE_WITHOUT_EFFECT]["start"] == at("2026-07-20T09:00")
    assert by_code[StepCode.DUE_EXTENDED_BY_PAUSES] == {
        "amount": timedelta(hours=8),
        "instant": at("2026-06-29T16:30"),
    }
    assert steps[-1].params["instant"] == due_at(
        QUEBEC, at("2026-06-22T09:30"), within, pauses=pauses
    )


def test_calendar_days_rolled_forward_and_elapsed_time() -> None:
    steps = explain_due_at(QUEBEC, at("2026-06-01T10:00"), Within.parse("30 calendar days"))
    by_code = {s.code: s.params for s in steps}
    assert by_code[StepCode.CALENDAR_DAYS_COUNTED] == {"amount": 30, "day": date(2026, 7, 1)}
    assert by_code[StepCode.DUE_DATE_ROLLED_FORWARD] == {
        "day": date(2026, 7, 1),
        "to_day": date(2026, 7, 2),
        "reason": "holiday",
        "name": "Canada Day",
    }
    assert by_code[StepCode.DUE]["instant"] == at("2026-07-03T00:00")
    steps = explain_due_at(QUEBEC, at("2026-06-23T16:00"), Within.parse("90 minutes"))
    assert codes(steps) == ["received", "elapsed_time_counted", "due"]
    assert steps[1].params["amount"] == timedelta(minutes=90)


def test_conventions_are_explained() -> None:
    steps = explain_due_at(
        QUEBEC,
        at("2026-06-20T10:00"),
        Within.parse("2 business days"),
        convention=DayConvention(day_zero=DayZero.RECEIPT_DATE),
    )
    assert steps[3].code is StepCode.COUNT_FROM_RECEIPT_DATE
    assert steps[3].params["day"] == date(2026, 6, 20)
    counted = [s.params["day"] for s in steps if s.code is StepCode.BUSINESS_DAY_COUNTED]
    assert counted == [date(2026, 6, 22), date(2026, 6, 23)]
    steps = explain_due_at(
        QUEBEC,
        at("2026-06-23T15:10"),
        Within.parse("1 business day"),
        convention=DayConvention(due_time=DueTime.SAME_CLOCK_TIME),
    )
    assert steps[-2].code is StepCode.DUE_AT_SAME_CLOCK_TIME
    assert steps[-1].params["instant"] == at("2026-06-25T15:10")
