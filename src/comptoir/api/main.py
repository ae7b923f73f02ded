"""The one ``NinjaAPI`` of Comptoir, assembled from each app's ``api.py`` router, with the
error handlers that give every failure the same JSON shape (docs/api.md)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import AuthRateThrottle

from comptoir.api.auth import StaffSessionAuth, TokenAuth
from comptoir.api.errors import ApiError, ErrorCode, error_response
from comptoir.api.language import in_request_language
from comptoir.operations import unavailable

logger = logging.getLogger("comptoir.api")

#: Requests a minute allowed to one caller.
RATE = "600/m"

api = NinjaAPI(
    title="Comptoir API",
    version="1",
    description=(
        "Service inventory and clients of Comptoir. Authenticate with "
        "`Authorization: Bearer <token>` (see docs/api.md)."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), StaffSessionAuth()],
    throttle=[AuthRateThrottle(RATE)],
)
api.add_decorator(in_request_language, mode="view")


def _field_name(location: Any) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "params", "filters", "paging"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _pydantic_message(error: Mapping[str, Any]) -> Any:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a value no greater than %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a value no less than %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"string_too_long"}:
        return _("Enter at most %(limit)s characters.") % {"limit": context.get("max_length")}
    if kind in {"enum", "literal_error"}:
        return _("Choose one of the allowed values: %(values)s.") % {
            "values": context.get("expected", "")
        }
    if kind in {"json_invalid", "model_attributes_type", "dict_type"}:
        return _("The body must be a JSON object.")
    return _("This value is not valid.")


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[Any]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    return error_response(ApiError(400, ErrorCode.VALIDATION, fields=fields))


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(ApiError(401, ErrorCode.NOT_AUTHENTICATED))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Our refusals carry a translated (lazy) sentence; a library's plain English one is replaced.
    message = exc.args[0] if exc.args and isinstance(exc.args[0], Promise) else None
    return error_response(ApiError(403, ErrorCode.FORBIDDEN, message=message))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(ApiError(404, ErrorCode.NOT_FOUND))


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """An action's refusal (``ClientError``, ``CaseError``...): 422 with its own sentences."""
    if hasattr(exc, "error_dict"):
        fields = {name: list(messages) for name, messages in exc.message_dict.items()}
        message = " ".join(str(m) for messages in fields.values() for m in messages)
    else:
        fields = {}
        message = " ".join(str(m) for m in exc.messages)
    error = ApiError(422, ErrorCode.REFUSED, message=message or None, fields=fields)
    body_code = getattr(exc, "code", None)
    response = error_response(error)
    if body_code:
        response["X-Comptoir-Refusal"] = str(body_code)
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(ApiError(429, ErrorCode.THROTTLED))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        401: ErrorCode.NOT_AUTHENTICATED,
        403: ErrorCode.FORBIDDEN,
        404: ErrorCode.NOT_FOUND,
        405: ErrorCode.METHOD_NOT_ALLOWED,
        409: ErrorCode.STALE_VERSION,
        429: ErrorCode.THROTTLED,
    }
    code = codes.get(exc.status_code, ErrorCode.VALIDATION)
    return error_response(ApiError(exc.status_code, code))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database does not answer (it restarts): 503 with Retry-After, nothing changed."""
    logger.warning("API: database unavailable on %s %s: %s", request.method, request.path, exc)
    return unavailable.api_response()


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(ApiError(500, ErrorCode.SERVER_ERROR))


def _add_routers() -> None:
    from comptoir.casework.api import router as cases_router
    from comptoir.clients.api import router as clients_router
    from comptoir.inventory.api import router as inventory_router
    from comptoir.measurement.api import router as performance_router

    api.add_router("/services/", inventory_router)
    api.add_router("/clients/", clients_router)
    api.add_router("/cases/", cases_router)
    api.add_router("/performance/", performance_router)


_add_routers()
