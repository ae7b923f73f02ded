"""Interim replies (Guideline on Service Management §2.3; issue 12, item 3): a client whose final
reply will be late is told so before the standard's due date passes, once per case.

:func:`send_interim_replies` (run by ``comptoir worker`` at each sweep) takes the open cases whose
next due instant (``Case.next_due_at``: the earliest running clock, at its revised date when a
person revised it) falls within ``COMPTOIR_INTERIM_REPLY_HOURS`` from now, or passed less than
``COMPTOIR_INTERIM_REPLY_GRACE_HOURS`` ago, and queues one ``interim_reply`` to each that has none
yet. Not to a case waiting for the client (its clock is paused: the delay is not ours), nor to one
whose due date a person revised (the client was told the new date and why), nor to cases overdue
for longer than the grace (an imported history of old open cases would otherwise be mailed at
once on the first run).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from comptoir.casework.models import Case, CaseEvent
from comptoir.notifications.models import MessageKind, OutboundMessage

#: At most this many cases per sweep (the next sweep takes the rest).
BATCH = 500


def _hours(name: str, default: int) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, default)))


def due_for_interim_reply(now: datetime | None = None) -> list[Case]:
    """The cases that should get their interim reply now (see the module docstring)."""
    now = now or timezone.now()
    lead = _hours("COMPTOIR_INTERIM_REPLY_HOURS", 24)
    grace = _hours("COMPTOIR_INTERIM_REPLY_GRACE_HOURS", 48)
    already = OutboundMessage.objects.filter(case=OuterRef("pk"), kind=MessageKind.INTERIM_REPLY)
    revised = CaseEvent.objects.filter(case=OuterRef("pk"), kind="due_date_revised")
    return list(
        Case.objects.open()
        .exclude(status="awaiting_client")
        .filter(
            next_due_at__isnull=False,
            next_due_at__lte=now + lead,
            next_due_at__gte=now - grace,
            client__isnull=False,
        )
        .exclude(Exists(already))
        .exclude(Exists(revised))
        .select_related("current_unit", "client")
        .order_by("next_due_at", "pk")[:BATCH]
    )


def send_interim_replies(now: datetime | None = None) -> int:
    """Queue the interim reply of every case due for one; returns how many were queued (a
    client without an email address gets none, and is not counted)."""
    from comptoir.notifications.actions import notify

    queued = 0
    for case in due_for_interim_reply(now):
        if notify(case, MessageKind.INTERIM_REPLY, now=now) is not None:
            queued += 1
    return queued
