"""The public real-time performance of a service: a page and its JSON and CSV feeds.

No sign-in (``accounts.middleware.PUBLIC_URL_NAMES``); each view reads the stored results through
``realtime_pages.realtime_service_page`` (a 404 for an unknown service) and renders them. Nothing
is computed for a visitor, so the answers may be cached by anyone for ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from comptoir.measurement import realtime_pages

#: How long a browser or a proxy may keep an answer (a setting may say otherwise): the stored
#: results change at most at each sweep of the worker.
MAX_AGE_SECONDS = 300


def _public(response: HttpResponse) -> HttpResponse:
    max_age = int(getattr(settings, "COMPTOIR_REALTIME_MAX_AGE", MAX_AGE_SECONDS))
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def realtime_service(request: HttpRequest, pk: int) -> HttpResponse:
    """The page: each standard's sentences, target, this year's performance and as-of time."""
    page = realtime_pages.realtime_service_page(pk)
    return _public(render(request, "measurement/realtime_service.html", {"page": page}))


@require_safe
def realtime_service_json(request: HttpRequest, pk: int) -> HttpResponse:
    page = realtime_pages.realtime_service_page(pk)
    body = json.dumps(realtime_pages.feed_json(page), ensure_ascii=False, indent=2)
    return _public(HttpResponse(body, content_type="application/json; charset=utf-8"))


@require_safe
def realtime_service_csv(request: HttpRequest, pk: int) -> HttpResponse:
    page = realtime_pages.realtime_service_page(pk)
    response = HttpResponse(realtime_pages.feed_csv(page), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="performance-{page.service_pk}.csv"'
    return _public(response)
