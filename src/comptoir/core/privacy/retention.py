"""Retention periods: the kinds of record that have one, their bounds, and the cut-off day."""

from __future__ import annotations

import enum
from datetime import date


class RecordKind(enum.StrEnum):
    """The kinds of record a retention period is set for, with what their last use is."""

    #: A resolved case: its description, the texts of its events (notes, messages, reasons),
    #: its files and the mail sent and received about it. Last use: its last event.
    CASES = "cases"
    #: A client record (a person or organization) with no case left holding personal
    #: information: names, date of birth, contact points and their history. Last use: its last
    #: change or its last case's last event, whichever is later.
    CLIENTS = "clients"
    #: The free-text comment of a satisfaction survey answer (the scores stay for the figures).
    #: Last use: the day it was answered.
    SURVEY_COMMENTS = "survey_comments"


#: The *Privacy Regulations* (s. 4(1)(a)): at least two years after the last administrative use.
MIN_YEARS = 2
#: A bound on what an administrator may type, so a slip (``700``) is caught, not stored.
MAX_YEARS = 100


class RetentionErrorCode(enum.StrEnum):
    NOT_A_NUMBER = "not_a_number"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    UNKNOWN_KIND = "unknown_kind"


class RetentionError(ValueError):
    """Bad retention input: a stable code and its parameters, never a sentence."""

    def __init__(self, code: RetentionErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value} {params}")


def parse_kind(value: object) -> RecordKind:
    try:
        return RecordKind(str(value))
    except ValueError as error:
        raise RetentionError(RetentionErrorCode.UNKNOWN_KIND, value=value) from error


def parse_years(value: object) -> int:
    """A retention period in whole years, between :data:`MIN_YEARS` and :data:`MAX_YEARS`."""
    if isinstance(value, bool):
        raise RetentionError(RetentionErrorCode.NOT_A_NUMBER, value=value)
    if isinstance(value, int):
        years = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit():
            raise RetentionError(RetentionErrorCode.NOT_A_NUMBER, value=value)
        years = int(text)
    if years < MIN_YEARS:
        raise RetentionError(RetentionErrorCode.TOO_SHORT, value=years, least=MIN_YEARS)
    if years > MAX_YEARS:
        raise RetentionError(RetentionErrorCode.TOO_LONG, value=years, most=MAX_YEARS)
    return years


def cutoff(today: date, years: int) -> date:
    """The last day of use that puts a record past a period of ``years`` on ``today``.

    A record last used on day *d* is kept through the day *years* years later (the same month
    and day; 28 February when *d* is a 29 February and that year has none, :func:`kept_until`),
    and is due the day after. So it is due when its last use is on or before the day returned
    here: the same month and day ``years`` earlier, less one day (28 February when ``today`` is
    a 29 February and that year has none, since 28 February's records are kept only through
    the 28th). ``is_due(d, today, years)`` is ``d <= cutoff(today, years)`` (property-tested).
    """
    if years < 0:
        raise RetentionError(RetentionErrorCode.TOO_SHORT, value=years, least=0)
    year = today.year - years
    try:
        anniversary = today.replace(year=year)
    except ValueError:  # today is 29 February and that year has none
        anniversary = date(year, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def kept_until(last_use: date, years: int) -> date:
    """The last day a record last used on ``last_use`` is kept under a period of ``years``."""
    year = last_use.year + years
    try:
        return last_use.replace(year=year)
    except ValueError:  # last used on 29 February, the year has none
        return date(year, 2, 28)


def is_due(last_use: date, today: date, years: int) -> bool:
    """Whether a record last used on ``last_use`` is past a period of ``years`` on ``today``."""
    return today > kept_until(last_use, years)
