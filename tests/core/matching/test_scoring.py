"""Fellegi–Sunter scoring, explanations, administrator weights, EM, and households."""

from __future__ import annotations

import math
import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.matching import (
    COMPARISONS,
    DEFAULT_PROBABILITIES,
    DEFAULT_WEIGHTS,
    FIELDS,
    LEVELS,
    MISSING,
    Address,
    ClientRecord,
    Estimate,
    LevelVector,
    NameFrequencies,
    RecordKind,
    WeightsError,
    candidate_pairs,
    compare_records,
    estimate,
    explain,
    normalize_record,
    sample_pairs,
    score_pair,
    weights_from_dict,
)
from comptoir.core.matching.frequencies import MAX_ADJUSTMENT
from comptoir.core.matching.scoring import bits, probability_of

from ._data import Generated, generate

level_vectors = st.tuples(*(st.sampled_from(c.levels) for c in COMPARISONS))


def test_default_weights_fall_with_agreement() -> None:
    for comparison in COMPARISONS:
        levels = [level for level in comparison.levels if level != MISSING]
        weights = [DEFAULT_WEIGHTS.weight(comparison.field, level) for level in levels]
        assert weights == sorted(weights, reverse=True), comparison.field
        assert len(set(weights)) == len(weights), comparison.field
        assert DEFAULT_WEIGHTS.weight(comparison.field, MISSING) == 0.0
    for field, m in DEFAULT_PROBABILITIES.m.items():
        assert math.fsum(m.values()) == pytest.approx(1.0), field
        assert math.fsum(DEFAULT_PROBABILITIES.u[field].values()) == pytest.approx(1.0), field


def test_default_household_conflict_is_evidence_against() -> None:
    conflict = DEFAULT_WEIGHTS.weight("household", "conflict")
    shared = sum(
        DEFAULT_WEIGHTS.weight(field, level)
        for field, level in (
            ("phone", "exact"),
            ("street", "exact"),
            ("postal_code", "full"),
            ("city", "exact"),
        )
    )
    assert conflict < -shared < 0


@settings(max_examples=300)
@given(level_vectors)
def test_explanation_weights_sum_to_the_log_odds(levels: LevelVector) -> None:
    score = DEFAULT_WEIGHTS.score(levels)
    assert [line.field for line in score.explanation] == list(FIELDS)
    assert [line.level for line in score.explanation] == list(levels)
    assert score.prior_weight + math.fsum(w for _f, _l, w in score.explanation) == pytest.approx(
        score.log_odds
    )
    assert score.match_weight == pytest.approx(score.log_odds - score.prior_weight)
    assert score.probability == pytest.approx(1 / (1 + 2 ** (-score.log_odds)))
    assert 0.0 <= score.probability <= 1.0


@settings(max_examples=300)
@given(level_vectors, st.sampled_from(range(len(COMPARISONS))), st.data())
def test_the_score_is_monotone_in_agreement(
    levels: LevelVector, position: int, data: st.DataObject
) -> None:
    comparison = COMPARISONS[position]
    ranked = [level for level in comparison.levels if level != MISSING]
    level = levels[position]
    if level == MISSING:
        return
    better = data.draw(st.sampled_from(ranked[: ranked.index(level) + 1]))
    improved = (*levels[:position], better, *levels[position + 1 :])
    assert DEFAULT_WEIGHTS.score(improved).log_odds >= DEFAULT_WEIGHTS.score(levels).log_odds


def test_a_full_record_scores_itself_near_one() -> None:
    record = normalize_record(
        ClientRecord(
            id=1,
            given_name="Marie-Ève",
            family_name="Tremblay",
            emails=("marie@example.ca",),
            phones=("613-555-0100",),
            addresses=(Address("12 rue Principale", "Gatineau", "QC", "J8X 1A1"),),
        )
    )
    assert score_pair(record, record).probability > 0.999999


def test_probability_of_does_not_overflow() -> None:
    assert probability_of(5000.0) == 1.0
    assert probability_of(-5000.0) == 0.0
    assert probability_of(0.0) == 0.5
    assert bits(0.5) == 0.0


