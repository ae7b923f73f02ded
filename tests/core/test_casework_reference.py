"""Reference numbers: the alphabet, the check character, what people type, how many there are."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.casework import (
    ALPHABET,
    REFERENCE_LENGTHS,
    CaseworkError,
    CaseworkErrorCode,
    make_reference,
    parse_reference,
    reference_numbers,
    reference_space,
)
from comptoir.core.casework.reference import MAX_CODE_LENGTH, TYPED_VARIANTS

BASE = 29
LARGEST = BASE ** (MAX_CODE_LENGTH - 1) - 1
numbers = st.one_of(st.integers(1, BASE**7 - 1), st.integers(1, LARGEST))
prefixes = st.sampled_from(["", "CPT", "Q", "SB", "OIL"])


def code_of(reference: str) -> tuple[str, str]:
    """(prefix, compact code) of a canonical reference."""
    groups = reference.split("-")
    if groups[0].isalpha() and len(groups[0]) < 4:
        return groups[0], "".join(groups[1:])
    return "", "".join(groups)


def test_the_alphabet() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == BASE
    assert all(BASE % divisor for divisor in range(2, BASE))  # prime: the check relies on it
    assert "".join(sorted(ALPHABET)) == ALPHABET
    assert not set(ALPHABET) & set("ILOUSZB")  # letters misread as 1 0 V 5 2 8
    assert set(ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert set(TYPED_VARIANTS.values()) <= set(ALPHABET)


@pytest.mark.parametrize(
    ("number", "prefix", "reference"),
    [
        (1, "", "0000-001A"),  # 1 -> "0000001", check "A"
        (28, "CPT", "CPT-0000-00YM"),
        (BASE**7 - 1, "", "YYYY-YYYK"),  # the largest eight-character reference
        (BASE**7, "cpt", "CPT-0001-0000-000M"),  # the next takes three groups
    ],
)
def test_known_references(number: int, prefix: str, reference: str) -> None:
    assert make_reference(number, prefix=prefix) == reference
    assert parse_reference(reference) == reference


@settings(max_examples=300)
@given(numbers, prefixes)
def test_parse_of_make_is_the_identity(number: int, prefix: str) -> None:
    reference = make_reference(number, prefix=prefix)
    assert parse_reference(reference) == reference
    _, code = code_of(reference)
    assert len(code) in REFERENCE_LENGTHS
    assert number in reference_numbers(len(code))
    assert all(len(group) == 4 for group in reference.split("-")[bool(prefix) :])


@settings(max_examples=200)
@given(numbers, prefixes)
def test_every_single_substitution_is_rejected(number: int, prefix: str) -> None:
    reference = make_reference(number, prefix=prefix)
    head, code = code_of(reference)
    for position, symbol in enumerate(code):
        for other in ALPHABET:
            if other != symbol:
                typed = f"{head}{code[:position]}{other}{code[position + 1 :]}"
                assert parse_reference(typed) is None, typed


@settings(max_examples=200)
@given(numbers, prefixes)
def test_every_adjacent_transposition_is_rejected(number: int, prefix: str) -> None:
    reference = make_reference(number, prefix=prefix)
    head, code = code_of(reference)
    for position in range(len(code) - 1):
        a, b = code[position], code[position + 1]
        if a != b:  # across a group's dash too: the weights run over the whole code
            typed = f"{head}{code[:position]}{b}{a}{code[position + 2 :]}"
            assert parse_reference(typed) is None, typed


@given(numbers)
def test_typed_variants_normalize(number: int) -> None:
    reference = make_reference(number, prefix="CPT")
    _, code = code_of(reference)
    mistaken = {meant: typed for typed, meant in TYPED_VARIANTS.items()}  # one typo per symbol
    sloppy = "".join(mistaken.get(symbol, symbol) for symbol in code).lower()
    for typed in (
        reference.lower(),
        reference.replace("-", ""),
        reference.replace("-", " "),
        f"  cpt {code[:4]} – {code[4:]} ",
        f"CPT.{sloppy}",
        f"cpt_{sloppy}",
    ):
        assert parse_reference(typed) == reference, typed


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("oooo-ooiA", "0000-001A"),  # O for zero, I for one
        ("oooo ool a", "0000-001A"),  # L for one
        ("cpt-oooo-ooym", "CPT-0000-00YM"),
        ("CPT0000 00YM", "CPT-0000-00YM"),
        ("yyyy-yyyk", "YYYY-YYYK"),
    ],
)
def test_examples_of_typing(typed: str, reference: str) -> None:
    assert parse_reference(typed) == reference


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0000-001",  # too short
        "0000-001A-0",  # a digit where a prefix would be
        "0000-001B",  # B is read as 8: the check then fails
        "0000-00!A",  # not a symbol
        "0000-0000",  # zero is no reference
        "0000-0000-001A",  # a padding make_reference never writes
        "C1-0000-001A",  # a digit in the prefix
        "ÉÉ-0000-001A",  # not A-Z
        "0" * 32,  # longer than the check can protect
        "x" * 9,
    ],
)
def test_what_is_not_a_reference(typed: str) -> None:
    assert parse_reference(typed) is None


def test_not_a_string_is_not_a_reference() -> None:
    assert parse_reference(12345678) is None  # type: ignore[arg-type]


def test_an_expected_prefix_is_optional_when_typed() -> None:
    assert parse_reference("0000-00ym", prefix="cpt") == "CPT-0000-00YM"
    assert parse_reference("CPT-0000-00YM", prefix="CPT") == "CPT-0000-00YM"
    assert parse_reference("XYZ-0000-00YM", prefix="CPT") is None
    assert parse_reference("XYZ-0000-00YM") == "XYZ-0000-00YM"  # any prefix without one expected


@pytest.mark.parametrize(
    ("number", "prefix", "code"),
    [
        (0, "", CaseworkErrorCode.INVALID_REFERENCE_NUMBER),
        (-5, "", CaseworkErrorCode.INVALID_REFERENCE_NUMBER),
        (True, "", CaseworkErrorCode.INVALID_REFERENCE_NUMBER),
        ("12", "", CaseworkErrorCode.INVALID_REFERENCE_NUMBER),
        (LARGEST + 1, "", CaseworkErrorCode.INVALID_REFERENCE_NUMBER),
        (1, "ABCD", CaseworkErrorCode.INVALID_PREFIX),
        (1, "C1", CaseworkErrorCode.INVALID_PREFIX),
        (1, "É", CaseworkErrorCode.INVALID_PREFIX),
        (1, None, CaseworkErrorCode.INVALID_PREFIX),
    ],
)
def test_make_reference_refuses(number: object, prefix: object, code: CaseworkErrorCode) -> None:
    with pytest.raises(CaseworkError) as caught:
        make_reference(number, prefix=prefix)  # type: ignore[arg-type]
    assert caught.value.code is code
    with pytest.raises(CaseworkError):
        parse_reference("0000-001A", prefix="C-1")
    assert make_reference(LARGEST)  # the largest number still has a reference


@pytest.mark.parametrize(
    ("length", "count"),
    [
        (8, BASE**7 - 1),
        (12, BASE**11 - BASE**7),
        (28, BASE**27 - BASE**23),
        (7, 0),
        (9, 0),
        (32, 0),
    ],
)
def test_reference_space(length: int, count: int) -> None:
    assert reference_space(length) == count
    numbers_of_length = reference_numbers(length)
    assert numbers_of_length.stop - numbers_of_length.start == count
    if count:
        for number in (numbers_of_length[0], numbers_of_length[-1]):
            assert len(code_of(make_reference(number))[1]) == length
        below = numbers_of_length[0] - 1
        if below:
            assert len(code_of(make_reference(below))[1]) == length - 4
    assert sum(reference_space(n) for n in REFERENCE_LENGTHS) == LARGEST
