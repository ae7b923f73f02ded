"""The language of an API answer: the request's ``Accept-Language`` (English or French, by
preference order), else the site's language. A language cookie does not count: an integration's
answers must not depend on a browser's earlier choice."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from comptoir.i18n import OFFICIAL_LANGUAGES, Language, normalize


def request_language(request: HttpRequest) -> Language:
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in OFFICIAL_LANGUAGES:
            return normalize(base)
    return normalize(settings.LANGUAGE_CODE)


def in_request_language(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run an API view (authentication, validation and errors included) in
    :func:`request_language`."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        language = request_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped
