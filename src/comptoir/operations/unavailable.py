"""A database that does not answer is a 503 with ``Retry-After``, not a 500 (issue 16, item 2).

While PostgreSQL restarts (or a connection it closed is used), Django raises ``OperationalError``
or ``InterfaceError``. Nothing was changed: the request's transaction, if any, never committed.
The site then answers what a load balancer and a client understand: ``503 Service Unavailable``
with ``Retry-After`` (seconds), a translated page, or under ``/api/`` the API's error shape with
the code ``service_unavailable``. Django closes such a connection at the end of the request, so
the next request opens a new one: recovery needs no operator.

:func:`server_error` is the site's ``handler500`` (any exception not answered by a view, also in
a middleware); the API's own handler (``comptoir.api.main``) uses :func:`api_response`.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

#: Seconds a client should wait before trying again (as ``/readyz`` says).
RETRY_AFTER = 5
#: The exceptions that mean "the database does not answer now".
UNAVAILABLE = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE)


def _finish(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def api_response() -> JsonResponse:
    """The API's answer: ``{"error": {"code": "service_unavailable", ...}}``, 503."""
    from comptoir.api.errors import ApiError, ErrorCode, error_response

    response = error_response(ApiError(503, ErrorCode.SERVICE_UNAVAILABLE))
    _finish(response)
    return response


def page_response() -> HttpResponse:
    """A page's answer: ``503.html`` (no database needed to render it), 503."""
    body = loader.get_template("503.html").render()
    return _finish(HttpResponse(body, status=503))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 when the database did not answer, else Django's own 500 page."""
    if is_database_unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            return api_response()
        return page_response()
    return defaults.server_error(request)
