"""Real-time performance information (Guideline on Service and Digital, §2.7.4).

Two figures tell a client what to expect now, each stamped with its ``as_of`` instant and an
:class:`UpdateCategory` (how often the publisher refreshes it):

**Completion time for a share** (:func:`completion_time`): "80% of requests completed recently were
completed within 3 business days". The completions considered are those whose completion instant
is in the window ``(as_of - window, as_of]`` (optionally only the ``max_cases`` most recent). The
figure is the **nearest-rank percentile** of their durations: sort the ``n`` durations, take the
``ceil(share × n)``-th smallest. It is a duration that was actually observed, and at least ``share``
of the cases took no longer. Durations are business time (or the rule's kind of time) as measured
by :func:`comptoir.core.standards.evaluate` (``elapsed`` of a completed case), pauses excluded.

**Projected time for a case submitted now** (:func:`projected_time`): the open backlog ahead of the
new case divided by the recent throughput. With ``B`` open cases, ``C`` cases completed in the
window and ``T`` the calendar's open (business) time inside the window, the throughput is
``C / T`` and the projection is ``(B + 1) × T / C`` of business time from ``as_of`` — the time the
team, working at its recent pace and first come first served, needs to clear the cases ahead and
this one. The projected instant adds it to ``as_of`` in the calendar
(:func:`comptoir.core.businesstime.add_business_time`). Assumptions, stated so a reader can judge
the figure: first come first served; recent throughput holds; every case costs the same. It is
``None`` when nothing was completed in the window or the window had no open time (no basis).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from comptoir.core.businesstime import AnyCalendar, add_business_time, business_time_between
from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode
from comptoir.core.standards.evaluation import Evaluation, Outcome

__all__ = [
    "Completion",
    "CompletionTime",
    "ProjectedTime",
    "UpdateCategory",
    "completion_time",
    "completions_from",
    "projected_time",
]


class UpdateCategory(enum.StrEnum):
    """How often a real-time figure is refreshed."""

    #: On a schedule (e.g. daily or weekly).
    TIMED = "timed"
    #: Within minutes of the underlying events.
    NEAR_REAL_TIME = "near_real_time"
    #: Computed on request from the current events.
    INSTANTANEOUS = "instantaneous"


@dataclass(frozen=True, slots=True)
class Completion:
    """One completed case: when it was completed and how long it took (pauses excluded)."""

    completed_at: datetime
    duration: timedelta


@dataclass(frozen=True, slots=True)
class CompletionTime:
    """``share`` of the ``sample_size`` cases completed in the window took at most ``within``."""

    as_of: datetime
    update_category: UpdateCategory
    share: Decimal
    window_start: datetime
    sample_size: int
    within: timedelta | None


@dataclass(frozen=True, slots=True)
class ProjectedTime:
    """How long a case submitted at ``as_of`` is projected to take, and when it would be done."""

    as_of: datetime
    update_category: UpdateCategory
    window_start: datetime
    backlog: int
    completed_in_window: int
    open_time_in_window: timedelta
    business_time: timedelta | None
    projected_at: datetime | None


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PerformanceError(PerformanceErrorCode.NAIVE_DATETIME, field=name, value=str(value))


def _window(window: timedelta) -> None:
    if window <= timedelta(0):
        raise PerformanceError(PerformanceErrorCode.INVALID_WINDOW, value=str(window))


def completions_from(evaluations: Iterable[Evaluation]) -> list[Completion]:
    """The completions of evaluations that completed and were measured (met or missed)."""
    return [
        Completion(evaluation.stopped_at, evaluation.elapsed)
        for evaluation in evaluations
        if evaluation.stopped_at is not None
        and evaluation.elapsed is not None
        and evaluation.outcome in (Outcome.MET, Outcome.MISSED)
    ]


def completion_time(
    completions: Iterable[Completion],
    *,
    as_of: datetime,
    window: timedelta,
    share: Decimal = Decimal("0.8"),
    update_category: UpdateCategory,
    max_cases: int | None = None,
) -> CompletionTime:
    """The time within which ``share`` of the cases completed in the window were completed."""
    _aware(as_of, "as_of")
    _window(window)
    if not isinstance(share, Decimal) or not share.is_finite() or not 0 < share <= 1:
        raise PerformanceError(PerformanceErrorCode.INVALID_SHARE, value=str(share))
    if max_cases is not None and max_cases < 1:
        raise PerformanceError(PerformanceErrorCode.INVALID_WINDOW, max_cases=max_cases)
    window_start = as_of - window
    recent = sorted(
        (c for c in completions if window_start < c.completed_at <= as_of),
        key=lambda c: c.completed_at,
    )
    if max_cases is not None:
        recent = recent[-max_cases:]
    durations = sorted(c.duration for c in recent)
    within = None
    if durations:
        rank = math.ceil(share * len(durations))  # Decimal arithmetic: no float rounding
        within = durations[rank - 1]
    return CompletionTime(as_of, update_category, share, window_start, len(durations), within)


def projected_time(
    calendar: AnyCalendar,
    *,
    backlog: int,
    completed_at: Iterable[datetime],
    as_of: datetime,
    window: timedelta,
    update_category: UpdateCategory,
) -> ProjectedTime:
    """Projected business time and instant for a case submitted at ``as_of`` (see module doc)."""
    _aware(as_of, "as_of")
    _window(window)
    if isinstance(backlog, bool) or not isinstance(backlog, int) or backlog < 0:
        raise PerformanceError(PerformanceErrorCode.INVALID_COUNT, value=backlog)
    window_start = as_of - window
    completed = sum(1 for moment in completed_at if window_start < moment <= as_of)
    open_time = business_time_between(calendar, window_start, as_of)
    business_time = projected_at = None
    if completed and open_time > timedelta(0):
        open_us = open_time // timedelta(microseconds=1)
        # Round up to the microsecond: the projection never promises earlier than the pace allows.
        needed = -(-(backlog + 1) * open_us // completed)
        business_time = timedelta(microseconds=needed)
        projected_at = add_business_time(calendar, as_of, business_time)
    return ProjectedTime(
        as_of,
        update_category,
        window_start,
        backlog,
        completed,
        open_time,
        business_time,
        projected_at,
    )
