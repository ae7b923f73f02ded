"""A request id on every request and every log line it writes (issue 16, item 1).

:class:`RequestIdMiddleware` takes the ``X-Request-ID`` a proxy sent when it is a plain token (1
to 64 letters, digits, ``-``, ``_``, ``.``), else makes one (32 hexadecimal digits); keeps it for
the request's duration in a context variable; and returns it in the response's ``X-Request-ID``.
:class:`RequestIdFilter` puts it on every log record as ``request_id`` (``-`` outside a request),
and :class:`JsonFormatter` writes one JSON object a line (``COMPTOIR_LOG_FORMAT=json``) with the
time, level, logger, message, request id and, for an exception, its traceback.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("comptoir_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being answered (``-`` outside one)."""
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _current.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
