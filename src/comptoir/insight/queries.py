"""Read paths of the insight pages: the heat map of standards met and its drill-down, and the
GC InfoBase panels of one fiscal year.

Every figure is an aggregate query (``GROUP BY`` / conditional ``COUNT`` and ``SUM``) over the
records the reader may see: organizations, services and yearly records come only through the
inventory's ``visible_to(user)`` querysets (``comptoir.inventory.models.scope``). "Target met" is
the official rule (``comptoir.core.performance.official``) written in SQL by
:mod:`comptoir.insight.target_met`. Each page takes a constant number of queries whatever the
number of organizations or records; lists are paginated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Trim
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.core.opendata.indicators import IN_SCOPE, rounded_share
from comptoir.core.opendata.schema import (
    APPLICATION_CHANNEL_FIELDS,
    CHANNEL_CHOICES,
    COUNT_MAXIMUM,
    ONLINE_POINT_FIELDS,
    STANDARD_TYPE_CHOICES,
)
from comptoir.core.performance.official import TargetMet
from comptoir.insight.target_met import count_value, grouped_status, settled
from comptoir.inventory.exporting import official_cells
from comptoir.inventory.models import (
    FiscalYear,
    Organization,
    Service,
    ServiceYear,
    StandardYear,
)
from comptoir.inventory.templatetags.comptoir_ui import percent

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: Organizations (or services) per page of the heat maps.
ROWS_PER_PAGE = 40
#: At most this many fiscal years (the newest) as columns.
YEAR_COLUMNS = 10
#: At most this many standards on a service's page.
STANDARDS_LIMIT = 100
#: A service with at least this many applications in the year is high-volume (GC InfoBase).
HIGH_VOLUME = 45_000

#: Share bands of a heat-map cell, each with its symbol (the legend never relies on colour).
BAND_HIGH, BAND_MIDDLE, BAND_LOW, BAND_NONE = "high", "middle", "low", "none"
BAND_SYMBOLS = {BAND_HIGH: "●", BAND_MIDDLE: "◐", BAND_LOW: "○", BAND_NONE: "–"}


def band_words(band: str) -> str:
    """The legend's words of a band, in the page's language (``80% or more met``)."""
    high, low = percent(Decimal("0.8")), percent(Decimal("0.5"))
    if band == BAND_HIGH:
        return _("%(share)s or more met") % {"share": high}
    if band == BAND_MIDDLE:
        return _("%(low)s to under %(high)s met") % {"low": low, "high": high}
    if band == BAND_LOW:
        return _("under %(share)s met") % {"share": low}
    return str(_("no standard with results"))


#: Column modes of the heat map.
BY_YEAR, BY_TYPE, BY_CHANNEL = "years", "types", "channels"
MODES = (BY_YEAR, BY_TYPE, BY_CHANNEL)
MODE_LABELS = {
    BY_YEAR: _("Fiscal years"),
    BY_TYPE: _("Standard types"),
    BY_CHANNEL: _("Channels"),
}


# --- counts of standards met ----------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Standards of one cell: ``met`` of ``assessed`` (target met ``Y`` or ``N``), and how many
    had no result (``NA``, or a stored cell that is neither)."""

    met: int = 0
    assessed: int = 0
    without_result: int = 0

    def add(self, status: str, count: int) -> None:
        if status == TargetMet.YES:
            self.met += count
            self.assessed += count
        elif status == TargetMet.NO:
            self.assessed += count
        else:
            self.without_result += count

    @property
    def total(self) -> int:
        return self.assessed + self.without_result

    @property
    def share(self) -> Decimal | None:
        """Met ÷ assessed, 4 decimals (``None`` without an assessed standard)."""
        return rounded_share(Fraction(self.met, self.assessed)) if self.assessed else None

    @property
    def band(self) -> str:
        if not self.assessed:
            return BAND_NONE
        if self.met * 100 >= 80 * self.assessed:
            return BAND_HIGH
        if self.met * 100 >= 50 * self.assessed:
            return BAND_MIDDLE
        return BAND_LOW

    @property
    def symbol(self) -> str:
        return BAND_SYMBOLS[self.band]

    @property
    def band_label(self) -> str:
        return band_words(self.band)


