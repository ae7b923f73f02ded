"""Privacy: the retention periods of personal information and when a record is past its own.

Pure: no Django, no clock read (``today`` is an argument). Codes only; the words are in
``comptoir.privacy.text``.

A retention period counts whole years from a record's *last administrative use* (the *Privacy
Regulations*, s. 4: personal information used for an administrative purpose is kept at least two
years after its last use, so no period can be shorter). What counts as the last use depends on
the kind of record (:class:`RecordKind`); the Django side finds it, this module only says whether
a day is past the period.
"""

from comptoir.core.privacy.retention import (
    MAX_YEARS,
    MIN_YEARS,
    RecordKind,
    RetentionError,
    RetentionErrorCode,
    cutoff,
    is_due,
    kept_until,
    parse_kind,
    parse_years,
)

__all__ = [
    "MAX_YEARS",
    "MIN_YEARS",
    "RecordKind",
    "RetentionError",
    "RetentionErrorCode",
    "cutoff",
    "is_due",
    "kept_until",
    "parse_kind",
    "parse_years",
]
