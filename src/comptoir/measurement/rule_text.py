"""Words for a service standard's machine rule (``comptoir.core.standards.StandardRule``).

Each phrase is translated whole, with its own preposition ("from receipt", « à compter de la
réception »), and the sentence that joins them is one msgid, so French never reads a glued
fragment. ``rule_sentence`` is what the service page, ``comptoir standards show-rule`` and the case
clocks show.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from comptoir.core.businesstime import TimeUnit, Within
from comptoir.core.standards import (
    Applicability,
    CalendarChoice,
    CalendarScope,
    StandardError,
    StandardErrorCode,
    StandardRule,
)

#: The event that ends each pause a rule may be given by its start kind (``--pause-while``).
PAUSE_ENDS: dict[str, str] = {"awaiting_client": "resumed"}

#: The event kinds a rule may start or stop its clock on, in the order the form offers them.
CLOCK_KINDS: tuple[str, ...] = (
    "received",
    "acknowledged",
    "assigned",
    "referred",
    "resumed",
    "resolved",
    "reopened",
)


def limit_phrase(within: Within) -> str:
    count = within.amount
    match within.unit:
        case TimeUnit.BUSINESS_DAYS:
            template = ngettext("%(count)d business day", "%(count)d business days", count)
        case TimeUnit.BUSINESS_HOURS:
            template = ngettext("%(count)d business hour", "%(count)d business hours", count)
        case TimeUnit.BUSINESS_MINUTES:
            template = ngettext("%(count)d business minute", "%(count)d business minutes", count)
        case TimeUnit.CALENDAR_DAYS:
            template = ngettext("%(count)d calendar day", "%(count)d calendar days", count)
        case TimeUnit.MINUTES:
            template = ngettext("%(count)d minute", "%(count)d minutes", count)
        case _:
            template = ngettext("%(count)d second", "%(count)d seconds", count)
    return template % {"count": count}


def unit_label(unit: TimeUnit) -> str:
    """The name of a kind of limit, for the form's choices."""
    labels = {
        TimeUnit.BUSINESS_DAYS: gettext("business days"),
        TimeUnit.BUSINESS_HOURS: gettext("business hours"),
        TimeUnit.BUSINESS_MINUTES: gettext("business minutes"),
        TimeUnit.CALENDAR_DAYS: gettext("calendar days"),
        TimeUnit.MINUTES: gettext("minutes"),
        TimeUnit.SECONDS: gettext("seconds"),
    }
    return labels[unit]


def event_label(kind: str) -> str:
    """The name of an event kind, for the form's choices."""
    labels = {
        "received": gettext("receipt"),
        "acknowledged": gettext("acknowledgement"),
        "assigned": gettext("assignment"),
        "referred": gettext("referral"),
        "resumed": gettext("resumption"),
        "resolved": gettext("resolution"),
        "reopened": gettext("reopening"),
        "awaiting_client": gettext("awaiting the client"),
    }
    return labels.get(kind) or gettext("the event “%(kind)s”") % {"kind": kind}


def _start_phrase(kind: str) -> str:
    phrases = {
        "received": gettext("from receipt"),
        "acknowledged": gettext("from acknowledgement"),
        "assigned": gettext("from assignment"),
        "referred": gettext("from referral"),
        "resumed": gettext("from resumption"),
        "resolved": gettext("from resolution"),
        "reopened": gettext("from reopening"),
    }
    return phrases.get(kind) or gettext("from the event “%(kind)s”") % {"kind": kind}


def _stop_phrase(kind: str) -> str:
    phrases = {
        "received": gettext("until receipt"),
        "acknowledged": gettext("until acknowledgement"),
        "assigned": gettext("until assignment"),
        "referred": gettext("until referral"),
        "resumed": gettext("until resumption"),
        "resolved": gettext("until resolution"),
        "reopened": gettext("until reopening"),
    }
    return phrases.get(kind) or gettext("until the event “%(kind)s”") % {"kind": kind}


def _pause_phrase(rule: StandardRule) -> str:
    if rule.pause_start == ("awaiting_client",) and rule.pause_end == ("resumed",):
        return gettext("paused while awaiting the client")
    return gettext("paused from the event “%(start)s” until the event “%(end)s”") % {
        "start": ", ".join(rule.pause_start),
        "end": ", ".join(rule.pause_end),
    }


