"""The quality benchmark's labelled records (bench/_labelled.py) are what docs/matching.md says:
deterministic, readable by the matching core, their duplicates and households as labelled, and
each recorded perturbation really made."""

from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

import pytest

from comptoir.core.matching import normalize_record
from comptoir.core.matching.normalize import (
    fold,
    names_equivalent,
    normalize_email,
    normalize_phone,
    normalize_postal_code,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import _labelled  # bench/ is not a package

GIVEN_CHANGES = {
    "given_accents_dropped",
    "given_hyphen",
    "given_initial",
    "given_typo",
    "swapped_names",
}


@pytest.fixture(scope="module")
def labelled() -> _labelled.Labelled:
    return _labelled.generate(11, 4000)


def test_the_same_seed_gives_the_same_records(labelled: _labelled.Labelled) -> None:
    again = _labelled.generate(11, 4000)
    assert again.rows == labelled.rows
    assert _labelled.generate(12, 4000).rows != labelled.rows


def test_about_the_records_asked_for_each_id_once(labelled: _labelled.Labelled) -> None:
    assert 4000 <= len(labelled.rows) < 4000 + 4 * 4  # the last entity's household may pass it
    assert sorted(row.id for row in labelled.rows) == list(range(len(labelled.rows)))


def test_contact_values_are_readable_by_the_core(labelled: _labelled.Labelled) -> None:
    """A value the core cannot read would count as missing and make the data easier or harder
    than the rates say."""
    for row in labelled.rows:
        if row.phone:
            assert normalize_phone(row.phone) is not None, row
        if row.postal_code:
            assert normalize_postal_code(row.postal_code) is not None, row
        if row.email:
            assert normalize_email(row.email) is not None, row
        normalized = normalize_record(row.record())
        assert normalized.kind.value == row.kind


def test_two_entities_never_share_a_mailbox(labelled: _labelled.Labelled) -> None:
    """As a mail server reads an address (Gmail ignores dots and case)."""
    owner: dict[str, int] = {}
    for row in labelled.rows:
        if row.email:
            mailbox = normalize_email(row.email)
            assert owner.setdefault(str(mailbox), row.entity) == row.entity, row


def test_true_pairs_are_the_pairs_of_one_entity(labelled: _labelled.Labelled) -> None:
    truth = labelled.true_pairs()
    entity = {row.id: row.entity for row in labelled.rows}
    assert truth
    assert all(entity[a] == entity[b] and a < b for a, b in truth)
    by_entity: dict[int, int] = {}
    for row in labelled.rows:
        by_entity[row.entity] = by_entity.get(row.entity, 0) + 1
    assert len(truth) == sum(n * (n - 1) // 2 for n in by_entity.values())
    # Clusters of three records or more are there, so that A=B, B=C is measured too.
    assert max(by_entity.values()) >= 3


def test_households_share_a_dwelling_and_are_not_duplicates(
    labelled: _labelled.Labelled,
) -> None:
    rows = {row.id: row for row in labelled.rows}
    households = labelled.household_pairs()
    assert households
    assert not households & labelled.true_pairs()
    moved = 0
    for a, b in households:
        left, right = rows[a], rows[b]
        assert left.entity != right.entity and left.household == right.household
        if "moved" in left.changes or "moved" in right.changes:
            moved += 1
            continue
        if left.street and right.street:
            assert left.street.split()[0].split("-")[-1] == right.street.split()[0].split("-")[-1]
    assert moved < len(households)


def test_household_members_have_another_given_name_but_juniors(
    labelled: _labelled.Labelled,
) -> None:
    """The first records of two members: another given name, and no nickname of it, unless the
    member is named after the other (then the birth years differ)."""
    firsts: dict[int, _labelled.Row] = {}
    for row in labelled.rows:
        if row.household >= 0 and not row.changes:
            firsts.setdefault(row.entity, row)
    members: dict[int, list[_labelled.Row]] = {}
    for row in firsts.values():
        members.setdefault(row.household, []).append(row)
    juniors = 0
    for group in members.values():
        for left, right in combinations(group, 2):
            if left.given_name == right.given_name:
                juniors += 1
                continue
            assert not names_equivalent(fold(left.given_name), fold(right.given_name))
    assert juniors < len(members) * 0.1


def test_a_nickname_is_equivalent_to_the_given_name(labelled: _labelled.Labelled) -> None:
    by_entity: dict[int, list[_labelled.Row]] = {}
    for row in labelled.rows:
        by_entity.setdefault(row.entity, []).append(row)
    checked = 0
    for row in labelled.rows:
        if "nickname" not in row.changes or GIVEN_CHANGES & set(row.changes):
            continue
        plain = [
            other for other in by_entity[row.entity] if not other.changes and other.id != row.id
        ]
        for other in plain:
            assert fold(row.given_name) != fold(other.given_name)
            assert names_equivalent(fold(row.given_name), fold(other.given_name)), row
            checked += 1
    assert checked > 10


def test_every_kind_of_perturbation_occurs(labelled: _labelled.Labelled) -> None:
    made = {change for row in labelled.rows for change in row.changes}
    # The rarest (a St-/Saint- family name, which few names have) may not occur in 4,000.
    expected = set(_labelled.PERSON_RATES) | set(_labelled.ORGANIZATION_RATES)
    assert len(expected - made) <= 3, expected - made


def test_very_common_family_names_are_common(labelled: _labelled.Labelled) -> None:
    persons = [row for row in labelled.rows if row.kind == "person"]
    tremblay = sum(1 for row in persons if fold(row.family_name) == "tremblay")
    assert 0.005 < tremblay / len(persons) < 0.05
