"""Errors of the casework core: a stable code plus parameters, never a sentence.

The Django layer (``comptoir.casework.text.error_message``) turns each code into a translated
sentence; the English text carried by the exception is only for logs and tracebacks.
"""

from __future__ import annotations

import enum


class CaseworkErrorCode(enum.StrEnum):
    """Why an event, an event log or a reference number was refused."""

    #: The first event of a log is not ``received`` (or the log is empty).
    NOT_RECEIVED_FIRST = "not_received_first"
    #: The event cannot happen in the case's current state (params ``kind``, ``status``).
    INVALID_TRANSITION = "invalid_transition"
    #: An instant has no time zone (params ``field``, ``value``).
    NAIVE_DATETIME = "naive_datetime"
    #: An event's kind is not an :class:`~comptoir.core.casework.events.EventKind` (``value``).
    UNKNOWN_KIND = "unknown_kind"
    #: A payload value is missing or wrong for the event's kind (params ``kind``, ``field``).
    INVALID_PAYLOAD = "invalid_payload"
    #: Two events of one log share a sequence number (param ``sequence``).
    DUPLICATE_SEQUENCE = "duplicate_sequence"
    #: A correction names no earlier event of the log, or one that cannot be corrected
    #: (params ``sequence``, ``corrects``).
    INVALID_CORRECTION = "invalid_correction"
    #: A case attribute given to the standards timeline is not valid (params ``field``, ``value``).
    INVALID_CASE = "invalid_case"
    #: A number given to ``make_reference`` is not a positive integer it can encode (``value``).
    INVALID_REFERENCE_NUMBER = "invalid_reference_number"
    #: A reference prefix is not one to three letters A-Z (param ``value``).
    INVALID_PREFIX = "invalid_prefix"


class CaseworkError(ValueError):
    """Bad input to the casework core: ``code`` says what, ``params`` the offending values."""

    def __init__(self, code: CaseworkErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
