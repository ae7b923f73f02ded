"""Read paths of the inventory: each page's data (a dataclass from one call), indicators and
change history. Every list is bounded; what a user may see or do comes from the querysets'
``visible_to`` / ``editable_by`` methods."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.accounts.models import User
from comptoir.accounts.roles import Role
from comptoir.core.opendata.indicators import (
    Indicators,
    ServiceFacts,
    StandardFacts,
    compute_indicators,
)
from comptoir.core.opendata.schema import APPLICATION_CHANNEL_FIELDS, ONLINE_POINT_FIELDS
from comptoir.core.standards import StandardRule
from comptoir.inventory.access import resolvable_finding_ids
from comptoir.inventory.change_reasons import describe_reason
from comptoir.inventory.exporting import official_cells
from comptoir.inventory.findings import DescribedFinding, describe_all
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    Organization,
    ServiceOwnership,
    ServiceStandard,
    ServiceYear,
    Severity,
    StandardYear,
    scope,
)
from comptoir.inventory.models.services import ServiceYearQuerySet
from comptoir.measurement.rule_text import rule_sentence

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


def staff_label(user: User) -> str:
    """A staff member as the pages name them: full name and user name, or the user name."""
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


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
            return describe_reason(self.reason)
        return str(_KIND_LABELS.get(self.kind, self.kind))


def _field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since that history row was written
        return None


def _related_label(obj: Model) -> str:
    if isinstance(obj, User):
        return staff_label(obj)
    if hasattr(obj, "name_en"):
        return i18n.pick_field(obj, "name")
    if hasattr(obj, "title_en"):
        return i18n.pick_field(obj, "title")
    return str(obj)


def _name_related(model: type[Model], changes: list[FieldChange]) -> list[FieldChange]:
    """Changes of foreign keys name the related object ("Ottawa office"), not its key ("1")."""
    wanted: dict[type[Model], set[Any]] = {}
    for change in changes:
        field = _field(model, change.field)
        if field is not None and field.many_to_one:
            wanted.setdefault(field.related_model, set()).update(
                value for value in (change.old, change.new) if value is not None
            )
    if not wanted:
        return changes
    labels = {
        (related, obj.pk): _related_label(obj)
        for related, keys in wanted.items()
        for obj in related._default_manager.filter(pk__in=keys)
    }

    def named(field: Any, value: Any) -> Any:
        if value is None or field is None or not field.many_to_one:
            return value
        return labels.get((field.related_model, value), value)

    return [
        FieldChange(
            change.field,
            change.label,
            named(_field(model, change.field), change.old),
            named(_field(model, change.field), change.new),
        )
        for change in changes
    ]


def _label(model: type[Model], name: str) -> str:
    field = _field(model, name)
    return name if field is None else str(getattr(field, "verbose_name", name))


def history_of(obj: Model, *, limit: int = 200) -> list[HistoryEntry]:
    """Field-level diffs of ``obj``'s history rows, newest first (creation without diff)."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date", "-pk")[:limit])
    entries = []
    model = type(obj)
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else record.prev_record
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = _name_related(
                model,
                [
                    FieldChange(change.field, _label(model, change.field), change.old, change.new)
                    for change in delta.changes
                ],
            )
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


# --- staff pages ----------------------------------------------------------------------------------

#: How many open findings, ownership changes and history rows a service page lists; the rest are
#: a link away (the findings list filtered on the service).
SERVICE_PAGE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ServicePage:
    """Everything the staff service page shows, with what the reader may do there."""

    record: ServiceYear
    standards: list[StandardYear]
    findings: list[DescribedFinding]
    findings_total: int
    years: list[ServiceYear]
    history: list[HistoryEntry]
    service_test: Any
    priority_assessment: Any
    owners: list[tuple[User, str]]
    ownership_history: list[Any]
    may_edit: bool
    may_approve: bool
    may_resolve: bool
    may_manage_owners: bool
    approval_url: str
    #: The keys of the listed findings the reader may mark resolved.
    resolvable: set[int]
    limit: int = SERVICE_PAGE_LIMIT


def _approval_url(record: ServiceYear) -> str:
    """The fiscal year's approval page, or ``""`` when a stored code cannot be put in a URL."""
    try:
        return reverse(
            "inventory:fiscal_year_approve",
            args=[record.fiscal_year.organization.owner_org, record.fiscal_year.code],
        )
    except NoReverseMatch:
        return ""


