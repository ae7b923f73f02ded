"""The managers' dashboard (issue 14, item 4): one call, :func:`dashboard`, gives every figure
of the page for a fiscal year, filtered by service, unit and channel, each as a chart with its
table and summary (``comptoir.insight.charts``).

What a reader sees: the standards' performance comes from the measured facts
(``comptoir.measurement.queries.performance``) of the services of the inventory, which every
inventory reader may see; everything counted from cases (backlog, cases at risk, volumes, data
gaps) comes from ``Case.objects.visible_to(reader)``, so a manager sees their units' cases and a
reader without casework sees none of them (the page says so).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir import i18n
from comptoir.casework import text as case_text
from comptoir.casework.models import Case, CaseEvent
from comptoir.casework.models.cases import CHANNEL_LABELS
from comptoir.core.casework import CaseKind, DataGap, Outcome
from comptoir.core.opendata.schema import is_fiscal_year
from comptoir.core.performance.scenarios import Scenario, scenario_of
from comptoir.insight import charts
from comptoir.insight.dashboard_text import BACKLOG_AGES, SCENARIO_LABELS, SCENARIO_QUESTIONS
from comptoir.inventory.models import Service, ServiceYear, StandardYear, Unit
from comptoir.measurement import queries as measurement

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: The most standards the page draws over time (the busiest first); the others are in the
#: scenarios' lists.
STANDARDS_LIMIT = 12
#: The most services in "top services by volume", and cases listed at risk.
TOP_SERVICES = 10
AT_RISK_LIMIT = 20
#: A case is at risk when a clock of it falls due within this time (or is past due).
AT_RISK_WITHIN = timedelta(hours=48)


def fiscal_year_bounds(code: str) -> tuple[datetime, datetime]:
    """The first instant of ``code`` ("2025-2026") and the first of the next year, in the
    site's time zone; ``ValueError`` for a code that is not a fiscal year."""
    if not is_fiscal_year(code or ""):
        raise ValueError(code)
    first = int(code[:4])
    zone = timezone.get_default_timezone()
    start = datetime.combine(date(first, 4, 1), time(), zone)
    return start, datetime.combine(date(first + 1, 4, 1), time(), zone)


def current_fiscal_year(today: date | None = None) -> str:
    today = today or timezone.localdate()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{start + 1}"


#: How many fiscal years before the current one the dashboard offers, besides the inventory's.
YEARS_BACK = 5


def fiscal_years(inventory_years: Sequence[str], today: date | None = None) -> list[str]:
    """The years the dashboard offers, the latest first: the current one and the
    :data:`YEARS_BACK` before it (cases are measured in them whether or not the inventory has
    the year), and the inventory's."""
    start = int(current_fiscal_year(today)[:4])
    recent = {f"{year}-{year + 1}" for year in range(start - YEARS_BACK, start + 1)}
    found = recent | {code for code in inventory_years if is_fiscal_year(code or "")}
    return sorted(found, reverse=True)


@dataclass(frozen=True)
class Filters:
    fiscal_year: str
    service: Service | None = None
    unit: Unit | None = None
    channel: str = ""
    #: A quarter of the fiscal year (1: April to June … 4: January to March), or the whole year.
    quarter: int | None = None

    def days(self) -> tuple[date, date]:
        """The first day of the period and the first day after it."""
        start, end = fiscal_year_bounds(self.fiscal_year)
        if self.quarter is None:
            return start.date(), end.date()
        if not 1 <= self.quarter <= 4:
            raise ValueError(self.quarter)
        first = start.date().replace(day=1)
        month = first.month + 3 * (self.quarter - 1)
        first = date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        month = first.month + 3
        after = date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return first, after

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's first instant and the first instant after it, in the site's zone."""
        zone = timezone.get_default_timezone()
        first, after = self.days()
        return datetime.combine(first, time(), zone), datetime.combine(after, time(), zone)


def period_words(filters: Filters) -> str:
    """ "Fiscal year 2025-2026" or "Quarter 2 of fiscal year 2025-2026", in the active
    language."""
    if filters.quarter is None:
        return _("Fiscal year %(year)s") % {"year": filters.fiscal_year}
    return _("Quarter %(quarter)s of fiscal year %(year)s") % {
        "quarter": filters.quarter,
        "year": filters.fiscal_year,
    }


@dataclass(frozen=True)
class StandardResult:
    """One standard's year: its name, volumes, performance against target, scenario."""

    key: str
    name: str
    service_name: str
    meeting: int
    total: int
    performance: Decimal | None
    target: Decimal | None
    scenario: Scenario | None
    chart: charts.Chart | None = None

    @property
    def performance_words(self) -> str:
        return percent(self.performance)

    @property
    def target_words(self) -> str:
        return percent(self.target)


