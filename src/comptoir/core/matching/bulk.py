"""The bulk scan: the candidate pairs of many records and their scores, column by column.

:func:`blocking.candidate_pairs` and :func:`scoring.score_pair` decide one pair at a time, in
Python; at a million records that is tens of millions of pairs. This module gives the *same*
pairs, levels and scores (tested as properties against them) at a cost per pair of a few array
operations:

- :class:`RecordTable` keeps the normalised records as columns of small integers: each distinct
  given name, family name, organization name, email, phone, street part, city and postal code
  once, and each record's references to them. Records are appended one at a time, so a reader
  never holds the records themselves.
- :func:`block` makes the blocks of :data:`blocking.DEFAULT_KEYS` with NumPy (the same keys,
  second keys, cap and budget), and yields each candidate pair once, block by block, in chunks:
  a pair is kept in the first block (in key order) that holds both records, so the pair set is
  never materialised.
- :func:`level_indexes` computes the levels of a chunk of pairs field by field. A comparison of
  two names is made once per distinct pair of names (the name comparisons are the only ones
  that need Python) and looked up for every pair; the others are array arithmetic.
- :func:`scan` adds the weights, looked up in arrays, keeps the pairs near the threshold and
  scores those again with :meth:`Weights.score`, so a listed pair's score and explanation are
  exactly those of ``score_pair``.

A record with more values than the columns hold (more than :data:`SLOTS` emails, phones or
addresses) or a date of birth before the year 1000 is compared by :func:`compare_records`
itself. When the blocks' pairs could pass the budget (``cap`` × records), the blocking is
:func:`candidate_pairs` itself, whose order of blocks decides which are left out.
"""

from __future__ import annotations

import math
import multiprocessing
from array import array
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from comptoir.core.matching.blocking import DEFAULT_CAP, SkippedBlock, candidate_pairs, soundex
from comptoir.core.matching.compare import (
    CITY_LEVELS,
    COMPARISONS,
    DATE_OF_BIRTH_LEVELS,
    EMAIL_LEVELS,
    FAMILY_NAME_LEVELS,
    GIVEN_NAME_LEVELS,
    HIGH_SIMILARITY,
    HOUSEHOLD_LEVELS,
    MISSING,
    ORGANIZATION_LEVELS,
    PHONE_LEVELS,
    POSTAL_CODE_LEVELS,
    ROLE_LOCAL_PARTS,
    SIMILARITY,
    STREET_LEVELS,
    LevelVector,
    compare_family_names,
    compare_given_names,
    compare_organization_names,
    compare_records,
    screened_jaro_winkler,
)
from comptoir.core.matching.model import NormalizedAddress, NormalizedRecord, RecordId, RecordKind
from comptoir.core.matching.normalize import (
    FamilyName,
    GivenName,
    OrganizationName,
    Street,
    names_equivalent,
)
from comptoir.core.matching.scoring import DEFAULT_WEIGHTS, Score, Weights, WeightsError, bits

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Levels = npt.NDArray[np.int8]

#: The emails, phones and addresses of a record the columns hold (more: see the docstring).
SLOTS = 4
#: About how many pairs one chunk holds (memory: some hundred bytes a pair while it is scored).
CHUNK = 1 << 20


class _Interned[T: Hashable]:
    """Distinct values, each with a small integer (0 is ``empty``)."""

    def __init__(self, empty: T) -> None:
        self.ids: dict[T, int] = {empty: 0}
        self.values: list[T] = [empty]

    def id(self, value: T) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def __len__(self) -> int:
        return len(self.values)


_NO_GIVEN = GivenName((), "", "", is_initials=False)
_NO_FAMILY = FamilyName((), "", "", frozenset())
_NO_ORGANIZATION = OrganizationName("", ())


def _ints(values: Sequence[int] | array[int]) -> Ints:
    return np.asarray(values, dtype=np.int64)


def _slots(starts: Ints, values: Ints, width: int) -> Ints:
    """Ragged values (``values[starts[i]:starts[i+1]]``) as ``len(starts) - 1`` rows of
    ``width`` columns, ``-1`` where a row has fewer (a longer row is cut)."""
    rows = len(starts) - 1
    out = np.full((rows, max(width, 1)), -1, dtype=np.int64)
    counts = np.diff(starts)
    for column in range(width):
        has = counts > column
        out[has, column] = values[starts[:-1][has] + column]
    return out


