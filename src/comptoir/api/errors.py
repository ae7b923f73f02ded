"""The API's one error shape, ``{"error": {"code", "message", "fields"}}``, and its codes.

Codes are stable (integrations branch on them); messages are whole translated sentences in the
language of the request's ``Accept-Language`` (see :mod:`comptoir.api.language`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _


class ErrorCode(enum.StrEnum):
    VALIDATION = "validation"
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    READ_ONLY_TOKEN = "read_only_token"  # noqa: S105 - an error code
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    STALE_VERSION = "stale_version"
    VERSION_REQUIRED = "version_required"
    REFUSED = "refused"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    IDEMPOTENCY_KEY_TOO_LONG = "idempotency_key_too_long"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    CLIENT_PROPOSED = "client_proposed"


MESSAGES: Mapping[ErrorCode, Any] = {
    ErrorCode.VALIDATION: _("The request is not valid: see the fields for what to correct."),
    ErrorCode.NOT_AUTHENTICATED: _(
        "Send a valid API token in an Authorization header, or sign in."
    ),
    ErrorCode.FORBIDDEN: _("You may not do this."),
    ErrorCode.READ_ONLY_TOKEN: _(
        "This token may only read. Use a token with the read and write scope to change data."
    ),
    ErrorCode.NOT_FOUND: _("There is nothing at this address, or you may not see it."),
    ErrorCode.METHOD_NOT_ALLOWED: _("This address does not accept this method."),
    ErrorCode.STALE_VERSION: _(
        "The record was changed since you read it. Read it again, then send your change "
        "with its new version."
    ),
    ErrorCode.VERSION_REQUIRED: _(
        "Send the version of the record you read, in an If-Match header or a version field."
    ),
    ErrorCode.REFUSED: _("The request was refused: see the fields for the reasons."),
    ErrorCode.IDEMPOTENCY_MISMATCH: _(
        "This idempotency key was already used for a different request. Send a new key "
        "for a new request."
    ),
    ErrorCode.IDEMPOTENCY_KEY_TOO_LONG: _(
        "The idempotency key is too long: use at most 200 characters."
    ),
    ErrorCode.THROTTLED: _("Too many requests. Wait a moment, then try again."),
    ErrorCode.CLIENT_PROPOSED: _(
        "Existing clients are close to the new client sent (see proposals): send the case "
        "again with one of them as its client, or with create_anyway to record a new client."
    ),
    ErrorCode.SERVER_ERROR: _(
        "Something went wrong on our side. The problem was recorded; try again later."
    ),
    ErrorCode.SERVICE_UNAVAILABLE: _(
        "The database does not answer for a moment; nothing was changed. Send the request "
        "again after the seconds in Retry-After (with the same idempotency key)."
    ),
}


class ApiError(Exception):
    """An answer in the error shape: ``status``, a stable ``code``, and optionally a message
    other than the code's and ``fields`` (field name → list of messages)."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        *,
        message: Any = None,
        fields: Mapping[str, Sequence[Any]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message if message is not None else MESSAGES[code]
        self.fields = dict(fields or {})
        #: More of the answer beside ``error`` (the proposals of a ``client_proposed``).
        self.extra = dict(extra or {})


def error_body(
    code: str, message: Any, fields: Mapping[str, Sequence[Any]] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": str(code),
            "message": str(message),
            "fields": {
                name: [str(m) for m in messages] for name, messages in (fields or {}).items()
            },
        }
    }


def error_response(error: ApiError) -> JsonResponse:
    body = error_body(error.code, error.message, error.fields)
    body.update(error.extra)
    return JsonResponse(body, status=error.status)
