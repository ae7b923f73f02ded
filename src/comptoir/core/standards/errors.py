"""Errors of the standards engine: a stable code plus parameters, never a sentence."""

from __future__ import annotations

import enum


class StandardErrorCode(enum.StrEnum):
    """Why a rule, a timeline or an evaluation request was refused."""

    INVALID_RULE = "invalid_rule"
    UNKNOWN_FIELD = "unknown_field"
    MISSING_FIELD = "missing_field"
    INVALID_CHANNEL = "invalid_channel"
    INVALID_TIER = "invalid_tier"
    INVALID_EVENT = "invalid_event"
    NAIVE_DATETIME = "naive_datetime"
    UNKNOWN_CALENDAR = "unknown_calendar"
    CALENDAR_NOT_NAMED = "calendar_not_named"
    MISSING_CALENDAR_KEY = "missing_calendar_key"
    INVALID_TARGET = "invalid_target"
    INVALID_COLUMNS = "invalid_columns"


class StandardError(ValueError):
    """Bad input to the standards engine: ``code`` says what, ``params`` the offending values."""

    def __init__(self, code: StandardErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
