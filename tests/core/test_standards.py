"""Standard rules (declarative, serialisable) and the evaluation of case timelines against them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.businesstime import (
    Calendar,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    HolidaySource,
    Interval,
    TimeUnit,
    WeeklyHours,
    Within,
)
from comptoir.core.standards import (
    Applicability,
    CalendarChoice,
    CalendarRef,
    CalendarScope,
    CalendarTable,
    CaseEvent,
    CaseTimeline,
    Channel,
    Exclusion,
    ExclusionEffect,
    Outcome,
    StandardError,
    StandardErrorCode,
    StandardRule,
    StandardType,
    clock_facts,
    evaluate,
)

MONTREAL = ZoneInfo("America/Montreal")
ST_JOHNS = ZoneInfo("America/St_Johns")
QC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
NL = Calendar("America/St_Johns", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "NL"))
CALENDARS = {
    CalendarRef(CalendarScope.RECEIVING_UNIT, "mtl"): QC,
    CalendarRef(CalendarScope.RECEIVING_UNIT, "stj"): NL,
    CalendarRef(CalendarScope.SERVICE, "SRV1"): NL,
    CalendarRef(CalendarScope.NAMED, "atlantic"): NL,
}


def at(day: int, hour: int, minute: int = 0, month: int = 6, tz: ZoneInfo = MONTREAL) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=tz)


def timeline(*events: tuple[str, datetime], unit: str = "mtl", **attrs: object) -> CaseTimeline:
    values: dict[str, object] = {
        "case_kind": "enquiry",
        "channel": Channel.EML,
        "tier": 1,
        "service_id": "SRV1",
        "unit": unit,
    }
    values.update(attrs)
    return CaseTimeline(
        events=tuple(CaseEvent(kind, moment) for kind, moment in events),
        **values,  # type: ignore[arg-type]
    )


TWO_DAYS = StandardRule(
    "STD-EML-2",
    Within(2, TimeUnit.BUSINESS_DAYS),
    start="received",
    stop="replied",
    pause_start=("awaiting_client",),
    pause_end=("client_responded",),
    exclusions=(
        Exclusion("special_circumstances", ExclusionEffect.EXCLUDE_CASE),
        Exclusion("client_requested_delay", ExclusionEffect.STOP_CLOCK, resumes_on=("delay_over",)),
    ),
    applies_to=Applicability(channels=frozenset({Channel.EML, Channel.ONL})),
    target=Decimal("0.8"),
)

# Received Monday 22 June 2026 10:00 in Montreal: day 0 Mon 22, day 1 Tue 23, Wed 24 is the
# Saint-Jean-Baptiste (Quebec), so day 2 is Thu 25 and the case is due Thu 25 at 16:30.
RECEIVED = ("received", at(22, 10))


@pytest.mark.parametrize(
    ("events", "as_of", "outcome", "due", "elapsed", "remaining"),
    [
        # Replied Tue 23 11:00: 6.5 h on Monday + 2.5 h on Tuesday; 5.5 h + 8 h left.
        ([RECEIVED, ("replied", at(23, 11))], at(30, 9), Outcome.MET, at(25, 16, 30), 9, 13.5),
        # Replied at the due instant exactly: met.
        ([RECEIVED, ("replied", at(25, 16, 30))], at(30, 9), Outcome.MET, at(25, 16, 30), 22.5, 0),
        # Replied Friday 9:30: missed by one business hour.
        (
            [RECEIVED, ("replied", at(26, 9, 30))],
            at(30, 9),
            Outcome.MISSED,
            at(25, 16, 30),
            23.5,
            -1,
        ),
        # Still open on Thursday noon: pending; 4.5 business hours left.
        ([RECEIVED], at(25, 12), Outcome.PENDING, at(25, 16, 30), 18, 4.5),
        # Still open on Friday 9:00: already missed, though not replied to.
        ([RECEIVED], at(26, 9), Outcome.MISSED, at(25, 16, 30), 23, -0.5),
        # A reply after as_of is not known yet.
        ([RECEIVED, ("replied", at(23, 11))], at(23, 10), Outcome.PENDING, at(25, 16, 30), 8, 14.5),
        # Two business hours awaiting the client on Tuesday push the due instant to Fri 10:30.
        (
            [
                RECEIVED,
                ("awaiting_client", at(23, 10)),
                ("client_responded", at(23, 12)),
                ("replied", at(26, 10)),
            ],
            at(30, 9),
            Outcome.MET,
            at(26, 10, 30),
            22,
            0.5,
        ),
        # A client-requested delay stops the clock the same way (and overlapping pauses count once).
        (
            [
                RECEIVED,
                ("client_requested_delay", at(23, 9, 30)),
                ("awaiting_client", at(23, 10)),
                ("client_responded", at(23, 11)),
                ("delay_over", at(23, 11, 30)),
                ("replied", at(26, 10, 30)),
            ],
            at(30, 9),
            Outcome.MET,
            at(26, 10, 30),
            22.5,
            0,
        ),
        # A pause still open when the case is replied to ends at the reply.
        (
            [RECEIVED, ("awaiting_client", at(25, 9)), ("replied", at(29, 9))],
            at(30, 9),
            Outcome.MET,
            at(29, 16, 30),
            15,
            7.5,
        ),
    ],
)
def test_evaluation_table(
    events: list[tuple[str, datetime]],
    as_of: datetime,
    outcome: Outcome,
    due: datetime,
    elapsed: float,
    remaining: float,
) -> None:
    result = evaluate(TWO_DAYS, timeline(*events), as_of=as_of, calendars=CALENDARS)
    assert result.applies
    assert result.outcome is outcome
    assert result.due_at == due
    assert result.elapsed == timedelta(hours=elapsed)
    assert result.remaining == timedelta(hours=remaining)
    assert result.standard_id == "STD-EML-2"
    assert result.as_of == as_of


def test_open_pause_marks_the_case_paused_and_due_moves_with_as_of() -> None:
    case = timeline(RECEIVED, ("awaiting_client", at(23, 9)))
    early = evaluate(TWO_DAYS, case, as_of=at(23, 12), calendars=CALENDARS)
    later = evaluate(TWO_DAYS, case, as_of=at(25, 12), calendars=CALENDARS)
    assert early.is_paused and later.is_paused
    assert early.outcome is later.outcome is Outcome.PENDING
    assert early.due_at is not None and later.due_at is not None
    assert later.due_at > early.due_at  # the clock has not run while the client was awaited
    assert early.elapsed == later.elapsed == timedelta(hours=7)


def test_not_applicable_when_out_of_scope_or_not_started() -> None:
    phone = timeline(RECEIVED, channel=Channel.TEL)
    result = evaluate(TWO_DAYS, phone, as_of=at(30, 9), calendars=CALENDARS)
    assert (result.applies, result.outcome, result.reason) == (
        False,
        Outcome.NOT_APPLICABLE,
        "out_of_scope",
    )
    assert result.due_at is None
    unstarted = timeline(("triaged", at(22, 9)))
    result = evaluate(TWO_DAYS, unstarted, as_of=at(30, 9), calendars=CALENDARS)
    assert (result.applies, result.outcome, result.reason) == (
        False,
        Outcome.NOT_APPLICABLE,
        "not_started",
    )


@pytest.mark.parametrize(
    ("applies_to", "covered"),
    [
        (Applicability(case_kinds=frozenset({"enquiry"})), True),
        (Applicability(case_kinds=frozenset({"complaint"})), False),
        (Applicability(tiers=frozenset({1, 2})), True),
        (Applicability(tiers=frozenset({3})), False),
        (Applicability(service_ids=frozenset({"SRV1"})), True),
        (Applicability(service_ids=frozenset({"SRV2"})), False),
        (Applicability(), True),
    ],
)
def test_applicability(applies_to: Applicability, covered: bool) -> None:
    rule = StandardRule("S", Within(1, TimeUnit.BUSINESS_DAYS), applies_to=applies_to)
    assert applies_to.covers(timeline(RECEIVED)) is covered
    result = evaluate(rule, timeline(RECEIVED), as_of=at(22, 11), calendars=CALENDARS)
    assert result.applies is covered


def test_special_circumstances_exclude_the_case_only_before_the_stop() -> None:
    excluded = timeline(RECEIVED, ("special_circumstances", at(23, 9)), ("replied", at(29, 9)))
    result = evaluate(TWO_DAYS, excluded, as_of=at(30, 9), calendars=CALENDARS)
    assert (result.outcome, result.reason, result.applies) == (
        Outcome.EXCLUDED,
        "special_circumstances",
        True,
    )
    after = timeline(RECEIVED, ("replied", at(29, 9)), ("special_circumstances", at(29, 10)))
    result = evaluate(TWO_DAYS, after, as_of=at(30, 9), calendars=CALENDARS)
    assert result.outcome is Outcome.MISSED


def test_first_start_and_first_stop_after_it_count() -> None:
    case = timeline(
        ("replied", at(22, 9)),  # before the start: ignored
        RECEIVED,
        ("received", at(23, 10)),  # a second receipt does not restart the clock
        ("replied", at(25, 16)),
        ("replied", at(29, 9)),
    )
    facts = clock_facts(TWO_DAYS, case, as_of=at(30, 9))
    assert (facts.start, facts.stop) == (at(22, 10), at(25, 16))
    assert evaluate(TWO_DAYS, case, as_of=at(30, 9), calendars=CALENDARS).outcome is Outcome.MET


def test_newfoundland_half_hour_zone_and_calendar_choice() -> None:
    # Received 16:45 Friday 26 June in St. John's (after hours): day 0 is Monday 29 June; one
    # business day later is Tuesday 30 June, closing 16:30 NDT (UTC-02:30).
    rule = StandardRule("NL-1", Within(1, TimeUnit.BUSINESS_DAYS))
    case = timeline(("received", at(26, 16, 45, tz=ST_JOHNS)), unit="stj")
    result = evaluate(rule, case, as_of=at(26, 17, tz=ST_JOHNS), calendars=CALENDARS)
    assert result.due_at == at(30, 16, 30, tz=ST_JOHNS)
    assert result.due_at is not None
    assert result.due_at.utcoffset() == timedelta(hours=-2, minutes=-30)
    # The same case counted in the service's calendar, or a named one, gives the same answer.
    for choice in (
        CalendarChoice(CalendarScope.SERVICE),
        CalendarChoice(CalendarScope.NAMED, "atlantic"),
    ):
        other = StandardRule("NL-1", Within(1, TimeUnit.BUSINESS_DAYS), calendar=choice)
        moved = timeline(("received", at(26, 16, 45, tz=ST_JOHNS)), unit="mtl")
        assert evaluate(other, moved, as_of=at(26, 17), calendars=CALENDARS).due_at == result.due_at


def test_unknown_calendar_is_a_coded_error() -> None:
    with pytest.raises(StandardError) as raised:
        evaluate(TWO_DAYS, timeline(RECEIVED, unit="nowhere"), as_of=at(23, 9), calendars=CALENDARS)
    assert raised.value.code is StandardErrorCode.UNKNOWN_CALENDAR
    resolver = CalendarTable({CalendarRef(CalendarScope.RECEIVING_UNIT, "mtl"): QC})
    assert evaluate(TWO_DAYS, timeline(RECEIVED), as_of=at(23, 9), calendars=resolver).applies


def test_telephony_seconds_count_elapsed_time() -> None:
    rule = StandardRule(
        "TEL-60",
        Within(60, TimeUnit.SECONDS),
        start="call_offered",
        stop="call_answered",
        standard_type=StandardType.ACS,
    )
    offered = datetime(2026, 6, 22, 18, 0, tzinfo=MONTREAL)  # after hours: still elapsed time
    case = timeline(
        ("call_offered", offered),
        ("call_answered", offered + timedelta(seconds=45)),
        channel=Channel.TEL,
    )
    result = evaluate(rule, case, as_of=offered + timedelta(hours=1), calendars=CALENDARS)
    assert result.outcome is Outcome.MET
    assert result.elapsed == timedelta(seconds=45)
    assert result.remaining == timedelta(seconds=15)


def test_as_of_must_be_aware() -> None:
    with pytest.raises(StandardError) as raised:
        evaluate(TWO_DAYS, timeline(RECEIVED), as_of=datetime(2026, 6, 30), calendars=CALENDARS)  # noqa: DTZ001
    assert raised.value.code is StandardErrorCode.NAIVE_DATETIME


def test_rule_round_trips_through_json() -> None:
    rule = StandardRule(
        "STD-1",
        Within(5, TimeUnit.BUSINESS_DAYS),
        calendar=CalendarChoice(CalendarScope.NAMED, "ncr"),
        convention=DayConvention(day_zero=DayZero.RECEIPT_DATE, due_time=DueTime.SAME_CLOCK_TIME),
        applies_to=Applicability(tiers=frozenset({2, 3}), case_kinds=frozenset({"application"})),
    )
    for candidate in (rule, TWO_DAYS):
        text = json.dumps(candidate.to_dict())
        assert StandardRule.from_dict(json.loads(text)) == candidate
    assert TWO_DAYS.to_dict()["exclusions"] == [
        {"kind": "client_requested_delay", "effect": "stop_clock", "resumes_on": ["delay_over"]},
        {"kind": "special_circumstances", "effect": "exclude_case"},
    ]
    minimal = StandardRule.from_dict(
        {"standard_id": "X", "within": {"amount": 3, "unit": "business_hours"}}
    )
    assert minimal == StandardRule("X", Within(3, TimeUnit.BUSINESS_HOURS))


def _with(**changes: object) -> dict[str, object]:
    data = TWO_DAYS.to_dict()
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_with(colour="blue"), StandardErrorCode.UNKNOWN_FIELD),
        ({"within": {"amount": 1, "unit": "business_days"}}, StandardErrorCode.MISSING_FIELD),
        (_with(within={"amount": -1, "unit": "business_days"}), StandardErrorCode.INVALID_RULE),
        (_with(within={"amount": 1, "unit": "fortnights"}), StandardErrorCode.INVALID_RULE),
        (_with(within={"amount": 1, "unit": "minutes", "x": 1}), StandardErrorCode.UNKNOWN_FIELD),
        (_with(stop="received"), StandardErrorCode.INVALID_RULE),
        (_with(start=" received"), StandardErrorCode.INVALID_RULE),
        (_with(pauses={"start": ["a"], "end": []}), StandardErrorCode.INVALID_RULE),
        (_with(pauses={"start": ["a"], "end": ["a"]}), StandardErrorCode.INVALID_RULE),
        (_with(pauses={"start": ["received"], "end": ["b"]}), StandardErrorCode.INVALID_RULE),
        (_with(pauses="awaiting"), StandardErrorCode.INVALID_RULE),
        (_with(type="FAST"), StandardErrorCode.INVALID_RULE),
        (_with(target="1.5"), StandardErrorCode.INVALID_TARGET),
        (_with(target="ninety"), StandardErrorCode.INVALID_TARGET),
        (_with(target=0.9), StandardErrorCode.INVALID_TARGET),  # floats are ambiguous: use "0.9"
        (_with(calendar={"scope": "named"}), StandardErrorCode.CALENDAR_NOT_NAMED),
        (_with(calendar={"scope": "moon"}), StandardErrorCode.INVALID_RULE),
        (_with(convention={"day_zero": "tomorrow"}), StandardErrorCode.INVALID_RULE),
        (_with(applies_to={"channels": ["SMS"]}), StandardErrorCode.INVALID_CHANNEL),
        (_with(applies_to={"tiers": [4]}), StandardErrorCode.INVALID_TIER),
        (_with(applies_to={"tiers": 1}), StandardErrorCode.INVALID_RULE),
        (_with(exclusions=[{"kind": "x", "effect": "stop_clock"}]), StandardErrorCode.INVALID_RULE),
        (_with(exclusions=[{"kind": "x", "effect": "vanish"}]), StandardErrorCode.INVALID_RULE),
        (
            _with(exclusions=[{"kind": "received", "effect": "exclude_case"}]),
            StandardErrorCode.INVALID_RULE,
        ),
        (_with(exclusions={"kind": "x"}), StandardErrorCode.INVALID_RULE),
        ("not a rule", StandardErrorCode.INVALID_RULE),
    ],
)
def test_bad_rules_are_refused_with_a_code(data: object, code: StandardErrorCode) -> None:
    with pytest.raises(StandardError) as raised:
        StandardRule.from_dict(data)  # type: ignore[arg-type]
    assert raised.value.code is code


def test_bad_timelines_are_refused() -> None:
    with pytest.raises(StandardError) as raised:
        timeline(RECEIVED, tier=4)
    assert raised.value.code is StandardErrorCode.INVALID_TIER
    with pytest.raises(StandardError) as raised:
        timeline(RECEIVED, channel="SMS")
    assert raised.value.code is StandardErrorCode.INVALID_CHANNEL
    with pytest.raises(StandardError) as raised:
        CaseEvent("received", datetime(2026, 6, 22, 10))  # noqa: DTZ001
    assert raised.value.code is StandardErrorCode.NAIVE_DATETIME
    assert timeline(RECEIVED, channel="PERSON").channel is Channel.PERSON


kinds = st.sampled_from(["received", "replied", "a", "b", "c", "d", "e"])
rules = st.builds(
    StandardRule,
    standard_id=st.text(alphabet="ABCXYZ-0123", min_size=1, max_size=8),
    within=st.builds(Within, st.integers(0, 400), st.sampled_from(list(TimeUnit))),
    start=st.just("received"),
    stop=st.just("replied"),
    calendar=st.one_of(
        st.builds(
            CalendarChoice, st.sampled_from([CalendarScope.RECEIVING_UNIT, CalendarScope.SERVICE])
        ),
        st.builds(CalendarChoice, st.just(CalendarScope.NAMED), st.sampled_from(["ncr", "yt"])),
    ),
    pause_start=st.just(("a",)),
    pause_end=st.sampled_from([("b",), ("b", "c")]),
    exclusions=st.sampled_from(
        [
            (),
            (Exclusion("d", ExclusionEffect.EXCLUDE_CASE),),
            (Exclusion("e", ExclusionEffect.STOP_CLOCK, ("c",)),),
        ]
    ),
    applies_to=st.builds(
        Applicability,
        case_kinds=st.frozensets(st.sampled_from(["enquiry", "application"])),
        channels=st.frozensets(st.sampled_from(list(Channel))),
        tiers=st.frozensets(st.sampled_from([1, 2, 3])),
        service_ids=st.frozensets(st.sampled_from(["SRV1", "SRV2"])),
    ),
    target=st.one_of(st.none(), st.decimals(0, 1, places=3)),
    standard_type=st.sampled_from(list(StandardType)),
    convention=st.builds(
        DayConvention, st.sampled_from(list(DayZero)), st.sampled_from(list(DueTime))
    ),
)


@given(rules)
def test_any_rule_round_trips(rule: StandardRule) -> None:
    assert StandardRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule


def test_more_bad_values_are_refused() -> None:
    cases: list[tuple[object, StandardErrorCode]] = [
        (lambda: CaseEvent("", at(22, 10)), StandardErrorCode.INVALID_EVENT),
        (
            lambda: CaseTimeline("enquiry", Channel.EML, 1, "S", "u", ("received",)),  # type: ignore[arg-type]
            StandardErrorCode.INVALID_EVENT,
        ),
        (lambda: StandardRule("S", "2 business days"), StandardErrorCode.INVALID_RULE),  # type: ignore[arg-type]
        (lambda: Applicability(case_kinds="enquiry"), StandardErrorCode.INVALID_RULE),  # type: ignore[arg-type]
        (lambda: CalendarChoice(CalendarScope.SERVICE, "x"), StandardErrorCode.CALENDAR_NOT_NAMED),
    ]
    for build, code in cases:
        with pytest.raises(StandardError) as raised:
            build()  # type: ignore[operator]
        assert raised.value.code is code


def test_is_completed_follows_the_stop() -> None:
    done = evaluate(
        TWO_DAYS, timeline(RECEIVED, ("replied", at(23, 9))), as_of=at(30, 9), calendars=CALENDARS
    )
    still_open = evaluate(TWO_DAYS, timeline(RECEIVED), as_of=at(30, 9), calendars=CALENDARS)
    assert done.is_completed and not still_open.is_completed


STORM = Calendar(
    "America/Montreal",
    WeeklyHours.parse("08:30-16:30"),
    HolidaySource("CA", "QC"),
    closures=(Closure(Interval(at(23, 12), at(23, 16, 30)), "storm"),),
)


@pytest.mark.parametrize(
    ("calendar", "events", "due"),
    [
        # Received 16:45 on the Friday before Labour Day (7 September 2026): day 0 is Tuesday 8,
        # so one business day is due Wednesday 9 September at 16:30.
        (QC, [("received", at(4, 16, 45, month=9))], at(9, 16, 30, month=9)),
        # Awaiting the client from Tuesday 15:30 to Thursday 9:30, across the Saint-Jean-Baptiste:
        # only the open hours inside the pause (1 h Tuesday, 1 h Thursday) push the due instant.
        (
            QC,
            [RECEIVED, ("awaiting_client", at(23, 15, 30)), ("client_responded", at(25, 9, 30))],
            at(26, 10, 30),
        ),
        # A storm closes the office on Tuesday from noon, inside a pause from Tuesday 10:00 to
        # Thursday 9:00: the closed hours are not counted twice. The pause costs the open hours
        # it covers (Tuesday 10:00-12:00 and Thursday 8:30-9:00), 2.5 h: due Friday 11:00.
        (
            STORM,
            [RECEIVED, ("awaiting_client", at(23, 10)), ("client_responded", at(25, 9))],
            at(26, 11),
        ),
        # The same pause without the storm costs 7 open hours: due Friday 15:30.
        (
            QC,
            [RECEIVED, ("awaiting_client", at(23, 10)), ("client_responded", at(25, 9))],
            at(26, 15, 30),
        ),
    ],
)
def test_real_cases_through_evaluation(
    calendar: Calendar, events: list[tuple[str, datetime]], due: datetime
) -> None:
    rule = StandardRule(
        "S",
        Within(2 if len(events) > 1 else 1, TimeUnit.BUSINESS_DAYS),
        stop="replied",
        pause_start=("awaiting_client",),
        pause_end=("client_responded",),
    )
    calendars = {CalendarRef(CalendarScope.RECEIVING_UNIT, "mtl"): calendar}
    as_of = events[-1][1] + timedelta(hours=1)
    result = evaluate(rule, timeline(*events), as_of=as_of, calendars=calendars)
    assert result.due_at == due
    assert result.outcome is Outcome.PENDING
