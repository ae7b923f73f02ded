"""Service standard rules and the evaluation of case timelines against them.

    from comptoir.core.standards import StandardRule, CaseTimeline, CaseEvent, evaluate

    rule = StandardRule.from_dict(stored_json)
    evaluation = evaluate(rule, timeline, as_of=as_of, calendars=resolver)

See ``docs/service-standards.md``.
"""

from comptoir.core.standards.batch import (
    OUTCOME_CODES,
    OUTCOMES,
    BatchEvaluation,
    CaseColumns,
    evaluate_batch,
)
from comptoir.core.standards.errors import StandardError, StandardErrorCode
from comptoir.core.standards.evaluation import (
    ClockFacts,
    Evaluation,
    NotApplicableReason,
    Outcome,
    UnitSegment,
    calendar_for,
    clock_facts,
    evaluate,
    unit_segments,
)
from comptoir.core.standards.model import (
    CHANNELS,
    Applicability,
    CalendarChoice,
    CalendarRef,
    CalendarResolver,
    CalendarScope,
    CalendarTable,
    CaseEvent,
    CaseTimeline,
    Channel,
    Exclusion,
    ExclusionEffect,
    StandardRule,
    StandardType,
    parse_channel,
)

__all__ = [
    "CHANNELS",
    "OUTCOMES",
    "OUTCOME_CODES",
    "Applicability",
    "BatchEvaluation",
    "CalendarChoice",
    "CalendarRef",
    "CalendarResolver",
    "CalendarScope",
    "CalendarTable",
    "CaseColumns",
    "CaseEvent",
    "CaseTimeline",
    "Channel",
    "ClockFacts",
    "Evaluation",
    "Exclusion",
    "ExclusionEffect",
    "NotApplicableReason",
    "Outcome",
    "StandardError",
    "StandardErrorCode",
    "StandardRule",
    "StandardType",
    "UnitSegment",
    "calendar_for",
    "clock_facts",
    "evaluate",
    "evaluate_batch",
    "parse_channel",
    "unit_segments",
]