class RecordTable:
    """Normalised records as columns (see the module docstring). :meth:`append` each record,
    then :meth:`freeze` once; :meth:`record` gives a record back as it was appended."""

    def __init__(self) -> None:
        self.ids: list[RecordId] = []
        self.given: _Interned[GivenName] = _Interned(_NO_GIVEN)
        self.family: _Interned[FamilyName] = _Interned(_NO_FAMILY)
        self.organization: _Interned[OrganizationName] = _Interned(_NO_ORGANIZATION)
        self.emails: _Interned[str] = _Interned("")
        self.phones: _Interned[str] = _Interned("")
        #: Street names, civic numbers, units, types, directions, cities, provinces, postal
        #: codes: one table of strings for all of them (0 is the empty string).
        self.strings: _Interned[str] = _Interned("")
        self._kind = array("b")
        self._given = array("l")
        self._family = array("l")
        self._organization = array("l")
        self._born = array("l")
        self._email = array("l")
        self._email_end = array("l", [0])
        self._phone = array("l")
        self._phone_end = array("l", [0])
        #: Each address as 8 string ids: name, civic, unit, type, direction, city, province,
        #: postal code.
        self._address = array("l")
        self._address_end = array("l", [0])
        self._frozen: _Columns | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, record: NormalizedRecord) -> None:
        if self._frozen is not None:
            raise ValueError("the table is frozen")
        self.ids.append(record.id)
        self._kind.append(0 if record.kind == RecordKind.PERSON else 1)
        self._given.append(self.given.id(record.given))
        self._family.append(self.family.id(record.family))
        self._organization.append(self.organization.id(record.organization))
        born = record.date_of_birth
        self._born.append(born.year * 10000 + born.month * 100 + born.day if born else 0)
        for email in record.emails:
            self._email.append(self.emails.id(email))
        self._email_end.append(len(self._email))
        for phone in record.phones:
            self._phone.append(self.phones.id(phone))
        self._phone_end.append(len(self._phone))
        string = self.strings.id
        for address in record.addresses:
            street = address.street
            self._address.extend(
                (
                    string(street.name),
                    string(street.civic),
                    string(street.unit),
                    string(street.street_type),
                    string(street.direction),
                    string(address.city),
                    string(address.province),
                    string(address.postal_code),
                )
            )
        self._address_end.append(len(self._address) // 8)

    def extend(self, other: RecordTable) -> None:
        """Append every record of ``other`` (another process may have read them), in order."""
        if self._frozen is not None:
            raise ValueError("the table is frozen")
        self.ids.extend(other.ids)

        def mapping[T: Hashable](mine: _Interned[T], theirs: _Interned[T]) -> Ints:
            return _ints([mine.id(value) for value in theirs.values])

        def remapped(values: array[int], to: Ints) -> bytes:
            return to[np.asarray(values, dtype=np.int64)].astype(np.int64).tobytes()

        strings = mapping(self.strings, other.strings)
        self._kind.extend(other._kind)
        self._given.frombytes(remapped(other._given, mapping(self.given, other.given)))
        self._family.frombytes(remapped(other._family, mapping(self.family, other.family)))
        self._organization.frombytes(
            remapped(other._organization, mapping(self.organization, other.organization))
        )
        self._born.extend(other._born)
        for values, ends, their_values, their_ends, to in (
            (
                self._email,
                self._email_end,
                other._email,
                other._email_end,
                mapping(self.emails, other.emails),
            ),
            (
                self._phone,
                self._phone_end,
                other._phone,
                other._phone_end,
                mapping(self.phones, other.phones),
            ),
        ):
            offset = len(values)
            values.frombytes(remapped(their_values, to))
            ends.frombytes((_ints(their_ends[1:]) + offset).tobytes())
        offset = len(self._address) // 8
        self._address.frombytes(remapped(other._address, strings))
        self._address_end.frombytes((_ints(other._address_end[1:]) + offset).tobytes())

    def record(self, index: int) -> NormalizedRecord:
        """The record appended ``index``-th, rebuilt from the columns."""
        emails = self._email[self._email_end[index] : self._email_end[index + 1]]
        phones = self._phone[self._phone_end[index] : self._phone_end[index + 1]]
        text = self.strings.values
        addresses = []
        for position in range(self._address_end[index], self._address_end[index + 1]):
            name, civic, unit, kind, direction, city, province, postal = self._address[
                position * 8 : position * 8 + 8
            ]
            addresses.append(
                NormalizedAddress(
                    street=Street(
                        civic=text[civic],
                        unit=text[unit],
                        name=text[name],
                        street_type=text[kind],
                        direction=text[direction],
                    ),
                    city=text[city],
                    province=text[province],
                    postal_code=text[postal],
                )
            )
        born = self._born[index]
        return NormalizedRecord(
            id=self.ids[index],
            kind=RecordKind.PERSON if self._kind[index] == 0 else RecordKind.ORGANIZATION,
            given=self.given.values[self._given[index]],
            family=self.family.values[self._family[index]],
            organization=self.organization.values[self._organization[index]],
            date_of_birth=date(born // 10000, born // 100 % 100, born % 100) if born else None,
            emails=tuple(self.emails.values[e] for e in emails),
            phones=tuple(self.phones.values[p] for p in phones),
            addresses=tuple(addresses),
        )

    def freeze(self) -> _Columns:
        """The columns (made once; the table takes no more records)."""
        if self._frozen is None:
            self._frozen = _Columns(self)
        return self._frozen


class _Columns:
    """The frozen table's arrays, and the derived values blocking and comparing read."""

    def __init__(self, table: RecordTable) -> None:
        self.table = table
        self.count = len(table)
        self.kind = _ints(table._kind)
        self.given = _ints(table._given)
        self.family = _ints(table._family)
        self.organization = _ints(table._organization)
        self.born = _ints(table._born)
        self.email_end = _ints(table._email_end)
        self.email_values = _ints(table._email)
        self.phone_end = _ints(table._phone_end)
        self.phone_values = _ints(table._phone)
        self.address_end = _ints(table._address_end)
        address = _ints(table._address).reshape(-1, 8)
        counts = [np.diff(self.email_end), np.diff(self.phone_end), np.diff(self.address_end)]
        widths = [min(SLOTS, int(c.max())) if len(c) else 0 for c in counts]
        #: Records compared by ``compare_records`` itself (see the module docstring).
        self.by_reference = np.zeros(self.count, dtype=np.bool_)
        for c in counts:
            self.by_reference |= c > SLOTS
        self.by_reference |= (self.born > 0) & (self.born < 10_000_000)
        self.email = _slots(self.email_end, self.email_values, widths[0])
        self.phone = _slots(self.phone_end, self.phone_values, widths[1])
        rows = _slots(self.address_end, np.arange(len(address), dtype=np.int64), widths[2])
        #: One (records × slots) array per address part; -1 where there is no address.
        self.address_rows = rows
        self.address = address
        padded = np.vstack([address, np.full((1, 8), -1, dtype=np.int64)])
        self.street_name, self.civic, self.unit, self.street_type, self.direction = (
            padded[rows, part] for part in range(5)
        )
        self.city = padded[rows, 5]
        self.postal = padded[rows, 7]
        strings = table.strings.values
        # Derived strings share one more table.
        self.derived: _Interned[str] = _Interned("")
        derive = self.derived.id
        self.fsa = _ints([derive(s[:3]) for s in strings])
        given = table.given.values
        self.initial = _ints([derive(g.tokens[0][0] if g.tokens else "") for g in given])
        self.given_present = np.array([bool(g.compact) for g in given], dtype=np.bool_)
        family = table.family.values
        self.core_present = np.array([bool(f.core) for f in family], dtype=np.bool_)
        self.core4 = _ints([derive(f.core[:4]) for f in family])
        self.core1 = _ints([derive(f.core[:1]) for f in family])
        self.sound = _ints([derive(soundex(f.core)) for f in family])
        self.family_present = np.array([bool(f.compact) for f in family], dtype=np.bool_)
        organizations = [o.name.split() for o in table.organization.values]
        self.organization_two = _ints([derive(" ".join(w[:2])) if w else -1 for w in organizations])
        self.organization_one = _ints([derive(w[0]) if w else -1 for w in organizations])
        locals_: _Interned[str] = _Interned("")
        self.email_local = _ints(
            [
                -1 if not e or local in ROLE_LOCAL_PARTS else locals_.id(local)
                for e in table.emails.values
                for local in (e.rsplit("@", 1)[0],)
            ]
        )
        phones = table.phones.values
        width = max(1, *(len(p) for p in phones))
        padded_phones = "".join(phone.ljust(width, "\0") for phone in phones)
        self.phone_chars = np.frombuffer(padded_phones.encode("utf-32-le"), dtype="<u4").reshape(
            len(phones), width
        )
        self.phone_length = _ints([len(p) for p in phones])
        self.caches: dict[str, dict[int, int]] = {}


# --- Looked-up comparisons -----------------------------------------------------------------------


def _looked_up(
    name: str,
    columns: _Columns,
    left: Ints,
    right: Ints,
    size: int,
    compare: Callable[[int, int], int],
) -> Ints:
    """``compare(left[k], right[k])`` for every k, computed once per distinct pair of values
    (and remembered for the next chunk)."""
    if not len(left):
        return np.zeros(0, dtype=np.int64)
    cache = columns.caches.setdefault(name, {})
    codes = left * size + right
    distinct, inverse = np.unique(codes, return_inverse=True)
    found = np.empty(len(distinct), dtype=np.int64)
    for position, code in enumerate(distinct.tolist()):
        value = cache.get(code)
        if value is None:
            value = cache[code] = compare(*divmod(code, size))
        found[position] = value
    looked_up: Ints = found[inverse.reshape(-1)]
    return looked_up


def _close(left: str, right: str) -> bool:
    """compare._close: two names that may be one name."""
    return names_equivalent(left, right) or screened_jaro_winkler(left, right) >= SIMILARITY


_G = {level: i for i, level in enumerate(GIVEN_NAME_LEVELS)}
_F = {level: i for i, level in enumerate(FAMILY_NAME_LEVELS)}
_D = {level: i for i, level in enumerate(DATE_OF_BIRTH_LEVELS)}
_E = {level: i for i, level in enumerate(EMAIL_LEVELS)}
_P = {level: i for i, level in enumerate(PHONE_LEVELS)}
_PC = {level: i for i, level in enumerate(POSTAL_CODE_LEVELS)}
_S = {level: i for i, level in enumerate(STREET_LEVELS)}
_C = {level: i for i, level in enumerate(CITY_LEVELS)}
_H = {level: i for i, level in enumerate(HOUSEHOLD_LEVELS)}


def _any_equal(left: Ints, right: Ints, *, left_valid: Ints | None = None) -> Flags:
    """Whether a row of ``left`` and the same row of ``right`` share a value (≥ 0)."""
    valid = left if left_valid is None else left_valid
    found = np.zeros(len(left), dtype=np.bool_)
    for a in range(left.shape[1]):
        for b in range(right.shape[1]):
            found |= (valid[:, a] >= 0) & (left[:, a] == right[:, b])
    return found


def _one_digit_apart(columns: _Columns, left: Ints, right: Ints) -> Flags:
    """compare._one_digit_apart of the phones ``left[k]`` and ``right[k]`` (ids ≥ 0)."""
    a, b = columns.phone_chars[left], columns.phone_chars[right]
    differ = a != b
    count = differ.sum(axis=1)
    first = differ.argmax(axis=1)
    last = differ.shape[1] - 1 - differ[:, ::-1].argmax(axis=1)
    rows = np.arange(len(left))
    swapped = (
        (count == 2)
        & (last == first + 1)
        & (a[rows, first] == b[rows, last])
        & (a[rows, last] == b[rows, first])
    )
    same_length = columns.phone_length[left] == columns.phone_length[right]
    apart: Flags = same_length & ((count == 1) | swapped)
    return apart


def level_indexes(columns: _Columns, left: Ints, right: Ints) -> Levels:
    """The levels of the pairs ``(left[k], right[k])`` (record indexes), one row per pair, one
    column per comparison (in the order of ``compare.COMPARISONS``), each level as its index
    in the comparison's levels: what ``compare_records`` gives, as numbers."""
    n = len(left)
    out = np.empty((n, len(COMPARISONS)), dtype=np.int8)
    table = columns.table
    given, family = table.given.values, table.family.values
    gi, gj = columns.given[left], columns.given[right]
    fi, fj = columns.family[left], columns.family[right]
    ng, nf = len(table.given), len(table.family)

    base_given = _looked_up(
        "given",
        columns,
        gi,
        gj,
        ng,
        lambda a, b: _G[compare_given_names(given[a], given[b])],
    )
    base_family = _looked_up(
        "family",
        columns,
        fi,
        fj,
        nf,
        lambda a, b: _F[compare_family_names(family[a], family[b])],
    )
    other_given = (base_given == _G["similar"]) | (base_given == _G["different"])
    other_family = (base_family == _F["similar"]) | (base_family == _F["different"])
    # compare.names_swapped, where a comparison or the household rule asks for it.
    asked = (other_given | other_family) & (
        columns.given_present[gi]
        & columns.given_present[gj]
        & columns.family_present[fi]
        & columns.family_present[fj]
    )
    gf = np.maximum(ng, nf)

    def close_gf(a: int, b: int) -> int:
        return int(_close(given[a].compact, family[b].compact))

    def close_fg(a: int, b: int) -> int:
        return int(_close(family[a].compact, given[b].compact))

    swapped = np.zeros(n, dtype=np.bool_)
    where = np.flatnonzero(asked)
    if len(where):
        ask_gi, ask_gj, ask_fi, ask_fj = gi[where], gj[where], fi[where], fj[where]
        self_close = (_looked_up("gf", columns, ask_gi, ask_fi, gf, close_gf) == 1) | (
            _looked_up("gf", columns, ask_gj, ask_fj, gf, close_gf) == 1
        )
        keep = where[~self_close]
        ask = ~self_close
        crossed = (_looked_up("gf", columns, ask_gi[ask], ask_fj[ask], gf, close_gf) == 1) & (
            _looked_up("fg", columns, ask_fi[ask], ask_gj[ask], gf, close_fg) == 1
        )
        swapped[keep] = crossed
    out[:, 0] = np.where(other_given & swapped, _G["swapped"], base_given)
    out[:, 1] = np.where(other_family & swapped, _F["swapped"], base_family)

    organizations = table.organization.values
    out[:, 2] = _looked_up(
        "organization",
        columns,
        columns.organization[left],
        columns.organization[right],
        len(organizations),
        lambda a, b: ORGANIZATION_LEVELS.index(
            compare_organization_names(organizations[a], organizations[b])
        ),
    )

    # Date of birth (compare_dates_of_birth), on YYYYMMDD numbers.
    bi, bj = columns.born[left], columns.born[right]
    digits = np.zeros(n, dtype=np.int64)
    for power in range(8):
        digits += (bi // 10**power % 10) != (bj // 10**power % 10)
    out[:, 3] = np.select(
        [
            (bi == 0) | (bj == 0),
            bi == bj,
            (bi // 10000 == bj // 10000)
            & (bi % 100 == bj // 100 % 100)
            & (bi // 100 % 100 == bj % 100),
            digits == 1,
        ],
        [_D[MISSING], _D["exact"], _D["day_month_swapped"], _D["one_digit"]],
        _D["different"],
    )

    # Emails and phones: the best over every pair of values.
    ei, ej = columns.email[left], columns.email[right]
    exact = _any_equal(ei, ej)
    local_i = np.where(ei >= 0, columns.email_local[ei], -1)
    local_j = np.where(ej >= 0, columns.email_local[ej], -1)
    out[:, 4] = np.select(
        [(ei[:, 0] < 0) | (ej[:, 0] < 0), exact, _any_equal(local_i, local_j)],
        [_E[MISSING], _E["exact"], _E["same_local"]],
        _E["different"],
    )
    pi, pj = columns.phone[left], columns.phone[right]
    phone_missing = (pi[:, 0] < 0) | (pj[:, 0] < 0)
    phone_exact = _any_equal(pi, pj)
    one_digit = np.zeros(n, dtype=np.bool_)
    ask = np.flatnonzero(~phone_missing & ~phone_exact)
    for a in range(pi.shape[1]):
        for b in range(pj.shape[1]):
            rows = ask[(pi[ask, a] >= 0) & (pj[ask, b] >= 0)]
            one_digit[rows] |= _one_digit_apart(columns, pi[rows, a], pj[rows, b])
    out[:, 5] = np.select(
        [phone_missing, phone_exact, one_digit],
        [_P[MISSING], _P["exact"], _P["one_digit"]],
        _P["different"],
    )

    # Addresses: each level the best over every pair of addresses; the household's shared
    # dwelling, over the same pairs.
    postal_best = np.full(n, _PC[MISSING], dtype=np.int64)
    street_best = np.full(n, _S[MISSING], dtype=np.int64)
    city_best = np.full(n, _C[MISSING], dtype=np.int64)
    dwelling = np.zeros(n, dtype=np.bool_)
    strings = table.strings.values
    fsa = columns.fsa
    ns = len(strings)

    def street_similar(a: int, b: int) -> int:
        return int(screened_jaro_winkler(strings[a], strings[b]) >= SIMILARITY)

    def city_similar(a: int, b: int) -> int:
        return int(screened_jaro_winkler(strings[a], strings[b]) >= HIGH_SIMILARITY)

    width_i, width_j = columns.address_rows.shape[1], columns.address_rows.shape[1]
    rows_i, rows_j = columns.address_rows[left], columns.address_rows[right]
    for a in range(width_i):
        for b in range(width_j):
            both = np.flatnonzero((rows_i[:, a] >= 0) & (rows_j[:, b] >= 0))
            if not len(both):
                continue
            li, lj = left[both], right[both]
            ci, cj = columns.postal[li, a], columns.postal[lj, b]
            postal = np.select(
                [(ci == 0) | (cj == 0), ci == cj, fsa[ci] == fsa[cj]],
                [_PC[MISSING], _PC["full"], _PC["fsa"]],
                _PC["different"],
            )
            ni, nj = columns.street_name[li, a], columns.street_name[lj, b]
            vi, vj = columns.civic[li, a], columns.civic[lj, b]
            di, dj = columns.direction[li, a], columns.direction[lj, b]
            ti, tj = columns.street_type[li, a], columns.street_type[lj, b]
            ui, uj = columns.unit[li, a], columns.unit[lj, b]
            same_name, same_civic = ni == nj, vi == vj
            direction_conflict = (di > 0) & (dj > 0) & (di != dj)
            type_conflict = (ti > 0) & (tj > 0) & (ti != tj)
            missing = (ni == 0) | (nj == 0)
            building = same_name & same_civic & ~type_conflict
            ask = ~missing & ~direction_conflict & ~building & same_civic & (vi > 0)
            similar = np.zeros(len(both), dtype=np.bool_)
            similar[ask] = _looked_up("street", columns, ni[ask], nj[ask], ns, street_similar) == 1
            street = np.select(
                [
                    missing,
                    direction_conflict & same_name,
                    direction_conflict,
                    building & (ui == uj),
                    building,
                    similar,
                    same_name,
                ],
                [
                    _S[MISSING],
                    _S["same_street"],
                    _S["different"],
                    _S["exact"],
                    _S["same_building"],
                    _S["similar"],
                    _S["same_street"],
                ],
                _S["different"],
            )
            ki, kj = columns.city[li, a], columns.city[lj, b]
            ask = (ki > 0) & (kj > 0) & (ki != kj)
            similar = np.zeros(len(both), dtype=np.bool_)
            similar[ask] = _looked_up("city", columns, ki[ask], kj[ask], ns, city_similar) == 1
            city = np.select(
                [(ki == 0) | (kj == 0), ki == kj, similar],
                [_C[MISSING], _C["exact"], _C["similar"]],
                _C["different"],
            )
            postal_best[both] = np.minimum(postal_best[both], postal)
            street_best[both] = np.minimum(street_best[both], street)
            city_best[both] = np.minimum(city_best[both], city)
            dwelling[both] |= (street <= _S["same_building"]) & (
                (postal == _PC["full"]) | ((postal == _PC[MISSING]) & (city == _C["exact"]))
            )
    out[:, 6], out[:, 7], out[:, 8] = postal_best, street_best, city_best

    persons = (columns.kind[left] == 0) & (columns.kind[right] == 0)
    conflict = persons & other_given & ~swapped & (phone_exact | dwelling)
    out[:, 9] = np.where(conflict, _H["conflict"], _H["none"])

    by_reference = np.flatnonzero(columns.by_reference[left] | columns.by_reference[right])
    for row in by_reference.tolist():
        vector = compare_records(table.record(int(left[row])), table.record(int(right[row])))
        out[row] = [c.levels.index(level) for c, level in zip(COMPARISONS, vector, strict=True)]
    return out


def level_vector(row: Sequence[int]) -> LevelVector:
    """A row of :func:`level_indexes` as ``compare_records`` gives it."""
    return tuple(c.levels[int(i)] for c, i in zip(COMPARISONS, row, strict=True))


# --- Blocking ----------------------------------------------------------------------------------


@dataclass
class _Key:
    """One key's entries: a record and a value (a code, with its text for a report)."""

    name: str
    records: Ints
    codes: Ints
    text: Callable[[int], str]
    #: The second key's values of the given records: (record positions, sub-value codes).
    refine: Callable[[Ints], tuple[Ints, Ints]] | None
    refine_text: Callable[[int], str]


def _ragged(end: Ints) -> tuple[Ints, Ints]:
    """(record index, position in the values) for every value of ragged columns."""
    counts = np.diff(end)
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts), np.arange(
        int(end[-1]), dtype=np.int64
    )


def _keys(columns: _Columns) -> list[_Key]:
    """The entries of :data:`blocking.DEFAULT_KEYS`, key by key, in its order."""
    table = columns.table
    derived = columns.derived.values
    strings = table.strings.values
    persons = columns.kind == 0
    count = np.int64(max(len(columns.derived), 1))

    def single(values: Ints) -> Callable[[Ints], tuple[Ints, Ints]]:
        def refine(members: Ints) -> tuple[Ints, Ints]:
            found = values[members]
            keep = found >= 0
            return np.flatnonzero(keep), found[keep]

        return refine

    family_or_organization = np.where(
        persons,
        np.where(columns.core_present[columns.family], columns.core4[columns.family], -1),
        columns.organization_one[columns.organization],
    )
    initial = columns.initial[columns.given]
    address_record, address_position = _ragged(columns.address_end)
    columns.address[address_position, 5]
    address_postal = columns.address[address_position, 7]
    address_civic = columns.address[address_position, 1]
    city_start = columns.address_end

    def cities(members: Ints) -> tuple[Ints, Ints]:
        starts, ends = city_start[members], city_start[members + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(members), dtype=np.int64), lengths)
        offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        found = columns.address[np.repeat(starts, lengths) + offsets, 5]
        keep = found > 0
        return owner[keep], found[keep]

    def derived_text(code: int) -> str:
        return derived[code]

    def string_text(code: int) -> str:
        return strings[code]

    email_record, email_position = _ragged(columns.email_end)
    phone_record, phone_position = _ragged(columns.phone_end)
    emails, phones = table.emails.values, table.phones.values

    core = columns.core_present[columns.family] & persons
    with_postal = (address_postal > 0) & core[address_record]
    fsa_code = columns.fsa[address_postal]
    sound = columns.sound[columns.family]
    born = columns.born
    with_born = born > 0
    organization_two = columns.organization_two[columns.organization]
    is_organization = ~persons & (organization_two >= 0)
    dwelling = (address_postal > 0) & (address_civic > 0)
    strings_count = np.int64(max(len(strings), 1))

    def pair_text(
        left: Callable[[int], str], right: Callable[[int], str], size: int
    ) -> Callable[[int], str]:
        return lambda code: f"{left(code // size)}|{right(code % size)}"

    def born_text(code: int) -> str:
        value = code // count
        day = date(value // 10000, value // 100 % 100, value % 100)
        return f"{day.isoformat()}|{derived[code % count]}"

    return [
        _Key(
            "email",
            email_record,
            columns.email_values[email_position],
            lambda code: emails[code],
            single(family_or_organization),
            derived_text,
        ),
        _Key(
            "phone",
            phone_record,
            columns.phone_values[phone_position],
            lambda code: phones[code],
            single(family_or_organization),
            derived_text,
        ),
        _Key(
            "family_fsa",
            address_record[with_postal],
            columns.core4[columns.family][address_record[with_postal]] * count
            + fsa_code[with_postal],
            pair_text(derived_text, derived_text, int(count)),
            single(initial),
            derived_text,
        ),
        _Key(
            "family_sound_initial",
            np.flatnonzero(core),
            sound[core] * count + initial[core],
            pair_text(derived_text, derived_text, int(count)),
            cities,
            string_text,
        ),
        _Key(
            "dob_initial",
            np.flatnonzero(with_born),
            born[with_born] * count + initial[with_born],
            born_text,
            single(columns.core1[columns.family]),
            derived_text,
        ),
        _Key(
            "organization",
            np.flatnonzero(is_organization),
            organization_two[is_organization],
            derived_text,
            cities,
            string_text,
        ),
        _Key(
            "dwelling",
            address_record[dwelling],
            address_postal[dwelling] * strings_count + address_civic[dwelling],
            pair_text(string_text, string_text, int(strings_count)),
            single(initial),
            derived_text,
        ),
    ]


def _groups(values: Ints) -> tuple[Ints, Ints]:
    """The starts and ends of the runs of equal values of a sorted array."""
    if not len(values):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate([[0], change]).astype(np.int64)
    ends = np.concatenate([change, [len(values)]]).astype(np.int64)
    return starts, ends


def _distinct(records: Ints, codes: Ints) -> tuple[Ints, Ints]:
    """The (code, record) entries once each, sorted by code then record."""
    order = np.lexsort((records, codes))
    records, codes = records[order], codes[order]
    keep = np.ones(len(codes), dtype=np.bool_)
    keep[1:] = (codes[1:] != codes[:-1]) | (records[1:] != records[:-1])
    return records[keep], codes[keep]


@dataclass
class _KeyBlocks:
    name: str
    #: The members of every block, block after block, each block's in record order.
    members: Ints
    starts: Ints
    #: The first block's number (blocks are numbered across keys, in key order).
    first: int


def _key_blocks(
    columns: _Columns, key: _Key, cap: int, first: int
) -> tuple[_KeyBlocks, list[SkippedBlock]]:
    kind_text = ("person", "organization")
    codes = key.codes * 2 + columns.kind[key.records]
    records, codes = _distinct(key.records, codes)
    starts, ends = _groups(codes)
    sizes = ends - starts
    skipped: list[SkippedBlock] = []
    pieces: list[Ints] = []
    small = np.flatnonzero((sizes >= 2) & (sizes <= cap))
    large = np.flatnonzero(sizes > cap)

    def text(code: int) -> str:
        return f"{kind_text[code % 2]}:{key.text(code // 2)}"

    for block in large.tolist():
        members = records[starts[block] : ends[block]]
        value = text(int(codes[starts[block]]))
        if key.refine is None:
            skipped.append(SkippedBlock(key.name, value, len(members), "over_cap"))
            continue
        owners, subs = key.refine(members)
        part_records, part_subs = _distinct(members[owners], subs)
        # The parts in the order the reference finds them: by the first member holding each.
        part_starts, part_ends = _groups(part_subs)
        for start, end in zip(part_starts.tolist(), part_ends.tolist(), strict=True):
            size = end - start
            if size > cap:
                sub = key.refine_text(int(part_subs[start]))
                skipped.append(SkippedBlock(key.name, f"{value}|{sub}", size, "over_cap"))
            elif size > 1:
                pieces.append(part_records[start:end])
    lengths = [sizes[small]] + [np.array([len(p)], dtype=np.int64) for p in pieces]
    small_members = _ranges(starts[small], ends[small])
    members = np.concatenate([records[small_members], *pieces]).astype(np.int64)
    block_sizes = np.concatenate(lengths).astype(np.int64)
    block_starts = np.concatenate([[0], np.cumsum(block_sizes)]).astype(np.int64)
    return _KeyBlocks(key.name, members, block_starts, first), skipped


def _ranges(starts: Ints, ends: Ints) -> Ints:
    """The positions ``starts[k] .. ends[k] - 1``, run after run."""
    lengths = ends - starts
    if not len(lengths) or not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(lengths) - lengths, lengths
    )
    positions: Ints = np.repeat(starts, lengths) + offsets
    return positions


def _membership(blocks: _KeyBlocks, count: int) -> Ints:
    """Each record's blocks of one key (records × most blocks a record is in), -1 padded."""
    sizes = np.diff(blocks.starts)
    numbers = np.repeat(np.arange(len(sizes), dtype=np.int64) + blocks.first, sizes)
    order = np.argsort(blocks.members, kind="stable")
    records, numbers = blocks.members[order], numbers[order]
    per_record = np.bincount(records, minlength=count)
    width = int(per_record.max()) if len(per_record) and len(records) else 0
    out = np.full((count, max(width, 1)), -1, dtype=np.int64)
    ends = np.cumsum(per_record)
    position = np.arange(len(records), dtype=np.int64) - (ends - per_record)[records]
    out[records, position] = numbers
    return out


@dataclass
class Blocking:
    """The candidate pairs of a :class:`RecordTable`, as :func:`candidate_pairs` finds them."""

    skipped: tuple[SkippedBlock, ...]
    #: The number of blocks whose pairs are taken.
    blocks: int
    _columns: _Columns
    _keys: list[_KeyBlocks] = field(default_factory=list)
    _memberships: list[Ints] = field(default_factory=list)
    #: The pairs when the budget decided (candidate_pairs' own), else None.
    _pairs: tuple[Ints, Ints] | None = None

    def chunks(self, size: int = CHUNK) -> Iterator[tuple[Ints, Ints]]:
        """Every candidate pair once, as (left, right) record indexes (left < right), in
        chunks of about ``size`` pairs."""
        if self._pairs is not None:
            left, right = self._pairs
            for start in range(0, len(left), size):
                yield left[start : start + size], right[start : start + size]
            return
        for position, blocks in enumerate(self._keys):
            memberships = self._memberships[: position + 1]
            yield from _key_pairs(blocks, memberships, size)


def _key_pairs(
    blocks: _KeyBlocks, memberships: list[Ints], size: int
) -> Iterator[tuple[Ints, Ints]]:
    sizes = np.diff(blocks.starts)
    for block_size in np.unique(sizes).tolist():
        chosen = np.flatnonzero(sizes == block_size)
        upper_left, upper_right = np.triu_indices(block_size, 1)
        per_block = len(upper_left)
        step = max(1, size // per_block)
        for start in range(0, len(chosen), step):
            part = chosen[start : start + step]
            rows = blocks.members[blocks.starts[part][:, None] + np.arange(block_size)]
            left = rows[:, upper_left].reshape(-1)
            right = rows[:, upper_right].reshape(-1)
            number = np.repeat(part + blocks.first, per_block)
            seen = np.zeros(len(left), dtype=np.bool_)
            for blocks_of in memberships:
                of_left, of_right = blocks_of[left], blocks_of[right]
                for a in range(of_left.shape[1]):
                    earlier = (of_left[:, a] >= 0) & (of_left[:, a] < number)
                    for b in range(of_right.shape[1]):
                        seen |= earlier & (of_left[:, a] == of_right[:, b])
            yield left[~seen], right[~seen]


def block(table: RecordTable, *, cap: int = DEFAULT_CAP) -> Blocking:
    """The blocks of :data:`blocking.DEFAULT_KEYS` over the table's records, with the same cap
    and budget as :func:`candidate_pairs` (and the same blocks left out)."""
    if cap < 2:
        raise ValueError("cap must be at least 2")
    columns = table.freeze()
    count = columns.count
    keys: list[_KeyBlocks] = []
    skipped: list[SkippedBlock] = []
    first = 0
    total = 0
    for key in _keys(columns):
        blocks, left_out = _key_blocks(columns, key, cap, first)
        keys.append(blocks)
        skipped.extend(left_out)
        sizes = np.diff(blocks.starts)
        first += len(sizes)
        total += int((sizes * (sizes - 1) // 2).sum())
    if total > cap * count:
        # The budget may decide which blocks are taken: candidate_pairs' order decides.
        found = candidate_pairs([table.record(i) for i in range(count)], cap=cap)
        pairs = np.asarray(found.pairs, dtype=np.int64).reshape(-1, 2)
        return Blocking(
            skipped=found.skipped,
            blocks=found.blocks,
            _columns=columns,
            _pairs=(pairs[:, 0].copy(), pairs[:, 1].copy()),
        )
    return Blocking(
        skipped=tuple(skipped),
        blocks=first,
        _columns=columns,
        _keys=keys,
        _memberships=[_membership(blocks, count) for blocks in keys],
    )


# --- Scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A pair at or above the threshold: record indexes in the table, and the score
    ``score_pair`` gives it."""

    left: int
    right: int
    score: Score


@dataclass(frozen=True)
class Scan:
    """The pairs found, as arrays: ``left[k]`` and ``right[k]`` (record indexes) score
    ``scores[score_index[k]]`` (pairs with the same levels share one :class:`Score`)."""

    left: Ints
    right: Ints
    score_index: Ints
    scores: list[Score]
    skipped: tuple[SkippedBlock, ...]
    candidates: int
    blocks: int

    @property
    def pairs(self) -> list[ScoredPair]:
        return [
            ScoredPair(i, j, self.scores[k])
            for i, j, k in zip(
                self.left.tolist(), self.right.tolist(), self.score_index.tolist(), strict=True
            )
        ]


def _weight_columns(weights: Weights) -> list[npt.NDArray[np.float64]]:
    columns = []
    for comparison in COMPARISONS:
        values = []
        for level in comparison.levels:
            try:
                values.append(weights.weight(comparison.field, level))
            except WeightsError:
                # A level these weights lack: a pair that reaches it is near the threshold
                # (NaN is never below it) and Weights.score raises, as score_pair would.
                values.append(math.nan)
        columns.append(np.asarray(values, dtype=np.float64))
    return columns


def _threshold_bits(min_score: float) -> float:
    """The log-odds at and above which a pair may reach ``min_score`` (with a margin for the
    arrays' rounding; the exact test is ``Score.probability``)."""
    if min_score <= 0:
        return -math.inf
    if min_score >= 1:
        return 52.0
    return bits(min_score) - 1e-6


def scan(
    table: RecordTable,
    *,
    min_score: float,
    weights: Weights = DEFAULT_WEIGHTS,
    cap: int = DEFAULT_CAP,
    chunk: int = CHUNK,
    blocking: Blocking | None = None,
    workers: int = 1,
) -> Scan:
    """The candidate pairs scoring ``min_score`` or more, in no particular order, each with the
    score (and explanation) ``score_pair`` gives it (``blocking``: :func:`block`'s, if made
    already).

    ``workers`` > 1 shares the chunks among that many forked processes (where the system
    forks), which read the table without copying it; the pairs near the threshold come back
    and are scored here."""
    if blocking is None:
        blocking = block(table, cap=cap)
    work = _Work(
        blocking,
        table.freeze(),
        _weight_columns(weights),
        bits(weights.prior),
        _threshold_bits(min_score),
        chunk,
        max(1, workers),
    )
    if work.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _SHARED  # what the forked workers read, set just before the fork
        _SHARED = work
        try:
            with multiprocessing.get_context("fork").Pool(work.workers) as pool:
                parts = pool.map(_work_share, range(work.workers))
        finally:
            _SHARED = None
    else:
        parts = [work.share(0, 1)]
    left = np.concatenate([part[0] for part in parts])
    right = np.concatenate([part[1] for part in parts])
    codes = np.concatenate([part[2] for part in parts])
    # Pairs with the same levels have the same score: each distinct one is scored once.
    distinct, inverse = np.unique(codes, return_inverse=True)
    scores: list[Score] = []
    index = np.full(len(distinct), -1, dtype=np.int64)
    for position, code in enumerate(distinct.tolist()):
        score = weights.score(_vector_of_code(code))
        if score.probability >= min_score:
            index[position] = len(scores)
            scores.append(score)
    score_index = index[inverse.reshape(-1)]
    kept = score_index >= 0
    return Scan(
        left[kept],
        right[kept],
        score_index[kept],
        scores,
        blocking.skipped,
        sum(part[3] for part in parts),
        blocking.blocks,
    )


@dataclass(frozen=True)
class _Work:
    blocking: Blocking
    columns: _Columns
    weight_columns: list[npt.NDArray[np.float64]]
    prior: float
    threshold: float
    chunk: int
    workers: int

    def share(self, worker: int, workers: int) -> tuple[Ints, Ints, Ints, int]:
        """The pairs near the threshold among every ``workers``-th chunk from ``worker``:
        (left, right, level codes), and how many pairs the chunks held."""
        lefts, rights, codes = [], [], []
        candidates = 0
        for index, (left, right) in enumerate(self.blocking.chunks(self.chunk)):
            if index % workers != worker:
                continue
            candidates += len(left)
            levels = level_indexes(self.columns, left, right)
            total = np.zeros(len(left), dtype=np.float64)
            for position, column in enumerate(self.weight_columns):
                total = total + column[levels[:, position]]
            near = np.flatnonzero(~(self.prior + total < self.threshold))
            lefts.append(left[near])
            rights.append(right[near])
            codes.append(_codes(levels[near]))
        empty = np.zeros(0, dtype=np.int64)
        return (
            np.concatenate([empty, *lefts]),
            np.concatenate([empty, *rights]),
            np.concatenate([empty, *codes]),
            candidates,
        )


_SHARED: _Work | None = None


def _work_share(worker: int) -> tuple[Ints, Ints, Ints, int]:
    """A forked worker's share (see :func:`scan`)."""
    assert _SHARED is not None  # noqa: S101 - set by scan before the fork
    return _SHARED.share(worker, _SHARED.workers)


def _vector_of_code(code: int) -> LevelVector:
    row = []
    for _position in COMPARISONS:
        row.append(code % _RADIX)
        code //= _RADIX
    return level_vector(row[::-1])


_RADIX = 8  # more than the levels of any comparison


def _codes(levels: Levels) -> Ints:
    """Each row of levels as one number (base ``_RADIX``, the first comparison first)."""
    codes = np.zeros(len(levels), dtype=np.int64)
    for position in range(levels.shape[1]):
        codes = codes * _RADIX + levels[:, position]
    return codes


def level_counts(table: RecordTable, pairs: Iterator[tuple[Ints, Ints]]) -> Counter[LevelVector]:
    """How many of the pairs have each level vector: what EM reads (``scoring.estimate``)."""
    columns = table.freeze()
    counts: Counter[LevelVector] = Counter()
    for left, right in pairs:
        levels = level_indexes(columns, left, right)
        distinct, number = np.unique(_codes(levels), return_counts=True)
        for code, how_many in zip(distinct.tolist(), number.tolist(), strict=True):
            counts[_vector_of_code(code)] += how_many
    return counts
