"""Errors the client actions raise: translated, with a stable code, and nothing changed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class ClientError(ValidationError):
    """A refused client action. ``code`` is stable; the messages are translated lazily.

    ``message`` is one message or, for a form, a dict of field → messages (as ``full_clean``
    gives them), so that a page can show each problem next to its field.
    """

    def __init__(self, message: Any, code: str, params: dict[str, Any] | None = None) -> None:
        if isinstance(message, dict | list):
            super().__init__(message)
            self.code = code
        else:
            super().__init__(message, code=code, params=params or {})

    @classmethod
    def from_validation(cls, error: ValidationError) -> ClientError:
        """A refusal made of ``full_clean``'s errors; its code is the first error's."""
        if hasattr(error, "error_dict"):
            codes = [e.code for errors in error.error_dict.values() for e in errors]
        else:
            codes = [e.code for e in error.error_list]
        code = next((c for c in codes if c), "invalid")
        if hasattr(error, "error_dict"):
            return cls(error.error_dict, code=code)
        return cls(error.error_list, code=code)

    @property
    def codes(self) -> set[str]:
        """The codes of every problem (``code`` is the first one's)."""
        found = {self.code} if self.code else set()
        if hasattr(self, "error_dict"):
            found |= {e.code for errors in self.error_dict.values() for e in errors if e.code}
        elif hasattr(self, "error_list"):
            found |= {e.code for e in self.error_list if e.code}
        return found

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)
