"""A unit's calendar as the value ``comptoir.core.businesstime`` computes with."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.businesstime import (
    BusinessTimeError,
    Calendar,
    Closure,
    ErrorCode,
    HolidaySource,
    Interval,
    WeeklyHours,
)
from comptoir.core.businesstime.model import zone_info
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


_FIELD_MESSAGES = {
    ErrorCode.UNKNOWN_TIME_ZONE: (
        "time_zone",
        _("“%(value)s” is not a time zone; write an IANA name such as America/Toronto."),
    ),
    ErrorCode.INVALID_HOURS: (
        "business_hours",
        _("Write business hours as 08:30-16:30 or mon-fri 08:30-16:30; sat 09:00-12:00."),
    ),
    ErrorCode.NO_BUSINESS_TIME: (
        "business_hours",
        _("The unit must be open at least one hour a week."),
    ),
    ErrorCode.INVALID_HOLIDAY_JURISDICTION: (
        "holiday_jurisdiction",
        _("Write a holiday jurisdiction as CA (federal) or CA-QC (a province or territory)."),
    ),
    ErrorCode.UNKNOWN_COUNTRY: (
        "holiday_jurisdiction",
        _("There are no public holidays known for this country."),
    ),
    ErrorCode.UNKNOWN_SUBDIVISION: (
        "holiday_jurisdiction",
        _("There are no public holidays known for this province, territory or region."),
    ),
    ErrorCode.UNKNOWN_CATEGORY: (
        "holiday_categories",
        _("These holiday categories are not known for this jurisdiction."),
    ),
}


def calendar_errors(unit: Unit) -> dict[str, str]:
    """Translated errors of a unit's calendar settings, by field (empty when they are valid)."""
    try:
        tz = unit.time_zone
        zone_info(tz)
        WeeklyHours.parse(unit.business_hours)
        HolidaySource.parse(unit.holiday_jurisdiction, holiday_categories(unit))
    except BusinessTimeError as error:
        field, message = _FIELD_MESSAGES.get(
            error.code, ("business_hours", _("These calendar settings are not valid."))
        )
        value = error.params.get("value", "")
        return {field: str(message) % {"value": value}}
    return {}
