"""The one bulk case writer (``casework.bulk_cases``): the rows it writes are those the event
writer and the search app would give (projection, due instant, events, search entries, the
units holding a client), for the generator and the history import alike."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from comptoir import bulk
from comptoir.casework import actions, generator
from comptoir.casework.bulk_cases import CASE_COLUMNS, CaseWriter, NewCase, NewEvent
from comptoir.casework.models import Case, CaseEvent
from comptoir.core.businesstime import Within
from comptoir.core.casework import EventFact, EventKind, Status, derive_state
from comptoir.core.standards import CalendarChoice, CalendarScope, StandardRule
from comptoir.inventory.models import ServiceStandard
from comptoir.search import indexing
from comptoir.search.models import EntryKind, SearchEntry

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
END = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
ENTRY_FIELDS = (
    "title", "body", "text", "unit_id", "entry_unit_id", "unit_ids", "owner_id",
    "organization_id", "is_confidential", "status", "category", "created_at", "updated_at",
)  # fmt: skip


def _measured(service):
    rule = StandardRule(
        "S5",
        Within.parse("5 business days"),
        calendar=CalendarChoice(CalendarScope.RECEIVING_UNIT),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
    )
    ServiceStandard.objects.create(service=service, service_standard_id="S5", rule=rule.to_dict())


def _stored_entry(kind, key):
    return SearchEntry.objects.filter(kind=kind, key=key).values(*ENTRY_FIELDS).get()


def _rebuilt_case_entries(keys):
    """What the search app's own rebuild makes of these cases, field by field."""
    before = {key: _stored_entry(EntryKind.CASE, key) for key in keys}
    indexing.rebuild_cases(Case.objects.filter(pk__in=keys))
    return before, {key: _stored_entry(EntryKind.CASE, key) for key in keys}


def test_the_case_columns_are_every_column_but_the_key():
    assert list(CASE_COLUMNS) == [
        field.attname for field in Case._meta.concrete_fields if not field.primary_key
    ]


def test_written_cases_match_the_event_writer_and_the_search_rebuild(make_unit, service):
    front = make_unit("front")
    back = make_unit("back", kind="division")
    _measured(service)
    from comptoir.clients.models import Client

    client = Client.objects.create(
        kind="person",
        given_name="Émilie",
        family_name="Gagné",
        preferred_language="fr",
        segment="public",
    )
    indexing.index_client(client)

    def fact(kind, minutes, sequence, unit, **payload):
        return EventFact(
            kind=kind,
            at=T0 + timedelta(minutes=minutes),
            sequence=sequence,
            unit=str(unit.pk),
            payload=payload,
        )

    open_case = NewCase(
        reference="AAAA-BBBB",
        service=service,
        kind="enquiry",
        channel="EML",
        entry_unit_id=front.pk,
        tier=2,
        description="Where are the trade tables?",
        language="fr",
        created_at=T0,
        client_id=client.pk,
        client_name="Émilie Gagné",
        events=[
            NewEvent(fact(EventKind.RECEIVED, 0, 1, front)),
            NewEvent(fact(EventKind.NOTE, 5, 2, front), "Tableaux envoyés"),
            NewEvent(fact(EventKind.REFERRED, 10, 3, front, to_unit=str(back.pk)), "Division"),
        ],
    )
    resolved = NewCase(
        reference="CCCC-DDDD",
        service=service,
        kind="complaint",
        channel="TEL",
        entry_unit_id=front.pk,
        tier=1,
        description="The page is missing figures",
        language="en",
        created_at=T0,
        events=[
            NewEvent(fact(EventKind.RECEIVED, 0, 1, front)),
            NewEvent(fact(EventKind.RESOLVED, 30, 2, front, outcome="delivered")),
        ],
    )
    writer = CaseWriter(recorded_at=END)
    writer.write([open_case, resolved])
    writer.finish()
    assert (writer.cases, writer.events) == (2, 5)
    for new in (open_case, resolved):
        stored = Case.objects.select_related("service").get(pk=new.pk)
        events = list(CaseEvent.objects.filter(case=stored).order_by("sequence"))
        assert [e.sequence for e in events] == list(range(1, len(new.events) + 1))
        assert all(e.recorded_at == END for e in events)
        assert [e.reason for e in events] == [event.reason for event in new.events]
        facts = actions.facts_of(events)
        state = derive_state(facts)
        assert stored.status == state.status.value
        assert stored.current_unit_id == int(state.current_unit)
        assert stored.received_at == state.received_at
        assert stored.last_event_at == state.last_event_at
        assert stored.is_anonymous == (new.client_id is None)
        # The queues' own due instant: set for the open case of a measured service.
        assert stored.next_due_at == actions.next_due_at(stored, facts, state)
    assert Case.objects.get(pk=open_case.pk).next_due_at is not None
    assert Case.objects.get(pk=resolved.pk).next_due_at is None
    before, after = _rebuilt_case_entries([open_case.pk, resolved.pk])
    assert before == after
    assert "Tableaux envoyés" in before[open_case.pk]["body"]
    assert "Émilie Gagné" in before[open_case.pk]["body"]
    # The units holding the client, as the search app computes them.
    (expected,) = indexing.client_entries([indexing.client_query().get(pk=client.pk)])
    assert _stored_entry(EntryKind.CLIENT, client.pk)["unit_ids"] == expected.unit_ids
    assert expected.unit_ids == SearchEntry.units_text([front.pk, back.pk])


