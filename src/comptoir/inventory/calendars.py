"""A unit's calendar as the value ``comptoir.core.businesstime`` computes with."""

from __future__ import annotations

from comptoir.core.businesstime import Calendar, Closure, HolidaySource, Interval, WeeklyHours
from comptoir.inventory.models import Unit


def holiday_categories(unit: Unit) -> tuple[str, ...]:
    return tuple(c.strip() for c in unit.holiday_categories.split(",") if c.strip()) or ("public",)


def calendar_for(unit: Unit, *, language: str = "en") -> Calendar:
    """The unit's calendar: time zone, weekly hours, holidays of its jurisdiction, its overrides
    (extra days off, holidays worked) and its closures (reason in ``language``).

    Raises ``comptoir.core.businesstime.BusinessTimeError`` when a setting is invalid (bad time
    zone, hours or jurisdiction): the unit form validates with this same function.
    """
    overrides = list(unit.holiday_overrides.all())
    reason = "reason_fr" if language.startswith("fr") else "reason_en"
    name = "name_fr" if language.startswith("fr") else "name_en"
    return Calendar(
        tz=unit.time_zone,
        hours=WeeklyHours.parse(unit.business_hours),
        holidays=HolidaySource.parse(
            unit.holiday_jurisdiction, holiday_categories(unit), language=None
        ),
        added_holidays=tuple(
            (override.day, getattr(override, name) or override.name_en)
            for override in overrides
            if not override.is_worked
        ),
        removed_dates=tuple(override.day for override in overrides if override.is_worked),
        closures=tuple(
            Closure(Interval(closure.starts_at, closure.ends_at), getattr(closure, reason))
            for closure in unit.closures.all()
        ),
    )
