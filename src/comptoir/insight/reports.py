"""The three reports Statistics Canada's managers said they lacked (issue 14, item 6), each
from one call returning a dataclass:

- :func:`unit_report`: one unit's (one office's) performance for a fiscal year or a quarter —
  the dashboard's figures for that unit — as a page and as a tagged PDF in the unit's language
  (``comptoir.insight.pdf``), for a manager to send each office;
- :func:`data_quality`: what weakens the figures — cases with an anonymous client, cases
  missing what they should say, suspected duplicate clients, cases of a service the inventory
  does not hold for the year, events recorded out of order;
- :func:`data_gaps`: the requests that could not be answered, by category and service.

Cases come from ``Case.objects.visible_to(reader)`` as on the dashboard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import Lag
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.casework.models import Case, CaseEvent
from comptoir.clients.models import Client, DuplicateCandidate
from comptoir.insight import dashboard
from comptoir.inventory.models import ServiceYear, Unit

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: The cases named as examples under each data-quality check.
EXAMPLES = 10


@dataclass(frozen=True)
class UnitReport:
    unit: Unit
    language: str
    period_words: str
    board: dashboard.Dashboard
    received: int
    resolved: int
    unit_name: str = ""

    @property
    def charts(self) -> list[Any]:
        """The figures counted from cases, each with its table."""
        return [self.board.volume, self.board.top_services, self.board.data_gaps]


def unit_report(
    user: AnyUser, unit: Unit, filters: dashboard.Filters, *, now: datetime | None = None
) -> UnitReport:
    """``unit``'s report for the period of ``filters`` (its unit replaced by ``unit``)."""
    filters = dashboard.Filters(
        fiscal_year=filters.fiscal_year,
        service=filters.service,
        unit=unit,
        channel=filters.channel,
        quarter=filters.quarter,
    )
    return UnitReport(
        unit=unit,
        language=unit.language,
        period_words=dashboard.period_words(filters),
        board=dashboard.dashboard(user, filters, now=now),
        received=dashboard.received_cases(user, filters).count(),
        resolved=dashboard.resolved_cases(user, filters).count(),
        unit_name=i18n.pick_field(unit, "name"),
    )


@dataclass(frozen=True)
class QualityCheck:
    """One check: how many cases (or records) it finds among how many, and a few examples."""

    key: str
    title: Promise
    explanation: Promise
    found: int
    among: int
    examples: list[Case]

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.found) / Decimal(self.among) if self.among else None

    @property
    def share_words(self) -> str:
        return dashboard.percent(self.share)


@dataclass(frozen=True)
class DataQualityReport:
    filters: dashboard.Filters
    period_words: str
    checks: list[QualityCheck]
    #: Pending pairs of possible duplicate clients among the clients the reader may see.
    duplicate_pairs: int
    clients: int


def _examples(cases: Any) -> list[Case]:
    return list(cases.select_related("service").order_by("-received_at", "pk")[:EXAMPLES])


def data_quality(user: AnyUser, filters: dashboard.Filters) -> DataQualityReport:
    received = dashboard.received_cases(user, filters)
    total = received.count()
    anonymous = received.filter(is_anonymous=True)
    empty = received.filter(Q(description="") | Q(request_type__isnull=True))
    in_inventory = ServiceYear.objects.filter(
        service=OuterRef("service"), fiscal_year__code=filters.fiscal_year
    )
    outside = received.filter(~Exists(in_inventory))
    # An event whose instant is earlier than the one recorded before it (a call logged later
    # is one; a clock read from such a log is only as good as its order).
    previous = Window(Lag("at"), partition_by=[F("case_id")], order_by=F("sequence").asc())
    late = (
        CaseEvent.objects.filter(case__in=received.values("pk"))
        .annotate(previous_at=previous)
        .filter(at__lt=F("previous_at"))
    )
    late_cases = set(late.values_list("case_id", flat=True))
    checks = [
        QualityCheck(
            "anonymous",
            _("Cases with an anonymous client"),
            _("The client gave no name: these cases count in no client's history."),
            anonymous.count(),
            total,
            _examples(anonymous),
        ),
        QualityCheck(
            "empty",
            _("Cases missing what was asked or its request type"),
            _("Without them, the case cannot be found again or counted by request type."),
            empty.count(),
            total,
            _examples(empty),
        ),
        QualityCheck(
            "outside_inventory",
            _("Cases of a service the inventory does not hold for the year"),
            _("Their volumes cannot flow into the year's open-data inventory."),
            outside.count(),
            total,
            _examples(outside),
        ),
        QualityCheck(
            "out_of_order",
            _("Cases with events recorded out of order"),
            _(
                "An event is dated before the one recorded ahead of it: the clocks read the "
                "events by date, so check that the dates are right."
            ),
            len(late_cases),
            total,
            _examples(Case.objects.filter(pk__in=late_cases)),
        ),
    ]
    visible = Client.objects.visible_to(user).not_merged()
    pairs = DuplicateCandidate.objects.filter(
        left__in=visible.values("pk"), right__in=visible.values("pk")
    ).count()
    return DataQualityReport(
        filters=filters,
        period_words=dashboard.period_words(filters),
        checks=checks,
        duplicate_pairs=pairs,
        clients=visible.count(),
    )


@dataclass(frozen=True)
class GapRow:
    service_id: str
    service_name: str
    category: str
    requests: int
    examples: list[Case]


@dataclass(frozen=True)
class DataGapReport:
    filters: dashboard.Filters
    period_words: str
    rows: list[GapRow]
    by_category: list[tuple[str, int]]
    total: int
    resolved: int

    @property
    def share_words(self) -> str:
        return dashboard.percent(
            Decimal(self.total) / Decimal(self.resolved) if self.resolved else None
        )


def data_gaps(user: AnyUser, filters: dashboard.Filters) -> DataGapReport:
    """The requests resolved in the period that could not be answered, by service and
    category (the most first), with a few of their cases."""
    resolved = dashboard.resolved_cases(user, filters)
    found = dashboard.unanswered(resolved)
    counts = Counter((service, gap) for _case, service, gap in found)
    by_category = Counter(gap for _case, _service, gap in found)
    cases = Case.objects.in_bulk([case for case, _service, _gap in found])
    names = dashboard.service_names(sorted({service for _s, service, _g in found}))
    codes = dict(Case.objects.filter(pk__in=cases).values_list("service_id", "service__service_id"))
    rows = [
        GapRow(
            service_id=codes.get(service, ""),
            service_name=names.get(service) or codes.get(service, ""),
            category=dashboard.gap_label(gap),
            requests=number,
            examples=[cases[case] for case, s, g in found if (s, g) == (service, gap)][:EXAMPLES],
        )
        for (service, gap), number in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return DataGapReport(
        filters=filters,
        period_words=dashboard.period_words(filters),
        rows=rows,
        by_category=[
            (dashboard.gap_label(gap), number) for gap, number in by_category.most_common()
        ],
        total=len(found),
        resolved=resolved.count(),
    )
