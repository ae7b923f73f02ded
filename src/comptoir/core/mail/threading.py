"""Which case a message is about: the Message-IDs it answers and the references its subject names.

``message_ids`` reads an ``In-Reply-To`` or ``References`` value (RFC 5322 §3.6.4: message
identifiers in angle brackets, separated by spaces, comments or line folds) into the bare
identifiers. ``references_in_subject`` finds the case references a subject names, counting only
well-formed ones (groups of four symbols of the reference alphabet whose check character
holds): "Re: your request 01AK-RQX7" names one; a date, a phone number or a mistyped reference
names none.
"""

from __future__ import annotations

import re

from comptoir.core.casework.reference import ALPHABET, GROUP, MAX_CODE_LENGTH, parse_reference

__all__ = ["message_ids", "references_in_subject"]

#: RFC 5322 comments, without nesting (enough for what mail software writes).
_COMMENT = re.compile(r"\([^()]*\)")
_BRACKETED = re.compile(r"<([^<>\s]+)>")
_MAX_GROUPS = MAX_CODE_LENGTH // GROUP
_SYMBOL = f"[{ALPHABET}]"
#: Dash-separated groups of four symbols, optionally after a prefix of one to three letters, not
#: glued to other letters, digits or dashes on either side.
_REFERENCE = re.compile(
    rf"(?<![A-Za-z0-9-])(?:([A-Za-z]{{1,3}})-)?({_SYMBOL}{{{GROUP}}}(?:-{_SYMBOL}{{{GROUP}}})"
    rf"{{1,{_MAX_GROUPS - 1}}})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)


def message_ids(header_value: str | None) -> tuple[str, ...]:
    """The message identifiers of an ``In-Reply-To`` or ``References`` value, without their
    angle brackets, in order, each once (``None`` or an empty value: none).

    Identifiers without brackets (a few old clients write them) are read as whole words that
    contain an ``@``.
    """
    if not header_value:
        return ()
    text = _COMMENT.sub(" ", str(header_value))
    found = _BRACKETED.findall(text)
    if not found:
        found = [word.strip("<>,;") for word in text.split() if "@" in word]
    seen: dict[str, None] = {}
    for identifier in found:
        if identifier and identifier not in seen:
            seen[identifier] = None
    return tuple(seen)


def references_in_subject(subject: str | None, *, prefix: str = "") -> tuple[str, ...]:
    """The well-formed case references ``subject`` names, canonical, in order, each once.

    ``prefix`` is the deployment's reference prefix (``""`` when its references have none): a
    reference written with it or without it is returned with it, one written with another
    prefix is not counted. With no prefix expected, letters before the code ("RE-01AK-RQX7")
    are not read as part of it. Only the symbols of the alphabet count: a subject is copied from
    our own mail, not typed, so the typing mistakes ``parse_reference`` forgives are not read.
    """
    if not subject:
        return ()
    expected = prefix.upper()
    seen: dict[str, None] = {}
    for match in _REFERENCE.finditer(str(subject)):
        typed_prefix, code = match.group(1), match.group(2)
        if expected and typed_prefix and typed_prefix.upper() != expected:
            continue
        reference = parse_reference(code.upper(), prefix=expected)
        if reference is not None:
            seen.setdefault(reference, None)
    return tuple(seen)
