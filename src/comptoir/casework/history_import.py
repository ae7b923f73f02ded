"""The history import: cases and their events brought from an older system or a spreadsheet
(``comptoir cases import CASES.csv [--events EVENTS.csv]``; the format is docs/history-import.md).

Reading, checking and writing, in that order:

- both files are read whole with the ``csv`` module (UTF-8, with or without a byte-order mark),
  bounded like the inventory import (:data:`MAX_FILE_BYTES`, :data:`CASE_LIMITS`,
  :data:`EVENT_LIMITS`); the header must hold the required columns, and a column the import does
  not know is named in the report and ignored;
- every row is checked, every problem kept (file, row, column, code, parameters: its words are
  chosen when the report is read, in the reader's language), and the event log each case would
  get is checked by ``derive_state`` itself;
- all or nothing: one problem and nothing is written (:class:`HistoryImportRejected`); otherwise
  clients, cases and events are written through :mod:`comptoir.bulk` in one transaction, each
  case's projection made by the event writer's own ``actions.project_state`` from ``derive_state``,
  and the search entries of the cases and their clients are rebuilt.

An imported case is an ordinary case afterwards: its events are those the actions would have
written (actor ``None``: the system), so its clocks are measured like a native case's.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comptoir import bulk
from comptoir.casework import actions
from comptoir.casework.models import Case, RequestType
from comptoir.clients.models import Client, ContactPoint, ContactPointKind
from comptoir.clients.normalization import NormalizationError, normalize_email
from comptoir.core.casework import (
    MAX_ENTRY_MINUTES,
    CaseKind,
    CaseworkError,
    CaseworkErrorCode,
    DataGap,
    EventFact,
    EventKind,
    Outcome,
    derive_state,
    make_reference,
    parse_reference,
)
from comptoir.core.opendata.csvio import CsvFormatError, CsvRow, ReadLimits, open_csv
from comptoir.core.opendata.schema import Channel
from comptoir.inventory.models import Service, Unit

FileSource = str | Path | IO[bytes]

#: The largest file the import reads (each of the two), in bytes: 256 MiB, about a million cases;
#: ``COMPTOIR_HISTORY_IMPORT_MAX_BYTES`` changes it.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Rows of the cases file (the header included), cells per row, bytes per record, characters
#: per cell: far above a real history, low enough that a file that is not one cannot exhaust
#: memory.
CASE_LIMITS = ReadLimits(
    max_rows=500_001, max_cells=100, max_record_bytes=64 * 1024, max_cell_chars=10_000
)
#: The same for the events file (several events per case).
EVENT_LIMITS = ReadLimits(
    max_rows=2_000_001, max_cells=100, max_record_bytes=64 * 1024, max_cell_chars=10_000
)
#: Free text (what was asked, an event's reason), as in the actions.
MAX_TEXT = actions.MAX_TEXT
MAX_NAME = 400
MAX_EMAIL = 254
MAX_REFERENCE = 100
#: Lists of keys looked up in one statement (JSON on SQLite, an array on PostgreSQL).
_LOOKUP_CHUNK = 50_000
#: Cases given to the bulk case writer at a time (all in the import's one transaction).
WRITE_BATCH = 2000

CASES_FILE = "cases"
EVENTS_FILE = "events"

CASE_COLUMNS = (
    "reference",
    "service_id",
    "kind",
    "channel",
    "tier",
    "entry_unit",
    "client_name",
    "client_email",
    "client_language",
    "subject",
    "received_at",
    "acknowledged_at",
    "resolved_at",
    "outcome",
)
#: Columns the cases file may have besides the required ones.
CASE_OPTIONAL_COLUMNS = ("data_gap", "request_type")
EVENT_COLUMNS = ("reference", "event", "at", "unit", "reason")
#: Columns the events file may have for the kinds that carry more than a reason.
EVENT_OPTIONAL_COLUMNS = ("minutes", "standard_id", "due_at", "outcome", "data_gap")

#: The event kinds an events file may hold. ``received``, ``acknowledged`` and the final
#: ``resolved`` come from the cases file; ``assigned``/``unassigned`` name a staff account and
#: ``corrected`` a sequence number, which an older system cannot give.
IMPORTABLE_EVENTS = (
    EventKind.REFERRED,
    EventKind.AWAITING_CLIENT,
    EventKind.RESUMED,
    EventKind.NOTE,
    EventKind.MESSAGE_IN,
    EventKind.MESSAGE_OUT,
    EventKind.TIME_SPENT,
    EventKind.DUE_DATE_REVISED,
    EventKind.RESOLVED,
    EventKind.REOPENED,
)
#: Kinds whose reason is required, as in the actions (a note is its text).
_REASON_REQUIRED = (EventKind.NOTE, EventKind.REFERRED, EventKind.REOPENED)
_LANGUAGES = ("en", "fr")
_TIERS = ("1", "2", "3")
#: Lower-case words that belong to the family name that follows them ("Jean de la Fontaine").
_PARTICLES = (
    "al bin d da das de del della den der des di do dos du la le les mac st ste saint sainte"
)
NAME_PARTICLES = frozenset(f"{_PARTICLES} van von".split(" "))
_EXAMPLE_INSTANT = "2024-03-05T14:30:00-05:00"

MESSAGES: Mapping[str, Any] = {
    "file_too_large": _(
        "The file is %(size)s bytes; the import reads files of at most %(limit)s bytes."
    ),
    "empty_file": _("The file is empty: it has no header row."),
    "not_utf8": _("The file is not encoded in UTF-8."),
    "malformed_csv": _("The file is not valid CSV."),
    "too_many_rows": _("The file has more than %(limit)s rows."),
    "too_many_cells": _("The row has more than %(limit)s cells."),
    "record_too_long": _("The row is longer than %(limit)s bytes."),
    "cell_too_long": _("A cell of the row is longer than %(limit)s characters."),
    "missing_column": _("The required column %(column)s is missing."),
    "unknown_column": _("The column %(column)s is not one the import knows: it was ignored."),
    "duplicate_column": _("The column %(column)s appears more than once."),
    "extra_cells": _("The row has more cells than the header has columns."),
    "unknown_org": _("No organization has the code %(value)s."),
    "required": _("This cell is required."),
    "text_too_long": _("The text is too long (at most %(limit)s characters)."),
    "invalid_instant": _("“%(value)s” is not a date and time in ISO 8601 such as %(example)s."),
    "naive_instant": _("“%(value)s” has no offset from UTC: give it as in %(example)s."),
    "invalid_code": _("“%(value)s” is not one of the codes %(choices)s."),
    "unknown_service": _("No service of the inventory has the id %(value)s."),
    "ambiguous_service": _(
        "Several organizations have a service with the id %(value)s: choose one with --org."
    ),
    "unknown_unit": _("The service's organization has no unit with the code %(value)s."),
    "unknown_request_type": _("No request type has the code %(value)s."),
    "invalid_email": _("Enter an email address such as name@example.ca."),
    "before_received": _("This instant is earlier than the case was received (received_at)."),
    "outcome_required": _("A resolved case needs its outcome."),
    "outcome_without_resolution": _(
        "An outcome is given only with the instant of the resolution (resolved_at)."
    ),
    "data_gap_unexpected": _("A data gap is given only when the request could not be answered."),
    "duplicate_reference": _("The reference %(value)s is already on row %(first)s of this file."),
    "reference_exists": _("A case with the reference %(value)s is already in the database."),
    "unknown_case": _("No row of the cases file has the reference %(value)s."),
    "event_not_importable": _(
        "The event %(value)s cannot be imported: it comes from the cases file or needs a "
        "staff account."
    ),
    "invalid_minutes": _("Give the time spent in whole minutes, from %(least)s to %(limit)s."),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a file: where it is (``row`` 1 is the header; ``None`` the whole file),
    a stable ``code`` and its parameters. :meth:`message` gives the words, in the active
    language (an ``event_log`` problem is the core's refusal, in ``casework.text``'s words)."""

    file: str
    row: int | None
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        if self.code == "event_log":
            from comptoir.casework.text import error_message

            core = CaseworkError(CaseworkErrorCode(self.params["core_code"]), **self.params["core"])
            return error_message(core)
        params = dict(self.params)
        if self.code in ("invalid_instant", "naive_instant"):
            params["example"] = _EXAMPLE_INSTANT
        return str(MESSAGES[self.code]) % params

    def message_in(self, language: str) -> str:
        with translation.override(language):
            return self.message()


