"""Read paths of the inventory that are more than a filter: indicators and change history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.accounts.roles import Role
from comptoir.core.opendata.indicators import (
    Indicators,
    ServiceFacts,
    StandardFacts,
    compute_indicators,
)
from comptoir.core.opendata.schema import APPLICATION_CHANNEL_FIELDS, ONLINE_POINT_FIELDS
from comptoir.inventory.exporting import official_cells
from comptoir.inventory.models import (
    FiscalYear,
    Organization,
    ServiceYear,
    StandardYear,
)

_SERVICE_FACT_FIELDS = (
    "service_scope",
    "client_feedback_channel",
    *ONLINE_POINT_FIELDS,
    "num_phone_enquiries",
    *APPLICATION_CHANNEL_FIELDS,
)


def _service_facts(fiscal_year: str, org: str | None) -> Iterator[ServiceFacts]:
    records: QuerySet[ServiceYear] = ServiceYear.objects.filter(fiscal_year__code=fiscal_year)
    if org:
        records = records.filter(fiscal_year__organization__owner_org=org)
    keys = ("fiscal_year__code", "service__service_id", "fiscal_year__organization__owner_org")
    for values in records.values_list(*keys, *_SERVICE_FACT_FIELDS).iterator(2000):
        row = dict(zip(_SERVICE_FACT_FIELDS, values[3:], strict=True))
        row["fiscal_yr"], row["service_id"], row["owner_org"] = values[:3]
        yield ServiceFacts.from_row(row)


def _standard_facts(fiscal_year: str, org: str | None) -> Iterator[StandardFacts]:
    records: QuerySet[StandardYear] = StandardYear.objects.filter(fiscal_year__code=fiscal_year)
    if org:
        records = records.filter(fiscal_year__organization__owner_org=org)
    keys = (
        "fiscal_year__code",
        "standard__service__service_id",
        "fiscal_year__organization__owner_org",
        "target",
        "volume_meeting_target",
        "total_volume",
        "performance",
        "target_met",
    )
    for fy, service_id, owner_org, *cells in records.values_list(*keys).iterator(2000):
        row = dict(zip(keys[3:], cells, strict=True))
        yield StandardFacts(
            fiscal_year=fy,
            service_id=service_id,
            owner_org=owner_org,
            target_met=official_cells(row)["target_met"],
        )


def indicators_for(fiscal_year: str, org: str | None = None) -> Indicators:
    """The inventory indicators of a fiscal year, across organizations or for ``org``.

    ``target_met`` is recomputed with the official rules, as in the export. Used by the
    ``comptoir inventory indicators`` command and by the dashboard page.
    """
    return compute_indicators(
        _service_facts(fiscal_year, org),
        _standard_facts(fiscal_year, org),
        fiscal_year=fiscal_year,
        owner_org=org or None,
    )


def fiscal_year_codes() -> list[str]:
    """Every fiscal year that has records, newest first."""
    return sorted(set(FiscalYear.objects.values_list("code", flat=True)), reverse=True)


# --- history --------------------------------------------------------------------------------------


_KIND_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Removed")}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One historical row: who, when, what kind of change and which fields changed how."""

    date: datetime
    user: Any
    kind: str  # "+" created, "~" changed, "-" deleted (never by a user)
    reason: str
    changes: list[FieldChange]

    @property
    def summary(self) -> str:
        """What happened, for an entry without field changes (a creation)."""
        if self.reason:
            return self.reason
        return str(_KIND_LABELS.get(self.kind, self.kind))


