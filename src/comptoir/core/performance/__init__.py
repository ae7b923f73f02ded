"""Performance of service standards: official open-data rules, aggregation, real-time figures."""

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

__all__ = [
    "OfficialPerformance",
    "OfficialResult",
    "OfficialRuleError",
    "TargetMet",
    "compute_performance",
    "format_performance",
    "official_performance",
    "official_performance_typed",
    "target_met_for",
]
