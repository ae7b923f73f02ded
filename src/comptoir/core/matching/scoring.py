"""Fellegi–Sunter scoring of a pair's levels, with its explanation, and the estimation of the
*m* and *u* probabilities by expectation–maximisation (docs/matching.md).

For each comparison level, *m* is the probability of the level when the two records are the same
client, *u* when they are not; the level's weight is ``log2(m / u)`` bits (``missing`` weighs 0).
A pair's log-odds of being a match is the prior's weight ``log2(λ / (1 - λ))`` plus its levels'
weights; its score is the posterior probability ``1 / (1 + 2^-log_odds)``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from comptoir.core.matching.compare import (
    FIELDS,
    LEVELS,
    MISSING,
    LevelVector,
    compare_records,
)
from comptoir.core.matching.frequencies import NameFrequencies
from comptoir.core.matching.model import NormalizedRecord

#: The probability that a candidate pair is a match, before its levels are read.
DEFAULT_PRIOR = 0.001
#: How much (in bits) a household conflict weighs beyond taking back what the shared phone and
#: address gave: 8 bits is 256 to 1 against.
HOUSEHOLD_MARGIN = 8.0
HOUSEHOLD = "household"
CONFLICT = "conflict"
#: The agreements a household conflict takes back (their top levels).
_HOUSEHOLD_SHARES = (("phone", "exact"), ("street", "exact"), ("postal_code", "full"))
_HOUSEHOLD_SHARES_CITY = ("city", "exact")
#: Probabilities are kept inside [_FLOOR, 1 - _FLOOR] so that every weight is finite.
_FLOOR = 1e-9

Table = Mapping[str, Mapping[str, float]]


class FieldWeight(NamedTuple):
    """One line of an explanation: a comparison, the level the pair reached, and its weight in
    bits (positive: evidence for a match; negative: against; 0: missing)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True)
class Score:
    #: The posterior probability that the two records are the same client (0–1).
    probability: float
    #: ``prior_weight`` + the sum of the explanation's weights, in bits.
    log_odds: float
    prior_weight: float
    #: Every comparison, in the order of ``compare.COMPARISONS``.
    explanation: tuple[FieldWeight, ...]

    @property
    def match_weight(self) -> float:
        return sum(line.weight for line in self.explanation)


def bits(probability: float) -> float:
    """``log2(p / (1 - p))``: the weight of a prior."""
    return math.log2(probability / (1 - probability))


def probability_of(log_odds: float) -> float:
    """The probability of log-odds in bits (``1 / (1 + 2^-x)``), without overflow."""
    if log_odds >= 0:
        return 1 / (1 + math.exp2(-log_odds))
    odds = math.exp2(log_odds)
    return odds / (1 + odds)


