"""Values of the business-time engine: intervals, durations, weekly hours, holidays and calendars.

Every value here is immutable and hashable, so a calendar can key a cache of precomputed opening
tables (see ``_tables``). Nothing here reads the clock or the machine's time zone.
"""

from __future__ import annotations

import enum
import functools
import importlib
import importlib.util
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package
import holidays.registry as holidays_registry

from comptoir.core.businesstime.errors import BusinessTimeError, ErrorCode

MINUTES_PER_DAY = 24 * 60
_UTC_ZONE = ZoneInfo("UTC")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise BusinessTimeError(ErrorCode.NAIVE_DATETIME, field=name, value=value.isoformat())


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time ``[start, end)`` between two aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        if self.end < self.start:
            raise BusinessTimeError(
                ErrorCode.INVALID_INTERVAL, start=self.start.isoformat(), end=self.end.isoformat()
            )

    @classmethod
    def parse(cls, text: str, tz: str) -> Self:
        """Read ``START/END`` (ISO 8601); a naive instant is local time in ``tz``."""
        zone = zone_info(tz)
        parts = text.split("/")
        if len(parts) != 2:
            raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value=text)
        try:
            ends = [datetime.fromisoformat(part.strip()) for part in parts]
        except ValueError as error:
            raise BusinessTimeError(ErrorCode.INVALID_INTERVAL, value=text) from error
        start, end = (moment if moment.tzinfo else moment.replace(tzinfo=zone) for moment in ends)
        return cls(start, end)


@dataclass(frozen=True, slots=True)
class Closure:
    """An office closed in special circumstances (a storm, a system outage), with its reason."""

    interval: Interval
    reason: str


class TimeUnit(enum.StrEnum):
    """What a standard's limit is counted in."""

    BUSINESS_DAYS = "business_days"
    BUSINESS_HOURS = "business_hours"
    BUSINESS_MINUTES = "business_minutes"
    CALENDAR_DAYS = "calendar_days"
    MINUTES = "minutes"
    SECONDS = "seconds"

    @property
    def counts_business_time(self) -> bool:
        return self in {TimeUnit.BUSINESS_HOURS, TimeUnit.BUSINESS_MINUTES}

    @property
    def counts_elapsed_time(self) -> bool:
        return self in {TimeUnit.MINUTES, TimeUnit.SECONDS}


_UNIT_WORDS: dict[str, TimeUnit] = {
    "business day": TimeUnit.BUSINESS_DAYS,
    "working day": TimeUnit.BUSINESS_DAYS,
    "business hour": TimeUnit.BUSINESS_HOURS,
    "working hour": TimeUnit.BUSINESS_HOURS,
    "business minute": TimeUnit.BUSINESS_MINUTES,
    "working minute": TimeUnit.BUSINESS_MINUTES,
    "calendar day": TimeUnit.CALENDAR_DAYS,
    "minute": TimeUnit.MINUTES,
    "second": TimeUnit.SECONDS,
}
_WITHIN_PATTERN = re.compile(r"^\s*(\d{1,6})\s+([a-z ]+?)s?\s*$")


