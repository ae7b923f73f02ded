"""Case events as the core sees them: kinds, outcomes, data gaps, case kinds, statuses, facts.

Every enum value is a stable code: it is stored in the database, written by the history import and
named by service standard rules (``StandardRule.start``, ``stop``, pauses), so a value never changes
once released. Words for people live in ``comptoir.casework.text``.

An :class:`EventFact` is one stored event. Its payload is checked here, kind by kind, when the fact
is built, so a fact that exists is well formed; whether it may happen *now* is the state machine's
question (:mod:`comptoir.core.casework.state`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from comptoir.core.casework.errors import CaseworkError, CaseworkErrorCode

__all__ = [
    "CORRECTABLE_FIELDS",
    "MAX_ENTRY_MINUTES",
    "CaseKind",
    "DataGap",
    "EventFact",
    "EventKind",
    "Outcome",
    "Status",
    "payload_instant",
]


class EventKind(enum.StrEnum):
    """The one enum of case event kinds."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    REFERRED = "referred"
    AWAITING_CLIENT = "awaiting_client"
    RESUMED = "resumed"
    NOTE = "note"
    MESSAGE_IN = "message_in"
    MESSAGE_OUT = "message_out"
    #: What the mail system said of a message sent to the client (delivered, bounced…).
    DELIVERY = "delivery"
    TIME_SPENT = "time_spent"
    DUE_DATE_REVISED = "due_date_revised"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CORRECTED = "corrected"
    #: The case moved to another client record: a merge of duplicate clients, or its undoing.
    CLIENT_CHANGED = "client_changed"


class Outcome(enum.StrEnum):
    """How a case was resolved (the history import's codes)."""

    DELIVERED = "delivered"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    UNANSWERABLE = "unanswerable"


class DataGap(enum.StrEnum):
    """Why a request could not be answered, after Statistics Canada's data-gap categories.

    Only an ``unanswerable`` resolution carries one.
    """

    #: The information is not collected by anyone we know of.
    NOT_COLLECTED = "not_collected"
    #: It exists but cannot be released (confidentiality, privacy, the Statistics Act).
    CONFIDENTIALITY = "confidentiality"
    #: It exists, but not for a geography as fine as the one asked for.
    GEOGRAPHY_TOO_FINE = "geography_too_fine"
    #: It exists, but not at the level of detail asked for (industry, age group, product).
    DETAIL_TOO_FINE = "detail_too_fine"
    #: It is not released yet (a future reference period or a release still to come).
    NOT_YET_RELEASED = "not_yet_released"
    #: It was collected once and is no longer produced.
    DISCONTINUED = "discontinued"
    #: The question is outside the organization's mandate.
    OUT_OF_MANDATE = "out_of_mandate"
    OTHER = "other"


class CaseKind(enum.StrEnum):
    ENQUIRY = "enquiry"
    APPLICATION = "application"
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    SUGGESTION = "suggestion"


class Status(enum.StrEnum):
    """A case's status, derived from its events (never stored as the truth)."""

    #: Received, nobody assigned.
    OPEN = "open"
    #: Someone owns it.
    ASSIGNED = "assigned"
    #: Waiting for the client; the standards' clocks pause.
    AWAITING_CLIENT = "awaiting_client"
    RESOLVED = "resolved"


#: The largest number of minutes one ``time_spent`` entry may record (one week, 7 x 24 h): a larger
#: figure is a typing error, not an entry.
MAX_ENTRY_MINUTES = 7 * 24 * 60

#: What a ``corrected`` event may change, by the kind of the event it corrects.
CORRECTABLE_FIELDS: Mapping[EventKind, frozenset[str]] = {
    EventKind.TIME_SPENT: frozenset({"minutes"}),
    EventKind.RESOLVED: frozenset({"outcome", "data_gap"}),
    EventKind.DUE_DATE_REVISED: frozenset({"due_at"}),
}
_ALL_CORRECTABLE = frozenset().union(*CORRECTABLE_FIELDS.values())


