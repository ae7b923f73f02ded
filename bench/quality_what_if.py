"""What if: the effect of two proposed level changes on the duplicate-quality figures
(docs/matching.md, "Quality", "What would improve it").

On the labelled records of ``bench/_labelled.py`` (same seed and size as the benchmark), every
candidate pair's levels are computed by ``core.matching.bulk.level_indexes``, then changed as
proposed and scored again with the shipped weights (a pair's log-odds is the prior's weight plus
its levels' weights, as ``Weights.score`` adds them):

- **A**: ``email: same_local`` becomes ``different`` when the local part contains either
  record's given or family name (letters only, folded);
- **B**: no ``household: conflict`` when the two given names (four letters or more) are one
  edit apart (a typo: one letter dropped, added, changed, or two neighbours swapped);
- **C**: the term-frequency adjustment of an exact given or family name
  (``NameFrequencies.from_records`` over the records, as ``score_pair(..., frequencies)``
  applies it), which the bulk scan does not apply.

Prints precision, recall and F1 at 0.5 and the best F1 for each. Nothing in ``core`` changes.
Run by hand, under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/quality_what_if.py --records 100000
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _labelled
from comptoir.core.matching import (
    COMPARISONS,
    DEFAULT_WEIGHTS,
    NameFrequencies,
    normalize_record,
)
from comptoir.core.matching.bulk import RecordTable, block, level_indexes
from comptoir.core.matching.normalize import fold
from comptoir.core.matching.scoring import bits


def _letters(text: str) -> str:
    return re.sub("[^a-z]", "", fold(text))


def one_edit(left: str, right: str) -> bool:
    """Whether two words are equal or one typo apart."""
    if left == right:
        return True
    if abs(len(left) - len(right)) > 1:
        return False
    if len(left) == len(right):
        differ = [i for i in range(len(left)) if left[i] != right[i]]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and left[differ[0]] == right[differ[1]]
            and left[differ[1]] == right[differ[0]]
        )
    shorter, longer = (left, right) if len(left) < len(right) else (right, left)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    arguments = parser.parse_args()
    labelled = _labelled.generate(arguments.seed, arguments.records)
    truth = labelled.true_pairs()
    rows = {row.id: row for row in labelled.rows}
    table = RecordTable()
    normalized = [normalize_record(row.record()) for row in labelled.rows]
    for record in normalized:
        table.append(record)
    frequencies = NameFrequencies.from_records(normalized)
    given_adjustment = np.asarray(
        [frequencies.given.adjustment(record.given.compact) for record in normalized]
    )
    family_adjustment = np.asarray(
        [frequencies.family.adjustment(record.family.compact) for record in normalized]
    )
    del normalized
    blocking = block(table)
    columns = table.freeze()
    lefts, rights, levels = [], [], []
    for left, right in blocking.chunks():
        lefts.append(left)
        rights.append(right)
        levels.append(level_indexes(columns, left, right))
    ids = np.asarray([int(key) for key in table.ids], dtype=np.int64)
    left_index = np.concatenate(lefts)
    left_ids = ids[left_index]
    right_ids = ids[np.concatenate(rights)]
    shipped = np.concatenate(levels).astype(np.int64)
    is_true = np.asarray(
        [(min(a, b), max(a, b)) in truth for a, b in zip(left_ids, right_ids, strict=True)]
    )
    fields = [comparison.field for comparison in COMPARISONS]
    email, household = fields.index("email"), fields.index("household")
    email_levels = list(COMPARISONS[email].levels)
    household_levels = list(COMPARISONS[household].levels)

    a = shipped.copy()
    for k in np.flatnonzero(shipped[:, email] == email_levels.index("same_local")).tolist():
        left, right = rows[int(left_ids[k])], rows[int(right_ids[k])]
        local = _letters(left.email.split("@")[0])
        names = (left.family_name, right.family_name, left.given_name, right.given_name)
        if any(_letters(name) and _letters(name) in local for name in names):
            a[k, email] = email_levels.index("different")
    b = shipped.copy()
    for k in np.flatnonzero(shipped[:, household] == household_levels.index("conflict")).tolist():
        left, right = rows[int(left_ids[k])], rows[int(right_ids[k])]
        given = _letters(left.given_name), _letters(right.given_name)
        if min(len(given[0]), len(given[1])) >= 4 and one_edit(*given):
            b[k, household] = household_levels.index("none")
    both = a.copy()
    both[:, household] = b[:, household]

    weights = [
        np.asarray(
            [
                DEFAULT_WEIGHTS.weight(comparison.field, level) if level != "missing" else 0.0
                for level in comparison.levels
            ]
        )
        for comparison in COMPARISONS
    ]
    prior = bits(DEFAULT_WEIGHTS.prior)
    given, family = fields.index("given_name"), fields.index("family_name")
    given_exact = COMPARISONS[given].levels.index("exact")
    family_exact = COMPARISONS[family].levels.index("exact")
    print(f"{len(labelled.rows):,} records, {len(shipped):,} candidate pairs")
    variants = (
        ("as shipped", shipped, False),
        ("A", a, False),
        ("B", b, False),
        ("A and B", both, False),
        ("C", shipped, True),
        ("A, B and C", both, True),
    )
    for name, variant, is_adjusted in variants:
        log_odds = prior + sum(weights[k][variant[:, k]] for k in range(len(weights)))
        if is_adjusted:  # the adjustment reads the left record's name (the same on both sides)
            log_odds = log_odds + np.where(
                variant[:, given] == given_exact, given_adjustment[left_index], 0.0
            )
            log_odds = log_odds + np.where(
                variant[:, family] == family_exact, family_adjustment[left_index], 0.0
            )

        def measures(threshold: float, log_odds: np.ndarray = log_odds) -> tuple[float, ...]:
            listed = log_odds >= threshold
            hits = int((listed & is_true).sum())
            precision = hits / max(1, int(listed.sum()))
            recall = hits / len(truth)
            f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
            return precision, recall, f1

        precision, recall, f1 = measures(0.0)  # probability 0.5 is 0 bits
        best = max((measures(step / 4)[2], step / 4) for step in range(-20, 80))
        print(
            f"{name:10} at 0.5: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} | "
            f"best F1 {best[0]:.3f} at {best[1]:+.2f} bits"
        )


if __name__ == "__main__":
    main()
