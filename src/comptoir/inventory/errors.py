"""Errors the inventory actions raise: translated, with a stable code, and nothing changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comptoir.core.opendata.validation import RuleCode

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


# --- files that are not the format ----------------------------------------------------------------

#: A file that reaches a bound of ``core.opendata.csvio.ReadLimits``, in words (whole sentences).
OVER_LIMIT_MESSAGES = {
    "too_many_rows": _(
        "%(file)s cannot be imported: it has more than %(limit)s rows (row %(row)s); nothing was "
        "imported."
    ),
    "too_many_cells": _(
        "%(file)s cannot be imported: row %(row)s has more than %(limit)s cells, far more than the "
        "official columns; nothing was imported."
    ),
    "record_too_long": _(
        "%(file)s cannot be imported: the record at row %(row)s is longer than %(limit)s bytes "
        "(a quotation mark that is never closed makes the rest of the file one cell); nothing "
        "was imported."
    ),
    "cell_too_long": _(
        "%(file)s cannot be imported: row %(row)s has a cell longer than %(limit)s characters; "
        "nothing was imported."
    ),
}


class FileOverLimitError(InventoryError):
    """The file goes past a bound on what an import reads (rows, cells, record or cell length)."""

    def __init__(self, filename: str, reason_code: str, row: int | None, limit: int) -> None:
        super().__init__(
            OVER_LIMIT_MESSAGES[reason_code],
            code="file_over_limit",
            params={"file": filename, "row": row or 1, "limit": limit},
        )
        self.reason_code = reason_code
        self.row = row
        self.limit = limit


class FileTooLargeError(InventoryError):
    """The file is larger than ``COMPTOIR_IMPORT_MAX_BYTES``; it was not read."""

    def __init__(self, filename: str, size: int, limit: int) -> None:
        super().__init__(
            _(
                "%(file)s is %(size)s bytes, more than the %(limit)s bytes an import accepts "
                "(setting COMPTOIR_IMPORT_MAX_BYTES); nothing was imported."
            ),
            code="file_too_large",
            params={"file": filename, "size": size, "limit": limit},
        )
        self.size = size
        self.limit = limit


#: The official file of each resource, as the messages name it (whole sentences).
_NOT_THE_FORMAT = {
    "service": _(
        "%(file)s is not an official services file (service.csv): its first row is not the "
        "header of the official format; nothing was imported."
    ),
    "service-std": _(
        "%(file)s is not an official service standards file (service-std.csv): its first row "
        "is not the header of the official format; nothing was imported."
    ),
}

#: Column names longer than this are shortened in messages (a hostile header cell can be long).
_SHOWN_NAME_CHARS = 40
#: How many column names a message lists before it stops.
_SHOWN_NAMES = 8


def short_column_name(name: str) -> str:
    """A header cell as messages show it: shortened to 40 characters and "…" when longer (the
    same name shortened twice is shortened once)."""
    if len(name) > _SHOWN_NAME_CHARS + 1:
        return name[:_SHOWN_NAME_CHARS] + "…"
    return name


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(f"“{short_column_name(name)}”" for name in names[:_SHOWN_NAMES])
    return shown + (", …" if len(names) > _SHOWN_NAMES else "")


class HeaderRefusedError(ImportRejectedError):
    """The file's header row is not the official header of its resource: the file is refused
    whatever the mode (strict or not), before any of its records is read.

    ``violations`` are the header's (missing, unknown, repeated columns, order), for the page's
    table and the command's report; the message says which file and lists the columns.
    """

    def __init__(self, filename: str, resource: str, violations: Sequence[Violation]) -> None:
        def columns(rule: RuleCode) -> list[str]:
            return [v.field for v in violations if v.rule is rule]

        messages = [ValidationError(_NOT_THE_FORMAT[resource], params={"file": filename})]
        missing = columns(RuleCode.HEADER_MISSING_COLUMN)
        if missing:
            messages.append(
                ValidationError(
                    ngettext_lazy(
                        "It lacks %(count)d official column: %(columns)s.",
                        "It lacks %(count)d official columns: %(columns)s.",
                        "count",
                    ),
                    params={"count": len(missing), "columns": _names(missing)},
                )
            )
        unknown = columns(RuleCode.HEADER_UNEXPECTED_COLUMN)
        if unknown:
            messages.append(
                ValidationError(
                    ngettext_lazy(
                        "It has %(count)d column the format does not define: %(columns)s.",
                        "It has %(count)d columns the format does not define: %(columns)s.",
                        "count",
                    ),
                    params={"count": len(unknown), "columns": _names(unknown)},
                )
            )
        repeated = columns(RuleCode.HEADER_DUPLICATE_COLUMN)
        if repeated:
            messages.append(
                ValidationError(
                    _("It repeats the columns %(columns)s."),
                    params={"columns": _names(list(dict.fromkeys(repeated)))},
                )
            )
        if not (missing or unknown or repeated):
            messages.append(
                ValidationError(_("Its columns are not in the official order."), params={})
            )
        ValidationError.__init__(self, messages)
        self.code = "header_refused"
        self.params = {}
        self.violations = list(violations)
        self.filename = filename
        self.resource = resource
