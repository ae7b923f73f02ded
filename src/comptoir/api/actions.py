"""Writes of the API app: create and revoke tokens, note their use, remember idempotent
creations (docs/api.md)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from comptoir.api.errors import ApiError, ErrorCode
from comptoir.api.models import ApiToken, IdempotencyKey, TokenScope

if TYPE_CHECKING:
    from datetime import datetime

    from comptoir.accounts.models import User

#: What every raw token starts with (so that a leaked one is recognizable by secret scanners).
TOKEN_MARK = "cpt_"  # noqa: S105 - a marker, not a secret
#: Characters of the raw token kept in clear as its identifying prefix (after the mark).
PREFIX_LENGTH = 8
#: ``last_used_at`` is written at most this often per token.
LAST_USED_EVERY = timedelta(minutes=1)
#: The longest idempotency key accepted.
MAX_IDEMPOTENCY_KEY_LENGTH = 200


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(
    user: User, *, scope: str, name: str = "", actor: User | None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its raw value, which is shown once and never stored."""
    scope = TokenScope(scope)
    while True:
        secret = secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_MARK}{secret}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        scope=scope,
        token_hash=token_hash(raw),
        prefix=prefix,
        created_at=timezone.now(),
        created_by=actor,
    )
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    """Revoke ``token`` (a revoked token stays, and stays revoked: revoking again changes
    nothing)."""
    record = ApiToken.objects.select_for_update().get(pk=token.pk)
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.revoked_by = actor
        record.save(update_fields=["revoked_at", "revoked_by"])
    return record


def note_token_use(token: ApiToken, *, at: datetime) -> None:
    """Write ``last_used_at`` unless it was written less than :data:`LAST_USED_EVERY` ago."""
    if token.last_used_at is not None and at - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=at - LAST_USED_EVERY)
    ).update(last_used_at=at)


def request_digest(method: str, path: str, body: bytes) -> str:
    """The hash of a request: method, path and body (JSON compared by value, not spacing)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
        content = canonical.encode()
    except ValueError:
        content = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + content).hexdigest()


def _stored(user: User, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def _replay(stored: IdempotencyKey, digest: str) -> tuple[int, Any]:
    if stored.request_hash != digest:
        raise ApiError(422, ErrorCode.IDEMPOTENCY_MISMATCH)
    return stored.response_status, stored.response_body


def run_idempotent(
    *,
    user: User,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
    create: Callable[[], tuple[int, Any]],
    stored_as: Callable[[Any], Any] | None = None,
) -> tuple[int, Any]:
    """Run a creation once per ``(user, key)``: ``create`` returns the status and the JSON body
    of its response, stored with the key in the same transaction. A retry with the same key and
    the same request gets the stored response and creates nothing; the same key with another
    request is refused (422). Two simultaneous retries: the unique constraint lets one key row
    in, the other transaction (with what it created) is rolled back and answers with the stored
    response. Without a key, ``create`` simply runs. ``stored_as`` gives the body to keep when
    the first answer holds a secret that must not be stored (a case's status token)."""
    if not key:
        return create()
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ApiError(400, ErrorCode.IDEMPOTENCY_KEY_TOO_LONG)
    digest = request_digest(method, path, body)
    stored = _stored(user, key)
    if stored is not None:
        return _replay(stored, digest)
    try:
        with transaction.atomic():
            status, response_body = create()
            IdempotencyKey.objects.create(
                key=key,
                user=user,
                method=method,
                path=path[:500],
                request_hash=digest,
                response_status=status,
                response_body=stored_as(response_body) if stored_as else response_body,
                created_at=timezone.now(),
            )
    except IntegrityError:
        stored = _stored(user, key)
        if stored is None:
            raise
        return _replay(stored, digest)
    return status, response_body