@dataclass(frozen=True)
class ScenarioGroup:
    scenario: Scenario
    label: str
    questions: list[str]
    standards: list[StandardResult]


@dataclass(frozen=True)
class AtRiskCase:
    case: Case
    due_words: str
    is_overdue: bool


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    as_of: datetime
    standards: list[StandardResult]
    scenarios: list[ScenarioGroup]
    backlog: charts.Chart
    at_risk: list[AtRiskCase]
    at_risk_summary: str
    volume: charts.Chart
    top_services: charts.Chart
    data_gaps: charts.Chart
    #: False when the reader may see no case at all (a reader of the inventory only).
    sees_cases: bool
    #: Standards measured but not drawn over time (beyond :data:`STANDARDS_LIMIT`).
    more_standards: int = 0
    period_words: str = ""
    notes: list[str] = field(default_factory=list)


def percent(value: Decimal | None) -> str:
    """A share as a percentage with one decimal, rounded half up (number_format would cut)."""
    if value is None:
        return "—"
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(shown, decimal_pos=1)} %"


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _month_words(day: date) -> str:
    return date_format(day, "M Y")


# --- the standards --------------------------------------------------------------------------


def _dimensions(filters: Filters) -> tuple[str, ...]:
    return (
        "standard",
        *(["unit"] if filters.unit else []),
        *(["channel"] if filters.channel else []),
    )


def _kept(row: measurement.StandardPerformance, filters: Filters) -> bool:
    if filters.unit is not None and row.unit_id != filters.unit.pk:
        return False
    return not (filters.channel and row.channel != filters.channel)


