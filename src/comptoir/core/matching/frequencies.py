"""How common a name is, so that agreeing on a common name counts for less.

Two records called Tremblay agree on a name that one Quebecer in sixty carries; two records
called Thériault-Desrosiers agree on a rare one. Fellegi–Sunter gives ``family_name exact`` one
weight for both; :class:`NameFrequencies` adjusts it by the name's frequency among the records
(the term-frequency adjustment): ``log2(Σ share² / share(name))`` bits, 0 for a name of average
frequency, negative for a common one, positive for a rare one, bounded by
``MAX_ADJUSTMENT``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from comptoir.core.matching.model import NormalizedRecord

#: The largest adjustment, either way, in bits.
MAX_ADJUSTMENT = 5.0


@dataclass(frozen=True)
class _Counts:
    shares: Mapping[str, float]
    #: The probability that two random records carry the same name: ``Σ share²``.
    collision: float
    #: The share of a name seen once (for a name not seen at all).
    smallest: float

    @classmethod
    def of(cls, names: Iterable[str]) -> _Counts:
        counts = Counter(name for name in names if name)
        total = sum(counts.values())
        if not total:
            return cls({}, 0.0, 0.0)
        shares = {name: count / total for name, count in counts.items()}
        return cls(shares, math.fsum(s * s for s in shares.values()), 1 / total)

    def adjustment(self, name: str) -> float:
        if not self.collision:
            return 0.0
        share = self.shares.get(name, self.smallest)
        return max(-MAX_ADJUSTMENT, min(MAX_ADJUSTMENT, math.log2(self.collision / share)))


@dataclass(frozen=True)
class NameFrequencies:
    """The shares of the given and family names among persons' records."""

    given: _Counts
    family: _Counts

    @classmethod
    def from_records(cls, records: Iterable[NormalizedRecord]) -> NameFrequencies:
        persons = [record for record in records if record.is_person]
        return cls(
            given=_Counts.of(record.given.compact for record in persons),
            family=_Counts.of(record.family.compact for record in persons),
        )

    def adjustments(self, left: NormalizedRecord, levels: Mapping[str, str]) -> dict[str, float]:
        """The adjustment of each adjusted comparison the pair agrees on exactly (the name is
        then the same on both sides: ``left``'s is read)."""
        found: dict[str, float] = {}
        if levels.get("given_name") == "exact":
            found["given_name"] = self.given.adjustment(left.given.compact)
        if levels.get("family_name") == "exact":
            found["family_name"] = self.family.adjustment(left.family.compact)
        return found