def _generate(make_unit, service, *, cases=200, clients=30, seed=4):
    centre = make_unit("centre")
    office = make_unit("office", kind="regional_office", time_zone="America/Vancouver")
    units = [
        generator.UnitInfo(unit.pk, unit.kind, unit.time_zone, unit.organization_id)
        for unit in (centre, office)
    ]
    rng = random.Random(seed)
    people = list(generator.generate_clients(rng, clients, start=END - timedelta(365), end=END))
    drawn = generator.generate_cases(
        rng,
        cases,
        units=units,
        services=[(service.pk, service.organization_id)],
        request_types=[],
        staff={},
        clients=len(people),
        start=END - timedelta(days=365),
        end=END,
    )
    return generator.write_generated(people, drawn, actor=None, now=END, batch_size=40)


def _check_generated(counts):
    assert Case.objects.count() == counts.cases
    assert CaseEvent.objects.count() == counts.events
    open_cases = Case.objects.exclude(status=Status.RESOLVED.value).select_related("service")
    assert open_cases.exists()
    for case in open_cases:
        facts = actions.facts_of(case.events.order_by("sequence"))
        due = actions.next_due_at(case, facts, derive_state(facts))
        assert due is not None
        assert case.next_due_at == due
    keys = list(Case.objects.values_list("pk", flat=True))
    before, after = _rebuilt_case_entries(keys)
    assert before == after
    clients = list(indexing.client_query().all())
    for entry in indexing.client_entries(clients):
        stored = _stored_entry(EntryKind.CLIENT, entry.key)
        assert (stored["title"], stored["body"], stored["unit_ids"]) == (
            entry.title,
            entry.body,
            entry.unit_ids,
        )


def test_generated_open_cases_get_their_due_instant_and_entries_match_a_rebuild(make_unit, service):
    _measured(service)
    _check_generated(_generate(make_unit, service))


@pytest.fixture
def postgresql_only() -> None:
    """Before any row is written: on SQLite a transactional test could not empty the append-only
    event log afterwards (and the writer's thread is PostgreSQL's only)."""
    if connection.vendor != "postgresql":
        pytest.skip("the writer's own thread writes on PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_batches_written_outside_a_transaction_are_the_same(postgresql_only, make_unit, service):
    """Without a transaction of the caller's, PostgreSQL's batches are written by the writer's
    own thread and connection; what is stored is the same."""
    assert not connection.in_atomic_block
    _measured(service)
    _check_generated(_generate(make_unit, service, seed=8))


def test_keys_are_returned_in_row_order(make_unit, service):
    unit = make_unit("front")
    columns = [Case._meta.get_field(name).column for name in CASE_COLUMNS]
    rows = []
    for n in range(3):
        values = dict.fromkeys(CASE_COLUMNS)
        values.update(
            reference=f"KEY-{n}", legacy_reference="", status_token_hash=f"hash-{n}",
            service_id=service.pk, kind="enquiry", channel="EML", entry_unit_id=unit.pk, tier=1,
            description="", language="en", priority="normal", is_confidential=False,
            is_anonymous=True, created_at=T0, status="open", current_unit_id=unit.pk,
            received_at=T0, last_event_at=T0,
        )  # fmt: skip
        if connection.vendor != "postgresql":
            for name in ("created_at", "received_at", "last_event_at"):
                values[name] = connection.ops.adapt_datetimefield_value(values[name])
        rows.append([values[name] for name in CASE_COLUMNS])
    keys = bulk.insert_rows_returning_pks(Case, columns, rows)
    assert [Case.objects.get(pk=key).reference for key in keys] == ["KEY-0", "KEY-1", "KEY-2"]


def test_the_append_only_migration_names_an_unknown_database():
    import importlib

    migration = importlib.import_module("comptoir.casework.migrations.0002_append_only")

    class Editor:
        class connection:
            vendor = "oracle"

    with pytest.raises(RuntimeError, match="oracle"):
        migration.create_triggers(None, Editor())
