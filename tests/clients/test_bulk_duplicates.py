"""``comptoir clients find-duplicates``: the pairs of client records that may be one client, over
the whole table, on generated records whose duplicates are known."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comptoir import bulk
from comptoir.casework.bulk_cases import write_clients
from comptoir.clients.duplicates import find_duplicates, read_records
from comptoir.clients.matching import DEFAULT_DUPLICATE_THRESHOLD, record_of
from comptoir.clients.models import Client, ContactPoint
from comptoir.core.matching import normalize_record
from tests.core.matching._data import Generated, generate

pytestmark = pytest.mark.django_db

COLUMNS = ["left_id", "right_id", "left_source_id", "right_source_id", "score", "explanation"]


def _store(generated: Generated) -> dict[str, int]:
    """The generated records written as clients through the bulk writer (``source_id`` is
    ``G-<record id>``); answers each source id's client key."""
    now = timezone.now()
    clients, points = [], []
    for record in generated.records:
        person = record.kind == "person"
        client = Client(
            kind="person" if person else "organization",
            given_name=record.given_name if person else "",
            family_name=record.family_name if person else "",
            organization_name="" if person else record.organization_name,
            date_of_birth=record.date_of_birth,
            preferred_language="fr",
            segment="public",
            source_id=f"G-{record.id}",
            created_at=now,
        )
        client.search_name = client.folded_names()
        mine = []
        for kind, value in [("email", e) for e in record.emails] + [
            ("phone", p) for p in record.phones
        ]:
            mine.append(
                ContactPoint(kind=kind, value=value, is_primary=not mine or kind != "email")
            )
        for address in record.addresses:
            mine.append(
                ContactPoint(
                    kind="address",
                    street=address.street,
                    city=address.city,
                    province=address.province,
                    postal_code=address.postal_code,
                )
            )
        kept = []
        for point in mine:
            try:
                point.clean()
            except ValidationError:
                continue
            point.created_at = now
            kept.append(point)
        clients.append(client)
        points.append(kept)
    write_clients(bulk.BulkWriter(now=now, actor_id=None, reason="test"), clients, points)
    return {client.source_id: client.pk for client in clients}


@pytest.fixture
def stored() -> tuple[Generated, dict[str, int]]:
    generated = generate(7, 150)
    return generated, _store(generated)


def _pair(generated_ids: frozenset[int]) -> frozenset[str]:
    return frozenset(f"G-{key}" for key in generated_ids)


def test_known_duplicates_are_found_and_households_are_not(
    stored: tuple[Generated, dict[str, int]],
) -> None:
    generated, _keys = stored
    scan = find_duplicates()
    assert scan.records == len(generated.records)
    found = {frozenset({pair.left_source_id, pair.right_source_id}) for pair in scan.pairs}
    truth = {_pair(pair) for pair in generated.duplicates}
    households = {_pair(pair) for pair in generated.households}
    assert len(found & truth) >= 0.85 * len(truth)
    assert len(found - truth) <= 0.1 * len(found)
    assert not found & households
    assert all(pair.probability >= DEFAULT_DUPLICATE_THRESHOLD for pair in scan.pairs)
    assert [p.probability for p in scan.pairs] == sorted(
        (p.probability for p in scan.pairs), reverse=True
    )
    assert all(pair.left_id < pair.right_id for pair in scan.pairs)


def test_anonymous_and_merged_records_are_left_out(make_client: object) -> None:
    from comptoir.clients.actions import do_create_client

    kept = do_create_client(
        kind="person",
        given_name="Marie",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=None,
    )
    twin = do_create_client(
        kind="person",
        given_name="Marie",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=None,
    )
    do_create_client(
        kind="person", is_anonymous=True, preferred_language="fr", segment="public", actor=None
    )
    assert len(read_records().records) == 3 - 1
    Client.objects.filter(pk=twin.pk).update(merged_into=kept)
    assert [record.id for record in read_records().records] == [kept.pk]