def test_explain_lists_what_counted_strongest_first() -> None:
    levels = tuple("exact" if "exact" in LEVELS[f] else LEVELS[f][0] for f in FIELDS)
    levels = (MISSING, *levels[1:])
    lines = explain(DEFAULT_WEIGHTS.score(levels))
    assert "given_name" not in [line.field for line in lines]
    assert [abs(line.weight) for line in lines] == sorted(
        (abs(line.weight) for line in lines), reverse=True
    )


def test_scoring_refuses_a_wrong_vector() -> None:
    with pytest.raises(WeightsError) as error:
        DEFAULT_WEIGHTS.score(("exact",))
    assert error.value.code == "wrong_length"
    bad = ("nope", *tuple(MISSING for _ in FIELDS[1:]))
    with pytest.raises(WeightsError) as error:
        DEFAULT_WEIGHTS.score(bad)
    assert error.value.code == "unknown_level"
    assert error.value.detail == "given_name.nope"


# --- Weights set by an administrator ----------------------------------------------------------


def test_administrator_weights_replace_the_levels_given() -> None:
    weights = weights_from_dict(
        {"prior": 0.01, "weights": {"email": {"exact": 20, "different": -1.5}}}
    )
    assert weights.prior == 0.01
    assert weights.weight("email", "exact") == 20.0
    assert weights.weight("email", "different") == -1.5
    assert weights.weight("phone", "exact") == DEFAULT_WEIGHTS.weight("phone", "exact")
    assert weights_from_dict(weights.as_dict()).table == weights.table
    assert weights_from_dict({}).prior == DEFAULT_WEIGHTS.prior


@pytest.mark.parametrize(
    ("data", "code", "detail"),
    [
        ([], "not_a_mapping", ""),
        ({"weights": []}, "not_a_mapping", "weights"),
        ({"weights": {"email": 3}}, "not_a_mapping", "email"),
        ({"colour": 1}, "unknown_key", "colour"),
        ({"weights": {"shoe_size": {}}}, "unknown_field", "shoe_size"),
        ({"weights": {"email": {"close": 1}}}, "unknown_level", "email.close"),
        ({"weights": {"email": {"missing": 1}}}, "unknown_level", "email.missing"),
        ({"weights": {"email": {"exact": "12"}}}, "not_a_number", "email.exact"),
        ({"weights": {"email": {"exact": True}}}, "not_a_number", "email.exact"),
        ({"weights": {"email": {"exact": float("nan")}}}, "not_a_number", "email.exact"),
        ({"prior": 0}, "prior_out_of_range", "0.0"),
        ({"prior": 1.5}, "prior_out_of_range", "1.5"),
        ({"prior": "high"}, "not_a_number", "prior"),
        (
            {"weights": {"household": {"conflict": 2}}},
            "household_not_against",
            "household.conflict",
        ),
        (
            {"weights": {"household": {"conflict": 0}}},
            "household_not_against",
            "household.conflict",
        ),
    ],
)
def test_administrator_weights_are_validated(data: object, code: str, detail: str) -> None:
    with pytest.raises(WeightsError) as error:
        weights_from_dict(data)
    assert (error.value.code, error.value.detail) == (code, detail)
    assert code in str(error.value)


# --- Expectation–maximisation on generated data -----------------------------------------------


@cache
def _generated(
    seed: int,
) -> tuple[Generated, list[LevelVector], list[tuple[object, object]], list[LevelVector]]:
    data = generate(seed, 700)
    records = [normalize_record(record) for record in data.records]
    candidates = candidate_pairs(records)
    levels = [compare_records(records[i], records[j]) for i, j in candidates.pairs]
    ids = [(records[i].id, records[j].id) for i, j in candidates.pairs]
    random_pairs = sample_pairs(len(records), 3000, random.Random(seed))
    random_levels = [compare_records(records[i], records[j]) for i, j in random_pairs]
    return data, levels, ids, random_levels


def _quality(seed: int, fitted: Estimate | None) -> tuple[float, float, int]:
    data, levels, ids, _random = _generated(seed)
    weights = DEFAULT_WEIGHTS if fitted is None else fitted.weights()
    found = {
        frozenset(pair)
        for pair, vector in zip(ids, levels, strict=True)
        if weights.score(vector).probability >= 0.5
    }
    true = len(found & data.duplicates)
    households = len(found & data.households)
    return true / len(found), true / len(data.duplicates), households


