"""Reads of the standards performance, from the stored facts (``docs/measurement.md``).

    report = performance("2024-2025", period="quarter", by=("standard",))
    differences = attribution_differences("2024-2025")

The database counts the facts per standard, group, period and outcome (a fact's period is the
local date of its output, in the deciding unit's time zone, or under the receipt attribution of
its receipt, in the entry unit's: the facts carry both dates); the core
(``core.performance.aggregation.aggregate``) then turns those counts, and the outside counts,
into rows with the official rules, as it would the facts one by one. Reading counts rather than
facts keeps ``show`` near the bare SQL aggregate's cost.

Each organization chooses the attribution (``Organization.performance_attribution``: by output,
the default, or by receipt); ``attribution=`` overrides it for every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case as DbCase
from django.db.models import Count, DateField, F, Q, Value, When
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone

from comptoir.core.performance.aggregation import (
    Dimension,
    ExternalCount,
    GroupKey,
    aggregate,
)
from comptoir.core.performance.official import TargetMet, format_performance, parse_target
from comptoir.core.performance.periods import Period, PeriodKind
from comptoir.core.standards import Channel, StandardRule
from comptoir.measurement.models import FactOutcome, OutsideCount, StandardFact

if TYPE_CHECKING:
    from comptoir.inventory.models import Service

ATTRIBUTIONS = ("output", "receipt")
PERIOD_KINDS = tuple(kind.value for kind in PeriodKind)
#: Outside counts have no channel of their own in Comptoir: they come from telephony.
OUTSIDE_CHANNEL = Channel.TEL


@dataclass(frozen=True, slots=True)
class StandardPerformance:
    """One row of the report: a period and a group (a standard, by default)."""

    period: Period
    standard_id: str  # the open-data service standard ID ("" when not grouped by standard)
    service_id: str
    channel: str
    unit_id: int | None
    volume_meeting_target: int
    total_volume: int
    performance: str  # the open-data cell: "0.8037", "" when nothing was issued
    target: Decimal | None
    target_met: str  # Y, N or NA
    excluded: int
    excluded_reasons: dict[str, int] = field(default_factory=dict)
    #: Open clocks past due as of the question (not of the period), for this group.
    overdue_backlog: int = 0


@dataclass(frozen=True, slots=True)
class PerformanceReport:
    fiscal_year: str
    period_kind: PeriodKind
    attribution: str | None  # None: each organization's own setting
    as_of: datetime
    rows: list[StandardPerformance]


@dataclass(frozen=True, slots=True)
class AttributionDifference:
    """One standard's volumes in a fiscal year by output and by receipt."""

    standard_id: str
    service_id: str
    by_output: tuple[int, int]  # (volume meeting, total)
    by_receipt: tuple[int, int]

    @property
    def differs(self) -> bool:
        return self.by_output != self.by_receipt


@dataclass(frozen=True, slots=True)
class _Standard:
    pk: int
    standard_id: str
    service_id: str
    target: Decimal | None


def _scope(service: Service | None) -> Q:
    return Q(service=service) if service is not None else Q()


def _attributed(fiscal_year: str, attribution: str | None) -> Q:
    """The facts counted in ``fiscal_year``: under ``attribution``, or each organization's."""
    by_output = Q(fiscal_year_output=fiscal_year)
    by_receipt = Q(fiscal_year_received=fiscal_year)
    if attribution == "output":
        return by_output
    if attribution == "receipt":
        return by_receipt
    setting = "service__organization__performance_attribution"
    return (Q(**{setting: "receipt"}) & by_receipt) | (~Q(**{setting: "receipt"}) & by_output)


def _standards(pks: set[int], fiscal_year: str) -> dict[int, _Standard]:
    """The standards' open-data IDs and targets: the rule's target, else the target cell of the
    standard's record of that fiscal year."""
    from comptoir.inventory.models import ServiceStandard, StandardYear

    year_targets = dict(
        StandardYear.objects.filter(standard_id__in=pks, fiscal_year__code=fiscal_year).values_list(
            "standard_id", "target"
        )
    )
    found = {}
    for standard in ServiceStandard.objects.filter(pk__in=pks).select_related("service"):
        target = None
        if isinstance(standard.rule, dict):
            target = StandardRule.from_dict(standard.rule).target
        if target is None and year_targets.get(standard.pk):
            try:
                target = parse_target(year_targets[standard.pk])
            except ValueError:
                target = None
        found[standard.pk] = _Standard(
            standard.pk, standard.service_standard_id, standard.service.service_id, target
        )
    return found


def _key(
    by: frozenset[Dimension], standard: str, service: str, channel: str, unit: str
) -> GroupKey:
    return GroupKey(
        service if Dimension.SERVICE in by else None,
        standard if Dimension.STANDARD in by else None,
        Channel(channel) if Dimension.CHANNEL in by else None,
        unit if Dimension.UNIT in by else None,
    )