def _tallies(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], Tally]:
    """``(key..., status, k, count)`` rows of a ``GROUP BY`` → tally per key."""
    tallies: dict[tuple[Any, ...], Tally] = {}
    for *key, status, k, count in rows:
        tallies.setdefault(tuple(key), Tally()).add(settled(status, k), count)
    return tallies


def _grouped(records: QuerySet[StandardYear], *keys: str) -> list[tuple[Any, ...]]:
    """One ``GROUP BY keys, status`` query: ``(key..., status, k, count)`` rows."""
    return grouped_status(records, *keys)


# --- the heat map ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Cell:
    tally: Tally
    url: str = ""


@dataclass(frozen=True, slots=True)
class HeatRow:
    code: str
    label: str
    url: str
    cells: list[Cell]


@dataclass(frozen=True, slots=True)
class HeatMap:
    """Rows × columns of standards met; ``page`` paginates the rows."""

    mode: str
    fiscal_year: str
    fiscal_years: list[str]
    columns: list[Column]
    rows: list[HeatRow]
    page: Page[Any]
    bands: list[tuple[str, str, str]] = field(default_factory=list)


def legend() -> list[tuple[str, str, str]]:
    """(band, symbol, words) of the legend, highest first."""
    return [(band, symbol, band_words(band)) for band, symbol in BAND_SYMBOLS.items()]


def visible_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Organizations with a fiscal year the user may see, by title in the page's language."""
    return Organization.objects.filter(
        pk__in=FiscalYear.objects.visible_to(user).values("organization_id")
    ).order_by(i18n.field_name("title"), "owner_org")


def fiscal_year_codes(user: AnyUser) -> list[str]:
    """The fiscal years the user may see, newest first."""
    codes = FiscalYear.objects.visible_to(user).order_by().values_list("code", flat=True).distinct()
    return sorted(codes, reverse=True)


def default_fiscal_year(user: AnyUser, years: list[str]) -> str:
    """The newest fiscal year with a standard record the user may see (a year only begun, such as
    the real file's single 2024-2025 service, would show empty panels), else the newest."""
    newest = (
        StandardYear.objects.visible_to(user)
        .order_by("-fiscal_year__code")
        .values_list("fiscal_year__code", flat=True)
        .first()
    )
    return newest or (years[0] if years else "")


def _code_columns(mode: str) -> list[Column]:
    choices = STANDARD_TYPE_CHOICES if mode == BY_TYPE else CHANNEL_CHOICES
    return [Column(str(code), i18n.pick(*labels)) for code, labels in choices.items()]


def heat_map(
    user: AnyUser, *, mode: str = BY_YEAR, fiscal_year: str = "", page_number: Any = 1
) -> HeatMap:
    """Organizations × fiscal years (or × standard types or channels of ``fiscal_year``, by
    default the newest with a standard record): the share of each organization's standards
    that met their target.

    At most five queries: the fiscal years (and the default one when none is asked for), the page
    of organizations (count and rows) and one ``GROUP BY`` over the yearly standard records of
    those organizations.
    """
    mode = mode if mode in MODES else BY_YEAR
    years = fiscal_year_codes(user)
    if fiscal_year not in years:
        fiscal_year = default_fiscal_year(user, years)
    page = Paginator(visible_organizations(user), ROWS_PER_PAGE).get_page(page_number)
    organizations: list[Organization] = list(page.object_list)
    records = StandardYear.objects.visible_to(user).filter(
        fiscal_year__organization__in=[o.pk for o in organizations]
    )
    if mode == BY_YEAR:
        columns = [Column(code, code) for code in sorted(years[:YEAR_COLUMNS])]
        records = records.filter(fiscal_year__code__in=[c.code for c in columns])
        key = "fiscal_year__code"
    else:
        columns = _code_columns(mode)
        records = records.filter(fiscal_year__code=fiscal_year)
        key = "_i_column"
        records = records.annotate(_i_column=Trim("type" if mode == BY_TYPE else "channel"))
    tallies = _tallies(_grouped(records, "fiscal_year__organization_id", key))
    rows = []
    for organization in organizations:
        url = reverse("insight:organization", args=[organization.owner_org])
        cells = []
        for column in columns:
            tally = tallies.get((organization.pk, column.code), Tally())
            cells.append(Cell(tally, url if tally.total else ""))
        label = i18n.pick(organization.title_en, organization.title_fr) or organization.owner_org
        rows.append(HeatRow(organization.owner_org, label, url, cells))
    return HeatMap(mode, fiscal_year, years, columns, rows, page, legend())


