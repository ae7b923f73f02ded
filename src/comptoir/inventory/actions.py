"""Every change to the inventory goes through one of these functions.

Each is atomic, checks that the fiscal year is not approved (frozen), validates with the same
rules as the import (``comptoir.core.opendata.validation``), saves with ``update_fields`` and
records who made the change in the audit history (``HistoricalRecords``). Nothing is
hard-deleted. Callers (views, commands) have already obtained the objects through
``comptoir.inventory.access``, which checks permissions and scope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from comptoir.core.opendata import validation
from comptoir.core.opendata.programs import (
    DictionaryFormatError,
    ListedProgram,
    programs_from_dictionary,
)
from comptoir.core.opendata.schema import Resource as OpenDataResource
from comptoir.core.opendata.validation import RuleCode
from comptoir.core.opendata.validation import Severity as RuleSeverity
from comptoir.core.standards import StandardRule
from comptoir.inventory import importing
from comptoir.inventory.errors import (
    FiscalYearApprovedError,
    ImportRejectedError,
    InventoryError,
    RecordRefusedError,
)
from comptoir.inventory.exporting import official_cells
from comptoir.inventory.models import (
    SERVICE_FIELDS_STORED,
    STANDARD_FIELDS_STORED,
    Finding,
    FiscalYear,
    Organization,
    OrganizationMembership,
    PriorityAssessment,
    Program,
    ProgramCode,
    Resource,
    Service,
    ServiceOwnership,
    ServiceStandard,
    ServiceTestAssessment,
    ServiceYear,
    StandardYear,
    scope,
)
from comptoir.inventory.models.assessments import PRIORITY_CONSIDERATIONS, SERVICE_TEST_QUESTIONS
from comptoir.inventory.models.services import split_codes

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.core.opendata.validation import Violation
    from comptoir.inventory.importing import ImportResult

#: Guideline fields of ``ServiceYear`` an edit form may change besides the open-data cells.
SERVICE_YEAR_GUIDELINE_FIELDS: tuple[str, ...] = (
    "is_priority",
    "is_mission_critical",
    "is_essential",
    "responsibility_area",
    "responsible_unit",
    "authority",
    "service_owner",
    "service_provider",
    "has_service_agreements",
    "service_agreements",
    "custodian",
    "revision_date",
)

#: Rules about a row's relation to other rows or to the file, not re-checked by a record edit.
CROSS_ROW_RULES = frozenset(
    {
        RuleCode.DUPLICATE_SERVICE,
        RuleCode.DUPLICATE_STANDARD,
        RuleCode.STANDARD_ID_REUSED,
        RuleCode.STANDARD_WITHOUT_SERVICE,
        RuleCode.ROW_CELL_COUNT,
        RuleCode.HEADER_MISSING_COLUMN,
        RuleCode.HEADER_UNEXPECTED_COLUMN,
        RuleCode.HEADER_DUPLICATE_COLUMN,
        RuleCode.HEADER_COLUMN_ORDER,
    }
)

#: Cells of a standard record computed by Comptoir, never typed in.
COMPUTED_STANDARD_FIELDS = frozenset({"performance", "target_met"})


def ensure_editable(fiscal_year: FiscalYear) -> None:
    """Refuse any change to the records of an approved (frozen) fiscal year.

    Asks the database (the caller's object may predate the approval).
    """
    if FiscalYear.objects.filter(pk=fiscal_year.pk, approved_at__isnull=False).exists():
        raise FiscalYearApprovedError(fiscal_year.organization.owner_org, fiscal_year.code)


def _with_history_user(obj: Any, actor: User | None) -> None:
    obj._history_user = actor


# --- import -------------------------------------------------------------------------------------


def do_import_inventory(
    services_path: str | Path | IO[bytes],
    standards_path: str | Path | IO[bytes],
    *,
    actor: User | None,
    strict: bool = False,
) -> ImportResult:
    """Import an organization's (or the government's) two open-data files.

    Strict: any violation refuses the whole import (:class:`ImportRejectedError`, with the
    violations) and nothing is changed. Default: every row is imported as published and each
    violation is stored as a :class:`Finding`, except a row whose key cannot be stored (an empty
    or malformed ``fiscal_yr``, ``owner_org``, ``service_id`` or ``service_standard_id``): it is
    left out and reported (``row_not_stored``). An approved fiscal year among the rows refuses the
    whole import (:class:`FiscalYearApprovedError`). Re-importing updates the same records.
    In every mode, a file that is not the format (its header is not the official one, it is too
    large or past a bound on what is read) is refused before anything is written.
    """
    services = importing.read_file(services_path, OpenDataResource.SERVICE)
    standards = importing.read_file(standards_path, OpenDataResource.STANDARD)
    _ensure_may_import(actor, services, standards)
    violations = importing.validate_files(services, standards)
    # Strict refuses what the registry refuses (errors); warnings are recorded as findings.
    if strict and _errors(violations):
        raise ImportRejectedError(_errors(violations))
    with transaction.atomic():
        return importing.run_import(services, standards, violations, actor=actor, is_strict=strict)


def _ensure_may_import(
    actor: User | None, services: importing.ReadFile, standards: importing.ReadFile
) -> None:
    """A custodian imports only the organizations they act for (administrators and the command
    line, run by the operator, import any)."""
    if actor is None or scope.acts_for_every_organization(actor):
        return
    named = {row.values.get("owner_org", "") for row in (*services.rows, *standards.rows)} - {""}
    allowed = set(
        Organization.objects.filter(
            pk__in=scope.member_organization_ids(actor), owner_org__in=named
        ).values_list("owner_org", flat=True)
    )
    others = sorted(named - allowed)
    if others:
        raise InventoryError(
            ngettext(
                "The files hold the inventory of an organization you are not a custodian of "
                "(%(organizations)s); nothing was imported.",
                "The files hold the inventory of organizations you are not a custodian of "
                "(%(organizations)s); nothing was imported.",
                len(others),
            ),
            code="organization_not_yours",
            params={"organizations": ", ".join(others[:20])},
        )


# --- editing records ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaveResult[Record: (ServiceYear, StandardYear)]:
    """A saved record and the (non-blocking) violations recorded as findings on it."""

    record: Record
    warnings: list[Violation]


def _errors(violations: Sequence[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity is RuleSeverity.ERROR]


def _refresh_findings(record: ServiceYear | StandardYear, violations: Sequence[Violation]) -> None:
    """A record just validated: its open findings are replaced by the current violations."""
    now = timezone.now()
    scope: dict[str, ServiceYear | StandardYear]
    if isinstance(record, ServiceYear):
        scope = {"service_year": record}
        resource = Resource.SERVICE
        service_id, standard_id = record.service.service_id, ""
    else:
        scope = {"standard_year": record}
        resource = Resource.STANDARD
        service_id = record.standard.service.service_id
        standard_id = record.standard.service_standard_id
    # Findings about other rows (duplicates, reused ids) or the file stay open.
    # Superseded by the system, not resolved by the person who edited the record.
    Finding.objects.filter(is_resolved=False, **scope).exclude(rule__in=CROSS_ROW_RULES).update(
        is_resolved=True, resolved_at=now, resolved_by=None, is_superseded=True
    )
    Finding.objects.bulk_create(
        [
            Finding(
                resource=resource,
                fiscal_year=record.fiscal_year,
                row=None,
                service_id=service_id,
                service_standard_id=standard_id,
                field=violation.field,
                rule=violation.rule.value,
                severity=violation.severity.value,
                params=dict(violation.params),
                created_at=now,
                **scope,
            )
            for violation in violations
        ]
    )


def _sync_programs(service_year: ServiceYear) -> None:
    organization = service_year.fiscal_year.organization
    programs = []
    for code in split_codes(service_year.program_id):
        program, _created = Program.objects.get_or_create(organization=organization, code=code)
        programs.append(program)
    service_year.programs.set(programs)


def _check_cells(changes: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InventoryError(
            _("These fields cannot be changed here: %(fields)s."),
            code="unknown_fields",
            params={"fields": ", ".join(sorted(unknown))},
        )


def validate_service_cells(
    service_year: ServiceYear, changes: Mapping[str, Any]
) -> list[Violation]:
    """The violations of the record as it would be with ``changes`` (for forms, before saving)."""
    row = service_year.official_row()
    row.update({k: v for k, v in changes.items() if k in SERVICE_FIELDS_STORED})
    return validation.validate_service_row(row, program_codes=ProgramCode.objects.program_list())


@transaction.atomic
def do_update_service_year(
    service_year: ServiceYear,
    changes: Mapping[str, Any],
    *,
    actor: User | None,
    reason: str = "",
) -> SaveResult[ServiceYear]:
    """Change a service record's open-data cells and Guideline fields.

    The would-be row is validated with the import's rules; any ERROR refuses the change
    (:class:`RecordRefusedError` with the violations) and nothing is changed. Warnings are saved
    as the record's findings (replacing its open ones) and returned. ``reason`` (a code of
    ``change_reasons``, e.g. the counted numbers' one) is stored on the history row.
    """
    service_year = ServiceYear.objects.select_for_update().get(pk=service_year.pk)
    ensure_editable(service_year.fiscal_year)
    _check_cells(changes, (*SERVICE_FIELDS_STORED, *SERVICE_YEAR_GUIDELINE_FIELDS))
    unit = changes.get("responsible_unit")
    if unit is not None and unit.organization_id != service_year.fiscal_year.organization_id:
        raise InventoryError(
            _("The responsible unit must belong to the service's organization."),
            code="unit_of_another_organization",
        )
    changed = [name for name, value in changes.items() if getattr(service_year, name) != value]
    cells_changed = any(name in SERVICE_FIELDS_STORED for name in changed)
    # Guideline fields alone (designations, authority...) are not open-data cells: a record
    # imported with errors can still receive them; its cells are validated when they change.
    violations = validate_service_cells(service_year, changes) if cells_changed else []
    errors = _errors(violations)
    if errors:
        raise RecordRefusedError(errors)
    for name in changed:
        setattr(service_year, name, changes[name])
    if changed:
        service_year.full_clean(validate_unique=False, validate_constraints=False)
        _with_history_user(service_year, actor)
        if reason:
            service_year._change_reason = reason  # type: ignore[attr-defined]  # simple-history
        service_year.save(update_fields=changed)
        if "program_id" in changed:
            _sync_programs(service_year)
    if cells_changed:
        _refresh_findings(service_year, violations)
    return SaveResult(service_year, list(violations))


def _fiscal_year(organization: Organization, code: str, actor: User | None) -> FiscalYear:
    fiscal_year = FiscalYear.objects.filter(organization=organization, code=code).first()
    if fiscal_year is None:
        fiscal_year = FiscalYear(
            organization=organization,
            code=code,
            owner_org_title_en=organization.title_en,
            owner_org_title_fr=organization.title_fr,
        )
        fiscal_year.full_clean()
        _with_history_user(fiscal_year, actor)
        fiscal_year.save()
    return fiscal_year


@transaction.atomic
def do_create_service_year(
    organization: Organization,
    service_id: str,
    fiscal_year: str,
    cells: Mapping[str, Any],
    *,
    actor: User | None,
) -> SaveResult[ServiceYear]:
    """Add a service record for a fiscal year (creating the service and the year if needed)."""
    year = _fiscal_year(organization, fiscal_year, actor)
    ensure_editable(year)
    _check_cells(cells, (*SERVICE_FIELDS_STORED, *SERVICE_YEAR_GUIDELINE_FIELDS))
    service = Service.objects.filter(organization=organization, service_id=service_id).first()
    if (
        service is not None
        and ServiceYear.objects.filter(service=service, fiscal_year=year).exists()
    ):
        raise InventoryError(
            _("Service %(service_id)s already has a record for %(fiscal_year)s."),
            code="duplicate_service",
            params={"service_id": service_id, "fiscal_year": fiscal_year},
        )
    row = dict.fromkeys(SERVICE_FIELDS_STORED, "")
    row.update({k: v for k, v in cells.items() if k in SERVICE_FIELDS_STORED})
    row.update(
        fiscal_yr=fiscal_year,
        service_id=service_id,
        owner_org=organization.owner_org,
        owner_org_title=organization.owner_org_title,
    )
    violations = validation.validate_service_row(
        row, program_codes=ProgramCode.objects.program_list()
    )
    errors = _errors(violations)
    if errors:
        raise RecordRefusedError(errors)
    if service is None:
        service = Service(organization=organization, service_id=service_id)
        service.full_clean(validate_constraints=False)
        _with_history_user(service, actor)
        service.save()
    record = ServiceYear(service=service, fiscal_year=year, **dict(cells))
    record.full_clean(validate_constraints=False)
    _with_history_user(record, actor)
    record.save()
    _sync_programs(record)
    _refresh_findings(record, violations)
    return SaveResult(record, list(violations))


def _computed_standard_cells(row: Mapping[str, str]) -> dict[str, str]:
    """``performance`` and ``target_met`` by the official rules (kept as is when not computable:
    a cell out of bounds, however long, is left to its validation rule)."""
    return official_cells(row)


@transaction.atomic
def do_update_standard_year(
    standard_year: StandardYear,
    changes: Mapping[str, str],
    *,
    actor: User | None,
    reason: str = "",
) -> SaveResult[StandardYear]:
    """Change a standard record's cells; ``performance``/``target_met`` are recomputed.
    ``reason`` (a code of ``change_reasons``) is stored on the history row."""
    standard_year = StandardYear.objects.select_for_update().get(pk=standard_year.pk)
    ensure_editable(standard_year.fiscal_year)
    _check_cells(changes, [f for f in STANDARD_FIELDS_STORED if f not in COMPUTED_STANDARD_FIELDS])
    row = standard_year.official_row()
    row.update(changes)
    row.update(_computed_standard_cells(row))
    violations = validation.validate_standard_row(row)
    errors = _errors(violations)
    if errors:
        raise RecordRefusedError(errors)
    changed = [name for name in STANDARD_FIELDS_STORED if getattr(standard_year, name) != row[name]]
    for name in changed:
        setattr(standard_year, name, row[name])
    if changed:
        standard_year.full_clean(validate_unique=False, validate_constraints=False)
        _with_history_user(standard_year, actor)
        if reason:
            standard_year._change_reason = reason  # type: ignore[attr-defined]  # simple-history
        standard_year.save(update_fields=changed)
    _refresh_findings(standard_year, violations)
    return SaveResult(standard_year, list(violations))


@transaction.atomic
def do_create_standard_year(
    service_year: ServiceYear,
    service_standard_id: str,
    cells: Mapping[str, str],
    *,
    actor: User | None,
) -> SaveResult[StandardYear]:
    """Add a standard record to a service record (creating the standard if needed)."""
    ensure_editable(service_year.fiscal_year)
    _check_cells(cells, [f for f in STANDARD_FIELDS_STORED if f not in COMPUTED_STANDARD_FIELDS])
    standard = ServiceStandard.objects.filter(
        service=service_year.service, service_standard_id=service_standard_id
    ).first()
    if (
        standard is not None
        and StandardYear.objects.filter(
            standard=standard, fiscal_year=service_year.fiscal_year
        ).exists()
    ):
        raise InventoryError(
            _("Standard %(standard_id)s already has a record for %(fiscal_year)s."),
            code="duplicate_standard",
            params={
                "standard_id": service_standard_id,
                "fiscal_year": service_year.fiscal_year.code,
            },
        )
    organization = service_year.fiscal_year.organization
    row = dict.fromkeys(STANDARD_FIELDS_STORED, "")
    row.update(
        service_name_en=service_year.service_name_en,
        service_name_fr=service_year.service_name_fr,
    )
    row.update(cells)
    row.update(
        fiscal_yr=service_year.fiscal_year.code,
        service_id=service_year.service.service_id,
        service_standard_id=service_standard_id,
        owner_org=organization.owner_org,
        owner_org_title=organization.owner_org_title,
    )
    row.update(_computed_standard_cells(row))
    violations = validation.validate_standard_row(row)
    errors = _errors(violations)
    if errors:
        raise RecordRefusedError(errors)
    if standard is None:
        standard = ServiceStandard(
            service=service_year.service, service_standard_id=service_standard_id
        )
        standard.full_clean(validate_constraints=False)
        _with_history_user(standard, actor)
        standard.save()
    record = StandardYear(
        standard=standard,
        fiscal_year=service_year.fiscal_year,
        service_year=service_year,
        **{name: row[name] for name in STANDARD_FIELDS_STORED},
    )
    record.full_clean(validate_constraints=False)
    _with_history_user(record, actor)
    record.save()
    _refresh_findings(record, violations)
    return SaveResult(record, list(violations))


# --- approval -----------------------------------------------------------------------------------


@transaction.atomic
def do_approve_fiscal_year(fiscal_year: FiscalYear, *, actor: User) -> FiscalYear:
    """Approve (freeze) a fiscal year: its records can no longer be changed or re-imported."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.is_approved:
        raise InventoryError(
            _("Fiscal year %(fiscal_year)s of %(organization)s is already approved."),
            code="already_approved",
            params={
                "fiscal_year": fiscal_year.code,
                "organization": fiscal_year.organization.owner_org,
            },
        )
    fiscal_year.approved_by = actor
    fiscal_year.approved_at = timezone.now()
    # The year's title is frozen with it: a year that has none yet keeps the current one.
    fiscal_year.owner_org_title_en, fiscal_year.owner_org_title_fr = fiscal_year.titles
    _with_history_user(fiscal_year, actor)
    fiscal_year.save(
        update_fields=["approved_by", "approved_at", "owner_org_title_en", "owner_org_title_fr"]
    )
    return fiscal_year


