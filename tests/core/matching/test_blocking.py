"""Blocking: candidate pairs are near-linear and never miss a shared email or phone."""

from __future__ import annotations

import random
from datetime import date
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.matching import (
    DEFAULT_KEYS,
    Address,
    BlockingKey,
    ClientRecord,
    NormalizedRecord,
    RecordKind,
    blocking_values,
    candidate_pairs,
    normalize_record,
    sample_pairs,
    soundex,
)

from ._data import generate

EMAILS = [f"person{n}@example.ca" for n in range(8)]
PHONES = [f"613-555-01{n:02d}" for n in range(8)]
FAMILIES = ["Tremblay", "Gagnon", "Roy", "Smith", "Côté"]
POSTAL_CODES = ["K1A 0B1", "K1A 9Z9", "H2X 1Y4", "J8X 1A1"]


@st.composite
def record_lists(draw: st.DrawFn) -> list[NormalizedRecord]:
    count = draw(st.integers(0, 40))
    records = []
    for index in range(count):
        person = draw(st.booleans()) or index % 3
        records.append(
            ClientRecord(
                id=index,
                kind=RecordKind.PERSON if person else RecordKind.ORGANIZATION,
                given_name=draw(st.sampled_from(["Marie", "Luc", "", "J"])),
                family_name=draw(st.sampled_from(FAMILIES)),
                organization_name=draw(st.sampled_from(["Boréal inc.", "Maple Ltd.", ""])),
                emails=tuple(draw(st.lists(st.sampled_from(EMAILS), max_size=2))),
                phones=tuple(draw(st.lists(st.sampled_from(PHONES), max_size=2))),
                addresses=tuple(
                    Address(f"{n} rue Principale", "Gatineau", "QC", code)
                    for n, code in draw(
                        st.lists(
                            st.tuples(st.integers(1, 3), st.sampled_from(POSTAL_CODES)),
                            max_size=2,
                        )
                    )
                ),
            )
        )
    return [normalize_record(record) for record in records]


def _sharing(records: list[NormalizedRecord]) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i, j in combinations(range(len(records)), 2)
        if records[i].kind == records[j].kind
        and (
            set(records[i].emails) & set(records[j].emails)
            or set(records[i].phones) & set(records[j].phones)
        )
    }


@settings(max_examples=80, deadline=None)
@given(record_lists(), st.integers(2, 50))
def test_pairs_are_near_linear_unique_and_ordered(
    records: list[NormalizedRecord], cap: int
) -> None:
    candidates = candidate_pairs(records, cap=cap)
    assert len(candidates.pairs) <= cap * len(records)
    assert len(set(candidates.pairs)) == len(candidates.pairs)
    assert list(candidates.pairs) == sorted(candidates.pairs)
    assert all(0 <= i < j < len(records) for i, j in candidates.pairs)


@settings(max_examples=80, deadline=None)
@given(record_lists())
def test_a_shared_email_or_phone_is_always_a_candidate(records: list[NormalizedRecord]) -> None:
    candidates = candidate_pairs(records)  # blocks of at most 40 records: under the cap
    assert not candidates.skipped
    assert _sharing(records) <= set(candidates.pairs)


@settings(max_examples=80, deadline=None)
@given(record_lists(), st.integers(2, 10))
def test_a_shared_email_or_phone_is_a_candidate_when_few_records_hold_it(
    records: list[NormalizedRecord], cap: int
) -> None:
    candidates = candidate_pairs(records, cap=cap)
    holders: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for value in (*record.emails, *record.phones):
            holders.setdefault(f"{record.kind}:{value}", []).append(index)
    for members in holders.values():
        if len(members) <= cap and not candidates.over_budget:
            assert set(combinations(members, 2)) <= set(candidates.pairs)


def _people(count: int, **fields: object) -> list[NormalizedRecord]:
    return [
        normalize_record(ClientRecord(id=n, **fields))  # type: ignore[arg-type]
        for n in range(count)
    ]


def test_an_oversized_block_is_split_by_its_second_key() -> None:
    # A switchboard: 30 people at one number, 10 of them Tremblay.
    records = _people(20, given_name="Luc", family_name="Gagnon", phones=("613-555-0100",))
    records += _people(10, given_name="Ann", family_name="Tremblay", phones=("613-555-0100",))
    keys = [key for key in DEFAULT_KEYS if key.name == "phone"]
    candidates = candidate_pairs(records, keys=keys, cap=15)
    assert len(candidates.pairs) == 45  # the Tremblay part only
    assert [(b.key, b.value, b.size, b.reason) for b in candidates.skipped] == [
        ("phone", "person:+16135550100|gagn", 20, "over_cap")
    ]


