"""Words for the business-time engine's codes: error messages and explanation sentences.

The pure core (``comptoir.core.businesstime``) returns codes and parameters; this module turns them
into whole, translated sentences in the active language. Each sentence is one msgid with named
placeholders, so translators always see a complete sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from comptoir.core.businesstime import (
    BusinessTimeError,
    ClosedReason,
    ErrorCode,
    ExplainStep,
    StepCode,
    TimeUnit,
)


def format_day(day: date) -> str:
    # Translators: a date with its weekday, e.g. "Tuesday 23 June 2026"; Django format characters.
    return date_format(day, gettext("l j F Y"))


def format_instant(moment: datetime) -> str:
    return gettext("%(day)s at %(time)s (%(iso)s)") % {
        "day": format_day(moment.date()),
        "time": moment.strftime("%H:%M"),
        "iso": moment.isoformat(),
    }


def format_duration(amount: timedelta) -> str:
    total_seconds = int(amount.total_seconds())
    hours, rest = divmod(total_seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        # Translators: a duration in hours, minutes and seconds, e.g. "1 h 20 min 05 s".
        return gettext("%(hours)d h %(minutes)02d min %(seconds)02d s") % {
            "hours": hours,
            "minutes": minutes,
            "seconds": seconds,
        }
    # Translators: a duration in hours and minutes, e.g. "1 h 20 min".
    return gettext("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


def error_message(error: BusinessTimeError) -> str:
    """A translated sentence for an engine error."""
    params = {key: str(value) for key, value in error.params.items()}
    messages = {
        ErrorCode.NAIVE_DATETIME: gettext("The instant “%(value)s” has no time zone."),
        ErrorCode.INVALID_INTERVAL: gettext(
            "“%(value)s” is not a valid interval: write START/END in ISO 8601, "
            "with END not before START."
        ),
        ErrorCode.INVALID_HOURS: gettext(
            "“%(value)s” are not valid business hours: write HH:MM-HH:MM for Monday to Friday, "
            "shifts separated by commas, or days such as “mon-fri 08:30-16:30; sat 09:00-12:00”."
        ),
        ErrorCode.INVALID_DURATION: gettext(
            "“%(value)s” is not a valid limit: write, for example, “2 business days”, "
            "“8 business hours”, “30 calendar days”, “90 minutes” or “60 seconds”."
        ),
        ErrorCode.UNKNOWN_TIME_ZONE: gettext(
            "“%(value)s” is not a known time zone: use an IANA name such as America/Montreal."
        ),
        ErrorCode.UNKNOWN_COUNTRY: gettext("No holidays are known for the country “%(country)s”."),
        ErrorCode.UNKNOWN_SUBDIVISION: gettext(
            "No holidays are known for the subdivision “%(subdivision)s” of “%(country)s”."
        ),
        ErrorCode.UNKNOWN_CATEGORY: gettext(
            "Unknown holiday category in “%(categories)s”: use public, government or optional."
        ),
        ErrorCode.INVALID_HOLIDAY_JURISDICTION: gettext(
            "“%(value)s” is not a holiday jurisdiction: write CA for federal holidays or CA-XX "
            "for a province or territory, for example CA-QC."
        ),
        ErrorCode.EMPTY_EFFECTIVE_CALENDAR: gettext(
            "A calendar that changes over time needs at least one calendar."
        ),
        ErrorCode.NO_BUSINESS_TIME: gettext(
            "This calendar has no business hours in the period the calculation needs."
        ),
        ErrorCode.OUT_OF_RANGE: gettext(
            "The year %(year)s is outside the years the calculation supports (1901 to 9998)."
        ),
        ErrorCode.UNSUPPORTED_IN_BATCH: gettext(
            "The rule “%(value)s” can only be computed one case at a time."
        ),
    }
    template = messages[error.code]
    try:
        return template % params
    except KeyError:  # a parameter the sentence names is missing: still say what went wrong
        return template.replace("%(", "(").replace(")s", ")")


def _received_sentence(params: Mapping[str, object]) -> str:
    count = int(str(params["amount"]))
    values = {"instant": format_instant(_instant(params["instant"])), "count": count}
    unit = TimeUnit(str(params["unit"]))
    if unit is TimeUnit.BUSINESS_DAYS:
        template = ngettext(
            "Received %(instant)s; due within %(count)d business day.",
            "Received %(instant)s; due within %(count)d business days.",
            count,
        )
    elif unit is TimeUnit.BUSINESS_HOURS:
        template = ngettext(
            "Received %(instant)s; due within %(count)d business hour.",
            "Received %(instant)s; due within %(count)d business hours.",
            count,
        )
    elif unit is TimeUnit.BUSINESS_MINUTES:
        template = ngettext(
            "Received %(instant)s; due within %(count)d business minute.",
            "Received %(instant)s; due within %(count)d business minutes.",
            count,
        )
    elif unit is TimeUnit.CALENDAR_DAYS:
        template = ngettext(
            "Received %(instant)s; due within %(count)d calendar day.",
            "Received %(instant)s; due within %(count)d calendar days.",
            count,
        )
    elif unit is TimeUnit.MINUTES:
        template = ngettext(
            "Received %(instant)s; due within %(count)d minute.",
            "Received %(instant)s; due within %(count)d minutes.",
            count,
        )
    else:
        template = ngettext(
            "Received %(instant)s; due within %(count)d second.",
            "Received %(instant)s; due within %(count)d seconds.",
            count,
        )
    return template % values


def _instant(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(value)  # the engine's contract broken: a programming error
    return value


def _day(value: object) -> date:
    if not isinstance(value, date):
        raise TypeError(value)  # the engine's contract broken: a programming error
    return value


def _duration(value: object) -> timedelta:
    if not isinstance(value, timedelta):
        raise TypeError(value)  # the engine's contract broken: a programming error
    return value


def _closed_sentence(reason: str, name: str) -> str:
    sentences = {
        ClosedReason.BEFORE_OPENING: gettext("The office was not yet open at that time."),
        ClosedReason.AFTER_CLOSING: gettext("The office had closed for the day at that time."),
        ClosedReason.BETWEEN_SHIFTS: gettext("The office was closed between shifts at that time."),
        ClosedReason.NO_BUSINESS_HOURS: gettext(
            "The office has no business hours on that day of the week."
        ),
        ClosedReason.HOLIDAY: gettext("That day was a holiday: %(name)s."),
        ClosedReason.CLOSURE: gettext("The office was closed at that time: %(name)s."),
    }
    return sentences[ClosedReason(reason)] % {"name": name}


def _skipped_sentence(day: date, reason: str, name: str) -> str:
    sentences = {
        ClosedReason.HOLIDAY: gettext("%(day)s is not counted: it is a holiday (%(name)s)."),
        ClosedReason.NO_BUSINESS_HOURS: gettext(
            "%(day)s is not counted: the office has no business hours that day of the week."
        ),
        ClosedReason.CLOSURE: gettext("%(day)s is not counted: the office was closed (%(name)s)."),
    }
    return sentences[ClosedReason(reason)] % {"day": format_day(day), "name": name}


def _rolled_sentence(params: Mapping[str, object]) -> str:
    sentences = {
        ClosedReason.HOLIDAY: gettext(
            "%(day)s is a holiday (%(name)s), so the due date moves to the next business day, "
            "%(to_day)s."
        ),
        ClosedReason.NO_BUSINESS_HOURS: gettext(
            "The office has no business hours on %(day)s, so the due date moves to the next "
            "business day, %(to_day)s."
        ),
        ClosedReason.CLOSURE: gettext(
            "The office is closed on %(day)s (%(name)s), so the due date moves to the next "
            "business day, %(to_day)s."
        ),
    }
    return sentences[ClosedReason(str(params["reason"]))] % {
        "day": format_day(_day(params["day"])),
        "to_day": format_day(_day(params["to_day"])),
        "name": params["name"],
    }


def step_sentence(step: ExplainStep) -> str:
    """One explanation step as a translated sentence."""
    params = dict(step.params)
    match step.code:
        case StepCode.RECEIVED:
            return _received_sentence(params)
        case StepCode.RECEIVED_DURING_HOURS:
            return gettext("The office was open at that time, so the clock started on receipt.")
        case StepCode.RECEIVED_WHILE_CLOSED:
            return _closed_sentence(str(params["reason"]), str(params["name"]))
        case StepCode.CLOCK_STARTS:
            return gettext("The clock starts at the next opening: %(instant)s.") % {
                "instant": format_instant(_instant(params["instant"]))
            }
        case StepCode.DAY_ZERO:
            return gettext("Day 0 is %(day)s.") % {"day": format_day(_day(params["day"]))}
        case StepCode.COUNT_FROM_RECEIPT_DATE:
            return gettext(
                "The date of receipt, %(day)s, is day 0; counting starts the next business day."
            ) % {"day": format_day(_day(params["day"]))}
        case StepCode.DAY_SKIPPED:
            return _skipped_sentence(
                _day(params["day"]), str(params["reason"]), str(params["name"])
            )
        case StepCode.BUSINESS_DAY_COUNTED:
            return gettext("%(day)s is business day %(number)d.") % {
                "day": format_day(_day(params["day"])),
                "number": params["number"],
            }
        case StepCode.DUE_AT_CLOSE_OF_BUSINESS:
            return gettext("Due at the close of business on %(day)s: %(instant)s.") % {
                "day": format_day(_day(params["day"])),
                "instant": format_instant(_instant(params["instant"])),
            }
        case StepCode.DUE_AT_SAME_CLOCK_TIME:
            return gettext("Due at the same time of day on %(day)s: %(instant)s.") % {
                "day": format_day(_day(params["day"])),
                "instant": format_instant(_instant(params["instant"])),
            }
        case StepCode.OPEN_TIME_COUNTED:
            return gettext("%(day)s: %(amount)s of business time counted (%(total)s in all).") % {
                "day": format_day(_day(params["day"])),
                "amount": format_duration(_duration(params["amount"])),
                "total": format_duration(_duration(params["total"])),
            }
        case StepCode.CALENDAR_DAYS_COUNTED:
            count = int(str(params["amount"]))
            return ngettext(
                "Counting %(count)d calendar day from the date of receipt reaches %(day)s.",
                "Counting %(count)d calendar days from the date of receipt reaches %(day)s.",
                count,
            ) % {"count": count, "day": format_day(_day(params["day"]))}
        case StepCode.DUE_DATE_ROLLED_FORWARD:
            return _rolled_sentence(params)
        case StepCode.DUE_AT_END_OF_DAY:
            return gettext("Due by the end of %(day)s: %(instant)s.") % {
                "day": format_day(_day(params["day"])),
                "instant": format_instant(_instant(params["instant"])),
            }
        case StepCode.ELAPSED_TIME_COUNTED:
            return gettext(
                "Elapsed time counts whether the office is open or not: %(amount)s after receipt "
                "is %(instant)s."
            ) % {
                "amount": format_duration(_duration(params["amount"])),
                "instant": format_instant(_instant(params["instant"])),
            }
        case StepCode.PAUSE_EXCLUDED:
            return gettext(
                "The clock was stopped from %(start)s to %(end)s: %(amount)s excluded."
            ) % {
                "start": format_instant(_instant(params["start"])),
                "end": format_instant(_instant(params["end"])),
                "amount": format_duration(_duration(params["amount"])),
            }
        case StepCode.PAUSE_WITHOUT_EFFECT:
            return gettext("The pause from %(start)s to %(end)s excludes no counted time.") % {
                "start": format_instant(_instant(params["start"])),
                "end": format_instant(_instant(params["end"])),
            }
        case StepCode.DUE_EXTENDED_BY_PAUSES:
            return gettext(
                "The pauses add %(amount)s, so the due instant moves to %(instant)s."
            ) % {
                "amount": format_duration(_duration(params["amount"])),
                "instant": format_instant(_instant(params["instant"])),
            }
        case StepCode.DUE:
            return gettext("Due: %(instant)s.") % {
                "instant": format_instant(_instant(params["instant"]))
            }
        case _:
            raise ValueError(step.code)