# --- Guideline tools ----------------------------------------------------------------------------


@transaction.atomic
def do_record_service_test(
    service_year: ServiceYear,
    answers: Mapping[str, bool],
    analyses: Mapping[str, str] | None = None,
    *,
    actor: User,
) -> ServiceTestAssessment:
    """Record the eight answers of the service test tool (Appendix 1A); derive ``is_service``."""
    ensure_editable(service_year.fiscal_year)
    names = [name for name, _question in SERVICE_TEST_QUESTIONS]
    missing = [name for name in names if not isinstance(answers.get(name), bool)]
    if missing:
        raise InventoryError(
            _("Answer every question of the service test (missing: %(fields)s)."),
            code="service_test_incomplete",
            params={"fields": ", ".join(missing)},
        )
    values = _assessment_values(names, answers, analyses, actor=actor)
    values["is_service"] = ServiceTestAssessment.derive_is_service(dict(answers))
    return _save_assessment(ServiceTestAssessment, service_year, values, actor=actor)


def _assessment_values(
    names: list[str],
    answers: Mapping[str, Any],
    analyses: Mapping[str, str] | None,
    *,
    actor: User,
) -> dict[str, Any]:
    """The columns of a Guideline tool's record: each answer with its analysis, who and when."""
    analyses = analyses or {}
    values: dict[str, Any] = {}
    for name in names:
        values[name] = answers[name]
        values[f"{name}_analysis"] = analyses.get(name, "")
    values["recorded_by"] = actor
    values["recorded_at"] = timezone.now()
    return values