@pytest.mark.parametrize("seed", [1, 2])
def test_em_converges_and_learns_that_agreement_is_evidence(seed: int) -> None:
    _data, levels, _ids, random_levels = _generated(seed)
    fitted = estimate(levels, random_levels=random_levels)
    assert fitted.converged
    assert 0 < fitted.probabilities.prior < 0.5
    m, u = fitted.probabilities.m, fitted.probabilities.u
    for comparison in COMPARISONS:
        top = comparison.levels[0]
        if comparison.field == "household":
            assert fitted.weights().weight("household", "conflict") < 0
            continue
        assert m[comparison.field][top] > u[comparison.field][top], comparison.field
        different = "different"
        assert m[comparison.field][different] < u[comparison.field][different], comparison.field
    precision, recall, households = _quality(seed, fitted)
    assert precision >= 0.95 and recall >= 0.95
    assert households == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_the_default_weights_find_the_generated_duplicates_and_not_households(seed: int) -> None:
    precision, recall, households = _quality(seed, None)
    assert precision >= 0.9 and recall >= 0.95
    assert households == 0


def test_em_without_random_pairs_learns_u_too() -> None:
    _data, levels, _ids, _random = _generated(1)
    fitted = estimate(levels)
    assert fitted.converged
    # Among candidate pairs, non-matches agree on what blocking grouped them by (the family
    # name): only u from random pairs says how rare that agreement is. The others hold.
    for field, top in (("email", "exact"), ("phone", "exact"), ("date_of_birth", "exact")):
        assert fitted.probabilities.m[field][top] > fitted.probabilities.u[field][top], field
    assert fitted.probabilities.u["family_name"]["exact"] > 0.5


def test_em_may_learn_the_household_level_but_it_stays_against() -> None:
    _data, levels, _ids, random_levels = _generated(2)
    learnt = estimate(levels, random_levels=random_levels, fixed=())
    assert learnt.weights().weight("household", "conflict") < 0
    # Data where every conflict is in a pair that agrees on everything: EM would make the
    # conflict evidence *for* a match; the rule takes over and it stays strongly against.
    agreeing = (*tuple(LEVELS[f][0] for f in FIELDS[:-1]), "conflict")
    different = (*tuple("different" for _ in FIELDS[:-1]), "none")
    fitted = estimate([agreeing] * 50 + [different] * 500, fixed=())
    assert fitted.converged
    assert fitted.weights().weight("household", "conflict") < -20
    # Where conflicts are among the non-matches, EM learns the weight itself.
    matching = (*agreeing[:-1], "none")
    others = (*different[:-1], "conflict")
    fitted = estimate([matching] * 50 + [different] * 500 + [others] * 40, fixed=())
    learnt = fitted.weights().weight("household", "conflict")
    rule = estimate([matching] * 50 + [different] * 500 + [others] * 40).weights()
    assert learnt < 0
    assert learnt != rule.weight("household", "conflict")


def test_em_stops_after_max_iterations() -> None:
    _data, levels, _ids, _random = _generated(1)
    fitted = estimate(levels, max_iterations=1)
    assert fitted.iterations == 1
    assert not fitted.converged


def test_em_skips_a_comparison_missing_everywhere() -> None:
    vector = tuple(MISSING if f != "household" else "none" for f in FIELDS)
    email = FIELDS.index("email")
    agreeing = (*vector[:email], "exact", *vector[email + 1 :])
    fitted = estimate([vector, agreeing, agreeing])
    assert fitted.probabilities.m["given_name"] == DEFAULT_PROBABILITIES.m["given_name"]


@pytest.mark.parametrize(
    ("pairs", "fixed", "code"),
    [
        ([], ("household",), "no_pairs"),
        ([("exact",)], ("household",), "wrong_length"),
        ([("nope",) + (MISSING,) * (len(FIELDS) - 1)], ("household",), "unknown_level"),
        ([(MISSING,) * (len(FIELDS) - 1) + ("none",)], ("shoe_size",), "unknown_field"),
    ],
)
def test_em_refuses_bad_input(
    pairs: list[tuple[str, ...]], fixed: tuple[str, ...], code: str
) -> None:
    with pytest.raises(WeightsError) as error:
        estimate(pairs, fixed=fixed)
    assert error.value.code == code


