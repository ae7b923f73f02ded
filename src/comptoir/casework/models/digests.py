"""The outbox of the daily digest: one row per person and local business day, written and committed
*before* the mail is sent, so that no run sends a digest twice and a failed send is tried again.

The row goes ``pending`` (the intent, committed) → ``sending`` (claimed by one run, committed, the
attempt counted) → ``sent`` (the mail was handed to the mail server; the ``digest`` notice is
written in the same transaction) or ``failed`` (the error kept; tried again by a later run of the
same local day until ``MAX_ATTEMPTS``). A row left ``sending`` means a run stopped between the
claim and the outcome: it may or may not have gone out, so it is never sent again by itself
(``comptoir digest`` names it; docs/operator-guide.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: How many times a day's digest is tried before it is left ``failed``.
MAX_ATTEMPTS = 5


class DigestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DigestDelivery(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="digest_deliveries",
        verbose_name=_("recipient"),
    )
    #: The recipient's unit whose calendar gives the day (their first unit by code).
    unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="digest_deliveries",
        verbose_name=_("unit"),
    )
    #: The local business day of ``unit`` the digest is for.
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        default_permissions = ("view",)
        constraints = [
            # One digest a person a day, whichever unit is their first that day.
            models.UniqueConstraint(
                fields=["recipient", "day"], name="casework_digest_one_per_person_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["day", "status"], name="casework_digest_day_status"),
        ]

    def __str__(self) -> str:
        return f"digest {self.day} → {self.recipient_id} ({self.status})"