@dataclass(frozen=True, slots=True)
class OrganizationMap:
    """One organization's services × fiscal years."""

    organization: Organization
    label: str
    fiscal_year: str
    columns: list[Column]
    rows: list[HeatRow]
    page: Page[Any]
    totals: list[Cell]
    bands: list[tuple[str, str, str]]


def organization_map(user: AnyUser, owner_org: str, *, page_number: Any = 1) -> OrganizationMap:
    """The services of ``owner_org`` × its fiscal years (404 when the user may see none of its
    years). Six queries whatever the number of services."""
    years_seen = FiscalYear.objects.visible_to(user).filter(organization__owner_org=owner_org)
    found = list(years_seen.select_related("organization").order_by("-code")[:YEAR_COLUMNS])
    if not found:
        raise Http404(_("No such organization."))
    organization = found[0].organization
    codes = sorted(year.code for year in found)
    columns = [Column(code, code) for code in codes]
    service_years = ServiceYear.objects.visible_to(user).filter(
        fiscal_year__organization=organization, fiscal_year__code__in=codes
    )
    services = Service.objects.filter(pk__in=service_years.values("service_id")).order_by(
        "service_id"
    )
    page = Paginator(services, ROWS_PER_PAGE).get_page(page_number)
    service_pks = [service.pk for service in page.object_list]
    names: dict[int, tuple[str, str, int]] = {}
    year_pks: dict[tuple[int, str], int] = {}
    for pk, service_pk, code, name_en, name_fr in (
        service_years.filter(service_id__in=service_pks)
        .order_by("fiscal_year__code")
        .values_list("pk", "service_id", "fiscal_year__code", "service_name_en", "service_name_fr")
    ):
        names[service_pk] = (name_en, name_fr, pk)  # the newest year's name wins
        year_pks[(service_pk, code)] = pk
    records = StandardYear.objects.visible_to(user).filter(
        fiscal_year__organization=organization, fiscal_year__code__in=codes
    )
    tallies = _tallies(
        _grouped(
            records.filter(standard__service_id__in=service_pks),
            "standard__service_id",
            "fiscal_year__code",
        )
    )
    whole = _tallies(_grouped(records, "fiscal_year__code"))
    rows = []
    for service in page.object_list:
        name_en, name_fr, latest_pk = names.get(service.pk, ("", "", 0))
        cells = []
        for column in columns:
            tally = tallies.get((service.pk, column.code), Tally())
            record_pk = year_pks.get((service.pk, column.code))
            url = reverse("insight:service", args=[record_pk]) if record_pk and tally.total else ""
            cells.append(Cell(tally, url))
        label = i18n.pick(name_en, name_fr) or service.service_id
        url = reverse("insight:service", args=[latest_pk]) if latest_pk else ""
        rows.append(HeatRow(service.service_id, label, url, cells))
    return OrganizationMap(
        organization=organization,
        label=i18n.pick(organization.title_en, organization.title_fr) or owner_org,
        fiscal_year=codes[-1],
        columns=columns,
        rows=rows,
        page=page,
        totals=[Cell(whole.get((column.code,), Tally())) for column in columns],
        bands=legend(),
    )


