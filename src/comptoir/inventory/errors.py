"""Errors the inventory actions raise: translated, with a stable code, and nothing changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

if TYPE_CHECKING:
    from comptoir.core.opendata.validation import Violation


class InventoryError(ValidationError):
    """A refused inventory action. ``code`` is stable; the message is translated lazily."""

    def __init__(self, message: Any, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, params=params or {})

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)


class FiscalYearApprovedError(InventoryError):
    def __init__(self, organization: str, fiscal_year: str) -> None:
        super().__init__(
            _(
                "Fiscal year %(fiscal_year)s of %(organization)s is approved: its records can no "
                "longer be changed."
            ),
            code="fiscal_year_approved",
            params={"fiscal_year": fiscal_year, "organization": organization},
        )
        self.organization = organization
        self.fiscal_year = fiscal_year


#: Why a file cannot be read, by the code ``core.opendata.csvio`` gives, in words.
UNREADABLE_REASONS = {
    "empty_file": _("the file is empty"),
    "not_utf8": _("the file is not encoded in UTF-8"),
    "malformed_csv": _("the file is not valid CSV"),
}


class UnreadableFileError(InventoryError):
    """The file is not an open-data CSV file (encoding, CSV syntax, empty)."""

    def __init__(self, filename: str, reason_code: str, row: int | None) -> None:
        super().__init__(
            _("%(file)s cannot be read (%(reason)s, row %(row)s); nothing was imported."),
            code="unreadable_file",
            params={
                "file": filename,
                "reason": UNREADABLE_REASONS.get(reason_code, reason_code),
                "row": row or 1,
            },
        )
        self.reason_code = reason_code
        self.row = row


class ImportRejectedError(InventoryError):
    """A strict import met violations: the whole import is refused and nothing is changed."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__(
            ngettext_lazy(
                "The import was rejected: %(count)d violation of the data dictionary; "
                "nothing was changed.",
                "The import was rejected: %(count)d violations of the data dictionary; "
                "nothing was changed.",
                "count",
            ),
            code="import_rejected",
            params={"count": len(violations)},
        )
        self.violations = list(violations)


class RecordRefusedError(InventoryError):
    """An edit with ERROR-severity violations: nothing was changed; ``violations`` say why."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__(
            ngettext_lazy(
                "The record was not saved: %(count)d error to correct.",
                "The record was not saved: %(count)d errors to correct.",
                "count",
            ),
            code="record_refused",
            params={"count": len(violations)},
        )
        self.violations = list(violations)
