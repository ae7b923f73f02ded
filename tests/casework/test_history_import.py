"""``comptoir cases import``: the history import, through the command (and its module for the
measurement test). Files are written to ``tmp_path`` as an older system would write them."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.casework import actions
from comptoir.casework.models import Case, CaseEvent
from comptoir.clients.models import Client, ContactPoint
from comptoir.core.businesstime import Within
from comptoir.core.casework import CaseKind, make_reference, standards_timeline
from comptoir.core.standards import CalendarChoice, CalendarScope, StandardRule
from comptoir.inventory.models import Organization, Service, ServiceStandard, Unit
from comptoir.measurement.clocks import clocks_for
from comptoir.search.models import SearchEntry

pytestmark = pytest.mark.django_db

CASE_HEADER = [
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
]
EVENT_HEADER = ["reference", "event", "at", "unit", "reason"]


def case_row(**cells: str) -> dict[str, str]:
    row = {
        "reference": "OLD-1",
        "service_id": "1234",
        "kind": "enquiry",
        "channel": "EML",
        "tier": "1",
        "entry_unit": "front",
        "client_name": "Émilie Gagné",
        "client_email": "Emilie.Gagne@example.ca",
        "client_language": "fr",
        "subject": "Where are the trade tables?",
        "received_at": "2026-03-02T10:00:00-05:00",
        "acknowledged_at": "2026-03-02T10:05:00-05:00",
        "resolved_at": "2026-03-04T15:00:00-05:00",
        "outcome": "delivered",
    }
    row.update(cells)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]], *, bom: bool = True):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


@pytest.fixture
def units(make_unit):
    return make_unit("front"), make_unit("back")


@pytest.fixture
def files(tmp_path, units, service):
    def build(cases, events=None, *, case_header=CASE_HEADER, event_header=EVENT_HEADER):
        cases_path = write_csv(tmp_path / "cases.csv", case_header, cases)
        events_path = None
        if events is not None:
            events_path = write_csv(tmp_path / "events.csv", event_header, events, bom=False)
        return cases_path, events_path

    return build


def run(cases_path, events_path=None, *extra, language=None):
    out = []
    args = ["cases", *(["--language", language] if language else []), "import", str(cases_path)]
    if events_path is not None:
        args += ["--events", str(events_path)]
    args += list(extra)

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command(*args, stdout=Out())
    return "".join(out)


def refused_output(cases_path, events_path=None, *extra, language=None, capsys=None):
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    args = ["cases", *(["--language", language] if language else []), "import", str(cases_path)]
    if events_path is not None:
        args += ["--events", str(events_path)]
    with pytest.raises(CommandError) as caught:
        call_command(*args, *extra, stdout=Out())
    assert caught.value.returncode == 2
    return "".join(out), str(caught.value)


def test_a_good_pair_of_files_imports(files, units, tmp_path):
    front, back = units
    existing = Client.objects.create(
        kind="person",
        given_name="Marc",
        family_name="Roy",
        preferred_language="en",
        segment="public",
    )
    ContactPoint.objects.create(
        client=existing, kind="email", value="marc@example.ca", normalized="marc@example.ca"
    )
    ours = make_reference(123_456_789)
    cases, events = files(
        [
            case_row(),
            case_row(
                reference=ours,
                client_name="Roy, Marc",
                client_email=" MARC@example.ca ",
                client_language="en",
                acknowledged_at="",
                resolved_at="",
                outcome="",
            ),
            case_row(
                reference="OLD-3",
                client_name="",
                client_email="",
                client_language="en",
                resolved_at="2026-03-09T12:00:00-05:00",
                outcome="withdrawn",
            ),
            case_row(reference="OLD-4", client_name="Jean de la Fontaine", client_email=""),
        ],
        [
            {"reference": "OLD-1", "event": "awaiting_client", "at": "2026-03-02T11:00:00-05:00"},
            {
                "reference": "OLD-1",
                "event": "note",
                "at": "2026-03-03T09:00:00-05:00",
                "reason": "Tables sent by email",
            },
            {"reference": "OLD-1", "event": "resumed", "at": "2026-03-03T08:00:00-05:00"},
            {
                "reference": ours,
                "event": "referred",
                "at": "2026-03-02T12:00:00-05:00",
                "unit": "back",
                "reason": "Subject-matter question",
            },
        ],
    )
    output = run(cases, events)
    assert "Imported 4 cases and 14 events" in output
    assert Case.objects.count() == 4
    assert CaseEvent.objects.count() == 14
    first = Case.objects.get(legacy_reference="OLD-1")
    assert first.reference != "OLD-1"
    assert [(e.sequence, e.kind) for e in first.events.order_by("sequence")] == [
        (1, "received"),
        (2, "acknowledged"),
        (3, "awaiting_client"),
        (4, "resumed"),
        (5, "note"),
        (6, "resolved"),
    ]
    assert all(e.actor_id is None for e in first.events.all())
    assert first.status == "resolved"
    assert first.resolved_at == datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert first.description == "Where are the trade tables?"
    assert first.client.given_name == "Émilie" and first.client.family_name == "Gagné"
    assert first.client.preferred_language == "fr"
    assert first.client.contact_points.get().normalized == "emilie.gagne@example.ca"
    kept = Case.objects.get(reference=ours)
    assert kept.legacy_reference == ""
    assert kept.client_id == existing.pk  # matched by normalized email
    assert kept.status == "open" and kept.current_unit_id == back.pk
    assert kept.events.get(kind="referred").unit_id == front.pk
    anonymous = Case.objects.get(legacy_reference="OLD-3")
    assert anonymous.is_anonymous and anonymous.client_id is None
    fontaine = Case.objects.get(legacy_reference="OLD-4").client
    assert (fontaine.given_name, fontaine.family_name) == ("Jean", "de la Fontaine")
    assert Client.objects.count() == 3
    # Each imported case has its search entry, found by its client's name.
    assert SearchEntry.objects.filter(kind="case").count() == 4
    assert "Émilie Gagné" in SearchEntry.objects.get(kind="case", key=first.pk).body


def test_an_unknown_column_is_named_and_ignored(files, tmp_path):
    header = [*CASE_HEADER, "colour"]
    cases, _ = files([{**case_row(), "colour": "blue"}], case_header=header)
    report = tmp_path / "report.csv"
    output = run(cases, None, "--report", str(report))
    assert "cases.csv, row 1, column colour [unknown_column]" in output
    assert "Imported 1 case " in output
    [row] = _report_rows(report)
    assert row["message_fr"] == (
        "La colonne colour n’est pas connue de l’importation : elle a été ignorée."
    )
    cases, _ = files([{**case_row(reference="OLD-9"), "colour": "blue"}], case_header=header)
    assert "La colonne colour n’est pas connue" in run(cases, language="fr")


#: (file, row, column, code) of every problem kind, and the rows that cause them.
BAD_CASES = [
    case_row(reference=""),  # row 2: required
    case_row(reference="B2", service_id="9999"),  # row 3: unknown service
    case_row(reference="B3", entry_unit="nowhere"),  # row 4: unknown unit
    case_row(reference="B4", kind="request"),  # row 5: kind code
    case_row(reference="B5", channel="SMS"),  # row 6: channel code
    case_row(reference="B6", tier="4"),  # row 7: tier
    case_row(reference="B7", outcome="great"),  # row 8: outcome code
    case_row(reference="B8", received_at="2026-03-02T10:00:00"),  # row 9: naive
    case_row(reference="B9", received_at="yesterday"),  # row 10: not an instant
    case_row(reference="B10", resolved_at="2026-03-01T10:00:00-05:00"),  # row 11: before
    case_row(reference="B11", outcome=""),  # row 12: resolved without outcome
    case_row(reference="B12", resolved_at=""),  # row 13: outcome without resolution
    {**case_row(reference="B13"), "data_gap": "not_collected"},  # row 14: gap, not unanswerable
    case_row(reference="B14", client_email="not-an-email"),  # row 15: email
    case_row(reference="B15", client_language="de"),  # row 16: language
    case_row(reference="B16"),  # row 17: fine, but its events are impossible
    case_row(reference="B16"),  # row 18: duplicate reference
    {
        **case_row(reference="B18", outcome="unanswerable"),
        "data_gap": "not_collected",
    },  # row 19: fine (a data gap with unanswerable)
]
BAD_EVENTS = [
    {"reference": "NOPE", "event": "note", "at": "2026-03-02T11:00:00-05:00", "reason": "x"},
    {"reference": "B16", "event": "resumed", "at": "2026-03-02T11:00:00-05:00"},  # row 3
    {
        "reference": "B18",
        "event": "note",
        "at": "2026-03-02T11:00:00-05:00",
        "unit": "mars",
        "reason": "x",
    },  # row 4: unknown unit
    {"reference": "B18", "event": "assigned", "at": "2026-03-02T11:00:00-05:00"},  # row 5
    {"reference": "B18", "event": "teleported", "at": "2026-03-02T11:00:00-05:00"},  # row 6
    {"reference": "B18", "event": "note", "at": "2026-03-02 11:00"},  # row 7: naive + reason
]
EXPECTED = {
    ("cases", 2, "reference", "required"),
    ("cases", 3, "service_id", "unknown_service"),
    ("cases", 4, "entry_unit", "unknown_unit"),
    ("cases", 5, "kind", "invalid_code"),
    ("cases", 6, "channel", "invalid_code"),
    ("cases", 7, "tier", "invalid_code"),
    ("cases", 8, "outcome", "invalid_code"),
    ("cases", 9, "received_at", "naive_instant"),
    ("cases", 10, "received_at", "invalid_instant"),
    ("cases", 11, "resolved_at", "before_received"),
    ("cases", 12, "outcome", "outcome_required"),
    ("cases", 13, "outcome", "outcome_without_resolution"),
    ("cases", 14, "data_gap", "data_gap_unexpected"),
    ("cases", 15, "client_email", "invalid_email"),
    ("cases", 16, "client_language", "invalid_code"),
    ("cases", 18, "reference", "duplicate_reference"),
    ("events", 2, "reference", "unknown_case"),
    ("events", 3, "event", "event_log"),
    ("events", 4, "unit", "unknown_unit"),
    ("events", 5, "event", "event_not_importable"),
    ("events", 6, "event", "invalid_code"),
    ("events", 7, "at", "naive_instant"),
    ("events", 7, "reason", "required"),
}


def _report_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_every_problem_is_reported_with_row_and_column_in_both_languages(files, tmp_path):
    cases, events = files(BAD_CASES, BAD_EVENTS, case_header=[*CASE_HEADER, "data_gap"])
    report = tmp_path / "report.csv"
    output, error = refused_output(cases, events, "--report", str(report))
    rows = _report_rows(report)
    found = {
        (
            "cases" if row["file"] == "cases.csv" else "events",
            int(row["row"]),
            row["column"],
            row["code"],
        )
        for row in rows
    }
    assert found == EXPECTED
    assert f"{len(EXPECTED)} problems; nothing was written" in error
    assert "cases.csv, row 3, column service_id [unknown_service]: No service" in output
    assert "events.csv, row 3, column event [event_log]" in output
    by_key = {(row["file"], row["row"], row["column"], row["code"]): row for row in rows}
    unknown = by_key[("cases.csv", "3", "service_id", "unknown_service")]
    assert unknown["message_en"] == "No service of the inventory has the id 9999."
    assert unknown["message_fr"] == "Aucun service du répertoire n’a l’identifiant 9999."
    transition = by_key[("events.csv", "3", "event", "event_log")]
    assert "resumed" in transition["message_en"] or "Resumed" in transition["message_en"]
    assert transition["message_fr"] != transition["message_en"]
    for row in rows:
        assert row["message_en"] and row["message_fr"]
        assert row["message_en"] != row["message_fr"], row
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert Client.objects.count() == 0
    french, french_error = refused_output(cases, events, language="fr")
    assert "cases.csv, ligne 3, colonne service_id [unknown_service] : Aucun service" in french
    assert "rien n’a été écrit" in french_error


def test_a_missing_column_refuses_the_file(files):
    header = [name for name in CASE_HEADER if name != "received_at"]
    cases, _ = files([case_row()], case_header=header)
    output, _error = refused_output(cases)
    assert "row 1, column received_at [missing_column]" in output
    assert Case.objects.count() == 0


def test_an_ambiguous_service_needs_org(files, units, tmp_path):
    other = Organization.objects.create(owner_org="autre-other", title_en="O", title_fr="A")
    Service.objects.create(organization=other, service_id="1234")
    cases, _ = files([case_row()])
    output, _error = refused_output(cases)
    assert "[ambiguous_service]" in output
    assert "Imported 1 case " in run(cases, None, "--org", "test-essai")


def test_a_dry_run_writes_nothing(files):
    cases, events = files(
        [case_row()],
        [{"reference": "OLD-1", "event": "note", "at": "2026-03-03T09:00:00-05:00", "reason": "x"}],
    )
    output = run(cases, events, "--dry-run")
    assert "Dry run: 1 case and 4 events would be imported" in output
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert Client.objects.count() == 0 and SearchEntry.objects.count() == 0


def test_reimporting_the_same_file_is_refused(files):
    ours = make_reference(987_654_321)
    cases, _ = files([case_row(), case_row(reference=ours, client_email="b@example.ca")])
    run(cases)
    output, _error = refused_output(cases)
    assert "cases.csv, row 2, column reference [reference_exists]" in output
    assert "cases.csv, row 3, column reference [reference_exists]" in output
    assert Case.objects.count() == 2


def _many(count):
    rows = [
        case_row(reference=f"M-{n}", client_email=f"client{n}@example.ca") for n in range(count)
    ]
    events = [
        {"reference": f"M-{n}", "event": "note", "at": "2026-03-03T09:00:00-05:00", "reason": "x"}
        for n in range(count)
    ]
    return rows, events


def test_the_query_count_does_not_grow_with_rows(files, tmp_path):
    counts = []
    for count, prefix in ((3, "A"), (30, "B")):
        rows, events = _many(count)
        for row in rows:
            row["reference"] = prefix + row["reference"]
            # New clients in both runs (a client matched by email costs its own statements).
            row["client_email"] = prefix + row["client_email"]
        for event in events:
            event["reference"] = prefix + event["reference"]
        cases_path, events_path = files(rows, events)
        with CaptureQueriesContext(connection) as queries:
            run(cases_path, events_path)
        counts.append(len(queries))
    assert Case.objects.count() == 33
    assert counts[0] == counts[1]


def test_imported_cases_are_measured_like_native_ones(files, units, service, make_member):
    front, _back = units
    rule = StandardRule(
        "S5",
        Within.parse("5 business days"),
        calendar=CalendarChoice(CalendarScope.RECEIVING_UNIT),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
    )
    ServiceStandard.objects.create(service=service, service_standard_id="S5", rule=rule.to_dict())
    received = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    cases, events = files(
        [
            case_row(
                acknowledged_at="",
                resolved_at=(received + timedelta(days=7)).isoformat(),
                client_email="",
            )
        ],
        [
            {"reference": "OLD-1", "event": "awaiting_client", "at": "2026-03-03T17:00:00+00:00"},
            {"reference": "OLD-1", "event": "resumed", "at": "2026-03-05T17:00:00+00:00"},
        ],
    )
    run(cases, events)
    imported = Case.objects.get(legacy_reference="OLD-1")
    officer = make_member(front)
    native, _token = actions.do_receive_case(
        service=service,
        kind="enquiry",
        channel="EML",
        entry_unit=front,
        language="fr",
        is_anonymous=True,
        actor=officer,
        at=received,
    )
    actions.do_await_client(native, actor=officer, at=datetime(2026, 3, 3, 17, tzinfo=UTC))
    actions.do_resume_case(native, actor=officer, at=datetime(2026, 3, 5, 17, tzinfo=UTC))
    actions.do_resolve_case(native, "delivered", actor=officer, at=received + timedelta(days=7))

    def clocks(case):
        facts = actions.facts_of(case.events.order_by("sequence"))
        timeline = standards_timeline(
            case_kind=CaseKind(case.kind),
            channel=case.channel,
            tier=case.tier,
            service_id=case.service.service_id,
            entry_unit=str(case.entry_unit_id),
            events=facts,
        )
        return [
            (c.due_at, c.outcome)
            for c in clocks_for(timeline, service=case.service, as_of=received + timedelta(30))
        ]

    native.refresh_from_db()
    assert clocks(imported) == clocks(native)
    [(due_at, _outcome)] = clocks(imported)
    assert due_at > received
    for name in ("status", "current_unit_id", "owner_id", "received_at", "resolved_at"):
        assert getattr(imported, name) == getattr(native, name), name
    assert Unit.objects.count() == 2


def test_the_documented_example_imports_as_documented(units, service, tmp_path):
    """docs/history-import.md's two files, as printed there, give the counts it prints."""
    page = (Path(__file__).parents[2] / "docs" / "history-import.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in page.split("```csv\n")[1:]]
    cases, events = tmp_path / "cases.csv", tmp_path / "events.csv"
    cases.write_text(blocks[0], encoding="utf-8")
    events.write_text(blocks[1], encoding="utf-8")
    assert "Dry run: 3 cases and 10 events would be imported" in run(cases, events, "--dry-run")
    output = run(cases, events)
    assert (
        "Imported 3 cases and 10 events (0 clients matched by email, 2 new clients, "
        "1 anonymous cases, 3 new references)." in output
    )
    unanswerable = Case.objects.get(legacy_reference="INC-0002")
    assert unanswerable.is_anonymous
    assert unanswerable.events.get(kind="resolved").payload == {
        "outcome": "unanswerable",
        "data_gap": "geography_too_fine",
    }
    output, error = refused_output(cases, events)
    assert "cases.csv, row 2, column reference [reference_exists]" in output
    assert "3 problems; nothing was written" in error


def test_our_reference_typed_twice_in_two_cases_is_a_duplicate(files):
    ours = make_reference(555_555_555)
    cases, _ = files([case_row(reference=ours), case_row(reference=ours.lower())])
    output, _error = refused_output(cases)
    assert "cases.csv, row 3, column reference [duplicate_reference]" in output


def test_an_imported_open_case_gets_the_due_instant_of_its_clocks(files, units, service):
    """Its next_due_at is the one the event writer would store (the queues sort by it)."""
    rule = StandardRule(
        "S5",
        Within.parse("5 business days"),
        calendar=CalendarChoice(CalendarScope.RECEIVING_UNIT),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
    )
    ServiceStandard.objects.create(service=service, service_standard_id="S5", rule=rule.to_dict())
    cases, events = files(
        [
            case_row(acknowledged_at="", resolved_at="", outcome=""),
            case_row(reference="OLD-2", client_email="other@example.ca"),
        ],
        [{"reference": "OLD-1", "event": "awaiting_client", "at": "2026-03-03T17:00:00+00:00"}],
    )
    run(cases, events)
    still_open = Case.objects.select_related("service").get(legacy_reference="OLD-1")
    facts = actions.facts_of(still_open.events.order_by("sequence"))
    state = actions.derive(facts)
    assert still_open.status == "awaiting_client"
    assert still_open.next_due_at is not None
    assert still_open.next_due_at == actions.next_due_at(still_open, facts, state)
    assert Case.objects.get(legacy_reference="OLD-2").next_due_at is None  # resolved