@dataclass(frozen=True, slots=True)
class Within:
    """A standard's limit: ``Within(2, TimeUnit.BUSINESS_DAYS)`` is "within 2 business days"."""

    amount: int
    unit: TimeUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise BusinessTimeError(ErrorCode.INVALID_DURATION, value=self.amount)
        try:
            object.__setattr__(self, "unit", TimeUnit(self.unit))
        except ValueError as error:
            raise BusinessTimeError(ErrorCode.INVALID_DURATION, value=str(self.unit)) from error

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read "2 business days", "8 business hours", "30 calendar days", "90 minutes"..."""
        match = _WITHIN_PATTERN.match(text.lower())
        unit = _UNIT_WORDS.get(" ".join(match.group(2).split())) if match else None
        if match is None or unit is None:
            raise BusinessTimeError(ErrorCode.INVALID_DURATION, value=text)
        return cls(int(match.group(1)), unit)

    def as_timedelta(self) -> timedelta:
        """The length of the limit for units that are a fixed amount of (business) time."""
        match self.unit:
            case TimeUnit.BUSINESS_HOURS:
                return timedelta(hours=self.amount)
            case TimeUnit.BUSINESS_MINUTES | TimeUnit.MINUTES:
                return timedelta(minutes=self.amount)
            case TimeUnit.SECONDS:
                return timedelta(seconds=self.amount)
            case _:
                raise BusinessTimeError(ErrorCode.INVALID_DURATION, value=str(self))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


class DayZero(enum.StrEnum):
    """Which day is day 0 of a count of business days."""

    #: The default: the business day of receipt if received during business hours, otherwise the
    #: business day of the next opening.
    NEXT_OPENING = "next_opening"
    #: The local calendar date of receipt, whether or not the office was open; business days are
    #: counted from the next business day after it ("counting starts the next business day").
    RECEIPT_DATE = "receipt_date"


class DueTime(enum.StrEnum):
    """At what time of day N a count of business days falls due."""

    #: The default: at the close of business on day N.
    CLOSE_OF_BUSINESS = "close_of_business"
    #: At the same local clock time as the clock started, on day N ("24 hours"-style), kept inside
    #: day N's business hours.
    SAME_CLOCK_TIME = "same_clock_time"


class ClosedDueDate(enum.StrEnum):
    """What happens when a count of calendar days ends on a day the office is closed."""

    #: The default: the due date moves to the next business day (end of that day).
    NEXT_BUSINESS_DAY = "next_business_day"
    #: The due date stays on the closed day.
    STAYS = "stays"


@dataclass(frozen=True, slots=True)
class DayConvention:
    """How "within N days" is read. ``DayConvention.default()`` is the issue's definition."""

    day_zero: DayZero = DayZero.NEXT_OPENING
    due_time: DueTime = DueTime.CLOSE_OF_BUSINESS
    closed_due_date: ClosedDueDate = ClosedDueDate.NEXT_BUSINESS_DAY

    def __post_init__(self) -> None:
        # Accept the plain strings a serialised rule carries ("receipt_date"), store the enums.
        object.__setattr__(self, "day_zero", DayZero(self.day_zero))
        object.__setattr__(self, "due_time", DueTime(self.due_time))
        object.__setattr__(self, "closed_due_date", ClosedDueDate(self.closed_due_date))

    @classmethod
    def default(cls) -> DayConvention:
        return _DEFAULT_CONVENTION


_DEFAULT_CONVENTION = DayConvention()

_SHIFT_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DAY_RANGE_PATTERN = re.compile(r"^([a-z]{3})(?:\s*-\s*([a-z]{3}))?$")

type Shift = tuple[int, int]


def _parse_shifts(text: str) -> tuple[Shift, ...]:
    if text.strip().lower() in {"", "closed"}:
        return ()
    shifts: list[Shift] = []
    for part in text.split(","):
        match = _SHIFT_PATTERN.match(part.strip())
        if match is None:
            raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text)
        start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if start_m >= 60 or end_m >= 60 or end > MINUTES_PER_DAY or start >= end:
            raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text)
        shifts.append((start, end))
    shifts.sort()
    if any(prev[1] > nxt[0] for prev, nxt in itertools.pairwise(shifts)):
        raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text)
    return tuple(shifts)


