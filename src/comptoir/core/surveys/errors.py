"""Errors of the surveys: a stable code, the question it concerns, never a sentence."""

from __future__ import annotations

import enum


class SurveyErrorCode(enum.StrEnum):
    #: A scale question left without an answer.
    REQUIRED = "required"
    #: An answer that is not one of the question's choices (1 to 5, or "not applicable").
    INVALID_CHOICE = "invalid_choice"
    #: A free-text answer longer than the question allows.
    TOO_LONG = "too_long"
    #: An answer to a question the survey does not ask.
    UNKNOWN_QUESTION = "unknown_question"
    #: A sampling rate outside 0 to 1, or a negative quiet period.
    INVALID_RATE = "invalid_rate"
    INVALID_QUIET_DAYS = "invalid_quiet_days"
    #: A count that cannot be (negative, more answers than the population).
    INVALID_COUNT = "invalid_count"


class SurveyError(ValueError):
    """Bad input to the surveys. ``errors`` maps each question code (``""`` for the whole) to
    its error code, so a form can put each message beside its question."""

    def __init__(self, errors: dict[str, SurveyErrorCode], **params: object) -> None:
        self.errors = dict(errors)
        self.params = params
        detail = ", ".join(f"{key or '*'}={code.value}" for key, code in sorted(errors.items()))
        super().__init__(detail)

    @classmethod
    def one(cls, code: SurveyErrorCode, question: str = "", **params: object) -> SurveyError:
        return cls({question: code}, **params)