def _names(fiscal_year: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(service ID, standard ID) → (the standard's name, the service's name) in the reader's
    language, from the year's records (the latest year's when the year has none)."""
    names: dict[tuple[str, str], tuple[str, str]] = {}
    if not keys:
        return names
    records = StandardYear.objects.filter(
        standard__service__service_id__in={service for service, _s in keys},
        standard__service_standard_id__in={standard for _s, standard in keys},
    ).values_list(
        "fiscal_year__code",
        "standard__service__service_id",
        "standard__service_standard_id",
        "service_standard_en",
        "service_standard_fr",
        "service_name_en",
        "service_name_fr",
    )
    # The latest year's record first, the year's own last: it wins.
    for _code, service, standard, std_en, std_fr, svc_en, svc_fr in sorted(
        records, key=lambda row: (row[0] == fiscal_year, row[0])
    ):
        if (service, standard) in keys:
            names[service, standard] = (i18n.pick(std_en, std_fr), i18n.pick(svc_en, svc_fr))
    return names


def _standards(filters: Filters, as_of: datetime) -> tuple[list[StandardResult], int]:
    by = _dimensions(filters)
    first, after = filters.days()
    yearly = measurement.performance(
        filters.fiscal_year,
        service=filters.service,
        period="fiscal_year" if filters.quarter is None else "quarter",
        by=by,
        as_of=as_of,
    )
    monthly = measurement.performance(
        filters.fiscal_year, service=filters.service, period="month", by=by, as_of=as_of
    )
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    targets: dict[tuple[str, str], Decimal | None] = {}
    for row in yearly.rows:
        if _kept(row, filters) and row.period.first_day == first:
            key = (row.service_id, row.standard_id)
            totals[key][0] += row.volume_meeting_target
            totals[key][1] += row.total_volume
            targets[key] = row.target
    months: dict[tuple[str, str], dict[date, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for row in monthly.rows:
        if _kept(row, filters) and first <= row.period.first_day < after:
            cell = months[row.service_id, row.standard_id][row.period.first_day]
            cell[0] += row.volume_meeting_target
            cell[1] += row.total_volume
    names = _names(filters.fiscal_year, set(totals))
    ordered = sorted(totals, key=lambda key: (-totals[key][1], key))
    results = []
    for index, key in enumerate(ordered):
        meeting, total = totals[key]
        performance = Decimal(meeting) / Decimal(total) if total else None
        target = targets.get(key)
        name, service_name = names.get(key, (key[1], key[0]))
        chart = _standard_chart(name, months[key], target) if index < STANDARDS_LIMIT else None
        results.append(
            StandardResult(
                key=f"{key[0]}-{key[1]}",
                name=name or key[1],
                service_name=service_name or key[0],
                meeting=meeting,
                total=total,
                performance=performance,
                target=target,
                scenario=scenario_of(performance, target),
                chart=chart,
            )
        )
    return results, max(0, len(results) - STANDARDS_LIMIT)


def _standard_chart(
    name: str, months: dict[date, list[int]], target: Decimal | None
) -> charts.Chart | None:
    points = [
        (month, meeting, total, Decimal(meeting) / Decimal(total))
        for month, (meeting, total) in sorted(months.items())
        if total
    ]
    if not points:
        return None
    values = [{"month": _month_words(m), "share": float(share)} for m, _a, _b, share in points]
    best = max(points, key=lambda point: point[3])
    worst = min(points, key=lambda point: point[3])
    summary = _(
        "%(name)s: between %(low)s (%(low_month)s) and %(high)s (%(high_month)s) a month, "
        "against a target of %(target)s."
    ) % {
        "name": name,
        "low": percent(worst[3]),
        "low_month": _month_words(worst[0]),
        "high": percent(best[3]),
        "high_month": _month_words(best[0]),
        "target": percent(target),
    }
    return charts.Chart(
        key="standard",
        title=name,
        summary=summary,
        svg=charts.line_chart(
            values,
            period="month",
            share="share",
            target=float(target) if target is not None else None,
            period_title=_("Month of output"),
            share_title=_("Share meeting the standard"),
        ),
        columns=[_("Month"), _("Meeting the standard"), _("Outputs"), _("Performance")],
        rows=[
            [_month_words(month), _count(meeting), _count(total), percent(share)]
            for month, meeting, total, share in points
        ],
    )


def _scenario_groups(standards: list[StandardResult]) -> list[ScenarioGroup]:
    groups = []
    for scenario in (Scenario.FALLING_SHORT, Scenario.MEETING, Scenario.EXCEEDING):
        groups.append(
            ScenarioGroup(
                scenario=scenario,
                label=str(SCENARIO_LABELS[scenario]),
                questions=[str(question) for question in SCENARIO_QUESTIONS[scenario]],
                standards=[result for result in standards if result.scenario is scenario],
            )
        )
    return groups


# --- the cases ------------------------------------------------------------------------------


def _cases(user: AnyUser, filters: Filters) -> Any:
    cases = Case.objects.visible_to(user)
    if filters.service is not None:
        cases = cases.filter(service=filters.service)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    return cases


def open_cases(user: AnyUser, filters: Filters) -> Any:
    """The open cases the reader may see, of the filters' unit where they are now."""
    cases = _cases(user, filters).open()
    return cases if filters.unit is None else cases.filter(current_unit=filters.unit)


def received_cases(user: AnyUser, filters: Filters) -> Any:
    """The cases received in the period, of the filters' unit where they came in."""
    start, end = filters.bounds()
    cases = _cases(user, filters).filter(received_at__gte=start, received_at__lt=end)
    return cases if filters.unit is None else cases.filter(entry_unit=filters.unit)


def resolved_cases(user: AnyUser, filters: Filters) -> Any:
    """The cases resolved in the period, of the filters' unit that holds them."""
    start, end = filters.bounds()
    cases = _cases(user, filters).filter(resolved_at__gte=start, resolved_at__lt=end)
    return cases if filters.unit is None else cases.filter(current_unit=filters.unit)