def _save_assessment[A: (ServiceTestAssessment, PriorityAssessment)](
    model: type[A], service_year: ServiceYear, values: dict[str, Any], *, actor: User
) -> A:
    """Create the service year's record of a Guideline tool, or update the one it has."""
    assessment = model.objects.filter(service_year=service_year).first()
    if assessment is None:
        assessment = model(service_year=service_year, **values)
    else:
        for name, value in values.items():
            setattr(assessment, name, value)
    assessment.full_clean()
    _with_history_user(assessment, actor)
    if assessment.pk is None:
        assessment.save()
    else:
        assessment.save(update_fields=list(values))
    return assessment


@transaction.atomic
def do_record_priority_assessment(
    service_year: ServiceYear,
    ratings: Mapping[str, str],
    analyses: Mapping[str, str] | None = None,
    *,
    actor: User,
) -> PriorityAssessment:
    """Record the priority services identification tool (Appendix 1B).

    The derived result (a high rating, or three medium ones, see ``PriorityAssessment``) is
    stored and sets the record's priority designation.
    """
    ensure_editable(service_year.fiscal_year)
    names = [name for name, _label in PRIORITY_CONSIDERATIONS]
    missing = [name for name in names if not ratings.get(name)]
    if missing:
        raise InventoryError(
            _("Rate every consideration of the priority assessment (missing: %(fields)s)."),
            code="priority_assessment_incomplete",
            params={"fields": ", ".join(missing)},
        )
    values = _assessment_values(names, ratings, analyses, actor=actor)
    values["is_priority_service"] = PriorityAssessment.derive_is_priority(dict(ratings))
    assessment = _save_assessment(PriorityAssessment, service_year, values, actor=actor)
    if service_year.is_priority != values["is_priority_service"]:
        service_year.is_priority = values["is_priority_service"]
        _with_history_user(service_year, actor)
        service_year.save(update_fields=["is_priority"])
    return assessment


