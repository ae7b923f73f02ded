"""Handing one outbound message to the mail system: SMTP (Django email) or GC Notify.

Each backend raises :class:`TemporaryDeliveryError` when trying again later may work (a 4xx
SMTP reply, a server that refused the connection or went away, GC Notify's 5xx, 429, or 401/403
for a key being fixed) and :class:`PermanentDeliveryError` when it cannot (an SMTP 5xx for the
recipient or the message, GC Notify's 400 and other 4xx, no GC Notify template for the kind).
Nothing here touches the database but reading the template ids: the caller claims the row before
and records the outcome after, outside any transaction.

Headers (RFC 3834): mail written by the software from a template carries ``Auto-Submitted:
auto-generated`` (an acknowledgement answering the client's own email is, strictly, an automatic
reply, but the inbound side does not hand us the message it answers; ``auto-generated`` asks the
same of the recipient's software: never answer automatically) and ``X-Auto-Response-Suppress:
All`` (what Exchange honours). A staff reply is a person's message and carries neither.
``Reply-To`` is ``COMPTOIR_REPLY_TO``, the mailbox the worker reads.
"""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from comptoir import i18n
from comptoir.notifications.models import Backend

if TYPE_CHECKING:
    from comptoir.notifications.models import OutboundMessage

#: How much of an error is kept on the row.
ERROR_LIMIT = 2000


class DeliveryError(Exception):
    """The mail system did not take the message (``str()`` is what staff see)."""


class TemporaryDeliveryError(DeliveryError):
    """Trying again later may work."""


class PermanentDeliveryError(DeliveryError):
    """Trying again will not work: the message is failed at once."""


def _smtp_detail(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LIMIT]


def smtp_headers(message: OutboundMessage) -> dict[str, str]:
    from comptoir.notifications.actions import GENERATED_KINDS

    headers = {"Message-ID": message.message_id}
    if message.kind in GENERATED_KINDS:
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    headers["Content-Language"] = "fr-CA" if i18n.is_french(message.language) else "en-CA"
    return headers


def send_smtp(message: OutboundMessage) -> str:
    """Send ``message`` through Django's default mailer; returns ``""`` (SMTP gives no id
    beyond our own Message-ID)."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        reply_to=[settings.COMPTOIR_REPLY_TO],
        headers=smtp_headers(message),
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _reply in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentDeliveryError(_smtp_detail(error)) from error
        raise TemporaryDeliveryError(_smtp_detail(error)) from error
    except smtplib.SMTPDataError as error:
        if error.smtp_code >= 500:
            raise PermanentDeliveryError(_smtp_detail(error)) from error
        raise TemporaryDeliveryError(_smtp_detail(error)) from error
    except (smtplib.SMTPException, OSError) as error:
        # Refused connection, timeout, a server that went away, a 4xx: later may work.
        raise TemporaryDeliveryError(_smtp_detail(error)) from error
    return ""


def gc_notify_template(message: OutboundMessage) -> str:
    from comptoir.notifications.models import MessageTemplate

    edited = MessageTemplate.objects.filter(kind=message.kind).first()
    return i18n.pick_field(edited, "gc_notify_template", message.language) if edited else ""


def gc_notify_request(message: OutboundMessage) -> dict[str, object]:
    """The arguments of ``send_email_notification``: only fields GC Notify's
    ``post_email_request`` schema accepts (it refuses any other: ``additionalProperties`` is
    false), so never ``one_click_unsubscribe_url``, which the client library also offers.

    The wording stays Comptoir's (editable, bilingual): the GC Notify template is expected to be
    ``((subject))`` as its subject and ``((body))`` as its body.
    """
    template_id = gc_notify_template(message)
    if not template_id:
        raise PermanentDeliveryError(
            f"No GC Notify template is set for {message.kind} ({message.language})."
        )
    return {
        "email_address": message.to_address,
        "template_id": template_id,
        "personalisation": {
            "subject": message.subject,
            "body": message.body,
            "reference": message.case.reference,
        },
        # Comptoir's own key for the message: the callback carries it back.
        "reference": message.message_id,
    }


def send_gc_notify(message: OutboundMessage) -> str:
    """Send ``message`` through GC Notify; returns its notification id."""
    from notifications_python_client.errors import APIError
    from notifications_python_client.notifications import NotificationsAPIClient

    request = gc_notify_request(message)
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]  # the library is untyped
        settings.COMPTOIR_GC_NOTIFY_API_KEY,
        base_url=settings.COMPTOIR_GC_NOTIFY_BASE_URL,
        timeout=30,
    )
    try:
        response = client.send_email_notification(**request)  # type: ignore[no-untyped-call]
    except APIError as error:
        detail = f"GC Notify {error.status_code}: {error.message}"[:ERROR_LIMIT]
        # 429: over the rate limit; 5xx (503 also for a refused connection): GC Notify's
        # trouble; 401/403: a key to fix in the settings, after which the message can go.
        if error.status_code in {401, 403, 429} or error.status_code >= 500:
            raise TemporaryDeliveryError(detail) from error
        raise PermanentDeliveryError(detail) from error
    notification_id = str((response or {}).get("id") or "")
    if not notification_id:
        raise TemporaryDeliveryError("GC Notify answered without a notification id.")
    return notification_id


def send(message: OutboundMessage) -> str:
    """Send ``message`` by its backend; returns the provider's reference (``""`` for SMTP)."""
    if message.backend == Backend.GC_NOTIFY:
        return send_gc_notify(message)
    return send_smtp(message)
