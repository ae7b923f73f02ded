"""Writes of the standards performance: the :class:`~comptoir.measurement.models.StandardFact`
rows of a case, computed from its events (``docs/measurement.md``).

    refresh_case_facts(case)           # one case, after its events changed
    recompute(fiscal_year="2024-2025")  # every case alive in that year (or all), in batches

Both measure a case the way its clocks are measured on the case page
(``measurement.clocks``): each standard of the case's service whose rule is set, counted in a
unit's calendar, and applies to the case (its start event happened) gives one fact. The facts of
a case are written with one upsert (``bulk_create(update_conflicts=True)``) and the facts of
standards that no longer apply are deleted: they are derived rows, not client data
(``docs/decisions/0013-standard-facts.md``). A case whose events or calendars cannot be read is
skipped (counted, not refused): a full recompute measures it again once it can be.

An open clock is stored ``pending`` with its due instant as of ``as_of``, even when already past
due: it is not an output. The overdue backlog compares the stored due instant with the time of
the question (``queries.performance``); a paused clock's due instant moves while it waits, so
the backlog leaves paused clocks out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comptoir.core.businesstime import AnyCalendar, BusinessTimeError
from comptoir.core.casework import CaseKind, CaseworkError, EventFact, EventKind, standards_timeline
from comptoir.core.performance.periods import Period, PeriodKind
from comptoir.core.standards import (
    CalendarRef,
    CalendarTable,
    CaseTimeline,
    Evaluation,
    Outcome,
    StandardError,
    StandardRule,
    evaluate,
)
from comptoir.measurement import clocks
from comptoir.measurement.models import FactOutcome, StandardFact

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.casework.models import Case, CaseEvent
    from comptoir.inventory.models import Organization, ServiceStandard

logger = logging.getLogger(__name__)

#: The columns an upsert rewrites (all but the key).
UPDATED_FIELDS = (
    "service",
    "channel",
    "unit",
    "received_at",
    "received_on",
    "output_at",
    "output_on",
    "outcome",
    "exclusion_reason",
    "due_at",
    "is_paused",
    "fiscal_year_received",
    "fiscal_year_output",
    "computed_at",
)

#: Facts per INSERT statement (a batch of cases of a service with many standards stays under
#: the databases' limits on parameters).
WRITE_BATCH = 1000

#: Stored outcome of each evaluation outcome that gives a fact (an open clock is pending).
_OUTCOMES = {
    Outcome.MET: FactOutcome.MET,
    Outcome.MISSED: FactOutcome.MISSED,
    Outcome.EXCLUDED: FactOutcome.EXCLUDED,
    Outcome.PENDING: FactOutcome.PENDING,
}


@dataclass(frozen=True, slots=True)
class RecomputeCounts:
    """What a recompute did: cases read, facts written (inserted or updated), facts deleted
    (their standard no longer applies) and cases skipped (events or calendars unreadable)."""

    cases: int = 0
    written: int = 0
    deleted: int = 0
    skipped: int = 0

    def __add__(self, other: RecomputeCounts) -> RecomputeCounts:
        return RecomputeCounts(
            self.cases + other.cases,
            self.written + other.written,
            self.deleted + other.deleted,
            self.skipped + other.skipped,
        )


class _Context:
    """What measuring many cases shares: each service's rules, each unit's calendar and zone,
    read once (``measurement.clocks`` reads them per case, which is right for one page)."""

    def __init__(self) -> None:
        self.rules: dict[int, list[tuple[ServiceStandard, StandardRule]]] = {}
        self.calendars: dict[CalendarRef, AnyCalendar] = {}
        self.zones: dict[str, ZoneInfo] = {}
        self._unreadable: set[str] = set()

    def rules_of(self, case: Case) -> list[tuple[ServiceStandard, StandardRule]]:
        found = self.rules.get(case.service_id)
        if found is None:
            found = self.rules[case.service_id] = clocks._rules(case.service, with_names=False)
        return found

    def load_units(self, keys: Iterable[str]) -> None:
        wanted = {key for key in keys if key not in self.zones and key not in self._unreadable}
        if not wanted:
            return
        units = clocks._units(wanted)
        for key, unit in units.items():
            try:
                table = clocks._calendars({key: unit})
            except BusinessTimeError:
                self._unreadable.add(key)
                continue
            self.calendars.update(table.calendars)
            self.zones[key] = ZoneInfo(unit.time_zone)
        self._unreadable.update(wanted - set(units))

    def table(self) -> CalendarTable:
        return CalendarTable(self.calendars)


def _received_at(facts: Sequence[EventFact]) -> datetime | None:
    return next((fact.at for fact in facts if fact.kind is EventKind.RECEIVED), None)


def _deciding_unit(timeline: CaseTimeline, evaluation: Evaluation) -> str:
    """The unit holding the case at the output (the stop event), or at the last event for an
    open clock: the timeline's events carry the unit holding the case after each of them."""
    unit = timeline.unit
    until = evaluation.stopped_at
    for event in timeline.events:
        if until is not None and event.at > until:
            break
        if event.unit:
            unit = event.unit
    return unit