# --- ownership and findings ---------------------------------------------------------------------


def _switch_on[Link: (ServiceOwnership, OrganizationMembership)](
    model: type[Link], actor: User | None, **key: Any
) -> Link:
    """The active link of ``model`` with ``key`` (created, or a past one switched back on),
    with its history row."""
    link = model.objects.filter(**key).first()
    if link is None:
        link = model(**key)
        _with_history_user(link, actor)
        link.save()
    elif not link.is_active:
        link.is_active = True
        _with_history_user(link, actor)
        link.save(update_fields=["is_active"])
    return link


def _switch_off(
    model: type[ServiceOwnership | OrganizationMembership], actor: User | None, **key: Any
) -> None:
    """End the active link of ``model`` with ``key`` (kept in history, never deleted)."""
    link = model.objects.filter(is_active=True, **key).first()
    if link is not None:
        link.is_active = False
        _with_history_user(link, actor)
        link.save(update_fields=["is_active"])


@transaction.atomic
def do_assign_service_owner(service: Service, user: User, *, actor: User) -> ServiceOwnership:
    """Make ``user`` an owner of ``service`` (reactivating a past assignment)."""
    return _switch_on(ServiceOwnership, actor, service=service, user=user)


@transaction.atomic
def do_unassign_service_owner(service: Service, user: User, *, actor: User) -> None:
    """End an assignment (kept in history, never deleted)."""
    _switch_off(ServiceOwnership, actor, service=service, user=user)


