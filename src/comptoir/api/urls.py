"""``/api/``: the API's operations, its OpenAPI document (``/api/openapi.json``), its browsable
docs (``/api/docs``, assets served from this site) and a JSON 404 for any other address."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from comptoir.api.errors import ApiError, ErrorCode, error_response
from comptoir.api.language import in_request_language
from comptoir.api.main import api


@in_request_language
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return error_response(ApiError(404, ErrorCode.NOT_FOUND))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found, name="api_not_found"),
]
