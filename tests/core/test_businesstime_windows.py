"""The first business hour of a day (the digest's window), over weekends, holidays and DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from comptoir.core.businesstime import Calendar, HolidaySource, WeeklyHours
from comptoir.core.businesstime.windows import (
    close_of_day,
    in_first_business_hour,
    next_business_day_close,
    opening_of_day,
)

MONTREAL = ZoneInfo("America/Montreal")
QUEBEC = Calendar("America/Montreal", WeeklyHours.parse("08:30-16:30"), HolidaySource("CA", "QC"))


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=MONTREAL)  # type: ignore[misc]


def test_within_the_first_hour_of_a_working_day() -> None:
    assert in_first_business_hour(QUEBEC, local(2026, 6, 2, 8, 40))
    assert in_first_business_hour(QUEBEC, local(2026, 6, 2, 8, 30))
    assert not in_first_business_hour(QUEBEC, local(2026, 6, 2, 9, 30))
    assert not in_first_business_hour(QUEBEC, local(2026, 6, 2, 8, 29))


def test_never_at_night_nor_on_a_weekend() -> None:
    assert not in_first_business_hour(QUEBEC, local(2026, 6, 2, 2, 0))
    assert not in_first_business_hour(QUEBEC, local(2026, 6, 6, 8, 40))  # a Saturday


def test_never_on_canada_day_nor_saint_jean_baptiste() -> None:
    assert not in_first_business_hour(QUEBEC, local(2026, 7, 1, 8, 40))
    assert not in_first_business_hour(QUEBEC, local(2026, 6, 24, 8, 40))
    assert opening_of_day(QUEBEC, local(2026, 6, 24).date()) is None


def test_dst_days_open_at_the_local_hour() -> None:
    # 2026-03-09 (Monday after the spring change) and 2026-11-02 (after the fall change).
    for day in (local(2026, 3, 9).date(), local(2026, 11, 2).date()):
        opening = opening_of_day(QUEBEC, day)
        assert opening is not None
        assert opening.astimezone(MONTREAL).hour == 8
        assert opening.astimezone(MONTREAL).minute == 30
    assert in_first_business_hour(QUEBEC, datetime(2026, 3, 9, 12, 40, tzinfo=UTC))  # 08:40 EDT
    assert not in_first_business_hour(QUEBEC, datetime(2026, 3, 9, 13, 40, tzinfo=UTC))
    assert in_first_business_hour(QUEBEC, datetime(2026, 11, 2, 13, 40, tzinfo=UTC))  # 08:40 EST


def test_the_next_business_days_close_skips_holidays() -> None:
    close = next_business_day_close(QUEBEC, local(2026, 6, 23, 10, 0))  # before the 24th
    assert close == local(2026, 6, 25, 16, 30)
    assert close_of_day(QUEBEC, local(2026, 6, 6).date()) is None


def test_business_days_before_skips_weekends_and_holidays() -> None:
    from comptoir.core.businesstime.windows import business_days_before

    # Thursday 2026-06-25, 10:00: two business days back skip the 24th (Saint-Jean-Baptiste).
    assert business_days_before(QUEBEC, local(2026, 6, 25, 10, 0), 2) == local(2026, 6, 22, 10, 0)
    # Monday 2026-06-08: one business day back is Friday the 5th.
    assert business_days_before(QUEBEC, local(2026, 6, 8, 10, 0), 1) == local(2026, 6, 5, 10, 0)