def _weekday_index(name: str, text: str) -> int:
    try:
        return WEEKDAY_NAMES.index(name)
    except ValueError as error:
        raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text) from error


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Business hours per weekday (Monday = 0), as local wall-clock shifts in minutes of the day.

    ``shifts[weekday]`` is a sorted tuple of ``(start_minute, end_minute)``; an empty tuple means
    closed all day. Split shifts are several pairs; ``end_minute`` may be 1440 (midnight).
    """

    shifts: tuple[tuple[Shift, ...], ...]

    def __post_init__(self) -> None:
        if len(self.shifts) != len(WEEKDAY_NAMES):
            raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=repr(self.shifts))
        for day in self.shifts:
            for start, end in day:
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=repr(self.shifts))
        if not any(self.shifts):
            raise BusinessTimeError(ErrorCode.NO_BUSINESS_TIME)

    @classmethod
    def parse(cls, text: str) -> WeeklyHours:
        """Read weekly hours.

        ``"08:30-16:30"`` is Monday to Friday; ``"08:30-12:00,13:00-16:30"`` a split shift Monday to
        Friday; ``"mon-fri 08:30-16:30; sat 09:00-12:00"`` names the days (unnamed days are closed).
        """
        text = text.strip().lower()
        if not text or not text[0].isalpha():
            monday_to_friday = _parse_shifts(text)
            return cls((monday_to_friday,) * 5 + ((), ()))
        days: list[tuple[Shift, ...]] = [()] * 7
        for clause in text.split(";"):
            if not clause.strip():
                continue
            head, _, hours = clause.strip().partition(" ")
            match = _DAY_RANGE_PATTERN.match(head.strip())
            if match is None:
                raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text)
            first = _weekday_index(match.group(1), text)
            last = _weekday_index(match.group(2), text) if match.group(2) else first
            if last < first:
                raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=text)
            shifts = _parse_shifts(hours)
            for weekday in range(first, last + 1):
                days[weekday] = shifts
        return cls(tuple(days))

    @classmethod
    def from_mapping(cls, by_weekday: Mapping[int | str, str]) -> WeeklyHours:
        """Build from ``{0: "08:30-16:30", "sat": "09:00-12:00"}``; missing days are closed."""
        days: list[tuple[Shift, ...]] = [()] * 7
        for key, hours in by_weekday.items():
            index = key if isinstance(key, int) else _weekday_index(key.lower()[:3], str(key))
            if not 0 <= index < len(WEEKDAY_NAMES):
                raise BusinessTimeError(ErrorCode.INVALID_HOURS, value=str(key))
            days[index] = _parse_shifts(hours)
        return cls(tuple(days))

    def __str__(self) -> str:
        return "; ".join(
            f"{WEEKDAY_NAMES[index]} "
            + ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in day)
            for index, day in enumerate(self.shifts)
            if day
        )


@dataclass(frozen=True, slots=True)
class HolidaySource:
    """Public holidays from the ``holidays`` package, e.g. ``HolidaySource("CA", "QC")``.

    ``subdivision=None`` gives the country's (for Canada: federal) holidays only. ``observed``
    holidays (a holiday moved off a weekend) are included, as the package gives them.
    """

    country: str = "CA"
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)
    language: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(sorted(set(self.categories))))
        # Validate eagerly so a bad jurisdiction fails where it is written, not at first use.
        self.names_for_year(2000)

    @classmethod
    def parse(
        cls, jurisdiction: str, categories: Iterable[str] = ("public",), language: str | None = None
    ) -> HolidaySource:
        """Read ``"CA"`` (federal) or ``"CA-QC"`` (a province or territory)."""
        country, _, subdivision = jurisdiction.strip().upper().partition("-")
        if not re.fullmatch(r"[A-Z]{2}", country) or (_ and not subdivision):
            raise BusinessTimeError(ErrorCode.INVALID_HOLIDAY_JURISDICTION, value=jurisdiction)
        return cls(country, subdivision or None, tuple(categories), language)

    def names_for_year(self, year: int) -> dict[date, str]:
        """The holidays of one year: date → name (in ``language`` if the package has it)."""
        return dict(
            _package_holidays(self.country, self.subdivision, self.categories, self.language, year)
        )


@functools.lru_cache(maxsize=512)
def _package_holidays(
    country: str,
    subdivision: str | None,
    categories: tuple[str, ...],
    language: str | None,
    year: int,
) -> tuple[tuple[date, str], ...]:
    """One call to the ``holidays`` package (about a millisecond), cached."""
    try:
        found = _country_class(country)(
            subdiv=subdivision, years=year, categories=categories, language=language
        )
    except NotImplementedError as error:
        if subdivision is not None and "subdivision" in str(error):
            raise BusinessTimeError(
                ErrorCode.UNKNOWN_SUBDIVISION, country=country, subdivision=subdivision
            ) from error
        raise BusinessTimeError(ErrorCode.UNKNOWN_COUNTRY, country=country) from error
    except ValueError as error:
        raise BusinessTimeError(
            ErrorCode.UNKNOWN_CATEGORY, categories=",".join(categories)
        ) from error
    return tuple(sorted(found.items()))


def _country_class(country: str) -> Callable[..., Mapping[date, str]]:
    """The ``holidays`` package's class for ``country``, importing that country's module only.

    ``holidays.country_holidays`` goes through the ``holidays.countries`` package, whose
    ``__init__`` imports all of its 250 countries (about 0.2 s at every start of a command, see
    ``bench/bench_startup.py``). The package's registry names the module that holds each country:
    it is loaded under its own name, so that a later ``import holidays.countries`` reuses it.
    Raises ``NotImplementedError``, as ``country_holidays`` does, for an unknown country.
    """
    for module_name, (class_name, *codes) in holidays_registry.COUNTRIES.items():
        if country in codes:
            name = f"holidays.countries.{module_name}"
            module = sys.modules.get(name)
            path = Path(holidays_package.__file__ or "").parent / "countries" / f"{module_name}.py"
            if module is None and path.is_file():
                spec = importlib.util.spec_from_file_location(name, path)
                if spec is not None and spec.loader is not None:
                    module = importlib.util.module_from_spec(spec)
                    sys.modules[name] = module
                    try:
                        spec.loader.exec_module(module)
                    except BaseException:
                        del sys.modules[name]
                        raise
            if module is None:  # not a plain file (a zipped install): the package's own way
                module = importlib.import_module(name)
            found: Callable[..., Mapping[date, str]] = getattr(module, class_name)
            return found
    raise NotImplementedError(f"Country {country} not available")


def zone_info(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or a :class:`BusinessTimeError`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BusinessTimeError(ErrorCode.UNKNOWN_TIME_ZONE, value=name) from error


@dataclass(frozen=True, slots=True)
class Calendar:
    """When an office is open: time zone, weekly hours, holidays and closures.

    ``added_holidays`` are extra days off (date, name); ``removed_dates`` are package holidays the
    office works anyway; ``closures`` are special-circumstance closures with a reason. The value is
    immutable and hashable (its hash is computed once), so it keys the table cache.
    """

    tz: str
    hours: WeeklyHours
    holidays: HolidaySource | None = None
    added_holidays: tuple[tuple[date, str], ...] = ()
    removed_dates: tuple[date, ...] = ()
    closures: tuple[Closure, ...] = ()
    _hash: int = field(init=False, repr=False, compare=False, default=0)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False, default=_UTC_ZONE)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", zone_info(self.tz))
        added = self.added_holidays
        if isinstance(added, Mapping):
            added = tuple(added.items())
        object.__setattr__(self, "added_holidays", tuple(sorted(added)))
        object.__setattr__(self, "removed_dates", tuple(sorted(set(self.removed_dates))))
        object.__setattr__(
            self,
            "closures",
            tuple(sorted(self.closures, key=lambda c: (c.interval.start, c.interval.end))),
        )
        object.__setattr__(
            self,
            "_hash",
            hash(
                (
                    self.tz,
                    self.hours,
                    self.holidays,
                    self.added_holidays,
                    self.removed_dates,
                    self.closures,
                )
            ),
        )

    def __hash__(self) -> int:
        return self._hash

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def holidays_for_year(self, year: int) -> dict[date, str]:
        """This calendar's holidays in ``year``: the package's, minus removed, plus added."""
        found = self.holidays.names_for_year(year) if self.holidays else {}
        for removed in self.removed_dates:
            found.pop(removed, None)
        for day, name in self.added_holidays:
            if day.year == year:
                found[day] = name
        return found


@dataclass(frozen=True, slots=True)
class EffectiveCalendar:
    """A calendar that changes over time: ``((effective_from, Calendar), ...)``.

    Each calendar applies to local dates from its ``effective_from`` (in its own time zone) until
    the next one's. Dates before the first ``effective_from`` use the first calendar.
    """

    entries: tuple[tuple[date, Calendar], ...]
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        entries = tuple(sorted(self.entries, key=lambda entry: entry[0]))
        if not entries:
            raise BusinessTimeError(ErrorCode.EMPTY_EFFECTIVE_CALENDAR)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "_hash", hash(entries))

    def __hash__(self) -> int:
        return self._hash

    def calendar_on(self, day: date) -> Calendar:
        """The calendar in force on local date ``day``."""
        chosen = self.entries[0][1]
        for effective_from, calendar in self.entries:
            if effective_from <= day:
                chosen = calendar
            else:
                break
        return chosen

    def calendar_at(self, instant: datetime) -> Calendar:
        """The calendar in force at ``instant`` (each candidate reads the date in its own zone)."""
        chosen = self.entries[0][1]
        for effective_from, calendar in self.entries:
            if instant.astimezone(calendar.zone).date() >= effective_from:
                chosen = calendar
            else:
                break
        return chosen


type AnyCalendar = Calendar | EffectiveCalendar


def calendar_on(calendar: AnyCalendar, day: date) -> Calendar:
    return calendar.calendar_on(day) if isinstance(calendar, EffectiveCalendar) else calendar
