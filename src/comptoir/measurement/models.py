"""What the standards performance is computed from (``docs/measurement.md``).

:class:`StandardFact` is derived data: one row per case and service standard whose rule applies
to the case, written only by ``comptoir.measurement.performance`` from the case's events, and
rebuilt from them at will (``comptoir performance recompute``). It holds no client data and has
no history: a row whose standard no longer applies is deleted
(``docs/decisions/0013-standard-facts.md``).

:class:`OutsideCount` is typed data: volumes counted outside Comptoir (telephony) for a period,
with who recorded them and a history; rows are never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FactOutcome(models.TextChoices):
    """The outcome of a case against a standard, as stored (``core.standards.Outcome`` codes;
    an open clock is ``pending`` even when past due: it is not an output yet)."""

    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    EXCLUDED = "excluded", _("Excluded")
    PENDING = "pending", _("Pending")


class StandardFactQuerySet(models.QuerySet["StandardFact"]):
    def for_fiscal_year(self, code: str, *, attribution: str) -> StandardFactQuerySet:
        """The facts counted in fiscal year ``code``: by the year of their output (open clocks
        have none, so they are in no year) or of their receipt."""
        if attribution == "receipt":
            return self.filter(fiscal_year_received=code)
        return self.filter(fiscal_year_output=code)

    def overdue(self, *, as_of: object) -> StandardFactQuerySet:
        """Open clocks past their due instant as of ``as_of`` (a paused clock is not counted:
        its due instant moves while it waits)."""
        return self.filter(outcome=FactOutcome.PENDING, is_paused=False, due_at__lt=as_of)


class StandardFact(models.Model):
    """One case measured against one service standard (see the module docstring).

    ``unit`` is the unit that decided: the one holding the case at the output (the stop event),
    or now for an open clock. ``received_on`` and ``output_on`` are the local dates of receipt
    (in the entry unit's time zone) and of the output (in the deciding unit's), which give the
    fiscal years and the quarters, months and weeks of the reports."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="standard_facts"
    )
    standard = models.ForeignKey(
        "inventory.ServiceStandard", on_delete=models.CASCADE, related_name="facts"
    )
    service = models.ForeignKey(
        "inventory.Service", on_delete=models.CASCADE, related_name="standard_facts"
    )
    channel = models.CharField(_("channel"), max_length=10)
    unit = models.ForeignKey("inventory.Unit", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on (local date)"))
    output_at = models.DateTimeField(_("output at"), null=True, blank=True)
    output_on = models.DateField(_("output on (local date)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=FactOutcome.choices)
    exclusion_reason = models.CharField(_("exclusion reason"), max_length=100, blank=True)
    due_at = models.DateTimeField(_("due at"))
    is_paused = models.BooleanField(_("paused"), default=False)
    fiscal_year_received = models.CharField(_("fiscal year of receipt"), max_length=9)
    fiscal_year_output = models.CharField(
        _("fiscal year of output"), max_length=9, blank=True, default=""
    )
    computed_at = models.DateTimeField(_("computed at"))

    objects = StandardFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard fact")
        verbose_name_plural = _("standard facts")
        constraints = [
            models.UniqueConstraint(fields=["case", "standard"], name="measurement_fact_unique"),
            models.CheckConstraint(
                condition=Q(outcome__in=["met", "missed", "excluded", "pending"]),
                name="measurement_fact_outcome",
            ),
            # An output has an instant and a year; an open clock has neither.
            models.CheckConstraint(
                condition=(
                    Q(output_at__isnull=True, output_on__isnull=True, fiscal_year_output="")
                    | (
                        Q(output_at__isnull=False, output_on__isnull=False)
                        & ~Q(fiscal_year_output="")
                    )
                ),
                name="measurement_fact_output",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=["met", "missed"]) | Q(output_at__isnull=False),
                name="measurement_fact_measured_is_output",
            ),
        ]
        indexes = [
            models.Index(
                fields=["fiscal_year_output", "standard"], name="measurement_fact_fy_out_idx"
            ),
            models.Index(
                fields=["fiscal_year_received", "standard"], name="measurement_fact_fy_rec_idx"
            ),
            models.Index(
                fields=["standard", "due_at"],
                condition=Q(outcome="pending"),
                name="measurement_fact_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.standard_id}: {self.outcome}"


class OutsideCount(models.Model):
    """Volumes of one standard counted outside Comptoir for one period (e.g. calls answered
    within 60 seconds out of calls offered, from the telephony system)."""

    standard = models.ForeignKey(
        "inventory.ServiceStandard", on_delete=models.PROTECT, related_name="outside_counts"
    )
    period_start = models.DateField(_("first day of the period"))
    period_end = models.DateField(_("last day of the period"))
    volume_meeting = models.PositiveBigIntegerField(_("volume meeting the standard"))
    total_volume = models.PositiveBigIntegerField(_("total volume"))
    source_note = models.CharField(_("source"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outside count")
        verbose_name_plural = _("outside counts")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "period_start", "period_end"],
                name="measurement_outside_count_unique",
            ),
            models.CheckConstraint(
                condition=Q(volume_meeting__lte=F("total_volume")),
                name="measurement_outside_count_meeting_le_total",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="measurement_outside_count_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.period_start}/{self.period_end}"


# The stored real-time figures live in their own module; imported here so Django finds them.
from comptoir.measurement.realtime_models import RealtimeResult, RealtimeSetting  # noqa: E402

__all__ = ["FactOutcome", "OutsideCount", "RealtimeResult", "RealtimeSetting", "StandardFact"]
