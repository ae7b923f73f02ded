"""The append-only event log of a case, and the log of reads of confidential cases.

The database itself refuses an UPDATE or a DELETE of either table (triggers created by the
migration ``casework.0002_append_only``): a correction is a new ``corrected`` event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseEvent(models.Model):
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    #: 1, 2, 3... per case, in the order of writing.
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=30)
    #: When it happened (may be earlier than ``recorded_at``, e.g. a call logged afterwards).
    at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_events",
        verbose_name=_("by"),
    )
    unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_events",
        verbose_name=_("unit"),
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        default_permissions = ("add", "view")
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="casework_event_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence} {self.kind}"


class CaseAccessLog(models.Model):
    """Who read a confidential case, when, on which page (append-only)."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="access_logs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_reads"
    )
    at = models.DateTimeField(_("when"))
    page = models.CharField(_("page"), max_length=100)

    class Meta:
        verbose_name = _("confidential case read")
        verbose_name_plural = _("confidential case reads")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["case", "at"], name="casework_accesslog_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.at:%Y-%m-%d %H:%M}"