def _require_aware(value: object, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise CaseworkError(CaseworkErrorCode.NAIVE_DATETIME, field=name, value=str(value))
    if value.tzinfo is None or value.utcoffset() is None:
        raise CaseworkError(CaseworkErrorCode.NAIVE_DATETIME, field=name, value=value.isoformat())
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_code(value: object) -> bool:
    return isinstance(value, str) and bool(value) and value == value.strip()


def payload_instant(kind: EventKind, payload: Mapping[str, object], name: str) -> datetime:
    """The aware instant a payload holds under ``name``: an ISO 8601 string or a datetime."""
    value = payload.get(name)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise CaseworkError(
                CaseworkErrorCode.INVALID_PAYLOAD, kind=kind.value, field=name, value=value
            ) from error
    if not isinstance(value, datetime):
        raise CaseworkError(
            CaseworkErrorCode.INVALID_PAYLOAD, kind=kind.value, field=name, value=value
        )
    return _require_aware(value, name)


def _bad(kind: EventKind, name: str, value: object) -> CaseworkError:
    return CaseworkError(
        CaseworkErrorCode.INVALID_PAYLOAD, kind=kind.value, field=name, value=value
    )


def _check_minutes(kind: EventKind, value: object, *, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(kind, "minutes", value)
    if not least <= value <= MAX_ENTRY_MINUTES:
        raise _bad(kind, "minutes", value)


def _check_resolution(kind: EventKind, payload: Mapping[str, object], *, required: bool) -> None:
    if "outcome" in payload or required:
        try:
            Outcome(str(payload.get("outcome")))
        except ValueError as error:
            raise _bad(kind, "outcome", payload.get("outcome")) from error
    gap = payload.get("data_gap")
    if gap is not None:
        try:
            DataGap(str(gap))
        except ValueError as error:
            raise _bad(kind, "data_gap", gap) from error
        if "outcome" in payload and payload["outcome"] != Outcome.UNANSWERABLE:
            raise _bad(kind, "data_gap", gap)


def _check_payload(kind: EventKind, payload: Mapping[str, object]) -> None:
    """Refuse a payload missing what its kind needs; other keys are the caller's to keep."""
    if kind is EventKind.ASSIGNED:
        if not _is_int(payload.get("assignee")):
            raise _bad(kind, "assignee", payload.get("assignee"))
    elif kind is EventKind.REFERRED:
        if not _is_code(payload.get("to_unit")):
            raise _bad(kind, "to_unit", payload.get("to_unit"))
    elif kind is EventKind.TIME_SPENT:
        _check_minutes(kind, payload.get("minutes"), least=1)
    elif kind is EventKind.DUE_DATE_REVISED:
        if not _is_code(payload.get("standard_id")):
            raise _bad(kind, "standard_id", payload.get("standard_id"))
        payload_instant(kind, payload, "due_at")
    elif kind is EventKind.RESOLVED:
        _check_resolution(kind, payload, required=True)
    elif kind is EventKind.DELIVERY:
        if not _is_int(payload.get("message")):
            raise _bad(kind, "message", payload.get("message"))
        if not _is_code(payload.get("status")):
            raise _bad(kind, "status", payload.get("status"))
    elif kind is EventKind.CLIENT_CHANGED:
        for name in ("from_client", "to_client", "merge"):
            if not _is_int(payload.get(name)):
                raise _bad(kind, name, payload.get(name))
    elif kind is EventKind.CORRECTED:
        if not _is_int(payload.get("corrects")):
            raise _bad(kind, "corrects", payload.get("corrects"))
        if not _ALL_CORRECTABLE & payload.keys():
            raise _bad(kind, "fields", sorted(payload))
        if "minutes" in payload:
            _check_minutes(kind, payload["minutes"], least=0)
        if "due_at" in payload:
            payload_instant(kind, payload, "due_at")
        _check_resolution(kind, payload, required=False)


@dataclass(frozen=True, slots=True)
class EventFact:
    """One stored event as the core sees it.

    ``sequence`` is the row's order of writing: it orders events recorded at the same instant and
    names the event a ``corrected`` event corrects. ``actor`` is the staff key (``None``: the system
    or the client); ``unit`` the code of the unit where it happened (required on ``received``: the
    entry point).

    Payload keys by kind: ``assigned`` {"assignee": int}; ``referred`` {"to_unit": str};
    ``time_spent`` {"minutes": 1..MAX_ENTRY_MINUTES}; ``due_date_revised`` {"standard_id": str,
    "due_at": aware ISO 8601 str}; ``resolved`` {"outcome": Outcome, "data_gap": DataGap (only
    with ``unanswerable``) or absent}; ``delivery`` {"message": the outbound message's key,
    "status": str}; ``corrected`` {"corrects": sequence, and the corrected
    values among :data:`CORRECTABLE_FIELDS`}; ``client_changed`` {"from_client": int,
    "to_client": int, "merge": the client merge's key, "undone": bool or absent}. Other keys are
    kept and ignored.
    """

    kind: EventKind
    at: datetime
    sequence: int
    actor: int | None = None
    unit: str | None = None
    payload: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            kind = EventKind(self.kind)
        except ValueError as error:
            raise CaseworkError(CaseworkErrorCode.UNKNOWN_KIND, value=self.kind) from error
        object.__setattr__(self, "kind", kind)
        _require_aware(self.at, "at")
        if not _is_int(self.sequence):
            raise _bad(kind, "sequence", self.sequence)
        if self.actor is not None and not _is_int(self.actor):
            raise _bad(kind, "actor", self.actor)
        if self.unit is not None and not _is_code(self.unit):
            raise _bad(kind, "unit", self.unit)
        if kind is EventKind.RECEIVED and self.unit is None:
            raise _bad(kind, "unit", None)
        if not isinstance(self.payload, Mapping):
            raise _bad(kind, "payload", repr(self.payload))
        _check_payload(kind, self.payload)