def service_page(user: User, record: ServiceYear) -> ServicePage:
    """The service page of ``record`` (already checked visible to ``user``)."""
    standards = list(
        record.standard_years.select_related("standard")
        .annotate(open_findings=Count("findings", filter=Q(findings__is_resolved=False)))
        .order_by("standard__service_standard_id")
    )
    open_findings = (
        Finding.objects.open()
        .filter(Q(service_year=record) | Q(standard_year__service_year=record))
        .select_related("fiscal_year__organization", "standard_year")
        .order_by("service_standard_id", "field", "rule", "pk")
    )
    _describe_rules(user, standards)
    is_open_year = not record.fiscal_year.is_approved
    may_manage_owners = ServiceYear.objects.owners_manageable_by(user).filter(pk=record.pk).exists()
    ownership_history: list[Any] = []
    if may_manage_owners:
        ownership_history = list(
            ServiceOwnership.history.filter(service_id=record.service_id)
            .select_related("user", "history_user")
            .order_by("-history_date", "-history_id")[:SERVICE_PAGE_LIMIT]
        )
    owners = owners_of(record)
    listed = list(open_findings[:SERVICE_PAGE_LIMIT]) if is_open_year else []
    resolvable = resolvable_finding_ids(user, listed)
    return ServicePage(
        record=record,
        standards=standards,
        findings=describe_all(listed or open_findings[:SERVICE_PAGE_LIMIT]),
        findings_total=open_findings.count(),
        years=list(
            record.service.years.select_related("fiscal_year")
            .order_by("-fiscal_year__code")
            .only("pk", "fiscal_year__code", "fiscal_year__approved_at")
        ),
        history=service_year_history(record, limit=SERVICE_PAGE_LIMIT),
        service_test=getattr(record, "service_test", None),
        priority_assessment=getattr(record, "priority_assessment", None),
        owners=[(owner, staff_label(owner)) for owner in owners],
        ownership_history=ownership_history,
        may_edit=is_open_year
        and ServiceYear.objects.editable_by(user).filter(pk=record.pk).exists(),
        may_approve=is_open_year
        and FiscalYear.objects.approvable_by(user).filter(pk=record.fiscal_year_id).exists(),
        may_resolve=bool(resolvable),
        may_manage_owners=may_manage_owners,
        approval_url=_approval_url(record),
        resolvable=resolvable,
    )


def _describe_rules(user: User, standards: Sequence[StandardYear]) -> None:
    """Give each listed standard record ``rule_text`` (its standard's machine rule in words, or
    ``""``) and ``may_set_rule`` (whether the reader may change that rule)."""
    editable = set(
        ServiceStandard.objects.editable_by(user)
        .filter(pk__in=[row.standard_id for row in standards])
        .values_list("pk", flat=True)
    )
    for row in standards:
        stored = row.standard.rule
        row.rule_text = rule_sentence(StandardRule.from_dict(stored)) if stored else ""  # type: ignore[attr-defined]
        row.may_set_rule = row.standard_id in editable  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StandardRulePage:
    """The page that sets a standard's machine rule."""

    standard: ServiceStandard
    rule: StandardRule | None
    name: str
    back_url: str


def standard_rule_page(user: User, standard_pk: int) -> StandardRulePage:
    """The rule page of a standard the user may change: 404 when the reader may not see the
    inventory or there is no such standard; ``PermissionDenied`` when they may see it but not
    change its rule."""
    if not scope.is_staff_viewer(user):
        raise Http404
    standard = (
        ServiceStandard.objects.select_related("service__organization")
        .filter(pk=standard_pk)
        .first()
    )
    if standard is None:
        raise Http404
    if not ServiceStandard.objects.editable_by(user).filter(pk=standard.pk).exists():
        raise PermissionDenied(_("You may not change this service."))
    latest = standard.years.select_related("fiscal_year").order_by("-fiscal_year__code").first()
    name = i18n.pick_field(latest, "service_standard") if latest else ""
    year = standard.service.years.order_by("-fiscal_year__code").only("pk").first()
    back = (
        reverse("inventory:service_detail", args=[year.pk])
        if year
        else reverse("inventory:service_list")
    )
    return StandardRulePage(
        standard=standard,
        rule=StandardRule.from_dict(standard.rule) if standard.rule else None,
        name=name or standard.service_standard_id,
        back_url=back,
    )