def test_the_scan_reads_a_client_as_the_intake_proposals_do(
    stored: tuple[Generated, dict[str, int]],
) -> None:
    by_key = {record.id: record for record in read_records(batch=37).records}
    for client in Client.objects.prefetch_related("contact_points")[:40]:
        expected = normalize_record(record_of(client, client.contact_points.all()))
        assert by_key[client.pk] == expected


def test_csv_columns_and_explanation(stored: tuple[Generated, dict[str, int]]) -> None:
    out, err = StringIO(), StringIO()
    call_command("clients", "find-duplicates", stdout=out, stderr=err)
    rows = list(csv.reader(StringIO(out.getvalue())))
    assert rows[0] == COLUMNS
    scan = find_duplicates()
    assert len(rows) - 1 == len(scan.pairs) > 0
    first = scan.pairs[0]
    assert rows[1][:5] == [
        str(first.left_id),
        str(first.right_id),
        first.left_source_id,
        first.right_source_id,
        f"{first.probability:.6f}",
    ]
    lines = rows[1][5].split("; ")
    assert lines == [f"{w.field}:{w.level}:{w.weight:+.1f}" for w in first.explanation]
    _field, level, weight = lines[0].split(":")
    assert level != "missing" and weight[0] in "+-"
    assert "records read" in err.getvalue()


def test_json_columns_and_min_score(stored: tuple[Generated, dict[str, int]]) -> None:
    out = StringIO()
    call_command(
        "clients", "find-duplicates", "--format", "json", "--min-score", "0", stdout=out,
        stderr=StringIO(),
    )  # fmt: skip
    pairs = json.loads(out.getvalue())
    assert pairs
    assert all(list(pair) == COLUMNS for pair in pairs)
    assert any(pair["score"] < DEFAULT_DUPLICATE_THRESHOLD for pair in pairs)
    assert isinstance(pairs[0]["explanation"], list)
    assert len(find_duplicates().pairs) < len(pairs) == find_duplicates().candidates


def test_estimated_weights_still_find_the_duplicates(
    stored: tuple[Generated, dict[str, int]],
) -> None:
    generated, _keys = stored
    scan = find_duplicates(use_estimate=True)
    assert scan.is_estimated
    found = {frozenset({pair.left_source_id, pair.right_source_id}) for pair in scan.pairs}
    truth = {_pair(pair) for pair in generated.duplicates}
    assert len(found & truth) >= 0.8 * len(truth)


def test_skipped_blocks_are_reported_on_stderr(make_client: object) -> None:
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    for index in range(205):  # one switchboard number, more clients than the block cap
        client = do_create_client(
            kind="person",
            given_name=f"Agent{index}",
            family_name="Tremblay",
            preferred_language="fr",
            segment="public",
            actor=None,
        )
        do_add_contact_point(client, kind="phone", value="613-555-0199", actor=None)
    err = StringIO()
    call_command("clients", "find-duplicates", stdout=StringIO(), stderr=err)
    assert "over_cap" in err.getvalue()


def test_a_score_outside_0_1_is_refused() -> None:
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("clients", "find-duplicates", "--min-score", "2")


def test_record_ids_are_client_keys(stored: tuple[Generated, dict[str, int]]) -> None:
    _generated, keys = stored
    assert sorted(int(record.id) for record in read_records().records) == sorted(keys.values())


