"""How a client's names and contact points are normalized for look-up: plain Python, no Django.

Each function returns the normalized text, or raises :class:`NormalizationError` with a stable
code (the Django layer gives the words, in the reader's language). It belongs with record
matching (``comptoir.core.matching`` in the architecture) and can move there unchanged.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

#: The default region of a phone number written without a country code.
DEFAULT_PHONE_REGION = "CA"

#: Letters Canada Post never uses in a postal code, anywhere, and never as the first letter.
POSTAL_CODE_LETTERS_NEVER_USED = frozenset("DFIOQU")
POSTAL_CODE_FIRST_LETTERS_NEVER_USED = frozenset("WZ")

_POSTAL_CODE = re.compile(r"^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARACTERS = re.compile(r"^[0-9+()\-.\s]+$")


class NormalizationError(ValueError):
    """A value that cannot be normalized; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def fold(text: str) -> str:
    """Lower-cased, without accents, spaces collapsed: ``"  Gagné  Émilie"`` → ``"gagne emilie"``.

    The search column of a client is folded, and so is the text typed in the look-up, so that
    look-up is accent- and case-insensitive on every database (SQLite has no ``unaccent``).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def normalize_email(text: str) -> str:
    """``" Marie@Example.CA "`` → ``"marie@example.ca"``."""
    value = text.strip().lower()
    if not _EMAIL.match(value):
        raise NormalizationError("invalid_email")
    return value


def normalize_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """``"(613) 555-0100"`` → ``"+16135550100"`` (E.164); a number without a country code is read
    in ``region``. A number that cannot be a phone number raises ``invalid_phone``."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise NormalizationError("invalid_phone") from error
    if not phonenumbers.is_possible_number(number):
        raise NormalizationError("invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    """Whether typed text is (the start of) a phone number: phone characters and 3 digits or
    more."""
    return bool(_PHONE_CHARACTERS.match(text)) and sum(c.isdigit() for c in text) >= 3


def phone_prefixes(text: str) -> list[str]:
    """The E.164 prefixes that the start of a typed phone number may stand for: ``"613 555"`` →
    ``["+1613555"]`` (a number without ``+`` is read as North American unless it starts with 1),
    ``"+33 1"`` → ``["+331"]``, ``"1613"`` → ``["+1613"]``."""
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        return []
    if text.strip().startswith("+") or digits.startswith("1"):
        return [f"+{digits}"]
    return [f"+1{digits}"]


def normalize_postal_code(text: str, country: str = "CA") -> str:
    """A Canadian postal code as Canada Post writes it (``"k1a0b1"`` → ``"K1A 0B1"``), checked
    against the format ``A9A 9A9`` and the letters never used (D, F, I, O, Q, U anywhere; W and Z
    not first); another country's postal code is upper-cased with its spaces collapsed."""
    compact = _SPACES.sub("", text).upper()
    if country.upper() != "CA":
        return _SPACES.sub(" ", text.strip().upper())
    if not _POSTAL_CODE.match(compact):
        raise NormalizationError("invalid_postal_code")
    letters = compact[0::2]
    if set(letters) & POSTAL_CODE_LETTERS_NEVER_USED or compact[0] in (
        POSTAL_CODE_FIRST_LETTERS_NEVER_USED
    ):
        raise NormalizationError("invalid_postal_code")
    return f"{compact[:3]} {compact[3:]}"