def _outside_counts(
    fiscal_year: Period, service: Service | None
) -> Iterator[tuple[int, int, ExternalCount]]:
    """The outside counts of the year (their period inside it): counted by their own period,
    whatever the attribution."""
    counts = OutsideCount.objects.filter(
        period_start__gte=fiscal_year.first_day, period_end__lte=fiscal_year.last_day
    ).select_related("standard")
    if service is not None:
        counts = counts.filter(standard__service=service)
    for count in counts:
        yield (
            count.standard_id,
            count.standard.service_id,
            ExternalCount(
                str(count.standard_id),
                str(count.standard.service_id),
                OUTSIDE_CHANNEL,
                "",
                Period(PeriodKind.FISCAL_YEAR, count.period_start, count.period_end),
                volume_meeting=count.volume_meeting,
                total=count.total_volume,
            ),
        )


def _service_ids(pks: set[int]) -> dict[int, str]:
    from comptoir.inventory.models import Service

    return dict(Service.objects.filter(pk__in=pks).values_list("pk", "service_id"))


class _Rows:
    """The report's rows as they are found, by (period, group)."""

    def __init__(self, standards: dict[int, _Standard], services: dict[int, str]) -> None:
        self.standards = standards
        self.services = services
        self.rows: dict[tuple[Period, GroupKey], StandardPerformance] = {}

    def add(
        self,
        period: Period,
        key: GroupKey,
        *,
        meeting: int = 0,
        total: int = 0,
        performance: Decimal | None = None,
        target_met: str = TargetMet.NOT_APPLICABLE.value,
        reasons: Counter[str] | None = None,
        overdue: int = 0,
    ) -> None:
        standard = self.standards.get(int(key.standard_id)) if key.standard_id else None
        reasons = reasons or Counter()
        self.rows[(period, key)] = StandardPerformance(
            period=period,
            standard_id=standard.standard_id if standard else "",
            service_id=(
                self.services.get(int(key.service_id), "")
                if key.service_id
                else (standard.service_id if standard else "")
            ),
            channel=key.channel.value if key.channel else "",
            unit_id=int(key.unit) if key.unit else None,
            volume_meeting_target=meeting,
            total_volume=total,
            performance=format_performance(performance),
            target=standard.target if standard else None,
            target_met=target_met,
            excluded=sum(reasons.values()),
            excluded_reasons=dict(sorted(reasons.items())),
            overdue_backlog=overdue,
        )

    def ordered(self) -> list[StandardPerformance]:
        return sorted(
            self.rows.values(),
            key=lambda row: (
                row.period.first_day,
                row.service_id,
                row.standard_id,
                row.channel,
                row.unit_id or 0,
            ),
        )


def _fiscal_year_period(fiscal_year: str) -> Period:
    from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode

    year = Period.parse(fiscal_year)
    if year.kind is not PeriodKind.FISCAL_YEAR:
        raise PerformanceError(PerformanceErrorCode.INVALID_PERIOD, value=fiscal_year)
    return year


def _day_expression(attribution: str | None) -> Any:
    """The local date a fact is counted on: of its output or of its receipt, as asked or as
    each organization chose."""
    if attribution == "receipt":
        return F("received_on")
    if attribution == "output":
        return F("output_on")
    return DbCase(
        When(service__organization__performance_attribution="receipt", then=F("received_on")),
        default=F("output_on"),
    )


#: The first day of the period a date falls in, computed by the database (fiscal quarters are
#: calendar quarters shifted by one: April to June is both the first fiscal and the second
#: calendar quarter, so truncating to the calendar quarter gives the fiscal one's first day).
_TRUNCATE = {
    PeriodKind.QUARTER: TruncQuarter,
    PeriodKind.MONTH: TruncMonth,
    PeriodKind.WEEK: TruncWeek,
}


def _group_fields(dimensions: frozenset[Dimension]) -> list[str]:
    fields = ["standard_id"]
    if Dimension.SERVICE in dimensions:
        fields.append("service_id")
    if Dimension.CHANNEL in dimensions:
        fields.append("channel")
    if Dimension.UNIT in dimensions:
        fields.append("unit_id")
    return fields


