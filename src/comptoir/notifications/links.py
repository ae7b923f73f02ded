"""Absolute links to the client's pages, in the client's language.

The portal defines ``portal_status`` (with the private ``token``) and ``portal_lookup`` under
``i18n_patterns``; until it is installed the names do not resolve and the links are left out of
the message (a line whose placeholders are all empty is dropped), rather than failing the send.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from comptoir import i18n


def _absolute(name: str, language: str, **kwargs: str) -> str:
    try:
        with i18n.rendered_in(language):
            path = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
    return f"{settings.COMPTOIR_SITE_URL}{path}"


def status_url(token: str, language: str) -> str:
    """The private status page of the case whose token is ``token`` (``""`` without a portal)."""
    return _absolute("portal_status", language, token=token) if token else ""


def lookup_url(language: str) -> str:
    """The page where a client finds their case by reference number and email address."""
    return _absolute("portal_lookup", language)
