"""Real-time performance information for clients (Guideline on Service and Digital §2.7.4):
computing and storing each standard's figures (``docs/measurement.md``, "Real-time performance
for clients").

    refresh(standard)            # compute one standard's figures now and store them
    refresh_service(service)     # every standard of a service that has a rule
    refresh_due()                # what the worker's sweep calls: the results whose time has come

The figures, over the outputs of the last ``window_days`` days (``RealtimeSetting``, default 90):

* **backward-looking**: the share of those outputs that met the standard (met ÷ met and missed,
  with the official rounding), and the time within which 80 % of them were answered, in the
  rule's own unit ("N business days"). A case's time in whole units is the smallest limit of the
  rule's unit it would have met, found by evaluating the case against the rule with that limit
  (``core.standards.evaluate``): the rule's start, stop, pauses, calendar and day convention all
  apply, so "within 3 business days" means what the standard means by it. The 80th percentile
  is the core's nearest rank (``core.performance.realtime.completion_time``);
* **forward-looking**: when a request made now can expect an answer
  (``core.performance.realtime.projected_time``): the open cases of the standard (the backlog,
  paused ones included: they come back) and the outputs of the window (the throughput), in the
  calendar of the unit that received the newest case;
* this fiscal year's performance so far (``measurement.queries.performance``) and the target.

The result is a JSON payload whose shape is the feeds' (``SCHEMA_VERSION``); the page and the
feeds only read it. Refreshing is cheap enough for the sweep (one evaluation per output of the
window and a few per step of the search) but never done for a visitor.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from comptoir.core.businesstime import BusinessTimeError, Within
from comptoir.core.casework import CaseKind, CaseworkError, standards_timeline
from comptoir.core.performance.official import compute_performance, format_performance
from comptoir.core.performance.periods import Period, PeriodKind
from comptoir.core.performance.realtime import (
    Completion,
    UpdateCategory,
    completion_time,
    projected_time,
)
from comptoir.core.standards import (
    CaseTimeline,
    Outcome,
    StandardError,
    StandardRule,
    evaluate,
)
from comptoir.measurement.models import FactOutcome, StandardFact
from comptoir.measurement.realtime_models import (
    DEFAULT_WINDOW_DAYS,
    RealtimeResult,
    RealtimeSetting,
)

if TYPE_CHECKING:
    from comptoir.casework.models import Case, CaseEvent
    from comptoir.inventory.models import Service, ServiceStandard
    from comptoir.measurement.performance import _Context

logger = logging.getLogger(__name__)

#: The version of the payload's (and the feeds') schema: the major number changes when a field
#: is removed or changes meaning, the minor one when a field is added.
SCHEMA_VERSION = "1.0"

#: The share the backward-looking figure is stated for: "80 % of requests within N".
SHARE = Decimal("0.8")

#: How old a stored result may get before the sweep computes it again, per update category.
MAX_AGE = {
    UpdateCategory.TIMED: timedelta(days=1),
    UpdateCategory.NEAR_REAL_TIME: timedelta(hours=1),
    UpdateCategory.INSTANTANEOUS: timedelta(0),
}

#: The largest limit the search for a case's time in whole units tries (a case slower than
#: that counts as this many units; 10 years of seconds is beyond any standard).
MAX_UNITS = 400_000_000


@dataclasses.dataclass(frozen=True, slots=True)
class Setting:
    window_days: int
    update_category: UpdateCategory


def setting_of(standard: ServiceStandard) -> Setting:
    """The standard's window and update category, or the defaults (90 days, timed)."""
    found = RealtimeSetting.objects.filter(standard=standard).first()
    if found is None:
        return Setting(DEFAULT_WINDOW_DAYS, UpdateCategory.TIMED)
    return Setting(found.window_days, UpdateCategory(found.update_category))


def rule_of(standard: ServiceStandard) -> StandardRule | None:
    """The standard's machine rule, or ``None`` when it has none (no real-time figures)."""
    if not isinstance(standard.rule, dict):
        return None
    return StandardRule.from_dict(standard.rule)


# --- a case's time in whole units of the rule ------------------------------------------------