@dataclass(frozen=True, slots=True)
class StandardResult:
    """A standard's record of one year, as the official rules compute it."""

    target: str
    volume_meeting_target: str
    total_volume: str
    performance: str
    target_met: str
    url: str


@dataclass(frozen=True, slots=True)
class StandardRow:
    standard_id: str
    label: str
    type_label: str
    channel_label: str
    results: list[StandardResult | None]


@dataclass(frozen=True, slots=True)
class ServiceResults:
    """A service's standards × fiscal years."""

    record: ServiceYear
    service_label: str
    organization_label: str
    columns: list[Column]
    rows: list[StandardRow]
    truncated: bool


def service_results(user: AnyUser, record: ServiceYear) -> ServiceResults:
    """The yearly results of every standard of ``record``'s service (``record`` already checked
    visible): at most :data:`STANDARDS_LIMIT` standards, the newest :data:`YEAR_COLUMNS` years."""
    service = record.service
    years = list(
        ServiceYear.objects.visible_to(user)
        .filter(service=service)
        .order_by("-fiscal_year__code")
        .values_list("fiscal_year__code", "pk")[:YEAR_COLUMNS]
    )
    years.reverse()
    codes = [code for code, _pk in years]
    record_pks = dict(years)
    standard_years = (
        StandardYear.objects.visible_to(user)
        .filter(standard__service=service, fiscal_year__code__in=codes)
        .select_related("standard", "fiscal_year")
        .order_by("standard__service_standard_id", "fiscal_year__code")
    )
    by_standard: dict[int, dict[str, StandardYear]] = {}
    standard_ids: dict[int, str] = {}
    for sty in standard_years[: STANDARDS_LIMIT * len(codes) + 1]:
        if sty.standard_id not in by_standard and len(by_standard) == STANDARDS_LIMIT:
            break
        by_standard.setdefault(sty.standard_id, {})[sty.fiscal_year.code] = sty
        standard_ids[sty.standard_id] = sty.standard.service_standard_id
    truncated = (
        len(by_standard) == STANDARDS_LIMIT
        and standard_years.order_by().values("standard_id").distinct().count() > STANDARDS_LIMIT
    )
    rows = []
    for standard_pk, by_year in by_standard.items():
        latest = by_year[max(by_year)]
        results: list[StandardResult | None] = []
        for code in codes:
            found = by_year.get(code)
            if found is None:
                results.append(None)
                continue
            sty = found
            row = {
                "target": sty.target,
                "volume_meeting_target": sty.volume_meeting_target,
                "total_volume": sty.total_volume,
                "performance": sty.performance,
                "target_met": sty.target_met,
            }
            cells = official_cells(row)
            page_pk = sty.service_year_id or record_pks.get(code)
            url = reverse("inventory:service_detail", args=[page_pk]) if page_pk else ""
            results.append(
                StandardResult(
                    target=sty.target,
                    volume_meeting_target=sty.volume_meeting_target,
                    total_volume=sty.total_volume,
                    performance=cells["performance"],
                    target_met=cells["target_met"],
                    url=url,
                )
            )
        rows.append(
            StandardRow(
                standard_id=standard_ids[standard_pk],
                label=i18n.pick_field(latest, "service_standard"),
                type_label=_label(STANDARD_TYPE_CHOICES, latest.type),
                channel_label=_label(CHANNEL_CHOICES, latest.channel),
                results=results,
            )
        )
    organization = service.organization
    return ServiceResults(
        record=record,
        service_label=i18n.pick_field(record, "service_name") or service.service_id,
        organization_label=i18n.pick(organization.title_en, organization.title_fr),
        columns=[Column(code, code) for code in codes],
        rows=rows,
        truncated=truncated,
    )


def _label(choices: Any, cell: str) -> str:
    pair = choices.get(cell.strip())
    return i18n.pick(*pair) if pair else cell


