"""Writes of insight: the "you said, we did" reports (drafted, edited, published)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.insight.feedback_queries import feedback_figures, writable_organizations
from comptoir.insight.models import FeedbackReport
from comptoir.inventory.models import Organization

if TYPE_CHECKING:
    from comptoir.accounts.models import User

#: The longest period one report covers (a fiscal year and a little more).
MAX_PERIOD_DAYS = 400
MAX_TEXT = 20_000


class ReportError(ValidationError):
    """A refused write of a report; its message is translated, nothing was changed."""


def _texts(texts: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (value or "").strip() for name, value in texts.items()}
    missing = [name for name, value in cleaned.items() if not value]
    if missing:
        raise ReportError(
            _("Write what you heard and what you changed, in English and in French."),
            code="text_required",
        )
    if any(len(value) > MAX_TEXT for value in cleaned.values()):
        raise ReportError(
            _("A text is too long (at most %(limit)s characters)."),
            code="text_too_long",
            params={"limit": MAX_TEXT},
        )
    return cleaned


def _period(start: date, end: date) -> None:
    if end < start:
        raise ReportError(_("The last day comes before the first."), code="period_reversed")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportError(
            _("A report covers at most %(days)s days."),
            code="period_too_long",
            params={"days": MAX_PERIOD_DAYS},
        )


def _require_writer(user: User, organization: Organization) -> None:
    if not writable_organizations(user).filter(pk=organization.pk).exists():
        raise ReportError(
            _("You do not write the reports of this organization."), code="not_writer"
        )


def do_save_report(
    *,
    user: User,
    organization: Organization,
    period_start: date,
    period_end: date,
    heard_en: str,
    heard_fr: str,
    changed_en: str,
    changed_fr: str,
    report: FeedbackReport | None = None,
) -> FeedbackReport:
    """Write a new draft, or change one (a published report can still be corrected: its
    history keeps what it said; its figures stay those of its publication)."""
    _require_writer(user, organization)
    _period(period_start, period_end)
    texts = _texts(
        {
            "heard_en": heard_en,
            "heard_fr": heard_fr,
            "changed_en": changed_en,
            "changed_fr": changed_fr,
        }
    )
    with transaction.atomic():
        if report is None:
            report = FeedbackReport(created_by=user)
        elif report.is_published and (
            report.organization_id != organization.pk
            or report.period_start != period_start
            or report.period_end != period_end
        ):
            raise ReportError(
                _("The period of a published report cannot change; write a new report."),
                code="published_period",
            )
        report.organization = organization
        report.period_start = period_start
        report.period_end = period_end
        for name, value in texts.items():
            setattr(report, name, value)
        report.save()
    return report


def do_publish_report(report: FeedbackReport, *, user: User) -> FeedbackReport:
    """Publish: the figures are counted now and kept with the report."""
    _require_writer(user, report.organization)
    if report.is_published:
        raise ReportError(_("This report is already published."), code="already_published")
    with transaction.atomic():
        report.figures = feedback_figures(
            report.organization, report.period_start, report.period_end
        )
        report.published_at = timezone.now()
        report.published_by = user
        report.save(update_fields=["figures", "published_at", "published_by"])
    return report
