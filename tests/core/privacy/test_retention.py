"""The retention periods' arithmetic (core.privacy): bounds, the cut-off day, leap days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.privacy import (
    MAX_YEARS,
    MIN_YEARS,
    RecordKind,
    RetentionError,
    RetentionErrorCode,
    cutoff,
    is_due,
    kept_until,
    parse_kind,
    parse_years,
)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("last_use", "years", "kept"),
    [
        (date(2020, 6, 15), 2, date(2022, 6, 15)),
        (date(2020, 2, 29), 2, date(2022, 2, 28)),  # no 29 February in 2022
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2019, 12, 31), 7, date(2026, 12, 31)),
    ],
)
def test_kept_until(last_use: date, years: int, kept: date) -> None:
    assert kept_until(last_use, years) == kept
    assert not is_due(last_use, kept, years)
    assert is_due(last_use, kept + timedelta(days=1), years)


@pytest.mark.parametrize(
    ("today", "years", "last_due"),
    [
        (date(2026, 12, 2), 2, date(2024, 12, 1)),
        (date(2026, 3, 1), 2, date(2024, 2, 29)),
        (date(2028, 2, 29), 2, date(2026, 2, 28)),  # 2026 has no 29 February
        (date(2028, 2, 29), 4, date(2024, 2, 28)),
        (date(2026, 1, 1), 6, date(2019, 12, 31)),
    ],
)
def test_cutoff(today: date, years: int, last_due: date) -> None:
    assert cutoff(today, years) == last_due
    assert is_due(last_due, today, years)
    assert not is_due(last_due + timedelta(days=1), today, years)


@settings(max_examples=3000)
@given(last_use=days, today=days, years=st.integers(MIN_YEARS, MAX_YEARS))
def test_is_due_is_on_or_before_the_cutoff(last_use: date, today: date, years: int) -> None:
    """The cut-off a query filters on and the per-record rule never disagree."""
    assert is_due(last_use, today, years) == (last_use <= cutoff(today, years))


@settings(max_examples=1000)
@given(today=days, years=st.integers(MIN_YEARS, MAX_YEARS - 1))
def test_a_longer_period_disposes_of_no_more(today: date, years: int) -> None:
    assert cutoff(today, years + 1) < cutoff(today, years)
    # A day later never disposes of less (the same cut-off when 29 February has no twin).
    assert cutoff(today, years) <= cutoff(today + timedelta(days=1), years)


@settings(max_examples=1000)
@given(last_use=days, years=st.integers(MIN_YEARS, MAX_YEARS))
def test_nothing_is_due_within_two_years(last_use: date, years: int) -> None:
    """Whatever the period, a record is kept at least two full years after its last use."""
    assert not is_due(last_use, last_use + timedelta(days=2 * 365), years)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1", RetentionErrorCode.TOO_SHORT),
        (0, RetentionErrorCode.TOO_SHORT),
        ("101", RetentionErrorCode.TOO_LONG),
        ("seven", RetentionErrorCode.NOT_A_NUMBER),
        ("-3", RetentionErrorCode.NOT_A_NUMBER),
        ("2.5", RetentionErrorCode.NOT_A_NUMBER),
        ("٣", RetentionErrorCode.NOT_A_NUMBER),  # a digit, but not an ASCII one
        (True, RetentionErrorCode.NOT_A_NUMBER),
    ],
)
def test_bad_years_are_refused(value: object, code: RetentionErrorCode) -> None:
    with pytest.raises(RetentionError) as caught:
        parse_years(value)
    assert caught.value.code is code


def test_years_and_kinds_parse() -> None:
    assert parse_years(" 7 ") == 7
    assert parse_years(MIN_YEARS) == MIN_YEARS
    assert parse_kind("cases") is RecordKind.CASES
    with pytest.raises(RetentionError) as caught:
        parse_kind("everything")
    assert caught.value.code is RetentionErrorCode.UNKNOWN_KIND
