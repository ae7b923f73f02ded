"""The one bulk writer of new cases: the generator (``casework.generator``) and the history import
(``casework.history_import``) both write their clients and cases through it.

:class:`CaseWriter` is given cases as :class:`NewCase` (the case's own columns, its client's key
and the name a search finds it by, and its events as the core's ``EventFact`` with each event's
reason) and writes, in the caller's transaction, for each case:

- its row, with the projection of ``derive_state`` set by the event writer's own
  ``actions.project_state``, and for an open case of a service with a machine rule the due
  instant ``actions.next_due_at`` gives (the queues read it; a service without a rule has no
  clock, so no due instant);
- its events, with the sequence numbers of the facts (1, 2, 3...);
- its search entry, the fields ``search.indexing.case_entry_values`` gives (the search app's own
  builder), the backend's text from ``search.backends.indexed_text``;

and :meth:`CaseWriter.finish` writes again the units that hold each client of the cases written
(``search.indexing.index_client_units``). :func:`write_clients` writes new clients with their
contact points, their history (``comptoir.bulk.BulkWriter``) and their search entries.

Rows are written as plain rows through ``comptoir.bulk`` (``COPY`` on PostgreSQL, a prepared
``executemany`` elsewhere), the keys of the cases drawn from the table's sequence on PostgreSQL
and returned by ``INSERT ... RETURNING`` on SQLite: no model instance is made for a case, an
event or an entry (making them, and preparing each of their values through its field, was most
of the writer's own time). A ``Case`` instance is made only for the open cases whose due
instant is computed, since ``next_due_at`` reads one.
"""

from __future__ import annotations

import hashlib
import json
import operator
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction

from comptoir import bulk
from comptoir.core.casework import EventFact, Status, derive_state

if TYPE_CHECKING:
    from comptoir.casework.models import Case, RequestType, Subject
    from comptoir.clients.models import Client, ContactPoint
    from comptoir.inventory.models import Service

#: The event kinds whose text a case's search entry holds (``search.indexing``).
_TEXT_KINDS = frozenset({"note", "message_in", "message_out"})
#: The columns of a case row, in this order (a test checks they are every column but the key).
CASE_COLUMNS = (
    "reference", "legacy_reference", "status_token_hash", "service_id", "kind", "channel",
    "entry_unit_id", "tier", "request_type_id", "subject_id", "description", "language",
    "priority", "is_confidential", "client_id", "is_anonymous", "created_at", "status",
    "current_unit_id", "owner_id", "received_at", "resolved_at", "last_event_at", "next_due_at",
    "awaiting_since",
)  # fmt: skip
EVENT_COLUMNS = (
    "case_id", "sequence", "kind", "at", "recorded_at", "actor_id", "unit_id", "reason", "payload",
)  # fmt: skip
ENTRY_COLUMNS = (
    "kind", "key", "title", "body", "text", "unit_id", "entry_unit_id", "unit_ids", "owner_id",
    "organization_id", "is_confidential", "status", "category", "created_at", "updated_at",
)  # fmt: skip
_DATE_POSITIONS = [
    CASE_COLUMNS.index(name)
    for name in (
        "created_at", "received_at", "resolved_at", "last_event_at", "next_due_at", "awaiting_since"
    )
]  # fmt: skip


def new_status_token_hash() -> str:
    """The hash of a fresh status token, as ``do_receive_case`` stores it (the token itself is
    not kept: a generated or imported case's client is given none)."""
    return hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One event of a case to write: the fact the core reads, and its reason."""

    fact: EventFact
    reason: str = ""

    @property
    def payload(self) -> Mapping[str, object]:
        return self.fact.payload


@dataclass(slots=True)
class NewCase:
    """One case to write: its own columns, its client (key and the name a search finds the case
    by, "" for an anonymous case) and its events. The writer sets ``pk`` and the projection."""

    reference: str
    service: Service
    kind: str
    channel: str
    entry_unit_id: int
    tier: int
    description: str
    language: str
    created_at: datetime
    events: Sequence[NewEvent]
    legacy_reference: str = ""
    priority: str = "normal"
    is_confidential: bool = False
    client_id: int | None = None
    client_name: str = ""
    request_type: RequestType | None = None
    subject: Subject | None = None
    status_token_hash: str = field(default_factory=new_status_token_hash)
    # Set by the writer: the key and the projection (``actions.project_state``).
    pk: int | None = None
    status: str = ""
    current_unit_id: int = 0
    owner_id: int | None = None
    received_at: datetime | None = None
    resolved_at: datetime | None = None
    last_event_at: datetime | None = None
    awaiting_since: datetime | None = None
    next_due_at: datetime | None = None

    @property
    def service_id(self) -> int:
        return int(self.service.pk)

    @property
    def request_type_id(self) -> int | None:
        return None if self.request_type is None else int(self.request_type.pk)

    @property
    def subject_id(self) -> int | None:
        return None if self.subject is None else int(self.subject.pk)

    @property
    def is_anonymous(self) -> bool:
        return self.client_id is None

    def facts(self) -> list[EventFact]:
        return [event.fact for event in self.events]

    def as_case(self) -> Case:
        """The case as a (not stored) ``Case`` instance, projection included."""
        from comptoir.casework.models import Case

        case = Case(
            **{name: getattr(self, name) for name in CASE_COLUMNS},
            service=self.service,
            request_type=self.request_type,
            subject=self.subject,
        )
        case.pk = self.pk
        return case


def _db_time() -> Callable[[datetime | None], Any]:
    """How an aware instant goes to the database as a plain row's value (PostgreSQL takes it as
    it is)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    adapt = connection.ops.adapt_datetimefield_value
    return lambda value: None if value is None else adapt(value)


