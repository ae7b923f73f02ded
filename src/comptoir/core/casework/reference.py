"""Case reference numbers a client can read over the phone and type back.

A reference is an optional prefix of one to three letters (a deployment's label, such as ``CPT``),
then a code in groups of four characters, the last of which is a check character::

    make_reference(1_234_567_890, prefix="CPT")  ->  "CPT-01AK-RQX7"  (for example)

**Alphabet.** :data:`ALPHABET` is the ten digits and nineteen letters: Crockford's base 32 without
``I``, ``L``, ``O`` and ``U``, and also without ``S``, ``Z`` and ``B``, which are read as ``5``,
``2`` and ``8`` on a printed letter or a screen. Digits are kept because people say "zero" and
"one" unambiguously in both languages, while "O", "I" and "L" are the letters people misread. That
leaves 29 symbols: 29 is prime, which is what makes the check below work.

**Typing.** :func:`parse_reference` ignores case, spaces, dashes, dots and underscores, and reads
each left-out letter as the digit it is mistaken for (``O`` -> ``0``, ``I`` and ``L`` -> ``1``,
``Z`` -> ``2``, ``S`` -> ``5``, ``B`` -> ``8``) and ``U`` as ``V``. The prefix is taken as typed
(uppercased): its length is the typed length modulo four, since codes are whole groups of four.
Passing ``prefix=`` makes the prefix optional when typed and always present in the result.

**Check character.** With code values ``v_1 .. v_n`` (the check last), the weighted sum
``1*v_1 + 2*v_2 + ... + n*v_n`` is a multiple of 29. A single substitution changes the sum by
``i*(a - b)`` and an adjacent transposition by ``(a - b)``: neither is a multiple of the prime 29
while weights and differences are below 29, so both are always caught. Codes are therefore at most
28 characters long (:data:`MAX_CODE_LENGTH`); the check covers the code, not the prefix.

**Lengths.** A code has at least seven data characters plus the check (two groups), padded on the
left with ``0`` to whole groups of four; larger numbers take more groups. The caller draws the
number (the core reads no random source): ``secrets.choice(reference_numbers(8))`` gives one of the
:func:`reference_space` ``(8)`` = 29**7 - 1 (about 17 billion) eight-character references.
"""

from __future__ import annotations

import re

from comptoir.core.casework.errors import CaseworkError, CaseworkErrorCode

__all__ = [
    "ALPHABET",
    "MAX_CODE_LENGTH",
    "MIN_CODE_LENGTH",
    "REFERENCE_LENGTHS",
    "make_reference",
    "parse_reference",
    "reference_numbers",
    "reference_space",
]

ALPHABET = "0123456789ACDEFGHJKMNPQRTVWXY"
BASE = len(ALPHABET)  # 29, a prime
GROUP = 4
MIN_CODE_LENGTH = 8
MAX_CODE_LENGTH = 28  # weights 1..28 stay below the modulus
REFERENCE_LENGTHS = tuple(range(MIN_CODE_LENGTH, MAX_CODE_LENGTH + 1, GROUP))

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
#: What a person types by mistake, read as the symbol they meant.
TYPED_VARIANTS = {"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "U": "V"}
_TYPED = str.maketrans(TYPED_VARIANTS)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.]+")
_PREFIX = re.compile(r"[A-Z]{0,3}")


def _check_symbol(values: list[int]) -> str:
    """The check symbol that makes the weighted sum of ``values`` + check a multiple of BASE."""
    weight = len(values) + 1
    total = sum(position * value for position, value in enumerate(values, start=1))
    return ALPHABET[(-total * pow(weight, -1, BASE)) % BASE]


def _is_valid(code: str) -> bool:
    total = sum(position * _VALUES[symbol] for position, symbol in enumerate(code, start=1))
    return total % BASE == 0


def _normal_prefix(prefix: str) -> str:
    upper = prefix.upper() if isinstance(prefix, str) else prefix
    if not isinstance(upper, str) or not upper.isascii() or not _PREFIX.fullmatch(upper):
        raise CaseworkError(CaseworkErrorCode.INVALID_PREFIX, value=prefix)
    return upper


def _code(number: int) -> str:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise CaseworkError(CaseworkErrorCode.INVALID_REFERENCE_NUMBER, value=number)
    digits: list[int] = []
    rest = number
    while rest:
        rest, digit = divmod(rest, BASE)
        digits.append(digit)
    data_length = max(MIN_CODE_LENGTH - 1, len(digits))
    length = -(-(data_length + 1) // GROUP) * GROUP
    if length > MAX_CODE_LENGTH:
        raise CaseworkError(CaseworkErrorCode.INVALID_REFERENCE_NUMBER, value=number)
    values = [0] * (length - 1 - len(digits)) + digits[::-1]
    return "".join(ALPHABET[value] for value in values) + _check_symbol(values)


def _format(prefix: str, code: str) -> str:
    groups = [code[start : start + GROUP] for start in range(0, len(code), GROUP)]
    return "-".join([prefix, *groups] if prefix else groups)


def make_reference(number: int, *, prefix: str = "") -> str:
    """The reference of a positive ``number``, e.g. ``"CPT-7KX4-9M3Q"`` with ``prefix="CPT"``."""
    return _format(_normal_prefix(prefix), _code(number))


def parse_reference(text: str, *, prefix: str | None = None) -> str | None:
    """The canonical reference a person typed, or ``None`` if it is not one.

    ``None`` when the check character fails, and also when the text cannot be a reference at all
    (a wrong length, a character outside the alphabet, a padding ``make_reference`` never writes).
    """
    expected = None if prefix is None else _normal_prefix(prefix)
    if not isinstance(text, str):
        return None
    compact = _SEPARATORS.sub("", text).upper()
    split = len(compact) % GROUP
    head, code = compact[:split], compact[split:].translate(_TYPED)
    if not head.isascii() or not _PREFIX.fullmatch(head):
        return None
    if expected is not None:
        if head not in {"", expected}:
            return None
        head = expected
    if not MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH or not all(c in _VALUES for c in code):
        return None
    if not _is_valid(code):
        return None
    number = 0
    for symbol in code[:-1]:
        number = number * BASE + _VALUES[symbol]
    if number < 1 or _code(number) != code:
        return None
    return _format(head, code)


def reference_numbers(length: int) -> range:
    """The numbers whose reference code has ``length`` characters (empty for other lengths)."""
    if length not in REFERENCE_LENGTHS:
        return range(0)
    low = 1 if length == MIN_CODE_LENGTH else BASE ** (length - 1 - GROUP)
    return range(low, BASE ** (length - 1))


def reference_space(length: int) -> int:
    """How many references have a code of ``length`` characters (0 for a length never made)."""
    numbers = reference_numbers(length)
    return numbers.stop - numbers.start  # len() of a range stops at sys.maxsize
