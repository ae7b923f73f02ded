"""Errors the casework actions raise: translated, with a stable code, and nothing changed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from comptoir.core.casework import CaseworkError


class CaseError(ValidationError):
    """A refused casework action. ``code`` is stable; the message is translated lazily."""

    def __init__(self, message: Any, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, params=params or {})

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)

    @classmethod
    def from_core(cls, error: CaseworkError) -> CaseError:
        """The core's refusal in the reader's words (``casework.text.error_message``)."""
        from comptoir.casework.text import error_message

        return cls(error_message(error), code=error.code.value)
