"""The normalization tables: postal codes, phone numbers, email addresses and folded names."""

from __future__ import annotations

import pytest

from comptoir.clients.normalization import (
    NormalizationError,
    fold,
    looks_like_phone,
    normalize_email,
    normalize_phone,
    normalize_postal_code,
    phone_prefixes,
)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("K1A 0B1", "K1A 0B1"),
        ("k1a0b1", "K1A 0B1"),
        ("  h2x   1y4 ", "H2X 1Y4"),
        ("V6B 4Y8", "V6B 4Y8"),
        ("X0A 0H0", "X0A 0H0"),  # Nunavut
        ("K1W 0B1", "K1W 0B1"),  # W is used, just not first
        ("T2Z 1A1", "T2Z 1A1"),  # Z is used, just not first
    ],
)
def test_canadian_postal_codes_are_written_as_canada_post_does(typed: str, normalized: str) -> None:
    assert normalize_postal_code(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    [
        "D1A 0B1",  # D is never used
        "K1F 0B1",  # F
        "K1A 0I1",  # I
        "O1A 0B1",  # O
        "K1Q 0B1",  # Q
        "K1A 0U1",  # U
        "W1A 0B1",  # W never first
        "Z1A 0B1",  # Z never first
        "K1A 0B",
        "K1A 0B12",
        "1KA 0B1",
        "12345",
        "",
    ],
)
def test_impossible_canadian_postal_codes_are_refused(typed: str) -> None:
    with pytest.raises(NormalizationError) as raised:
        normalize_postal_code(typed)
    assert raised.value.code == "invalid_postal_code"


def test_a_foreign_postal_code_is_kept_upper_cased() -> None:
    assert normalize_postal_code(" sw1a  1aa ", "GB") == "SW1A 1AA"
    assert normalize_postal_code("75007", "fr") == "75007"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("(613) 555-0100", "+16135550100"),
        ("613.555.0100", "+16135550100"),
        ("1-613-555-0100", "+16135550100"),
        ("+1 613 555 0100", "+16135550100"),
        ("819 555 0199", "+18195550199"),
        ("+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_phone_numbers_are_normalized_to_e164_in_canada_by_default(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["12", "abc", "", "555-01"])
def test_impossible_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(NormalizationError) as raised:
        normalize_phone(typed)
    assert raised.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("typed", "prefixes"),
    [("613 555", ["+1613555"]), ("1613", ["+1613"]), ("+33 1", ["+331"]), ("", [])],
)
def test_the_start_of_a_phone_number_gives_its_e164_prefix(typed: str, prefixes: list[str]) -> None:
    assert phone_prefixes(typed) == prefixes


@pytest.mark.parametrize(
    ("typed", "is_phone"),
    [("(613) 555", True), ("613", True), ("61", False), ("Gagné", False), ("K1A 0B1", False)],
)
def test_what_looks_like_a_phone_number(typed: str, is_phone: bool) -> None:
    assert looks_like_phone(typed) is is_phone


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        (" Marie@Example.CA ", "marie@example.ca"),
        ("MARIE@EXAMPLE.CA", "marie@example.ca"),
        ("j.cote+dossier@canada.ca", "j.cote+dossier@canada.ca"),
    ],
)
def test_email_addresses_are_lower_cased(typed: str, normalized: str) -> None:
    assert normalize_email(typed) == normalized


@pytest.mark.parametrize("typed", ["marie", "marie@", "@example.ca", "a@b", "a b@example.ca"])
def test_impossible_email_addresses_are_refused(typed: str) -> None:
    with pytest.raises(NormalizationError) as raised:
        normalize_email(typed)
    assert raised.value.code == "invalid_email"


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Gagné", "gagne"),
        ("  ÉLODIE   Côté ", "elodie cote"),
        ("Ñuñez Ærø", "nunez ærø"),
        ("STRAßE", "strasse"),
    ],
)
def test_names_are_folded_without_accents_or_capitals(name: str, folded: str) -> None:
    assert fold(name) == folded