# --- the panels -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointStatus:
    """One client interaction point: how many in-scope services answered Y, N, NA, or else."""

    field: str
    label: str
    yes: int
    no: int
    not_applicable: int
    other: int


@dataclass(frozen=True, slots=True)
class ChannelVolume:
    field: str
    label: str
    total: int
    services_reporting: int


@dataclass(frozen=True, slots=True)
class Panels:
    """The GC InfoBase panels of one fiscal year over the services the reader may see.

    Service figures are over the **in-scope** services (scope ``EXTERN`` or ``ENTERPRISE``), as
    the inventory's indicators; standard figures over every standard of the year.
    """

    fiscal_year: str
    fiscal_years: list[str]
    organizations: int
    services_total: int
    services_in_scope: int
    services_with_standard: int
    standards: Tally
    high_volume_services: int
    high_volume_standards: Tally
    points: list[PointStatus]
    services_with_points: int
    services_online_end_to_end: int
    channels: list[ChannelVolume]
    applications_total: int
    website_visits: int
    services_reporting_visits: int

    @property
    def services_with_standard_share(self) -> Decimal | None:
        return _share(self.services_with_standard, self.services_in_scope)

    @property
    def online_end_to_end_share(self) -> Decimal | None:
        return _share(self.services_online_end_to_end, self.services_with_points)


def _share(numerator: int, denominator: int) -> Decimal | None:
    return rounded_share(Fraction(numerator, denominator)) if denominator else None


def _in_scope() -> Q:
    condition = Q(pk__in=[])
    for code in sorted(IN_SCOPE):
        condition |= (
            Q(service_scope=code)
            | Q(service_scope__startswith=f"{code},")
            | Q(service_scope__endswith=f",{code}")
            | Q(service_scope__contains=f",{code},")
        )
    return condition


_VOLUME_FIELDS = (*APPLICATION_CHANNEL_FIELDS, "num_phone_enquiries", "num_website_visits")


