"""The measurement API router (``/api/performance/``): outside counts (telephony) recorded by a
system, as ``comptoir performance counts-import`` records them from a file (docs/measurement.md).

``POST /api/performance/outside-counts/`` with ``{"owner_org": "...", "counts": [{"service_id",
"standard_id", "period_start", "period_end", "volume_meeting", "total_volume", "source"}]}``
records all the counts or none: any problem answers 400 ``refused`` with one message per problem
under ``counts``, naming the count by its position (from 1). Only the standards the caller may
edit (``ServiceStandard.objects.editable_by``: the organization's custodians, the service's
owners, administrators) can be named; another is answered as if it did not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from comptoir.api.auth import caller
from comptoir.api.errors import ApiError, ErrorCode

router = Router(tags=["performance"])

MAX_COUNTS = 1000


class OutsideCountIn(Schema):
    service_id: str = Field(max_length=100)
    standard_id: str = Field(max_length=100)
    period_start: date
    period_end: date
    volume_meeting: int = Field(ge=0)
    total_volume: int = Field(ge=0)
    source: str = Field("", max_length=500)


class OutsideCountsIn(Schema):
    owner_org: str | None = Field(None, max_length=100)
    counts: list[OutsideCountIn] = Field(max_length=MAX_COUNTS)


class OutsideCountsRecorded(Schema):
    recorded: int


@router.post(
    "outside-counts/",
    response={201: OutsideCountsRecorded},
    summary="Record counts made outside Comptoir (all or nothing)",
)
def record_outside_counts(request: HttpRequest, payload: OutsideCountsIn) -> tuple[int, Any]:
    from comptoir.inventory.models import ServiceStandard
    from comptoir.measurement.outside_counts import (
        CountsRefusedError,
        check_counts,
        do_record_counts,
    )

    user = caller(request)
    editable = ServiceStandard.objects.editable_by(user)
    if not editable.exists():
        raise ApiError(403, ErrorCode.FORBIDDEN)
    cells = [{key: str(value) for key, value in count.dict().items()} for count in payload.counts]
    try:
        rows = check_counts(cells, owner_org=payload.owner_org, among=editable)
    except CountsRefusedError as error:
        raise ApiError(400, ErrorCode.REFUSED, fields={"counts": error.messages}) from error
    return 201, {"recorded": do_record_counts(rows, actor=user)}
