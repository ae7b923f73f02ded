"""A case's state as a pure function of its events, and what may be recorded next.

The event log is the only truth: status, owner, current unit, resolution, pauses and time spent are
recomputed from it (:func:`derive_state`). Events are read in the order ``(at, sequence)``; the
first must be ``received``. Each event must be possible in the state left by the ones before it —
the same table answers :func:`allowed_kinds` (what a page offers) and :func:`check_next` (what an
action accepts), so the pages and the actions cannot disagree.

Transitions (``*`` = any status; NOTE, MESSAGE_IN, MESSAGE_OUT, DELIVERY, TIME_SPENT,
DUE_DATE_REVISED, CORRECTED and CLIENT_CHANGED are allowed in every status and change no status):

=================  ==========================================  ==============================
event              allowed when                                status after
=================  ==========================================  ==============================
RECEIVED           first event only                            OPEN
ACKNOWLEDGED       not resolved, not yet acknowledged          unchanged
ASSIGNED           not resolved                                ASSIGNED (AWAITING stays)
UNASSIGNED         not resolved, someone owns it               OPEN (AWAITING stays)
REFERRED           not resolved                                OPEN (AWAITING stays); owner
                                                               cleared; unit = ``to_unit``
AWAITING_CLIENT    OPEN or ASSIGNED                            AWAITING_CLIENT (pause opens)
RESUMED            AWAITING_CLIENT                             ASSIGNED if owned, else OPEN
RESOLVED           not resolved                                RESOLVED (an open pause closes)
REOPENED           RESOLVED                                    ASSIGNED if owned, else OPEN
=================  ==========================================  ==============================

A message in while awaiting the client does not resume the case: the caller records RESUMED.
A ``corrected`` event changes the values of an earlier TIME_SPENT (``minutes``), RESOLVED
(``outcome``, ``data_gap``) or DUE_DATE_REVISED (``due_at``) event; later corrections of the same
event win. Time recorded without an actor counts in ``minutes_spent`` but in no actor's total.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import cast

from comptoir.core.casework.errors import CaseworkError, CaseworkErrorCode
from comptoir.core.casework.events import (
    CORRECTABLE_FIELDS,
    DataGap,
    EventFact,
    EventKind,
    Outcome,
    Status,
    payload_instant,
)

__all__ = ["CaseState", "allowed_kinds", "check_next", "derive_state", "event_order"]

#: Sort key of events: instant, then order of writing.
event_order = operator.attrgetter("at", "sequence")


@dataclass(frozen=True, slots=True)
class CaseState:
    """What a case's events say about it now (see the module docstring)."""

    status: Status
    received_at: datetime
    acknowledged_at: datetime | None
    current_unit: str
    owner: int | None
    resolved_at: datetime | None
    outcome: Outcome | None
    data_gap: DataGap | None
    awaiting_since: datetime | None
    pauses: tuple[tuple[datetime, datetime | None], ...]
    minutes_spent: int
    minutes_by_actor: Mapping[int, int]
    revised_due: Mapping[str, datetime]
    reopen_count: int
    last_event_at: datetime


_ANY_STATUS = frozenset(
    {
        EventKind.NOTE,
        EventKind.MESSAGE_IN,
        EventKind.MESSAGE_OUT,
        EventKind.DELIVERY,
        EventKind.TIME_SPENT,
        EventKind.DUE_DATE_REVISED,
        EventKind.CORRECTED,
        EventKind.CLIENT_CHANGED,
    }
)


def _allowed(status: Status, *, is_owned: bool, is_acknowledged: bool) -> frozenset[EventKind]:
    if status is Status.RESOLVED:
        return _ANY_STATUS | {EventKind.REOPENED}
    kinds = set(_ANY_STATUS) | {EventKind.ASSIGNED, EventKind.REFERRED, EventKind.RESOLVED}
    if not is_acknowledged:
        kinds.add(EventKind.ACKNOWLEDGED)
    if is_owned:
        kinds.add(EventKind.UNASSIGNED)
    if status is Status.AWAITING_CLIENT:
        kinds.add(EventKind.RESUMED)
    else:
        kinds.add(EventKind.AWAITING_CLIENT)
    return frozenset(kinds)


