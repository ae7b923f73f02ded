"""What a case's new events send to the client (connected in ``NotificationsConfig.ready``).

Only events recorded by staff or by the system tell the client something: the client's own
withdrawal (``resolved`` with ``"by": "client"``) and their messages do not. The bulk writer
(history, generated cases) sends no signal, so nobody is mailed about history. The
acknowledgement is not sent from here: the portal and the inbound mail hold the case's private
token and call ``notify`` themselves with the status link.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from comptoir.casework.signals import events_recorded
from comptoir.notifications.actions import notify
from comptoir.notifications.models import MessageKind

logger = logging.getLogger(__name__)


def _what_to_send(event: Any) -> tuple[str, dict[str, object]] | None:
    """(kind, context) of the notification ``event`` calls for, or ``None``."""
    payload = event.payload or {}
    if event.kind == "awaiting_client":
        return MessageKind.INFORMATION_REQUESTED, {"reason": event.reason}
    if event.kind == "due_date_revised":
        return MessageKind.DUE_DATE_REVISED, {
            "reason": event.reason,
            "due_at": payload.get("due_at"),
        }
    if event.kind == "resolved" and payload.get("by") != "client":
        # Not the reason: a resolution's note is written for colleagues, not for the client.
        return MessageKind.RESOLVED, {}
    if event.kind == "message_out" and payload.get("to") == "client":
        return MessageKind.REPLY, {"reply": event.reason}
    return None


@receiver(events_recorded, dispatch_uid="notifications.notify_client")
def notify_client(sender: Any, case: Any, events: Sequence[Any], **kwargs: Any) -> None:
    """Queue the notification each new event calls for (after commit: the events are stored).

    A failure here is logged, never raised: the events are already committed and the sender of
    the signal (a page, the inbound mail) must not fail because mail could not be queued."""
    for event in events:
        chosen = _what_to_send(event)
        if chosen is None:
            continue
        kind, context = chosen
        try:
            notify(case, kind, event=event if event.pk else None, context=context)
        except Exception:
            logger.exception("notifications: %s for case %s not queued", kind, case.reference)