def _backlog(user: AnyUser, filters: Filters, now: datetime) -> charts.Chart:
    cases = open_cases(user, filters)
    buckets: dict[str, Any] = {}
    lower: int = 0
    for index, (upper, _label) in enumerate(BACKLOG_AGES):
        age = Q(received_at__lte=now - timedelta(days=lower)) if index else Q()
        if upper is not None:
            age &= Q(received_at__gt=now - timedelta(days=upper))
        buckets[f"age{index}"] = Count("pk", filter=age)
        lower = upper or lower
    counts = cases.aggregate(**buckets)
    rows = [
        (str(label), int(counts[f"age{index}"] or 0))
        for index, (_upper, label) in enumerate(BACKLOG_AGES)
    ]
    total = sum(number for _label, number in rows)
    older = sum(number for _label, number in rows[3:])  # over ten days
    summary = ngettext(
        "%(count)s case is open; %(older)s of them were received more than ten days ago.",
        "%(count)s cases are open; %(older)s of them were received more than ten days ago.",
        total,
    ) % {"count": _count(total), "older": _count(older)}
    return charts.Chart(
        key="backlog",
        title=_("Backlog and its age"),
        summary=summary,
        svg=charts.bar_chart(
            [{"age": label, "cases": number} for label, number in rows],
            category="age",
            amount="cases",
            category_title=_("Time since receipt"),
            amount_title=_("Open cases"),
        ),
        columns=[_("Time since receipt"), _("Open cases")],
        rows=[[label, _count(number)] for label, number in rows],
    )


def _at_risk(user: AnyUser, filters: Filters, now: datetime) -> tuple[list[AtRiskCase], str]:
    cases = open_cases(user, filters).filter(next_due_at__isnull=False)
    risky = cases.filter(next_due_at__lte=now + AT_RISK_WITHIN)
    counts = risky.aggregate(overdue=Count("pk", filter=Q(next_due_at__lte=now)), all=Count("pk"))
    listed = [
        AtRiskCase(
            case=case,
            due_words=date_format(timezone.localtime(case.next_due_at), "DATETIME_FORMAT"),
            is_overdue=case.next_due_at <= now,
        )
        for case in risky.select_related("service", "current_unit").order_by("next_due_at", "pk")[
            :AT_RISK_LIMIT
        ]
    ]
    overdue, total = int(counts["overdue"] or 0), int(counts["all"] or 0)
    summary = _(
        "%(overdue)s open cases are past due and %(soon)s more fall due within two days."
    ) % {"overdue": _count(overdue), "soon": _count(total - overdue)}
    return listed, summary


def _volume(user: AnyUser, filters: Filters) -> charts.Chart:
    cases = received_cases(user, filters)
    counts = Counter(
        {
            (row["channel"], row["kind"]): row["number"]
            for row in cases.values("channel", "kind").annotate(number=Count("pk")).order_by()
        }
    )
    channels = [code for code in CHANNEL_LABELS if any(c == code for c, _k in counts)]
    kinds = [kind for kind in CaseKind if any(k == kind.value for _c, k in counts)]
    cells = [
        (str(CHANNEL_LABELS[channel]), case_text.label(kind), counts[channel, kind.value])
        for channel in channels
        for kind in kinds
        if counts[channel, kind.value]
    ]
    values = [{"channel": c, "kind": k, "cases": n} for c, k, n in cells]
    total = sum(counts.values())
    by_channel: Counter[str] = Counter()
    for (channel, _kind), number in counts.items():
        by_channel[channel] += number
    summary = _("No case was received in this period.")
    if total:
        first, number = by_channel.most_common(1)[0]
        summary = _("%(total)s cases received; the most by %(channel)s (%(share)s).") % {
            "total": _count(total),
            "channel": str(CHANNEL_LABELS[first]).lower(),  # type: ignore[index]
            "share": percent(Decimal(number) / Decimal(total)),
        }
    return charts.Chart(
        key="volume",
        title=_("Volume by channel and kind"),
        summary=summary,
        svg=charts.stacked_bar_chart(
            values,
            category="channel",
            stack="kind",
            amount="cases",
            category_title=_("Channel"),
            stack_title=_("Kind of case"),
            amount_title=_("Cases received"),
        ),
        columns=[_("Channel"), _("Kind of case"), _("Cases received")],
        rows=[[channel, kind, _count(number)] for channel, kind, number in cells],
    )


