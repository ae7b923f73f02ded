"""Business time: calendars, business-time arithmetic, pauses and due dates.

The public API (see ``docs/business-time.md`` for the definitions)::

    from comptoir.core.businesstime import Calendar, WeeklyHours, HolidaySource, Within, due_at

    hours = WeeklyHours.parse("08:30-16:30")
    calendar = Calendar("America/Montreal", hours, HolidaySource("CA", "QC"))
    due_at(calendar, received, Within.parse("2 business days"))
"""

from typing import TYPE_CHECKING

from comptoir.core.businesstime.arithmetic import (
    add_business_time,
    business_time_between,
    due_at,
    is_business_day,
    is_open,
    next_opening,
)
from comptoir.core.businesstime.errors import BusinessTimeError, ErrorCode
from comptoir.core.businesstime.explain import (
    ClosedReason,
    ExplainStep,
    StepCode,
    day_status,
    explain_due_at,
)
from comptoir.core.businesstime.model import (
    AnyCalendar,
    Calendar,
    ClosedDueDate,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    EffectiveCalendar,
    HolidaySource,
    Interval,
    TimeUnit,
    WeeklyHours,
    Within,
)

if TYPE_CHECKING:
    from comptoir.core.businesstime.batch import business_time_between_batch, due_at_batch


def __getattr__(name: str) -> object:
    # The batch functions need numpy (about 0.1 s to import): load them on first use, so that a
    # command computing one date does not pay for it at every start (bench/bench_startup.py).
    if name in {"business_time_between_batch", "due_at_batch"}:
        from comptoir.core.businesstime import batch

        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnyCalendar",
    "BusinessTimeError",
    "Calendar",
    "ClosedDueDate",
    "ClosedReason",
    "Closure",
    "DayConvention",
    "DayZero",
    "DueTime",
    "EffectiveCalendar",
    "ErrorCode",
    "ExplainStep",
    "HolidaySource",
    "Interval",
    "StepCode",
    "TimeUnit",
    "WeeklyHours",
    "Within",
    "add_business_time",
    "business_time_between",
    "business_time_between_batch",
    "day_status",
    "due_at",
    "due_at_batch",
    "explain_due_at",
    "is_business_day",
    "is_open",
    "next_opening",
]
