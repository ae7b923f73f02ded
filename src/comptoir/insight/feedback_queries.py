"""Reads of the "you said, we did" reports: who may write them, the figures counted from the
feedback cases of a period, and the pages' data (staff list and form, public pages).

Periods are calendar dates taken in UTC: a case counts in a period when the instant in question
(received, resolved, escalated) falls from 00:00 UTC on the first day to 24:00 UTC on the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.casework.models import Case, CaseEvent
from comptoir.insight.models import FeedbackReport
from comptoir.inventory.models import Organization, ServiceYear, UnitMembership
from comptoir.inventory.models.scope import acts_for_every_organization

if TYPE_CHECKING:
    from comptoir.accounts.models import User

#: The case kinds a report counts, in the order it shows them.
FEEDBACK_KINDS = ("complaint", "compliment", "suggestion")
#: How many services the report names (those with the most feedback in the period).
TOP_SERVICES = 5
#: The longest list a page shows.
PAGE_LIMIT = 200


def writable_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations whose reports ``user`` may write and publish: every one for
    administrators; for a unit manager, the organizations of the units they manage."""
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    if acts_for_every_organization(user):
        return Organization.objects.all()
    managed = UnitMembership.objects.filter(
        user_id=user.pk, is_active=True, is_manager=True
    ).values("unit__organization_id")
    return Organization.objects.filter(pk__in=managed)


def reports_for(user: User) -> QuerySet[FeedbackReport]:
    """Every report (drafts included) of the organizations ``user`` writes for."""
    return FeedbackReport.objects.visible_to(user)


def access_report(user: User, pk: int) -> FeedbackReport:
    """The report ``pk`` when ``user`` writes for its organization; 404 otherwise."""
    report = reports_for(user).select_related("organization").filter(pk=pk).first()
    if report is None:
        raise Http404(_("No such report."))
    return report


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _service_names(service_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each service's names in its newest fiscal year, English and French."""
    names: dict[int, tuple[str, str]] = {}
    rows = (
        ServiceYear.objects.filter(service_id__in=service_ids)
        .order_by("service_id", "-fiscal_year__code")
        .values_list("service_id", "service_name_en", "service_name_fr", "service__service_id")
    )
    for service_pk, name_en, name_fr, code in rows:
        names.setdefault(service_pk, (name_en or code, name_fr or code))
    return names


def feedback_figures(organization: Organization, start: date, end: date) -> dict[str, Any]:
    """What the feedback cases of ``organization`` say for the period (JSON-ready):

    per kind, ``received`` (received in the period), ``resolved`` (resolved in it) and
    ``open_at_end`` (received by its end and not resolved by then); ``escalated``, the complaints
    escalated in the period; ``services``, the services with the most feedback received, with
    their names in both languages and their count per kind.
    """
    low, high = _bounds(start, end)
    cases = Case.objects.filter(service__organization=organization, kind__in=FEEDBACK_KINDS)
    received = Q(received_at__gte=low, received_at__lt=high)
    counts = cases.aggregate(
        **{
            f"{kind}_{name}": Count("pk", filter=Q(kind=kind) & condition)
            for kind in FEEDBACK_KINDS
            for name, condition in (
                ("received", received),
                ("resolved", Q(resolved_at__gte=low, resolved_at__lt=high)),
                (
                    "open_at_end",
                    Q(received_at__lt=high)
                    & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=high)),
                ),
            )
        }
    )
    escalations = CaseEvent.objects.filter(
        case=OuterRef("pk"), kind="referred", payload__escalated=True, at__gte=low, at__lt=high
    )
    escalated = cases.filter(kind="complaint").filter(Exists(escalations)).count()
    by_service: list[dict[str, Any]] = [
        dict(row)
        for row in cases.filter(received)
        .values("service_id")
        .annotate(
            total=Count("pk"),
            **{kind: Count("pk", filter=Q(kind=kind)) for kind in FEEDBACK_KINDS},
        )
        .order_by("-total", "service_id")[:TOP_SERVICES]
    ]
    names = _service_names([row["service_id"] for row in by_service])
    return {
        "kinds": {
            kind: {
                name: counts[f"{kind}_{name}"] for name in ("received", "resolved", "open_at_end")
            }
            for kind in FEEDBACK_KINDS
        },
        "escalated": escalated,
        "services": [
            {
                "name_en": names.get(row["service_id"], ("?", "?"))[0],
                "name_fr": names.get(row["service_id"], ("?", "?"))[1],
                "total": row["total"],
                **{kind: row[kind] for kind in FEEDBACK_KINDS},
            }
            for row in by_service
        ],
    }


@dataclass(frozen=True, slots=True)
class KindRow:
    label: str
    received: int
    resolved: int
    open_at_end: int


@dataclass(frozen=True, slots=True)
class ServiceRow:
    name: str
    total: int
    complaints: int
    compliments: int
    suggestions: int


@dataclass(frozen=True, slots=True)
class ReportView:
    """One report as a page shows it, in the reader's language."""

    report: FeedbackReport
    organization: str
    heard: str
    changed: str
    kinds: tuple[KindRow, ...]
    escalated: int
    services: tuple[ServiceRow, ...]
    #: Whether the figures are the ones kept at publication (else counted now, for a draft).
    figures_frozen: bool


def _kind_label(kind: str) -> str:
    from comptoir.casework import text
    from comptoir.core.casework import CaseKind

    return str(text.CASE_KIND_LABELS[CaseKind(kind)])


def report_view(report: FeedbackReport) -> ReportView:
    figures = report.figures if report.is_published else None
    if not figures:
        figures = feedback_figures(report.organization, report.period_start, report.period_end)
    kinds = figures.get("kinds", {})
    return ReportView(
        report=report,
        organization=i18n.pick_field(report.organization, "title"),
        heard=i18n.pick_field(report, "heard"),
        changed=i18n.pick_field(report, "changed"),
        kinds=tuple(
            KindRow(
                label=_kind_label(kind),
                received=int(kinds.get(kind, {}).get("received", 0)),
                resolved=int(kinds.get(kind, {}).get("resolved", 0)),
                open_at_end=int(kinds.get(kind, {}).get("open_at_end", 0)),
            )
            for kind in FEEDBACK_KINDS
        ),
        escalated=int(figures.get("escalated", 0)),
        services=tuple(
            ServiceRow(
                name=i18n.pick(row.get("name_en", ""), row.get("name_fr", "")),
                total=int(row.get("total", 0)),
                complaints=int(row.get("complaint", 0)),
                compliments=int(row.get("compliment", 0)),
                suggestions=int(row.get("suggestion", 0)),
            )
            for row in figures.get("services", [])
        ),
        figures_frozen=report.is_published,
    )


@dataclass(frozen=True, slots=True)
class StaffList:
    reports: list[FeedbackReport]
    organizations: list[Organization]


def staff_list(user: User) -> StaffList:
    return StaffList(
        reports=list(reports_for(user).select_related("organization")[:PAGE_LIMIT]),
        organizations=list(writable_organizations(user).order_by("owner_org")[:PAGE_LIMIT]),
    )


def published_reports() -> list[FeedbackReport]:
    """The public list: published reports, newest period first."""
    return list(
        FeedbackReport.objects.filter(published_at__isnull=False).select_related("organization")[
            :PAGE_LIMIT
        ]
    )


def published_report(pk: int) -> ReportView:
    report = (
        FeedbackReport.objects.filter(published_at__isnull=False, pk=pk)
        .select_related("organization")
        .first()
    )
    if report is None:
        raise Http404(_("No such report."))
    return report_view(report)
