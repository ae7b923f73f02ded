"""Writes of the notifications app: queueing a message to a client, recording what the mail
system said of it.

``notify`` only writes the outbox row and schedules the send once the transaction commits; the
worker (``notifications.tasks``) sends it. Mail therefore never leaves for a change that was
rolled back, and a slow mail server never holds a case's transaction open.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir import i18n
from comptoir.casework.actions import client_email
from comptoir.notifications import links
from comptoir.notifications.models import (
    Backend,
    MessageKind,
    OutboundMessage,
    OutboundStatus,
)
from comptoir.notifications.rendering import render

if TYPE_CHECKING:
    from comptoir.casework.models import Case, CaseEvent

logger = logging.getLogger(__name__)

#: Kinds no person asked for at that moment: counted against ``COMPTOIR_AUTO_REPLY_LIMIT`` (a
#: client's auto-responder answering our acknowledgement, answered again, is a mail war).
AUTOMATIC_KINDS = frozenset({MessageKind.ACKNOWLEDGEMENT})
#: Kinds whose mail is written by the software from a template (``Auto-Submitted:
#: auto-generated``); a staff reply is a person's message and carries none.
GENERATED_KINDS = frozenset(kind for kind in MessageKind if kind != MessageKind.REPLY)


def message_domain() -> str:
    """The domain of the Message-IDs Comptoir writes (that of ``DEFAULT_FROM_EMAIL``)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "comptoir.invalid"


def new_message_id(reference: str) -> str:
    """``<reference.random@domain>``: the reference lets a person read it, the 144 random bits
    make a reply's ``In-Reply-To`` proof that the sender saw our message."""
    return f"<{reference}.{secrets.token_urlsafe(18)}@{message_domain()}>"


def _service_name(case: Case, language: str) -> str:
    from comptoir.inventory.models import ServiceYear

    record = (
        ServiceYear.objects.filter(service_id=case.service_id)
        .order_by("-fiscal_year__code")
        .only("service_name_en", "service_name_fr")
        .first()
    )
    if record is None:
        return ""
    return i18n.pick_field(record, "service_name", language)


def _due_date(case: Case, due_at: datetime | None, language: str) -> str:
    """The day ``due_at`` (default: the case's next due instant) falls on in the zone of the
    case's unit, written in ``language``."""
    from comptoir.measurement.business_time_text import format_day

    moment = due_at or case.next_due_at
    if moment is None:
        return ""
    zone = getattr(case.current_unit, "time_zone", "") or settings.TIME_ZONE
    with i18n.rendered_in(language):
        return format_day(moment.astimezone(ZoneInfo(zone)).date())


def _values(case: Case, kind: str, language: str, context: Mapping[str, Any]) -> dict[str, str]:
    due_at = context.get("due_at")
    if isinstance(due_at, str):
        due_at = datetime.fromisoformat(due_at)
    lookup = str(context.get("lookup_url") or links.lookup_url(language))
    status = str(context.get("status_url") or "")
    if not status and kind != MessageKind.ACKNOWLEDGEMENT:
        # Only the portal and the inbound mail hold the token; elsewhere the look-up page is
        # the way back to the case (the acknowledgement has a line of its own for it).
        status = lookup
    return {
        "reference": case.reference,
        "service": _service_name(case, language),
        "status_url": status,
        "lookup_url": lookup,
        "due_date": _due_date(case, due_at, language),
        "reason": str(context.get("reason") or ""),
        "reply": str(context.get("reply") or ""),
        "survey_url": str(context.get("survey_url") or ""),
    }


def automatic_messages_to(address: str, *, now: datetime) -> int:
    """How many automatic messages went to ``address`` in the last
    ``COMPTOIR_AUTO_REPLY_WINDOW_HOURS``."""
    since = now - timedelta(hours=settings.COMPTOIR_AUTO_REPLY_WINDOW_HOURS)
    return OutboundMessage.objects.filter(
        to_address__iexact=address, kind__in=list(AUTOMATIC_KINDS), created_at__gte=since
    ).count()


def notify(
    case: Case,
    kind: str,
    *,
    event: CaseEvent | None = None,
    context: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> OutboundMessage | None:
    """Queue the ``kind`` notification of ``case`` to its client, in the case's language.

    ``context`` gives what only the caller knows: ``status_url`` (the portal and the inbound
    mail, which hold the token), ``reason``, ``reply``, ``due_at``, ``survey_url``. Returns the
    ``queued`` row, sent by the worker once the transaction commits; ``None`` (nothing written)
    when the client has no email address, or for an automatic kind when
    ``COMPTOIR_AUTO_REPLY_LIMIT`` automatic messages already went to the address in the window.
    """
    kind = MessageKind(kind)
    now = now or timezone.now()
    address = client_email(case)
    if not address:
        return None
    if (
        kind in AUTOMATIC_KINDS
        and automatic_messages_to(address, now=now) >= settings.COMPTOIR_AUTO_REPLY_LIMIT
    ):
        logger.info("notify: automatic-reply limit reached for case %s", case.reference)
        return None
    language = i18n.normalize(case.language)
    rendered = render(kind, language, _values(case, kind, language, context or {}))
    backend = (
        Backend.GC_NOTIFY if settings.COMPTOIR_NOTIFY_BACKEND == Backend.GC_NOTIFY else Backend.SMTP
    )
    with transaction.atomic():
        message = OutboundMessage.objects.create(
            case=case,
            event=event,
            kind=kind,
            to_address=address,
            language=language,
            subject=rendered.subject,
            body=rendered.body,
            message_id=new_message_id(case.reference),
            backend=backend,
            status=OutboundStatus.QUEUED,
            created_at=now,
        )
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_pk: int) -> None:
    from comptoir.notifications.tasks import enqueue_send

    enqueue_send(message_pk)