def _json(payload: Mapping[str, object]) -> str:
    """A payload as the JSON field stores it (``json.dumps``, as ``adapt_json_value`` does)."""
    return json.dumps(dict(payload)) if payload else "{}"


def _measured_services() -> frozenset[int]:
    """The services with a standard that has a machine rule: only their cases have clocks
    (``measurement.clocks`` reads the standards whose ``rule`` is set)."""
    from comptoir.inventory.models import ServiceStandard

    return frozenset(
        ServiceStandard.objects.filter(rule__isnull=False).values_list("service_id", flat=True)
    )


class CaseWriter:
    """Writes new cases, their events and their search entries (see the module docstring):
    :meth:`write` one batch in the caller's transaction, or :meth:`write_batches` a stream of
    batches, each in its own transaction; then :meth:`finish` once.

    ``recorded_at``: when the events are recorded (the history import: the time of the import);
    ``None`` records each event at its own instant (the generator, as if typed then).
    """

    def __init__(self, *, recorded_at: datetime | None = None) -> None:
        self.recorded_at = recorded_at
        self.cases = 0
        self.events = 0
        self.client_ids: set[int] = set()
        self._measured = _measured_services()

    def write(self, cases: Sequence[NewCase]) -> None:
        """Write ``cases`` in the caller's transaction (each is given its ``pk`` and
        projection)."""
        from comptoir.casework.models import Case

        if not cases:
            return
        rows = self._case_rows(cases)
        keys = bulk.insert_rows_returning_pks(Case, _case_columns(), rows)
        for table, columns, dependent in self._dependent_rows(cases, keys):
            bulk.write_rows(table, columns, dependent)

    def write_batches(self, batches: Iterable[Sequence[NewCase]]) -> None:
        """Write each batch in a transaction of its own. On PostgreSQL, when the caller holds no
        transaction, the rows of a batch are sent and committed by a thread of this writer (its
        own connection) while the next batch is made, so that the database's work (indexes,
        foreign keys, the search document) and the making of the rows overlap; a failure there
        is raised here, and the batches already committed stay."""
        from comptoir.casework.models import Case

        if connection.vendor != "postgresql" or connection.in_atomic_block:
            for batch in batches:
                with transaction.atomic():
                    self.write(batch)
            return
        meta = Case._meta
        columns: list[str] = [str(meta.pk.column), *_case_columns()]
        with _Background() as background:
            for batch in batches:
                if not batch:
                    continue
                rows = self._case_rows(batch)
                keys = bulk.reserve_pks(Case, len(rows))
                tables = [
                    (meta.db_table, columns, [[k, *r] for k, r in zip(keys, rows, strict=True)]),
                    *self._dependent_rows(batch, keys),
                ]
                background.send(tables)

    def finish(self) -> None:
        """The units holding each client of the cases written, in their search entries."""
        from comptoir.search import indexing

        indexing.index_client_units(self.client_ids)

    def _case_rows(self, cases: Sequence[NewCase]) -> list[list[Any]]:
        """Each case's row, its projection set (and on ``cases``)."""
        from comptoir.casework import actions

        columns = operator.attrgetter(*CASE_COLUMNS)
        dates = [] if connection.vendor == "postgresql" else _DATE_POSITIONS
        db_time = _db_time()
        rows = []
        for new in cases:
            facts = new.facts()
            state = derive_state(facts)
            due = None
            if state.status is not Status.RESOLVED and new.service.pk in self._measured:
                due = actions.next_due_at(new.as_case(), facts, state)  # the queues' own
            # The event writer's own projection (it only sets the projection's attributes).
            actions.project_state(cast("Case", new), state, next_due_at=due)
            row = list(columns(new))
            for position in dates:
                row[position] = db_time(row[position])
            rows.append(row)
        return rows

    def _dependent_rows(
        self, cases: Sequence[NewCase], keys: Sequence[int]
    ) -> list[tuple[str, Sequence[str], list[list[Any]]]]:
        """The rows of the events and search entries of ``cases``, given their keys."""
        from comptoir.casework.models import CaseEvent
        from comptoir.search import backends, indexing
        from comptoir.search.models import SearchEntry

        db_time = _db_time()
        recorded = None if self.recorded_at is None else db_time(self.recorded_at)
        events: list[list[Any]] = []
        entries: list[list[Any]] = []
        for new, key in zip(cases, keys, strict=True):
            new.pk = key
            texts = []
            for event in new.events:
                fact = event.fact
                at = db_time(fact.at)
                events.append(
                    [
                        key,
                        fact.sequence,
                        fact.kind.value,
                        at,
                        at if recorded is None else recorded,
                        fact.actor,
                        None if fact.unit is None else int(fact.unit),
                        event.reason,
                        _json(fact.payload),
                    ]
                )
                if fact.kind.value in _TEXT_KINDS:
                    texts.append(event)
            entry = indexing.case_entry_values(new, texts, client_name=new.client_name)
            entry["text"] = backends.indexed_text(entry["title"], entry["body"])
            entry["created_at"] = db_time(entry["created_at"])
            entry["updated_at"] = db_time(entry["updated_at"])
            entries.append([entry[name] for name in ENTRY_COLUMNS])
            if new.client_id is not None:
                self.client_ids.add(new.client_id)
        self.cases += len(cases)
        self.events += len(events)
        return [
            (CaseEvent._meta.db_table, EVENT_COLUMNS, events),
            (SearchEntry._meta.db_table, ENTRY_COLUMNS, entries),
        ]


