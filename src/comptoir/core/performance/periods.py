"""Reporting periods: fiscal year (1 April to 31 March), fiscal quarter, month and ISO week.

Labels: fiscal year ``2025-2026`` (as the open data writes it), fiscal quarter ``2025-2026-Q1``
(Q1 is April to June, Q4 January to March), month ``2025-04``, ISO week ``2025-W14`` (ISO 8601 week
year, weeks start on Monday). The same rules exist twice: on dates (``Period.containing``) and on
numpy arrays of dates (``period_codes``), with an integer code per period that ``Period.from_code``
turns back into the period; tests check both agree.

Instants become dates in a time zone given by the caller (``local_days``): nothing here reads the
machine's zone.
"""

from __future__ import annotations

import enum
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode

__all__ = ["Period", "PeriodKind", "local_days", "period_codes"]

_FISCAL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class PeriodKind(enum.StrEnum):
    FISCAL_YEAR = "fiscal_year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"


def _fiscal_start(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _iso_week_monday(iso_year: int, week: int) -> date:
    return date.fromisocalendar(iso_year, week, 1)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A reporting period: its kind and its first and last local dates (both included)."""

    kind: PeriodKind
    first_day: date
    last_day: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """The period of ``kind`` that contains local date ``day``."""
        match kind:
            case PeriodKind.FISCAL_YEAR:
                start = _fiscal_start(day)
                return cls(kind, date(start, 4, 1), date(start + 1, 3, 31))
            case PeriodKind.QUARTER:
                first_month = (day.month - 1) // 3 * 3 + 1
                first = date(day.year, first_month, 1)
                return cls(kind, first, _add_months(first, 3) - timedelta(days=1))
            case PeriodKind.MONTH:
                first = day.replace(day=1)
                return cls(kind, first, _add_months(first, 1) - timedelta(days=1))
            case PeriodKind.WEEK:
                monday = day - timedelta(days=day.weekday())
                return cls(kind, monday, monday + timedelta(days=6))
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=kind)

    @classmethod
    def parse(cls, label: str) -> Period:
        """Read a label written by :attr:`label`."""
        text = label.strip()
        if match := _QUARTER.match(text):
            start, end, quarter = (int(group) for group in match.groups())
            if end == start + 1:
                month = 4 + 3 * (quarter - 1)
                first = date(start + month // 13, (month - 1) % 12 + 1, 1)
                return cls.containing(PeriodKind.QUARTER, first)
        elif match := _FISCAL_YEAR.match(text):
            start, end = int(match.group(1)), int(match.group(2))
            if end == start + 1:
                return cls.containing(PeriodKind.FISCAL_YEAR, date(start, 4, 1))
        elif match := _MONTH.match(text):
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return cls.containing(PeriodKind.MONTH, date(year, month, 1))
        elif match := _WEEK.match(text):
            try:
                monday = _iso_week_monday(int(match.group(1)), int(match.group(2)))
            except ValueError:
                pass
            else:
                return cls.containing(PeriodKind.WEEK, monday)
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=label)

    @classmethod
    def from_code(cls, kind: PeriodKind, code: int) -> Period:
        """The period whose :attr:`code` is ``code``."""
        match kind:
            case PeriodKind.FISCAL_YEAR:
                return cls.containing(kind, date(code, 4, 1))
            case PeriodKind.QUARTER:
                start, quarter = divmod(code, 4)
                return cls.containing(kind, _add_months(date(start, 4, 1), 3 * quarter))
            case PeriodKind.MONTH:
                year, month = divmod(code, 12)
                return cls.containing(kind, date(year, month + 1, 1))
            case PeriodKind.WEEK:
                return cls.containing(kind, date(1970, 1, 5) + timedelta(weeks=code))
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=kind)

    @property
    def code(self) -> int:
        """An integer that orders periods of one kind (see :func:`period_codes`)."""
        match self.kind:
            case PeriodKind.FISCAL_YEAR:
                return _fiscal_start(self.first_day)
            case PeriodKind.QUARTER:
                start = _fiscal_start(self.first_day)
                return start * 4 + ((self.first_day.month - 4) % 12) // 3
            case PeriodKind.MONTH:
                return self.first_day.year * 12 + self.first_day.month - 1
            case PeriodKind.WEEK:
                return (self.first_day - date(1970, 1, 5)).days // 7
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=self.kind)

    @property
    def label(self) -> str:
        match self.kind:
            case PeriodKind.FISCAL_YEAR:
                start = _fiscal_start(self.first_day)
                return f"{start}-{start + 1}"
            case PeriodKind.QUARTER:
                start = _fiscal_start(self.first_day)
                quarter = ((self.first_day.month - 4) % 12) // 3 + 1
                return f"{start}-{start + 1}-Q{quarter}"
            case PeriodKind.MONTH:
                return f"{self.first_day.year:04d}-{self.first_day.month:02d}"
            case PeriodKind.WEEK:
                iso_year, week, _ = self.first_day.isocalendar()
                return f"{iso_year:04d}-W{week:02d}"
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=self.kind)

    def contains(self, other: Period) -> bool:
        return self.first_day <= other.first_day and other.last_day <= self.last_day

    def __str__(self) -> str:
        return self.label


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_codes(kind: PeriodKind, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """:attr:`Period.code` of the period containing each ``datetime64[D]`` date (no NaT)."""
    day_numbers = days.astype("datetime64[D]").astype(np.int64)
    if kind is PeriodKind.WEEK:
        # 1970-01-05 was a Monday: weeks are counted from it (negative before it).
        return np.floor_divide(day_numbers - 4, 7)
    months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    month_index = months + 1970 * 12  # year * 12 + month - 1
    if kind is PeriodKind.MONTH:
        return month_index
    fiscal_months = month_index - 3  # April becomes month 0 of the fiscal year
    if kind is PeriodKind.FISCAL_YEAR:
        return np.floor_divide(fiscal_months, 12)
    if kind is PeriodKind.QUARTER:
        return np.floor_divide(fiscal_months, 3)
    raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=kind)


_SAMPLE_STEP_US = 6 * 3600 * 1_000_000


def _offset_us(zone: ZoneInfo, instant_us: int) -> int:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=instant_us)
    offset = moment.astimezone(zone).utcoffset()
    return 0 if offset is None else offset // timedelta(microseconds=1)


def local_days(instants: npt.NDArray[np.datetime64], tz: str) -> npt.NDArray[np.datetime64]:
    """Local calendar dates (``datetime64[D]``) in ``tz`` of UTC instants (``datetime64[us]``).

    NaT stays NaT. The zone's offset changes inside the range are found by sampling every six hours
    and bisecting to the microsecond, so the cost does not grow with the number of instants.
    """
    try:
        zone = ZoneInfo(tz)
    except (ValueError, KeyError) as error:
        raise PerformanceError(PerformanceErrorCode.UNKNOWN_TIME_ZONE, value=tz) from error
    values = instants.astype("datetime64[us]", copy=False)
    missing = np.isnat(values)
    raw = values.view(np.int64)
    if missing.all():
        return np.full(values.shape, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    low = int(raw[~missing].min())
    high = int(raw[~missing].max())
    samples = list(range(low, high + _SAMPLE_STEP_US, _SAMPLE_STEP_US))
    changes = [low]
    offsets = [_offset_us(zone, low)]
    for before, after in itertools.pairwise(samples):
        if _offset_us(zone, after) != offsets[-1]:
            lo, hi = before, after  # offset(lo) == offsets[-1] != offset(hi)
            while hi - lo > 1:
                middle = (lo + hi) // 2
                if _offset_us(zone, middle) == offsets[-1]:
                    lo = middle
                else:
                    hi = middle
            changes.append(hi)
            offsets.append(_offset_us(zone, hi))
    if len(changes) <= 16:
        # A few offset changes (two a year with daylight saving): one pass per change is faster
        # than a binary search per instant.
        local = raw + offsets[0]
        for change, before, after in zip(changes[1:], offsets, offsets[1:], strict=False):
            local += np.where(raw >= change, after - before, 0)
    else:
        index = np.searchsorted(np.asarray(changes, dtype=np.int64), raw, side="right") - 1
        local = raw + np.asarray(offsets, dtype=np.int64)[np.clip(index, 0, None)]
    days = np.floor_divide(local, 86_400_000_000).astype("datetime64[D]")
    if missing.any():
        days[missing] = np.datetime64("NaT", "D")
    result: npt.NDArray[np.datetime64] = days
    return result
