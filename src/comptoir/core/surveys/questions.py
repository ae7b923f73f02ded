"""The question sets, by code.

The client survey follows the drivers of satisfaction of the Common Measurements Tool
(timeliness, ease of access, knowledge and competence, fairness, courtesy, going the extra mile,
outcome) and ends with overall satisfaction; each driver may be answered "not applicable", overall
satisfaction may not. The staff survey follows the one the Trade Commissioner Service ran beside
its client survey: workload, communication, training and tools, overall satisfaction, how staff
see the clients' needs being met, and suggestions (free text).

Every scale runs from 1 to 5 (5 the most favourable). A scale question must be answered; a text
question may be left empty.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from comptoir.core.surveys.errors import SurveyError, SurveyErrorCode

#: The points of every scale.
SCALE = (1, 2, 3, 4, 5)
#: The answer of a question that did not apply (kept, never counted in a figure).
NOT_APPLICABLE = "na"
#: The longest free-text answer.
MAX_TEXT = 4_000


class SurveyKind(enum.StrEnum):
    CLIENT = "client"
    STAFF = "staff"


class QuestionKind(enum.StrEnum):
    SCALE = "scale"
    TEXT = "text"


class Scale(enum.StrEnum):
    """Which words the five points carry (the text module gives them)."""

    AGREEMENT = "agreement"  # strongly disagree … strongly agree
    SATISFACTION = "satisfaction"  # very dissatisfied … very satisfied


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    kind: QuestionKind = QuestionKind.SCALE
    scale: Scale = Scale.AGREEMENT
    allows_not_applicable: bool = False


CLIENT_QUESTIONS: tuple[Question, ...] = (
    Question("timeliness", allows_not_applicable=True),
    Question("ease_of_access", allows_not_applicable=True),
    Question("knowledge", allows_not_applicable=True),
    Question("fairness", allows_not_applicable=True),
    Question("courtesy", allows_not_applicable=True),
    Question("extra_mile", allows_not_applicable=True),
    Question("outcome", allows_not_applicable=True),
    Question("overall", scale=Scale.SATISFACTION),
)

STAFF_QUESTIONS: tuple[Question, ...] = (
    Question("workload"),
    Question("communication"),
    Question("training_tools"),
    Question("overall", scale=Scale.SATISFACTION),
    Question("clients_needs"),
    Question("suggestions", kind=QuestionKind.TEXT),
)


def questions_of(kind: SurveyKind) -> tuple[Question, ...]:
    return CLIENT_QUESTIONS if kind is SurveyKind.CLIENT else STAFF_QUESTIONS


#: One stored answer: a point of the scale, ``"na"``, or a text.
Answer = int | str


def _scale_answer(question: Question, raw: str) -> Answer:
    text = raw.strip()
    if not text:
        raise SurveyError.one(SurveyErrorCode.REQUIRED, question.code)
    if text == NOT_APPLICABLE and question.allows_not_applicable:
        return NOT_APPLICABLE
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses or reads.
    if text.isascii() and text.isdigit() and int(text) in SCALE:
        return int(text)
    raise SurveyError.one(SurveyErrorCode.INVALID_CHOICE, question.code)


def parse_answers(kind: SurveyKind, raw: Mapping[str, str]) -> dict[str, Answer]:
    """The answers of a filled survey, checked: each scale question ``1``–``5`` (or ``na``
    where allowed), each text at most :data:`MAX_TEXT` characters (stripped; empty ones are
    left out). Raises :class:`SurveyError` naming every question in error; keys that are not
    questions of the survey are refused too."""
    questions = questions_of(kind)
    known = {question.code for question in questions}
    errors: dict[str, SurveyErrorCode] = {
        key: SurveyErrorCode.UNKNOWN_QUESTION for key in raw if key not in known
    }
    answers: dict[str, Answer] = {}
    for question in questions:
        value = raw.get(question.code, "")
        if question.kind is QuestionKind.TEXT:
            text = value.strip()
            if len(text) > MAX_TEXT:
                errors[question.code] = SurveyErrorCode.TOO_LONG
            elif text:
                answers[question.code] = text
            continue
        try:
            answers[question.code] = _scale_answer(question, value)
        except SurveyError as error:
            errors.update(error.errors)
    if errors:
        raise SurveyError(errors)
    return answers
