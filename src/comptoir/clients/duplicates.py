"""Duplicate clients found in bulk (``comptoir clients find-duplicates``; docs/matching.md,
"In bulk"): every client record that may be a duplicate of another, each pair with its score
and the comparisons that counted.

1. The records are read in batches of :data:`READ_BATCH` clients, by key, only the columns the
   matching core compares (no model instance is made), with their active contact points, and
   each is normalised at once (``core.matching.normalize_record``) into the bulk scan's columns
   (``core.matching.bulk.RecordTable``); no list of records is kept. Anonymous and merged
   records are left out: they have nothing to compare or are already someone else.
2. The candidate pairs are the batch blocking's (``core.matching.bulk.block``, the same pairs
   as ``candidate_pairs``): the same keys the intake look-up uses, the same caps; the blocks
   left out are reported.
3. Each pair is scored with the shipped default weights, the ones the intake proposals use, so a
   pair scores the same in both places (``core.matching.bulk.scan`` gives ``score_pair``'s
   scores, column by column); or, with ``estimate=True``, with weights learnt from these very
   pairs by expectation–maximisation (``core.matching.estimate_counts``, *u* from random
   pairs).
4. The pairs at or above the threshold are returned best first, except those a data steward
   rejected (``DuplicateDecision``): two clients, never listed again.

:func:`record_candidates` keeps a run's pairs as the review queue's pending candidates
(``DuplicateCandidate``), the decided ones left out.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from comptoir.clients.matching import DEFAULT_DUPLICATE_THRESHOLD
from comptoir.clients.models import (
    Client,
    ContactPoint,
    ContactPointKind,
    DuplicateCandidate,
    DuplicateDecision,
    DuplicateVerdict,
)
from comptoir.core.matching import (
    DEFAULT_WEIGHTS,
    Address,
    ClientRecord,
    FieldWeight,
    NormalizedRecord,
    RecordKind,
    SkippedBlock,
    Weights,
    estimate_counts,
    explain,
    normalize_record,
    sample_pairs,
)
from comptoir.core.matching.bulk import Blocking, RecordTable, block, level_counts, scan

#: Clients read in one statement (and their contact points in one more).
READ_BATCH = 5000
#: Processes that read and normalise the records (each its own range of keys), from
#: ``PARALLEL_READ_FROM`` records.
READ_WORKERS = 2
PARALLEL_READ_FROM = 50_000
#: Processes that score the candidate pairs (``core.matching.bulk.scan``; forked, so they share
#: the records read).
SCAN_WORKERS = 2
#: Random pairs drawn to estimate the *u* probabilities (``--estimate``).
RANDOM_PAIRS = 50_000
#: The seed of those random pairs, so that two runs on the same data agree.
RANDOM_SEED = 13

_CLIENT_COLUMNS = (
    "pk",
    "kind",
    "given_name",
    "family_name",
    "organization_name",
    "date_of_birth",
    "source_id",
)
_POINT_COLUMNS = (
    "client_id",
    "kind",
    "value",
    "street",
    "city",
    "province",
    "postal_code",
    "country",
)


class DuplicatePair(NamedTuple):
    """Two client records that may be one client (``left_id`` < ``right_id``). A named tuple:
    a million of them are made in a few seconds."""

    left_id: int
    right_id: int
    left_source_id: str
    right_source_id: str
    probability: float
    #: The comparisons that counted (not missing), strongest first.
    explanation: tuple[FieldWeight, ...]

    def explanation_codes(self) -> list[str]:
        """``["email:exact:+12.8", ...]``: each line as ``field:level:weight``."""
        return [f"{line.field}:{line.level}:{line.weight:+.1f}" for line in self.explanation]


@dataclass(frozen=True, slots=True)
class DuplicateScan:
    pairs: list[DuplicatePair]
    #: The blocks blocking left out (too large even split, or over the pair budget).
    skipped: tuple[SkippedBlock, ...]
    records: int
    candidates: int
    #: Whether the weights were learnt from the data (``estimate``) rather than the defaults.
    is_estimated: bool


@dataclass(frozen=True, slots=True)
class _Read:
    records: list[NormalizedRecord]
    source_ids: list[str]


def _record(row: tuple[object, ...], points: list[tuple[object, ...]]) -> ClientRecord:
    """The matching core's view of one client's columns and active contact points: what
    ``clients.matching.record_of`` makes of a model instance (a test holds them equal)."""
    key, kind, given, family, organization, born, _source = row
    emails, phones, addresses = [], [], []
    for _client, point_kind, value, street, city, province, postal, country in points:
        if point_kind == ContactPointKind.EMAIL:
            emails.append(str(value))
        elif point_kind == ContactPointKind.PHONE:
            phones.append(str(value))
        elif point_kind == ContactPointKind.ADDRESS:
            addresses.append(
                Address(str(street), str(city), str(province), str(postal), str(country))
            )
    return ClientRecord(
        id=int(str(key)),
        kind=RecordKind.ORGANIZATION if kind == "organization" else RecordKind.PERSON,
        given_name=str(given),
        family_name=str(family),
        organization_name=str(organization),
        date_of_birth=born if isinstance(born, date) else None,
        emails=tuple(emails),
        phones=tuple(phones),
        addresses=tuple(addresses),
    )


def _comparable() -> QuerySet[Client]:
    return Client.objects.filter(is_anonymous=False, merged_into__isnull=True)


def _batches(
    batch: int, *, after: int = 0, up_to: int | None = None
) -> Iterator[tuple[list[tuple[object, ...]], dict[int, list[tuple[object, ...]]]]]:
    """The comparable clients' columns, ``batch`` at a time by key, with their active points
    (the keys after ``after`` and up to ``up_to``, if given)."""
    last = after
    clients = _comparable() if up_to is None else _comparable().filter(pk__lte=up_to)
    while True:
        rows = list(
            clients.filter(pk__gt=last).order_by("pk").values_list(*_CLIENT_COLUMNS)[:batch]
        )
        if not rows:
            return
        points: dict[int, list[tuple[object, ...]]] = {}
        for point in (
            ContactPoint.objects.filter(
                client_id__gt=last, client_id__lte=rows[-1][0], is_active=True
            )
            .order_by()
            .values_list(*_POINT_COLUMNS)
        ):
            points.setdefault(int(point[0]), []).append(point)
        last = int(str(rows[-1][0]))
        yield rows, points


def read_records(*, batch: int = READ_BATCH) -> _Read:
    """Every comparable client, normalised (see the module docstring), in key order."""
    records: list[NormalizedRecord] = []
    source_ids: list[str] = []
    for rows, points in _batches(batch):
        for row in rows:
            records.append(normalize_record(_record(row, points.get(int(str(row[0])), []))))
            source_ids.append(str(row[-1]))
    return _Read(records, source_ids)


def _read_part(
    batch: int, after: int = 0, up_to: int | None = None
) -> tuple[RecordTable, list[str]]:
    table = RecordTable()
    source_ids: list[str] = []
    for rows, points in _batches(batch, after=after, up_to=up_to):
        for row in rows:
            table.append(normalize_record(_record(row, points.get(int(str(row[0])), []))))
            source_ids.append(str(row[-1]))
    return table, source_ids


def _read_forked(part: tuple[int, int, int | None]) -> tuple[RecordTable, list[str]]:
    """One forked reader's part (its own database connection, closed when done)."""
    batch, after, up_to = part
    try:
        return _read_part(batch, after, up_to)
    finally:
        connections.close_all()


