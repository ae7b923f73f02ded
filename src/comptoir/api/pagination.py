"""The one paginator of the API: ``limit`` (1 to 100, default 25) and either ``page`` (from 1)
or ``cursor`` (opaque, from a ``next`` link); answers ``{"items", "count", "next"}``.

A cursor continues after the last row seen (ordered by primary key, or by a date-and-time field
then key), so rows added meanwhile neither repeat nor shift the next page; ``page`` is offered
for people paging by hand.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from comptoir.api.errors import ApiError, ErrorCode

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
#: The last page one may ask for: past it the row offset would not fit the database's integers
#: (a page that far is empty anyway).
MAX_PAGE = 1_000_000
#: The largest key a cursor may hold (the databases' 64-bit integers).
MAX_KEY = 2**63 - 1


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    page: int | None = Field(None, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, max_length=100)


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key = int(text)
        if not 0 <= key <= MAX_KEY:
            raise ValueError(text)
        return key
    except ValueError as error:
        raise ApiError(
            400, ErrorCode.VALIDATION, fields={"cursor": [_("This cursor is not valid.")]}
        ) from error


def _next_url(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


def _after(queryset: QuerySet[Any], field: str | None, cursor: str) -> QuerySet[Any]:
    """The rows after a cursor: by key, or by ``field`` then key (the cursor holds both)."""
    if field is None:
        return queryset.filter(pk__gt=_decode(cursor))
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, separator, key = text.rpartition("|")
        if not separator:
            raise ValueError(text)
        # In UTC: PostgreSQL refuses offsets past ±15:59 that Python reads.
        instant = datetime.fromisoformat(value).astimezone(UTC)
        last = int(key)
        if not 0 <= last <= MAX_KEY:
            raise ValueError(text)
    except (ValueError, OverflowError) as error:
        raise ApiError(
            400, ErrorCode.VALIDATION, fields={"cursor": [_("This cursor is not valid.")]}
        ) from error
    return queryset.filter(Q(**{f"{field}__gt": instant}) | Q(**{field: instant, "pk__gt": last}))


def _cursor(row: Any, field: str | None) -> str:
    if field is None:
        return _encode(row.pk)
    text = f"{getattr(row, field).isoformat()}|{row.pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    params: PageParams,
    serialize: Callable[[Any], Any],
    *,
    order_by: str | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` as the API's page shape, ordered here by primary key, or with
    ``order_by`` (a date-and-time field, never null) by that field then key."""
    if params.page is not None and params.cursor is not None:
        raise ApiError(
            400,
            ErrorCode.VALIDATION,
            fields={"cursor": [_("Send either a page or a cursor, not both.")]},
        )
    ordered = queryset.order_by("pk") if order_by is None else queryset.order_by(order_by, "pk")
    count = ordered.count()
    if params.page is not None:
        start = (params.page - 1) * params.limit
        rows = list(ordered[start : start + params.limit + 1])
        more = len(rows) > params.limit
        rows = rows[: params.limit]
        next_url = _next_url(request, page=params.page + 1) if more else None
    else:
        if params.cursor is not None:
            ordered = _after(ordered, order_by, params.cursor)
        rows = list(ordered[: params.limit + 1])
        more = len(rows) > params.limit
        rows = rows[: params.limit]
        next_url = _next_url(request, cursor=_cursor(rows[-1], order_by)) if more else None
    return {"items": [serialize(row) for row in rows], "count": count, "next": next_url}