#: What may be recorded next, by (status, is owned, is acknowledged): computed once.
_ALLOWED: Mapping[tuple[Status, bool, bool], frozenset[EventKind]] = {
    (status, is_owned, is_acknowledged): _allowed(
        status, is_owned=is_owned, is_acknowledged=is_acknowledged
    )
    for status in Status
    for is_owned in (False, True)
    for is_acknowledged in (False, True)
}


def allowed_kinds(state: CaseState) -> frozenset[EventKind]:
    """The kinds of event that may be recorded next (RECEIVED never is)."""
    return _ALLOWED[state.status, state.owner is not None, state.acknowledged_at is not None]


def check_next(state: CaseState, kind: EventKind) -> None:
    """Raise ``invalid_transition`` unless an event of ``kind`` may be recorded next."""
    try:
        kind = EventKind(kind)
    except ValueError as error:
        raise CaseworkError(CaseworkErrorCode.UNKNOWN_KIND, value=kind) from error
    if kind not in allowed_kinds(state):
        raise CaseworkError(
            CaseworkErrorCode.INVALID_TRANSITION, kind=kind.value, status=state.status.value
        )


def _gap(value: object) -> DataGap | None:
    return None if value is None else DataGap(str(value))


def _corrected_resolution(
    resolution: tuple[Outcome, DataGap | None], payload: Mapping[str, object]
) -> tuple[Outcome, DataGap | None]:
    """A resolution's (outcome, data gap) after a correction: a gap only when unanswerable."""
    old_outcome, old_gap = resolution
    outcome = Outcome(str(payload.get("outcome", old_outcome)))
    if "data_gap" in payload:
        gap = _gap(payload["data_gap"])
    else:
        gap = old_gap if outcome is Outcome.UNANSWERABLE else None
    if gap is not None and outcome is not Outcome.UNANSWERABLE:
        raise CaseworkError(
            CaseworkErrorCode.INVALID_PAYLOAD,
            kind=EventKind.CORRECTED.value,
            field="data_gap",
            value=gap.value,
        )
    return outcome, gap


