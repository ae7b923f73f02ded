"""A case's events as the ``core.standards`` timeline a service standard is measured on.

:func:`standards_timeline` checks the log with :func:`~comptoir.core.casework.state.derive_state`
(an impossible log has no timeline), then gives each event its kind code and instant, in the order
``(at, sequence)``. Each event carries as ``unit`` the unit that holds the case once the event has
happened: the entry unit, then the unit a ``referred`` event moved the case TO. The timeline's own
``unit`` is the entry unit, the receiving unit whose calendar a ``receiving_unit`` rule counts in.

Left out, because no rule can measure them: ``note``, ``time_spent`` and ``due_date_revised``
(bookkeeping, not service to the client) and ``corrected`` (a correction changes values, never when
something happened). ``awaiting_client`` and ``resumed`` are kept: a rule pauses on them with
``PAUSE_START_KINDS`` and ``PAUSE_END_KINDS``; a case resolved while awaiting the client stops the
clock with its pause still open, which ``core.standards`` closes at the stop.
"""

from __future__ import annotations

from collections.abc import Sequence

from comptoir.core.casework.errors import CaseworkError, CaseworkErrorCode
from comptoir.core.casework.events import CaseKind, EventFact, EventKind
from comptoir.core.casework.state import derive_state, event_order
from comptoir.core.standards import CaseEvent, CaseTimeline, StandardError, parse_channel
from comptoir.core.standards.model import TIERS

__all__ = ["LEFT_OUT_KINDS", "PAUSE_END_KINDS", "PAUSE_START_KINDS", "standards_timeline"]

#: Kinds that never reach a standards timeline.
LEFT_OUT_KINDS = frozenset(
    {
        EventKind.NOTE,
        EventKind.TIME_SPENT,
        EventKind.DUE_DATE_REVISED,
        EventKind.CORRECTED,
        EventKind.CLIENT_CHANGED,
    }
)
#: The pause of a rule that stops its clock while the case awaits the client.
PAUSE_START_KINDS: tuple[str, ...] = (EventKind.AWAITING_CLIENT.value,)
PAUSE_END_KINDS: tuple[str, ...] = (EventKind.RESUMED.value,)


def _code(value: object, name: str) -> str:
    if not isinstance(value, str) or not value or value != value.strip():
        raise CaseworkError(CaseworkErrorCode.INVALID_CASE, field=name, value=value)
    return value


def standards_timeline(
    *,
    case_kind: CaseKind,
    channel: str,
    tier: int,
    service_id: str,
    entry_unit: str,
    events: Sequence[EventFact],
) -> CaseTimeline:
    """The ``core.standards`` timeline of a case, for ``core.standards.evaluate``."""
    try:
        kind = CaseKind(case_kind)
    except ValueError as error:
        raise CaseworkError(
            CaseworkErrorCode.INVALID_CASE, field="case_kind", value=case_kind
        ) from error
    try:
        parsed_channel = parse_channel(channel)
    except StandardError as error:
        raise CaseworkError(
            CaseworkErrorCode.INVALID_CASE, field="channel", value=channel
        ) from error
    if isinstance(tier, bool) or tier not in TIERS:
        raise CaseworkError(CaseworkErrorCode.INVALID_CASE, field="tier", value=tier)
    _code(service_id, "service_id")
    _code(entry_unit, "entry_unit")
    derive_state(events)
    unit = entry_unit
    case_events: list[CaseEvent] = []
    for event in sorted(events, key=event_order):
        if event.kind is EventKind.REFERRED:
            unit = str(event.payload["to_unit"])
        if event.kind not in LEFT_OUT_KINDS:
            case_events.append(CaseEvent(event.kind.value, event.at, unit))
    # CaseTimeline sorts by instant with a stable sort: simultaneous events keep (at, sequence).
    return CaseTimeline(
        case_kind=kind.value,
        channel=parsed_channel,
        tier=tier,
        service_id=service_id,
        unit=entry_unit,
        events=tuple(case_events),
    )
