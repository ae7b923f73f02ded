"""What Comptoir sent to clients and what it received from them.

``OutboundMessage`` is the outbox: a row is written (``queued``) when an event calls for mail,
and the worker takes it from there: ``sending`` (claimed, the attempt counted) → ``sent`` (handed
to the SMTP server or accepted by GC Notify) → ``delivered`` or a failure, as the delivery reports
say. A temporary failure is tried again with back-off (``next_attempt_at``) until
``MAX_ATTEMPTS``, then left ``failed`` for staff to see. Its ``message_id`` carries an unguessable
part: a reply's ``In-Reply-To`` is matched against it, so nobody can attach mail to a case by
guessing.

``InboundMessage`` is every message read from the mailbox or handed to ``comptoir mail ingest``,
with what was done with it (``verdict``): threaded onto a case, opened a new case, or set aside as
an automatic reply, a bounce, list mail or a loop. The raw message's SHA-256 makes ingesting the
same message twice a no-op.

``MessageTemplate`` holds the editable bilingual wording of each kind of notification (the defaults
are in ``notifications.defaults`` until someone edits one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

#: How many times a message is tried before it is left ``failed``.
MAX_ATTEMPTS = 6
NO_DELETE = ("add", "change", "view")


class MessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    INFORMATION_REQUESTED = "information_requested", _("Request for information")
    DUE_DATE_REVISED = "due_date_revised", _("Due date revised")
    INTERIM_REPLY = "interim_reply", _("Interim reply (the answer will be late)")
    RESOLVED = "resolved", _("Resolved")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    REPLY = "reply", _("Reply from staff")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    TEMPORARY_FAILURE = "temporary-failure", _("Temporary failure")
    PERMANENT_FAILURE = "permanent-failure", _("Permanent failure")
    TECHNICAL_FAILURE = "technical-failure", _("Technical failure")
    FAILED = "failed", _("Failed (no more attempts)")


class Backend(models.TextChoices):
    SMTP = "smtp", _("SMTP")
    GC_NOTIFY = "gcnotify", _("GC Notify")


class OutboundMessage(models.Model):
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="outbound_messages",
        verbose_name=_("case"),
    )
    #: The event that called for it (the reply's ``message_out``, the ``resolved``…).
    event = models.ForeignKey(
        "casework.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    to_address = models.CharField(_("to"), max_length=320)
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    #: ``<reference.random@domain>``: the random part is what makes a reply's ``In-Reply-To``
    #: trustworthy.
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    backend = models.CharField(_("sent by"), max_length=10, choices=Backend.choices)
    #: The delivery service's own identifier (GC Notify's notification id).
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, blank=True, default="", db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    #: When the worker last took it to send (GC Notify's per-minute limit counts these).
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_at = models.DateTimeField(_("status since"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        default_permissions = NO_DELETE
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbound_due"),
            models.Index(fields=["to_address", "created_at"], name="notif_outbound_to"),
            models.Index(fields=["case", "created_at"], name="notif_outbound_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.status})"


class InboundVerdict(models.TextChoices):
    THREADED = "threaded", _("Added to its case")
    NEW_CASE = "new_case", _("Opened a new case")
    AUTO_REPLY = "auto_reply", _("Automatic reply (set aside)")
    BOUNCE = "bounce", _("Delivery report (set aside)")
    LIST = "list", _("List or bulk mail (set aside)")
    LOOP = "loop", _("Mail loop (set aside)")
    REFUSED = "refused", _("Refused")


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP mailbox")
    FILE = "file", _("File")
    MAILDIR = "maildir", _("Maildir")


class InboundMessage(models.Model):
    raw_sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, default="")
    source = models.CharField(_("source"), max_length=10, choices=InboundSource.choices)
    from_address = models.CharField(_("from"), max_length=320, blank=True, default="")
    subject = models.CharField(_("subject"), max_length=998, blank=True, default="")
    in_reply_to = models.TextField(_("in reply to"), blank=True, default="")
    body = models.TextField(_("body"), blank=True, default="")
    received_at = models.DateTimeField(_("received"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=InboundVerdict.choices)
    #: Why (the header that made it an automatic reply, the size that refused an attachment…).
    detail = models.TextField(_("detail"), blank=True, default="")
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("case"),
    )
    event = models.ForeignKey(
        "casework.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("event"),
    )

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["message_id"], name="notif_inbound_msgid")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject} ({self.verdict})"


class MessageTemplate(models.Model):
    """The wording of one kind of notification in both languages (placeholders as in
    ``notifications.defaults``), and the GC Notify template that carries it."""

    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices, unique=True)
    subject_en = models.CharField(_("subject (English)"), max_length=300)
    subject_fr = models.CharField(_("subject (French)"), max_length=300)
    body_en = models.TextField(_("body (English)"))
    body_fr = models.TextField(_("body (French)"))
    gc_notify_template_en = models.CharField(
        _("GC Notify template (English)"), max_length=36, blank=True, default=""
    )
    gc_notify_template_fr = models.CharField(
        _("GC Notify template (French)"), max_length=36, blank=True, default=""
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        default_permissions = NO_DELETE

    def __str__(self) -> str:
        return self.kind