def test_a_date_of_birth_block_is_split_by_the_family_name() -> None:
    born = date(1980, 3, 2)
    records = _people(4, given_name="Luc", family_name="Roy", date_of_birth=born)
    records += _people(3, given_name="Luc", family_name="Gagnon", date_of_birth=born)
    keys = [key for key in DEFAULT_KEYS if key.name == "dob_initial"]
    candidates = candidate_pairs(records, keys=keys, cap=3)
    assert len(candidates.pairs) == 3  # the three Gagnon
    assert [(b.value, b.size) for b in candidates.skipped] == [("person:1980-03-02|l|r", 4)]


def test_an_oversized_block_without_a_second_key_is_skipped() -> None:
    records = _people(5, family_name="Roy")
    key = BlockingKey("family", lambda record: (record.family.core,))
    candidates = candidate_pairs(records, keys=[key], cap=4)
    assert candidates.pairs == ()
    assert candidates.skipped[0].reason == "over_cap"
    assert candidates.blocks == 0


def test_the_budget_takes_identifiers_first() -> None:
    # 6 records, 15 possible pairs; with a cap of 2 the budget is 12 pairs. Ten pairs share an
    # email, five others share a value of another key.
    pairs = list(combinations(range(6), 2))
    records = []
    for n in range(6):
        emails = tuple(f"{i}-{j}@example.ca" for i, j in pairs[:10] if n in (i, j))
        records.append(normalize_record(ClientRecord(id=n, family_name="Roy", emails=emails)))
    email = BlockingKey("email", lambda record: record.emails, identifier=True)
    other = BlockingKey(
        "other",
        lambda record: [f"{i}-{j}" for i, j in pairs[10:] if record.id in (i, j)],
    )
    candidates = candidate_pairs(records, keys=[other, email], cap=2)
    assert len(candidates.pairs) == 12
    assert set(pairs[:10]) <= set(candidates.pairs)
    assert candidates.over_budget
    assert [(b.key, b.reason) for b in candidates.skipped] == [("other", "over_budget")] * 3
    assert candidates.blocks == 12


def test_the_budget_is_kept_when_identifiers_alone_would_pass_it() -> None:
    # Each of 6 records shares an email with every other one: 15 email blocks of 2, budget 12.
    pairs = list(combinations(range(6), 2))
    records = []
    for n in range(6):
        emails = tuple(f"{i}-{j}@example.ca" for i, j in pairs if n in (i, j))
        records.append(normalize_record(ClientRecord(id=n, family_name="Roy", emails=emails)))
    candidates = candidate_pairs(records, cap=2)
    assert len(candidates.pairs) == 12
    assert candidates.over_budget


def test_cap_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="cap"):
        candidate_pairs([], cap=1)


def test_generated_duplicates_are_all_candidates() -> None:
    data = generate(5, 600)
    records = [normalize_record(record) for record in data.records]
    candidates = candidate_pairs(records)
    ids = [record.id for record in records]
    found = {frozenset({ids[i], ids[j]}) for i, j in candidates.pairs}
    assert data.duplicates <= found
    assert data.households <= found
    assert len(candidates.pairs) < 20 * len(records)
    assert not candidates.skipped


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("robert", "r163"),
        ("rupert", "r163"),
        ("tymczak", "t522"),
        ("pfister", "p236"),
        ("ashcraft", "a261"),
        ("tremblay", "t651"),
        ("lee", "l000"),
        ("", ""),
        ("123", ""),
    ],
)
def test_soundex(word: str, code: str) -> None:
    assert soundex(word) == code


def test_sample_pairs() -> None:
    rng = random.Random(1)
    pairs = sample_pairs(100, 50, rng)
    assert len(pairs) == len(set(pairs)) == 50
    assert all(0 <= i < j < 100 for i, j in pairs)
    assert sample_pairs(4, 50, rng) == list(combinations(range(4), 2))


@settings(max_examples=60)
@given(record_lists())
def test_blocking_values_name_the_blocks_of_candidate_pairs(
    records: list[NormalizedRecord],
) -> None:
    """Two records share a blocking string exactly when some key puts them in one block, so an
    index of the strings finds every candidate a batch run (without caps) would pair."""
    uncapped = candidate_pairs(records, cap=10_000).pairs
    values = [set(blocking_values(record)) for record in records]
    sharing = {(i, j) for i, j in combinations(range(len(records)), 2) if values[i] & values[j]}
    assert sharing == set(uncapped)
    for record, found in zip(records, values, strict=True):
        assert all(value.count(":") >= 2 for value in found)
        assert all(f":{record.kind}:" in value for value in found)
