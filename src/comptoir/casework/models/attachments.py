"""Files a client sent with a case (the portal, an email) or staff added to it.

Each is stored under ``COMPTOIR_PRIVATE_MEDIA_ROOT`` by a storage of its own, never under
``MEDIA_ROOT`` nor anywhere the web server serves: the only way to read one is the download view,
which checks who asks (``comptoir.casework.attachments``). ``content_type`` is the type detected
from the file's bytes, not the one the sender claimed. Nothing is ever deleted (no delete
permission; the case is protected).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.casework.models.cases import NO_DELETE


def private_storage() -> FileSystemStorage:
    """The storage of attachments: a ``FileSystemStorage`` of its own at
    ``COMPTOIR_PRIVATE_MEDIA_ROOT``, whose URL is never asked for (no address serves it). Built
    on each call (it is cheap), so that a test's override of the root is honoured."""
    return FileSystemStorage(
        location=str(settings.COMPTOIR_PRIVATE_MEDIA_ROOT),
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


class AttachmentSource(models.TextChoices):
    PORTAL = "portal", _("Status page or portal form")
    EMAIL = "email", _("Email")
    STAFF = "staff", pgettext_lazy("attachment source", "Staff")


class Attachment(models.Model):
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("case"),
    )
    #: The event the file came with (the client's message, the case's receipt), if any.
    event = models.ForeignKey(
        "casework.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("event"),
    )
    #: The name the sender gave it, made safe (no path, no control character).
    filename = models.CharField(_("file name"), max_length=200)
    #: The type detected from the content (``application/pdf``...), never the sender's claim.
    content_type = models.CharField(pgettext_lazy("attachment", "type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    #: Where the bytes are, relative to the private root (``private_storage()``); a plain
    #: name rather than a ``FileField``, so that no migration records a storage or a path.
    stored_name = models.CharField(_("stored as"), max_length=300, unique=True, editable=False)
    source = models.CharField(
        pgettext_lazy("attachment", "source"), max_length=10, choices=AttachmentSource.choices
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        default_permissions = NO_DELETE
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=["portal", "email", "staff"]),
                name="casework_attachment_source",
            )
        ]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="casework_attachment_case")]

    def __str__(self) -> str:
        return self.filename
