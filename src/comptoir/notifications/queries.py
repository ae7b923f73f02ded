"""Reads of the notifications pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from comptoir.casework.models import Case
from comptoir.notifications.models import OutboundMessage, OutboundStatus

PAGE_SIZE = 50
#: A message still ``sending`` this long after its claim was left by a worker that stopped.
INTERRUPTED_AFTER = timedelta(minutes=15)

#: What staff must look at: given up, or refused by the mail system.
FAILED_STATUSES = (
    OutboundStatus.FAILED,
    OutboundStatus.PERMANENT_FAILURE,
    OutboundStatus.TECHNICAL_FAILURE,
    OutboundStatus.TEMPORARY_FAILURE,
)


@dataclass(frozen=True, slots=True)
class TroublePage:
    page: Page[Any]


def troubled_messages(
    user: Any, *, page: Any = None, now: datetime | None = None
) -> TroublePage:
    """Messages to clients that failed, wait to be tried again after a failure, or were left
    ``sending`` by a worker that stopped (the mail may or may not have gone), on the cases
    ``user`` may see; newest first, paginated."""
    now = now or timezone.now()
    rows = (
        OutboundMessage.objects.filter(case__in=Case.objects.visible_to(user).values("pk"))
        .filter(Q(status__in=FAILED_STATUSES) | Q(status=OutboundStatus.QUEUED, attempts__gt=0))
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
    return TroublePage(page=Paginator(rows, PAGE_SIZE).get_page(page))
