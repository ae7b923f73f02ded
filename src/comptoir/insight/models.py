"""The periodic "you said, we did" report (Guideline on Service Management §2.3): what clients told
the organization through complaints, compliments and suggestions in a period, and what it changed.

The words are written by staff in both official languages; the figures are counted from the cases
when the report is published and kept with it (``figures``), so a published report says what it
said that day even if a case is later corrected. Nothing is deleted; every change is history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FeedbackReportQuerySet(models.QuerySet["FeedbackReport"]):
    def visible_to(self, user: object) -> FeedbackReportQuerySet:
        """Reports (drafts included) of the organizations the user writes them for: every one
        for administrators, the organizations of their units for unit managers. The public sees
        published reports through ``insight.feedback_queries.published_reports``."""
        from comptoir.insight.feedback_queries import writable_organizations

        return self.filter(organization__in=writable_organizations(user))

    def editable_by(self, user: object) -> FeedbackReportQuerySet:
        return self.visible_to(user)


class FeedbackReport(models.Model):
    organization = models.ForeignKey(
        "inventory.Organization",
        on_delete=models.PROTECT,
        related_name="feedback_reports",
        verbose_name=_("organization"),
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    heard_en = models.TextField(_("what we heard (English)"))
    heard_fr = models.TextField(_("what we heard (French)"))
    changed_en = models.TextField(_("what we changed (English)"))
    changed_fr = models.TextField(_("what we changed (French)"))
    #: The counts published with it (``insight.feedback_queries.feedback_figures``); empty until
    #: published.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    history = HistoricalRecords()

    objects = FeedbackReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("“you said, we did” report")
        verbose_name_plural = _("“you said, we did” reports")
        default_permissions = ("add", "change", "view")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="insight_feedback_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.period_start}–{self.period_end}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# The surveys' tables live in their own module; Django finds them through this import.
from comptoir.insight.survey_models import (  # noqa: E402
    StaffSurveyParticipation,
    StaffSurveyResponse,
    StaffSurveyRound,
    SurveyInvitation,
    SurveyPlan,
    SurveyResponse,
)

__all__ = [
    "FeedbackReport",
    "FeedbackReportQuerySet",
    "StaffSurveyParticipation",
    "StaffSurveyResponse",
    "StaffSurveyRound",
    "SurveyInvitation",
    "SurveyPlan",
    "SurveyResponse",
]
