"""A case's events as a standards timeline, measured by ``core.standards.evaluate``.

The expected instants are worked out by hand below each case, on a Montréal calendar (08:30-16:30
Monday to Friday, Quebec holidays): "within 5 business days" from received until resolved, the
clock paused while the case awaits the client. Daylight saving time starts Sun 8 March 2026 (EST
-05:00 before, EDT -04:00 after); Wed 24 June (Saint-Jean-Baptiste) and Wed 1 July (Canada Day) are
holidays.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.businesstime import Calendar, HolidaySource, WeeklyHours, Within
from comptoir.core.casework import (
    LEFT_OUT_KINDS,
    PAUSE_END_KINDS,
    PAUSE_START_KINDS,
    CaseKind,
    CaseworkError,
    CaseworkErrorCode,
    EventFact,
    EventKind,
    standards_timeline,
)
from comptoir.core.standards import (
    CalendarRef,
    CalendarScope,
    CaseTimeline,
    Channel,
    Outcome,
    StandardRule,
    evaluate,
)

MONTREAL = ZoneInfo("America/Montreal")
QC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))
CALENDARS = {CalendarRef(CalendarScope.RECEIVING_UNIT, "mtl"): QC}
RULE = StandardRule(
    "STD-5BD",
    Within.parse("5 business days"),
    start="received",
    stop="resolved",
    pause_start=PAUSE_START_KINDS,
    pause_end=PAUSE_END_KINDS,
)
K = EventKind
DELIVERED = {"outcome": "delivered"}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MONTREAL)


def facts(*steps: tuple[Any, ...]) -> list[EventFact]:
    """Facts from (kind, instant) or (kind, instant, payload) steps, sequences 1, 2, 3..."""
    made = []
    for sequence, step in enumerate(steps, start=1):
        kind, moment = step[0], step[1]
        payload = step[2] if len(step) > 2 else {}
        unit = "mtl" if kind is K.RECEIVED else None
        made.append(EventFact(kind, moment, sequence, unit=unit, payload=payload))
    return made


def timeline(events: list[EventFact], **changes: Any) -> CaseTimeline:
    attributes: dict[str, Any] = {
        "case_kind": CaseKind.ENQUIRY,
        "channel": "EML",
        "tier": 1,
        "service_id": "SRV1",
        "entry_unit": "mtl",
        **changes,
    }
    return standards_timeline(events=events, **attributes)


# (events, as of, outcome, due instant, paused at as_of)
CASES = [
    # Received Mon 2 March 10:00: day 0 is Monday; day 5 is Mon 9 March, due at its close (EDT).
    # Resolved half an hour before: met.
    (
        facts((K.RECEIVED, at(3, 2, 10)), (K.RESOLVED, at(3, 9, 16), DELIVERED)),
        at(4, 1, 0),
        Outcome.MET,
        datetime.fromisoformat("2026-03-09T16:30:00-04:00"),
        False,
    ),
    # The same case, asked a question Tue 3 March 12:00, answering Thu 5 March 12:00: the pause
    # holds 4 h 30 (Tue) + 8 h (Wed) + 3 h 30 (Thu) = 16 business hours, two days: due Wed 11
    # March 16:30. Resolved Wed 11 March 16:00: met (without the pause it would have missed).
    (
        facts(
            (K.RECEIVED, at(3, 2, 10)),
            (K.AWAITING_CLIENT, at(3, 3, 12)),
            (K.MESSAGE_IN, at(3, 5, 11)),  # a message in does not resume the clock...
            (K.RESUMED, at(3, 5, 12)),  # ...the explicit RESUMED does
            (K.RESOLVED, at(3, 11, 16), DELIVERED),
        ),
        at(4, 1, 0),
        Outcome.MET,
        datetime.fromisoformat("2026-03-11T16:30:00-04:00"),
        False,
    ),
    # The same pause, resolved Thu 12 March 09:00: missed.
    (
        facts(
            (K.RECEIVED, at(3, 2, 10)),
            (K.AWAITING_CLIENT, at(3, 3, 12)),
            (K.RESUMED, at(3, 5, 12)),
            (K.RESOLVED, at(3, 12, 9), DELIVERED),
        ),
        at(4, 1, 0),
        Outcome.MISSED,
        datetime.fromisoformat("2026-03-11T16:30:00-04:00"),
        False,
    ),
    # Received Mon 22 June 09:30: days 1-5 are Tue 23, Thu 25, Fri 26, Mon 29, Tue 30 June (the
    # 24th is a holiday): due Tue 30 June 16:30 without pauses. Awaiting the client from Tue 23
    # 12:00 and withdrawn while still waiting, Fri 26 10:00: the pause ends at the stop and holds
    # 4 h 30 (Tue) + 0 (Wed, holiday) + 8 h (Thu) + 1 h 30 (Fri) = 14 business hours. 14 hours after
    # Tue 30 June 16:30, skipping Canada Day: Thu 2 July (8 h) and Fri 3 July 08:30 + 6 h = 14:30.
    (
        facts(
            (K.RECEIVED, at(6, 22, 9, 30)),
            (K.AWAITING_CLIENT, at(6, 23, 12)),
            (K.RESOLVED, at(6, 26, 10), {"outcome": "withdrawn"}),
        ),
        at(8, 1, 0),
        Outcome.MET,
        datetime.fromisoformat("2026-07-03T14:30:00-04:00"),
        False,
    ),
    # Still awaiting the client as of Fri 6 March 10:00, since Wed 4 March 10:00: 6 h 30 (Wed) +
    # 8 h (Thu) + 1 h 30 (Fri) = 16 business hours paused so far: due Wed 11 March 16:30 if the
    # clock restarted now; pending, and paused.
    (
        facts((K.RECEIVED, at(3, 2, 10)), (K.AWAITING_CLIENT, at(3, 4, 10))),
        at(3, 6, 10),
        Outcome.PENDING,
        datetime.fromisoformat("2026-03-11T16:30:00-04:00"),
        True,
    ),
    # Resolved Tue 3 March, reopened and resolved again weeks later: the clock stopped at the first
    # resolution, due Mon 9 March 16:30: met.
    (
        facts(
            (K.RECEIVED, at(3, 2, 10)),
            (K.RESOLVED, at(3, 3, 10), DELIVERED),
            (K.REOPENED, at(3, 16, 10)),
            (K.RESOLVED, at(3, 17, 10), DELIVERED),
        ),
        at(4, 1, 0),
        Outcome.MET,
        datetime.fromisoformat("2026-03-09T16:30:00-04:00"),
        False,
    ),
    # Open and unpaused past its due instant: already missed.
    (
        facts((K.RECEIVED, at(3, 2, 10)), (K.ACKNOWLEDGED, at(3, 2, 10, 5))),
        at(3, 10, 9),
        Outcome.MISSED,
        datetime.fromisoformat("2026-03-09T16:30:00-04:00"),
        False,
    ),
]


@pytest.mark.parametrize(("events", "as_of", "outcome", "due", "is_paused"), CASES)
def test_evaluation_of_a_case_timeline(
    events: list[EventFact], as_of: datetime, outcome: Outcome, due: datetime, is_paused: bool
) -> None:
    evaluation = evaluate(RULE, timeline(events), as_of=as_of, calendars=CALENDARS)
    assert evaluation.outcome is outcome
    assert evaluation.due_at == due
    assert evaluation.is_paused is is_paused


def test_events_carry_kind_instant_and_the_unit_holding_the_case() -> None:
    events = facts(
        (K.RECEIVED, at(3, 2, 10)),
        (K.NOTE, at(3, 2, 11)),
        (K.ASSIGNED, at(3, 2, 12), {"assignee": 4}),
        (K.TIME_SPENT, at(3, 2, 13), {"minutes": 20}),
        (K.REFERRED, at(3, 3, 9), {"to_unit": "van"}),
        (K.DUE_DATE_REVISED, at(3, 3, 10), {"standard_id": "STD-5BD", "due_at": at(3, 20, 16)}),
        (K.MESSAGE_OUT, at(3, 3, 11)),
        (K.CORRECTED, at(3, 3, 12), {"corrects": 4, "minutes": 25}),
        (K.RESOLVED, at(3, 4, 9), DELIVERED),
    )
    result = timeline(list(reversed(events)))  # any order in, (at, sequence) out
    assert [(e.kind, e.at, e.unit) for e in result.events] == [
        ("received", at(3, 2, 10), "mtl"),
        ("assigned", at(3, 2, 12), "mtl"),
        ("referred", at(3, 3, 9), "van"),
        ("message_out", at(3, 3, 11), "van"),
        ("resolved", at(3, 4, 9), "van"),
    ]
    assert not {e.kind for e in result.events} & LEFT_OUT_KINDS
    assert (result.case_kind, result.channel, result.tier) == ("enquiry", Channel.EML, 1)
    assert (result.service_id, result.unit) == ("SRV1", "mtl")  # the receiving unit


def test_simultaneous_events_keep_their_sequence() -> None:
    same = at(3, 3, 12)
    events = [
        EventFact(K.RESUMED, same, 3),
        EventFact(K.RECEIVED, at(3, 2, 10), 1, unit="mtl"),
        EventFact(K.AWAITING_CLIENT, same, 2),
    ]
    assert [e.kind for e in timeline(events).events] == ["received", "awaiting_client", "resumed"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"case_kind": "question"}, "case_kind"),
        ({"channel": "SMS"}, "channel"),
        ({"tier": 4}, "tier"),
        ({"tier": True}, "tier"),
        ({"service_id": ""}, "service_id"),
        ({"entry_unit": " mtl"}, "entry_unit"),
        ({"entry_unit": None}, "entry_unit"),
    ],
)
def test_invalid_case_attributes(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(CaseworkError) as caught:
        timeline(facts((K.RECEIVED, at(3, 2, 10))), **changes)
    assert caught.value.code is CaseworkErrorCode.INVALID_CASE
    assert caught.value.params["field"] == field


def test_an_impossible_log_has_no_timeline() -> None:
    events = facts((K.RECEIVED, at(3, 2, 10)), (K.RESUMED, at(3, 2, 11)))
    with pytest.raises(CaseworkError) as caught:
        timeline(events)
    assert caught.value.code is CaseworkErrorCode.INVALID_TRANSITION
    assert timeline(facts((K.RECEIVED, at(3, 2, 10))), case_kind="complaint").case_kind == (
        "complaint"
    )


def test_a_pause_rule_ignores_a_case_that_never_waited() -> None:
    events = facts((K.RECEIVED, at(3, 2, 10)), (K.RESOLVED, at(3, 2, 11), DELIVERED))
    evaluation = evaluate(RULE, timeline(events), as_of=at(3, 3, 0), calendars=CALENDARS)
    assert evaluation.elapsed == timedelta(hours=1)