def service_list_page(
    user: User, filters: dict[str, Any] | None, *, page_number: str | None, page_size: int
) -> Page[ServiceYear]:
    """One page of the service records the user may see, filtered (``None``: the filter form
    was invalid, so nothing is listed), with each record's number of standards."""
    records = ServiceYear.objects.visible_to(user)
    records = _filter_services(records, filters) if filters is not None else records.none()
    records = (
        records.select_related("service", "fiscal_year__organization")
        .annotate(standards_count=Count("standard_years", distinct=True))
        .order_by("fiscal_year__organization__owner_org", "service__service_id")
    )
    return Paginator(records, page_size).get_page(page_number)


def _filter_services(records: ServiceYearQuerySet, filters: dict[str, Any]) -> ServiceYearQuerySet:
    if filters.get("fiscal_year"):
        records = records.for_fiscal_year(filters["fiscal_year"])
    if filters.get("organization"):
        records = records.for_organization(filters["organization"])
    if filters.get("service_type"):
        records = records.with_code("service_type", filters["service_type"])
    if filters.get("service_scope"):
        records = records.with_code("service_scope", filters["service_scope"])
    designation = filters.get("designation")
    if designation == "priority":
        records = records.filter(is_priority=True)
    elif designation == "mission_critical":
        records = records.filter(is_mission_critical=True)
    elif designation == "essential":
        records = records.filter(is_essential=True)
    if filters.get("q"):
        records = records.search(filters["q"])
    return records


@dataclass(frozen=True, slots=True)
class FindingListPage:
    page: Any
    described: list[DescribedFinding]
    resolvable: set[int]
    status: str


def finding_list_page(
    user: User, filters: dict[str, Any] | None, *, page_number: str | None, page_size: int
) -> FindingListPage:
    """One page of the data-quality findings the user may see, filtered (``None``: the filter
    form was invalid, so nothing is listed)."""
    items = Finding.objects.visible_to(user).select_related(
        "fiscal_year__organization", "service_year", "standard_year", "resolved_by", "superseded_by"
    )
    if filters is None:
        items, filters = items.none(), {}
    status = filters.get("status") or ""
    if filters.get("fiscal_year"):
        items = items.filter(fiscal_year__code=filters["fiscal_year"])
    if filters.get("organization"):
        items = items.filter(fiscal_year__organization__owner_org=filters["organization"])
    if filters.get("service"):
        items = items.filter(service_id=filters["service"])
    for name in ("resource", "severity", "rule"):
        if filters.get(name):
            items = items.filter(**{name: filters[name]})
    if status == "resolved":
        items = items.filter(is_resolved=True)
    elif status != "all":
        items = items.filter(is_resolved=False)
    items = items.order_by("fiscal_year__organization__owner_org", "resource", "row", "field", "pk")
    page = Paginator(items, page_size).get_page(page_number)
    return FindingListPage(
        page=page,
        described=describe_all(page.object_list),
        resolvable=resolvable_finding_ids(user, page.object_list),
        status=status,
    )


@dataclass(frozen=True, slots=True)
class ApprovalCounts:
    """What the approval page shows before a fiscal year is frozen."""

    services: int
    standards: int
    errors: int
    warnings: int


def approval_counts(fiscal_year: FiscalYear) -> ApprovalCounts:
    by_severity = dict(
        fiscal_year.findings.open()
        .values("severity")
        .annotate(count=Count("pk"))
        .values_list("severity", "count")
    )
    return ApprovalCounts(
        services=fiscal_year.service_years.count(),
        standards=fiscal_year.standard_years.count(),
        errors=by_severity.get(Severity.ERROR, 0),
        warnings=by_severity.get(Severity.WARNING, 0),
    )


@dataclass(frozen=True, slots=True)
class StaffHome:
    organizations: int
    services: int
    open_findings: int
    editable_services: int


def staff_home(user: User) -> StaffHome:
    """The figures of the staff landing page."""
    return StaffHome(
        organizations=Organization.objects.count(),
        services=ServiceYear.objects.visible_to(user).values("service_id").distinct().count(),
        open_findings=Finding.objects.visible_to(user).open().count(),
        editable_services=ServiceYear.objects.editable_by(user)
        .values("service_id")
        .distinct()
        .count(),
    )


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
    """One page of the public list: its ``organizations`` and the ``page`` for the links."""

    organizations: list[PublicOrganization]
    page: Page[Any]


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
    return PublicOrganizationsPage(
        organizations=[
            PublicOrganization(owner_org=org, title_en=en or org, title_fr=fr, fiscal_year=year)
            for org, en, fr, year in page.object_list
        ],
        page=page,
    )


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
