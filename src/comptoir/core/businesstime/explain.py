"""Step-by-step explanation of a due date, as codes and parameters (never sentences).

``explain_due_at`` retraces what ``due_at`` does and returns the steps an analyst needs when a
client disputes a date: when the case was received, whether the office was open, which day is
day 0, each day counted or skipped (with the holiday's name or the closure's reason), each pause and
the time it excluded, and the due instant. Its last step always carries ``due_at``'s answer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from comptoir.core.businesstime._tables import (
    YearTable,
    advance_days,
    business_day_on_or_after,
    day_segments,
    holidays_of,
    open_between,
    seek_open,
    to_us,
)
from comptoir.core.businesstime.arithmetic import (
    business_days_plain,
    calendar_days_due,
    due_at_us,
    localize,
    merge_pauses,
    open_between_paused,
)
from comptoir.core.businesstime.model import (
    AnyCalendar,
    Calendar,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    Interval,
    TimeUnit,
    Within,
    _require_aware,
)

type ParamValue = str | int | date | datetime | timedelta


class StepCode(enum.StrEnum):
    """What one step of an explanation says (the Django layer has a sentence for each)."""

    RECEIVED = "received"  # instant, within
    RECEIVED_DURING_HOURS = "received_during_hours"  # day
    RECEIVED_WHILE_CLOSED = "received_while_closed"  # reason, name
    CLOCK_STARTS = "clock_starts"  # instant
    DAY_ZERO = "day_zero"  # day
    COUNT_FROM_RECEIPT_DATE = "count_from_receipt_date"  # day
    DAY_SKIPPED = "day_skipped"  # day, reason, name
    BUSINESS_DAY_COUNTED = "business_day_counted"  # number, day
    DUE_AT_CLOSE_OF_BUSINESS = "due_at_close_of_business"  # day, instant
    DUE_AT_SAME_CLOCK_TIME = "due_at_same_clock_time"  # day, instant
    OPEN_TIME_COUNTED = "open_time_counted"  # day, amount, total
    CALENDAR_DAYS_COUNTED = "calendar_days_counted"  # amount, day
    DUE_AT_END_OF_DAY = "due_at_end_of_day"  # day, instant
    DUE_DATE_ROLLED_FORWARD = "due_date_rolled_forward"  # day, to_day, reason, name
    ELAPSED_TIME_COUNTED = "elapsed_time_counted"  # amount, instant
    PAUSE_EXCLUDED = "pause_excluded"  # start, end, amount
    PAUSE_WITHOUT_EFFECT = "pause_without_effect"  # start, end
    DUE_EXTENDED_BY_PAUSES = "due_extended_by_pauses"  # amount, instant
    DUE = "due"  # instant


class ClosedReason(enum.StrEnum):
    """Why the office was closed at an instant or on a day."""

    BEFORE_OPENING = "before_opening"
    AFTER_CLOSING = "after_closing"
    BETWEEN_SHIFTS = "between_shifts"
    NO_BUSINESS_HOURS = "no_business_hours"  # e.g. a weekend
    HOLIDAY = "holiday"
    CLOSURE = "closure"


@dataclass(frozen=True, slots=True)
class ExplainStep:
    """One step: a code and its parameters (dates, instants, amounts, holiday names)."""

    code: StepCode
    params: Mapping[str, ParamValue] = field(default_factory=dict, hash=False)


def _in_force(calendar: AnyCalendar, day: date) -> Calendar:
    return calendar.calendar_on(day) if isinstance(calendar, EffectiveCalendar) else calendar


def day_status(calendar: AnyCalendar, day: date) -> tuple[ClosedReason | None, str]:
    """``(None, "")`` if local date ``day`` is a business day, else why not and the name."""
    in_force = _in_force(calendar, day)
    name = holidays_of(in_force, day.year).get(day)
    if name is not None:
        return ClosedReason.HOLIDAY, name
    if not in_force.hours.shifts[day.weekday()]:
        return ClosedReason.NO_BUSINESS_HOURS, ""
    if not day_segments(in_force, day):
        return ClosedReason.CLOSURE, _closure_reason(in_force, day)
    return None, ""


def _closure_reason(calendar: Calendar, day: date, instant: datetime | None = None) -> str:
    for closure in calendar.closures:
        start, end = closure.interval.start, closure.interval.end
        if instant is not None:
            if start <= instant < end:
                return closure.reason
        elif start.astimezone(calendar.zone).date() <= day <= end.astimezone(calendar.zone).date():
            return closure.reason
    return ""


def _receipt_steps(calendar: AnyCalendar, received: datetime, start: int) -> list[ExplainStep]:
    local = localize(calendar, to_us(received))
    if start == to_us(received):
        return [ExplainStep(StepCode.RECEIVED_DURING_HOURS, {"day": local.date()})]
    in_force = _in_force(calendar, local.date())
    reason, name = day_status(calendar, local.date())
    if reason is None:
        closure = _closure_reason(in_force, local.date(), received)
        segments = day_segments(in_force, local.date())
        instant = to_us(received)
        if closure:
            reason, name = ClosedReason.CLOSURE, closure
        elif instant < segments[0][0]:
            reason = ClosedReason.BEFORE_OPENING
        elif instant >= segments[-1][1]:
            reason = ClosedReason.AFTER_CLOSING
        else:
            reason = ClosedReason.BETWEEN_SHIFTS
    return [
        ExplainStep(StepCode.RECEIVED_WHILE_CLOSED, {"reason": reason.value, "name": name}),
        ExplainStep(StepCode.CLOCK_STARTS, {"instant": localize(calendar, start)}),
    ]


def _days_walk(
    calendar: AnyCalendar, first: date, last: date, counted_from: int
) -> list[ExplainStep]:
    """Steps for each date after ``first`` up to ``last``: counted business days or skipped."""
    steps = []
    number = counted_from
    for ordinal in range(first.toordinal() + 1, last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        reason, name = day_status(calendar, day)
        if reason is None:
            number += 1
            steps.append(ExplainStep(StepCode.BUSINESS_DAY_COUNTED, {"number": number, "day": day}))
        else:
            steps.append(
                ExplainStep(
                    StepCode.DAY_SKIPPED, {"day": day, "reason": reason.value, "name": name}
                )
            )
    return steps


def _pause_steps(
    calendar: AnyCalendar,
    pauses: Sequence[Interval],
    start: int,
    due: int,
    year: int,
    *,
    counts_open_time: bool,
) -> tuple[list[ExplainStep], int]:
    steps = []
    total = 0
    for pause_start, pause_end in merge_pauses(pauses):
        lo, hi = max(start, pause_start), min(due, pause_end)
        excluded = 0
        if hi > lo:
            excluded = open_between(calendar, lo, hi, year) if counts_open_time else hi - lo
        params: dict[str, ParamValue] = {
            "start": localize(calendar, pause_start),
            "end": localize(calendar, pause_end),
        }
        if excluded:
            total += excluded
            params["amount"] = timedelta(microseconds=excluded)
            steps.append(ExplainStep(StepCode.PAUSE_EXCLUDED, params))
        else:
            steps.append(ExplainStep(StepCode.PAUSE_WITHOUT_EFFECT, params))
    return steps, total


def _day_of(table: YearTable, day: int) -> date:
    return date.fromordinal(table.day_ordinal[day])


def explain_due_at(
    calendar: AnyCalendar,
    received: datetime,
    within: Within,
    *,
    pauses: Sequence[Interval] = (),
    convention: DayConvention = DayConvention.default(),  # noqa: B008 - an immutable value
) -> tuple[ExplainStep, ...]:
    """How ``due_at`` reaches its answer, step by step (same arguments as ``due_at``)."""
    _require_aware(received, "received")
    instant = to_us(received)
    year = received.year
    due = due_at_us(calendar, received, within, pauses, convention)
    steps = [
        ExplainStep(
            StepCode.RECEIVED,
            {"instant": localize(calendar, instant), "amount": within.amount, "unit": within.unit},
        )
    ]
    if within.unit is TimeUnit.BUSINESS_DAYS:
        start, plain, table_n, day_n = business_days_plain(
            calendar, received, instant, within.amount, convention
        )
        table0, segment0 = seek_open(calendar, instant, year)
        day0 = _day_of(table0, table0.seg_day[segment0])
        steps += _receipt_steps(calendar, received, start)
        receipt_day = localize(calendar, instant).date()
        if convention.day_zero is DayZero.RECEIPT_DATE and within.amount > 0:
            steps.append(ExplainStep(StepCode.COUNT_FROM_RECEIPT_DATE, {"day": receipt_day}))
            steps += _days_walk(calendar, receipt_day, _day_of(table_n, day_n), 0)
        else:
            steps.append(ExplainStep(StepCode.DAY_ZERO, {"day": day0}))
            steps += _days_walk(calendar, day0, _day_of(table_n, day_n), 0)
        code = (
            StepCode.DUE_AT_SAME_CLOCK_TIME
            if convention.due_time is DueTime.SAME_CLOCK_TIME
            else StepCode.DUE_AT_CLOSE_OF_BUSINESS
        )
        steps.append(
            ExplainStep(
                code, {"day": _day_of(table_n, day_n), "instant": localize(calendar, plain)}
            )
        )
        pause_steps, excluded = _pause_steps(
            calendar, pauses, start, due, year, counts_open_time=True
        )
        steps += pause_steps
        if due != plain:
            steps.append(
                ExplainStep(
                    StepCode.DUE_EXTENDED_BY_PAUSES,
                    {
                        "amount": timedelta(microseconds=excluded),
                        "instant": localize(calendar, due),
                    },
                )
            )
    elif within.unit is TimeUnit.CALENDAR_DAYS:
        last_day, due_day, unpaused, _ = calendar_days_due(
            calendar, received, instant, within.amount, merge_pauses(pauses), convention
        )
        steps.append(
            ExplainStep(StepCode.CALENDAR_DAYS_COUNTED, {"amount": within.amount, "day": last_day})
        )
        if due_day != last_day:
            reason, name = day_status(calendar, last_day)
            steps.append(
                ExplainStep(
                    StepCode.DUE_DATE_ROLLED_FORWARD,
                    {
                        "day": last_day,
                        "to_day": due_day,
                        "reason": reason.value if reason else "",
                        "name": name,
                    },
                )
            )
        steps.append(
            ExplainStep(
                StepCode.DUE_AT_END_OF_DAY,
                {"day": due_day, "instant": localize(calendar, unpaused)},
            )
        )
        pause_steps, excluded = _pause_steps(
            calendar, pauses, instant, due, year, counts_open_time=False
        )
        steps += pause_steps
        if due != unpaused:
            steps.append(
                ExplainStep(
                    StepCode.DUE_EXTENDED_BY_PAUSES,
                    {
                        "amount": timedelta(microseconds=excluded),
                        "instant": localize(calendar, due),
                    },
                )
            )
    elif within.unit.counts_elapsed_time:
        steps.append(
            ExplainStep(
                StepCode.ELAPSED_TIME_COUNTED,
                {"amount": within.as_timedelta(), "instant": localize(calendar, due)},
            )
        )
        steps += _pause_steps(calendar, pauses, instant, due, year, counts_open_time=False)[0]
    else:
        table, segment = seek_open(calendar, instant, year)
        start = max(instant, table.seg_start[segment])
        steps += _receipt_steps(calendar, received, start)
        steps += _open_time_walk(calendar, start, due, merge_pauses(pauses), year)
        steps += _pause_steps(calendar, pauses, start, due, year, counts_open_time=True)[0]
    steps.append(ExplainStep(StepCode.DUE, {"instant": localize(calendar, due)}))
    return tuple(steps)


def _open_time_walk(
    calendar: AnyCalendar, start: int, due: int, spans: list[tuple[int, int]], year: int
) -> list[ExplainStep]:
    """Open time counted on each business day from ``start`` to ``due`` (pauses excluded)."""
    steps: list[ExplainStep] = []
    first_day = localize(calendar, start).date()
    table, day = business_day_on_or_after(calendar, first_day)
    total = 0
    previous = first_day
    while table.day_open(day) < due:
        current = _day_of(table, day)
        if current > previous + timedelta(days=1):
            steps += _days_walk(calendar, previous, current - timedelta(days=1), 0)
        lo, hi = max(start, table.day_open(day)), min(due, table.day_close(day))
        counted = open_between_paused(calendar, lo, hi, spans, year) if hi > lo else 0
        total += counted
        steps.append(
            ExplainStep(
                StepCode.OPEN_TIME_COUNTED,
                {
                    "day": current,
                    "amount": timedelta(microseconds=counted),
                    "total": timedelta(microseconds=total),
                },
            )
        )
        previous = current
        table, day = advance_days(calendar, table, day, 1)
    return steps
