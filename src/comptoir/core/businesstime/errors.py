"""Errors raised by the business-time engine: a stable code plus parameters, never a sentence.

The Django layer turns each :class:`ErrorCode` into a translated message; the English text carried
by the exception is only for logs and tracebacks.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a calendar, a duration or an instant was refused."""

    NAIVE_DATETIME = "naive_datetime"
    INVALID_INTERVAL = "invalid_interval"
    INVALID_HOURS = "invalid_hours"
    INVALID_DURATION = "invalid_duration"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_SUBDIVISION = "unknown_subdivision"
    UNKNOWN_CATEGORY = "unknown_category"
    INVALID_HOLIDAY_JURISDICTION = "invalid_holiday_jurisdiction"
    EMPTY_EFFECTIVE_CALENDAR = "empty_effective_calendar"
    NO_BUSINESS_TIME = "no_business_time"
    OUT_OF_RANGE = "out_of_range"
    UNSUPPORTED_IN_BATCH = "unsupported_in_batch"


class BusinessTimeError(ValueError):
    """Bad input to the engine. ``code`` says what; ``params`` holds the offending values."""

    def __init__(self, code: ErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
