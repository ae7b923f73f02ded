"""The bulk scan (core.matching.bulk) gives the same pairs, levels and scores as
candidate_pairs, compare_records and score_pair; and the fast paths it relies on (rapidfuzz's
Jaro as a screen, North American phones without the parser, ASCII folding) give the results of
the code they stand in for."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace
from datetime import date
from itertools import combinations

import numpy as np
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Jaro

from comptoir.core.matching import (
    DEFAULT_WEIGHTS,
    Address,
    ClientRecord,
    NormalizedRecord,
    RecordKind,
    Weights,
    WeightsError,
    candidate_pairs,
    compare_records,
    estimate,
    estimate_counts,
    jaro,
    jaro_winkler,
    normalize_record,
    sample_pairs,
    score_pair,
    weights_from_dict,
)
from comptoir.core.matching.bulk import (
    SLOTS,
    RecordTable,
    block,
    level_counts,
    level_indexes,
    level_vector,
    scan,
)
from comptoir.core.matching.compare import HIGH_SIMILARITY, SIMILARITY, screened_jaro_winkler
from comptoir.core.matching.normalize import _LETTERS, fold, normalize_phone

from ._data import generate

GENERATED = generate(5, 400).records


def _table(records: list[NormalizedRecord]) -> RecordTable:
    table = RecordTable()
    for record in records:
        table.append(record)
    return table


def _bulk_pairs(table: RecordTable, cap: int = 200, chunk: int = 1 << 20) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for left, right in block(table, cap=cap).chunks(chunk):
        pairs.extend(zip(left.tolist(), right.tolist(), strict=True))
    return pairs


def _assert_same_as_the_reference(records: list[NormalizedRecord], cap: int = 200) -> None:
    table = _table(records)
    reference = candidate_pairs(records, cap=cap)
    blocking = block(table, cap=cap)
    pairs = _bulk_pairs(table, cap=cap, chunk=7)  # small chunks: many of them
    assert len(pairs) == len(set(pairs)), "a pair given twice"
    assert sorted(pairs) == list(reference.pairs)
    assert sorted(blocking.skipped, key=repr) == sorted(reference.skipped, key=repr)
    assert blocking.blocks == reference.blocks
    if not pairs:
        return
    left = np.array([i for i, _j in pairs], dtype=np.int64)
    right = np.array([j for _i, j in pairs], dtype=np.int64)
    levels = level_indexes(table.freeze(), left, right)
    for row, (i, j) in enumerate(pairs):
        assert level_vector(levels[row]) == compare_records(records[i], records[j]), (i, j)
    for min_score in (0.0, 0.5, 0.999):
        expected = {
            (i, j): score
            for i, j in pairs
            for score in (score_pair(records[i], records[j]),)
            if score.probability >= min_score
        }
        found = scan(table, min_score=min_score, cap=cap, chunk=11).pairs
        assert {(pair.left, pair.right): pair.score for pair in found} == expected


@st.composite
def mixed_records(draw: st.DrawFn) -> ClientRecord:
    """A generated record, its parts sometimes dropped, repeated or taken from another (so
    that names are typed in each other's boxes, values are shared and slots overflow)."""
    base = draw(st.sampled_from(GENERATED))
    other = draw(st.sampled_from(GENERATED))
    given_name = draw(st.sampled_from([base.given_name, other.given_name, base.family_name, ""]))
    family_name = draw(st.sampled_from([base.family_name, other.family_name, base.given_name]))
    many = draw(st.integers(1, SLOTS + 2))
    return ClientRecord(
        id=0,
        kind=draw(st.sampled_from([base.kind, other.kind])),
        given_name=given_name,
        family_name=family_name,
        organization_name=draw(st.sampled_from([base.organization_name, other.organization_name])),
        date_of_birth=draw(
            st.sampled_from(
                [base.date_of_birth, other.date_of_birth, None, date(1980, 3, 4), date(1980, 4, 3)]
            )
        ),
        emails=draw(
            st.sampled_from(
                [base.emails, other.emails, (), base.emails + other.emails, ("info@a.ca",) * 1]
            )
        ),
        phones=draw(
            st.sampled_from(
                [base.phones, other.phones, (), base.phones + other.phones, ("613-555-0110",)]
            )
        ),
        addresses=draw(
            st.sampled_from(
                [
                    base.addresses,
                    other.addresses,
                    (),
                    base.addresses + other.addresses,
                    base.addresses * many,
                    tuple(
                        replace(base.addresses[0], street=f"{n} {base.addresses[0].street}")
                        for n in range(many)
                    ),
                ]
            )
        ),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(mixed_records(), max_size=40), st.sampled_from([2, 3, 5, 200]))
def test_the_bulk_scan_is_the_reference(records: list[ClientRecord], cap: int) -> None:
    normalized = [normalize_record(replace(r, id=n)) for n, r in enumerate(records)]
    _assert_same_as_the_reference(normalized, cap=cap)


def test_the_bulk_scan_is_the_reference_on_generated_clients() -> None:
    records = [normalize_record(record) for record in generate(11, 2500).records]
    _assert_same_as_the_reference(records)


def test_oversized_blocks_are_split_and_left_out_as_the_reference_does() -> None:
    # One switchboard number for 60 people (split by family name: 12 each, over a cap of 8),
    # and the budget left alone; then a cap so small that the budget decides.
    records = [
        normalize_record(
            ClientRecord(
                id=n,
                given_name=["Luc", "Marie", "Ana"][n % 3],
                family_name=["Tremblay", "Gagnon", "Roy", "Côté", "Smith"][n % 5],
                phones=("613-555-0100",),
                emails=(f"p{n % 7}@example.ca",),
            )
        )
        for n in range(60)
    ]
    _assert_same_as_the_reference(records, cap=8)
    over_cap = block(_table(records), cap=8)
    assert {b.value for b in over_cap.skipped if b.reason == "over_cap"} == {
        f"person:+16135550100|{family}" for family in ("trem", "gagn", "roy", "cote", "smit")
    }
    assert over_cap._pairs is None  # the blocks' pairs are under the budget: no fallback


def test_when_the_budget_decides_the_blocks_are_the_references() -> None:
    # Blocks of three: the same email, phone, date of birth or dwelling, each grouping the
    # records another way, about 4 pairs a record against a budget of 3.
    rng = random.Random(4)
    born, dwelling = list(range(30)), list(range(30))
    rng.shuffle(born)
    rng.shuffle(dwelling)
    records = [
        normalize_record(
            ClientRecord(
                id=n,
                given_name="Luc",
                family_name=f"Zed{n}",
                date_of_birth=date(1980, 1, 1 + born[n] // 3),
                emails=(f"e{n // 3}@example.ca",),
                phones=(f"613-555-{n % 10:04d}",),
                addresses=(
                    Address(f"{dwelling[n] // 3 + 1} rue Principale", "Gatineau", "QC", "J8X 1A1"),
                ),
            )
        )
        for n in range(30)
    ]
    blocking = block(_table(records), cap=3)
    assert sum(b.reason == "over_budget" for b in blocking.skipped) == 7
    assert blocking._pairs is not None
    _assert_same_as_the_reference(records, cap=3)


def test_a_table_gives_its_records_back() -> None:
    records = [normalize_record(record) for record in GENERATED]
    table = _table(records)
    assert [table.record(i) for i in range(len(records))] == records
    with pytest.raises(ValueError, match="frozen"):
        table.freeze()
        table.append(records[0])


def test_an_early_date_of_birth_and_many_values_are_compared_by_the_reference() -> None:
    early = ClientRecord(id=0, given_name="Ann", family_name="Roy", date_of_birth=date(999, 1, 2))
    late = replace(early, id=1, date_of_birth=date(999, 1, 3))
    many = replace(early, id=2, emails=tuple(f"a{n}@b.ca" for n in range(SLOTS + 1)))
    records = [normalize_record(r) for r in (early, late, many, replace(many, id=3))]
    table = _table(records)
    assert table.freeze().by_reference.tolist() == [True, True, True, True]
    _assert_same_as_the_reference(records)


def test_administrators_weights_score_the_same() -> None:
    records = [normalize_record(record) for record in GENERATED]
    weights = weights_from_dict({"prior": 0.01, "weights": {"email": {"exact": 20.0}}})
    pairs = candidate_pairs(records).pairs
    expected = {
        (i, j): s
        for i, j in pairs
        for s in (score_pair(records[i], records[j], weights),)
        if s.probability >= 0.5
    }
    found = scan(_table(records), min_score=0.5, weights=weights).pairs
    assert {(p.left, p.right): p.score for p in found} == expected
    assert expected != {
        (i, j): s
        for i, j in pairs
        for s in (score_pair(records[i], records[j], DEFAULT_WEIGHTS),)
        if s.probability >= 0.5
    }


def test_em_from_counted_levels_is_em_from_the_vectors() -> None:
    records = [normalize_record(record) for record in GENERATED]
    table = _table(records)
    pairs = candidate_pairs(records).pairs
    randoms = sample_pairs(len(records), 2000, random.Random(3))
    left, right = (np.array(side, dtype=np.int64) for side in zip(*randoms, strict=True))
    counted = estimate_counts(
        level_counts(table, block(table).chunks(100)),
        random_counts=level_counts(table, iter([(left, right)])),
    )
    direct = estimate(
        (compare_records(records[i], records[j]) for i, j in pairs),
        random_levels=(compare_records(records[i], records[j]) for i, j in randoms),
    )
    # The same counts, added in another order: the same weights but for the last bits.
    assert counted.iterations == direct.iterations
    assert counted.probabilities.prior == pytest.approx(direct.probabilities.prior, rel=1e-9)
    mine, theirs = counted.weights().table, direct.weights().table
    assert mine.keys() == theirs.keys()
    for field, levels in theirs.items():
        assert mine[field] == pytest.approx(levels, rel=1e-9, abs=1e-9), field


# --- rapidfuzz's Jaro: a screen, not a replacement -----------------------------------------------


def _strcmp95_jaro(left: str, right: str) -> float:
    """Our Jaro with half the transposed characters rounded down, as Winkler's strcmp95 (and
    rapidfuzz) count them: kept here to say exactly how rapidfuzz differs from ours."""
    if left == right:
        return 1.0
    if not left or not right:
        return 0.0
    if left > right:
        left, right = right, left
    window = max(max(len(left), len(right)) // 2 - 1, 0)
    taken = [False] * len(right)
    matched: list[str] = []
    for i, char in enumerate(left):
        for j in range(max(0, i - window), min(len(right), i + window + 1)):
            if not taken[j] and right[j] == char:
                taken[j] = True
                matched.append(char)
                break
    if not matched:
        return 0.0
    others = [char for j, char in enumerate(right) if taken[j]]
    transpositions = sum(a != b for a, b in zip(matched, others, strict=True)) // 2
    m = len(matched)
    return (m / len(left) + m / len(right) + (m - transpositions) / m) / 3


words = st.text(alphabet="abcdeéhnrst -'", max_size=14)


@settings(max_examples=2000, deadline=None)
@given(words, words)
def test_rapidfuzz_jaro_bounds_ours(left: str, right: str) -> None:
    # rapidfuzz rounds half the transpositions down; ours does not: it is never below ours,
    # and it is ours whenever the transposed characters are even in number.
    theirs = Jaro.similarity(left, right)
    assert abs(theirs - _strcmp95_jaro(left, right)) < 1e-9
    assert theirs >= jaro(left, right) - 1e-12


def test_rapidfuzz_jaro_differs_from_ours_by_half_a_transposition() -> None:
    # Three transposed characters: ours counts 1.5 transpositions, rapidfuzz 1.
    assert jaro("cceadbaba", "dbdea") == pytest.approx((3 / 9 + 3 / 5 + 1.5 / 3) / 3)
    assert Jaro.similarity("cceadbaba", "dbdea") == pytest.approx((3 / 9 + 3 / 5 + 2 / 3) / 3)


@settings(max_examples=2000, deadline=None)
@given(words, words)
def test_the_screened_jaro_winkler_decides_every_level_as_ours(left: str, right: str) -> None:
    ours, screened = jaro_winkler(left, right), screened_jaro_winkler(left, right)
    for threshold in (SIMILARITY, HIGH_SIMILARITY):
        assert (screened >= threshold) == (ours >= threshold)
    if ours >= SIMILARITY:
        assert screened == ours


# --- Normalisation's fast paths ----------------------------------------------------------------


def _parsed_phone(text: str, region: str) -> str | None:
    value = re.sub(r"(?i)[\s,;]*(?:ext\.?|extension|x|poste|p\.)\s*\d+\s*$", "", text.strip())
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


separators = st.sampled_from(["", " ", "-", "."])


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(["", "1", "+1", "1 ", "+1 ", "1-", "+1-", "1.", "+1.", "+"]),
    st.sampled_from([("", ""), ("(", ")"), ("(", ""), ("", ")")]),
    st.integers(0, 999),
    separators,
    st.integers(0, 999),
    separators,
    st.integers(0, 9999),
    st.sampled_from(["CA", "US"]),
)
def test_north_american_phones_are_read_as_the_parser_reads_them(
    prefix: str,
    parentheses: tuple[str, str],
    area: int,
    first: str,
    exchange: int,
    second: str,
    line: int,
    region: str,
) -> None:
    text = (
        f"{prefix}{parentheses[0]}{area:03d}{parentheses[1]}{first}{exchange:03d}{second}{line:04d}"
    )
    assert normalize_phone(text, region) == _parsed_phone(text, region)


def _reference_fold_once(text: str) -> str:
    """normalize._fold_once as first written (every character looked at)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slow_fold(text: str) -> str:
    value = _reference_fold_once(text)
    while (again := _reference_fold_once(value)) != value:
        value = again
    return re.sub(r"\s+", " ", value).strip()


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_folding_is_the_unicode_folding(text: str) -> None:
    assert fold(text) == _slow_fold(text)
    assert unicodedata.is_normalized("NFKD", fold(text))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aeEÉéèçÇœŒøßℌﬁ`´’ -'\u0301\u00a0") | st.text())
def test_folding_is_the_fixed_point_of_the_unicode_folding(text: str) -> None:
    assert fold(text) == _slow_fold(text)


def test_kinds_are_never_mixed() -> None:
    person = ClientRecord(id=0, given_name="Ann", family_name="Roy", emails=("a@b.ca",))
    organization = ClientRecord(
        id=1, kind=RecordKind.ORGANIZATION, organization_name="Roy inc.", emails=("a@b.ca",)
    )
    table = _table([normalize_record(person), normalize_record(organization)])
    assert _bulk_pairs(table) == []
    assert list(combinations(range(2), 2)) == [(0, 1)]
    assert Address().country == "CA"


def test_tables_read_in_parts_join_into_the_whole() -> None:
    records = [normalize_record(record) for record in GENERATED]
    whole = _table(records)
    joined = _table(records[:150])
    for start, end in ((150, 151), (151, 400), (400, len(records))):
        joined.extend(_table(records[start:end]))
    assert [joined.record(i) for i in range(len(records))] == records
    assert _bulk_pairs(joined) == _bulk_pairs(whole)
    with pytest.raises(ValueError, match="frozen"):
        joined.extend(_table(records[:2]))


def test_weights_without_a_level_fail_as_score_pair_fails() -> None:
    records = [normalize_record(record) for record in GENERATED[:60]]
    lacking = Weights(DEFAULT_WEIGHTS.prior, {**DEFAULT_WEIGHTS.table, "email": {}})
    pairs = candidate_pairs(records).pairs
    reached = [(i, j) for i, j in pairs if compare_records(records[i], records[j])[4] != "missing"]
    assert reached
    with pytest.raises(WeightsError, match="unknown_level"):
        score_pair(records[reached[0][0]], records[reached[0][1]], lacking)
    with pytest.raises(WeightsError, match="unknown_level"):
        scan(_table(records), min_score=0.5, weights=lacking)
