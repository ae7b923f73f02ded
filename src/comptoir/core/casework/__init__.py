"""Casework's pure core: case events, the state they derive, standards timelines, references.

    from comptoir.core.casework import EventFact, EventKind, derive_state, make_reference

    state = derive_state(facts)          # status, owner, unit, pauses, time spent...
    allowed_kinds(state)                 # what may be recorded next
    timeline = standards_timeline(case_kind=..., channel="EML", tier=1, service_id=...,
                                  entry_unit=..., events=facts)

No Django, no clock, no random source: instants and numbers are arguments. See
``docs/casework.md`` ("Events and state").
"""

from comptoir.core.casework.errors import CaseworkError, CaseworkErrorCode
from comptoir.core.casework.events import (
    CORRECTABLE_FIELDS,
    MAX_ENTRY_MINUTES,
    CaseKind,
    DataGap,
    EventFact,
    EventKind,
    Outcome,
    Status,
)
from comptoir.core.casework.reference import (
    ALPHABET,
    REFERENCE_LENGTHS,
    make_reference,
    parse_reference,
    reference_numbers,
    reference_space,
)
from comptoir.core.casework.state import CaseState, allowed_kinds, check_next, derive_state
from comptoir.core.casework.timeline import (
    LEFT_OUT_KINDS,
    PAUSE_END_KINDS,
    PAUSE_START_KINDS,
    standards_timeline,
)

__all__ = [
    "ALPHABET",
    "CORRECTABLE_FIELDS",
    "LEFT_OUT_KINDS",
    "MAX_ENTRY_MINUTES",
    "PAUSE_END_KINDS",
    "PAUSE_START_KINDS",
    "REFERENCE_LENGTHS",
    "CaseKind",
    "CaseState",
    "CaseworkError",
    "CaseworkErrorCode",
    "DataGap",
    "EventFact",
    "EventKind",
    "Outcome",
    "Status",
    "allowed_kinds",
    "check_next",
    "derive_state",
    "make_reference",
    "parse_reference",
    "reference_numbers",
    "reference_space",
    "standards_timeline",
]