def _service_figures(service_years: QuerySet[ServiceYear], has_standard: Exists) -> dict[str, int]:
    """The counts and sums of the panels over ``service_years``, in one query: the per-record
    values (in scope, has a standard, the counts as numbers, the online points) in a derived
    table, summed over it (an ORM aggregate copies each expression into every sum that names
    it)."""
    volumes = (*_VOLUME_FIELDS, "num_applications_total")
    inner: QuerySet[Any] = service_years.annotate(
        p_org=F("fiscal_year__organization_id"),
        p_in=Case(When(_in_scope(), then=1), default=0),
        p_std=Case(When(has_standard, then=1), default=0),
    )
    for name in volumes:
        inner = count_value(inner, name, f"n_{name}")
    inner = inner.order_by().values(
        "p_org", "p_in", "p_std", *ONLINE_POINT_FIELDS, *(f"n_{name}" for name in volumes)
    )
    applicable = " OR ".join(f"t.{name} <> 'NA'" for name in ONLINE_POINT_FIELDS)
    all_online = " AND ".join(f"t.{name} IN ('Y', 'NA')" for name in ONLINE_POINT_FIELDS)
    total = "t.n_num_applications_total"

    def counted(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    columns: dict[str, str] = {
        "services_total": "COUNT(*)",
        "organizations": "COUNT(DISTINCT t.p_org)",
        "in_scope": "SUM(t.p_in)",
        "with_standard": counted("t.p_in = 1 AND t.p_std = 1"),
        "with_points": counted(f"t.p_in = 1 AND ({applicable})"),
        "end_to_end": counted(f"t.p_in = 1 AND ({applicable}) AND {all_online}"),
        "high_volume": counted(f"{total} >= {HIGH_VOLUME} AND {total} <= {COUNT_MAXIMUM}"),
    }
    for name in ONLINE_POINT_FIELDS:
        for code in ("Y", "N", "NA"):
            columns[f"{name}__{code}"] = counted(f"t.p_in = 1 AND t.{name} = '{code}'")
    for name in _VOLUME_FIELDS:
        bounded = f"t.p_in = 1 AND t.n_{name} <= {COUNT_MAXIMUM}"
        columns[f"{name}__sum"] = f"SUM(CASE WHEN {bounded} THEN t.n_{name} ELSE 0 END)"
        columns[f"{name}__services"] = counted(bounded)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # nothing to read
        return dict.fromkeys(columns, 0)
    # Materialized: see ``target_met.grouped_status``.
    query = f"WITH t AS MATERIALIZED ({sql}) SELECT {', '.join(columns.values())} FROM t"  # noqa: S608
    with connections[inner.db].cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return {key: int(value or 0) for key, value in zip(columns, row, strict=True)}


def panels(user: AnyUser, fiscal_year: str = "") -> Panels:
    """The panels of ``fiscal_year`` (by default the newest with a standard record). At most four
    queries: the fiscal years (and the default one), one aggregate over the service records and
    one ``GROUP BY`` over the standard records."""
    years = fiscal_year_codes(user)
    if fiscal_year not in years:
        fiscal_year = default_fiscal_year(user, years)
    service_years = ServiceYear.objects.visible_to(user).filter(fiscal_year__code=fiscal_year)
    standards_of_year = StandardYear.objects.visible_to(user).filter(fiscal_year__code=fiscal_year)
    has_standard = Exists(
        standards_of_year.filter(
            standard__service_id=OuterRef("service_id"), fiscal_year_id=OuterRef("fiscal_year_id")
        )
    )
    figures = _service_figures(service_years, has_standard)
    standard_rows = _grouped(
        count_value(standards_of_year, "service_year__num_applications_total", "_i_hv").annotate(
            _i_high=Case(
                When(Q(_i_hv__gte=HIGH_VOLUME, _i_hv__lte=COUNT_MAXIMUM), then=1),
                default=0,
            )
        ),
        "_i_high",
    )
    overall = Tally()
    high = Tally()
    for is_high, status, k, count in standard_rows:
        overall.add(settled(status, k), count)
        if is_high:
            high.add(settled(status, k), count)

    def field_label(name: str) -> str:
        return str(getattr(ServiceYear._meta.get_field(name), "verbose_name", name))

    points = [
        PointStatus(
            field=name,
            label=field_label(name),
            yes=figures[f"{name}__Y"],
            no=figures[f"{name}__N"],
            not_applicable=figures[f"{name}__NA"],
            other=figures["in_scope"]
            - figures[f"{name}__Y"]
            - figures[f"{name}__N"]
            - figures[f"{name}__NA"],
        )
        for name in ONLINE_POINT_FIELDS
    ]
    channels = [
        ChannelVolume(
            field=name,
            label=field_label(name),
            total=figures[f"{name}__sum"] or 0,
            services_reporting=figures[f"{name}__services"],
        )
        for name in (*APPLICATION_CHANNEL_FIELDS, "num_phone_enquiries")
    ]
    return Panels(
        fiscal_year=fiscal_year,
        fiscal_years=years,
        organizations=figures["organizations"],
        services_total=figures["services_total"],
        services_in_scope=figures["in_scope"],
        services_with_standard=figures["with_standard"],
        standards=overall,
        high_volume_services=figures["high_volume"],
        high_volume_standards=high,
        points=points,
        services_with_points=figures["with_points"],
        services_online_end_to_end=figures["end_to_end"],
        channels=channels,
        applications_total=sum(c.total for c in channels[: len(APPLICATION_CHANNEL_FIELDS)]),
        website_visits=figures["num_website_visits__sum"] or 0,
        services_reporting_visits=figures["num_website_visits__services"],
    )


__all__: Sequence[str] = (
    "HeatMap",
    "OrganizationMap",
    "Panels",
    "ServiceResults",
    "Tally",
    "heat_map",
    "organization_map",
    "panels",
    "service_results",
)