def _fiscal_year(day: date) -> str:
    return Period.containing(PeriodKind.FISCAL_YEAR, day).label


def _case_facts(
    case: Case,
    events: Sequence[CaseEvent],
    context: _Context,
    *,
    as_of: datetime,
    computed_at: datetime,
) -> list[StandardFact] | None:
    """The facts of one case, unsaved; ``None`` when the case cannot be measured."""
    from comptoir.casework.actions import facts_of
    from comptoir.casework.errors import CaseError

    rules = context.rules_of(case)
    if not rules or not events:
        return []
    try:
        event_facts = facts_of(events)
        timeline = standards_timeline(
            case_kind=CaseKind(case.kind),
            channel=case.channel,
            tier=case.tier,
            service_id=case.service.service_id,
            entry_unit=str(case.entry_unit_id),
            events=event_facts,
        )
    except (CaseError, CaseworkError, ValueError):
        return None
    received_at = _received_at(event_facts)
    if received_at is None:
        return None
    context.load_units({timeline.unit, *(e.unit for e in timeline.events if e.unit)})
    calendars = context.table()
    entry_zone = context.zones.get(timeline.unit)
    if entry_zone is None:
        return None
    received_on = received_at.astimezone(entry_zone).date()
    found: list[StandardFact] = []
    for standard, rule in rules:
        try:
            evaluation = evaluate(rule, timeline, as_of=as_of, calendars=calendars)
        except (BusinessTimeError, StandardError):
            return None
        if not evaluation.applies or evaluation.due_at is None:
            continue
        deciding = _deciding_unit(timeline, evaluation)
        output_at = evaluation.stopped_at
        output_on = None
        if output_at is not None:
            output_on = output_at.astimezone(context.zones.get(deciding, entry_zone)).date()
        outcome = _OUTCOMES[evaluation.outcome]
        if outcome is FactOutcome.MISSED and output_at is None:
            outcome = FactOutcome.PENDING  # past due but open: not an output yet
        found.append(
            StandardFact(
                case_id=case.pk,
                standard_id=standard.pk,
                service_id=case.service_id,
                channel=case.channel,
                unit_id=int(deciding),
                received_at=received_at,
                received_on=received_on,
                output_at=output_at,
                output_on=output_on,
                outcome=outcome.value,
                exclusion_reason=(evaluation.reason or "")
                if outcome is FactOutcome.EXCLUDED
                else "",
                due_at=evaluation.due_at,
                is_paused=evaluation.is_paused and output_at is None,
                fiscal_year_received=_fiscal_year(received_on),
                fiscal_year_output=_fiscal_year(output_on) if output_on else "",
                computed_at=computed_at,
            )
        )
    return found


def _write(case_ids: Sequence[int], facts: Sequence[StandardFact]) -> tuple[int, int]:
    """Upsert ``facts`` and delete the other facts of ``case_ids``; (written, deleted)."""
    kept = {(fact.case_id, fact.standard_id) for fact in facts}
    stale = [
        pk
        for pk, case_id, standard_id in StandardFact.objects.filter(
            case_id__in=case_ids
        ).values_list("pk", "case_id", "standard_id")
        if (case_id, standard_id) not in kept
    ]
    deleted = StandardFact.objects.filter(pk__in=stale).delete()[0] if stale else 0
    if facts:
        StandardFact.objects.bulk_create(
            facts,
            update_conflicts=True,
            unique_fields=["case", "standard"],
            update_fields=list(UPDATED_FIELDS),
            batch_size=WRITE_BATCH,
        )
    return len(facts), deleted


