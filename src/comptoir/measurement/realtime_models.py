"""The stored real-time performance of a service standard (``docs/measurement.md``, "Real-time
performance for clients").

:class:`RealtimeSetting` says how a standard's real-time figures are computed and how often
(the window of recent outputs, the update category). A standard without a setting uses the
defaults: a 90-day window, refreshed daily ("timed").

:class:`RealtimeResult` is the figures as last computed, one row per standard, replaced at each
refresh. The public page and the feeds read it and nothing else: a visitor never triggers a
computation, and a change of the facts shows only once the result is refreshed. Like the facts it
is derived data (``docs/decisions/0013-standard-facts.md``): it can be thrown away and rebuilt.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.core.performance.realtime import UpdateCategory

DEFAULT_WINDOW_DAYS = 90


class RealtimeUpdateCategory(models.TextChoices):
    """``core.performance.realtime.UpdateCategory``'s codes, with their labels."""

    TIMED = UpdateCategory.TIMED.value, _("Timed (daily)")
    NEAR_REAL_TIME = UpdateCategory.NEAR_REAL_TIME.value, _("Near real time (hourly)")
    INSTANTANEOUS = UpdateCategory.INSTANTANEOUS.value, _("Instantaneous (at each sweep)")


class RealtimeSetting(models.Model):
    """How one standard's real-time figures are computed and refreshed (set in the
    administration; every change is in its history)."""

    standard = models.OneToOneField(
        "inventory.ServiceStandard", on_delete=models.CASCADE, related_name="realtime_setting"
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        default=DEFAULT_WINDOW_DAYS,
        help_text=_("The outputs of this many most recent days are counted."),
    )
    update_category = models.CharField(
        _("update category"),
        max_length=20,
        choices=RealtimeUpdateCategory.choices,
        default=RealtimeUpdateCategory.TIMED,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("real-time performance setting")
        verbose_name_plural = _("real-time performance settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=1, window_days__lte=3660),
                name="measurement_realtime_window_days",
            ),
            models.CheckConstraint(
                condition=Q(update_category__in=[c.value for c in UpdateCategory]),
                name="measurement_realtime_setting_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id}: {self.window_days} d, {self.update_category}"


class RealtimeResult(models.Model):
    """The real-time figures of one standard as last computed (``payload``: the feed's schema,
    ``measurement.realtime.SCHEMA_VERSION``)."""

    standard = models.OneToOneField(
        "inventory.ServiceStandard", on_delete=models.CASCADE, related_name="realtime_result"
    )
    service = models.ForeignKey(
        "inventory.Service", on_delete=models.CASCADE, related_name="realtime_results"
    )
    computed_at = models.DateTimeField(_("computed at"))
    window_days = models.PositiveSmallIntegerField(_("window (days)"))
    update_category = models.CharField(
        _("update category"), max_length=20, choices=RealtimeUpdateCategory.choices
    )
    payload = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("real-time performance result")
        verbose_name_plural = _("real-time performance results")
        indexes = [models.Index(fields=["service"], name="measurement_realtime_svc_idx")]

    def __str__(self) -> str:
        return f"{self.standard_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
