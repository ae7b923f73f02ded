"""Performance of service standards: official open-data rules, aggregation, real-time figures.

See ``docs/service-standards.md``.
"""

from comptoir.core.performance.aggregation import (
    Dimension,
    EvaluatedFact,
    ExternalCount,
    GroupKey,
    PerformanceRow,
    aggregate,
    aggregate_batch,
)
from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode
from comptoir.core.performance.official import (
    OfficialPerformance,
    OfficialResult,
    OfficialRuleError,
    TargetMet,
    compute_performance,
    format_performance,
    official_performance,
    official_performance_typed,
    target_met_for,
)
from comptoir.core.performance.periods import Period, PeriodKind, local_days, period_codes
from comptoir.core.performance.realtime import (
    Completion,
    CompletionTime,
    ProjectedTime,
    UpdateCategory,
    completion_time,
    completions_from,
    projected_time,
)

__all__ = [
    "Completion",
    "CompletionTime",
    "Dimension",
    "EvaluatedFact",
    "ExternalCount",
    "GroupKey",
    "OfficialPerformance",
    "OfficialResult",
    "OfficialRuleError",
    "PerformanceError",
    "PerformanceErrorCode",
    "PerformanceRow",
    "Period",
    "PeriodKind",
    "ProjectedTime",
    "TargetMet",
    "UpdateCategory",
    "aggregate",
    "aggregate_batch",
    "completion_time",
    "completions_from",
    "compute_performance",
    "format_performance",
    "local_days",
    "official_performance",
    "official_performance_typed",
    "period_codes",
    "projected_time",
    "target_met_for",
]
