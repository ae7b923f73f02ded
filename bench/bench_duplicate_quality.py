"""Benchmark: the quality of the bulk duplicate scan against splink, on labelled records (issue
13, item 5; its figures also serve item 6).

1. ``bench/_labelled.py`` generates about ``--records N`` (default 100,000) Canadian client
   records whose true duplicates are known (typos, nicknames and French forms, married names,
   moves, missing values, households, common family names, organizations' legal forms; the
   rates are in that module and docs/matching.md, "Quality"), written to one CSV file.
2. Each tool then runs in a **subprocess of its own**, so that its wall time and peak resident
   memory are its own, reading the same file:

   - **Comptoir, default weights**: what ``comptoir clients find-duplicates`` does, in memory:
     every row made a ``ClientRecord`` and normalised into ``core.matching.bulk.RecordTable``,
     ``bulk.block``, ``bulk.scan`` at the shipped default threshold
     (``clients.matching.DEFAULT_DUPLICATE_THRESHOLD``) with the shipped weights and
     ``clients.duplicates.SCAN_WORKERS`` forked workers;
   - **Comptoir, estimated weights**: the same with ``--estimate``'s weights
     (``clients.duplicates.estimated_weights``: EM over the candidate pairs, *u* from random
     pairs);
   - **splink 5** on DuckDB: the file loaded and cleaned in SQL (lower case, accents and
     punctuation dropped, phone digits, postal code without its space, legal forms dropped
     from organization names), blocking rules on the same kinds of keys as Comptoir's, name
     comparisons with Jaro-Winkler levels and term-frequency adjustments, date of birth, email,
     phone, postal code, street, city and organization comparisons; λ from deterministic rules,
     *u* by random sampling, *m* by EM over four blocking rules, as splink's documentation
     recommends; ``predict(threshold_match_probability=0.5)``.

   The timed part of each is everything from reading the file to the list of pairs at the
   threshold. After it, untimed, each lists its pairs down to a low threshold, so that the F1
   of every threshold can be computed.
3. Precision, recall and F1 are computed here against the true pairs (recall counts the pairs
   blocking never proposed), at the threshold (0.5 for all three) and at the threshold that
   maximises F1 (chosen knowing the truth, so optimistic: a ceiling, not what a user gets).
   The misses and the false pairs are broken down by the perturbations and by kind (households,
   same name). Everything is printed and written as JSON to ``bench/results/``.

Needs the benchmark's packages (``bench/setup``); ``--skip-splink`` runs without them. Run by
hand, never in CI, under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_duplicate_quality.py --records 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

import _labelled  # noqa: E402  (bench/ is not a package)

#: The low threshold down to which each tool lists pairs for the F1 curve (untimed).
SWEEP_FLOOR = 0.01


def _peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _write_pairs(path: Path, pairs: list[tuple[int, int, float]]) -> None:
    """Each pair with its log-odds in bits (``Score.log_odds``, splink's ``match_weight``):
    near 1 the probabilities round to 1.0 and no longer order the pairs."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("left", "right", "weight"))
        writer.writerows(pairs)


#: The false pairs classified by kind at most (the first ones of the file), so that a run whose
#: weights list millions of false pairs does not hold them all.
FALSE_PAIRS_CLASSIFIED = 500_000


@dataclass
class Listed:
    """A tool's pairs as read back: how many, the true ones, and some of the false ones."""

    count: int
    true: set[tuple[int, int]]
    false: list[tuple[int, int]]


def _read_listed(path: Path, truth: set[tuple[int, int]]) -> Listed:
    listed = Listed(0, set(), [])
    with path.open(newline="") as source:
        for line in csv.DictReader(source):
            a, b = int(line["left"]), int(line["right"])
            pair = (min(a, b), max(a, b))
            listed.count += 1
            if pair in truth:
                listed.true.add(pair)
            elif len(listed.false) < FALSE_PAIRS_CLASSIFIED:
                listed.false.append(pair)
    return listed


def _read_sweep(path: Path, truth: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's weight and whether it is a true pair, as arrays (millions of pairs fit)."""
    weights, hits = array("d"), array("b")
    with path.open(newline="") as source:
        for line in csv.DictReader(source):
            a, b = int(line["left"]), int(line["right"])
            weights.append(float(line["weight"]))
            hits.append((min(a, b), max(a, b)) in truth)
    return np.frombuffer(weights, dtype=np.float64), np.frombuffer(hits, dtype=np.int8)


def _probability(weight: float) -> float:
    return 1 / (1 + 2**-weight) if weight > -1000 else 0.0


# --- Comptoir (subprocess) ----------------------------------------------------------------------


def run_comptoir(data: Path, out: Path, *, use_estimate: bool) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_DEBUG", "1")  # no database is opened; no key is needed
    import django

    django.setup()  # clients.duplicates' constants and estimated_weights live in the app
    import numpy as np

    from comptoir.clients.duplicates import SCAN_WORKERS, estimated_weights
    from comptoir.clients.matching import DEFAULT_DUPLICATE_THRESHOLD
    from comptoir.core.matching import DEFAULT_WEIGHTS, normalize_record
    from comptoir.core.matching.bulk import RecordTable, block, scan

    started = time.perf_counter()
    table = RecordTable()
    for row in _labelled.read_csv(data):
        table.append(normalize_record(row.record()))
    read = time.perf_counter()
    blocking = block(table)
    weights = estimated_weights(table, blocking) if use_estimate else DEFAULT_WEIGHTS
    learnt = time.perf_counter()
    result = scan(
        table,
        min_score=DEFAULT_DUPLICATE_THRESHOLD,
        weights=weights,
        blocking=blocking,
        workers=SCAN_WORKERS,
    )
    ids = np.asarray([int(key) for key in table.ids], dtype=np.int64)
    log_odds = np.asarray([score.log_odds for score in result.scores])
    listed = list(
        zip(
            ids[result.left].tolist(),
            ids[result.right].tolist(),
            log_odds[result.score_index].tolist(),
            strict=True,
        )
    )
    finished = time.perf_counter()
    figures = {
        "threshold": DEFAULT_DUPLICATE_THRESHOLD,
        "wall_s": finished - started,
        "phases_s": {
            "read_and_normalise": read - started,
            "block_and_weights": learnt - read,
            "scan": finished - learnt,
        },
        "peak_rss_mib": _peak_mib(),
        "peak_rss_workers_mib": _peak_mib(resource.RUSAGE_CHILDREN),
        "records": len(table),
        "candidate_pairs": result.candidates,
        "skipped_blocks": len(result.skipped),
        "weights": weights.as_dict(),
    }
    _write_pairs(out, listed)
    swept = scan(
        table, min_score=SWEEP_FLOOR, weights=weights, blocking=blocking, workers=SCAN_WORKERS
    )
    log_odds = np.asarray([score.log_odds for score in swept.scores])
    _write_pairs(
        out.with_suffix(".sweep.csv"),
        list(
            zip(
                ids[swept.left].tolist(),
                ids[swept.right].tolist(),
                log_odds[swept.score_index].tolist(),
                strict=True,
            )
        ),
    )
    return figures


# --- splink (subprocess) ------------------------------------------------------------------------

_CLEAN = """
create table clients as
with raw as (select * from read_csv('{path}', header = true, all_varchar = true)),
cleaned as (
  select
    cast(id as bigint) as unique_id,
    kind,
    nullif(trim(regexp_replace(lower(strip_accents(coalesce(given_name, ''))),
      '[^a-z0-9]+', ' ', 'g')), '') as given_name,
    nullif(trim(regexp_replace(lower(strip_accents(coalesce(family_name, ''))),
      '[^a-z0-9]+', ' ', 'g')), '') as family_name,
    nullif(trim(regexp_replace(regexp_replace(
      lower(strip_accents(coalesce(organization_name, ''))), '[^a-z0-9&]+', ' ', 'g'),
      '\\s(inc|incorporated|incorporee|ltd|ltee|limited|limitee|corp|corporation|co|cie|llp|'
      || 'senc|s e n c|company)\\s*$', '', 'g')), '') as organization_name,
    nullif(date_of_birth, '') as dob,
    nullif(lower(trim(email)), '') as email,
    nullif(right(regexp_replace(regexp_replace(coalesce(phone, ''),
      '\\s*(ext\\.?|poste|x)\\s*[0-9]+$', '', 'i'), '[^0-9]', '', 'g'), 10), '') as phone,
    nullif(trim(regexp_replace(lower(strip_accents(coalesce(street, ''))),
      '[^a-z0-9]+', ' ', 'g')), '') as street,
    nullif(trim(regexp_replace(lower(strip_accents(coalesce(city, ''))),
      '[^a-z0-9]+', ' ', 'g')), '') as city,
    nullif(upper(replace(coalesce(postal_code, ''), ' ', '')), '') as postal_code
  from raw
)
select
  *,
  nullif(concat_ws(' ', given_name, family_name), '') as full_name,
  substr(postal_code, 1, 3) as fsa,
  nullif(regexp_extract(street, '([0-9]+) [a-z]', 1), '') as civic,
  nullif(array_to_string(list_slice(string_split(organization_name, ' '), 1, 2), ' '), '')
    as organization_key
from cleaned
"""


def run_splink(data: Path, out: Path) -> dict[str, Any]:
    import duckdb
    import splink
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    connection = duckdb.connect()
    connection.execute(_CLEAN.format(path=str(data).replace("'", "''"))).fetchall()
    loaded = time.perf_counter()
    db_api = DuckDBAPI(connection=connection)
    clients = db_api.register("clients")
    postal_code = cl.CustomComparison(
        output_column_name="postal_code",
        comparison_levels=[
            cll.NullLevel("postal_code"),
            cll.ExactMatchLevel("postal_code"),
            cll.ExactMatchLevel("fsa").configure(label_for_charts="Same FSA"),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        # The same kinds of keys as Comptoir's blocking (core.matching.blocking.DEFAULT_KEYS),
        # persons and organizations apart.
        blocking_rules_to_generate_predictions=[
            block_on("email", "kind"),
            block_on("phone", "kind"),
            block_on("substr(family_name, 1, 4)", "fsa", "kind"),
            block_on("family_name", "substr(given_name, 1, 1)", "kind"),
            block_on("dob", "substr(given_name, 1, 1)", "kind"),
            block_on("organization_key", "kind"),
            block_on("postal_code", "civic", "kind"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("phone", 1),
            postal_code,
            cl.JaroWinklerAtThresholds("street", [0.95, 0.88]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("organization_name", [0.95, 0.9, 0.8]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(clients, settings, log_level="WARNING")
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [
            block_on("email"),
            block_on("given_name", "family_name", "dob"),
            block_on("organization_name", "phone"),
        ],
        recall=0.7,
    )
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=13)
    training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    training.estimate_parameters_using_expectation_maximisation(block_on("organization_key"))
    trained = time.perf_counter()
    predicted = linker.inference.predict(threshold_match_probability=0.5)
    rows = connection.execute(
        f"select unique_id_l, unique_id_r, match_weight from {predicted.physical_name}"  # noqa: S608 - splink's own table name
    ).fetchall()
    finished = time.perf_counter()
    figures = {
        "version": splink.__version__,
        "duckdb": duckdb.__version__,
        "threshold": 0.5,
        "wall_s": finished - started,
        "phases_s": {
            "load_and_clean": loaded - started,
            "train": trained - loaded,
            "predict": finished - trained,
        },
        "peak_rss_mib": _peak_mib(),
        "records": connection.execute("select count(*) from clients").fetchall()[0][0],
    }
    _write_pairs(out, [(int(a), int(b), float(p)) for a, b, p in rows])
    swept = linker.inference.predict(threshold_match_probability=SWEEP_FLOOR)
    rows = connection.execute(
        f"select unique_id_l, unique_id_r, match_weight from {swept.physical_name}"  # noqa: S608 - splink's own table name
    ).fetchall()
    _write_pairs(out.with_suffix(".sweep.csv"), [(int(a), int(b), float(p)) for a, b, p in rows])
    return figures


# --- Measures (here) ------------------------------------------------------------------------------


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def measure(listed: Listed, truth: set[tuple[int, int]]) -> dict[str, float | int]:
    true_positives = len(listed.true)
    precision = true_positives / listed.count if listed.count else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    return {
        "listed": listed.count,
        "true_positives": true_positives,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
    }


def best_threshold(
    weights: np.ndarray, hits: np.ndarray, truth: set[tuple[int, int]]
) -> dict[str, float | int]:
    """The threshold (among the scores listed, in bits) whose F1 is highest, its probability
    and its measures."""
    if not len(weights):
        return {"threshold": 1.0, "threshold_bits": 1000.0, "f1": 0.0}
    order = np.argsort(-weights, kind="stable")
    ordered, found = weights[order], np.cumsum(hits[order])
    listed = np.arange(1, len(ordered) + 1)
    # Only the last pair of each score is a threshold: every pair of that score is listed.
    last = np.append(ordered[1:] < ordered[:-1], True)
    precision = found / listed
    recall = found / len(truth)
    f1 = np.where(found > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    f1 = np.where(last, f1, -1.0)
    at = int(np.argmax(f1))
    return {
        "threshold": _probability(float(ordered[at])),
        "threshold_bits": float(ordered[at]),
        "listed": int(listed[at]),
        "true_positives": int(found[at]),
        "precision": float(precision[at]),
        "recall": float(recall[at]),
        "f1": float(f1[at]),
    }


def breakdown(
    listed: Listed,
    truth: set[tuple[int, int]],
    households: set[tuple[int, int]],
    rows: dict[int, _labelled.Row],
) -> dict[str, Any]:
    """Recall by perturbation (a pair counts for every change of either record) and the false
    pairs by kind (the first ``FALSE_PAIRS_CLASSIFIED`` of them)."""
    seen: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for pair in truth:
        left, right = rows[pair[0]], rows[pair[1]]
        for change in set(left.changes) | set(right.changes) or {"(none)"}:
            seen[change] += 1
            found[change] += pair in listed.true
    recall_by_change = {
        change: {"pairs": seen[change], "recall": found[change] / seen[change]}
        for change in sorted(seen, key=lambda c: found[c] / seen[c])
    }
    false_kinds: Counter[str] = Counter()
    for pair in listed.false:
        left, right = rows[pair[0]], rows[pair[1]]
        if pair in households:
            false_kinds["household"] += 1
        elif left.kind == "organization":
            false_kinds["organizations"] += 1
        elif (
            left.given_name.lower() == right.given_name.lower()
            and left.family_name.lower() == right.family_name.lower()
        ):
            false_kinds["same name, other person"] += 1
        elif left.family_name.lower() == right.family_name.lower():
            false_kinds["same family name"] += 1
        else:
            false_kinds["other"] += 1
    return {
        "recall_by_change": recall_by_change,
        "false_pairs": dict(false_kinds.most_common()),
        "false_pairs_classified": len(listed.false),
    }


def _subprocess(tool: str, data: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", tool, "--data", str(data), "--out", str(out)]
    completed = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--worker", choices=("comptoir", "comptoir-estimate", "splink"))
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.worker:
        if arguments.worker == "splink":
            figures = run_splink(arguments.data, arguments.out)
        else:
            figures = run_comptoir(
                arguments.data,
                arguments.out,
                use_estimate=arguments.worker == "comptoir-estimate",
            )
        print(json.dumps(figures))
        return

    started = time.perf_counter()
    labelled = _labelled.generate(arguments.seed, arguments.records)
    truth = labelled.true_pairs()
    households = labelled.household_pairs()
    rows = {row.id: row for row in labelled.rows}
    persons = sum(1 for row in labelled.rows if row.kind == "person")
    print(
        f"{len(labelled.rows):,} records ({persons:,} persons), {len(truth):,} true duplicate "
        f"pairs, {len(households):,} household pairs (not duplicates); generated in "
        f"{time.perf_counter() - started:.1f} s"
    )
    tools = ["comptoir", "comptoir-estimate"] + ([] if arguments.skip_splink else ["splink"])
    report: dict[str, Any] = {
        "records": len(labelled.rows),
        "persons": persons,
        "seed": arguments.seed,
        "true_pairs": len(truth),
        "household_pairs": len(households),
        "generator_rates": {
            "person": _labelled.PERSON_RATES,
            "organization": _labelled.ORGANIZATION_RATES,
            "present": _labelled.PRESENT,
            "extra_records": _labelled.EXTRA_RECORDS,
            "household_share": _labelled.HOUSEHOLD_SHARE,
        },
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count()},
        "tools": {},
    }
    with tempfile.TemporaryDirectory(prefix="comptoir-quality-") as folder:
        data = Path(folder) / "records.csv"
        _labelled.write_csv(labelled.rows, data)
        for tool in tools:
            out = Path(folder) / f"{tool}.csv"
            figures = _subprocess(tool, data, out)
            listed = _read_listed(out, truth)
            figures["at_threshold"] = measure(listed, truth)
            figures["best_threshold"] = best_threshold(
                *_read_sweep(out.with_suffix(".sweep.csv"), truth), truth
            )
            figures["breakdown"] = breakdown(listed, truth, households, rows)
            report["tools"][tool] = figures
            at, best = figures["at_threshold"], figures["best_threshold"]
            print(
                f"{tool:18} threshold {figures['threshold']}: precision {at['precision']:.3f} "
                f"recall {at['recall']:.3f} F1 {at['f1']:.3f} ({at['listed']:,} listed) | "
                f"best F1 {best['f1']:.3f} at {best['threshold']:.4g} "
                f"({best['threshold_bits']:+.1f} bits) | "
                f"{figures['wall_s']:.1f} s, peak {figures['peak_rss_mib']:.0f} MiB"
                + (
                    f" (workers {figures['peak_rss_workers_mib']:.0f} MiB)"
                    if "peak_rss_workers_mib" in figures
                    else ""
                )
            )
            print(f"{'':18} false pairs: {figures['breakdown']['false_pairs']}")
            worst = list(figures["breakdown"]["recall_by_change"].items())[:6]
            print(
                f"{'':18} lowest recall: "
                + ", ".join(f"{c} {v['recall']:.2f} ({v['pairs']})" for c, v in worst)
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = RESULTS / f"duplicate_quality_{len(labelled.rows)}_{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