def derive_state(events: Sequence[EventFact]) -> CaseState:
    """The state of a case after ``events`` (in any order: read by ``(at, sequence)``).

    One pass over the events with local variables, then one frozen value: this is the hot path of
    every case page and list (see ``bench/bench_casework.py``).
    """
    ordered = sorted(events, key=event_order)
    if not ordered or ordered[0].kind is not EventKind.RECEIVED:
        raise CaseworkError(
            CaseworkErrorCode.NOT_RECEIVED_FIRST,
            kind=ordered[0].kind.value if ordered else None,
        )
    if len({event.sequence for event in ordered}) != len(ordered):
        sequences = sorted(event.sequence for event in ordered)
        duplicate = next(a for a, b in itertools.pairwise(sequences) if a == b)
        raise CaseworkError(CaseworkErrorCode.DUPLICATE_SEQUENCE, sequence=duplicate)
    first = ordered[0]
    received_at = first.at
    unit: str = first.unit or ""
    status = Status.OPEN
    acknowledged_at: datetime | None = None
    owner: int | None = None
    resolved_at: datetime | None = None
    outcome: Outcome | None = None
    data_gap: DataGap | None = None
    resolution_sequence: int | None = None
    awaiting_since: datetime | None = None
    pauses: list[tuple[datetime, datetime | None]] = []
    reopen_count = 0
    # Correctable events by sequence: their kind, and their current values.
    correctable: dict[int, EventKind] = {}
    entries: dict[int, tuple[int | None, int]] = {}  # time_spent: (actor, minutes)
    revisions: dict[int, tuple[str, datetime]] = {}  # due_date_revised: (standard_id, due_at)
    resolutions: dict[int, tuple[Outcome, DataGap | None]] = {}
    table = _ALLOWED
    allowed = table[status, False, False]
    # Local names: this loop runs for every event of every case a page or a list shows.
    note, message_in, message_out = EventKind.NOTE, EventKind.MESSAGE_IN, EventKind.MESSAGE_OUT
    delivery, client_changed = EventKind.DELIVERY, EventKind.CLIENT_CHANGED
    time_spent, revised, corrected = (
        EventKind.TIME_SPENT,
        EventKind.DUE_DATE_REVISED,
        EventKind.CORRECTED,
    )
    open_, assigned, awaiting = Status.OPEN, Status.ASSIGNED, Status.AWAITING_CLIENT
    for event in ordered[1:]:
        kind = event.kind
        if kind not in allowed:
            raise CaseworkError(
                CaseworkErrorCode.INVALID_TRANSITION, kind=kind.value, status=status.value
            )
        payload = event.payload  # checked kind by kind when the EventFact was built
        # Events allowed in every status change no status: the allowed kinds stay the same.
        if (
            kind is note
            or kind is message_in
            or kind is message_out
            or kind is delivery
            or kind is client_changed
        ):
            continue
        if kind is time_spent:
            correctable[event.sequence] = kind
            entries[event.sequence] = (event.actor, cast(int, payload["minutes"]))
            continue
        if kind is revised:
            correctable[event.sequence] = kind
            revisions[event.sequence] = (
                str(payload["standard_id"]),
                payload_instant(kind, payload, "due_at"),
            )
            continue
        if kind is corrected:
            target = cast(int, payload["corrects"])
            target_kind = correctable.get(target)
            if target_kind is None or not (
                CORRECTABLE_FIELDS[target_kind] >= (payload.keys() & _CORRECTABLE_KEYS)
            ):
                raise CaseworkError(
                    CaseworkErrorCode.INVALID_CORRECTION,
                    sequence=event.sequence,
                    corrects=target,
                    kind=None if target_kind is None else target_kind.value,
                )
            if target_kind is time_spent:
                actor, _ = entries[target]
                entries[target] = (actor, cast(int, payload["minutes"]))
            elif target_kind is revised:
                standard_id, _ = revisions[target]
                revisions[target] = (standard_id, payload_instant(kind, payload, "due_at"))
            else:
                corrected_resolution = _corrected_resolution(resolutions[target], payload)
                resolutions[target] = corrected_resolution
                if target == resolution_sequence:
                    outcome, data_gap = corrected_resolution
            continue
        if kind is EventKind.ASSIGNED:
            owner = cast(int, payload["assignee"])
            if status is open_:
                status = assigned
        elif kind is EventKind.UNASSIGNED or kind is EventKind.REFERRED:
            owner = None
            if status is assigned:
                status = open_
            if kind is EventKind.REFERRED:
                unit = str(payload["to_unit"])
        elif kind is EventKind.ACKNOWLEDGED:
            acknowledged_at = event.at
        elif kind is EventKind.AWAITING_CLIENT:
            status = awaiting
            awaiting_since = event.at
        elif kind is EventKind.RESUMED or kind is EventKind.RESOLVED:
            if awaiting_since is not None:
                pauses.append((awaiting_since, event.at))
                awaiting_since = None
            if kind is EventKind.RESUMED:
                status = assigned if owner is not None else open_
            else:
                status = Status.RESOLVED
                resolved_at = event.at
                outcome = Outcome(str(payload["outcome"]))
                data_gap = _gap(payload.get("data_gap"))
                resolution_sequence = event.sequence
                correctable[event.sequence] = kind
                resolutions[event.sequence] = (outcome, data_gap)
        else:  # REOPENED; RECEIVED is never allowed after the first event
            status = assigned if owner is not None else open_
            resolved_at = outcome = data_gap = resolution_sequence = None
            reopen_count += 1
        allowed = table[status, owner is not None, acknowledged_at is not None]
    if awaiting_since is not None:
        pauses.append((awaiting_since, None))
    by_actor: dict[int, int] = {}
    for actor, minutes in entries.values():
        if actor is not None and minutes:
            by_actor[actor] = by_actor.get(actor, 0) + minutes
    return CaseState(
        status=status,
        received_at=received_at,
        acknowledged_at=acknowledged_at,
        current_unit=unit,
        owner=owner,
        resolved_at=resolved_at,
        outcome=outcome,
        data_gap=data_gap,
        awaiting_since=awaiting_since,
        pauses=tuple(pauses),
        minutes_spent=sum(minutes for _, minutes in entries.values()),
        minutes_by_actor=MappingProxyType(by_actor),
        revised_due=MappingProxyType(dict(revisions.values())),
        reopen_count=reopen_count,
        last_event_at=ordered[-1].at,
    )


_CORRECTABLE_KEYS = frozenset().union(*CORRECTABLE_FIELDS.values())
