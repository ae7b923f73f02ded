"""Every engine code has a whole sentence in both languages, with its parameters filled in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.core.businesstime import (
    BusinessTimeError,
    ClosedReason,
    ErrorCode,
    ExplainStep,
    StepCode,
    TimeUnit,
)
from comptoir.measurement.business_time_text import error_message, format_duration, step_sentence

AT = datetime(2026, 6, 23, 15, 10, tzinfo=ZoneInfo("America/Montreal"))
DAY = date(2026, 6, 24)
PARAMS: dict[StepCode, dict[str, object]] = {
    StepCode.RECEIVED: {"instant": AT, "amount": 2, "unit": "business_days"},
    StepCode.RECEIVED_DURING_HOURS: {"day": DAY},
    StepCode.RECEIVED_WHILE_CLOSED: {"reason": "holiday", "name": "Fête nationale"},
    StepCode.CLOCK_STARTS: {"instant": AT},
    StepCode.DAY_ZERO: {"day": DAY},
    StepCode.COUNT_FROM_RECEIPT_DATE: {"day": DAY},
    StepCode.DAY_SKIPPED: {"day": DAY, "reason": "closure", "name": "Ice storm"},
    StepCode.BUSINESS_DAY_COUNTED: {"number": 3, "day": DAY},
    StepCode.DUE_AT_CLOSE_OF_BUSINESS: {"day": DAY, "instant": AT},
    StepCode.DUE_AT_SAME_CLOCK_TIME: {"day": DAY, "instant": AT},
    StepCode.OPEN_TIME_COUNTED: {
        "day": DAY,
        "amount": timedelta(hours=1, minutes=20),
        "total": timedelta(hours=9, seconds=5),
    },
    StepCode.CALENDAR_DAYS_COUNTED: {"amount": 1, "day": DAY},
    StepCode.DUE_AT_END_OF_DAY: {"day": DAY, "instant": AT},
    StepCode.DUE_DATE_ROLLED_FORWARD: {
        "day": DAY,
        "to_day": date(2026, 6, 25),
        "reason": "no_business_hours",
        "name": "",
    },
    StepCode.ELAPSED_TIME_COUNTED: {"amount": timedelta(seconds=60), "instant": AT},
    StepCode.PAUSE_EXCLUDED: {"start": AT, "end": AT, "amount": timedelta(hours=2)},
    StepCode.PAUSE_WITHOUT_EFFECT: {"start": AT, "end": AT},
    StepCode.DUE_EXTENDED_BY_PAUSES: {"amount": timedelta(hours=2), "instant": AT},
    StepCode.DUE: {"instant": AT},
}


def test_every_step_code_has_parameters_here() -> None:
    assert set(PARAMS) == set(StepCode)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("code", list(StepCode))
def test_every_step_reads_as_a_sentence(code: StepCode, language: str) -> None:
    with translation.override(language):
        sentence = step_sentence(ExplainStep(code, PARAMS[code]))
    assert "%(" not in sentence
    assert sentence.endswith(".")
    if "instant" in PARAMS[code]:
        assert "2026-06-23T15:10:00-04:00" in sentence
    if "name" in PARAMS[code] and PARAMS[code]["name"]:
        assert str(PARAMS[code]["name"]) in sentence


@pytest.mark.parametrize("unit", list(TimeUnit))
@pytest.mark.parametrize("amount", [1, 2])
def test_received_sentence_for_every_unit(unit: TimeUnit, amount: int) -> None:
    step = ExplainStep(StepCode.RECEIVED, {"instant": AT, "amount": amount, "unit": unit})
    with translation.override("en"):
        sentence = step_sentence(step)
    words = unit.value.replace("_", " ")
    assert f"within {amount} {words if amount > 1 else words[:-1]}." in sentence


@pytest.mark.parametrize("reason", list(ClosedReason))
def test_every_closed_reason_reads(reason: ClosedReason) -> None:
    step = ExplainStep(StepCode.RECEIVED_WHILE_CLOSED, {"reason": reason.value, "name": "Storm"})
    assert "%(" not in step_sentence(step)
    if reason in {ClosedReason.HOLIDAY, ClosedReason.CLOSURE, ClosedReason.NO_BUSINESS_HOURS}:
        for code in (StepCode.DAY_SKIPPED, StepCode.DUE_DATE_ROLLED_FORWARD):
            params = {**PARAMS[code], "reason": reason.value, "name": "Storm"}
            assert "%(" not in step_sentence(ExplainStep(code, params))


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_a_message(code: ErrorCode) -> None:
    params = {
        "value": "x",
        "country": "CA",
        "subdivision": "XX",
        "categories": "bogus",
        "year": 9999,
        "field": "received",
    }
    message = error_message(BusinessTimeError(code, **params))
    assert message and "%(" not in message
    # A message whose parameter is missing still says what went wrong, without a traceback.
    assert "%(" not in error_message(BusinessTimeError(code))


def test_durations() -> None:
    # The active language is whatever the previous test left; these are the English forms.
    with translation.override("en"):
        assert format_duration(timedelta(hours=26, minutes=5)) == "26 h 05 min"
        assert format_duration(timedelta(seconds=61)) == "0 h 01 min 01 s"