def _timeline(case: Case, events: Sequence[CaseEvent]) -> CaseTimeline | None:
    from comptoir.casework.actions import facts_of
    from comptoir.casework.errors import CaseError

    try:
        return standards_timeline(
            case_kind=CaseKind(case.kind),
            channel=case.channel,
            tier=case.tier,
            service_id=case.service.service_id,
            entry_unit=str(case.entry_unit_id),
            events=facts_of(events),
        )
    except (CaseError, CaseworkError, ValueError):
        return None


def units_taken(
    rule: StandardRule, timeline: CaseTimeline, *, as_of: datetime, calendars: Any
) -> int | None:
    """The smallest limit in the rule's unit that the case would have met (its stop at or before
    the due instant), or ``None`` when the case is not a measured output of the rule. Met is
    monotone in the limit (a longer limit is never due earlier), so a galloping search followed
    by a bisection finds it in a few evaluations."""

    def met(amount: int) -> bool:
        limited = dataclasses.replace(rule, within=Within(amount, rule.within.unit))
        return evaluate(limited, timeline, as_of=as_of, calendars=calendars).outcome is Outcome.MET

    first = evaluate(rule, timeline, as_of=as_of, calendars=calendars)
    if first.outcome not in (Outcome.MET, Outcome.MISSED) or first.stopped_at is None:
        return None
    low, high = -1, rule.within.amount  # met(low) is false by convention; met(high) is checked
    if first.outcome is Outcome.MISSED:
        low, high = high, max(1, high * 2)
        while not met(high):
            low, high = high, high * 2
            if high > MAX_UNITS:
                return MAX_UNITS
    while high - low > 1:
        middle = (low + high) // 2
        if met(middle):
            high = middle
        else:
            low = middle
    return high


# --- the figures --------------------------------------------------------------------------------


def _window_facts(standard: ServiceStandard, start: datetime, as_of: datetime) -> list[Any]:
    return list(
        StandardFact.objects.filter(
            standard=standard,
            outcome__in=(FactOutcome.MET, FactOutcome.MISSED),
            output_at__gt=start,
            output_at__lte=as_of,
        )
        .order_by("output_at")
        .values("case_id", "outcome", "output_at")
    )


def _unit_times(
    rule: StandardRule, case_ids: list[int], context: _Context, *, as_of: datetime
) -> dict[int, int]:
    """Each case's time in whole units of the rule (cases that cannot be read are left out)."""
    from comptoir.casework.models import Case
    from comptoir.measurement.performance import _events_of

    cases = Case.objects.filter(pk__in=case_ids).select_related("service")
    events = _events_of(case_ids)
    times: dict[int, int] = {}
    for case in cases:
        timeline = _timeline(case, events.get(case.pk, []))
        if timeline is None:
            continue
        context.load_units({timeline.unit, *(e.unit for e in timeline.events if e.unit)})
        try:
            taken = units_taken(rule, timeline, as_of=as_of, calendars=context.table())
        except (BusinessTimeError, StandardError):
            continue
        if taken is not None:
            times[case.pk] = taken
    return times


def _projection_unit(standard: ServiceStandard) -> str | None:
    """The unit whose calendar the projection counts in: the entry unit of the newest case of
    the standard (a new request would most likely arrive there)."""
    newest = (
        StandardFact.objects.filter(standard=standard)
        .order_by("-received_at", "-pk")
        .values_list("case__entry_unit_id", flat=True)
        .first()
    )
    return None if newest is None else str(newest)


def _names(standard: ServiceStandard) -> dict[str, str]:
    """The service's and the standard's names in both languages, from their newest records."""
    from comptoir.inventory.models import ServiceYear, StandardYear

    service_year: Mapping[str, Any] = (
        ServiceYear.objects.filter(service_id=standard.service_id)
        .order_by("-fiscal_year__code")
        .values("service_name_en", "service_name_fr")
        .first()
    ) or {}
    standard_year: Mapping[str, Any] = (
        StandardYear.objects.filter(standard=standard)
        .order_by("-fiscal_year__code")
        .values("service_standard_en", "service_standard_fr")
        .first()
    ) or {}
    return {
        "service_name_en": service_year.get("service_name_en") or "",
        "service_name_fr": service_year.get("service_name_fr") or "",
        "standard_en": standard_year.get("service_standard_en") or "",
        "standard_fr": standard_year.get("service_standard_fr") or "",
    }


