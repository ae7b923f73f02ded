"""Bringing the official open-data files into the database, fast and faithfully.

Called by :func:`comptoir.inventory.actions.do_import_inventory` (the only public entry point).

The whole import is one transaction. Both files are read and validated before anything is
written; a strict import with any violation, an unreadable file or an approved fiscal year stops
there and nothing is changed. Otherwise every row is stored with its cells exactly as published
(nothing dropped or altered) and each violation becomes a :class:`Finding` on its record, except
a row whose key is empty or malformed: it is left out and its findings are attached to no record
(:func:`quarantine_rows_without_key`).

Identity: an organization by ``owner_org``; a service by (organization, ``service_id``); a
standard by (service, ``service_standard_id``) — the published file reuses some standard ids for
different services of the same year; a yearly record by (record, fiscal year). A second row with
the same identity in one file (a duplicate key, reported as a finding) updates nothing: the first
row is kept, the finding points at it and names the duplicate's row.

Writes are multi-row inserts (``COPY`` on PostgreSQL) and prepared updates, with history rows
written in bulk too (``HistoricalRecords``), who and when recorded. A record whose cells did not
change gets no update and no history row, so re-importing the same file changes nothing but the
batch.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import io
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from comptoir import bulk
from comptoir.core.opendata import validation
from comptoir.core.opendata.csvio import CsvFormatError, CsvRow, open_csv
from comptoir.core.opendata.schema import Resource
from comptoir.inventory.change_reasons import import_reason
from comptoir.inventory.errors import (
    FileOverLimitError,
    FileTooLargeError,
    FiscalYearApprovedError,
    HeaderRefusedError,
    ImportRejectedError,
    UnreadableFileError,
    short_column_name,
)
from comptoir.inventory.models import (
    SERVICE_FIELDS_STORED,
    STANDARD_FIELDS_STORED,
    Finding,
    FiscalYear,
    ImportBatch,
    Organization,
    Program,
    ProgramCode,
    Service,
    ServiceStandard,
    ServiceYear,
    StandardYear,
)
from comptoir.inventory.models.services import split_codes

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.core.opendata.validation import Violation

logger = logging.getLogger(__name__)

#: Said once by an import when the registry's program codes are not loaded.
PROGRAM_CODES_NOT_LOADED = gettext_lazy(
    "No list of program codes is loaded: program codes were checked for their format only. "
    "Load the registry's list with: comptoir inventory load-program-codes "
    "service_data_dict.json"
)

FileSource = str | Path | IO[bytes]


@dataclass(slots=True)
class ReadFile:
    name: str
    sha256: str
    header: tuple[str, ...]
    rows: list[CsvRow]


@dataclass(slots=True)
class ImportResult:
    """What an import did (``batch`` is ``None`` only for a dry run)."""

    batch: ImportBatch | None
    violations: list[Violation]
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    standards_created: int = 0
    standards_updated: int = 0
    standards_unchanged: int = 0
    findings_superseded: int = 0
    organizations_created: int = 0
    fiscal_years: list[str] = field(default_factory=list)

    @property
    def services_total(self) -> int:
        return self.services_created + self.services_updated + self.services_unchanged

    @property
    def standards_total(self) -> int:
        return self.standards_created + self.standards_updated + self.standards_unchanged


def _display_name(source: FileSource) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return str(getattr(source, "name", "") or "upload")


def _size_of(source: FileSource) -> int:
    """The size in bytes of a file, without reading it (an upload knows its size)."""
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end - position


def read_file(source: FileSource, resource: Resource | None = None) -> ReadFile:
    """Read a whole file (the published files are a few MB) and its SHA-256.

    Refused before anything is parsed: a file larger than ``COMPTOIR_IMPORT_MAX_BYTES``
    (:class:`FileTooLargeError`). Refused while reading: a file past a bound of
    ``csvio.ReadLimits`` (:class:`FileOverLimitError`), one that is not UTF-8 CSV
    (:class:`UnreadableFileError`) and, when ``resource`` is given, one whose header row is not
    that resource's official header (:class:`HeaderRefusedError`, before any record is read).
    """
    name = _display_name(source)
    size, limit = _size_of(source), settings.COMPTOIR_IMPORT_MAX_BYTES
    if size > limit:
        raise FileTooLargeError(name, size, limit)
    digest = hashlib.sha256()
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    else:
        position = source.tell()
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
        source.seek(position)
    try:
        with open_csv(source) as reader:
            header = reader.header
            if resource is not None:
                _require_official_header(name, resource, header)
            rows = list(reader)
    except CsvFormatError as error:
        if error.limit is not None:
            raise FileOverLimitError(name, error.code, error.row, error.limit) from error
        raise UnreadableFileError(name, error.code, error.row) from error
    return ReadFile(name=name, sha256=digest.hexdigest(), header=header, rows=rows)


def _require_official_header(name: str, resource: Resource, header: Sequence[str]) -> None:
    """Refuse a file whose header row is not exactly the official one (names and order)."""
    violations = validation.check_header(resource, header)
    if violations:
        shortened = [
            dataclasses.replace(violation, field=short_column_name(violation.field))
            for violation in violations
        ]
        raise HeaderRefusedError(name, resource.value, shortened)


def validate_files(services: ReadFile, standards: ReadFile) -> list[Violation]:
    """Every violation of both files (per cell, per row, across rows and files).

    Program codes are checked against the registry's list when one is loaded
    (``comptoir inventory load-program-codes``), for each row's organization and fiscal year;
    otherwise for their format only, and the import says so once (a logged warning; the command
    prints it too).
    """
    program_codes = ProgramCode.objects.program_list()
    if program_codes is None:
        logger.warning(PROGRAM_CODES_NOT_LOADED)
    return list(
        validation.validate_inventory(
            services.header,
            services.rows,
            standards.header,
            standards.rows,
            program_codes=program_codes,
        )
    )


@functools.lru_cache(maxsize=4096)
def parse_program_names(cell: str, count: int) -> tuple[str, ...]:
    """The names in a published program-name cell (``'A', "B's"``), when there are ``count``."""
    text = cell.strip()
    if not text:
        return ()
    try:
        names = ast.literal_eval(f"[{text}]")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ()
    if len(names) != count or not all(isinstance(name, str) for name in names):
        return ()
    return tuple(name.strip() for name in names)


@dataclass(frozen=True, slots=True)
class _Stored[Record]:
    """What one step wrote for the rows of a file: each row's record (a duplicate row points at
    the record of its first occurrence), the records by key, and the counts."""

    by_row: dict[int, Record]
    by_key: dict[tuple[int, int], Record]
    touched: list[Record]
    created: int
    updated: int
    unchanged: int


#: (owner_org, fiscal_yr) -> the (English, French) organization title that year's rows give.
_Titles = dict[tuple[str, str], tuple[str, str]]


class _Importer:
    """Writes two validated files. The importer holds only its inputs and the writer; each step
    takes what earlier steps returned and returns what it stored."""

    def __init__(
        self,
        services: ReadFile,
        standards: ReadFile,
        violations: Sequence[Violation],
        *,
        actor: User | None,
        is_strict: bool,
    ) -> None:
        self.services = services
        self.standards = standards
        self.violations = violations
        self.actor = actor
        self.is_strict = is_strict
        self.now = timezone.now()
        self.writer = bulk.BulkWriter(
            now=self.now,
            actor_id=actor.pk if actor else None,
            reason=import_reason(services.name, standards.name),
        )

    def _rows(self) -> Iterable[CsvRow]:
        return (*self.services.rows, *self.standards.rows)

    # -- steps ---------------------------------------------------------------------------------

    def check_not_approved(self) -> None:
        keys = {
            (row.values.get("owner_org", ""), row.values.get("fiscal_yr", ""))
            for row in self._rows()
        }
        approved = FiscalYear.objects.filter(approved_at__isnull=False).select_related(
            "organization"
        )
        for fiscal_year in approved:
            if (fiscal_year.organization.owner_org, fiscal_year.code) in keys:
                raise FiscalYearApprovedError(fiscal_year.organization.owner_org, fiscal_year.code)

    def create_batch(self) -> ImportBatch:
        return ImportBatch.objects.create(
            actor=self.actor,
            created_at=self.now,
            services_file=self.services.name,
            standards_file=self.standards.name,
            services_sha256=self.services.sha256,
            standards_sha256=self.standards.sha256,
            is_strict=self.is_strict,
        )

    def titles_by_year(self) -> _Titles:
        """(owner_org, fiscal_yr) -> the (English, French) title its first row gives."""
        titles: _Titles = {}
        for row in self._rows():
            key = (row.values.get("owner_org", ""), row.values.get("fiscal_yr", ""))
            if key not in titles:
                titles[key] = Organization.split_owner_org_title(
                    row.values.get("owner_org_title", "")
                )
        return titles

    def upsert_organizations(self, titles: _Titles) -> tuple[dict[str, Organization], int]:
        """Organizations by ``owner_org`` (and how many are new); their current title is that
        of their newest year.

        A year's own title is kept on the year (:meth:`upsert_fiscal_years`): renaming the
        organization here changes no other year's pages or export.
        """
        newest: dict[str, tuple[str, tuple[str, str]]] = {}
        for (code, fiscal_yr), title in sorted(titles.items()):
            newest[code] = (fiscal_yr, title)
        existing = {o.owner_org: o for o in Organization.objects.filter(owner_org__in=newest)}
        newest_known = dict(
            FiscalYear.objects.filter(organization__owner_org__in=newest)
            .values("organization__owner_org")
            .annotate(newest=Max("code"))
            .values_list("organization__owner_org", "newest")
        )
        new, changed = [], []
        for code, (fiscal_yr, (title_en, title_fr)) in newest.items():
            organization = existing.get(code)
            if organization is None:
                new.append(Organization(owner_org=code, title_en=title_en, title_fr=title_fr))
            elif fiscal_yr >= newest_known.get(code, "") and (
                organization.title_en,
                organization.title_fr,
            ) != (title_en, title_fr):
                # An older year imported later does not bring back an older name.
                organization.title_en, organization.title_fr = title_en, title_fr
                changed.append(organization)
        self.writer.create(Organization, new)
        self.writer.update(Organization, changed, ["title_en", "title_fr"])
        return {**existing, **{o.owner_org: o for o in new}}, len(new)

    def upsert_fiscal_years(
        self, organizations: dict[str, Organization], titles: _Titles
    ) -> dict[tuple[str, str], FiscalYear]:
        """Fiscal years by (organization, code), each with the title its rows give.

        Only years that are not approved reach this step (:meth:`check_not_approved`), so an
        approved year's title never changes.
        """
        org_ids = [o.pk for o in organizations.values()]
        existing = {
            (fy.organization.owner_org, fy.code): fy
            for fy in FiscalYear.objects.filter(organization_id__in=org_ids).select_related(
                "organization"
            )
        }
        new, retitled = [], []
        for (org, code), (title_en, title_fr) in sorted(titles.items()):
            fiscal_year = existing.get((org, code))
            if fiscal_year is None:
                new.append(
                    FiscalYear(
                        organization=organizations[org],
                        code=code,
                        owner_org_title_en=title_en,
                        owner_org_title_fr=title_fr,
                    )
                )
            elif (fiscal_year.owner_org_title_en, fiscal_year.owner_org_title_fr) != (
                title_en,
                title_fr,
            ):
                fiscal_year.owner_org_title_en = title_en
                fiscal_year.owner_org_title_fr = title_fr
                retitled.append(fiscal_year)
        self.writer.create(FiscalYear, new)
        self.writer.update(FiscalYear, retitled, ["owner_org_title_en", "owner_org_title_fr"])
        return {**existing, **{(fy.organization.owner_org, fy.code): fy for fy in new}}

    def upsert_services(
        self, organizations: dict[str, Organization]
    ) -> dict[tuple[str, str], Service]:
        """Services by (owner_org, service_id)."""
        keys = {
            (row.values.get("owner_org", ""), row.values.get("service_id", ""))
            for row in self._rows()
        }
        org_by_id = {o.pk: o.owner_org for o in organizations.values()}
        existing = {
            (org_by_id[s.organization_id], s.service_id): s
            for s in Service.objects.filter(organization_id__in=org_by_id)
        }
        new = [
            Service(organization=organizations[org], service_id=service_id)
            for org, service_id in sorted(keys)
            if (org, service_id) not in existing
        ]
        self.writer.create(Service, new)
        return {**existing, **{(s.organization.owner_org, s.service_id): s for s in new}}

    def upsert_service_years(
        self,
        batch: ImportBatch,
        services: dict[tuple[str, str], Service],
        fiscal_years: dict[tuple[str, str], FiscalYear],
    ) -> tuple[_Stored[ServiceYear], list[ServiceYear]]:
        """The service records (by (service, fiscal year) key), and those whose program links
        must be written again (new records, or a changed ``program_id``)."""
        fiscal_year_ids = [fy.pk for fy in fiscal_years.values()]
        existing = {
            (sy.service_id, sy.fiscal_year_id): sy
            for sy in ServiceYear.objects.filter(fiscal_year_id__in=fiscal_year_ids)
        }
        new: list[ServiceYear] = []
        changed: list[ServiceYear] = []
        unchanged: list[ServiceYear] = []
        previous_program_ids: dict[int, str] = {}
        seen: dict[tuple[int, int], ServiceYear] = {}
        by_row: dict[int, ServiceYear] = {}
        for row in self.services.rows:
            values = row.values
            service = services[(values.get("owner_org", ""), values.get("service_id", ""))]
            fiscal_year = fiscal_years[(values.get("owner_org", ""), values.get("fiscal_yr", ""))]
            key = (service.pk, fiscal_year.pk)
            if key in seen:  # duplicate key in the file: keep the first row (see module doc)
                by_row[row.number] = seen[key]
                continue
            cells = {name: values.get(name, "") for name in SERVICE_FIELDS_STORED}
            record = existing.get(key)
            if record is None:
                record = ServiceYear(service=service, fiscal_year=fiscal_year, **cells)
                new.append(record)
            elif any(getattr(record, name) != cell for name, cell in cells.items()):
                previous_program_ids[record.pk] = record.program_id
                for name, cell in cells.items():
                    setattr(record, name, cell)
                changed.append(record)
            else:
                unchanged.append(record)
            record.import_batch = batch
            seen[key] = record
            by_row[row.number] = record
        self.writer.create(ServiceYear, new)
        self.writer.update(ServiceYear, changed, [*SERVICE_FIELDS_STORED, "import_batch"])
        ServiceYear.objects.filter(pk__in=[r.pk for r in unchanged]).update(import_batch=batch)
        relinked = [
            *new,
            *(r for r in changed if r.program_id != previous_program_ids.get(r.pk)),
        ]
        stored = _Stored(
            by_row=by_row,
            by_key={(sy.service_id, sy.fiscal_year_id): sy for sy in (*existing.values(), *new)},
            touched=list(seen.values()),
            created=len(new),
            updated=len(changed),
            unchanged=len(unchanged),
        )
        return stored, relinked

    def upsert_programs(
        self, relinked: Sequence[ServiceYear], fiscal_years: dict[tuple[str, str], FiscalYear]
    ) -> None:
        """Programs named in the records (codes per organization), and each record's links."""
        organization_of = {fy.pk: fy.organization_id for fy in fiscal_years.values()}
        wanted: dict[tuple[int, str], tuple[str, str]] = {}
        links: list[tuple[ServiceYear, list[tuple[int, str]]]] = []
        for record in relinked:
            organization_id = organization_of[record.fiscal_year_id]
            codes = split_codes(record.program_id)
            names_en = parse_program_names(record.program_name_en, len(codes))
            names_fr = parse_program_names(record.program_name_fr, len(codes))
            keys = []
            for index, code in enumerate(codes):
                key = (organization_id, code)
                keys.append(key)
                name_en = names_en[index] if names_en else ""
                name_fr = names_fr[index] if names_fr else ""
                known = wanted.get(key)
                if known is None or (not known[0] and name_en):
                    wanted[key] = (name_en, name_fr)
            links.append((record, keys))
        org_ids = {org for org, _code in wanted}
        existing = {
            (p.organization_id, p.code): p
            for p in Program.objects.filter(organization_id__in=org_ids)
        }
        new, named = [], []
        for (organization_id, code), (name_en, name_fr) in wanted.items():
            program = existing.get((organization_id, code))
            if program is None:
                new.append(
                    Program(
                        organization_id=organization_id, code=code, name_en=name_en, name_fr=name_fr
                    )
                )
            elif not program.name_en and name_en:
                program.name_en, program.name_fr = name_en, name_fr
                named.append(program)
        self.writer.create(Program, new)
        self.writer.update(Program, named, ["name_en", "name_fr"])
        programs = {**existing, **{(p.organization_id, p.code): p for p in new}}
        through = ServiceYear.programs.through
        through.objects.filter(serviceyear_id__in=[r.pk for r, _keys in links]).delete()
        bulk.insert_returning_pks(
            through,
            [
                through(serviceyear_id=record.pk, program_id=programs[key].pk)
                for record, keys in links
                for key in dict.fromkeys(keys)
            ],
        )

    def upsert_standard_ids(
        self, services: dict[tuple[str, str], Service]
    ) -> dict[tuple[int, str], ServiceStandard]:
        """Service standards by (service key, service_standard_id)."""
        keys = set()
        for row in self.standards.rows:
            service = services[(row.values.get("owner_org", ""), row.values.get("service_id", ""))]
            keys.add((service.pk, row.values.get("service_standard_id", "")))
        service_ids = {service_pk for service_pk, _id in keys}
        existing = {
            (s.service_id, s.service_standard_id): s
            for s in ServiceStandard.objects.filter(service_id__in=service_ids)
        }
        new = [
            ServiceStandard(service_id=service_pk, service_standard_id=standard_id)
            for service_pk, standard_id in sorted(keys)
            if (service_pk, standard_id) not in existing
        ]
        self.writer.create(ServiceStandard, new)
        return {**existing, **{(s.service_id, s.service_standard_id): s for s in new}}

    def upsert_standard_years(
        self,
        batch: ImportBatch,
        services: dict[tuple[str, str], Service],
        standards: dict[tuple[int, str], ServiceStandard],
        fiscal_years: dict[tuple[str, str], FiscalYear],
        service_years: dict[tuple[int, int], ServiceYear],
    ) -> _Stored[StandardYear]:
        fiscal_year_ids = [fy.pk for fy in fiscal_years.values()]
        existing = {
            (sty.standard_id, sty.fiscal_year_id): sty
            for sty in StandardYear.objects.filter(fiscal_year_id__in=fiscal_year_ids)
        }
        new: list[StandardYear] = []
        changed: list[StandardYear] = []
        unchanged: list[StandardYear] = []
        seen: dict[tuple[int, int], StandardYear] = {}
        by_row: dict[int, StandardYear] = {}
        for row in self.standards.rows:
            values = row.values
            org = values.get("owner_org", "")
            service = services[(org, values.get("service_id", ""))]
            standard = standards[(service.pk, values.get("service_standard_id", ""))]
            fiscal_year = fiscal_years[(org, values.get("fiscal_yr", ""))]
            key = (standard.pk, fiscal_year.pk)
            if key in seen:
                by_row[row.number] = seen[key]
                continue
            service_year = service_years.get((service.pk, fiscal_year.pk))
            cells = {name: values.get(name, "") for name in STANDARD_FIELDS_STORED}
            record = existing.get(key)
            if record is None:
                record = StandardYear(
                    standard=standard, fiscal_year=fiscal_year, service_year=service_year, **cells
                )
                new.append(record)
            elif record.service_year_id != (service_year.pk if service_year else None) or any(
                getattr(record, name) != cell for name, cell in cells.items()
            ):
                for name, cell in cells.items():
                    setattr(record, name, cell)
                record.service_year = service_year
                changed.append(record)
            else:
                unchanged.append(record)
            record.import_batch = batch
            seen[key] = record
            by_row[row.number] = record
        self.writer.create(StandardYear, new)
        self.writer.update(
            StandardYear, changed, [*STANDARD_FIELDS_STORED, "service_year", "import_batch"]
        )
        StandardYear.objects.filter(pk__in=[r.pk for r in unchanged]).update(import_batch=batch)
        return _Stored(
            by_row=by_row,
            by_key=seen,
            touched=list(seen.values()),
            created=len(new),
            updated=len(changed),
            unchanged=len(unchanged),
        )

    def replace_findings(
        self,
        batch: ImportBatch,
        fiscal_years: dict[tuple[str, str], FiscalYear],
        service_years: _Stored[ServiceYear],
        standard_years: _Stored[StandardYear],
    ) -> int:
        """Open import findings of the re-imported records are superseded by this batch's;
        returns how many. Findings attached to no fiscal year (rows left out for a malformed
        key) are superseded by the next import of files of the same names."""
        fiscal_year_ids = [fy.pk for fy in fiscal_years.values()]
        same_files = ImportBatch.objects.filter(
            services_file=self.services.name, standards_file=self.standards.name
        ).exclude(pk=batch.pk)
        superseded = (
            Finding.objects.filter(is_resolved=False, import_batch__isnull=False)
            .filter(
                Q(
                    Q(service_year_id__in=[r.pk for r in service_years.touched])
                    | Q(standard_year_id__in=[r.pk for r in standard_years.touched])
                    | Q(service_year__isnull=True, standard_year__isnull=True),
                    fiscal_year_id__in=fiscal_year_ids,
                )
                | Q(fiscal_year__isnull=True, import_batch__in=same_files)
            )
            # Superseded by this import (the system), not resolved by the person importing.
            .update(
                is_resolved=True,
                resolved_at=self.now,
                resolved_by=None,
                is_superseded=True,
                superseded_by=batch,
            )
        )
        findings = []
        for violation in self.violations:
            service_year = standard_year = None
            if violation.row:
                if violation.resource is Resource.SERVICE:
                    service_year = service_years.by_row.get(violation.row)
                else:
                    standard_year = standard_years.by_row.get(violation.row)
            record = service_year or standard_year
            findings.append(
                Finding(
                    resource=violation.resource.value,
                    fiscal_year_id=record.fiscal_year_id if record else None,
                    service_year=service_year,
                    standard_year=standard_year,
                    row=violation.row or None,
                    service_id=violation.service_id or "",
                    service_standard_id=violation.standard_id or "",
                    field=violation.field or "",
                    rule=violation.rule.value,
                    severity=violation.severity.value,
                    params=_jsonable(violation.params),
                    import_batch=batch,
                    created_at=self.now,
                )
            )
        bulk.insert_returning_pks(Finding, findings)
        return superseded

    def run(self) -> ImportResult:
        self.check_not_approved()
        batch = self.create_batch()
        titles = self.titles_by_year()
        organizations, organizations_created = self.upsert_organizations(titles)
        fiscal_years = self.upsert_fiscal_years(organizations, titles)
        services = self.upsert_services(organizations)
        service_years, relinked = self.upsert_service_years(batch, services, fiscal_years)
        self.upsert_programs(relinked, fiscal_years)
        standards = self.upsert_standard_ids(services)
        standard_years = self.upsert_standard_years(
            batch, services, standards, fiscal_years, service_years.by_key
        )
        superseded = self.replace_findings(batch, fiscal_years, service_years, standard_years)
        batch.services_created = service_years.created
        batch.services_updated = service_years.updated
        batch.standards_created = standard_years.created
        batch.standards_updated = standard_years.updated
        batch.findings_count = len(self.violations)
        batch.save(
            update_fields=[
                "services_created",
                "services_updated",
                "standards_created",
                "standards_updated",
                "findings_count",
            ]
        )
        return ImportResult(
            batch=batch,
            violations=list(self.violations),
            services_created=service_years.created,
            services_updated=service_years.updated,
            services_unchanged=service_years.unchanged,
            standards_created=standard_years.created,
            standards_updated=standard_years.updated,
            standards_unchanged=standard_years.unchanged,
            findings_superseded=superseded,
            organizations_created=organizations_created,
            fiscal_years=sorted({code for _org, code in titles}),
        )