@transaction.atomic
def do_add_organization_member(
    organization: Organization, user: User, *, actor: User | None
) -> OrganizationMembership:
    """Let ``user`` act for ``organization`` (a custodian then changes its inventory)."""
    return _switch_on(OrganizationMembership, actor, organization=organization, user=user)


@transaction.atomic
def do_remove_organization_member(
    organization: Organization, user: User, *, actor: User | None
) -> None:
    """End a membership (kept in history, never deleted)."""
    _switch_off(OrganizationMembership, actor, organization=organization, user=user)


@transaction.atomic
def do_resolve_finding(finding: Finding, *, actor: User, reason: str = "") -> Finding:
    """Mark a finding as looked at and resolved (or accepted as is), with a short reason."""
    record = finding.service_year or finding.standard_year
    if record is not None:
        ensure_editable(record.fiscal_year)
    if not finding.is_resolved:
        finding.is_resolved = True
        finding.resolved_at = timezone.now()
        finding.resolved_by = actor
        finding.resolution_note = reason
        finding.save(update_fields=["is_resolved", "resolved_at", "resolved_by", "resolution_note"])
    return finding


# --- the registry's program codes ---------------------------------------------------------------

#: A data dictionary larger than this is not read (the official one is about 0.7 MB).
DICTIONARY_MAX_BYTES = 50 * 1024 * 1024

