"""Blocking: which pairs of records are worth comparing at all.

Each blocking key gives a record zero or more values; records of the same kind (person or
organization) that share a value form a block, and the pairs inside a block are candidates.
Pairs found by several keys are kept once. Two caps keep the work near-linear in the number of
records:

- a block larger than ``cap`` records is split by the key's second key (``refine``), and a part
  still larger than ``cap`` is skipped and reported (:class:`SkippedBlock`): a switchboard
  number shared by 5,000 records says nothing about any two of them;
- the pairs in all are at most ``cap`` × the number of records: the blocks of the identifier
  keys (email, phone) are taken first, then every other block from the smallest (the most
  telling) up; a block that would go over that budget is skipped and reported.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from comptoir.core.matching.model import NormalizedRecord

#: The largest block whose pairs are all compared.
DEFAULT_CAP = 200

_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(word: str) -> str:
    """American Soundex of a folded word (``"tremblay"`` → ``"t651"``); ``""`` for no letter.
    Digits and letters outside a–z are ignored."""
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return ""
    code = letters[0]
    previous = _SOUNDEX.get(letters[0], "")
    for char in letters[1:]:
        digit = _SOUNDEX.get(char, "")
        if digit and digit != previous:
            code += digit
        if char not in "hw":  # h and w do not separate two letters of the same code
            previous = digit
    return (code + "000")[:4]


def _initial(record: NormalizedRecord) -> str:
    return record.given.tokens[0][0] if record.given.tokens else ""


def _fsas(record: NormalizedRecord) -> Iterable[str]:
    return (address.fsa for address in record.addresses if address.postal_code)


def _cities(record: NormalizedRecord) -> Iterable[str]:
    return (address.city for address in record.addresses if address.city)


def _family_or_organization(record: NormalizedRecord) -> Iterable[str]:
    if record.is_person:
        return (record.family.core[:4],) if record.family.core else ()
    words = record.organization.name.split()
    return words[:1]


def _emails(record: NormalizedRecord) -> Iterable[str]:
    return record.emails


def _phones(record: NormalizedRecord) -> Iterable[str]:
    return record.phones


def _family_fsa(record: NormalizedRecord) -> Iterable[str]:
    if not (record.is_person and record.family.core):
        return ()
    return (f"{record.family.core[:4]}|{fsa}" for fsa in _fsas(record))


def _family_sound_initial(record: NormalizedRecord) -> Iterable[str]:
    if not (record.is_person and record.family.core):
        return ()
    return (f"{soundex(record.family.core)}|{_initial(record)}",)


def _given_initial(record: NormalizedRecord) -> Iterable[str]:
    return (_initial(record),)


def _dob_initial(record: NormalizedRecord) -> Iterable[str]:
    if record.date_of_birth is None:
        return ()
    return (f"{record.date_of_birth.isoformat()}|{_initial(record)}",)


def _family_initial(record: NormalizedRecord) -> Iterable[str]:
    return (record.family.core[:1],)


def _organization(record: NormalizedRecord) -> Iterable[str]:
    words = record.organization.name.split()
    if record.is_person or not words:
        return ()
    return (" ".join(words[:2]),)


def _dwelling(record: NormalizedRecord) -> Iterable[str]:
    return (
        f"{address.postal_code}|{address.street.civic}"
        for address in record.addresses
        if address.postal_code and address.street.civic
    )


@dataclass(frozen=True)
class BlockingKey:
    """A blocking key: its stable code, the values it gives a record, the second key that
    splits an oversized block, and whether it is an identifier (email, phone: taken first)."""

    name: str
    values: Callable[[NormalizedRecord], Iterable[str]]
    refine: Callable[[NormalizedRecord], Iterable[str]] | None = None
    identifier: bool = False


DEFAULT_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey("email", _emails, _family_or_organization, identifier=True),
    BlockingKey("phone", _phones, _family_or_organization, identifier=True),
    BlockingKey("family_fsa", _family_fsa, _given_initial),
    BlockingKey("family_sound_initial", _family_sound_initial, _cities),
    BlockingKey("dob_initial", _dob_initial, _family_initial),
    BlockingKey("organization", _organization, _cities),
    BlockingKey("dwelling", _dwelling, _given_initial),
)


def blocking_values(
    record: NormalizedRecord, keys: Sequence[BlockingKey] = DEFAULT_KEYS
) -> tuple[str, ...]:
    """The record's values under each key as ``"<key>:<kind>:<value>"`` strings, each once, in
    the order of ``keys``: what an index of records stores, so that the records sharing a string
    with a new one are exactly those :func:`candidate_pairs` would put in a block with it
    (before its caps). A value longer than ``MAX_VALUE`` characters is cut to that length."""
    found: dict[str, None] = {}
    for key in keys:
        for value in key.values(record):
            if value:
                found[f"{key.name}:{record.kind}:{value}"[:MAX_VALUE]] = None
    return tuple(found)


#: The longest blocking string :func:`blocking_values` gives (an index column's width).
MAX_VALUE = 200


@dataclass(frozen=True)
class SkippedBlock:
    """A block left out: ``over_cap`` (larger than the cap even after its second key) or
    ``over_budget`` (its pairs would pass ``cap`` × records)."""

    key: str
    value: str
    size: int
    reason: str


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs, as indexes into the records given (``left < right``), in order."""

    pairs: tuple[tuple[int, int], ...]
    skipped: tuple[SkippedBlock, ...]
    #: The number of blocks whose pairs were taken.
    blocks: int

    @property
    def over_budget(self) -> bool:
        return any(block.reason == "over_budget" for block in self.skipped)