def _fiscal_year_figures(standard: ServiceStandard, code: str, as_of: datetime) -> dict[str, Any]:
    from comptoir.measurement.queries import performance

    report = performance(code, service=standard.service, as_of=as_of)
    row = next(
        (row for row in report.rows if row.standard_id == standard.service_standard_id), None
    )
    return {
        "fiscal_year": code,
        "volume_meeting_target": row.volume_meeting_target if row else 0,
        "total_volume": row.total_volume if row else 0,
        "performance": (row.performance or None) if row else None,
        "target_met": row.target_met if row else "NA",
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def figures(
    standard: ServiceStandard, rule: StandardRule, setting: Setting, *, as_of: datetime
) -> dict[str, Any]:
    """The payload of one standard as of ``as_of`` (see ``docs/measurement.md`` for the schema)."""
    from comptoir.measurement.performance import _Context

    window = timedelta(days=setting.window_days)
    start = as_of - window
    outputs = _window_facts(standard, start, as_of)
    met = sum(1 for fact in outputs if fact["outcome"] == FactOutcome.MET)
    context = _Context()
    times = _unit_times(rule, [fact["case_id"] for fact in outputs], context, as_of=as_of)
    # The core's percentile is an order statistic of durations: a case's whole number of the
    # rule's units is handed to it as that many days, which keeps the order and reads back.
    share_time = completion_time(
        [
            Completion(fact["output_at"], timedelta(days=times[fact["case_id"]]))
            for fact in outputs
            if fact["case_id"] in times
        ],
        as_of=as_of,
        window=window,
        share=SHARE,
        update_category=setting.update_category,
    )
    within = None if share_time.within is None else share_time.within.days
    backlog = StandardFact.objects.filter(standard=standard, outcome=FactOutcome.PENDING).count()
    unit_key = _projection_unit(standard)
    forward: dict[str, Any] = {
        "backlog": backlog,
        "completed_in_window": len(outputs),
        "open_business_seconds_in_window": None,
        "projected_business_seconds": None,
        "projected_at": None,
        "projected_on": None,
        "time_zone": None,
    }
    zone = None
    if unit_key is not None:
        context.load_units({unit_key})
        zone = context.zones.get(unit_key)
        calendar = next((c for ref, c in context.calendars.items() if ref.key == unit_key), None)
        if calendar is not None and zone is not None:
            projection = projected_time(
                calendar,
                backlog=backlog,
                completed_at=[fact["output_at"] for fact in outputs],
                as_of=as_of,
                window=window,
                update_category=setting.update_category,
            )
            forward["completed_in_window"] = projection.completed_in_window
            forward["open_business_seconds_in_window"] = int(
                projection.open_time_in_window.total_seconds()
            )
            forward["time_zone"] = str(zone)
            if projection.projected_at is not None and projection.business_time is not None:
                local = projection.projected_at.astimezone(zone)
                forward["projected_business_seconds"] = int(
                    projection.business_time.total_seconds()
                )
                forward["projected_at"] = local.isoformat()
                forward["projected_on"] = local.date().isoformat()
    local_today = as_of.astimezone(zone).date() if zone is not None else as_of.date()
    year = Period.containing(PeriodKind.FISCAL_YEAR, local_today).label
    share = compute_performance(met, len(outputs))
    return {
        "schema_version": SCHEMA_VERSION,
        "service_id": standard.service.service_id,
        "owner_org": standard.service.organization.owner_org,
        "standard_id": standard.service_standard_id,
        **_names(standard),
        "as_of": _iso(as_of),
        "update_category": setting.update_category.value,
        "window_days": setting.window_days,
        "window_start": _iso(start),
        "rule": {"within_amount": rule.within.amount, "within_unit": rule.within.unit.value},
        "target": None if rule.target is None else str(rule.target),
        "backward": {
            "outputs": len(outputs),
            "met": met,
            "share_meeting_standard": format_performance(share) or None,
            "share": str(SHARE),
            "sample_size": share_time.sample_size,
            "within_amount": within,
            "within_unit": rule.within.unit.value,
        },
        "forward": forward,
        "this_year": _fiscal_year_figures(standard, year, as_of),
    }


# --- storing -----------------------------------------------------------------------------------


def refresh(standard: ServiceStandard, *, as_of: datetime | None = None) -> RealtimeResult | None:
    """Compute ``standard``'s figures as of ``as_of`` (default now) and store them in place of
    the previous ones; ``None`` (and any stored result removed) when it has no machine rule."""
    from comptoir.inventory.models import ServiceStandard

    standard = ServiceStandard.objects.select_related("service__organization").get(pk=standard.pk)
    rule = rule_of(standard)
    if rule is None:
        RealtimeResult.objects.filter(standard=standard).delete()
        return None
    setting = setting_of(standard)
    now = timezone.now()
    moment = as_of or now
    payload = figures(standard, rule, setting, as_of=moment)
    with transaction.atomic():
        result, _created = RealtimeResult.objects.update_or_create(
            standard=standard,
            defaults={
                "service": standard.service,
                "computed_at": moment,
                "window_days": setting.window_days,
                "update_category": setting.update_category.value,
                "payload": payload,
            },
        )
    return result


def refresh_service(service: Service, *, as_of: datetime | None = None) -> int:
    """Refresh every standard of ``service`` that has a rule; how many were stored."""
    stored = 0
    for standard in service.standards.filter(rule__isnull=False).order_by("pk"):
        if refresh(standard, as_of=as_of) is not None:
            stored += 1
    return stored


def refresh_all(*, as_of: datetime | None = None) -> int:
    """Refresh every standard that has a rule; how many were stored."""
    from comptoir.inventory.models import ServiceStandard

    stored = 0
    for standard in ServiceStandard.objects.filter(rule__isnull=False).order_by("pk"):
        if refresh(standard, as_of=as_of) is not None:
            stored += 1
    return stored


def is_due(result: RealtimeResult | None, category: UpdateCategory, *, now: datetime) -> bool:
    """Whether a stored result (or its absence) must be computed again now."""
    if result is None:
        return True
    return now - result.computed_at >= MAX_AGE[category]


def refresh_due(*, now: datetime | None = None) -> int:
    """What the worker's sweep calls: every standard with a rule whose result is missing or
    older than its update category allows (timed: a day; near real time: an hour;
    instantaneous: at each sweep). A standard that fails is logged and skipped, so one bad
    calendar never stops the others or the worker. Returns how many were refreshed."""
    from comptoir.inventory.models import ServiceStandard

    moment = now or timezone.now()
    settings = {
        s.standard_id: UpdateCategory(s.update_category) for s in RealtimeSetting.objects.all()
    }
    results = {r.standard_id: r for r in RealtimeResult.objects.only("standard", "computed_at")}
    refreshed = 0
    for standard in ServiceStandard.objects.filter(rule__isnull=False).order_by("pk"):
        category = settings.get(standard.pk, UpdateCategory.TIMED)
        if not is_due(results.get(standard.pk), category, now=moment):
            continue
        try:
            if refresh(standard, as_of=moment) is not None:
                refreshed += 1
        except Exception:  # derived data: a failure must not stop the worker's sweep
            logger.exception("real-time performance of standard %s not refreshed", standard.pk)
    return refreshed


def sweep(*, now: datetime | None = None) -> int:
    """The worker's sweep step: :func:`refresh_due`, never raising (a failure is logged and the
    next sweep tries again), so the sending of mail is never held up by derived figures."""
    try:
        return refresh_due(now=now)
    except Exception:
        logger.exception("real-time performance: the sweep's refresh failed")
        return 0


def on_events_recorded(sender: Any, *, case: Case, **kwargs: Any) -> None:
    """The ``casework.signals.events_recorded`` receiver for ``instantaneous`` standards: once
    the case's facts are measured again (the facts' receiver is connected first), the
    instantaneous standards of its service are refreshed, in the request that wrote the event.
    Derived data never fails the person's action: an error is logged, the next sweep mends it."""
    from comptoir.inventory.models import ServiceStandard

    try:
        for standard in ServiceStandard.objects.filter(
            service_id=case.service_id,
            rule__isnull=False,
            realtime_setting__update_category=UpdateCategory.INSTANTANEOUS.value,
        ).order_by("pk"):
            refresh(standard)
    except Exception:
        logger.exception("real-time performance of case %s's service not refreshed", case.pk)
