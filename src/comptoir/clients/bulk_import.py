"""The bulk import of client records from another system (``comptoir clients import FILE.csv
[--map COLUMN=field ...] [--dry-run] [--report OUT.csv]``; docs/matching.md, "In bulk").

Reading, checking and writing, in that order, as the history import does
(``casework.history_import``, whose reading bounds and report words it shares):

- the file is read whole with the ``csv`` module (UTF-8, with or without a byte-order mark),
  bounded (:data:`MAX_FILE_BYTES`, :data:`LIMITS`);
- each column is given a field: by ``--map COLUMN=field``, else by its name when it is a field's
  name (case and spaces ignored); a column with no field is named in the report and ignored;
- every row is checked (each cell, then the record as the models' own ``clean`` checks it), every
  problem kept with its row, column and code: its words are chosen when the report is read, in the
  reader's language;
- all or nothing: one problem and nothing is written (:class:`ClientImportRejected`); otherwise
  every client, its contact points, its history rows, its search entry and its blocking strings
  are written by the one bulk writer (``casework.bulk_cases.write_clients``) in one transaction.

``source_id`` is kept on the record (``Client.source_id``) so that the legacy identifier
survives; it must be unique in the file and new to the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comptoir import bulk
from comptoir.casework.history_import import MESSAGES as READ_MESSAGES
from comptoir.casework.history_import import max_file_bytes
from comptoir.clients.models import (
    Client,
    ClientKind,
    ContactPoint,
    ContactPointKind,
    OfficialLanguage,
    Segment,
)
from comptoir.core.matching.normalize import province_code
from comptoir.core.opendata.csvio import CsvFormatError, CsvRow, ReadLimits, open_csv

FileSource = str | Path | IO[bytes]

#: The fields a column can be mapped to, in the order the documentation lists them.
FIELDS = (
    "source_id",
    "given_name",
    "family_name",
    "organization",
    "email",
    "phone",
    "street",
    "city",
    "province",
    "postal_code",
    "preferred_language",
    "date_of_birth",
)
#: The longest cell of each field (the model's column widths).
FIELD_LIMITS = {
    "source_id": 200,
    "given_name": 200,
    "family_name": 200,
    "organization": 500,
    "email": 254,
    "phone": 100,
    "street": 300,
    "city": 200,
    "province": 100,
    "postal_code": 20,
    "preferred_language": 20,
    "date_of_birth": 30,
}
#: The largest file read, as for the history import (``COMPTOIR_HISTORY_IMPORT_MAX_BYTES``).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: A million clients and the header; cells, record bytes and cell characters far above a real
#: export, low enough that a file that is not one cannot exhaust memory.
LIMITS = ReadLimits(
    max_rows=1_000_001, max_cells=200, max_record_bytes=64 * 1024, max_cell_chars=10_000
)
#: Source identifiers looked up in the database in one statement.
_LOOKUP_CHUNK = 500
#: Clients given to the bulk writer at a time (all in the import's one transaction).
WRITE_BATCH = 2000
#: The words a ``preferred_language`` cell may hold, folded, and the code each stands for.
LANGUAGE_WORDS = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "francais": "fr",
    "français": "fr",
}

MESSAGES: Mapping[str, Any] = {
    **READ_MESSAGES,
    "unknown_field": _(
        "--map gives the column %(column)s the field %(value)s, which is not one of %(choices)s."
    ),
    "mapped_column_missing": _("--map names the column %(column)s, which the file does not have."),
    "field_mapped_twice": _("Two columns are given the field %(value)s."),
    "no_name_column": _(
        "No column gives a name: map one to given_name, family_name or organization."
    ),
    "no_name": _(
        "The row gives no name: a person needs a given or family name, an organization its name."
    ),
    "person_and_organization": _(
        "The row gives both a person's name and an organization's name: a client is one or the "
        "other (import the person and the organization as two rows)."
    ),
    "invalid_email": _("Enter an email address such as name@example.ca."),
    "invalid_phone": _("Enter a phone number such as 613-555-0100 or +33 1 23 45 67 89."),
    "invalid_postal_code": _("Enter a Canadian postal code such as K1A 0B1."),
    "postal_code_required": _("Give the postal code of a Canadian address."),
    "address_incomplete": _("Give the street address or the city."),
    "invalid_province": _("“%(value)s” is not a Canadian province or territory."),
    "invalid_language": _("“%(value)s” is not an official language: give en or fr."),
    "invalid_date": _("“%(value)s” is not a date such as 1984-03-27 (year, month, day)."),
    "future_date": _("The date of birth %(value)s is after today."),
    "duplicate_source_id": _("The identifier %(value)s is already on row %(first)s of this file."),
    "source_id_exists": _("A client with the identifier %(value)s is already in the database."),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of the file: where it is (``row`` 1 is the header; ``None`` the whole file),
    the file's column, a stable ``code`` and its parameters; :meth:`message` gives the words in
    the active language."""

    row: int | None
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return str(MESSAGES[self.code]) % dict(self.params)

    def message_in(self, language: str) -> str:
        with translation.override(language):
            return self.message()


