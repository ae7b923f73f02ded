"""Periods, aggregation with the official rules, and real-time performance information."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.businesstime import Calendar, HolidaySource, WeeklyHours
from comptoir.core.performance import (
    Completion,
    Dimension,
    EvaluatedFact,
    ExternalCount,
    GroupKey,
    OfficialResult,
    PerformanceError,
    PerformanceErrorCode,
    Period,
    PeriodKind,
    TargetMet,
    UpdateCategory,
    aggregate,
    completion_time,
    completions_from,
    local_days,
    period_codes,
    projected_time,
)
from comptoir.core.standards import Channel, Evaluation, Outcome

TORONTO = ZoneInfo("America/Toronto")
QC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))


@pytest.mark.parametrize(
    ("day", "kind", "label", "first", "last"),
    [
        (
            date(2025, 4, 1),
            PeriodKind.FISCAL_YEAR,
            "2025-2026",
            date(2025, 4, 1),
            date(2026, 3, 31),
        ),
        (
            date(2026, 3, 31),
            PeriodKind.FISCAL_YEAR,
            "2025-2026",
            date(2025, 4, 1),
            date(2026, 3, 31),
        ),
        (
            date(2025, 3, 31),
            PeriodKind.FISCAL_YEAR,
            "2024-2025",
            date(2024, 4, 1),
            date(2025, 3, 31),
        ),
        (
            date(2025, 6, 30),
            PeriodKind.QUARTER,
            "2025-2026-Q1",
            date(2025, 4, 1),
            date(2025, 6, 30),
        ),
        (date(2025, 7, 1), PeriodKind.QUARTER, "2025-2026-Q2", date(2025, 7, 1), date(2025, 9, 30)),
        (
            date(2025, 12, 31),
            PeriodKind.QUARTER,
            "2025-2026-Q3",
            date(2025, 10, 1),
            date(2025, 12, 31),
        ),
        (
            date(2026, 2, 28),
            PeriodKind.QUARTER,
            "2025-2026-Q4",
            date(2026, 1, 1),
            date(2026, 3, 31),
        ),
        (date(2024, 2, 29), PeriodKind.MONTH, "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (date(2026, 1, 1), PeriodKind.WEEK, "2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        (date(2027, 1, 1), PeriodKind.WEEK, "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        (date(2024, 12, 30), PeriodKind.WEEK, "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
    ],
)
def test_period_table(day: date, kind: PeriodKind, label: str, first: date, last: date) -> None:
    period = Period.containing(kind, day)
    assert (period.label, period.first_day, period.last_day) == (label, first, last)
    assert Period.parse(label) == period
    assert str(period) == label


@pytest.mark.parametrize("label", ["2025-2027", "2025-2026-Q5", "2025-13", "2025-W54", "FY25", ""])
def test_bad_period_labels(label: str) -> None:
    with pytest.raises(PerformanceError) as raised:
        Period.parse(label)
    assert raised.value.code is PerformanceErrorCode.INVALID_PERIOD


@given(day=st.dates(date(1950, 1, 1), date(2150, 12, 31)), kind=st.sampled_from(list(PeriodKind)))
def test_period_codes_agree_with_periods(day: date, kind: PeriodKind) -> None:
    period = Period.containing(kind, day)
    assert period.first_day <= day <= period.last_day
    assert int(period_codes(kind, np.array([day], dtype="datetime64[D]"))[0]) == period.code
    assert Period.from_code(kind, period.code) == period
    assert Period.parse(period.label) == period
    following = Period.containing(kind, period.last_day + timedelta(days=1))
    assert following.code == period.code + 1
    assert Period.containing(PeriodKind.FISCAL_YEAR, day).contains(
        Period.containing(PeriodKind.QUARTER, day)
    )


@settings(max_examples=60)
@given(
    instants=st.lists(
        st.datetimes(datetime(2024, 1, 1), datetime(2028, 1, 1)),  # noqa: DTZ001 - read as UTC
        min_size=1,
        max_size=40,
    ),
    tz=st.sampled_from(["America/Toronto", "America/St_Johns", "America/Whitehorse", "UTC"]),
)
def test_local_days_equal_astimezone(instants: list[datetime], tz: str) -> None:
    values = np.array([np.datetime64(i, "us") for i in instants] + [np.datetime64("NaT", "us")])
    days = local_days(values, tz)
    expected = [i.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date() for i in instants]
    assert [d.item() for d in days[:-1]] == expected
    assert np.isnat(days[-1])


def test_local_days_at_daylight_saving_changes() -> None:
    values = np.array(
        [
            "2026-03-08T06:59:59",  # 01:59:59 EST
            "2026-03-08T07:00:00",  # 03:00 EDT
            "2026-11-01T03:59:59",  # 23:59:59 EDT on 31 October
            "2026-11-01T04:00:00",  # 00:00 EDT on 1 November
            "2026-11-01T06:30:00",  # 01:30 EST, the second one
        ],
        dtype="datetime64[us]",
    )
    days = [str(d) for d in local_days(values, "America/Toronto")]
    assert days == ["2026-03-08", "2026-03-08", "2026-10-31", "2026-11-01", "2026-11-01"]
    with pytest.raises(PerformanceError):
        local_days(values, "Mars/Olympus")
    assert np.isnat(local_days(np.array(["NaT"], dtype="datetime64[us]"), "UTC")).all()


def fact(
    completed: datetime,
    *,
    met: bool,
    standard: str = "STD-1",
    channel: Channel = Channel.EML,
    unit: str = "mtl",
) -> EvaluatedFact:
    return EvaluatedFact(standard, "SRV-1", channel, unit, completed, is_met=met)


def test_aggregation_by_fiscal_year_reads_dates_in_the_reporting_zone() -> None:
    # 31 March 23:30 in Toronto is 1 April 03:30 UTC: a different fiscal year in each zone.
    late = datetime(2026, 3, 31, 23, 30, tzinfo=TORONTO)
    facts = [fact(late, met=True), fact(datetime(2025, 4, 1, 9, tzinfo=TORONTO), met=False)]
    (row,) = aggregate(facts, period_kind=PeriodKind.FISCAL_YEAR, tz="America/Toronto")
    assert (row.period.label, row.volume_meeting, row.total_volume) == ("2025-2026", 1, 2)
    rows = aggregate(facts, period_kind=PeriodKind.FISCAL_YEAR, tz="UTC")
    assert [(r.period.label, r.total_volume) for r in rows] == [("2025-2026", 1), ("2026-2027", 1)]


def test_aggregation_with_targets_and_official_rounding() -> None:
    moment = datetime(2025, 5, 5, 10, tzinfo=TORONTO)
    facts = [fact(moment, met=i < 643) for i in range(800)]  # 643/800 → published 0.8037
    facts += [fact(moment, met=True, standard="STD-2", channel=Channel.ONL)]
    rows = aggregate(
        facts,
        period_kind=PeriodKind.QUARTER,
        tz="America/Toronto",
        by=(Dimension.STANDARD,),
        targets={"STD-1": Decimal("0.8"), "STD-2": Decimal("0")},
    )
    assert [(r.key, r.cells()) for r in rows] == [
        (GroupKey(standard_id="STD-1"), OfficialResult("0.8037", "Y")),
        (GroupKey(standard_id="STD-2"), OfficialResult("1.0", "NA")),  # target 0: NA
    ]
    assert rows[0].target == Decimal("0.8")
    # Grouped by channel only, the email row holds one standard and keeps its target; a row that
    # mixes standards has none.
    mixed = aggregate(
        [*facts, fact(moment, met=False, standard="STD-2")],
        period_kind=PeriodKind.FISCAL_YEAR,
        tz="America/Toronto",
        by=(Dimension.CHANNEL,),
        targets={"STD-1": Decimal("0.8"), "STD-2": Decimal("0.5")},
    )
    assert [(r.key.channel, r.target, r.target_met) for r in mixed] == [
        (Channel.EML, None, TargetMet.NOT_APPLICABLE),
        (Channel.ONL, Decimal("0.5"), TargetMet.YES),
    ]


def test_external_counts_aggregate_like_evaluated_facts() -> None:
    def calls(month: str, answered: int, offered: int) -> ExternalCount:
        return ExternalCount(
            "TEL-60", "SRV-1", Channel.TEL, "cc", Period.parse(month), answered, offered
        )

    counts = [calls("2025-04", 800, 1000), calls("2025-05", 900, 1000), calls("2025-07", 0, 0)]
    rows = aggregate(
        counts,
        period_kind=PeriodKind.QUARTER,
        tz="America/Toronto",
        by=(Dimension.STANDARD, Dimension.CHANNEL),
        targets={"TEL-60": Decimal("0.8")},
    )
    assert [(r.period.label, r.volume_meeting, r.total_volume, r.cells()) for r in rows] == [
        ("2025-2026-Q1", 1700, 2000, OfficialResult("0.85", "Y")),
        ("2025-2026-Q2", 0, 0, OfficialResult("", "NA")),  # nothing offered: blank, not 0
    ]
    # A monthly count cannot be split into ISO weeks.
    with pytest.raises(PerformanceError) as raised:
        aggregate(counts, period_kind=PeriodKind.WEEK, tz="UTC")
    assert raised.value.code is PerformanceErrorCode.PERIOD_TOO_COARSE
    for answered, offered in ((5, 4), (-1, 4), (True, 4)):
        with pytest.raises(PerformanceError) as raised:
            calls("2025-04", answered, offered)
        assert raised.value.code is PerformanceErrorCode.INVALID_COUNT


def test_only_completed_measured_evaluations_become_facts() -> None:
    from comptoir.core.standards import CaseTimeline

    as_of = datetime(2026, 6, 30, tzinfo=TORONTO)
    done = datetime(2026, 6, 29, tzinfo=TORONTO)
    case = CaseTimeline("enquiry", Channel.EML, 1, "SRV-1", "mtl")
    open_missed = Evaluation("S", as_of, applies=True, outcome=Outcome.MISSED)
    excluded = Evaluation("S", as_of, applies=True, outcome=Outcome.EXCLUDED, stopped_at=done)
    met = Evaluation(
        "S", as_of, applies=True, outcome=Outcome.MET, stopped_at=done, elapsed=timedelta(hours=3)
    )
    assert EvaluatedFact.from_evaluation(open_missed, case) is None
    assert EvaluatedFact.from_evaluation(excluded, case) is None
    assert EvaluatedFact.from_evaluation(met, case) == EvaluatedFact(
        "S", "SRV-1", Channel.EML, "mtl", done, is_met=True
    )
    assert completions_from([open_missed, excluded, met]) == [Completion(done, timedelta(hours=3))]


AS_OF = datetime(2026, 6, 26, 16, 30, tzinfo=ZoneInfo("America/Montreal"))


def test_completion_time_is_the_nearest_rank_percentile() -> None:
    completions = [
        Completion(AS_OF - timedelta(days=1, minutes=i), timedelta(hours=hours))
        for i, hours in enumerate([7, 3, 10, 1, 5, 2, 9, 4, 8, 6])
    ]
    old = Completion(AS_OF - timedelta(days=40), timedelta(hours=100))

    def figure(share: str, **options: object) -> timedelta | None:
        result = completion_time(
            [*completions, old],
            as_of=AS_OF,
            window=timedelta(days=30),
            share=Decimal(share),
            update_category=UpdateCategory.TIMED,
            **options,  # type: ignore[arg-type]
        )
        assert result.as_of == AS_OF
        assert result.update_category is UpdateCategory.TIMED
        return result.within

    assert figure("0.8") == timedelta(hours=8)
    assert figure("0.85") == timedelta(hours=9)  # rank ceil(8.5) = 9
    assert figure("1") == timedelta(hours=10)  # the old 100-hour case is outside the window
    # The two most recent took 7 h and 3 h.
    assert figure("1", max_cases=2) == timedelta(hours=7)
    assert figure("0.5", max_cases=2) == timedelta(hours=3)
    empty = completion_time(
        [old], as_of=AS_OF, window=timedelta(days=1), update_category=UpdateCategory.INSTANTANEOUS
    )
    assert (empty.within, empty.sample_size) == (None, 0)
    for share in ("0", "1.01", "NaN"):
        with pytest.raises(PerformanceError) as raised:
            figure(share)
        assert raised.value.code is PerformanceErrorCode.INVALID_SHARE
    with pytest.raises(PerformanceError):
        completion_time([], as_of=AS_OF, window=timedelta(0), update_category=UpdateCategory.TIMED)


def test_projected_time_from_backlog_and_throughput() -> None:
    # The week before Friday 26 June 2026 16:30 had 32 open hours in Quebec (Wednesday 24 June is
    # the Saint-Jean-Baptiste). 16 cases were completed: 2 open hours per case. With 7 cases
    # ahead, a case submitted now needs (7 + 1) x 2 = 16 open hours: Tuesday 30 June at 16:30.
    done = [AS_OF - timedelta(hours=h) for h in range(16)] + [AS_OF - timedelta(days=8)]
    result = projected_time(
        QC,
        backlog=7,
        completed_at=done,
        as_of=AS_OF,
        window=timedelta(days=7),
        update_category=UpdateCategory.NEAR_REAL_TIME,
    )
    assert result.open_time_in_window == timedelta(hours=32)
    assert result.completed_in_window == 16
    assert result.business_time == timedelta(hours=16)
    assert result.projected_at == datetime(2026, 6, 30, 16, 30, tzinfo=ZoneInfo("America/Montreal"))
    assert result.update_category is UpdateCategory.NEAR_REAL_TIME
    nothing = projected_time(
        QC,
        backlog=3,
        completed_at=[],
        as_of=AS_OF,
        window=timedelta(days=7),
        update_category=UpdateCategory.TIMED,
    )
    assert (nothing.business_time, nothing.projected_at) == (None, None)
    with pytest.raises(PerformanceError) as raised:
        projected_time(
            QC,
            backlog=-1,
            completed_at=[],
            as_of=AS_OF,
            window=timedelta(days=7),
            update_category=UpdateCategory.TIMED,
        )
    assert raised.value.code is PerformanceErrorCode.INVALID_COUNT
    with pytest.raises(PerformanceError) as raised:
        projected_time(
            QC,
            backlog=1,
            completed_at=[],
            as_of=datetime(2026, 6, 26),  # noqa: DTZ001
            window=timedelta(days=7),
            update_category=UpdateCategory.TIMED,
        )
    assert raised.value.code is PerformanceErrorCode.NAIVE_DATETIME


@given(
    durations=st.lists(st.integers(0, 10_000), min_size=1, max_size=60),
    share=st.decimals(Decimal("0.01"), Decimal("1"), places=2),
)
def test_completion_time_share_property(durations: list[int], share: Decimal) -> None:
    completions = [Completion(AS_OF, timedelta(minutes=m)) for m in durations]
    result = completion_time(
        completions,
        as_of=AS_OF,
        window=timedelta(days=1),
        share=share,
        update_category=UpdateCategory.TIMED,
    )
    assert result.within is not None
    at_most = sum(1 for m in durations if timedelta(minutes=m) <= result.within)
    below = sum(1 for m in durations if timedelta(minutes=m) < result.within)
    assert at_most >= share * len(durations)  # at least the share took no longer
    assert below < share * len(durations)  # and no shorter observed time would do


def test_more_bad_values_are_refused() -> None:
    with pytest.raises(PerformanceError) as raised:
        fact(datetime(2026, 1, 1), met=True)  # noqa: DTZ001
    assert raised.value.code is PerformanceErrorCode.NAIVE_DATETIME
    with pytest.raises(PerformanceError) as raised:
        completion_time(
            [],
            as_of=AS_OF,
            window=timedelta(days=1),
            update_category=UpdateCategory.TIMED,
            max_cases=0,
        )
    assert raised.value.code is PerformanceErrorCode.INVALID_WINDOW