# --- The household case, end to end -----------------------------------------------------------


def test_two_members_of_a_household_are_not_a_match_but_one_person_twice_is() -> None:
    home = (Address("12 rue Principale", "Gatineau", "QC", "J8X 1A1"),)
    marie = ClientRecord(
        id=1, given_name="Marie", family_name="Tremblay", phones=("819-555-0100",), addresses=home
    )
    luc = ClientRecord(
        id=2, given_name="Luc", family_name="Tremblay", phones=("(819) 555-0100",), addresses=home
    )
    mary = ClientRecord(
        id=3,
        given_name="Mary",
        family_name="TREMBLAY",
        phones=("1 819 555 0100",),
        addresses=(Address("12 Principale St.", "Gatineau", "Québec", "j8x1a1"),),
    )
    a, b, c = (normalize_record(record) for record in (marie, luc, mary))
    household = score_pair(a, b)
    assert household.probability < 0.001
    assert ("household", "conflict") in [(line.field, line.level) for line in household.explanation]
    assert score_pair(a, c).probability > 0.99


# --- Name frequencies -------------------------------------------------------------------------


def _named(id: int, given_name: str, family_name: str) -> ClientRecord:
    return ClientRecord(id=id, given_name=given_name, family_name=family_name)


def test_a_common_name_counts_for_less_and_a_rare_one_for_more() -> None:
    population = [_named(n, "Marie", "Tremblay") for n in range(60)]
    population += [_named(100 + n, f"Name{n}", f"Family{n}") for n in range(40)]
    population.append(_named(200, "Zénon", "Thériault-Desrosiers"))
    records = [normalize_record(record) for record in population]
    frequencies = NameFrequencies.from_records(records)
    tremblay = score_pair(records[0], records[1], DEFAULT_WEIGHTS, frequencies)
    plain = score_pair(records[0], records[1])
    rare = score_pair(records[-1], records[-1], DEFAULT_WEIGHTS, frequencies)
    lines = {line.field: line.weight for line in tremblay.explanation}
    assert lines["family_name"] < DEFAULT_WEIGHTS.weight("family_name", "exact")
    assert lines["given_name"] < DEFAULT_WEIGHTS.weight("given_name", "exact")
    assert tremblay.log_odds < plain.log_odds
    rare_lines = {line.field: line.weight for line in rare.explanation}
    assert rare_lines["family_name"] > DEFAULT_WEIGHTS.weight("family_name", "exact")
    # The explanation still sums to the log-odds.
    total = tremblay.prior_weight + math.fsum(line.weight for line in tremblay.explanation)
    assert total == pytest.approx(tremblay.log_odds)


def test_name_frequency_adjustments_are_bounded() -> None:
    population = [_named(n, "Marie", "Tremblay") for n in range(10_000)]
    population.append(_named(10_001, "Zénon", "Desrosiers"))
    records = [normalize_record(record) for record in population]
    frequencies = NameFrequencies.from_records(records)
    stranger = normalize_record(_named(1, "Ulysse", "Xavier"))
    levels = {"given_name": "exact", "family_name": "exact"}
    unseen = frequencies.adjustments(stranger, levels)
    assert unseen == {"given_name": MAX_ADJUSTMENT, "family_name": MAX_ADJUSTMENT}
    assert frequencies.adjustments(stranger, {"given_name": "nickname"}) == {}
    common = frequencies.adjustments(records[0], levels)
    assert -MAX_ADJUSTMENT <= common["family_name"] < 0


def test_no_names_no_adjustment() -> None:
    organization = normalize_record(
        ClientRecord(id=1, kind=RecordKind.ORGANIZATION, organization_name="Boréal inc.")
    )
    frequencies = NameFrequencies.from_records([organization])
    person = normalize_record(_named(2, "Luc", "Roy"))
    levels = {"given_name": "exact", "family_name": "exact"}
    assert frequencies.adjustments(person, levels) == {"given_name": 0.0, "family_name": 0.0}
