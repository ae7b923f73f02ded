"""The background work of the outbox: sending one message, and the sweep that covers lost tasks.

``send_outbound(message_pk)`` goes in three committed steps, as the digest does:

1. the claim: ``sending``, the attempt counted and ``last_attempt_at`` set, committed (``SELECT …
   FOR UPDATE SKIP LOCKED`` on PostgreSQL, and an update that only takes the row in the state it
   was read in, so one worker alone wins it on any database);
2. the send, outside any transaction (``delivery.send``);
3. the outcome with its ``delivery`` event on the case, in one transaction: ``sent``; or, after a
   temporary error, ``queued`` again with ``next_attempt_at`` backed off exponentially and the
   task enqueued to run then, until ``MAX_ATTEMPTS`` (then ``failed``); or, after a permanent
   error, ``permanent-failure`` at once.

A GC Notify message is not claimed while ``COMPTOIR_GC_NOTIFY_PER_MINUTE`` messages were taken
to GC Notify in the last minute (counted from ``last_attempt_at`` in the database, so every worker
sees the same count): it is put off to the next minute without spending an attempt.

``send_due()`` enqueues the queued rows whose time has come (a task lost with a crashed worker, a
database restored from a backup); the worker runs it every minute. A row left ``sending`` (a worker
stopped between its claim and the outcome: the mail may have gone) is not sent again by itself.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from comptoir.notifications import delivery
from comptoir.notifications.models import (
    MAX_ATTEMPTS,
    Backend,
    OutboundMessage,
    OutboundStatus,
)

logger = logging.getLogger(__name__)

#: The first retry waits this long; each further one twice as long as the one before.
FIRST_RETRY = timedelta(minutes=1)
#: No retry waits longer than this.
LONGEST_RETRY = timedelta(hours=6)
#: The window GC Notify's rate limit counts in.
RATE_WINDOW = timedelta(minutes=1)
#: The sweep leaves alone a message this recent (its own task is surely still waiting in line).
SWEEP_GRACE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… minutes."""
    return min(FIRST_RETRY * (1 << max(attempts - 1, 0)), LONGEST_RETRY)


def enqueue_send(message_pk: int, *, run_after: datetime | None = None) -> None:
    """Schedule ``send_outbound`` for the message (at ``run_after`` when given)."""
    scheduled = send_outbound.using(run_after=run_after) if run_after else send_outbound
    scheduled.enqueue(message_pk)


def _gc_notify_is_busy(now: datetime) -> bool:
    taken = OutboundMessage.objects.filter(
        backend=Backend.GC_NOTIFY, last_attempt_at__gt=now - RATE_WINDOW
    ).count()
    return taken >= settings.COMPTOIR_GC_NOTIFY_PER_MINUTE


def _put_off(message: OutboundMessage, until: datetime) -> None:
    with transaction.atomic(durable=True):
        OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.QUEUED).update(
            next_attempt_at=until
        )
    enqueue_send(message.pk, run_after=until)


def _claim(message: OutboundMessage, now: datetime) -> bool:
    """Mark ``message`` ``sending`` and count the attempt, committed, unless another worker has
    it (see the module)."""
    with transaction.atomic(durable=True):
        row = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message.pk, status=OutboundStatus.QUEUED, attempts__lt=MAX_ATTEMPTS)
            .only("pk", "status", "attempts")
            .first()
        )
        if row is None:
            return False
        won = OutboundMessage.objects.filter(
            pk=row.pk, status=row.status, attempts=row.attempts
        ).update(
            status=OutboundStatus.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            status_at=now,
        )
    if won:
        message.status = OutboundStatus.SENDING
        message.attempts = row.attempts + 1
        message.last_attempt_at = now
    return bool(won)


def _finish(
    message: OutboundMessage,
    status: str,
    *,
    now: datetime,
    error: str = "",
    event_status: str | None = None,
    **fields: object,
) -> None:
    """Write the outcome of a claimed attempt and, when it matters to the case, its
    ``delivery`` event, in one transaction."""
    from comptoir.casework.actions import do_record_delivery

    with transaction.atomic(durable=True):
        updated = OutboundMessage.objects.filter(
            pk=message.pk, status=OutboundStatus.SENDING
        ).update(status=status, status_at=now, last_error=error, **fields)
        if updated and event_status:
            do_record_delivery(message.case, message.pk, event_status, detail=error, at=now)


def deliver(message_pk: int, *, now: datetime | None = None) -> str:
    """Try to send the message ``message_pk`` (see the module). Returns what happened:
    ``sent``, ``retry``, ``failed``, ``permanent-failure``, ``deferred`` or ``skipped``."""
    now = now or timezone.now()
    message = OutboundMessage.objects.select_related("case").filter(pk=message_pk).first()
    if message is None or message.status != OutboundStatus.QUEUED:
        return "skipped"
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return "skipped"  # an earlier task; the one enqueued for next_attempt_at sends it
    if message.backend == Backend.GC_NOTIFY and _gc_notify_is_busy(now):
        _put_off(message, now + RATE_WINDOW)
        return "deferred"
    if not _claim(message, now):
        return "skipped"
    try:
        provider_reference = delivery.send(message)
    except delivery.PermanentDeliveryError as error:
        _finish(
            message,
            OutboundStatus.PERMANENT_FAILURE,
            now=now,
            error=str(error),
            event_status=OutboundStatus.PERMANENT_FAILURE,
            next_attempt_at=None,
        )
        return "permanent-failure"
    except Exception as error:  # temporary, or unforeseen: kept and tried again
        detail = str(error) if isinstance(error, delivery.DeliveryError) else repr(error)
        detail = detail[: delivery.ERROR_LIMIT]
        if message.attempts >= MAX_ATTEMPTS:
            _finish(
                message,
                OutboundStatus.FAILED,
                now=now,
                error=detail,
                event_status=OutboundStatus.FAILED,
                next_attempt_at=None,
            )
            return "failed"
        retry_at = now + backoff(message.attempts)
        _finish(message, OutboundStatus.QUEUED, now=now, error=detail, next_attempt_at=retry_at)
        enqueue_send(message.pk, run_after=retry_at)
        logger.info(
            "outbound %s: attempt %s failed, next at %s", message.pk, message.attempts, retry_at
        )
        return "retry"
    _finish(
        message,
        OutboundStatus.SENT,
        now=now,
        event_status=OutboundStatus.SENT,
        sent_at=now,
        provider_reference=provider_reference,
        next_attempt_at=None,
    )
    return "sent"


@task()
def send_outbound(message_pk: int) -> str:
    """The worker's task: :func:`deliver` the message now."""
    return deliver(message_pk)


def send_due(*, now: datetime | None = None, grace: timedelta = SWEEP_GRACE) -> int:
    """Enqueue a send for every queued message whose time came ``grace`` ago or more (its own
    task was lost). Returns how many. A second task for a message is harmless: the claim lets
    one send it."""
    now = now or timezone.now()
    before = now - grace
    due = (
        OutboundMessage.objects.filter(status=OutboundStatus.QUEUED, attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lte=before) | Q(next_attempt_at__lte=before)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    keys = list(due)
    for key in keys:
        enqueue_send(key)
    return len(keys)
