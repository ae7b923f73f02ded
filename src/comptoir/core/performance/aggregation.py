"""Aggregation of evaluated facts into performance per period and group, with the official rules.

A fact is either one case's evaluation (:class:`EvaluatedFact`: the output was issued at
``completed_at`` and met the standard or not) or a count from outside (:class:`ExternalCount`:
telephony's "calls answered within 60 seconds" out of "calls offered" for a period). Both aggregate
the same way: per period (fiscal year, quarter, month or ISO week of the completion's local date in
the reporting time zone ``tz``) and per group (any of service, standard, channel, unit), the volume
meeting the standard and the total volume; performance and ``target_met`` follow
:mod:`comptoir.core.performance.official` exactly.

Only completed outputs count, as in the open data ("final outputs issued during the period"): a case
still open, even past its due instant, is not in any period's volumes yet, and excluded cases are
never counted. An external count goes to the period that contains its whole period; a count that
straddles two of the requested periods (a monthly count asked per ISO week) is refused rather than
split.

The target of a row is the target of its standard when the row holds exactly one standard (always,
when grouping by standard); a row mixing standards has no target and ``target_met`` ``NA``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode
from comptoir.core.performance.official import (
    OfficialResult,
    TargetMet,
    compute_performance,
    format_performance,
    target_met_for,
)
from comptoir.core.performance.periods import Period, PeriodKind, local_days, period_codes
from comptoir.core.standards.batch import OUTCOME_CODES, BatchEvaluation, CaseColumns
from comptoir.core.standards.evaluation import Evaluation, Outcome
from comptoir.core.standards.model import CHANNELS, CaseTimeline, Channel

__all__ = [
    "Dimension",
    "EvaluatedFact",
    "ExternalCount",
    "GroupKey",
    "PerformanceRow",
    "aggregate",
    "aggregate_batch",
]


class Dimension(enum.StrEnum):
    SERVICE = "service"
    STANDARD = "standard"
    CHANNEL = "channel"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class EvaluatedFact:
    """One issued output measured against one standard."""

    standard_id: str
    service_id: str
    channel: Channel
    unit: str
    completed_at: datetime
    is_met: bool

    def __post_init__(self) -> None:
        if self.completed_at.tzinfo is None or self.completed_at.utcoffset() is None:
            raise PerformanceError(
                PerformanceErrorCode.NAIVE_DATETIME, value=str(self.completed_at)
            )

    @classmethod
    def from_evaluation(
        cls, evaluation: Evaluation, timeline: CaseTimeline
    ) -> EvaluatedFact | None:
        """The fact an evaluation gives, or ``None`` when it counts in no volume."""
        if evaluation.stopped_at is None or evaluation.outcome not in (
            Outcome.MET,
            Outcome.MISSED,
        ):
            return None
        return cls(
            evaluation.standard_id,
            timeline.service_id,
            timeline.channel,
            timeline.unit,
            evaluation.stopped_at,
            is_met=evaluation.outcome is Outcome.MET,
        )


@dataclass(frozen=True, slots=True)
class ExternalCount:
    """Volumes counted outside Comptoir (e.g. by the telephony system) for one period."""

    standard_id: str
    service_id: str
    channel: Channel
    unit: str
    period: Period
    volume_meeting: int
    total: int

    def __post_init__(self) -> None:
        for value in (self.volume_meeting, self.total):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PerformanceError(PerformanceErrorCode.INVALID_COUNT, value=value)
        if self.volume_meeting > self.total:
            raise PerformanceError(
                PerformanceErrorCode.INVALID_COUNT,
                volume_meeting=self.volume_meeting,
                total=self.total,
            )


@dataclass(frozen=True, slots=True)
class GroupKey:
    """The values of the grouping dimensions (``None`` for a dimension not grouped by)."""

    service_id: str | None = None
    standard_id: str | None = None
    channel: Channel | None = None
    unit: str | None = None

    def sort_key(self) -> tuple[str, str, str, str]:
        return (
            self.service_id or "",
            self.standard_id or "",
            self.channel.value if self.channel else "",
            self.unit or "",
        )


@dataclass(frozen=True, slots=True)
class PerformanceRow:
    period: Period
    key: GroupKey
    volume_meeting: int
    total_volume: int
    performance: Decimal | None
    target: Decimal | None
    target_met: TargetMet

    def cells(self) -> OfficialResult:
        """``performance`` and ``target_met`` as open-data cells."""
        return OfficialResult(format_performance(self.performance), self.target_met.value)


def _key(
    by: frozenset[Dimension], standard_id: str, service_id: str, channel: Channel, unit: str
) -> GroupKey:
    return GroupKey(
        service_id if Dimension.SERVICE in by else None,
        standard_id if Dimension.STANDARD in by else None,
        channel if Dimension.CHANNEL in by else None,
        unit if Dimension.UNIT in by else None,
    )


def _row(
    period: Period,
    key: GroupKey,
    meeting: int,
    total: int,
    standards: set[str],
    targets: Mapping[str, Decimal | None],
) -> PerformanceRow:
    target = targets.get(next(iter(standards))) if len(standards) == 1 else None
    performance = compute_performance(meeting, total)
    return PerformanceRow(
        period, key, meeting, total, performance, target, target_met_for(target, performance)
    )


def _sorted(rows: Iterable[PerformanceRow]) -> list[PerformanceRow]:
    return sorted(rows, key=lambda row: (row.period.first_day, row.key.sort_key()))


def aggregate(
    facts: Iterable[EvaluatedFact | ExternalCount],
    *,
    period_kind: PeriodKind,
    tz: str,
    by: Sequence[Dimension] = (Dimension.STANDARD,),
    targets: Mapping[str, Decimal | None] | None = None,
) -> list[PerformanceRow]:
    """Volumes and official performance per period and group, sorted by period then group."""
    zone = ZoneInfo(tz)
    dimensions = frozenset(Dimension(d) for d in by)
    totals: dict[tuple[Period, GroupKey], list[int]] = {}
    standards: dict[tuple[Period, GroupKey], set[str]] = {}
    for fact in facts:
        if isinstance(fact, ExternalCount):
            period = Period.containing(period_kind, fact.period.first_day)
            if not period.contains(fact.period):
                raise PerformanceError(
                    PerformanceErrorCode.PERIOD_TOO_COARSE,
                    count_period=fact.period.label,
                    period_kind=period_kind.value,
                )
            meeting, total = fact.volume_meeting, fact.total
        else:
            period = Period.containing(period_kind, fact.completed_at.astimezone(zone).date())
            meeting, total = int(fact.is_met), 1
        key = (
            period,
            _key(dimensions, fact.standard_id, fact.service_id, fact.channel, fact.unit),
        )
        sums = totals.setdefault(key, [0, 0])
        sums[0] += meeting
        sums[1] += total
        standards.setdefault(key, set()).add(fact.standard_id)
    found = targets or {}
    return _sorted(
        _row(period, key, sums[0], sums[1], standards[(period, key)], found)
        for (period, key), sums in totals.items()
    )


#: Above this many (period x group) cells, grouping sorts instead of counting into a dense table.
_DENSE_LIMIT = 1 << 24


def aggregate_batch(
    standard_id: str,
    columns: CaseColumns,
    evaluation: BatchEvaluation,
    *,
    period_kind: PeriodKind,
    tz: str,
    by: Sequence[Dimension] = (Dimension.STANDARD,),
    target: Decimal | None = None,
) -> list[PerformanceRow]:
    """:func:`aggregate` for one standard's batch evaluation; gives the same rows."""
    size = columns.start.shape[0]
    if evaluation.outcome.shape != (size,):
        raise PerformanceError(PerformanceErrorCode.INVALID_COLUMNS, field="outcome")
    outcome = evaluation.outcome
    completed = ~np.isnat(columns.stop) & (
        (outcome == OUTCOME_CODES[Outcome.MET]) | (outcome == OUTCOME_CODES[Outcome.MISSED])
    )
    rows_index = np.flatnonzero(completed)
    if rows_index.size == 0:
        return []
    days = local_days(columns.stop[rows_index], tz)
    codes = period_codes(period_kind, days)
    first_code = int(codes.min())
    dimensions = frozenset(Dimension(d) for d in by)
    parts: list[tuple[npt.NDArray[np.int64], int]] = [
        (codes - first_code, int(codes.max()) - first_code + 1)
    ]
    if Dimension.SERVICE in dimensions:
        parts.append((columns.service[rows_index].astype(np.int64), len(columns.service_ids)))
    if Dimension.CHANNEL in dimensions:
        parts.append((columns.channel[rows_index].astype(np.int64), len(CHANNELS)))
    if Dimension.UNIT in dimensions:
        parts.append((columns.unit[rows_index].astype(np.int64), len(columns.units)))
    combined = np.zeros(rows_index.size, dtype=np.int64)
    cells = 1
    for column, width in parts:
        combined = combined * width + column
        cells *= width
    met = (outcome[rows_index] == OUTCOME_CODES[Outcome.MET]).astype(np.int64)
    if cells <= max(_DENSE_LIMIT, 2 * rows_index.size):
        total_counts = np.bincount(combined, minlength=cells)
        met_counts = np.bincount(combined, weights=met, minlength=cells)
        present = np.flatnonzero(total_counts)
        groups, totals, meeting = present, total_counts[present], met_counts[present]
    else:
        groups, inverse = np.unique(combined, return_inverse=True)
        totals = np.bincount(inverse)
        meeting = np.bincount(inverse, weights=met)
    targets = {standard_id: target}
    periods: dict[int, Period] = {}
    rows = []
    for group, total, meets in zip(groups.tolist(), totals.tolist(), meeting.tolist(), strict=True):
        values: list[int] = []
        for _, width in reversed(parts):
            group, value = divmod(group, width)
            values.append(value)
        values.reverse()
        code = values[0] + first_code
        period = periods.get(code) or periods.setdefault(code, Period.from_code(period_kind, code))
        position = 1
        service_id = channel = unit = None
        if Dimension.SERVICE in dimensions:
            service_id = columns.service_ids[values[position]]
            position += 1
        if Dimension.CHANNEL in dimensions:
            channel = CHANNELS[values[position]]
            position += 1
        if Dimension.UNIT in dimensions:
            unit = columns.units[values[position]]
        key = GroupKey(
            service_id,
            standard_id if Dimension.STANDARD in dimensions else None,
            channel,
            unit,
        )
        rows.append(_row(period, key, int(meets), int(total), {standard_id}, targets))
    return _sorted(rows)