#: GC Notify's delivery statuses that Comptoir records (others, such as ``sending``, say
#: nothing new).
REPORTED_STATUSES = {
    "delivered": OutboundStatus.DELIVERED,
    "permanent-failure": OutboundStatus.PERMANENT_FAILURE,
    "temporary-failure": OutboundStatus.TEMPORARY_FAILURE,
    "technical-failure": OutboundStatus.TECHNICAL_FAILURE,
}
#: Statuses no later report changes (reports can arrive out of order).
FINAL_STATUSES = frozenset({OutboundStatus.DELIVERED, OutboundStatus.PERMANENT_FAILURE})


def find_reported_message(notification_id: str, reference: str) -> OutboundMessage | None:
    """The message a delivery report is about: by GC Notify's id, else by our own ``reference``
    (the Message-ID we sent as ``reference``: a report may come before we stored the id)."""
    messages = OutboundMessage.objects.select_related("case").filter(backend=Backend.GC_NOTIFY)
    if notification_id:
        found = messages.filter(provider_reference=notification_id).first()
        if found is not None:
            return found
    if reference:
        return messages.filter(message_id=reference).first()
    return None


def do_record_provider_report(
    message: OutboundMessage, status: str, *, detail: str = "", now: datetime | None = None
) -> bool:
    """Record what GC Notify reported of ``message``: its status and a ``delivery`` event on the
    case. A report of the status the message already has, an unknown status, or one after a
    final status changes nothing (GC Notify retries callbacks). Returns whether it was
    recorded."""
    from comptoir.casework.actions import do_record_delivery

    new_status = REPORTED_STATUSES.get(status)
    now = now or timezone.now()
    with transaction.atomic():
        current = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if new_status is None or current.status == new_status:
            return False
        if current.status in FINAL_STATUSES:
            return False
        OutboundMessage.objects.filter(pk=message.pk, status=current.status).update(
            status=new_status,
            status_at=now,
            last_error=detail[:2000] if new_status != OutboundStatus.DELIVERED else "",
        )
        do_record_delivery(message.case, message.pk, new_status, detail=detail, at=now)
    message.status = new_status
    return True


# --- the wording of the notifications, edited by staff ----------------------------------------


def do_save_template(
    kind: str,
    *,
    subject_en: str,
    subject_fr: str,
    body_en: str,
    body_fr: str,
    gc_notify_template_en: str = "",
    gc_notify_template_fr: str = "",
    actor: Any,
) -> Any:
    """Write the wording of ``kind`` in both languages (its history keeps every earlier one).
    Refused, changing nothing, when a text is empty, a subject holds a line break, a brace names
    no placeholder, or a GC Notify template is not an identifier."""
    import uuid

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from comptoir.notifications.models import MessageTemplate
    from comptoir.notifications.rendering import unknown_placeholders

    if kind not in MessageKind.values:
        raise ValidationError(_("No such kind of message."), code="unknown_kind")
    texts = {
        "subject_en": subject_en.strip(),
        "subject_fr": subject_fr.strip(),
        "body_en": body_en.replace("\r\n", "\n").strip(),
        "body_fr": body_fr.replace("\r\n", "\n").strip(),
    }
    errors: dict[str, list[str]] = {}
    for name, value in texts.items():
        if not value:
            errors.setdefault(name, []).append(_("Write it in this language."))
        unknown = unknown_placeholders(value)
        if unknown:
            errors.setdefault(name, []).append(
                _("These are not placeholders: %(names)s.")
                % {"names": ", ".join("{" + n + "}" for n in unknown)}
            )
    for name in ("subject_en", "subject_fr"):
        if len(texts[name]) > 300:
            errors.setdefault(name, []).append(_("A subject has at most 300 characters."))
    ids = {
        "gc_notify_template_en": gc_notify_template_en,
        "gc_notify_template_fr": gc_notify_template_fr,
    }
    for name, value in ids.items():
        value = value.strip()
        ids[name] = value
        if value:
            try:
                uuid.UUID(value)
            except ValueError:
                errors.setdefault(name, []).append(
                    _("A GC Notify template is identified by its ID (a UUID).")
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(kind=kind).first()
        template = template or MessageTemplate(kind=kind)
        for name, value in {**texts, **ids}.items():
            setattr(template, name, value)
        template.updated_by = actor
        template._change_reason = "edited"  # type: ignore[attr-defined]  # simple_history
        template.save()
    return template