def _jsonable(params: Mapping[str, object]) -> dict[str, Any]:
    def convert(value: object) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, Iterable):
            return [convert(v) for v in value]
        return str(value)

    return {str(key): convert(value) for key, value in params.items()}


#: Longest service or standard ID a finding holds (``Finding.service_id``'s ``max_length``).
_FINDING_ID_LENGTH = 100


def quarantine_rows_without_key(
    services: ReadFile, standards: ReadFile, violations: Sequence[Violation]
) -> tuple[ReadFile, ReadFile, list[Violation]]:
    """Leave out the rows whose key is malformed, and say so (issue 17, defect 3).

    A row whose ``fiscal_yr``, ``owner_org``, ``service_id`` or ``service_standard_id`` is empty
    or malformed (:func:`~comptoir.core.opendata.validation.is_key_violation`) cannot be stored:
    page addresses carry these codes, so such a record could never be shown, approved or
    exported. The row's violations stay (they become findings attached to no record, which the
    finding list shows), followed by one ``row_not_stored`` error naming the row.
    """
    bad = {(v.resource, v.row) for v in violations if v.row and validation.is_key_violation(v)}
    if not bad:
        return services, standards, list(violations)
    kept: list[Violation] = []
    for index, violation in enumerate(violations):
        where = (violation.resource, violation.row)
        if where not in bad:
            kept.append(violation)
            continue
        kept.append(
            dataclasses.replace(
                violation,
                service_id=violation.service_id[:_FINDING_ID_LENGTH],
                standard_id=violation.standard_id[:_FINDING_ID_LENGTH],
            )
        )
        following = violations[index + 1] if index + 1 < len(violations) else None
        if following is None or (following.resource, following.row) != where:
            kept.append(
                validation.Violation(
                    violation.resource,
                    violation.row,
                    violation.service_id[:_FINDING_ID_LENGTH],
                    violation.standard_id[:_FINDING_ID_LENGTH],
                    "",
                    validation.RuleCode.ROW_NOT_STORED,
                )
            )

    def without_bad_rows(source: ReadFile, resource: Resource) -> ReadFile:
        rows = [row for row in source.rows if (resource, row.number) not in bad]
        return dataclasses.replace(source, rows=rows)

    return (
        without_bad_rows(services, Resource.SERVICE),
        without_bad_rows(standards, Resource.STANDARD),
        kept,
    )


def run_import(
    services: ReadFile,
    standards: ReadFile,
    violations: Sequence[Violation],
    *,
    actor: User | None,
    is_strict: bool,
) -> ImportResult:
    """Write both files (the caller holds the transaction and has checked strictness).

    Rows with a malformed key are left out first (:func:`quarantine_rows_without_key`).
    """
    errors = [v for v in violations if v.severity is validation.Severity.ERROR]
    if is_strict and errors:
        raise ImportRejectedError(errors)
    services, standards, violations = quarantine_rows_without_key(services, standards, violations)
    return _Importer(services, standards, violations, actor=actor, is_strict=is_strict).run()