def _case_columns() -> list[str]:
    from comptoir.casework.models import Case

    fields = {field.attname: str(field.column) for field in Case._meta.concrete_fields}
    return [fields[name] for name in CASE_COLUMNS]


class _Background:
    """A thread with its own database connection that writes the tables of each batch it is
    sent in one transaction, one batch waiting at most (so memory stays bounded)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[list[tuple[str, Sequence[str], list[list[Any]]]] | None] = (
            queue.Queue(maxsize=1)
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="comptoir-bulk-cases", daemon=True)

    def __enter__(self) -> _Background:
        self._thread.start()
        return self

    def send(self, tables: list[tuple[str, Sequence[str], list[list[Any]]]]) -> None:
        while True:
            self._raise()
            try:
                self._queue.put(tables, timeout=0.5)
            except queue.Full:
                continue
            return

    def __exit__(self, *exc: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.5)
                break
            except queue.Full:
                continue
        self._thread.join()
        if exc[0] is None:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise RuntimeError("bulk case writer: a batch failed") from self._error

    def _run(self) -> None:
        from django.db import connections

        try:
            while (tables := self._queue.get()) is not None:
                with transaction.atomic():
                    for table, columns, rows in tables:
                        bulk.write_rows(table, columns, rows)
        except BaseException as error:  # handed to the sending thread, raised there
            self._error = error
            # Drain, so the sender is never left waiting on a full queue.
            while self._queue.get() is not None:
                continue
        finally:
            connections.close_all()


def write_clients(
    writer: bulk.BulkWriter, clients: list[Client], points: Sequence[Sequence[ContactPoint]]
) -> int:
    """Write new ``clients`` (their history through ``writer``), then their contact points
    (``points``: each client's, in the order of ``clients``; each point's ``client`` is set, so
    it gets the client's key) and the clients' search entries (``search.indexing``'s own
    ``client_entry``; the units holding a client come with :meth:`CaseWriter.finish`) and their
    blocking strings (``clients.matching``). Returns
    how many contact points were written."""
    from comptoir.clients.matching import match_key_rows
    from comptoir.clients.models import Client, ClientMatchKey, ContactPoint
    from comptoir.search import backends, indexing
    from comptoir.search.models import SearchEntry

    writer.create(Client, clients)
    for client, mine in zip(clients, points, strict=True):
        for point in mine:
            point.client = client
    every = [point for mine in points for point in mine]
    writer.create(ContactPoint, every)
    db_time = _db_time()
    rows = []
    for client, mine in zip(clients, points, strict=True):
        entry = indexing.client_entry(client, mine, (), ())
        entry.text = backends.indexed_text(entry.title, entry.body)
        entry.created_at = db_time(entry.created_at)
        entry.updated_at = db_time(entry.updated_at)
        rows.append([getattr(entry, name) for name in ENTRY_COLUMNS])
    bulk.write_rows(SearchEntry._meta.db_table, ENTRY_COLUMNS, rows)
    # The intake proposals' index (clients.matching), as the client actions keep it.
    bulk.write_rows(
        ClientMatchKey._meta.db_table, ("client_id", "value"), match_key_rows(clients, points)
    )
    return len(every)