def test_a_rejected_pair_is_never_listed_again_and_recording_keeps_the_undecided(
    stored: tuple[Generated, dict[str, int]],
) -> None:
    from comptoir.clients.actions import do_decide_duplicate
    from comptoir.clients.models import DuplicateCandidate, DuplicateDecision

    first, second, third = find_duplicates().pairs[:3]
    left, right = Client.objects.get(pk=first.left_id), Client.objects.get(pk=first.right_id)
    decision = do_decide_duplicate(
        right, left, decision="rejected", reason="Twins: two people", actor=None
    )
    assert (decision.left_id, decision.right_id) == (left.pk, right.pk)  # ordered
    listed = {(pair.left_id, pair.right_id) for pair in find_duplicates().pairs}
    assert (first.left_id, first.right_id) not in listed
    assert (second.left_id, second.right_id) in listed
    out, err = StringIO(), StringIO()
    call_command("clients", "find-duplicates", "--record", stdout=out, stderr=err)
    assert f"{first.left_id},{first.right_id}," not in out.getvalue()
    stored_pairs = set(DuplicateCandidate.objects.values_list("left_id", "right_id"))
    assert stored_pairs == listed
    assert f"{len(listed)} pairs kept for review." in err.getvalue()
    candidate = DuplicateCandidate.objects.get(left_id=third.left_id, right_id=third.right_id)
    assert candidate.explanation[0]["field"] == third.explanation[0].field
    # A confirmation leaves the pending pairs and is kept; a second run does not bring it back.
    do_decide_duplicate(
        Client.objects.get(pk=third.left_id),
        Client.objects.get(pk=third.right_id),
        decision="confirmed",
        actor=None,
    )
    assert (
        not DuplicateCandidate.objects.filter(left_id=third.left_id)
        .filter(right_id=third.right_id)
        .exists()
    )
    call_command("clients", "find-duplicates", "--record", stdout=StringIO(), stderr=StringIO())
    assert DuplicateCandidate.objects.count() == len(listed) - 1
    # Deciding again corrects the row; the history keeps both.
    do_decide_duplicate(left, right, decision="confirmed", reason="Same SIN", actor=None)
    row = DuplicateDecision.objects.get(left=left, right=right)
    assert row.decision == "confirmed"
    assert [h.decision for h in row.history.order_by("history_id")] == ["rejected", "confirmed"]


def test_a_decision_is_refused_for_one_record_or_an_unknown_verdict(make_client: object) -> None:
    from comptoir.clients.actions import do_create_client, do_decide_duplicate
    from comptoir.clients.errors import ClientError

    one = do_create_client(
        kind="person", family_name="Roy", preferred_language="fr", segment="public", actor=None
    )
    two = do_create_client(
        kind="person", family_name="Roy", preferred_language="fr", segment="public", actor=None
    )
    with pytest.raises(ClientError) as same:
        do_decide_duplicate(one, one, decision="rejected", actor=None)
    assert same.value.code == "same_record"
    with pytest.raises(ClientError) as bad:
        do_decide_duplicate(one, two, decision="maybe", actor=None)
    assert bad.value.code == "invalid_decision"


def test_the_counts_speak_french(stored: tuple[Generated, dict[str, int]]) -> None:
    err = StringIO()
    call_command(
        "clients", "--language", "fr", "find-duplicates", "--record", stdout=StringIO(), stderr=err
    )
    assert "Fiches lues\u00a0: 192" in err.getvalue()
    assert "paires conservées pour révision" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_readers_in_parallel_read_what_one_reader_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    from comptoir.clients import duplicates

    if connection.vendor != "postgresql":
        pytest.skip("parallel reading is for PostgreSQL (other connections see the rows)")
    generated = generate(9, 120)
    _store(generated)
    monkeypatch.setattr(duplicates, "PARALLEL_READ_FROM", 2)
    forks: list[int] = []
    pool = duplicates.multiprocessing.get_context("fork").Pool

    def counted_pool(processes: int) -> object:
        forks.append(processes)
        return pool(processes)

    monkeypatch.setattr(
        duplicates.multiprocessing,
        "get_context",
        lambda method: type("Context", (), {"Pool": staticmethod(counted_pool)}),
    )
    alone, alone_ids = duplicates.read_table(workers=1)
    together, together_ids = duplicates.read_table(workers=3)
    assert forks == [3]
    assert together_ids == alone_ids
    assert [together.record(i) for i in range(len(together))] == [
        alone.record(i) for i in range(len(alone))
    ]
    assert len(alone) == len(generated.records)
