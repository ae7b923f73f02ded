"""Surveys: the client satisfaction survey (the Common Measurements Tool's drivers) and the
anonymous staff survey, their answers checked, their figures computed, and who is invited.

Pure: no Django, no clock read (``as_of`` is an argument). Codes only; the words are in
``comptoir.insight.survey_text``.

- :mod:`.questions`: the two question sets and :func:`~.questions.parse_answers`;
- :mod:`.statistics`: count, mean, share answering 4 or 5 and its 95% margin of error with the
  finite population correction, suppression below a minimum count;
- :mod:`.sampling`: the deterministic draw of the cases whose clients are invited.
"""

from comptoir.core.surveys.errors import SurveyError, SurveyErrorCode
from comptoir.core.surveys.questions import (
    CLIENT_QUESTIONS,
    NOT_APPLICABLE,
    SCALE,
    STAFF_QUESTIONS,
    Answer,
    Question,
    QuestionKind,
    Scale,
    SurveyKind,
    parse_answers,
    questions_of,
)
from comptoir.core.surveys.sampling import Decision, decide, is_sampled
from comptoir.core.surveys.statistics import (
    DEFAULT_MINIMUM,
    QuestionSummary,
    margin_of_error,
    response_rate,
    summarize,
    summarize_counts,
)

__all__ = [
    "CLIENT_QUESTIONS",
    "DEFAULT_MINIMUM",
    "NOT_APPLICABLE",
    "SCALE",
    "STAFF_QUESTIONS",
    "Answer",
    "Decision",
    "Question",
    "QuestionKind",
    "QuestionSummary",
    "Scale",
    "SurveyError",
    "SurveyErrorCode",
    "SurveyKind",
    "decide",
    "is_sampled",
    "margin_of_error",
    "parse_answers",
    "questions_of",
    "response_rate",
    "summarize",
    "summarize_counts",
]
