"""Comparisons of two normalised records, field by field, each giving a discrete *level*.

The levels of a comparison are listed best first, ``missing`` last (the field is absent on one
side or both: no evidence either way). Every comparison is symmetric, and a record compared
with itself gets each comparison's first level (or ``missing``). The codes are stable: the
scoring parameters, an administrator's weights and the explanations use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import product

from rapidfuzz.distance import Jaro

from comptoir.core.matching.model import NormalizedAddress, NormalizedRecord
from comptoir.core.matching.normalize import (
    FamilyName,
    GivenName,
    OrganizationName,
    Street,
    names_equivalent,
)

MISSING = "missing"

#: Jaro-Winkler similarities of the two "similar" levels of a name.
HIGH_SIMILARITY = 0.92
SIMILARITY = 0.85


def jaro(left: str, right: str) -> float:
    """The Jaro similarity of two strings (1 when equal, 0 when nothing matches)."""
    if left == right:
        return 1.0
    if not left or not right:
        return 0.0
    if left > right:  # the greedy matching below is then the same whichever side is given first
        left, right = right, left
    window = max(len(left), len(right)) // 2 - 1
    window = max(window, 0)
    taken = [False] * len(right)
    left_matches: list[str] = []
    for i, char in enumerate(left):
        for j in range(max(0, i - window), min(len(right), i + window + 1)):
            if not taken[j] and right[j] == char:
                taken[j] = True
                left_matches.append(char)
                break
    if not left_matches:
        return 0.0
    right_matches = [char for j, char in enumerate(right) if taken[j]]
    transpositions = sum(a != b for a, b in zip(left_matches, right_matches, strict=True)) / 2
    matches = len(left_matches)
    return (matches / len(left) + matches / len(right) + (matches - transpositions) / matches) / 3


def jaro_winkler(left: str, right: str, *, prefix_scale: float = 0.1) -> float:
    """Jaro similarity raised for a common prefix of up to four characters (Winkler)."""
    similarity = jaro(left, right)
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return similarity + prefix * prefix_scale * (1 - similarity)


def screened_jaro_winkler(left: str, right: str) -> float:
    """:func:`jaro_winkler` when it is at least ``SIMILARITY``, else a value below it: all that
    the levels read (every threshold is ``SIMILARITY`` or above), about thirty times faster for
    the many pairs of names that are far apart.

    rapidfuzz's Jaro is never below ours: it finds the same matches but counts half the
    transposed characters rounded down (as Winkler's strcmp95 does), where ours does not round
    (tests/core/matching: ``test_rapidfuzz_jaro_bounds_ours``). So its Jaro-Winkler, raised by
    the same prefix, bounds ours from above, and only a pair whose bound reaches the threshold
    is computed exactly."""
    bound = Jaro.similarity(left, right)
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    if bound + prefix * 0.1 * (1 - bound) < SIMILARITY:
        return bound + prefix * 0.1 * (1 - bound)
    return jaro_winkler(left, right)


def _similar_level(similarity: float, high: str, low: str, different: str) -> str:
    if similarity >= HIGH_SIMILARITY:
        return high
    if similarity >= SIMILARITY:
        return low
    return different


@dataclass(frozen=True)
class Comparison:
    """One comparison: its field code, its levels best first, and its function."""

    field: str
    levels: tuple[str, ...]
    compare: Callable[[NormalizedRecord, NormalizedRecord], str]


# --- Names -------------------------------------------------------------------------------------


def compare_given_names(left: GivenName, right: GivenName) -> str:
    """``exact``; ``nickname`` (word by word equal or equivalent: Bob/Robert, Guillaume/William);
    ``partial`` (initials that fit, JF/Jean-François, or the words of one among the other's,
    Marie/Marie-Ève); ``similar_high``/``similar`` (Jaro-Winkler ≥ 0.92, ≥ 0.85); ``different``;
    ``missing``."""
    if not left.tokens or not right.tokens:
        return MISSING
    if left.compact == right.compact and left.is_initials == right.is_initials:
        return "exact"
    if (
        not (left.is_initials or right.is_initials)
        and len(left.tokens) == len(right.tokens)
        and all(names_equivalent(a, b) for a, b in zip(left.tokens, right.tokens, strict=True))
    ):
        return "nickname"
    if left.is_initials or right.is_initials:
        short, long = (left, right) if len(left.initials) <= len(right.initials) else (right, left)
        return "partial" if long.initials.startswith(short.initials) else "different"
    words_left, words_right = set(left.tokens), set(right.tokens)
    if words_left <= words_right or words_right <= words_left:
        return "partial"
    return _similar_level(
        screened_jaro_winkler(left.compact, right.compact), "similar_high", "similar", "different"
    )


GIVEN_NAME_LEVELS = (
    "exact",
    "nickname",
    "swapped",
    "partial",
    "similar_high",
    "similar",
    "different",
    MISSING,
)


def compare_family_names(left: FamilyName, right: FamilyName) -> str:
    """``exact`` (the same letters: Leblanc/Le Blanc, McDonald/MacDonald, St-Pierre/Saint
    Pierre); ``equivalent`` (the same without particles, de la Fontaine/Fontaine, or one part
    of a double-barrelled name, Dion-Lachance/Dion); ``similar_high``/``similar``; ``different``;
    ``missing``."""
    if not left.compact or not right.compact:
        return MISSING
    if left.compact == right.compact:
        return "exact"
    if left.core == right.core or right.core in left.parts or left.core in right.parts:
        return "equivalent"
    if left.parts & right.parts:
        return "equivalent"
    return _similar_level(
        max(
            screened_jaro_winkler(left.compact, right.compact),
            screened_jaro_winkler(left.core, right.core),
        ),
        "similar_high",
        "similar",
        "different",
    )


FAMILY_NAME_LEVELS = (
    "exact",
    "equivalent",
    "swapped",
    "similar_high",
    "similar",
    "different",
    MISSING,
)
#: Levels below which a name may have been typed in the other name's box.
_NOT_THE_SAME_NAME = frozenset({"similar", "different"})


def names_swapped(left: NormalizedRecord, right: NormalizedRecord) -> bool:
    """Whether one record's given name is the other's family name and the other way round
    (``Tremblay Marie`` / ``Marie Tremblay``, ``Anderson Bill`` / ``William Anderson``): the
    names typed in each other's boxes, give or take a nickname or a typo."""
    a, b = left.given.compact, right.given.compact
    c, d = left.family.compact, right.family.compact
    if not (a and b and c and d) or _close(a, c) or _close(b, d):
        return False
    return _close(a, d) and _close(c, b)


def _close(left: str, right: str) -> bool:
    """Two names that may be one name: equal, nicknames, or a typo apart."""
    return names_equivalent(left, right) or screened_jaro_winkler(left, right) >= SIMILARITY


def _compare_given(left: NormalizedRecord, right: NormalizedRecord) -> str:
    """``compare_given_names``, or ``swapped`` when the two names were typed in each other's
    boxes."""
    level = compare_given_names(left.given, right.given)
    if level in _NOT_THE_SAME_NAME and names_swapped(left, right):
        return "swapped"
    return level


def _compare_family(left: NormalizedRecord, right: NormalizedRecord) -> str:
    level = compare_family_names(left.family, right.family)
    if level in _NOT_THE_SAME_NAME and names_swapped(left, right):
        return "swapped"
    return level


def _compare_organization(left: NormalizedRecord, right: NormalizedRecord) -> str:
    """``exact`` (name and legal form); ``same_name`` (legal forms differ or one has none);
    ``similar_high``/``similar`` (Jaro-Winkler of the names, or of their words sorted);
    ``different``; ``missing``."""
    return compare_organization_names(left.organization, right.organization)


def compare_organization_names(a: OrganizationName, b: OrganizationName) -> str:
    """The organization comparison of two organization names (see ``_compare_organization``)."""
    if not a.name or not b.name:
        return MISSING
    if a.name == b.name:
        return "exact" if a.legal_forms == b.legal_forms else "same_name"
    similarity = max(
        screened_jaro_winkler(a.name, b.name), screened_jaro_winkler(a.sorted_name, b.sorted_name)
    )
    return _similar_level(similarity, "similar_high", "similar", "different")


ORGANIZATION_LEVELS = ("exact", "same_name", "similar_high", "similar", "different", MISSING)

# --- Date of birth -----------------------------------------------------------------------------


def compare_dates_of_birth(left: date | None, right: date | None) -> str:
    """``exact``; ``day_month_swapped`` (2 March / 3 February, same year); ``one_digit`` (one
    digit of YYYYMMDD differs: a typo); ``different``; ``missing``."""
    if left is None or right is None:
        return MISSING
    if left == right:
        return "exact"
    if left.year == right.year and (left.day, left.month) == (right.month, right.day):
        return "day_month_swapped"
    a, b = left.strftime("%Y%m%d"), right.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return "one_digit"
    return "different"


def _compare_dob(left: NormalizedRecord, right: NormalizedRecord) -> str:
    return compare_dates_of_birth(left.date_of_birth, right.date_of_birth)


DATE_OF_BIRTH_LEVELS = ("exact", "day_month_swapped", "one_digit", "different", MISSING)

# --- Contact points ----------------------------------------------------------------------------


def _best(levels: tuple[str, ...], found: Iterable[str]) -> str:
    return min(found, key=levels.index)


#: Local parts that name a role, not a person or one organization: ``info@`` at two domains
#: says nothing.
ROLE_LOCAL_PARTS = frozenset(
    {"info", "contact", "admin", "administration", "service", "services", "office", "bureau"}
    | {"reception", "accueil", "general", "sales", "ventes", "support", "hello", "bonjour"}
    | {"mail", "courriel", "courrier", "webmaster", "noreply", "no-reply", "secretariat"}
)


def _local(email: str) -> str:
    return email.rsplit("@", 1)[0]


def compare_emails(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    """The best over every pair of addresses: ``exact``; ``same_local`` (the same local part at
    another domain, a change of provider; not a role such as ``info@``); ``different``;
    ``missing``."""
    if not left or not right:
        return MISSING
    if set(left) & set(right):
        return "exact"
    locals_left = {_local(email) for email in left} - ROLE_LOCAL_PARTS
    if any(_local(email) in locals_left for email in right):
        return "same_local"
    return "different"


EMAIL_LEVELS = ("exact", "same_local", "different", MISSING)


def _one_digit_apart(left: str, right: str) -> bool:
    """One digit changed, or two neighbouring digits swapped."""
    if len(left) != len(right):
        return False
    differ = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and left[differ[0]] == right[differ[1]]
        and left[differ[1]] == right[differ[0]]
    )


def compare_phones(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    """The best over every pair of numbers (E.164): ``exact``; ``one_digit`` (one digit changed
    or two neighbours swapped: a typo); ``different``; ``missing``."""
    if not left or not right:
        return MISSING
    if set(left) & set(right):
        return "exact"
    if any(_one_digit_apart(a, b) for a, b in product(left, right)):
        return "one_digit"
    return "different"


def _compare_email(left: NormalizedRecord, right: NormalizedRecord) -> str:
    return compare_emails(left.emails, right.emails)


def _compare_phone(left: NormalizedRecord, right: NormalizedRecord) -> str:
    return compare_phones(left.phones, right.phones)


PHONE_LEVELS = ("exact", "one_digit", "different", MISSING)

# --- Addresses ---------------------------------------------------------------------------------


def compare_postal_codes(left: str, right: str) -> str:
    """``full``; ``fsa`` (the same first three characters: the same neighbourhood);
    ``different``; ``missing``."""
    if not left or not right:
        return MISSING
    if left == right:
        return "full"
    if left[:3] == right[:3]:
        return "fsa"
    return "different"


POSTAL_CODE_LEVELS = ("full", "fsa", "different", MISSING)


def _conflict(left: str, right: str) -> bool:
    return bool(left and right and left != right)


def compare_streets(left: Street, right: Street) -> str:
    """``exact`` (civic number, name, unit; type and direction where both have one);
    ``same_building`` (the unit differs or one has none); ``similar`` (same civic number, names
    at Jaro-Winkler ≥ 0.85 or another type of street); ``same_street`` (another civic number, or
    another direction); ``different``; ``missing``."""
    if not left.name or not right.name:
        return MISSING
    same_name = left.name == right.name
    same_civic = left.civic == right.civic
    if _conflict(left.direction, right.direction):
        return "same_street" if same_name else "different"
    if same_name and same_civic and not _conflict(left.street_type, right.street_type):
        return "exact" if left.unit == right.unit else "same_building"
    if same_civic and left.civic and screened_jaro_winkler(left.name, right.name) >= SIMILARITY:
        return "similar"
    if same_name:
        return "same_street"
    return "different"


STREET_LEVELS = ("exact", "same_building", "similar", "same_street", "different", MISSING)


def compare_cities(left: str, right: str) -> str:
    """``exact`` (after the bilingual forms); ``similar`` (Jaro-Winkler ≥ 0.92: a typo);
    ``different``; ``missing``."""
    if not left or not right:
        return MISSING
    if left == right:
        return "exact"
    return "similar" if screened_jaro_winkler(left, right) >= HIGH_SIMILARITY else "different"


CITY_LEVELS = ("exact", "similar", "different", MISSING)


def _address_pairs(
    left: NormalizedRecord, right: NormalizedRecord
) -> Iterable[tuple[NormalizedAddress, NormalizedAddress]]:
    return product(left.addresses, right.addresses)


def _compare_postal(left: NormalizedRecord, right: NormalizedRecord) -> str:
    found = [
        compare_postal_codes(a.postal_code, b.postal_code) for a, b in _address_pairs(left, right)
    ]
    return _best(POSTAL_CODE_LEVELS, found or [MISSING])


def _compare_street(left: NormalizedRecord, right: NormalizedRecord) -> str:
    found = [compare_streets(a.street, b.street) for a, b in _address_pairs(left, right)]
    return _best(STREET_LEVELS, found or [MISSING])


def _compare_city(left: NormalizedRecord, right: NormalizedRecord) -> str:
    found = [compare_cities(a.city, b.city) for a, b in _address_pairs(left, right)]
    return _best(CITY_LEVELS, found or [MISSING])


# --- Household ---------------------------------------------------------------------------------

#: Given-name levels that say "another person" (a typo stays above them).
_OTHER_PERSON = frozenset({"similar", "different"})
#: Street levels that say "the same dwelling" (with the same postal code or city).
_SAME_DWELLING = frozenset({"exact", "same_building"})


def shares_dwelling(left: NormalizedRecord, right: NormalizedRecord) -> bool:
    """Whether two records have an address in common: the same street address (a unit may be
    missing on one side) with the same postal code, or the same city where a postal code is
    missing."""
    for a, b in _address_pairs(left, right):
        if compare_streets(a.street, b.street) not in _SAME_DWELLING:
            continue
        postal = compare_postal_codes(a.postal_code, b.postal_code)
        if postal == "full" or (postal == MISSING and compare_cities(a.city, b.city) == "exact"):
            return True
    return False


def _compare_household(left: NormalizedRecord, right: NormalizedRecord) -> str:
    """``none``; ``conflict``: two persons whose given names differ (and are not nicknames of
    each other) but who share a phone number or an address: two members of one household (or
    two colleagues behind one switchboard), not one person twice: evidence *against* a match.
    (The same phone *and* address is the usual case; either alone is enough, because one of
    the two is often missing or each member has a mobile of their own.)"""
    if not (left.is_person and right.is_person):
        return "none"
    if compare_given_names(left.given, right.given) not in _OTHER_PERSON:
        return "none"
    if names_swapped(left, right):
        return "none"
    if compare_phones(left.phones, right.phones) == "exact" or shares_dwelling(left, right):
        return "conflict"
    return "none"


HOUSEHOLD_LEVELS = ("none", "conflict")

#: Every comparison, in the order of a level vector and of an explanation.
COMPARISONS: tuple[Comparison, ...] = (
    Comparison("given_name", GIVEN_NAME_LEVELS, _compare_given),
    Comparison("family_name", FAMILY_NAME_LEVELS, _compare_family),
    Comparison("organization_name", ORGANIZATION_LEVELS, _compare_organization),
    Comparison("date_of_birth", DATE_OF_BIRTH_LEVELS, _compare_dob),
    Comparison("email", EMAIL_LEVELS, _compare_email),
    Comparison("phone", PHONE_LEVELS, _compare_phone),
    Comparison("postal_code", POSTAL_CODE_LEVELS, _compare_postal),
    Comparison("street", STREET_LEVELS, _compare_street),
    Comparison("city", CITY_LEVELS, _compare_city),
    Comparison("household", HOUSEHOLD_LEVELS, _compare_household),
)
FIELDS: tuple[str, ...] = tuple(comparison.field for comparison in COMPARISONS)
LEVELS: dict[str, tuple[str, ...]] = {c.field: c.levels for c in COMPARISONS}

#: The levels of one pair, in the order of :data:`COMPARISONS`.
LevelVector = tuple[str, ...]


def compare_records(left: NormalizedRecord, right: NormalizedRecord) -> LevelVector:
    """Every comparison's level for a pair of records, in the order of :data:`COMPARISONS`."""
    return tuple(comparison.compare(left, right) for comparison in COMPARISONS)
