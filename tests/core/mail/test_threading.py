"""Threading: Message-IDs of In-Reply-To / References, case references in a subject."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.casework import make_reference
from comptoir.core.casework.reference import reference_numbers
from comptoir.core.mail import message_ids, references_in_subject

REFERENCE = make_reference(123_456_789)  # "060G-YJME"
OTHER = make_reference(987_654_321)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ()),
        ("", ()),
        ("<a.b@x.example>", ("a.b@x.example",)),
        ("<a@x> <b@y>", ("a@x", "b@y")),
        ("<a@x>\r\n\t<b@y> <a@x>", ("a@x", "b@y")),
        ("<a@x> (sent by Outlook) <b@y>", ("a@x", "b@y")),
        ("<060G-YJME.k3J9@comptoir.example>", ("060G-YJME.k3J9@comptoir.example",)),
        ("a@x", ("a@x",)),
        ("no identifier here", ()),
    ],
)
def test_message_ids(value, expected) -> None:
    assert message_ids(value) == expected


identifiers = st.from_regex(r"[A-Za-z0-9.\-_+]{1,20}@[a-z0-9.]{1,20}", fullmatch=True)


@given(st.lists(identifiers, max_size=6), st.sampled_from([" ", "\r\n ", "\n\t", " (c) "]))
def test_message_ids_round_trip(ids, separator) -> None:
    value = separator.join(f"<{identifier}>" for identifier in ids)
    assert message_ids(value) == tuple(dict.fromkeys(ids))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (None, ()),
        ("", ()),
        (f"Re: your request {REFERENCE}", (REFERENCE,)),
        (f"Re: [{REFERENCE}] Documents", (REFERENCE,)),
        (f"TR: {REFERENCE.lower()}", (REFERENCE,)),
        (f"{REFERENCE} and {OTHER} and {REFERENCE}", (REFERENCE, OTHER)),
        (f"RE-{REFERENCE}", (REFERENCE,)),
        # A wrong check character, a glued word, a longer code, typing variants: not counted.
        (f"Re: {REFERENCE[:-1]}{'0' if REFERENCE[-1] != '0' else '1'}", ()),
        (f"Re: X{REFERENCE}", ()),
        (f"Re: {REFERENCE}-ABCD", ()),
        ("Re: 060G-YJME".replace("0", "O"), ()),
        ("Re: 2026-03-02 1234-5678", ()),
        (f"Re: {REFERENCE.replace('-', '')}", ()),
    ],
)
def test_references_in_subject(subject, expected) -> None:
    assert references_in_subject(subject) == expected


def test_a_deployment_prefix() -> None:
    with_prefix = make_reference(123_456_789, prefix="CPT")
    assert references_in_subject(f"Re: {with_prefix}", prefix="CPT") == (with_prefix,)
    assert references_in_subject(f"Re: {REFERENCE}", prefix="CPT") == (with_prefix,)
    assert references_in_subject(f"Re: ABC-{REFERENCE}", prefix="CPT") == ()
    assert references_in_subject(f"Re: {with_prefix}") == (REFERENCE,)


numbers = st.integers(reference_numbers(8).start, reference_numbers(12).stop - 1)
words = st.text(st.sampled_from("abc xyz:[]()!?,. "), max_size=20)


@given(numbers, words, words)
def test_a_reference_anywhere_is_found(number, before, after) -> None:
    reference = make_reference(number)
    subject = f"{before} {reference} {after}"
    assert references_in_subject(subject) == (reference,)


@given(numbers, st.integers(0, 7), st.sampled_from("0123456789ACDEFGHJKMNPQRTVWXY"))
def test_one_changed_symbol_is_never_counted(number, position, symbol) -> None:
    reference = make_reference(number)
    symbols = [i for i, c in enumerate(reference) if c != "-"]
    index = symbols[position % len(symbols)]
    if reference[index] == symbol:
        return
    changed = reference[:index] + symbol + reference[index + 1 :]
    assert references_in_subject(f"Re: {changed}") == ()
