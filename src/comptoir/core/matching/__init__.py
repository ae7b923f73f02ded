"""Client-record matching: normalisation, blocking, comparisons and Fellegi–Sunter scoring.

Pure and typed (no Django): the intake proposals, the bulk search for duplicates and the merge
build on it (docs/matching.md)::

    from comptoir.core.matching import ClientRecord, normalize_record, candidate_pairs, score_pair

    normalized = [normalize_record(record) for record in records]
    for i, j in candidate_pairs(normalized).pairs:
        score = score_pair(normalized[i], normalized[j])
        score.probability, score.explanation  # 0–1; ((field, level, weight), ...)
"""

from comptoir.core.matching.blocking import (
    DEFAULT_CAP,
    DEFAULT_KEYS,
    BlockingKey,
    Candidates,
    SkippedBlock,
    blocking_values,
    candidate_pairs,
    sample_pairs,
    soundex,
)
from comptoir.core.matching.compare import (
    COMPARISONS,
    FIELDS,
    LEVELS,
    MISSING,
    Comparison,
    LevelVector,
    compare_records,
    jaro,
    jaro_winkler,
)
from comptoir.core.matching.frequencies import NameFrequencies
from comptoir.core.matching.model import (
    Address,
    ClientRecord,
    NormalizedAddress,
    NormalizedRecord,
    RecordId,
    RecordKind,
    normalize_address,
    normalize_record,
)
from comptoir.core.matching.scoring import (
    DEFAULT_PRIOR,
    DEFAULT_PROBABILITIES,
    DEFAULT_WEIGHTS,
    Estimate,
    FieldWeight,
    Probabilities,
    Score,
    Weights,
    WeightsError,
    estimate,
    estimate_counts,
    explain,
    score_pair,
    weights_from_dict,
)

__all__ = [
    "COMPARISONS",
    "DEFAULT_CAP",
    "DEFAULT_KEYS",
    "DEFAULT_PRIOR",
    "DEFAULT_PROBABILITIES",
    "DEFAULT_WEIGHTS",
    "FIELDS",
    "LEVELS",
    "MISSING",
    "Address",
    "BlockingKey",
    "Candidates",
    "ClientRecord",
    "Comparison",
    "Estimate",
    "FieldWeight",
    "LevelVector",
    "NameFrequencies",
    "NormalizedAddress",
    "NormalizedRecord",
    "Probabilities",
    "RecordId",
    "RecordKind",
    "Score",
    "SkippedBlock",
    "Weights",
    "WeightsError",
    "blocking_values",
    "candidate_pairs",
    "compare_records",
    "estimate",
    "estimate_counts",
    "explain",
    "jaro",
    "jaro_winkler",
    "normalize_address",
    "normalize_record",
    "sample_pairs",
    "score_pair",
    "soundex",
    "weights_from_dict",
]
