"""Words for the casework core's codes: labels of its enums and its error messages.

The pure core (``comptoir.core.casework``) returns codes and parameters; this is the one module that
turns them into words, in the active language. Labels carry a context (``case event``, ``case
status``...) so that a short English word such as "Open" or "Resolved" can be translated for what it
names here without changing its translation elsewhere. Messages are whole sentences, one msgid each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext_lazy

from comptoir.core.casework import (
    MAX_ENTRY_MINUTES,
    CaseKind,
    CaseworkError,
    CaseworkErrorCode,
    DataGap,
    EventKind,
    Outcome,
    Status,
)

__all__ = [
    "CASE_KIND_LABELS",
    "DATA_GAP_LABELS",
    "EVENT_KIND_LABELS",
    "OUTCOME_LABELS",
    "STATUS_LABELS",
    "CaseKind",
    "clocks_recomputed",
    "error_message",
    "label",
    "resolution_words",
]

EVENT_KIND_LABELS: Mapping[EventKind, Promise] = {
    EventKind.RECEIVED: pgettext_lazy("case event", "Received"),
    EventKind.ACKNOWLEDGED: pgettext_lazy("case event", "Acknowledged"),
    EventKind.ASSIGNED: pgettext_lazy("case event", "Assigned"),
    EventKind.UNASSIGNED: pgettext_lazy("case event", "Unassigned"),
    EventKind.REFERRED: pgettext_lazy("case event", "Referred"),
    EventKind.AWAITING_CLIENT: pgettext_lazy("case event", "Awaiting the client"),
    EventKind.RESUMED: pgettext_lazy("case event", "Resumed"),
    EventKind.NOTE: pgettext_lazy("case event", "Note"),
    EventKind.MESSAGE_IN: pgettext_lazy("case event", "Message received"),
    EventKind.MESSAGE_OUT: pgettext_lazy("case event", "Message sent"),
    EventKind.DELIVERY: pgettext_lazy("case event", "Delivery report"),
    EventKind.TIME_SPENT: pgettext_lazy("case event", "Time spent"),
    EventKind.DUE_DATE_REVISED: pgettext_lazy("case event", "Due date revised"),
    EventKind.RESOLVED: pgettext_lazy("case event", "Resolved"),
    EventKind.REOPENED: pgettext_lazy("case event", "Reopened"),
    EventKind.CORRECTED: pgettext_lazy("case event", "Corrected"),
    EventKind.CLIENT_CHANGED: pgettext_lazy("case event", "Client record changed"),
}

STATUS_LABELS: Mapping[Status, Promise] = {
    Status.OPEN: pgettext_lazy("case status", "Open"),
    Status.ASSIGNED: pgettext_lazy("case status", "Assigned"),
    Status.AWAITING_CLIENT: pgettext_lazy("case status", "Awaiting the client"),
    Status.RESOLVED: pgettext_lazy("case status", "Resolved"),
}

OUTCOME_LABELS: Mapping[Outcome, Promise] = {
    Outcome.DELIVERED: pgettext_lazy("case outcome", "Delivered"),
    Outcome.DENIED: pgettext_lazy("case outcome", "Denied"),
    Outcome.WITHDRAWN: pgettext_lazy("case outcome", "Withdrawn"),
    Outcome.UNANSWERABLE: pgettext_lazy("case outcome", "Could not be answered"),
}

DATA_GAP_LABELS: Mapping[DataGap, Promise] = {
    DataGap.NOT_COLLECTED: pgettext_lazy("data gap", "The data are not collected"),
    DataGap.CONFIDENTIALITY: pgettext_lazy("data gap", "The data are confidential"),
    DataGap.GEOGRAPHY_TOO_FINE: pgettext_lazy("data gap", "The geography asked for is too fine"),
    DataGap.DETAIL_TOO_FINE: pgettext_lazy("data gap", "The detail asked for is too fine"),
    DataGap.NOT_YET_RELEASED: pgettext_lazy("data gap", "The data are not released yet"),
    DataGap.DISCONTINUED: pgettext_lazy("data gap", "The data are no longer produced"),
    DataGap.OUT_OF_MANDATE: pgettext_lazy("data gap", "Outside the organization’s mandate"),
    DataGap.OTHER: pgettext_lazy("data gap", "Another reason"),
}

CASE_KIND_LABELS: Mapping[CaseKind, Promise] = {
    CaseKind.ENQUIRY: pgettext_lazy("case kind", "Enquiry"),
    CaseKind.APPLICATION: pgettext_lazy("case kind", "Application or service request"),
    CaseKind.COMPLAINT: pgettext_lazy("case kind", "Complaint"),
    CaseKind.COMPLIMENT: pgettext_lazy("case kind", "Compliment"),
    CaseKind.SUGGESTION: pgettext_lazy("case kind", "Suggestion"),
}

_LABELS: Mapping[type, Mapping[Any, Promise]] = {
    EventKind: EVENT_KIND_LABELS,
    Status: STATUS_LABELS,
    Outcome: OUTCOME_LABELS,
    DataGap: DATA_GAP_LABELS,
    CaseKind: CASE_KIND_LABELS,
}


def label(member: EventKind | Status | Outcome | DataGap | CaseKind) -> str:
    """The label of any casework code, in the active language."""
    return str(_LABELS[type(member)][member])


def _label_of(
    enum_type: type[EventKind | Status | Outcome | DataGap | CaseKind], code: object
) -> str:
    """The label of a stored code, or the code itself if it is not one (never a traceback)."""
    try:
        return label(enum_type(str(code)))
    except ValueError:
        return str(code)


def resolution_words(payload: Mapping[str, object]) -> str:
    """A ``resolved`` event's payload as a sentence: its outcome, and its data gap if any."""
    outcome = _label_of(Outcome, payload.get("outcome"))
    gap = payload.get("data_gap")
    if gap is None:
        # Translators: a case's resolution, e.g. "Resolved: Delivered."
        return gettext("Resolved: %(outcome)s.") % {"outcome": outcome}
    # Translators: a case's resolution and why it could not be answered, e.g. "Resolved: Could not
    # be answered (The data are confidential)."
    return gettext("Resolved: %(outcome)s (%(data_gap)s).") % {
        "outcome": outcome,
        "data_gap": _label_of(DataGap, gap),
    }