@dataclass(slots=True)
class Report:
    """All the problems of an import, and the columns it ignored (by file)."""

    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str, code: str, /, **params: Any) -> None:
        self.problems.append(Problem(file, row, column, code, params))


class HistoryImportRejected(Exception):
    """The import found problems and wrote nothing; ``report`` has every one."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.problems)} problems")
        self.report = report


@dataclass(slots=True)
class HistoryImportResult:
    report: Report
    cases: int = 0
    events: int = 0
    clients_matched: int = 0
    clients_created: int = 0
    anonymous: int = 0
    kept_references: int = 0
    new_references: int = 0
    is_dry_run: bool = False
    case_ids: list[int] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


def _name_of(source: FileSource) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return str(getattr(source, "name", "") or "upload")


def _size_of(source: FileSource) -> int:
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end - position


def max_file_bytes() -> int:
    return int(getattr(settings, "COMPTOIR_HISTORY_IMPORT_MAX_BYTES", MAX_FILE_BYTES))


@dataclass(slots=True)
class _Read:
    header: tuple[str, ...]
    rows: list[CsvRow]


def _read(
    source: FileSource,
    kind: str,
    limits: ReadLimits,
    required: Sequence[str],
    optional: Sequence[str],
    report: Report,
) -> _Read | None:
    """The rows of one file, or ``None`` (with the problems in ``report``) when it cannot be
    read or lacks a required column."""
    report.files[kind] = _name_of(source)
    size, limit = _size_of(source), max_file_bytes()
    if size > limit:
        report.add(kind, None, "", "file_too_large", size=size, limit=limit)
        return None
    try:
        with open_csv(source, limits=limits) as reader:
            header = tuple(name.strip() for name in reader.header)
            rows = list(reader)
    except CsvFormatError as error:
        params = {} if error.limit is None else {"limit": error.limit}
        report.add(kind, error.row, "", error.code, **params)
        return None
    known = {*required, *optional}
    seen: set[str] = set()
    for name in header:
        if name in seen and name in known:
            report.add(kind, 1, name, "duplicate_column", column=name)
        seen.add(name)
        if name not in known:
            report.ignored.append(Problem(kind, 1, name, "unknown_column", {"column": name}))
    missing = [name for name in required if name not in seen]
    for name in missing:
        report.add(kind, 1, name, "missing_column", column=name)
    if missing:
        return None
    if header != tuple(reader.header):  # names given with spaces around them
        rows = [
            CsvRow(
                row.number,
                dict(zip(header, row.values.values(), strict=False)),
                row.cell_count,
                row.extra_cells,
            )
            for row in rows
        ]
    return _Read(header, rows)


# --- checking cells -----------------------------------------------------------------------------


class _Cells:
    """The cells of one row, each check recording its problem and answering ``None``."""

    def __init__(self, report: Report, file: str, row: CsvRow) -> None:
        self.report = report
        self.file = file
        self.row = row
        self.failed = False
        if row.extra_cells and any(cell.strip() for cell in row.extra_cells):
            self.problem("", "extra_cells")

    def problem(self, column: str, code: str, **params: Any) -> None:
        self.failed = True
        self.report.add(self.file, self.row.number, column, code, **params)

    def text(self, column: str, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
        value = (self.row.values.get(column) or "").strip()
        if required and not value:
            self.problem(column, "required")
            return None
        if len(value) > limit:
            self.problem(column, "text_too_long", limit=limit)
            return None
        return value

    def code(self, column: str, choices: Sequence[str], *, required: bool = True) -> str | None:
        value = self.text(column, required=required, limit=100)
        if not value:
            return value
        normal = value.upper() if choices is _CHANNELS else value.lower()
        if normal not in choices:
            self.problem(column, "invalid_code", value=value, choices=", ".join(choices))
            return None
        return normal

    def instant(self, column: str, *, required: bool = False) -> datetime | None:
        value = self.text(column, required=required, limit=100)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.problem(column, "invalid_instant", value=value)
            return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.problem(column, "naive_instant", value=value)
            return None
        return parsed


_CHANNELS = tuple(channel.value for channel in Channel)
_KINDS = tuple(kind.value for kind in CaseKind)
_OUTCOMES = tuple(outcome.value for outcome in Outcome)
_DATA_GAPS = tuple(gap.value for gap in DataGap)
_EVENT_CODES = tuple(kind.value for kind in IMPORTABLE_EVENTS)


def split_name(text: str) -> tuple[str, str]:
    """(given name, family name) of a name as an older system wrote it: ``"Gagné, Émilie"``
    (family first, before a comma), ``"Émilie Gagné"`` (the last word is the family name, with
    the particles before it: ``"Jean de la Fontaine"`` → ``("Jean", "de la Fontaine")``); one
    word is a family name."""
    text = " ".join(text.split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return (given, family) if family else ("", given)
    words = text.split(" ")
    if len(words) == 1:
        return "", words[0]
    start = len(words) - 1
    while start > 1 and words[start - 1] in NAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


# --- what a row says ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """One event of a case before its sequence is known: ``rank`` orders events at the same
    instant (received, acknowledged, the events file in file order, the final resolution)."""

    kind: EventKind
    at: datetime
    rank: int
    file: str
    row: int
    column: str
    reason: str = ""
    payload: dict[str, object] = field(default_factory=dict)
    unit_id: int | None = None
    to_unit_id: int | None = None


@dataclass(slots=True)
class _CaseRow:
    row: int
    given_reference: str
    service: Service
    kind: str
    channel: str
    tier: int
    entry_unit: Unit
    client_name: str
    email: str
    email_as_given: str
    language: str
    subject: str
    request_type_id: int | None
    drafts: list[_Draft]
    reference: str = ""
    legacy_reference: str = ""


def _units_by_code(organization_ids: Iterable[int]) -> dict[tuple[int, str], Unit]:
    return {
        (unit.organization_id, unit.code): unit
        for unit in Unit.objects.filter(organization_id__in=set(organization_ids))
    }


class _Checker:
    def __init__(self, report: Report, *, org: str | None) -> None:
        self.report = report
        self.org = org

    def services(self, rows: Sequence[CsvRow]) -> dict[str, list[Service]]:
        wanted = {(row.values.get("service_id") or "").strip() for row in rows} - {""}
        services = Service.objects.filter(service_id__in=wanted).select_related("organization")
        if self.org:
            services = services.filter(organization__owner_org=self.org)
        found: dict[str, list[Service]] = {}
        for service in services:
            found.setdefault(service.service_id, []).append(service)
        return found

    def case_row(
        self,
        row: CsvRow,
        services: Mapping[str, list[Service]],
        units: Mapping[tuple[int, str], Unit],
        request_types: Mapping[str, int],
        *,
        has_data_gap: bool,
        has_request_type: bool,
    ) -> _CaseRow | None:
        cells = _Cells(self.report, CASES_FILE, row)
        reference = cells.text("reference", required=True, limit=MAX_REFERENCE)
        service = None
        service_id = cells.text("service_id", required=True, limit=100)
        if service_id:
            candidates = services.get(service_id, [])
            if not candidates:
                cells.problem("service_id", "unknown_service", value=service_id)
            elif len(candidates) > 1:
                cells.problem("service_id", "ambiguous_service", value=service_id)
            else:
                service = candidates[0]
        kind = cells.code("kind", _KINDS)
        channel = cells.code("channel", _CHANNELS)
        tier = cells.code("tier", _TIERS)
        entry_unit = None
        unit_code = cells.text("entry_unit", required=True, limit=100)
        if unit_code and service is not None:
            entry_unit = units.get((service.organization_id, unit_code))
            if entry_unit is None:
                cells.problem("entry_unit", "unknown_unit", value=unit_code)
        name = cells.text("client_name", limit=MAX_NAME) or ""
        email_as_given = cells.text("client_email", limit=MAX_EMAIL) or ""
        email = ""
        if email_as_given:
            try:
                email = normalize_email(email_as_given)
            except NormalizationError:
                cells.problem("client_email", "invalid_email")
        language = cells.code("client_language", _LANGUAGES)
        subject = cells.text("subject") or ""
        received = cells.instant("received_at", required=True)
        acknowledged = cells.instant("acknowledged_at")
        resolved = cells.instant("resolved_at")
        outcome = cells.code("outcome", _OUTCOMES, required=False)
        gap = cells.code("data_gap", _DATA_GAPS, required=False) if has_data_gap else ""
        request_type_id = None
        if has_request_type:
            code = cells.text("request_type", limit=100)
            if code:
                request_type_id = request_types.get(code)
                if request_type_id is None:
                    cells.problem("request_type", "unknown_request_type", value=code)
        if received is not None:
            for column, instant in (("acknowledged_at", acknowledged), ("resolved_at", resolved)):
                if instant is not None and instant < received:
                    cells.problem(column, "before_received")
        raw_outcome = (row.values.get("outcome") or "").strip()
        raw_resolved = (row.values.get("resolved_at") or "").strip()
        if raw_resolved and not raw_outcome:
            cells.problem("outcome", "outcome_required")
        if raw_outcome and not raw_resolved:
            cells.problem("outcome", "outcome_without_resolution")
        if gap and outcome and outcome != Outcome.UNANSWERABLE:
            cells.problem("data_gap", "data_gap_unexpected")
        if cells.failed:
            return None
        assert service is not None and entry_unit is not None and received is not None  # noqa: S101
        assert reference and kind and channel and tier and language  # noqa: S101
        drafts = [_Draft(EventKind.RECEIVED, received, 0, CASES_FILE, row.number, "received_at")]
        if acknowledged is not None:
            drafts.append(
                _Draft(
                    EventKind.ACKNOWLEDGED,
                    acknowledged,
                    1,
                    CASES_FILE,
                    row.number,
                    "acknowledged_at",
                )
            )
        if resolved is not None and outcome:
            payload: dict[str, object] = {"outcome": outcome}
            if gap:
                payload["data_gap"] = gap
            drafts.append(
                _Draft(
                    EventKind.RESOLVED,
                    resolved,
                    3,
                    CASES_FILE,
                    row.number,
                    "resolved_at",
                    payload=payload,
                )
            )
        return _CaseRow(
            row=row.number,
            given_reference=reference,
            service=service,
            kind=kind,
            channel=channel,
            tier=int(tier),
            entry_unit=entry_unit,
            client_name=name,
            email=email,
            email_as_given=email_as_given,
            language=language,
            subject=subject,
            request_type_id=request_type_id,
            drafts=drafts,
        )

    def event_row(
        self,
        row: CsvRow,
        case: _CaseRow | None,
        units: Mapping[tuple[int, str], Unit],
        columns: frozenset[str],
    ) -> _Draft | None:
        cells = _Cells(self.report, EVENTS_FILE, row)
        code = cells.text("event", required=True, limit=100)
        kind = None
        if code:
            try:
                kind = EventKind(code.lower())
            except ValueError:
                cells.problem("event", "invalid_code", value=code, choices=", ".join(_EVENT_CODES))
            else:
                if kind not in IMPORTABLE_EVENTS:
                    cells.problem("event", "event_not_importable", value=code)
                    kind = None
        at = cells.instant("at", required=True)
        reason = cells.text("reason", required=kind in _REASON_REQUIRED) or ""
        unit = None
        unit_code = cells.text("unit", required=kind is EventKind.REFERRED, limit=100)
        if unit_code and case is not None:
            unit = units.get((case.service.organization_id, unit_code))
            if unit is None:
                cells.problem("unit", "unknown_unit", value=unit_code)
        payload: dict[str, object] = {}
        if kind is EventKind.TIME_SPENT:
            minutes = self._minutes(cells, columns)
            if minutes is not None:
                payload["minutes"] = minutes
        elif kind is EventKind.DUE_DATE_REVISED:
            standard_id = cells.text("standard_id", required=True, limit=100)
            due_at = cells.instant("due_at", required=True)
            if standard_id and due_at is not None:
                payload = {"standard_id": standard_id, "due_at": due_at.isoformat()}
        elif kind is EventKind.RESOLVED:
            outcome = cells.code("outcome", _OUTCOMES)
            gap = cells.code("data_gap", _DATA_GAPS, required=False)
            if gap and outcome and outcome != Outcome.UNANSWERABLE:
                cells.problem("data_gap", "data_gap_unexpected")
            payload = {"outcome": outcome, **({"data_gap": gap} if gap else {})}
        if cells.failed or kind is None or at is None or case is None:
            return None
        draft = _Draft(
            kind, at, 2, EVENTS_FILE, row.number, "event", reason=reason, payload=payload
        )
        if kind is EventKind.REFERRED:
            assert unit is not None  # noqa: S101 - required above
            draft.to_unit_id = unit.pk
        elif unit is not None:
            draft.unit_id = unit.pk
        return draft

    @staticmethod
    def _minutes(cells: _Cells, columns: frozenset[str]) -> int | None:
        text = cells.text("minutes", required=True, limit=20)
        if text is None:
            return None
        try:
            minutes = int(text)
        except ValueError:
            minutes = 0
        if not 1 <= minutes <= MAX_ENTRY_MINUTES:
            cells.problem("minutes", "invalid_minutes", least=1, limit=MAX_ENTRY_MINUTES)
            return None
        return minutes


# --- the event log of a case --------------------------------------------------------------------


def _log(case: _CaseRow) -> list[tuple[_Draft, EventFact]]:
    """The case's events in the order the log will hold them (sequence 1, 2, 3...), each with the
    fact the core reads; the unit of an event is the one given, else the unit holding the case
    then (as the event writer does)."""
    ordered = sorted(case.drafts, key=lambda draft: (draft.at, draft.rank))
    current = case.entry_unit.pk
    log = []
    for sequence, draft in enumerate(ordered, start=1):
        unit_id = draft.unit_id if draft.unit_id is not None else current
        draft.unit_id = unit_id
        payload = dict(draft.payload)
        if draft.kind is EventKind.REFERRED:
            payload["to_unit"] = actions.unit_key(draft.to_unit_id)
            current = draft.to_unit_id or current
        log.append(
            (
                draft,
                EventFact(
                    kind=draft.kind,
                    at=draft.at,
                    sequence=sequence,
                    unit=actions.unit_key(unit_id),
                    payload=payload,
                ),
            )
        )
    return log


def _check_log(report: Report, log: Sequence[tuple[_Draft, EventFact]]) -> bool:
    """Whether ``derive_state`` accepts the log; otherwise the problem is put on the row (and
    column) of the first event it refuses."""
    facts = [fact for _draft, fact in log]
    try:
        derive_state(facts)
    except CaseworkError:
        pass
    else:
        return True
    for end in range(1, len(facts) + 1):
        try:
            derive_state(facts[:end])
        except CaseworkError as error:
            draft = log[end - 1][0]
            report.add(
                draft.file,
                draft.row,
                draft.column,
                "event_log",
                core_code=error.code.value,
                core={key: _plain(value) for key, value in error.params.items()},
            )
            return False
    return False  # pragma: no cover - the whole log failed, so a prefix does


def _plain(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# --- looking keys up ----------------------------------------------------------------------------


def _existing(column: str, values: Sequence[str]) -> set[str]:
    """Which of ``values`` some case already has in ``column`` (``reference`` or
    ``legacy_reference``): one statement per :data:`_LOOKUP_CHUNK` values, whatever their
    number (a JSON array on SQLite, an array on PostgreSQL)."""
    assert column in ("reference", "legacy_reference")  # noqa: S101 - names, not input
    found: set[str] = set()
    table = connection.ops.quote_name(Case._meta.db_table)
    name = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        for start in range(0, len(values), _LOOKUP_CHUNK):
            chunk = list(values[start : start + _LOOKUP_CHUNK])
            if not chunk:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT {name} FROM {table} WHERE {name} = ANY(%s)",  # noqa: S608
                    [chunk],
                )
            else:
                cursor.execute(
                    f"SELECT {name} FROM {table} WHERE {name} IN "  # noqa: S608
                    "(SELECT value FROM json_each(%s))",
                    [json.dumps(chunk)],
                )
            found.update(row[0] for row in cursor.fetchall())
    return found


def _clients_by_email(emails: Sequence[str]) -> dict[str, int]:
    """The client each normalized email address belongs to (an active email contact point of
    a client not merged into another; the primary one first, then the oldest)."""
    found: dict[str, int] = {}
    points = (
        ContactPoint.objects.filter(
            kind=ContactPointKind.EMAIL,
            is_active=True,
            client__merged_into__isnull=True,
        )
        .order_by("-is_primary", "client_id")
        .values_list("normalized", "client_id")
    )
    for start in range(0, len(emails), _LOOKUP_CHUNK):
        chunk = list(emails[start : start + _LOOKUP_CHUNK])
        if connection.vendor == "sqlite":
            matched = points.extra(
                where=["normalized IN (SELECT value FROM json_each(%s))"],
                params=[json.dumps(chunk)],
            )
        else:
            matched = points.filter(normalized__in=chunk)
        for email, client_id in matched:
            found.setdefault(email, client_id)
    return found


# --- the import ---------------------------------------------------------------------------------


def check_history(
    cases: FileSource, events: FileSource | None = None, *, org: str | None = None
) -> tuple[Report, list[_CaseRow]]:
    """Read and check both files: the report (every problem, the ignored columns) and, when it
    has no problem, the cases ready to be written."""
    report = Report()
    cases_read = _read(cases, CASES_FILE, CASE_LIMITS, CASE_COLUMNS, CASE_OPTIONAL_COLUMNS, report)
    events_read = None
    if events is not None:
        events_read = _read(
            events, EVENTS_FILE, EVENT_LIMITS, EVENT_COLUMNS, EVENT_OPTIONAL_COLUMNS, report
        )
    if cases_read is None or (events is not None and events_read is None):
        return report, []
    if org and not Service.objects.filter(organization__owner_org=org).exists():
        report.add(CASES_FILE, None, "", "unknown_org", value=org)
        return report, []
    checker = _Checker(report, org=org)
    services = checker.services(cases_read.rows)
    units = _units_by_code(s.organization_id for found in services.values() for s in found)
    has_request_type = "request_type" in cases_read.header
    request_types = dict(RequestType.objects.values_list("code", "pk")) if has_request_type else {}
    first_row: dict[str, int] = {}
    by_reference: dict[str, _CaseRow] = {}
    rejected: set[str] = set()
    for row in cases_read.rows:
        parsed = checker.case_row(
            row,
            services,
            units,
            request_types,
            has_data_gap="data_gap" in cases_read.header,
            has_request_type=has_request_type,
        )
        reference = (row.values.get("reference") or "").strip()
        key = _reference_key(reference)
        if reference and key in first_row:
            report.add(
                CASES_FILE,
                row.number,
                "reference",
                "duplicate_reference",
                value=reference,
                first=first_row[key],
            )
            continue
        if reference:
            first_row[key] = row.number
        if parsed is None:
            rejected.add(reference)
        else:
            by_reference[reference] = parsed
    _assign_references(report, by_reference)
    if events_read is not None:
        columns = frozenset(events_read.header)
        for row in events_read.rows:
            reference = (row.values.get("reference") or "").strip()
            case = by_reference.get(reference)
            if case is None:
                # The row's own cells are still checked (its unit needs the case's service).
                if not reference:
                    report.add(EVENTS_FILE, row.number, "reference", "required")
                elif reference not in rejected:
                    report.add(
                        EVENTS_FILE, row.number, "reference", "unknown_case", value=reference
                    )
                checker.event_row(row, None, units, columns)
                continue
            draft = checker.event_row(row, case, units, columns)
            if draft is not None:
                case.drafts.append(draft)
    ready = []
    for case in by_reference.values():
        if _check_log(report, _log(case)):
            ready.append(case)
    return report, ready


def _reference_key(given: str) -> str:
    """What makes two references the same: ours compare as canonical, others as given."""
    canonical = parse_reference(given) if given else None
    return canonical if canonical is not None and canonical == given.upper() else given


def _assign_references(report: Report, cases: Mapping[str, _CaseRow]) -> None:
    """Keep a reference already written as one of ours (``parse_reference`` gives it back as
    typed); otherwise keep it as the former reference and draw one of ours. A reference a case
    already has (either kind) is refused."""
    ours: dict[str, _CaseRow] = {}
    legacy: dict[str, _CaseRow] = {}
    for given, case in cases.items():
        canonical = parse_reference(given)
        if canonical is not None and canonical == given.upper():
            case.reference = canonical
            ours[canonical] = case
        else:
            case.legacy_reference = given
            legacy[given] = case
    for column, mapping in (("reference", ours), ("legacy_reference", legacy)):
        for value in sorted(_existing(column, list(mapping))):
            case = mapping[value]
            report.add(CASES_FILE, case.row, "reference", "reference_exists", value=value)


def _draw_references(cases: Sequence[_CaseRow]) -> None:
    """Draw a new reference of ours for each case that has none, none already taken."""
    taken = {case.reference for case in cases if case.reference}
    pending = [case for case in cases if not case.reference]
    while pending:
        for case in pending:
            reference = make_reference(actions.draw_reference_number())
            while reference in taken:
                reference = make_reference(actions.draw_reference_number())
            case.reference = reference
            taken.add(reference)
        clashes = _existing("reference", [case.reference for case in pending])
        pending = [case for case in pending if case.reference in clashes]
        for case in pending:
            case.reference = ""


def import_history(
    cases: FileSource,
    events: FileSource | None = None,
    *,
    org: str | None = None,
    is_dry_run: bool = False,
) -> HistoryImportResult:
    """Check both files and, when no problem is found and it is not a dry run, write every case
    (one transaction). Raises :class:`HistoryImportRejected` with the report otherwise."""
    report, ready = check_history(cases, events, org=org)
    if report.problems:
        raise HistoryImportRejected(report)
    result = HistoryImportResult(report=report, is_dry_run=is_dry_run)
    result.cases = len(ready)
    result.events = sum(len(case.drafts) for case in ready)
    result.kept_references = sum(1 for case in ready if not case.legacy_reference)
    result.new_references = result.cases - result.kept_references
    if is_dry_run:
        emails = sorted({case.email for case in ready if case.email})
        matched = _clients_by_email(emails)
        result.clients_matched = len({matched[e] for e in emails if e in matched})
        result.clients_created = len([e for e in emails if e not in matched]) + sum(
            1 for case in ready if case.client_name and not case.email
        )
        result.anonymous = sum(1 for case in ready if not case.client_name and not case.email)
        return result
    with transaction.atomic():
        _write(ready, report, result)
    return result


def _write(ready: Sequence[_CaseRow], report: Report, result: HistoryImportResult) -> None:
    """Clients, then cases, events and search entries through the one bulk case writer
    (``casework.bulk_cases``), in the caller's transaction."""
    from comptoir.casework.bulk_cases import CaseWriter, NewCase, NewEvent

    now = timezone.now()
    writer = bulk.BulkWriter(
        now=now, actor_id=None, reason=f"history-import:{report.files.get(CASES_FILE, '')}"[:100]
    )
    client_of, matched = _write_clients(ready, writer, now, result)
    _draw_references(ready)
    cases = CaseWriter(recorded_at=now)
    # What a case's search entry names of its request type.
    request_types = RequestType.objects.in_bulk(
        {case.request_type_id for case in ready if case.request_type_id is not None}
    )
    new_cases: list[NewCase] = []
    for case in ready:
        client = client_of(case)
        new_cases.append(
            NewCase(
                reference=case.reference,
                legacy_reference=case.legacy_reference,
                service=case.service,
                kind=case.kind,
                channel=case.channel,
                entry_unit_id=case.entry_unit.pk,
                tier=case.tier,
                request_type=None
                if case.request_type_id is None
                else request_types[case.request_type_id],
                description=case.subject,
                language=case.language,
                client_id=None if client is None else client[0],
                client_name="" if client is None else client[1],
                created_at=now,
                events=[NewEvent(fact, draft.reason) for draft, fact in _log(case)],
            )
        )
        if client is None:
            result.anonymous += 1
    for start in range(0, len(new_cases), WRITE_BATCH):
        cases.write(new_cases[start : start + WRITE_BATCH])
    cases.finish()
    result.case_ids = [int(case.pk) for case in new_cases if case.pk is not None]
    _index_matched(matched)