@dataclass(slots=True)
class Report:
    """Every problem of an import, and the columns it ignored."""

    file: str = ""
    problems: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, column: str, code: str, /, **params: Any) -> None:
        self.problems.append(Problem(row, column, code, params))


class ClientImportRejected(Exception):
    """The import found problems and wrote nothing; ``report`` has every one."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.problems)} problems")
        self.report = report


@dataclass(slots=True)
class ClientImportResult:
    report: Report
    persons: int = 0
    organizations: int = 0
    contact_points: int = 0
    is_dry_run: bool = False
    client_ids: list[int] = field(default_factory=list)

    @property
    def clients(self) -> int:
        return self.persons + self.organizations


@dataclass(slots=True)
class _Ready:
    """A row checked: the client and its contact points, not yet written."""

    row: int
    client: Client
    points: list[ContactPoint]


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["Nom=family_name", ...]`` → ``{"Nom": "family_name"}`` (the command's ``--map``);
    raises ``ValueError`` on an entry without ``=``."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip():
            raise ValueError(pair)
        mapping[column.strip()] = name.strip()
    return mapping


def _name_of(source: FileSource) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return str(getattr(source, "name", "") or "upload")


def _columns(
    header: Sequence[str], mapping: Mapping[str, str], report: Report
) -> dict[str, str] | None:
    """Each field's column (``{field: column}``), or ``None`` when the mapping is wrong. A
    ``--map`` entry wins; a field no entry names takes the column named like it."""
    names = {name.strip(): name for name in header}
    by_field: dict[str, str] = {}
    failed = False
    for column, name in mapping.items():
        if name not in FIELDS:
            report.add(1, column, "unknown_field", column=column, value=name,
                       choices=", ".join(FIELDS))  # fmt: skip
            failed = True
        elif column not in names:
            report.add(1, column, "mapped_column_missing", column=column)
            failed = True
        elif name in by_field:
            report.add(1, column, "field_mapped_twice", value=name)
            failed = True
        else:
            by_field[name] = names[column]
    mapped = set(by_field.values())
    for stripped, column in names.items():
        if column in mapped:
            continue
        name = stripped.lower()
        if name in FIELDS and name not in by_field and stripped not in mapping:
            by_field[name] = column
        else:
            report.ignored.append(Problem(1, stripped, "unknown_column", {"column": stripped}))
    if failed:
        return None
    if not {"given_name", "family_name", "organization"} & by_field.keys():
        report.add(1, "", "no_name_column")
        return None
    return by_field


class _Row:
    """The cells of one row by field, each check recording its problem (under the file's own
    column name) and answering ``None``."""

    def __init__(self, report: Report, row: CsvRow, columns: Mapping[str, str]) -> None:
        self.report = report
        self.row = row
        self.columns = columns
        self.failed = False
        if row.extra_cells and any(cell.strip() for cell in row.extra_cells):
            self.problem("", "extra_cells")

    def problem(self, name: str, code: str, **params: Any) -> None:
        self.failed = True
        column = self.columns.get(name, name).strip()
        self.report.add(self.row.number, column, code, **params)

    def text(self, name: str) -> str:
        column = self.columns.get(name)
        value = "" if column is None else (self.row.values.get(column) or "").strip()
        limit = FIELD_LIMITS[name]
        if len(value) > limit:
            self.problem(name, "text_too_long", limit=limit)
            return ""
        return value


def _check_row(
    cells: _Row, *, default_language: str, today: date
) -> tuple[Client, list[ContactPoint]] | None:
    """The client a row describes, with its contact points, or ``None`` (problems reported)."""
    given, family, organization = (
        cells.text("given_name"),
        cells.text("family_name"),
        cells.text("organization"),
    )
    if not (given or family or organization):
        cells.problem(
            "family_name" if "family_name" in cells.columns else "organization", "no_name"
        )
    elif (given or family) and organization:
        cells.problem("organization", "person_and_organization")
    language = cells.text("preferred_language")
    code = LANGUAGE_WORDS.get(language.casefold(), "") if language else default_language
    if not code:
        cells.problem("preferred_language", "invalid_language", value=language)
    born: date | None = None
    if text := cells.text("date_of_birth"):
        try:
            born = date.fromisoformat(text)
        except ValueError:
            cells.problem("date_of_birth", "invalid_date", value=text)
        else:
            if born > today:
                cells.problem("date_of_birth", "future_date", value=text)
    province = ""
    if text := cells.text("province"):
        province = province_code(text)
        if not province:
            cells.problem("province", "invalid_province", value=text)
    is_person = bool(given or family)
    client = Client(
        kind=ClientKind.PERSON if is_person else ClientKind.ORGANIZATION,
        given_name=given,
        family_name=family,
        organization_name="" if is_person else organization,
        preferred_language=code or OfficialLanguage.ENGLISH,
        segment=Segment.PUBLIC,
        date_of_birth=born,
        source_id=cells.text("source_id"),
    )
    client.search_name = client.folded_names()
    points = []
    for kind, name in ((ContactPointKind.EMAIL, "email"), (ContactPointKind.PHONE, "phone")):
        if value := cells.text(name):
            points.append(ContactPoint(kind=kind, value=value, is_primary=True))
    street, city, postal = cells.text("street"), cells.text("city"), cells.text("postal_code")
    if street or city or postal or province:
        points.append(
            ContactPoint(
                kind=ContactPointKind.ADDRESS,
                street=street,
                city=city,
                province=province,
                postal_code=postal,
                is_primary=True,
            )
        )
    for point in points:
        try:
            point.clean()  # the model's own checks; sets ``normalized`` (and the address value)
        except ValidationError as error:
            for model_field, errors in error.error_dict.items():
                name = {"value": point.kind, "street": "street"}.get(model_field, model_field)
                for each in errors:
                    cells.problem(name, str(each.code))
    return None if cells.failed else (client, points)


def _existing_source_ids(values: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), _LOOKUP_CHUNK):
        chunk = values[start : start + _LOOKUP_CHUNK]
        found.update(Client.objects.filter(source_id__in=chunk).values_list("source_id", flat=True))
    return found


def check_clients(
    source: FileSource,
    *,
    mapping: Mapping[str, str] | None = None,
    default_language: str = OfficialLanguage.ENGLISH,
    today: date | None = None,
) -> tuple[Report, list[_Ready]]:
    """Every problem of the file, and the clients of its rows when there is none."""
    report = Report(file=_name_of(source))
    size = Path(source).stat().st_size if isinstance(source, str | Path) else None
    if size is not None and size > (limit := max_file_bytes()):
        report.add(None, "", "file_too_large", size=size, limit=limit)
        return report, []
    try:
        with open_csv(source, limits=LIMITS) as reader:
            header = tuple(reader.header)
            rows = list(reader)
    except CsvFormatError as error:
        params = {} if error.limit is None else {"limit": error.limit}
        report.add(error.row, "", error.code, **params)
        return report, []
    columns = _columns(header, mapping or {}, report)
    if columns is None:
        return report, []
    day = today or timezone.localdate()
    ready: list[_Ready] = []
    first_row: dict[str, int] = {}
    for row in rows:
        if not any(value.strip() for value in row.values.values()) and not row.extra_cells:
            continue  # a blank line
        cells = _Row(report, row, columns)
        checked = _check_row(cells, default_language=default_language, today=day)
        source_id = cells.text("source_id")
        if source_id:
            if source_id in first_row:
                cells.problem(
                    "source_id", "duplicate_source_id", value=source_id, first=first_row[source_id]
                )
                continue
            first_row[source_id] = row.number
        if checked is not None and not cells.failed:
            ready.append(_Ready(row.number, *checked))
    for source_id in sorted(_existing_source_ids(sorted(first_row))):
        report.add(
            first_row[source_id],
            columns["source_id"].strip(),
            "source_id_exists",
            value=source_id,
        )
    report.problems.sort(key=lambda problem: (problem.row or 0, problem.column))
    return report, ready


def import_clients(
    source: FileSource,
    *,
    mapping: Mapping[str, str] | None = None,
    default_language: str = OfficialLanguage.ENGLISH,
    is_dry_run: bool = False,
    today: date | None = None,
) -> ClientImportResult:
    """Check the file and, when no problem is found and it is not a dry run, write every client
    (one transaction, through the one bulk writer). Raises :class:`ClientImportRejected` with
    the report otherwise."""
    from comptoir.casework.bulk_cases import write_clients

    report, ready = check_clients(
        source, mapping=mapping, default_language=default_language, today=today
    )
    if report.problems:
        raise ClientImportRejected(report)
    result = ClientImportResult(report=report, is_dry_run=is_dry_run)
    result.persons = sum(1 for each in ready if each.client.kind == ClientKind.PERSON)
    result.organizations = len(ready) - result.persons
    result.contact_points = sum(len(each.points) for each in ready)
    if is_dry_run:
        return result
    now = timezone.now()
    writer = bulk.BulkWriter(now=now, actor_id=None, reason=f"client-import:{report.file}"[:100])
    with transaction.atomic():
        for start in range(0, len(ready), WRITE_BATCH):
            batch = ready[start : start + WRITE_BATCH]
            for each in batch:
                each.client.created_at = now
                for point in each.points:
                    point.created_at = now
            write_clients(writer, [each.client for each in batch], [each.points for each in batch])
            result.client_ids.extend(int(each.client.pk) for each in batch)
    return result