def service_names(service_pks: Sequence[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for pk, english, french in (
        ServiceYear.objects.filter(service_id__in=service_pks)
        .order_by("fiscal_year__code")
        .values_list("service_id", "service_name_en", "service_name_fr")
    ):
        names[pk] = i18n.pick(english, french) or names.get(pk, "")
    return names


def _top_services(user: AnyUser, filters: Filters) -> charts.Chart:
    cases = received_cases(user, filters)
    top = list(
        cases.values("service", "service__service_id")
        .annotate(number=Count("pk"))
        .order_by("-number", "service__service_id")[:TOP_SERVICES]
    )
    names = service_names([row["service"] for row in top])
    rows = [(names.get(row["service"]) or row["service__service_id"], row["number"]) for row in top]
    summary = (
        _("%(service)s received the most cases: %(count)s.")
        % {"service": rows[0][0], "count": _count(rows[0][1])}
        if rows
        else _("No case was received in this period.")
    )
    return charts.Chart(
        key="top_services",
        title=_("Top services by volume"),
        summary=summary,
        svg=charts.bar_chart(
            [{"service": name, "cases": number} for name, number in rows],
            category="service",
            amount="cases",
            category_title=_("Service"),
            amount_title=_("Cases received"),
            horizontal=True,
        ),
        columns=[_("Service"), _("Cases received")],
        rows=[[name, _count(number)] for name, number in rows],
    )


def unanswered(cases: Any) -> list[tuple[int, int, str]]:
    """(case key, service key, data-gap code or "") of each case of ``cases`` that is resolved
    as could not be answered, read again from its events so that a correction of the outcome
    counts (``core.casework.derive_state``). Only the cases whose events mention such an
    outcome are read."""
    from comptoir.casework.actions import derive, facts_of

    mentioned = CaseEvent.objects.filter(case__in=cases.values("pk")).filter(
        Q(kind="resolved", payload__outcome=Outcome.UNANSWERABLE.value)
        | Q(kind="corrected", payload__has_key="outcome")
    )
    candidates = set(mentioned.values_list("case_id", flat=True))
    services = dict(Case.objects.filter(pk__in=candidates).values_list("pk", "service_id"))
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.filter(case_id__in=candidates).order_by("case_id", "sequence"):
        events[event.case_id].append(event)
    found = []
    for case_id, case_events in sorted(events.items()):
        state = derive(facts_of(case_events))
        if state.outcome is Outcome.UNANSWERABLE:
            gap = state.data_gap.value if state.data_gap else ""
            found.append((case_id, services[case_id], gap))
    return found


def gap_label(code: str) -> str:
    return case_text.label(DataGap(code)) if code else _("No category given")


def _data_gaps(user: AnyUser, filters: Filters) -> charts.Chart:
    """Requests resolved in the period that could not be answered, by data-gap category."""
    cases = resolved_cases(user, filters)
    gaps: Counter[str] = Counter(gap for _case, _service, gap in unanswered(cases))
    rows = [
        (gap_label(code), gaps[code])
        for code in [*(gap.value for gap in DataGap), ""]
        if gaps[code]
    ]
    total = sum(number for _label, number in rows)
    summary = (
        ngettext(
            "%(count)s request could not be answered; the most common reason: %(reason)s.",
            "%(count)s requests could not be answered; the most common reason: %(reason)s.",
            total,
        )
        % {"count": _count(total), "reason": max(rows, key=lambda row: row[1])[0].lower()}
        if rows
        else _("Every request resolved in this period was answered.")
    )
    return charts.Chart(
        key="data_gaps",
        title=_("Data gaps"),
        summary=summary,
        svg=charts.bar_chart(
            [{"gap": label, "cases": number} for label, number in rows],
            category="gap",
            amount="cases",
            category_title=_("Why it could not be answered"),
            amount_title=_("Requests"),
            horizontal=True,
        ),
        columns=[_("Why it could not be answered"), _("Requests")],
        rows=[[label, _count(number)] for label, number in rows],
    )


def dashboard(user: AnyUser, filters: Filters, *, now: datetime | None = None) -> Dashboard:
    """Every figure of the managers' dashboard for ``filters`` as ``user`` may see them."""
    now = now or timezone.now()
    standards, more = _standards(filters, now)
    at_risk, at_risk_summary = _at_risk(user, filters, now)
    return Dashboard(
        filters=filters,
        as_of=now,
        standards=standards,
        scenarios=_scenario_groups(standards),
        backlog=_backlog(user, filters, now),
        at_risk=at_risk,
        at_risk_summary=at_risk_summary,
        volume=_volume(user, filters),
        top_services=_top_services(user, filters),
        data_gaps=_data_gaps(user, filters),
        sees_cases=Case.objects.visible_to(user).exists(),
        more_standards=more,
        period_words=period_words(filters),
    )