def _write_clients(
    ready: Sequence[_CaseRow], writer: bulk.BulkWriter, now: datetime, result: HistoryImportResult
) -> tuple[Any, set[int]]:
    """Match clients by normalized email, create the others (with their search entries);
    answers each case's client (key and the name its case is found by) and the keys of the
    clients matched."""
    from comptoir.casework.bulk_cases import write_clients
    from comptoir.search.indexing import client_name

    emails = sorted({case.email for case in ready if case.email})
    matched = _clients_by_email(emails)
    result.clients_matched = len({matched[email] for email in emails if email in matched})
    names = {
        client.pk: client_name(client)
        for client in Client.objects.filter(pk__in=set(matched.values())).only(
            "kind", "given_name", "family_name", "organization_name", "is_anonymous"
        )
    }
    new_by_email: dict[str, Client] = {}
    new_by_row: dict[int, Client] = {}
    points: dict[int, list[ContactPoint]] = {}
    for case in ready:
        if case.email and (case.email in matched or case.email in new_by_email):
            continue
        if not case.email and not case.client_name:
            continue
        given, family = split_name(case.client_name or case.email_as_given)
        client = Client(
            kind="person",
            given_name=given[:200],
            family_name=family[:200],
            preferred_language=case.language,
            segment="public",
            created_at=now,
        )
        client.search_name = client.folded_names()
        if case.email:
            new_by_email[case.email] = client
            points[id(client)] = [
                ContactPoint(
                    kind=ContactPointKind.EMAIL,
                    value=case.email_as_given,
                    normalized=case.email,
                    is_primary=True,
                    created_at=now,
                )
            ]
        else:
            new_by_row[case.row] = client
    created = [*new_by_email.values(), *new_by_row.values()]
    write_clients(writer, created, [points.get(id(client), []) for client in created])
    result.clients_created = len(created)

    def client_of(case: _CaseRow) -> tuple[int, str] | None:
        if case.email:
            if case.email in matched:
                key = matched[case.email]
                return key, names.get(key, "")
            client = new_by_email[case.email]
        else:
            found = new_by_row.get(case.row)
            if found is None:
                return None
            client = found
        return int(client.pk), client_name(client)

    return client_of, set(matched.values())


def _index_matched(client_ids: Iterable[int]) -> None:
    """The search entries of the clients the import matched, made again (the search app's own
    batch builder): an existing client's entry, or one made now if it had none."""
    from comptoir.search import backends, indexing

    keys = sorted(client_ids)
    for start in range(0, len(keys), indexing.BATCH_SIZE):
        chunk = keys[start : start + indexing.BATCH_SIZE]
        clients = list(indexing.client_query().filter(pk__in=chunk))
        backends.index_many(indexing.client_entries(clients))
