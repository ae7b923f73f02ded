"""Rate limits of the public forms, counted in the Django cache (the database cache of the
settings: every worker process sees the same counts).

A limit is a number of tries per window for one key (an address, a reference, a client's IP);
:func:`hit` counts one try and says whether it is still within the limit. Keys are hashed with
the site's secret before they reach the cache, so the cache table holds no email address or IP.
Windows are fixed (they start at the first try): simple, and enough to make guessing slow.

The limits are settings (tries, seconds), with these defaults:

``COMPTOIR_PORTAL_SUBMIT_LIMIT``          5 submissions per 10 minutes per IP
``COMPTOIR_PORTAL_LOOKUP_LIMIT``          5 look-ups per hour per email address and per reference
``COMPTOIR_PORTAL_LOOKUP_IP_LIMIT``       20 look-ups per hour per IP
``COMPTOIR_PORTAL_STATUS_POST_LIMIT``     20 messages or withdrawals per hour per case
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class Limit:
    tries: int
    seconds: int


DEFAULTS = {
    "submit": Limit(5, 600),
    "lookup": Limit(5, 3600),
    "lookup_ip": Limit(20, 3600),
    "status_post": Limit(20, 3600),
}
_SETTINGS = {
    "submit": "COMPTOIR_PORTAL_SUBMIT_LIMIT",
    "lookup": "COMPTOIR_PORTAL_LOOKUP_LIMIT",
    "lookup_ip": "COMPTOIR_PORTAL_LOOKUP_IP_LIMIT",
    "status_post": "COMPTOIR_PORTAL_STATUS_POST_LIMIT",
}


def limit(name: str) -> Limit:
    configured = getattr(settings, _SETTINGS[name], None)
    if configured is None:
        return DEFAULTS[name]
    tries, seconds = configured
    return Limit(int(tries), int(seconds))


def _cache_key(scope: str, key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{key}".encode(), hashlib.sha256)
    return f"portal-rl:{scope}:{digest.hexdigest()[:40]}"


def hit(scope: str, key: str, *, rule: str | None = None) -> bool:
    """Count one try of ``key`` in ``scope`` (limit ``rule``, default ``scope``); ``True`` while
    the tries are within the limit, ``False`` once they are past it."""
    bound = limit(rule or scope)
    name = _cache_key(scope, key)
    if cache.add(name, 1, timeout=bound.seconds):
        return bound.tries >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls: a new window
        cache.add(name, 1, timeout=bound.seconds)
        count = 1
    return count <= bound.tries


def client_ip(request: HttpRequest) -> str:
    """The address the request came from: the connection's, or, behind
    ``COMPTOIR_TRUSTED_PROXY_COUNT`` proxies, the one they recorded in ``X-Forwarded-For``
    (the same reading as the sign-in's limits, ``ALLAUTH_TRUSTED_PROXY_COUNT``)."""
    proxies = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        if part.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