def _blocks(
    records: Sequence[NormalizedRecord], key: BlockingKey, cap: int
) -> tuple[list[tuple[str, list[int]]], list[SkippedBlock]]:
    found: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for value in dict.fromkeys(key.values(record)):
            # A person is never a duplicate of an organization (a person who works for one is
            # its contact): each kind is blocked on its own.
            found.setdefault(f"{record.kind}:{value}", []).append(index)
    blocks: list[tuple[str, list[int]]] = []
    skipped: list[SkippedBlock] = []
    for value, members in found.items():
        if len(members) < 2:
            continue
        if len(members) <= cap:
            blocks.append((value, members))
            continue
        if key.refine is None:
            skipped.append(SkippedBlock(key.name, value, len(members), "over_cap"))
            continue
        parts: dict[str, list[int]] = {}
        for index in members:
            for sub in dict.fromkeys(key.refine(records[index])):
                parts.setdefault(sub, []).append(index)
        for sub, part in parts.items():
            if len(part) > cap:
                skipped.append(SkippedBlock(key.name, f"{value}|{sub}", len(part), "over_cap"))
            elif len(part) > 1:
                blocks.append((f"{value}|{sub}", part))
    return blocks, skipped


def candidate_pairs(
    records: Sequence[NormalizedRecord],
    *,
    keys: Sequence[BlockingKey] = DEFAULT_KEYS,
    cap: int = DEFAULT_CAP,
) -> Candidates:
    """The candidate pairs among ``records`` by ``keys``, with the blocks left out."""
    if cap < 2:
        raise ValueError("cap must be at least 2")
    count = len(records)
    budget = cap * count
    ordered: list[tuple[int, int, int, str, str, list[int]]] = []
    skipped: list[SkippedBlock] = []
    for position, key in enumerate(keys):
        blocks, left_out = _blocks(records, key, cap)
        skipped.extend(left_out)
        rank = 0 if key.identifier else 1
        ordered.extend(
            (rank, len(members), position, value, key.name, members) for value, members in blocks
        )
    ordered.sort(key=lambda block: block[:4])
    seen: set[int] = set()
    used = 0
    for _rank, size, _position, value, name, members in ordered:
        fresh = {i * count + j for i, j in combinations(members, 2)} - seen
        if len(seen) + len(fresh) > budget:
            skipped.append(SkippedBlock(name, value, size, "over_budget"))
            continue
        seen |= fresh
        used += 1
    pairs = tuple(divmod(code, count) for code in sorted(seen))
    return Candidates(pairs=pairs, skipped=tuple(skipped), blocks=used)


def sample_pairs(count: int, size: int, rng: random.Random) -> list[tuple[int, int]]:
    """``size`` distinct random pairs of indexes below ``count`` (``left < right``), or every
    pair when there are fewer: the non-matches that estimate the *u* probabilities."""
    total = count * (count - 1) // 2
    if size >= total:
        return list(combinations(range(count), 2))
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < size:
        i, j = rng.randrange(count), rng.randrange(count)
        if i != j:
            chosen.add((min(i, j), max(i, j)))
    return sorted(chosen)
