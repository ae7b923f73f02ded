"""The batch path gives the scalar path's answers, case by case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.businesstime import (
    Calendar,
    DayConvention,
    DayZero,
    DueTime,
    HolidaySource,
    TimeUnit,
    WeeklyHours,
    Within,
)
from comptoir.core.performance import (
    Dimension,
    EvaluatedFact,
    PerformanceError,
    PerformanceErrorCode,
    PeriodKind,
    aggregate,
    aggregate_batch,
)
from comptoir.core.standards import (
    CHANNELS,
    Applicability,
    BatchEvaluation,
    CalendarChoice,
    CalendarRef,
    CalendarScope,
    CaseColumns,
    CaseEvent,
    CaseTimeline,
    Channel,
    Exclusion,
    ExclusionEffect,
    Outcome,
    StandardError,
    StandardErrorCode,
    StandardRule,
    evaluate,
    evaluate_batch,
)

QC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
NL = Calendar("America/St_Johns", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "NL"))
AB = Calendar(
    "America/Edmonton",
    WeeklyHours.parse("mon-thu 08:00-12:00,13:00-16:00; fri 08:00-12:00"),
    HolidaySource("CA", "AB"),
)
UNITS = {"mtl": QC, "stj": NL, "yyc": AB}
CALENDARS = {CalendarRef(CalendarScope.RECEIVING_UNIT, name): cal for name, cal in UNITS.items()}
CALENDARS |= {
    CalendarRef(CalendarScope.SERVICE, "S1"): NL,
    CalendarRef(CalendarScope.SERVICE, "S2"): AB,
    CalendarRef(CalendarScope.NAMED, "ncr"): QC,
}
COMMON = {
    "pause_start": ("awaiting_client",),
    "pause_end": ("client_responded",),
    "exclusions": (
        Exclusion("special_circumstances", ExclusionEffect.EXCLUDE_CASE),
        Exclusion("client_requested_delay", ExclusionEffect.STOP_CLOCK, ("delay_over",)),
    ),
}
RULES = [
    StandardRule("D2", Within(2, TimeUnit.BUSINESS_DAYS), stop="replied", **COMMON),  # type: ignore[arg-type]
    StandardRule(
        "D0",
        Within(0, TimeUnit.BUSINESS_DAYS),
        stop="replied",
        calendar=CalendarChoice(CalendarScope.SERVICE),
        applies_to=Applicability(channels=frozenset({Channel.EML, Channel.TEL})),
        **COMMON,  # type: ignore[arg-type]
    ),
    StandardRule(
        "D5R",
        Within(5, TimeUnit.BUSINESS_DAYS),
        stop="replied",
        convention=DayConvention(day_zero=DayZero.RECEIPT_DATE),
        applies_to=Applicability(tiers=frozenset({2, 3}), case_kinds=frozenset({"application"})),
        **COMMON,  # type: ignore[arg-type]
    ),
    StandardRule(
        "H8",
        Within(8, TimeUnit.BUSINESS_HOURS),
        stop="replied",
        calendar=CalendarChoice(CalendarScope.NAMED, "ncr"),
        applies_to=Applicability(service_ids=frozenset({"S1"})),
        **COMMON,  # type: ignore[arg-type]
    ),
    StandardRule(
        "D1T",
        Within(1, TimeUnit.BUSINESS_DAYS),
        stop="replied",
        convention=DayConvention(due_time=DueTime.SAME_CLOCK_TIME),
        **COMMON,  # type: ignore[arg-type]
    ),
    StandardRule("C30", Within(30, TimeUnit.CALENDAR_DAYS), stop="replied", **COMMON),  # type: ignore[arg-type]
    StandardRule("M90", Within(90, TimeUnit.MINUTES), stop="replied", **COMMON),  # type: ignore[arg-type]
]
KINDS = [
    "received",
    "replied",
    "awaiting_client",
    "client_responded",
    "client_requested_delay",
    "delay_over",
    "special_circumstances",
    "note",
]
BASE = datetime(2026, 2, 20, tzinfo=UTC)  # the range covers both DST changes and many holidays


@st.composite
def timelines(draw: st.DrawFn) -> CaseTimeline:
    received = BASE + timedelta(minutes=draw(st.integers(0, 60 * 24 * 330)))
    events = [CaseEvent("received", received)]
    if draw(st.integers(0, 9)) == 0:
        events = []  # not started
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(KINDS))
        minutes = draw(st.one_of(st.integers(-30, 180), st.integers(-600, 60 * 24 * 20)))
        events.append(CaseEvent(kind, received + timedelta(minutes=minutes)))
    return CaseTimeline(
        case_kind=draw(st.sampled_from(["enquiry", "application"])),
        channel=draw(st.sampled_from(list(Channel))),
        tier=draw(st.integers(1, 3)),
        service_id=draw(st.sampled_from(["S1", "S2"])),
        unit=draw(st.sampled_from(sorted(UNITS))),
        events=tuple(events),
    )


def _utc(value: datetime | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "us")


def _delta(value: timedelta | None) -> np.timedelta64:
    if value is None:
        return np.timedelta64("NaT", "us")
    return np.timedelta64(value // timedelta(microseconds=1), "us")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(RULES),
    cases=st.lists(timelines(), min_size=1, max_size=25),
    as_of_days=st.integers(0, 360),
)
def test_batch_equals_scalar(
    rule: StandardRule, cases: list[CaseTimeline], as_of_days: int
) -> None:
    as_of = BASE + timedelta(days=as_of_days, hours=15)
    scalar = [evaluate(rule, case, as_of=as_of, calendars=CALENDARS) for case in cases]
    columns = CaseColumns.from_timelines(rule, cases, as_of=as_of)
    batch = evaluate_batch(rule, columns, as_of=as_of, calendars=CALENDARS, measure_durations=True)
    assert batch.elapsed is not None and batch.remaining is not None
    assert batch.outcomes() == [result.outcome for result in scalar]
    for index, result in enumerate(scalar):
        due, elapsed, remaining = (
            batch.due_at[index],
            batch.elapsed[index],
            batch.remaining[index],
        )
        assert (np.isnat(due) and result.due_at is None) or due == _utc(result.due_at)
        assert (np.isnat(elapsed) and result.elapsed is None) or elapsed == _delta(result.elapsed)
        assert (np.isnat(remaining) and result.remaining is None) or remaining == _delta(
            result.remaining
        )
    # Aggregating the batch gives the rows aggregating the scalar facts gives.
    facts = [
        fact
        for case, result in zip(cases, scalar, strict=True)
        if (fact := EvaluatedFact.from_evaluation(result, case)) is not None
    ]
    for kind, by in (
        (PeriodKind.MONTH, (Dimension.STANDARD,)),
        (PeriodKind.WEEK, (Dimension.CHANNEL, Dimension.UNIT)),
        (PeriodKind.FISCAL_YEAR, (Dimension.SERVICE, Dimension.STANDARD, Dimension.CHANNEL)),
    ):
        expected = aggregate(
            facts,
            period_kind=kind,
            tz="America/Toronto",
            by=by,
            targets={rule.standard_id: Decimal("0.8")},
        )
        got = aggregate_batch(
            rule.standard_id,
            columns,
            batch,
            period_kind=kind,
            tz="America/Toronto",
            by=by,
            target=Decimal("0.8"),
        )
        assert got == expected


def test_a_known_batch() -> None:
    tz = ZoneInfo("America/Montreal")
    received = datetime(2026, 6, 22, 10, tzinfo=tz)
    cases = [
        CaseTimeline(
            "enquiry",
            Channel.EML,
            1,
            "S1",
            "mtl",
            (CaseEvent("received", received), CaseEvent("replied", received + timedelta(days=1))),
        ),
        CaseTimeline(
            "enquiry",
            Channel.EML,
            1,
            "S1",
            "mtl",
            (CaseEvent("received", received), CaseEvent("replied", received + timedelta(days=4))),
        ),
        CaseTimeline("enquiry", Channel.EML, 1, "S1", "mtl", (CaseEvent("received", received),)),
        CaseTimeline("enquiry", Channel.EML, 1, "S1", "mtl", ()),
        CaseTimeline(
            "enquiry",
            Channel.EML,
            1,
            "S1",
            "mtl",
            (CaseEvent("received", received), CaseEvent("special_circumstances", received)),
        ),
    ]
    as_of = datetime(2026, 6, 25, 12, tzinfo=tz)
    columns = CaseColumns.from_timelines(RULES[0], cases, as_of=as_of)
    result = evaluate_batch(RULES[0], columns, as_of=as_of, calendars=CALENDARS)
    assert result.outcomes() == [
        Outcome.MET,
        Outcome.PENDING,  # the reply on the 26th is after as_of
        Outcome.PENDING,
        Outcome.NOT_APPLICABLE,
        Outcome.EXCLUDED,
    ]
    assert result.due_at[0] == np.datetime64("2026-06-25T20:30:00", "us")  # Thu 16:30 EDT
    assert np.isnat(result.due_at[3])
    assert result.elapsed is None


def test_batch_refuses_what_it_cannot_do() -> None:
    n = 3
    good = {
        "start": np.zeros(n, dtype="datetime64[us]"),
        "stop": np.zeros(n, dtype="datetime64[us]"),
        "channel": np.zeros(n, dtype=np.uint8),
        "tier": np.ones(n, dtype=np.uint8),
        "case_kind": np.zeros(n, dtype=np.int32),
        "service": np.zeros(n, dtype=np.int32),
        "unit": np.zeros(n, dtype=np.int32),
        "excluded": np.zeros(n, dtype=bool),
        "case_kinds": ("enquiry",),
        "service_ids": ("S1",),
        "units": ("mtl",),
    }
    assert len(CaseColumns(**good)) == n  # type: ignore[arg-type]
    for field, bad in (
        ("stop", np.zeros(n + 1, dtype="datetime64[us]")),
        ("start", np.zeros(n, dtype=np.int64)),
        ("channel", np.full(n, len(CHANNELS), dtype=np.uint8)),
        ("unit", np.ones(n, dtype=np.int32)),
        ("tier", np.zeros(n, dtype=np.float64)),
        ("excluded", np.zeros(n, dtype=np.int8)),
        ("pause_starts", np.zeros((n, 1), dtype="datetime64[us]")),
        ("start", np.zeros((n, 1), dtype="datetime64[us]")),
    ):
        with pytest.raises(StandardError) as raised:
            CaseColumns(**(good | {field: bad}))  # type: ignore[arg-type]
        assert raised.value.code is StandardErrorCode.INVALID_COLUMNS
    mismatched = {
        "pause_starts": np.zeros((n, 2), dtype="datetime64[us]"),
        "pause_ends": np.zeros((n, 1), dtype="datetime64[us]"),
    }
    with pytest.raises(StandardError) as raised:
        CaseColumns(**(good | mismatched))  # type: ignore[arg-type]
    assert raised.value.code is StandardErrorCode.INVALID_COLUMNS


def test_sparse_and_dense_grouping_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from comptoir.core.performance import aggregation

    tz = ZoneInfo("America/Montreal")
    cases = [
        CaseTimeline(
            "enquiry",
            channel,
            1,
            service,
            unit,
            (
                CaseEvent("received", datetime(2026, month, 3, 10, tzinfo=tz)),
                CaseEvent("replied", datetime(2026, month, 3 + delay, 11, tzinfo=tz)),
            ),
        )
        for month, delay, channel, service, unit in [
            (1, 1, Channel.EML, "S1", "mtl"),
            (1, 9, Channel.EML, "S1", "mtl"),
            (4, 1, Channel.ONL, "S2", "stj"),
            (7, 2, Channel.FAX, "S1", "yyc"),
            (7, 8, Channel.FAX, "S1", "yyc"),
        ]
    ]
    as_of = datetime(2026, 12, 1, tzinfo=tz)
    columns = CaseColumns.from_timelines(RULES[0], cases, as_of=as_of)
    result = evaluate_batch(RULES[0], columns, as_of=as_of, calendars=CALENDARS)
    by = (Dimension.SERVICE, Dimension.CHANNEL, Dimension.UNIT)
    dense = aggregate_batch("D2", columns, result, period_kind=PeriodKind.MONTH, tz="UTC", by=by)
    monkeypatch.setattr(aggregation, "_DENSE_LIMIT", 0)
    sparse = aggregate_batch("D2", columns, result, period_kind=PeriodKind.MONTH, tz="UTC", by=by)
    assert sparse == dense
    assert [(r.period.label, r.key.unit, r.volume_meeting, r.total_volume) for r in dense] == [
        ("2026-01", "mtl", 1, 2),
        ("2026-04", "stj", 1, 1),
        ("2026-07", "yyc", 1, 2),
    ]
    with pytest.raises(PerformanceError) as raised:
        aggregate_batch(
            "D2",
            columns,
            BatchEvaluation(result.outcome[:2], result.due_at[:2]),
            period_kind=PeriodKind.MONTH,
            tz="UTC",
        )
    assert raised.value.code is PerformanceErrorCode.INVALID_COLUMNS
    with pytest.raises(StandardError) as naive:
        evaluate_batch(RULES[0], columns, as_of=datetime(2026, 12, 1), calendars=CALENDARS)  # noqa: DTZ001
    assert naive.value.code is StandardErrorCode.NAIVE_DATETIME


def test_a_calendar_that_changes_applies_from_its_date_in_both_paths() -> None:
    from datetime import date

    from comptoir.core.businesstime import EffectiveCalendar

    longer = Calendar(
        "America/Montreal", WeeklyHours.parse("08:00-18:00"), HolidaySource("CA", "QC")
    )
    # From 1 September 2026 the office opens 08:00-18:00 instead of 08:30-16:30.
    changing = EffectiveCalendar(((date(2020, 1, 1), QC), (date(2026, 9, 1), longer)))
    calendars = {CalendarRef(CalendarScope.RECEIVING_UNIT, "mtl"): changing}
    rule = StandardRule("H4", Within(4, TimeUnit.BUSINESS_HOURS), stop="replied")
    tz = ZoneInfo("America/Montreal")
    before = datetime(2026, 8, 27, 14, tzinfo=tz)  # Thursday, old hours
    after = datetime(2026, 9, 3, 14, tzinfo=tz)  # Thursday, new hours
    cases = [
        CaseTimeline("enquiry", Channel.EML, 1, "S1", "mtl", (CaseEvent("received", moment),))
        for moment in (before, after)
    ]
    as_of = datetime(2026, 9, 10, tzinfo=tz)
    scalar = [evaluate(rule, case, as_of=as_of, calendars=calendars).due_at for case in cases]
    assert scalar == [
        datetime(2026, 8, 28, 10, tzinfo=tz),  # 2.5 h Thursday, 1.5 h from 08:30 Friday
        datetime(2026, 9, 3, 18, tzinfo=tz),  # 4 h the same afternoon, until 18:00
    ]
    columns = CaseColumns.from_timelines(rule, cases, as_of=as_of)
    batch = evaluate_batch(rule, columns, as_of=as_of, calendars=calendars)
    assert list(batch.due_at) == [_utc(moment) for moment in scalar]
