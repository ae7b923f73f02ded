"""Errors of aggregation and real-time figures: a stable code plus parameters, never a sentence."""

from __future__ import annotations

import enum


class PerformanceErrorCode(enum.StrEnum):
    INVALID_PERIOD = "invalid_period"
    PERIOD_TOO_COARSE = "period_too_coarse"
    INVALID_COUNT = "invalid_count"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    NAIVE_DATETIME = "naive_datetime"
    INVALID_SHARE = "invalid_share"
    INVALID_WINDOW = "invalid_window"
    INVALID_COLUMNS = "invalid_columns"


class PerformanceError(ValueError):
    """Bad input to aggregation or real-time figures: ``code`` says what, ``params`` the values."""

    def __init__(self, code: PerformanceErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
