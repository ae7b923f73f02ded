"""Case events and the state they derive: facts, transitions, corrections, and properties."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.casework import (
    MAX_ENTRY_MINUTES,
    CaseworkError,
    CaseworkErrorCode,
    DataGap,
    EventFact,
    EventKind,
    Outcome,
    Status,
    allowed_kinds,
    check_next,
    derive_state,
)

MONTREAL = ZoneInfo("America/Montreal")
T0 = datetime(2026, 3, 2, 9, tzinfo=MONTREAL)
K = EventKind
PAYLOADS: dict[EventKind, dict[str, object]] = {
    K.ASSIGNED: {"assignee": 7},
    K.REFERRED: {"to_unit": "van"},
    K.TIME_SPENT: {"minutes": 30},
    K.DUE_DATE_REVISED: {"standard_id": "STD-5BD", "due_at": "2026-03-20T16:30:00-04:00"},
    K.RESOLVED: {"outcome": "delivered"},
}


def log(*steps: EventKind | tuple[EventKind, dict[str, object]]) -> list[EventFact]:
    """A log: RECEIVED at T0 in "mtl", then one event an hour, sequences 1, 2, 3..."""
    facts = [EventFact(K.RECEIVED, T0, 1, unit="mtl")]
    for index, step in enumerate(steps, start=2):
        kind, payload = step if isinstance(step, tuple) else (step, PAYLOADS.get(step, {}))
        unit = "mtl" if kind is K.RECEIVED else None
        facts.append(EventFact(kind, hour(index - 1), index, actor=3, unit=unit, payload=payload))
    return facts


def hour(n: int) -> datetime:
    return T0 + timedelta(hours=n)


def test_received_only() -> None:
    state = derive_state(log())
    assert state.status is Status.OPEN
    assert state.received_at == T0 == state.last_event_at
    assert state.current_unit == "mtl"
    assert state.acknowledged_at is state.owner is state.resolved_at is state.outcome is None
    assert state.data_gap is state.awaiting_since is None
    assert state.pauses == ()
    assert state.minutes_spent == 0
    assert dict(state.minutes_by_actor) == {} == dict(state.revised_due)
    assert state.reopen_count == 0


# (steps after RECEIVED, status, owner, current unit)
TRANSITIONS = [
    ((K.ASSIGNED,), Status.ASSIGNED, 7, "mtl"),
    ((K.ASSIGNED, (K.ASSIGNED, {"assignee": 9})), Status.ASSIGNED, 9, "mtl"),
    ((K.ASSIGNED, K.UNASSIGNED), Status.OPEN, None, "mtl"),
    ((K.ASSIGNED, K.REFERRED), Status.OPEN, None, "van"),
    ((K.REFERRED, (K.REFERRED, {"to_unit": "stj"})), Status.OPEN, None, "stj"),
    ((K.AWAITING_CLIENT,), Status.AWAITING_CLIENT, None, "mtl"),
    ((K.ASSIGNED, K.AWAITING_CLIENT), Status.AWAITING_CLIENT, 7, "mtl"),
    ((K.ASSIGNED, K.AWAITING_CLIENT, K.RESUMED), Status.ASSIGNED, 7, "mtl"),
    ((K.AWAITING_CLIENT, K.RESUMED), Status.OPEN, None, "mtl"),
    ((K.AWAITING_CLIENT, K.ASSIGNED), Status.AWAITING_CLIENT, 7, "mtl"),
    ((K.AWAITING_CLIENT, K.ASSIGNED, K.UNASSIGNED), Status.AWAITING_CLIENT, None, "mtl"),
    ((K.ASSIGNED, K.AWAITING_CLIENT, K.REFERRED), Status.AWAITING_CLIENT, None, "van"),
    ((K.AWAITING_CLIENT, K.MESSAGE_IN), Status.AWAITING_CLIENT, None, "mtl"),
    ((K.RESOLVED,), Status.RESOLVED, None, "mtl"),
    ((K.ASSIGNED, K.RESOLVED), Status.RESOLVED, 7, "mtl"),
    ((K.ASSIGNED, K.RESOLVED, K.REOPENED), Status.ASSIGNED, 7, "mtl"),
    ((K.RESOLVED, K.REOPENED), Status.OPEN, None, "mtl"),
    ((K.AWAITING_CLIENT, K.RESOLVED), Status.RESOLVED, None, "mtl"),
    ((K.RESOLVED, K.NOTE, K.MESSAGE_OUT, K.TIME_SPENT), Status.RESOLVED, None, "mtl"),
    ((K.ACKNOWLEDGED, K.NOTE, K.MESSAGE_IN, K.MESSAGE_OUT), Status.OPEN, None, "mtl"),
]


@pytest.mark.parametrize(("steps", "status", "owner", "unit"), TRANSITIONS)
def test_transitions(steps: tuple[Any, ...], status: Status, owner: int | None, unit: str) -> None:
    state = derive_state(log(*steps))
    assert (state.status, state.owner, state.current_unit) == (status, owner, unit)
    assert state.last_event_at == hour(len(steps))


# (steps after RECEIVED, the refused kind, the status it was refused in)
INVALID = [
    ((K.RECEIVED,), K.RECEIVED, Status.OPEN),
    ((K.UNASSIGNED,), K.UNASSIGNED, Status.OPEN),
    ((K.AWAITING_CLIENT, K.UNASSIGNED), K.UNASSIGNED, Status.AWAITING_CLIENT),
    ((K.RESUMED,), K.RESUMED, Status.OPEN),
    ((K.ASSIGNED, K.RESUMED), K.RESUMED, Status.ASSIGNED),
    ((K.AWAITING_CLIENT, K.AWAITING_CLIENT), K.AWAITING_CLIENT, Status.AWAITING_CLIENT),
    ((K.REOPENED,), K.REOPENED, Status.OPEN),
    ((K.AWAITING_CLIENT, K.REOPENED), K.REOPENED, Status.AWAITING_CLIENT),
    ((K.ACKNOWLEDGED, K.ACKNOWLEDGED), K.ACKNOWLEDGED, Status.OPEN),
    ((K.RESOLVED, K.RESOLVED), K.RESOLVED, Status.RESOLVED),
    ((K.RESOLVED, K.ASSIGNED), K.ASSIGNED, Status.RESOLVED),
    ((K.RESOLVED, K.UNASSIGNED), K.UNASSIGNED, Status.RESOLVED),
    ((K.RESOLVED, K.REFERRED), K.REFERRED, Status.RESOLVED),
    ((K.RESOLVED, K.AWAITING_CLIENT), K.AWAITING_CLIENT, Status.RESOLVED),
    ((K.RESOLVED, K.RESUMED), K.RESUMED, Status.RESOLVED),
    ((K.RESOLVED, K.ACKNOWLEDGED), K.ACKNOWLEDGED, Status.RESOLVED),
    ((K.RESOLVED, K.REOPENED, K.REOPENED), K.REOPENED, Status.OPEN),
]


@pytest.mark.parametrize(("steps", "kind", "status"), INVALID)
def test_impossible_events_are_refused(
    steps: tuple[EventKind, ...], kind: EventKind, status: Status
) -> None:
    facts = log(*steps)
    with pytest.raises(CaseworkError) as caught:
        derive_state(facts)
    assert caught.value.code is CaseworkErrorCode.INVALID_TRANSITION
    assert caught.value.params == {"kind": kind.value, "status": status.value}
    # The same refusal when asked before recording it.
    before = derive_state(facts[:-1])
    assert kind not in allowed_kinds(before)
    with pytest.raises(CaseworkError) as asked:
        check_next(before, kind)
    assert asked.value.params == caught.value.params


def test_allowed_kinds_table() -> None:
    anywhere = {
        K.NOTE,
        K.MESSAGE_IN,
        K.MESSAGE_OUT,
        K.DELIVERY,
        K.TIME_SPENT,
        K.DUE_DATE_REVISED,
        K.CORRECTED,
        K.CLIENT_CHANGED,
    }
    opened = {K.ACKNOWLEDGED, K.ASSIGNED, K.REFERRED, K.AWAITING_CLIENT, K.RESOLVED}
    assert allowed_kinds(derive_state(log())) == anywhere | opened
    assert allowed_kinds(derive_state(log(K.ACKNOWLEDGED, K.ASSIGNED))) == (
        anywhere | opened | {K.UNASSIGNED}
    ) - {K.ACKNOWLEDGED}
    assert allowed_kinds(derive_state(log(K.AWAITING_CLIENT))) == (
        anywhere | opened | {K.RESUMED}
    ) - {K.AWAITING_CLIENT}
    assert allowed_kinds(derive_state(log(K.RESOLVED))) == anywhere | {K.REOPENED}
    check_next(derive_state(log(K.RESOLVED)), K.REOPENED)  # allowed: no error
    check_next(derive_state(log()), "assigned")  # type: ignore[arg-type]  # a stored code
    with pytest.raises(CaseworkError) as caught:
        check_next(derive_state(log()), "teleported")  # type: ignore[arg-type]
    assert caught.value.code is CaseworkErrorCode.UNKNOWN_KIND


def test_order_is_at_then_sequence() -> None:
    # Written out of order, and two events at one instant: the sequence decides.
    same = hour(1)
    facts = [
        EventFact(K.RESUMED, same, 4),
        EventFact(K.AWAITING_CLIENT, same, 3),
        EventFact(K.RECEIVED, T0, 1, unit="mtl"),
    ]
    state = derive_state(facts)
    assert state.status is Status.OPEN
    assert state.pauses == ((same, same),)
    swapped = [
        EventFact(K.RESUMED, same, 3),
        EventFact(K.AWAITING_CLIENT, same, 4),
        EventFact(K.RECEIVED, T0, 1, unit="mtl"),
    ]
    with pytest.raises(CaseworkError) as caught:
        derive_state(swapped)
    assert caught.value.params == {"kind": "resumed", "status": "open"}


@pytest.mark.parametrize(
    ("facts", "params"),
    [
        ([], {"kind": None}),
        ([EventFact(K.NOTE, T0, 1)], {"kind": "note"}),
        (
            [EventFact(K.RECEIVED, hour(1), 1, unit="mtl"), EventFact(K.NOTE, T0, 2)],
            {"kind": "note"},
        ),
    ],
)
def test_the_first_event_is_the_receipt(facts: list[EventFact], params: dict[str, object]) -> None:
    with pytest.raises(CaseworkError) as caught:
        derive_state(facts)
    assert caught.value.code is CaseworkErrorCode.NOT_RECEIVED_FIRST
    assert caught.value.params == params


def test_duplicate_sequences_are_refused() -> None:
    facts = [*log(K.NOTE, K.NOTE), EventFact(K.NOTE, hour(5), 2)]
    with pytest.raises(CaseworkError) as caught:
        derive_state(facts)
    assert caught.value.code is CaseworkErrorCode.DUPLICATE_SEQUENCE
    assert caught.value.params == {"sequence": 2}


def test_pauses_acknowledgement_resolution_and_reopening() -> None:
    state = derive_state(
        log(
            K.ACKNOWLEDGED,
            K.AWAITING_CLIENT,
            K.RESUMED,
            K.AWAITING_CLIENT,
            (K.RESOLVED, {"outcome": "unanswerable", "data_gap": "confidentiality"}),
        )
    )
    assert state.acknowledged_at == hour(1)
    assert state.pauses == ((hour(2), hour(3)), (hour(4), hour(5)))
    assert state.awaiting_since is None
    assert (state.resolved_at, state.outcome, state.data_gap) == (
        hour(5),
        Outcome.UNANSWERABLE,
        DataGap.CONFIDENTIALITY,
    )
    reopened = derive_state(log(K.RESOLVED, K.REOPENED, K.AWAITING_CLIENT))
    assert reopened.resolved_at is reopened.outcome is reopened.data_gap is None
    assert reopened.reopen_count == 1
    assert reopened.awaiting_since == hour(3)
    assert reopened.pauses == ((hour(3), None),)
    again = derive_state(
        log(K.RESOLVED, K.REOPENED, (K.RESOLVED, {"outcome": "withdrawn"}), K.REOPENED, K.RESOLVED)
    )
    assert (again.resolved_at, again.outcome, again.reopen_count) == (
        hour(5),
        Outcome.DELIVERED,
        2,
    )


def test_time_spent_by_actor_with_corrections() -> None:
    facts = [
        EventFact(K.RECEIVED, T0, 1, unit="mtl"),
        EventFact(K.TIME_SPENT, hour(1), 2, actor=3, payload={"minutes": 30}),
        EventFact(K.TIME_SPENT, hour(2), 3, actor=4, payload={"minutes": 45}),
        EventFact(K.TIME_SPENT, hour(3), 4, actor=3, payload={"minutes": 15}),
        EventFact(K.TIME_SPENT, hour(4), 5, payload={"minutes": 10}),  # imported: no actor
        EventFact(K.CORRECTED, hour(5), 6, actor=3, payload={"corrects": 2, "minutes": 20}),
        EventFact(K.CORRECTED, hour(6), 7, actor=9, payload={"corrects": 3, "minutes": 0}),
        EventFact(K.CORRECTED, hour(7), 8, payload={"corrects": 2, "minutes": 25, "reason": "x"}),
    ]
    state = derive_state(facts)
    assert state.minutes_spent == 25 + 0 + 15 + 10
    assert dict(state.minutes_by_actor) == {3: 40}  # actor 4's only entry was corrected to 0


def test_due_date_revisions_and_their_corrections() -> None:
    facts = log(
        (K.DUE_DATE_REVISED, {"standard_id": "A", "due_at": "2026-03-20T16:30:00-04:00"}),
        (
            K.DUE_DATE_REVISED,
            {"standard_id": "B", "due_at": datetime(2026, 3, 21, tzinfo=MONTREAL)},
        ),
        (K.DUE_DATE_REVISED, {"standard_id": "A", "due_at": "2026-03-27T16:30:00-04:00"}),
        (K.CORRECTED, {"corrects": 3, "due_at": "2026-03-23T12:00:00-04:00"}),
        (K.CORRECTED, {"corrects": 2, "due_at": "2026-03-10T12:00:00-04:00"}),
    )
    state = derive_state(facts)
    assert dict(state.revised_due) == {
        "A": datetime.fromisoformat("2026-03-27T16:30:00-04:00"),  # the latest revision of A
        "B": datetime.fromisoformat("2026-03-23T12:00:00-04:00"),
    }


def test_resolution_corrections() -> None:
    unanswerable = {"outcome": "unanswerable", "data_gap": "not_collected"}
    state = derive_state(
        log((K.RESOLVED, unanswerable), (K.CORRECTED, {"corrects": 2, "data_gap": "discontinued"}))
    )
    assert (state.outcome, state.data_gap) == (Outcome.UNANSWERABLE, DataGap.DISCONTINUED)
    # Changing the outcome away from unanswerable drops the data gap.
    state = derive_state(
        log((K.RESOLVED, unanswerable), (K.CORRECTED, {"corrects": 2, "outcome": "denied"}))
    )
    assert (state.outcome, state.data_gap) == (Outcome.DENIED, None)
    # Back to unanswerable, without a gap named: none.
    state = derive_state(log(K.RESOLVED, (K.CORRECTED, {"corrects": 2, "outcome": "unanswerable"})))
    assert (state.outcome, state.data_gap) == (Outcome.UNANSWERABLE, None)
    # A correction of an earlier resolution (since reopened) leaves the current one alone.
    state = derive_state(
        log(
            K.RESOLVED,
            K.REOPENED,
            (K.RESOLVED, {"outcome": "withdrawn"}),
            (K.CORRECTED, {"corrects": 2, "outcome": "denied"}),
        )
    )
    assert state.outcome is Outcome.WITHDRAWN
    # ...and one of a resolution that was reopened gives no outcome now.
    state = derive_state(
        log(K.RESOLVED, K.REOPENED, (K.CORRECTED, {"corrects": 2, "outcome": "denied"}))
    )
    assert state.status is Status.OPEN
    assert state.outcome is None


@pytest.mark.parametrize(
    ("steps", "code", "params"),
    [
        # Naming an event that does not exist, or comes later.
        (((K.CORRECTED, {"corrects": 9, "minutes": 5}),), "invalid_correction", {"kind": None}),
        (
            ((K.CORRECTED, {"corrects": 3, "minutes": 5}), K.TIME_SPENT),
            "invalid_correction",
            {"kind": None},
        ),
        # An event that cannot be corrected.
        (((K.CORRECTED, {"corrects": 1, "minutes": 5}),), "invalid_correction", {"kind": None}),
        (
            (K.TIME_SPENT, (K.CORRECTED, {"corrects": 3, "minutes": 5})),
            "invalid_correction",
            {"kind": None},
        ),
        # A field the corrected event does not have.
        (
            (K.TIME_SPENT, (K.CORRECTED, {"corrects": 2, "outcome": "denied"})),
            "invalid_correction",
            {"kind": "time_spent"},
        ),
        (
            (K.RESOLVED, (K.CORRECTED, {"corrects": 2, "minutes": 5})),
            "invalid_correction",
            {"kind": "resolved"},
        ),
        (
            (K.RESOLVED, (K.CORRECTED, {"corrects": 2, "data_gap": "other"})),
            "invalid_payload",
            {"field": "data_gap", "value": "other"},
        ),
    ],
)
def test_invalid_corrections(steps: tuple[Any, ...], code: str, params: dict[str, object]) -> None:
    with pytest.raises(CaseworkError) as caught:
        derive_state(log(*steps))
    assert caught.value.code == code
    assert params.items() <= caught.value.params.items()


BAD_FACTS: list[tuple[dict[str, Any], str, dict[str, object]]] = [
    ({"kind": "teleported"}, "unknown_kind", {"value": "teleported"}),
    ({"at": datetime(2026, 3, 2, 9)}, "naive_datetime", {"field": "at"}),  # noqa: DTZ001
    ({"at": "2026-03-02"}, "naive_datetime", {"field": "at"}),
    ({"sequence": True}, "invalid_payload", {"field": "sequence"}),
    ({"sequence": "1"}, "invalid_payload", {"field": "sequence"}),
    ({"actor": False}, "invalid_payload", {"field": "actor"}),
    ({"unit": ""}, "invalid_payload", {"field": "unit"}),
    ({"unit": " mtl"}, "invalid_payload", {"field": "unit"}),
    ({"kind": K.RECEIVED, "unit": None}, "invalid_payload", {"field": "unit"}),
    ({"payload": [("a", 1)]}, "invalid_payload", {"field": "payload"}),
    ({"kind": K.ASSIGNED, "payload": {}}, "invalid_payload", {"field": "assignee"}),
    ({"kind": K.ASSIGNED, "payload": {"assignee": "7"}}, "invalid_payload", {"field": "assignee"}),
    ({"kind": K.ASSIGNED, "payload": {"assignee": True}}, "invalid_payload", {"field": "assignee"}),
    ({"kind": K.REFERRED, "payload": {"to_unit": ""}}, "invalid_payload", {"field": "to_unit"}),
    ({"kind": K.REFERRED, "payload": {"to_unit": 4}}, "invalid_payload", {"field": "to_unit"}),
    ({"kind": K.TIME_SPENT, "payload": {"minutes": 0}}, "invalid_payload", {"field": "minutes"}),
    (
        {"kind": K.TIME_SPENT, "payload": {"minutes": MAX_ENTRY_MINUTES + 1}},
        "invalid_payload",
        {"field": "minutes"},
    ),
    ({"kind": K.TIME_SPENT, "payload": {"minutes": 1.5}}, "invalid_payload", {"field": "minutes"}),
    ({"kind": K.TIME_SPENT, "payload": {"minutes": True}}, "invalid_payload", {"field": "minutes"}),
    (
        {"kind": K.DUE_DATE_REVISED, "payload": {"due_at": "2026-03-20T16:30:00-04:00"}},
        "invalid_payload",
        {"field": "standard_id"},
    ),
    (
        {"kind": K.DUE_DATE_REVISED, "payload": {"standard_id": "A", "due_at": "next week"}},
        "invalid_payload",
        {"field": "due_at"},
    ),
    (
        {"kind": K.DUE_DATE_REVISED, "payload": {"standard_id": "A", "due_at": 20260320}},
        "invalid_payload",
        {"field": "due_at"},
    ),
    (
        {"kind": K.DUE_DATE_REVISED, "payload": {"standard_id": "A", "due_at": "2026-03-20T16:30"}},
        "naive_datetime",
        {"field": "due_at"},
    ),
    ({"kind": K.RESOLVED, "payload": {}}, "invalid_payload", {"field": "outcome"}),
    ({"kind": K.RESOLVED, "payload": {"outcome": "done"}}, "invalid_payload", {"field": "outcome"}),
    (
        {"kind": K.RESOLVED, "payload": {"outcome": "unanswerable", "data_gap": "lost"}},
        "invalid_payload",
        {"field": "data_gap"},
    ),
    (
        {"kind": K.RESOLVED, "payload": {"outcome": "delivered", "data_gap": "other"}},
        "invalid_payload",
        {"field": "data_gap"},
    ),
    ({"kind": K.CORRECTED, "payload": {"minutes": 5}}, "invalid_payload", {"field": "corrects"}),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": "2", "minutes": 5}},
        "invalid_payload",
        {"field": "corrects"},
    ),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": 2, "reason": "typo"}},
        "invalid_payload",
        {"field": "fields"},
    ),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": 2, "minutes": -1}},
        "invalid_payload",
        {"field": "minutes"},
    ),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": 2, "due_at": "soon"}},
        "invalid_payload",
        {"field": "due_at"},
    ),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": 2, "outcome": "done"}},
        "invalid_payload",
        {"field": "outcome"},
    ),
    (
        {"kind": K.CORRECTED, "payload": {"corrects": 2, "outcome": "denied", "data_gap": "other"}},
        "invalid_payload",
        {"field": "data_gap"},
    ),
]


@pytest.mark.parametrize(("changes", "code", "params"), BAD_FACTS)
def test_malformed_facts_are_refused(
    changes: dict[str, Any], code: str, params: dict[str, object]
) -> None:
    values: dict[str, Any] = {"kind": K.NOTE, "at": T0, "sequence": 1, **changes}
    with pytest.raises(CaseworkError) as caught:
        EventFact(**values)
    assert caught.value.code == code
    assert params.items() <= caught.value.params.items()
    assert isinstance(caught.value, ValueError)
    assert code in str(caught.value)


def test_a_fact_takes_a_stored_code_and_keeps_other_payload_keys() -> None:
    fact = EventFact("message_in", T0, 5, payload={"message_id": 12})  # type: ignore[arg-type]
    assert fact.kind is K.MESSAGE_IN
    assert fact.payload == {"message_id": 12}
    assert str(CaseworkError(CaseworkErrorCode.NOT_RECEIVED_FIRST)) == "not_received_first"


# --- properties ---------------------------------------------------------------------------------


def _payload(kind: EventKind, data: st.DataObject, sequences: dict[EventKind, list[int]]) -> Any:
    if kind is K.ASSIGNED:
        return {"assignee": data.draw(st.integers(1, 5))}
    if kind is K.REFERRED:
        return {"to_unit": data.draw(st.sampled_from(["mtl", "van", "stj"]))}
    if kind is K.TIME_SPENT:
        return {"minutes": data.draw(st.integers(1, 600))}
    if kind is K.DUE_DATE_REVISED:
        return {"standard_id": data.draw(st.sampled_from(["A", "B"])), "due_at": T0.isoformat()}
    if kind is K.RESOLVED:
        outcome = data.draw(st.sampled_from(list(Outcome)))
        if outcome is Outcome.UNANSWERABLE and data.draw(st.booleans()):
            return {"outcome": outcome.value, "data_gap": data.draw(st.sampled_from(list(DataGap)))}
        return {"outcome": outcome.value}
    if kind is K.DELIVERY:
        status = data.draw(st.sampled_from(["delivered", "permanent-failure"]))
        return {"message": data.draw(st.integers(1, 9)), "status": status}
    if kind is K.CLIENT_CHANGED:
        return {"from_client": data.draw(st.integers(1, 5)), "to_client": 6, "merge": 1}
    if kind is K.CORRECTED:
        targets = sequences[K.TIME_SPENT]
        if targets:
            return {"corrects": data.draw(st.sampled_from(targets)), "minutes": 1}
        return None
    return {}


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_every_walk_through_allowed_kinds_derives_consistently(data: st.DataObject) -> None:
    """A log built by choosing each next event among ``allowed_kinds`` is always accepted; any
    other kind appended is refused; the state does not depend on the order the rows are given in;
    and the invariants hold at every step."""
    facts = [EventFact(K.RECEIVED, T0, 0, unit="mtl")]
    state = derive_state(facts)
    sequences: dict[EventKind, list[int]] = {K.TIME_SPENT: []}
    minutes: dict[int, tuple[int, int]] = {}
    for step in range(1, data.draw(st.integers(0, 25)) + 1):
        allowed = allowed_kinds(state)
        refused = sorted(set(EventKind) - allowed)
        at = T0 + timedelta(minutes=data.draw(st.integers(0, 3)) + 10 * step)
        if refused and data.draw(st.booleans()):
            wrong = data.draw(st.sampled_from(refused))
            payload = _payload(wrong, data, sequences)
            if payload is not None:
                unit = "mtl" if wrong is K.RECEIVED else None
                bad = EventFact(wrong, at, step, unit=unit, payload=payload)
                with pytest.raises(CaseworkError) as caught:
                    derive_state([*facts, bad])
                assert caught.value.code is CaseworkErrorCode.INVALID_TRANSITION
        kind = data.draw(st.sampled_from(sorted(allowed)))
        payload = _payload(kind, data, sequences)
        if payload is None:
            continue
        actor = data.draw(st.integers(1, 3))
        facts.append(EventFact(kind, at, step, actor=actor, payload=payload))
        if kind is K.TIME_SPENT:
            sequences[K.TIME_SPENT].append(step)
            minutes[step] = (actor, payload["minutes"])
        elif kind is K.CORRECTED:
            minutes[payload["corrects"]] = (minutes[payload["corrects"]][0], payload["minutes"])
        previous, state = state, derive_state(facts)
        assert state.last_event_at == at
        assert state.received_at == T0
        assert (state.status is Status.AWAITING_CLIENT) == (state.awaiting_since is not None)
        assert (state.status is Status.RESOLVED) == (state.resolved_at is not None)
        assert (state.outcome is None) == (state.resolved_at is None)
        assert state.data_gap is None or state.outcome is Outcome.UNANSWERABLE
        assert state.status is not Status.ASSIGNED or state.owner is not None
        assert state.status is not Status.OPEN or state.owner is None
        open_pauses = [pause for pause in state.pauses if pause[1] is None]
        assert len(open_pauses) == (state.awaiting_since is not None)
        ends = [moment for pause in state.pauses for moment in pause if moment is not None]
        assert ends == sorted(ends)
        assert state.minutes_spent == sum(m for _, m in minutes.values())
        assert state.reopen_count == previous.reopen_count + (kind is K.REOPENED)
        if kind is K.REFERRED:
            assert state.current_unit == payload["to_unit"]
            assert state.owner is None
    shuffled = list(facts)
    random.Random(len(facts)).shuffle(shuffled)
    assert derive_state(shuffled) == state
    by_actor: dict[int, int] = {}
    for actor, spent in minutes.values():
        if spent:
            by_actor[actor] = by_actor.get(actor, 0) + spent
    assert dict(state.minutes_by_actor) == by_actor
