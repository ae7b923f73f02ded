"""Who calls the API: an integration with a bearer token, or a signed-in staff member.

A token is looked up by its SHA-256 hash; a revoked token, or one whose user is inactive, is
refused (401); a read-only token is refused any method but GET, HEAD and OPTIONS (403). A token
stands for the second factor: the multi-factor middleware only asks signed-in *sessions* for
TOTP, and a token call carries no session. Session calls go through ninja's session check,
which asks for the CSRF token on unsafe methods.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from comptoir.api.actions import note_token_use, token_hash
from comptoir.api.errors import ApiError, ErrorCode
from comptoir.api.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(token_hash=token_hash(token.strip()))
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        if request.method not in SAFE_METHODS and not found.may_write:
            raise ApiError(403, ErrorCode.READ_ONLY_TOKEN)
        note_token_use(found, at=timezone.now())
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class StaffSessionAuth(SessionAuth):
    """A signed-in, active staff member's session (CSRF checked on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


def caller(request: HttpRequest) -> Any:
    """The user the request acts for."""
    return request.auth  # type: ignore[attr-defined]
