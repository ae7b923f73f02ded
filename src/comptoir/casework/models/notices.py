"""Staff notices inside Comptoir: a case assigned to you, referred to your unit, due tomorrow, and
the daily digest. Written after the event's commit; append-only except ``read_at``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    ASSIGNED_TO_YOU = "assigned_to_you", _("Assigned to you")
    REFERRED_TO_YOUR_UNIT = "referred_to_your_unit", _("Referred to your unit")
    DUE_TOMORROW = "due_tomorrow", _("Due by the next business day")
    DIGEST = "digest", _("Daily digest")


class StaffNotice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff_notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("case"),
    )
    #: The recipient's local date the notice is for (once a day: digest, due tomorrow).
    day = models.DateField(_("day"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff notice")
        verbose_name_plural = _("staff notices")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="casework_notice_unread"),
            models.Index(fields=["recipient", "-created_at"], name="casework_notice_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "day"],
                condition=models.Q(kind="digest"),
                name="casework_notice_one_digest_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "case", "day"],
                condition=models.Q(kind="due_tomorrow"),
                name="casework_notice_due_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