def _day_counts(
    year: Period,
    kind: PeriodKind,
    dimensions: frozenset[Dimension],
    service: Service | None,
    attribution: str | None,
) -> Iterator[tuple[int, int | None, str, int | None, date | None, str, str, int]]:
    """The attributed facts of ``year`` counted by the database per standard, the dimensions
    asked, the first day of their period, outcome and exclusion reason: (standard, service,
    channel, unit, day, outcome, reason, number). The core then aggregates these counts as it
    would the facts one by one, with far fewer rows to read."""
    fields = _group_fields(dimensions)
    facts = (
        StandardFact.objects.filter(_scope(service))
        .filter(_attributed(year.label, attribution))
        .exclude(outcome=FactOutcome.PENDING)
        .annotate(day=_day_expression(attribution))
    )
    truncate = _TRUNCATE.get(kind)
    if truncate is not None:
        facts = facts.annotate(period_day=truncate("day", output_field=DateField()))
        grouped = [*fields, "period_day"]
    else:
        facts = facts.annotate(
            # One period: only whether there is a day (an excluded open clock has none).
            has_day=DbCase(When(day__isnull=False, then=Value(1)), default=Value(0))
        )
        grouped = [*fields, "has_day"]
    rows = (
        facts.values(*grouped, "outcome", "exclusion_reason")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for values in rows:
        if truncate is not None:
            day = values["period_day"]
        else:
            day = year.first_day if values["has_day"] else None
        yield (
            values["standard_id"],
            values.get("service_id"),
            values.get("channel") or "",
            values.get("unit_id"),
            day,
            values["outcome"],
            values["exclusion_reason"],
            values["number"],
        )


def performance(
    fiscal_year: str,
    *,
    service: Service | None = None,
    attribution: str | None = None,
    period: str = "fiscal_year",
    by: Sequence[str] = ("standard",),
    as_of: datetime | None = None,
) -> PerformanceReport:
    """The performance of each standard (or other group ``by``) in ``fiscal_year``, per
    ``period`` (``fiscal_year``, ``quarter``, ``month`` or ``week``), with the excluded cases
    and their reasons, and the overdue backlog as of ``as_of`` (default now: open clocks past
    due, of cases received by the year's end). Raises ``core.performance.errors.
    PerformanceError`` for a bad year or period, or for an outside count coarser than the
    period asked."""
    year = _fiscal_year_period(fiscal_year)
    kind = PeriodKind(period)
    dimensions = frozenset(Dimension(d) for d in by)
    moment = as_of or timezone.now()
    counted: list[ExternalCount] = []
    excluded: dict[tuple[Period, GroupKey], Counter[str]] = {}
    standard_pks: set[int] = set()
    service_pks: set[int] = set()
    for standard, service_pk, channel, unit, day, outcome, reason, number in _day_counts(
        year, kind, dimensions, service, attribution
    ):
        standard_pks.add(standard)
        if service_pk is not None:
            service_pks.add(service_pk)
        if day is None:  # an excluded clock still open has no output yet
            continue
        key = _key(dimensions, str(standard), str(service_pk or ""), channel, str(unit or ""))
        if outcome == FactOutcome.EXCLUDED:
            excluded.setdefault((Period.containing(kind, day), key), Counter())[reason] += number
            continue
        counted.append(
            ExternalCount(
                str(standard),
                str(service_pk or ""),
                Channel(channel) if channel else OUTSIDE_CHANNEL,
                str(unit or ""),
                Period(kind, day, day),
                volume_meeting=number if outcome == FactOutcome.MET else 0,
                total=number,
            )
        )
    for standard_pk, service_pk, outside in _outside_counts(year, service):
        standard_pks.add(standard_pk)
        service_pks.add(service_pk)
        counted.append(outside)
    overdue: Counter[GroupKey] = Counter()
    fields = _group_fields(dimensions)
    for values in (
        StandardFact.objects.filter(_scope(service))
        .overdue(as_of=moment)
        .filter(received_on__lte=year.last_day)
        .values(*fields)
        .annotate(number=Count("pk"))
        .order_by()
    ):
        standard_pks.add(values["standard_id"])
        if values.get("service_id") is not None:
            service_pks.add(values["service_id"])
        key = _key(
            dimensions,
            str(values["standard_id"]),
            str(values.get("service_id") or ""),
            values.get("channel") or "",
            str(values.get("unit_id") or ""),
        )
        overdue[key] += values["number"]
    standards = _standards(standard_pks, year.label)
    targets = {str(pk): standard.target for pk, standard in standards.items()}
    rows = _Rows(standards, _service_ids(service_pks))
    for row in aggregate(
        counted, period_kind=kind, tz="UTC", by=tuple(dimensions), targets=targets
    ):
        rows.add(
            row.period,
            row.key,
            meeting=row.volume_meeting,
            total=row.total_volume,
            performance=row.performance,
            target_met=row.target_met.value,
            reasons=excluded.pop((row.period, row.key), None),
            overdue=overdue.get(row.key, 0),
        )
    for (row_period, key), reasons in excluded.items():
        rows.add(row_period, key, reasons=reasons, overdue=overdue.get(key, 0))
    if kind is PeriodKind.FISCAL_YEAR:
        for key, count in overdue.items():
            if (year, key) not in rows.rows:
                rows.add(year, key, overdue=count)
    return PerformanceReport(year.label, kind, attribution, moment, rows.ordered())


def attribution_differences(
    fiscal_year: str, service: Service | None = None
) -> list[AttributionDifference]:
    """Per standard, the volumes of ``fiscal_year`` by output and by receipt side by side, for
    the standards where the two differ (a case received in one year and issued in the next
    falls on either side)."""
    by_output = performance(fiscal_year, service=service, attribution="output")
    by_receipt = performance(fiscal_year, service=service, attribution="receipt")
    volumes: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for index, report in enumerate((by_output, by_receipt)):
        for row in report.rows:
            sides = volumes.setdefault((row.service_id, row.standard_id), [(0, 0), (0, 0)])
            sides[index] = (row.volume_meeting_target, row.total_volume)
    differences = [
        AttributionDifference(standard_id, service_id, sides[0], sides[1])
        for (service_id, standard_id), sides in sorted(volumes.items())
    ]
    return [difference for difference in differences if difference.differs]