class WeightsError(ValueError):
    """Weights that cannot be used; ``code`` says why, ``detail`` where (field, level, key)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, eq=False)
class Weights:
    """The weight of each level in bits, and the prior: what scoring needs."""

    prior: float
    table: Table

    def weight(self, field: str, level: str) -> float:
        if level == MISSING:
            return 0.0
        try:
            return self.table[field][level]
        except KeyError:
            raise WeightsError("unknown_level", f"{field}.{level}") from None

    def score(self, levels: LevelVector, adjustments: Mapping[str, float] | None = None) -> Score:
        """The score of a pair's levels (in the order of ``compare.COMPARISONS``).
        ``adjustments``: bits added to a comparison's weight (the name frequencies')."""
        if len(levels) != len(FIELDS):
            raise WeightsError("wrong_length", str(len(levels)))
        extra = adjustments or {}
        explanation = tuple(
            FieldWeight(field, level, self.weight(field, level) + extra.get(field, 0.0))
            for field, level in zip(FIELDS, levels, strict=True)
        )
        prior_weight = bits(self.prior)
        log_odds = prior_weight + sum(line.weight for line in explanation)
        return Score(probability_of(log_odds), log_odds, prior_weight, explanation)

    def as_dict(self) -> dict[str, object]:
        """The weights as :func:`weights_from_dict` reads them."""
        return {
            "prior": self.prior,
            "weights": {field: dict(levels) for field, levels in self.table.items()},
        }


@dataclass(frozen=True, eq=False)
class Probabilities:
    """The prior and the *m* and *u* probabilities of every level but ``missing``."""

    prior: float
    m: Table
    u: Table

    def weights(self) -> Weights:
        table = {
            field: {level: math.log2(self.m[field][level] / self.u[field][level]) for level in m}
            for field, m in self.m.items()
        }
        return Weights(self.prior, table)


def _with_household_correction(m: dict[str, dict[str, float]], u: Table) -> None:
    """Set the household conflict's *m* so that its weight takes back the weights of a shared
    phone, street address, postal code and city, and counts ``HOUSEHOLD_MARGIN`` bits against.

    Two members of a household agree on all of these because they live together, not because
    they are one person: the comparisons are not independent there, and Fellegi–Sunter assumes
    they are; this level is the correction."""
    shares = (*_HOUSEHOLD_SHARES, _HOUSEHOLD_SHARES_CITY)
    taken_back = sum(max(0.0, math.log2(m[f][lv] / u[f][lv])) for f, lv in shares)
    conflict = u[HOUSEHOLD][CONFLICT] * math.exp2(-(taken_back + HOUSEHOLD_MARGIN))
    m[HOUSEHOLD] = {"none": 1 - conflict, CONFLICT: conflict}


def _default_probabilities() -> Probabilities:
    # (m, u) per level, best first; "different" takes the rest so that each column sums to 1.
    table: dict[str, dict[str, tuple[float, float]]] = {
        "given_name": {
            "exact": (0.80, 0.03),
            "nickname": (0.05, 0.002),
            "swapped": (0.01, 0.0005),
            "partial": (0.05, 0.008),
            "similar_high": (0.04, 0.008),
            "similar": (0.02, 0.012),
        },
        "family_name": {
            "exact": (0.85, 0.03),
            "equivalent": (0.05, 0.003),
            "swapped": (0.01, 0.0008),
            "similar_high": (0.04, 0.004),
            "similar": (0.02, 0.01),
        },
        "organization_name": {
            "exact": (0.80, 0.002),
            "same_name": (0.08, 0.001),
            "similar_high": (0.06, 0.002),
            "similar": (0.03, 0.005),
        },
        "date_of_birth": {
            "exact": (0.92, 0.0002),
            "day_month_swapped": (0.02, 0.0001),
            "one_digit": (0.04, 0.001),
        },
        "email": {"exact": (0.70, 0.0001), "same_local": (0.10, 0.001)},
        "phone": {"exact": (0.75, 0.0005), "one_digit": (0.05, 0.001)},
        "postal_code": {"full": (0.75, 0.002), "fsa": (0.10, 0.02)},
        "street": {
            "exact": (0.65, 0.001),
            "same_building": (0.10, 0.0005),
            "similar": (0.05, 0.001),
            "same_street": (0.05, 0.01),
        },
        "city": {"exact": (0.85, 0.08), "similar": (0.03, 0.01)},
    }
    m: dict[str, dict[str, float]] = {}
    u: dict[str, dict[str, float]] = {}
    for field, levels in table.items():
        m[field] = {level: pair[0] for level, pair in levels.items()}
        u[field] = {level: pair[1] for level, pair in levels.items()}
        m[field]["different"] = 1 - sum(m[field].values())
        u[field]["different"] = 1 - sum(u[field].values())
    u[HOUSEHOLD] = {"none": 0.98, CONFLICT: 0.02}
    _with_household_correction(m, u)
    return Probabilities(DEFAULT_PRIOR, m, u)


DEFAULT_PROBABILITIES = _default_probabilities()
DEFAULT_WEIGHTS = DEFAULT_PROBABILITIES.weights()


def score_pair(
    left: NormalizedRecord,
    right: NormalizedRecord,
    weights: Weights = DEFAULT_WEIGHTS,
    frequencies: NameFrequencies | None = None,
) -> Score:
    """The score of a pair; with ``frequencies``, an exact given or family name weighs less
    when the name is common and more when it is rare (its line of the explanation says so)."""
    levels = compare_records(left, right)
    if frequencies is None:
        return weights.score(levels)
    return weights.score(
        levels, frequencies.adjustments(left, dict(zip(FIELDS, levels, strict=True)))
    )


# --- Weights set by an administrator ----------------------------------------------------------


def _number(value: object, detail: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsError("not_a_number", detail)
    number = float(value)
    if not math.isfinite(number):
        raise WeightsError("not_a_number", detail)
    return number


def weights_from_dict(data: object, *, base: Weights = DEFAULT_WEIGHTS) -> Weights:
    """Weights set by an administrator, as a plain dict::

        {"prior": 0.001, "weights": {"email": {"exact": 14.0, "different": -3.0}, ...}}

    Each weight is in bits; a level left out keeps its weight in ``base``. Raises
    :class:`WeightsError`: ``not_a_mapping``, ``unknown_key``, ``unknown_field``,
    ``unknown_level`` (``missing`` is not settable: it always weighs 0), ``not_a_number``,
    ``prior_out_of_range`` (0 < prior < 1), ``household_not_against`` (a household conflict
    weighs less than 0: it is never evidence for a match)."""
    if not isinstance(data, Mapping):
        raise WeightsError("not_a_mapping", "")
    for key in data:
        if key not in ("prior", "weights"):
            raise WeightsError("unknown_key", str(key))
    prior = base.prior
    if "prior" in data:
        prior = _number(data["prior"], "prior")
        if not 0 < prior < 1:
            raise WeightsError("prior_out_of_range", str(prior))
    table = {field: dict(levels) for field, levels in base.table.items()}
    given = data.get("weights", {})
    if not isinstance(given, Mapping):
        raise WeightsError("not_a_mapping", "weights")
    for field, levels in given.items():
        if field not in table:
            raise WeightsError("unknown_field", str(field))
        if not isinstance(levels, Mapping):
            raise WeightsError("not_a_mapping", str(field))
        for level, value in levels.items():
            if level not in table[field]:
                raise WeightsError("unknown_level", f"{field}.{level}")
            table[field][level] = _number(value, f"{field}.{level}")
    if table[HOUSEHOLD][CONFLICT] >= 0:
        raise WeightsError("household_not_against", f"{HOUSEHOLD}.{CONFLICT}")
    return Weights(prior, table)


# --- Expectation–maximisation -----------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    probabilities: Probabilities
    iterations: int
    converged: bool

    def weights(self) -> Weights:
        return self.probabilities.weights()


def _patterns(vectors: Iterable[Sequence[str]]) -> Counter[LevelVector]:
    counts: Counter[LevelVector] = Counter()
    for vector in vectors:
        counts[tuple(vector)] += 1
    _check_patterns(counts)
    return counts


def _check_patterns(counts: Mapping[LevelVector, int]) -> None:
    for levels in counts:
        if len(levels) != len(FIELDS):
            raise WeightsError("wrong_length", str(len(levels)))
        for field, level in zip(FIELDS, levels, strict=True):
            if level not in LEVELS[field]:
                raise WeightsError("unknown_level", f"{field}.{level}")


def _frequencies(
    counts: Mapping[str, float], prior: Mapping[str, float], strength: float
) -> dict[str, float]:
    """Level frequencies, with ``strength`` pseudo-pairs spread as ``prior``: a level seen in
    no pair keeps a share of its prior probability instead of falling to 0."""
    total = sum(counts.get(level, 0.0) for level in prior) + strength
    return {level: (counts.get(level, 0.0) + strength * p) / total for level, p in prior.items()}


def _bounded(table: Mapping[str, float]) -> dict[str, float]:
    floored = {level: min(max(p, _FLOOR), 1 - _FLOOR) for level, p in table.items()}
    total = sum(floored.values())
    return {level: p / total for level, p in floored.items()}


def estimate(
    pairs_levels: Iterable[Sequence[str]],
    *,
    random_levels: Iterable[Sequence[str]] | None = None,
    start: Probabilities = DEFAULT_PROBABILITIES,
    fixed: Iterable[str] = (HOUSEHOLD,),
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    strength: float = 10.0,
) -> Estimate:
    """The prior and the *m* (and *u*) probabilities that best explain the candidate pairs'
    levels, by expectation–maximisation (unsupervised: no labelled pair).

    ``random_levels``: the levels of random pairs, nearly all non-matches: when given, each *u*
    is their level frequencies and stays fixed; else *u* is estimated with *m*.

    Every frequency counts ``strength`` pseudo-pairs spread as in ``start``, so that a level no
    pair reached keeps a share of its starting probability (and its sign).

    ``fixed``: comparisons whose *m* and *u* stay as in ``start``. By default the household
    comparison, whose conflict's *m* is then set again from the new phone and address weights
    so that it still takes them back (a household pair is rarely in a random sample, and
    Fellegi–Sunter's independence does not hold there). A household conflict that EM learns
    but does not find to be evidence against gets that rule too.

    Stops when no probability moves by more than ``tolerance``, or after ``max_iterations``."""
    counts = _patterns(pairs_levels)
    if not counts:
        raise WeightsError("no_pairs", "")
    return estimate_counts(
        counts,
        random_counts=None if random_levels is None else _patterns(random_levels),
        start=start,
        fixed=fixed,
        max_iterations=max_iterations,
        tolerance=tolerance,
        strength=strength,
    )


def estimate_counts(
    counts: Mapping[LevelVector, int],
    *,
    random_counts: Mapping[LevelVector, int] | None = None,
    start: Probabilities = DEFAULT_PROBABILITIES,
    fixed: Iterable[str] = (HOUSEHOLD,),
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    strength: float = 10.0,
) -> Estimate:
    """:func:`estimate` from the number of pairs with each level vector (EM reads no more: the
    bulk scan counts them without making the vectors one by one)."""
    _check_patterns(counts)
    if not counts:
        raise WeightsError("no_pairs", "")
    frozen = set(fixed)
    for field in frozen:
        if field not in LEVELS:
            raise WeightsError("unknown_field", field)
    learnt = [field for field in FIELDS if field not in frozen]
    m = {field: dict(levels) for field, levels in start.m.items()}
    u = {field: dict(levels) for field, levels in start.u.items()}
    fix_u: set[str] = set()
    if random_counts is not None:
        _check_patterns(random_counts)
        for field in learnt:
            if field == HOUSEHOLD:
                continue  # a random pair is almost never a household pair: learnt by EM
            position = FIELDS.index(field)
            seen: Counter[str] = Counter()
            for vector, count in random_counts.items():
                if vector[position] != MISSING:
                    seen[vector[position]] += count
            u[field] = _bounded(_frequencies(seen, start.u[field], strength))
            fix_u.add(field)
    prior = start.prior
    patterns = list(counts.items())
    total = sum(counts.values())
    iterations = 0
    converged = False
    while iterations < max_iterations:
        iterations += 1
        matched: dict[str, defaultdict[str, float]] = {f: defaultdict(float) for f in learnt}
        unmatched: dict[str, defaultdict[str, float]] = {f: defaultdict(float) for f in learnt}
        expected = 0.0
        log_prior, log_rest = math.log(prior), math.log(1 - prior)
        for vector, count in patterns:
            lm, lu = log_prior, log_rest
            for field, level in zip(FIELDS, vector, strict=True):
                if level != MISSING:
                    lm += math.log(m[field][level])
                    lu += math.log(u[field][level])
            p = 1 / (1 + math.exp(min(lu - lm, 700.0)))
            expected += count * p
            for field, level in zip(FIELDS, vector, strict=True):
                if level != MISSING and field in matched:
                    matched[field][level] += count * p
                    unmatched[field][level] += count * (1 - p)
        new_prior = min(max(expected / total, 1e-6), 1 - 1e-6)
        change = abs(new_prior - prior)
        prior = new_prior
        for field in learnt:
            if not matched[field] and not unmatched[field]:
                continue  # missing in every pair: nothing to learn
            new_m = _bounded(_frequencies(matched[field], start.m[field], strength))
            change = max(change, *(abs(new_m[lv] - m[field][lv]) for lv in new_m))
            m[field] = new_m
            if field not in fix_u:
                new_u = _bounded(_frequencies(unmatched[field], start.u[field], strength))
                change = max(change, *(abs(new_u[lv] - u[field][lv]) for lv in new_u))
                u[field] = new_u
        if change < tolerance:
            converged = True
            break
    if HOUSEHOLD in frozen:
        _with_household_correction(m, u)
    elif m[HOUSEHOLD][CONFLICT] >= u[HOUSEHOLD][CONFLICT]:
        _with_household_correction(m, u)  # not learnt as evidence against: the default rule
    return Estimate(Probabilities(prior, m, u), iterations, converged)


def explain(score: Score) -> tuple[FieldWeight, ...]:
    """The lines of an explanation that counted (not ``missing``), strongest first."""
    lines = [line for line in score.explanation if line.level != MISSING]
    return tuple(sorted(lines, key=lambda line: -abs(line.weight)))