def calendar_phrase(rule: StandardRule) -> str:
    match rule.calendar.scope:
        case CalendarScope.RECEIVING_UNIT:
            return gettext("entry unit's calendar")
        case CalendarScope.CURRENT_UNIT:
            return gettext("calendar of the unit holding the case at each moment")
        case CalendarScope.SERVICE:
            return gettext("service's calendar")
        case _:
            return gettext("calendar “%(name)s”") % {"name": rule.calendar.name}


def target_sentence(target: Decimal) -> str:
    percent = number_format(target * 100, decimal_pos=0 if target * 100 % 1 == 0 else 1)
    return gettext("Target: %(percent)s%% of cases.") % {"percent": percent}


def rule_sentence(rule: StandardRule) -> str:
    """The rule in words, e.g. "Within 5 business days from receipt until resolution, paused
    while awaiting the client; entry unit's calendar." (plus the target when there is one)."""
    values = {
        "limit": limit_phrase(rule.within),
        "start": _start_phrase(rule.start),
        "stop": _stop_phrase(rule.stop),
        "calendar": calendar_phrase(rule),
    }
    if rule.pause_start:
        sentence = gettext("Within %(limit)s %(start)s %(stop)s, %(pause)s; %(calendar)s.") % {
            **values,
            "pause": _pause_phrase(rule),
        }
    else:
        sentence = gettext("Within %(limit)s %(start)s %(stop)s; %(calendar)s.") % values
    if rule.applies_to.case_kinds:
        sentence = f"{sentence} {kinds_sentence(rule.applies_to.case_kinds)}"
    if rule.target is not None:
        sentence = f"{sentence} {target_sentence(rule.target)}"
    return sentence


def kinds_sentence(kinds: Iterable[str]) -> str:
    """ "Only for complaints and suggestions." in the reader's language."""
    from comptoir.casework.text import CASE_KIND_LABELS
    from comptoir.core.casework import CaseKind

    names = [str(CASE_KIND_LABELS[CaseKind(kind)]).lower() for kind in sorted(kinds)]
    return gettext("Only for these kinds of case: %(kinds)s.") % {"kinds": ", ".join(names)}


def standard_error_message(error: StandardError) -> str:
    """A translated sentence for a rule the standards engine refuses."""
    params = {key: str(value) for key, value in error.params.items()}
    if error.code is StandardErrorCode.INVALID_TARGET:
        return gettext(
            "“%(value)s” is not a valid target: write a share between 0 and 1, for example 0.9."
        ) % {"value": params.get("value", "")}
    if error.code is StandardErrorCode.INVALID_RULE and params.get("field") == "stop":
        return gettext("The clock cannot start and stop on the same event.")
    if error.code is StandardErrorCode.INVALID_RULE and params.get("field") == "pause_start":
        return gettext("The clock cannot pause on the event that starts or stops it.")
    return gettext("This rule cannot be used (%(code)s: %(detail)s).") % {
        "code": error.code.value,
        "detail": ", ".join(f"{key}={value}" for key, value in sorted(params.items())),
    }


class RuleRefusedError(ValueError):
    """A rule described by a person (the command's options, the page's form) that cannot be
    made: ``message`` is the translated sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def make_rule(
    standard_id: str,
    *,
    within: Within,
    start: str,
    stop: str,
    pause_while: str | None,
    calendar: CalendarScope,
    target: Decimal | None,
    case_kinds: Iterable[str] = (),
) -> StandardRule:
    """The rule of the command's options and the page's form; ``RuleRefusedError`` in words.
    ``case_kinds`` limits it to those kinds of case (a complaint's own acknowledgement standard,
    say); none: every case of the service."""
    if pause_while and pause_while not in PAUSE_ENDS:
        raise RuleRefusedError(
            gettext("The clock can pause only while awaiting the client (awaiting_client).")
        )
    pause_end = PAUSE_ENDS[pause_while] if pause_while else None
    try:
        return StandardRule(
            standard_id,
            within,
            start=start,
            stop=stop,
            calendar=CalendarChoice(calendar),
            pause_start=(pause_while,) if pause_while else (),
            pause_end=(pause_end,) if pause_end else (),
            target=target,
            applies_to=Applicability(case_kinds=frozenset(case_kinds)),
        )
    except StandardError as error:
        raise RuleRefusedError(standard_error_message(error)) from error