def _events_of(case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
    from comptoir.casework.models import CaseEvent

    events: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
    for event in CaseEvent.objects.filter(case_id__in=case_ids).order_by("case_id", "sequence"):
        events[event.case_id].append(event)
    return events


def _measure(
    cases: Sequence[Case], context: _Context, *, as_of: datetime | None
) -> RecomputeCounts:
    """Measure ``cases`` and write their facts in one transaction."""
    now = timezone.now()
    moment = as_of or now
    events = _events_of([case.pk for case in cases])
    facts: list[StandardFact] = []
    measured: list[int] = []
    skipped = 0
    for case in cases:
        found = _case_facts(case, events[case.pk], context, as_of=moment, computed_at=now)
        if found is None:
            skipped += 1
            continue
        measured.append(case.pk)
        facts.extend(found)
    with transaction.atomic():
        written, deleted = _write(measured, facts)
    return RecomputeCounts(len(cases), written, deleted, skipped)


def refresh_case_facts(case: Case, *, as_of: datetime | None = None) -> RecomputeCounts:
    """Measure one case again (its service's rules, its units' calendars, one upsert): what the
    ``events_recorded`` receiver calls after each commit. ``as_of`` defaults to now."""
    from comptoir.casework.models import Case

    fresh = Case.objects.select_related("service").get(pk=case.pk)
    return _measure([fresh], _Context(), as_of=as_of)


def _fiscal_year_bounds(code: str) -> tuple[datetime, datetime]:
    """The fiscal year's first and last instants, a day wider on each side: local dates differ
    from UTC by less than a day, and measuring a case too many is harmless."""
    period = Period.parse(code)
    if period.kind is not PeriodKind.FISCAL_YEAR:
        raise ValueError(code)
    start = datetime.combine(period.first_day, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(period.last_day, datetime.min.time(), tzinfo=UTC)
    return start - timedelta(days=1), end + timedelta(days=2)


def cases_alive_in(code: str) -> Any:
    """The cases received before the fiscal year ``code`` ended and not resolved before it
    began: every case with a receipt, an output or an open clock in it."""
    from comptoir.casework.models import Case

    start, end = _fiscal_year_bounds(code)
    return Case.objects.filter(
        Q(received_at__lt=end) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=start))
    )


def recompute(
    fiscal_year: str | None = None, *, batch: int = 500, as_of: datetime | None = None
) -> RecomputeCounts:
    """Measure every case (or those alive in ``fiscal_year``, a code like ``2024-2025``) again,
    ``batch`` cases per transaction, streaming by primary key. Raises ``ValueError`` for a
    code that is not a fiscal year."""
    from comptoir.casework.models import Case

    cases = cases_alive_in(fiscal_year) if fiscal_year else Case.objects.all()
    cases = cases.select_related("service").order_by("pk")
    context = _Context()
    total = RecomputeCounts()
    last = 0
    while True:
        rows = list(cases.filter(pk__gt=last)[:batch])
        if not rows:
            return total
        total += _measure(rows, context, as_of=as_of)
        last = rows[-1].pk


def on_events_recorded(sender: Any, *, case: Case, **kwargs: Any) -> None:
    """The ``casework.signals.events_recorded`` receiver: the case measured again, in the
    request that wrote the event (after its commit). Derived data must never fail the person's
    action: an error is logged, and the next full recompute mends the facts."""
    try:
        refresh_case_facts(case)
    except Exception:
        logger.exception("standard facts of case %s not refreshed", case.pk)


def do_set_performance_attribution(
    organization: Organization, value: str, *, actor: User | None
) -> None:
    """Set the fiscal year ``organization`` counts a case in (``output`` or ``receipt``),
    recorded in the organization's history. The facts need no recompute: they hold both years."""
    from comptoir.inventory.models import Organization

    if value not in Organization.PerformanceAttribution.values:
        raise ValueError(value)
    organization.performance_attribution = value
    organization._history_user = actor  # type: ignore[attr-defined]  # simple_history: who
    organization.save(update_fields=["performance_attribution"])