def read_table(
    *, batch: int = READ_BATCH, workers: int = READ_WORKERS
) -> tuple[RecordTable, list[str]]:
    """Every comparable client, normalised into the bulk scan's columns (in key order), and
    each one's source id; no list of records is kept.

    With ``workers`` > 1, on PostgreSQL and outside a transaction (which other connections
    would not see into), that many forked processes read and normalise a range of keys each,
    on their own connections, and their tables are joined in key order."""
    parallel = (
        workers > 1
        and connection.vendor == "postgresql"  # an SQLite file is read fast enough alone
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )
    count = _comparable().count() if parallel else 0
    if count < max(PARALLEL_READ_FROM, workers):
        return _read_part(batch)
    keys = _comparable().order_by("pk").values_list("pk", flat=True)
    bounds = [0] + [int(keys[count * n // workers]) for n in range(1, workers)] + [None]
    parts = [(batch, bounds[n] or 0, bounds[n + 1]) for n in range(workers)]
    connections.close_all()  # each reader opens its own; this one reopens when next used
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        read = pool.map(_read_forked, parts)
    table, source_ids = read[0]
    for other, other_ids in read[1:]:
        table.extend(other)
        source_ids.extend(other_ids)
    return table, source_ids


def estimated_weights(table: RecordTable, blocking: Blocking) -> Weights:
    """Weights learnt from the candidate pairs (EM), *u* from random pairs of the records."""
    rng = random.Random(RANDOM_SEED)  # noqa: S311 - a sample of pairs, not a secret
    randoms = np.asarray(sample_pairs(len(table), RANDOM_PAIRS, rng), dtype=np.int64)
    randoms = randoms.reshape(-1, 2)
    learnt = estimate_counts(
        level_counts(table, blocking.chunks()),
        random_counts=level_counts(table, iter([(randoms[:, 0], randoms[:, 1])])),
    )
    return learnt.weights()


def find_duplicates(
    *,
    min_score: float = DEFAULT_DUPLICATE_THRESHOLD,
    use_estimate: bool = False,
    batch: int = READ_BATCH,
    workers: int = SCAN_WORKERS,
) -> DuplicateScan:
    """The pairs of client records scoring ``min_score`` or more, best first.

    The scan is ``core.matching.bulk``'s: the same candidate pairs as ``candidate_pairs`` and
    the same scores and explanations as ``score_pair``, column by column."""
    table, source_ids = read_table(batch=batch)
    weights = DEFAULT_WEIGHTS
    blocking = block(table)
    estimated = use_estimate and blocking.blocks > 0
    if estimated:
        weights = estimated_weights(table, blocking)
    result = scan(table, min_score=min_score, weights=weights, blocking=blocking, workers=workers)
    rejected = list(
        DuplicateDecision.objects.filter(decision=DuplicateVerdict.REJECTED).values_list(
            "left_id", "right_id"
        )
    )
    ids = np.asarray([int(key) for key in table.ids], dtype=np.int64)
    first, second = ids[result.left], ids[result.right]
    swap = first > second
    left = np.where(swap, result.right, result.left)
    right = np.where(swap, result.left, result.right)
    left_id, right_id = ids[left], ids[right]
    score_index = result.score_index
    if rejected:
        refused = set(rejected)
        keep = np.ones(len(left), dtype=np.bool_)
        for row in np.flatnonzero(np.isin(left_id, [a for a, _b in refused])).tolist():
            keep[row] = (int(left_id[row]), int(right_id[row])) not in refused
        left, right, left_id, right_id = left[keep], right[keep], left_id[keep], right_id[keep]
        score_index = score_index[keep]
    probabilities = np.asarray([score.probability for score in result.scores], dtype=np.float64)
    order = np.lexsort((right_id, left_id, -probabilities[score_index]))
    explanations = [explain(score) for score in result.scores]
    found = [
        DuplicatePair(
            left_id=a,
            right_id=b,
            left_source_id=source_ids[i],
            right_source_id=source_ids[j],
            probability=result.scores[k].probability,
            explanation=explanations[k],
        )
        for a, b, i, j, k in zip(
            left_id[order].tolist(),
            right_id[order].tolist(),
            left[order].tolist(),
            right[order].tolist(),
            score_index[order].tolist(),
            strict=True,
        )
    ]
    return DuplicateScan(
        pairs=found,
        skipped=result.skipped,
        records=len(table),
        candidates=result.candidates,
        is_estimated=estimated,
    )


def record_candidates(pairs: list[DuplicatePair]) -> int:
    """Replace the pending candidates with ``pairs``, less those already decided (confirmed or
    rejected); returns how many were stored."""
    decided = set(DuplicateDecision.objects.values_list("left_id", "right_id"))
    now = timezone.now()
    rows = [
        DuplicateCandidate(
            left_id=pair.left_id,
            right_id=pair.right_id,
            score=pair.probability,
            explanation=[
                {"field": line.field, "level": line.level, "weight": round(line.weight, 4)}
                for line in pair.explanation
            ],
            found_at=now,
        )
        for pair in pairs
        if (pair.left_id, pair.right_id) not in decided
    ]
    with transaction.atomic():
        DuplicateCandidate.objects.all().delete()  # derived rows: see the model
        DuplicateCandidate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