#: Why a data dictionary gives no program codes, by the code ``core.opendata.programs`` gives.
DICTIONARY_PROBLEMS = {
    "not_json": _("%(file)s cannot be read as JSON; no program code was loaded."),
    "too_large": _(
        "%(file)s is larger than %(limit)s MB: it is not the data dictionary; no program code was "
        "loaded."
    ),
    "not_a_dictionary": _(
        "%(file)s is not a data dictionary (it has no list of resources); no program code was "
        "loaded."
    ),
    "no_program_field": _(
        "%(file)s has no program_id field in its service resource; no program code was loaded."
    ),
    "no_program_codes": _(
        "The program_id field of %(file)s lists no program code; no program code was loaded."
    ),
    "bad_program_code": _(
        "%(file)s has a program code that is not in the official shape (%(detail)s); no program "
        "code was loaded."
    ),
    "bad_validity": _(
        "%(file)s gives the organizations or years of a program code in a shape that is not the "
        "official one (%(detail)s); no program code was loaded."
    ),
}


@dataclass(frozen=True, slots=True)
class ProgramCodesLoaded:
    """What loading the registry's program codes changed."""

    created: int
    updated: int
    unchanged: int
    removed: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_program_codes(source: str | Path | IO[bytes]) -> list[ListedProgram]:
    name = Path(source).name if isinstance(source, str | Path) else str(getattr(source, "name", ""))
    try:
        if isinstance(source, str | Path):
            with Path(source).open("rb") as stream:
                content = stream.read(DICTIONARY_MAX_BYTES + 1)
        else:
            content = source.read(DICTIONARY_MAX_BYTES + 1)
        document = None if len(content) > DICTIONARY_MAX_BYTES else json.loads(content)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError too
        raise InventoryError(
            DICTIONARY_PROBLEMS["not_json"], code="dictionary_not_json", params={"file": name}
        ) from error
    if document is None:
        raise InventoryError(
            DICTIONARY_PROBLEMS["too_large"],
            code="dictionary_too_large",
            params={"file": name, "limit": DICTIONARY_MAX_BYTES // (1024 * 1024)},
        )
    try:
        return programs_from_dictionary(document)
    except DictionaryFormatError as error:
        raise InventoryError(
            DICTIONARY_PROBLEMS[error.code],
            code=f"dictionary_{error.code}",
            params={"file": name, "detail": error.detail},
        ) from error


@transaction.atomic
def do_load_program_codes(
    source: str | Path | IO[bytes], *, actor: User | None
) -> ProgramCodesLoaded:
    """Load (or reload) the registry's program codes from the official data dictionary.

    The list becomes exactly the dictionary's: new codes are added, changed names or validities
    updated, codes the dictionary no longer gives removed; each change has its history row (who,
    when, and the file in the change reason). A file that is not the dictionary changes nothing.
    """
    listed = _read_program_codes(source)
    name = Path(source).name if isinstance(source, str | Path) else str(getattr(source, "name", ""))
    reason = f"load-program-codes {name}"[:100]
    now = timezone.now()
    existing = {code.code: code for code in ProgramCode.objects.select_for_update()}
    new, changed = [], []
    for program in listed:
        valid_orgs = ProgramCode.valid_orgs_of(program)
        record = existing.pop(program.code, None)
        if record is None:
            new.append(
                ProgramCode(
                    code=program.code,
                    name_en=program.name_en,
                    name_fr=program.name_fr,
                    valid_orgs=valid_orgs,
                )
            )
        elif (record.name_en, record.name_fr, record.valid_orgs) != (
            program.name_en,
            program.name_fr,
            valid_orgs,
        ):
            record.name_en, record.name_fr, record.valid_orgs = (
                program.name_en,
                program.name_fr,
                valid_orgs,
            )
            changed.append(record)
    history = {"default_user": actor, "default_change_reason": reason, "default_date": now}
    bulk_create_with_history(new, ProgramCode, batch_size=500, **history)
    bulk_update_with_history(
        changed, ProgramCode, ["name_en", "name_fr", "valid_orgs"], batch_size=500, **history
    )
    for record in existing.values():  # no longer in the registry's list
        _with_history_user(record, actor)
        record._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history
        record.delete()
    return ProgramCodesLoaded(
        created=len(new),
        updated=len(changed),
        unchanged=len(listed) - len(new) - len(changed),
        removed=len(existing),
    )


# --- the machine rule of a service standard ------------------------------------------------------


@transaction.atomic
def do_set_standard_rule(
    standard: ServiceStandard,
    rule: StandardRule | None,
    *,
    actor: User | None,
    recompute: bool = True,
) -> ServiceStandard:
    """Set (or, with ``None``, clear) the machine rule of ``standard``: stored as exactly
    ``rule.to_dict()``, with a history row naming ``actor``. The rule must measure this standard:
    its ``standard_id`` is the standard's ``service_standard_id``.

    After the commit, the open cases of the standard's service get their next due instant again
    (``casework.actions.recompute_clocks``); a caller that runs it itself, to report what it did
    (``comptoir standards set-rule``), passes ``recompute=False``."""
    if rule is not None and rule.standard_id != standard.service_standard_id:
        raise InventoryError(
            _(
                "The rule is for the standard %(rule_id)s, not for the standard %(standard_id)s; "
                "nothing was changed."
            ),
            code="rule_for_another_standard",
            params={"rule_id": rule.standard_id, "standard_id": standard.service_standard_id},
        )
    standard.rule = None if rule is None else rule.to_dict()
    _with_history_user(standard, actor)
    standard.save(update_fields=["rule"])
    if recompute:
        transaction.on_commit(lambda: _recompute_case_clocks(standard.service_id))
    return standard


def _recompute_case_clocks(service_id: int) -> None:
    """The open cases of the service get their next due instant again (the queues read it)."""
    from comptoir.casework.actions import recompute_clocks

    recompute_clocks(service_id=service_id)