def _label(model: type[Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since that history row was written
        return name
    return str(getattr(field, "verbose_name", name))


def history_of(obj: Model, *, limit: int = 200) -> list[HistoryEntry]:
    """Field-level diffs of ``obj``'s history rows, newest first (creation without diff)."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date", "-pk")[:limit])
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else record.prev_record
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                FieldChange(change.field, _label(type(obj), change.field), change.old, change.new)
                for change in delta.changes
            ]
        entries.append(
            HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def service_year_history(record: ServiceYear, *, limit: int = 200) -> list[HistoryEntry]:
    """The change history of a service record (its assessments included), newest first."""
    entries = history_of(record, limit=limit)
    for related in ("service_test", "priority_assessment"):
        # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        assessment = getattr(record, related, None)
        if assessment is not None:
            entries.extend(history_of(assessment, limit=limit))
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries[:limit]


def changed_fields(entries: Sequence[HistoryEntry]) -> set[str]:
    return {change.field for entry in entries for change in entry.changes}


def owners_of(record: ServiceYear) -> QuerySet[User]:
    """The staff who own the service of ``record`` now."""
    return User.objects.filter(
        service_ownerships__service_id=record.service_id, service_ownerships__is_active=True
    ).order_by("username")


def owner_candidates(record: ServiceYear) -> QuerySet[User]:
    """Active staff with the service owner role who do not own the service yet."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.SERVICE_OWNER.value)
        .exclude(pk__in=owners_of(record).values("pk"))
        .order_by("username")
        .distinct()
    )


# --- public pages ---------------------------------------------------------------------------------
#
# Only approved (frozen) fiscal years are public. Each page reads the title the year keeps, never
# the organization's current title (which the import of a later, unapproved year may change).

#: Organizations per page of the public list; the anonymous home page shows the first page.
PUBLIC_ORGANIZATIONS_PER_PAGE = 50
#: Services per page of an organization's public service standards page.
PUBLIC_SERVICES_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class PublicOrganization:
    """An organization that has at least one approved fiscal year, titled as in its newest."""

    owner_org: str
    title_en: str
    title_fr: str
    fiscal_year: str


@dataclass(frozen=True, slots=True)
class PublicOrganizationsPage:
    """One page (``page.object_list`` of :class:`PublicOrganization`) of the public list."""

    page: Page[PublicOrganization]


@dataclass(frozen=True, slots=True)
class PublicServiceStandardsPage:
    """An organization's service standards for one approved fiscal year.

    ``title_en``/``title_fr`` are the organization's title as that year keeps it;
    ``approved_years`` the codes of every approved year, newest first; ``services`` one page of
    the year's service records, each with its ``standard_years`` prefetched.
    """

    owner_org: str
    title_en: str
    title_fr: str
    fiscal_year: FiscalYear
    approved_years: list[str]
    services: Page[ServiceYear]


def _approved_years() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.filter(approved_at__isnull=False)


def public_organizations_page(
    page_number: str | int | None, *, per_page: int = PUBLIC_ORGANIZATIONS_PER_PAGE
) -> PublicOrganizationsPage:
    """The organizations that have an approved fiscal year, by code, one page of them."""
    newest = _approved_years().filter(organization=OuterRef("pk")).order_by("-code")
    organizations = (
        Organization.objects.annotate(
            public_year=Subquery(newest.values("code")[:1]),
            public_title_en=Subquery(newest.values("owner_org_title_en")[:1]),
            public_title_fr=Subquery(newest.values("owner_org_title_fr")[:1]),
        )
        .filter(public_year__isnull=False)
        .order_by("owner_org")
        .values_list("owner_org", "public_title_en", "public_title_fr", "public_year")
    )
    page = Paginator(organizations, per_page).get_page(page_number)
    page.object_list = [
        PublicOrganization(owner_org=org, title_en=en or org, title_fr=fr, fiscal_year=year)
        for org, en, fr, year in page.object_list
    ]
    return PublicOrganizationsPage(page=page)


def public_service_standards_page(
    owner_org: str,
    fiscal_year: str | None,
    page_number: str | int | None,
    *,
    per_page: int = PUBLIC_SERVICES_PER_PAGE,
) -> PublicServiceStandardsPage:
    """The public page of ``owner_org`` for the approved ``fiscal_year`` (default: the newest).

    Raises :class:`~django.http.Http404` when the organization has no approved year (it is not
    public at all) or ``fiscal_year`` is not one of its approved years.
    """
    approved = list(_approved_years().filter(organization__owner_org=owner_org).order_by("-code"))
    if not approved:
        raise Http404(_("No such organization."))
    chosen = fiscal_year or approved[0].code
    year = next((candidate for candidate in approved if candidate.code == chosen), None)
    if year is None:
        raise Http404(_("No approved fiscal year %(code)s.") % {"code": chosen})
    services = (
        year.service_years.select_related("service")
        .prefetch_related(
            Prefetch(
                "standard_years",
                queryset=StandardYear.objects.select_related("standard").order_by(
                    "standard__service_standard_id"
                ),
            )
        )
        .order_by("service__service_id")
    )
    title_en, title_fr = (year.owner_org_title_en or owner_org), year.owner_org_title_fr
    return PublicServiceStandardsPage(
        owner_org=owner_org,
        title_en=title_en,
        title_fr=title_fr,
        fiscal_year=year,
        approved_years=[candidate.code for candidate in approved],
        services=Paginator(services, per_page).get_page(page_number),
    )