def _payload_message(params: Mapping[str, object]) -> str:
    field = params.get("field")
    values = {"value": params.get("value"), "maximum": MAX_ENTRY_MINUTES}
    if field == "minutes":
        message = gettext(
            "Time spent is a whole number of minutes, at most %(maximum)s (one week), "
            "not “%(value)s”."
        )
    elif field == "outcome":
        message = gettext("“%(value)s” is not an outcome of a case.")
    elif field == "data_gap":
        message = gettext(
            "“%(value)s” is not a data gap, or the case was not resolved as one that could "
            "not be answered: only those have a data gap."
        )
    elif field == "assignee":
        message = gettext("A case can only be assigned to a staff member.")
    elif field == "to_unit":
        message = gettext("A referral needs the unit the case goes to.")
    elif field == "standard_id":
        message = gettext("A revised due date needs the standard it revises.")
    elif field == "due_at":
        message = gettext("“%(value)s” is not a due date and time with a time zone.")
    elif field == "unit":
        message = gettext("A case’s receipt needs the unit that received it.")
    else:
        message = gettext("The event “%(kind)s” was refused: its “%(field)s” is not valid.")
        values = {
            "kind": _label_of(EventKind, params.get("kind")),
            "field": field,
        }
    return message % values


def _case_message(params: Mapping[str, object]) -> str:
    field = params.get("field")
    value = params.get("value")
    if field == "case_kind":
        return gettext("“%(value)s” is not a kind of case.") % {"value": value}
    if field == "channel":
        return gettext(
            "“%(value)s” is not a channel: use ONL, TEL, PERSON, POST, EML, FAX or OTH."
        ) % {"value": value}
    if field == "tier":
        return gettext("A case’s tier is 1, 2 or 3, not “%(value)s”.") % {"value": value}
    return gettext("A case needs a service and the unit that received it.")


