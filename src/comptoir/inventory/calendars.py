"""A unit's calendar as the value ``comptoir.core.businesstime`` computes with."""

from __future__ import annotations

from comptoir import i18n
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
from comptoir.measurement.business_time_text import error_message

#: The ``holidays`` package's categories of a unit that does not name its own.
PUBLIC_CATEGORIES = ("public",)
#: ... of a federal organization's unit in Canada: the public holidays of its province or
#: territory, and the days the federal workplace has off besides (``government``: Victoria Day,
#: the National Day for Truth and Reconciliation, Thanksgiving, Remembrance Day and Boxing Day
#: where they are not public holidays of the province; see docs/business-time.md).
FEDERAL_CATEGORIES = ("public", "government")


def default_holiday_categories(*, is_federal: bool, jurisdiction: str) -> tuple[str, ...]:
    """The categories a unit observes when it names none: ``FEDERAL_CATEGORIES`` for a federal
    organization's unit in Canada (``CA`` or ``CA-XX``), else ``PUBLIC_CATEGORIES`` (an office
    abroad observes the public holidays of its host country, whose package may have no
    ``government`` category)."""
    country = jurisdiction.strip().upper().partition("-")[0]
    return FEDERAL_CATEGORIES if is_federal and country == "CA" else PUBLIC_CATEGORIES


def holiday_categories(unit: Unit) -> tuple[str, ...]:
    """The unit's categories, or when it names none its organization's default."""
    named = tuple(c.strip() for c in unit.holiday_categories.split(",") if c.strip())
    if named:
        return named
    return default_holiday_categories(
        is_federal=unit.organization.is_federal if unit.organization_id else True,
        jurisdiction=unit.holiday_jurisdiction,
    )


def calendar_for(unit: Unit, *, language: str = "en") -> Calendar:
    """The unit's calendar: time zone, weekly hours, holidays of its jurisdiction, its overrides
    (extra days off, holidays worked) and its closures (reason in ``language``).

    Raises ``comptoir.core.businesstime.BusinessTimeError`` when a setting is invalid (bad time
    zone, hours or jurisdiction): the unit form validates with this same function.
    """
    overrides = list(unit.holiday_overrides.all())
    reason = i18n.field_name("reason", language)
    name = i18n.field_name("name", language)
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


#: Which unit field each calendar error is about; the words come from the business-time text
#: module, the one place the engine's codes are put into sentences.
_ERROR_FIELDS = {
    ErrorCode.UNKNOWN_TIME_ZONE: "time_zone",
    ErrorCode.INVALID_HOURS: "business_hours",
    ErrorCode.NO_BUSINESS_TIME: "business_hours",
    ErrorCode.INVALID_HOLIDAY_JURISDICTION: "holiday_jurisdiction",
    ErrorCode.UNKNOWN_COUNTRY: "holiday_jurisdiction",
    ErrorCode.UNKNOWN_SUBDIVISION: "holiday_jurisdiction",
    ErrorCode.UNKNOWN_CATEGORY: "holiday_categories",
}


def calendar_errors(unit: Unit) -> dict[str, str]:
    """Translated errors of a unit's calendar settings, by field (empty when they are valid)."""
    try:
        tz = unit.time_zone
        zone_info(tz)
        WeeklyHours.parse(unit.business_hours)
        HolidaySource.parse(unit.holiday_jurisdiction, holiday_categories(unit))
    except BusinessTimeError as error:
        return {_ERROR_FIELDS.get(error.code, "business_hours"): error_message(error)}
    return {}