def error_message(error: CaseworkError) -> str:
    """A translated sentence for a casework core error."""
    params = error.params
    code = error.code
    if code is CaseworkErrorCode.INVALID_PAYLOAD:
        return _payload_message(params)
    if code is CaseworkErrorCode.INVALID_CASE:
        return _case_message(params)
    if code is CaseworkErrorCode.INVALID_TRANSITION:
        return gettext(
            "The step “%(kind)s” cannot be recorded while the case’s status is “%(status)s”."
        ) % {
            "kind": _label_of(EventKind, params.get("kind")),
            "status": _label_of(Status, params.get("status")),
        }
    if code is CaseworkErrorCode.NOT_RECEIVED_FIRST:
        return gettext("A case’s first event must be its receipt.")
    if code is CaseworkErrorCode.NAIVE_DATETIME:
        return gettext("The instant “%(value)s” has no time zone.") % {"value": params.get("value")}
    if code is CaseworkErrorCode.UNKNOWN_KIND:
        return gettext("“%(value)s” is not a kind of case event.") % {"value": params.get("value")}
    if code is CaseworkErrorCode.DUPLICATE_SEQUENCE:
        return gettext("Two events of this case have the same sequence number (%(sequence)s).") % {
            "sequence": params.get("sequence")
        }
    if code is CaseworkErrorCode.INVALID_CORRECTION:
        return gettext(
            "Event %(corrects)s cannot be corrected: a correction changes the minutes of time "
            "spent, the outcome of a resolution or a revised due date recorded before it."
        ) % {"corrects": params.get("corrects")}
    if code is CaseworkErrorCode.INVALID_REFERENCE_NUMBER:
        return gettext(
            "A reference is made from a whole number from 1 up, of at most 27 digits in base "
            "29, not “%(value)s”."
        ) % {"value": params.get("value")}
    return gettext("A reference prefix is one to three letters from A to Z, not “%(value)s”.") % {
        "value": params.get("value")
    }


def clocks_recomputed(read: int, changed: int) -> str:
    """What ``casework.actions.recompute_clocks`` did, as a sentence (the commands print it)."""
    cases = ngettext(
        "%(count)d open case was measured again",
        "%(count)d open cases were measured again",
        read,
    ) % {"count": read}
    due = ngettext(
        "%(count)d next due date changed.",
        "%(count)d next due dates changed.",
        changed,
    ) % {"count": changed}
    # Translators: e.g. "12 open cases were measured again; 3 next due dates changed."
    return gettext("%(cases)s; %(due)s") % {"cases": cases, "due": due}


#: What a ``delivery`` event's status says (the codes of ``notifications.OutboundStatus``, which
#: are GC Notify's own where it has them).
DELIVERY_STATUS_LABELS: Mapping[str, Promise] = {
    "sent": pgettext_lazy("delivery status", "sent"),
    "delivered": pgettext_lazy("delivery status", "delivered"),
    "temporary-failure": pgettext_lazy("delivery status", "not delivered yet (temporary failure)"),
    "permanent-failure": pgettext_lazy("delivery status", "not delivered (permanent failure)"),
    "technical-failure": pgettext_lazy("delivery status", "not delivered (technical failure)"),
    "failed": pgettext_lazy("delivery status", "not delivered (no more attempts)"),
}


def delivery_status_label(code: str) -> str:
    """The words of a delivery status; an unknown code is shown as it is."""
    label = DELIVERY_STATUS_LABELS.get(code)
    return str(label) if label is not None else code
