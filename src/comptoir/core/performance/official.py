"""The official open-data rules for a standard's ``performance`` and ``target_met``.

These rules were read off the published ``service-std.csv`` (Treasury Board of Canada Secretariat,
service inventory, fiscal year 2023-2024, 2,343 rows) and its data dictionary; every published row
is reproduced byte for byte (see ``tests/core/test_performance_official.py``).

``performance`` (a numeric cell, written without trailing zeros but with at least one decimal):

1. It is blank when ``volume_meeting_target`` or ``total_volume`` is blank (no information), when
   either is one of the "no data" markers ``ND``/``NA`` some submissions use, or when
   ``total_volume`` is 0 (nothing was issued: the ratio is undefined, not 0).
2. Otherwise it is ``volume_meeting_target / total_volume`` computed as an IEEE-754 double
   (the correctly rounded quotient), then rounded to **4 decimals, half to even, on the exact
   binary value of that double**. That is what the publishing pipeline does; it is not the same
   as rounding the exact decimal ratio: 643/800 = 0.80375 exactly, but the double nearest to it is
   0.80374999999999996447..., so the published value is ``0.8037`` (exact half-even would give
   0.8038, half-up 0.8038). True binary ties are rounded to even: 290/320 = 0.90625 gives
   ``0.9062``, 23/32 = 0.71875 gives ``0.7188``.
3. It is written with trailing zeros removed and at least one decimal: ``1.0``, ``0.0``, ``0.8``,
   ``0.458``, ``0.9872``.
4. It is not capped: a volume meeting the target larger than the total volume (which the data
   dictionary forbids but published rows contain) gives a performance above 1 (``1.0355``).

``target_met`` (``Y``, ``N`` or ``NA``):

1. ``NA`` when the target is blank **or 0** (43 published rows have target 0, all ``NA``, even when
   performance is present), or when performance is blank.
2. Otherwise ``Y`` when the **rounded** performance is greater than or equal to the target, else
   ``N``. The comparison uses the rounded figure, not the exact ratio: 51,811/51,813 (0.99996...) is
   published as performance ``1.0`` and target 1 is met (``Y``); 8,672/8,760 against 0.99 likewise.

Rounding is done with :mod:`decimal` on the exact value of the double, so the result does not depend
on a float formatting routine; the comparison is done between decimals.
"""

from __future__ import annotations

import decimal
import enum
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "NO_DATA_MARKERS",
    "PERFORMANCE_DECIMALS",
    "OfficialPerformance",
    "OfficialResult",
    "OfficialRuleError",
    "TargetMet",
    "compute_performance",
    "format_performance",
    "official_performance",
    "official_performance_typed",
    "parse_target",
    "parse_volume",
    "target_met_for",
]

#: Number of decimals the published ``performance`` keeps.
PERFORMANCE_DECIMALS = 4
_QUANTUM = Decimal(1).scaleb(-PERFORMANCE_DECIMALS)

#: Cell values meaning "no information" for a volume (besides the empty cell).
NO_DATA_MARKERS = frozenset({"ND", "NA"})

_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")

# Enough precision for any quotient of two integers the inventory can hold (volumes below 10**18
# give at most ~60 significant digits once the double is written out exactly).
_CONTEXT = decimal.Context(
    prec=200, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)


class TargetMet(enum.StrEnum):
    """Codes of the open-data field ``target_met``."""

    YES = "Y"
    NO = "N"
    NOT_APPLICABLE = "NA"


class OfficialRuleError(ValueError):
    """A cell or number that the official rules cannot accept.

    ``code`` is stable (for the Django layer to translate), ``field`` names the offending field.
    """

    def __init__(self, code: str, field: str, value: object) -> None:
        super().__init__(f"{code}: {field}={value!r}")
        self.code = code
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class OfficialResult:
    """``performance`` and ``target_met`` as CSV cell strings, exactly as published."""

    performance: str
    target_met: str


@dataclass(frozen=True, slots=True)
class OfficialPerformance:
    """Typed result: ``performance`` rounded to 4 decimals (``None`` when blank)."""

    performance: Decimal | None
    target_met: TargetMet

    def as_cells(self) -> OfficialResult:
        """The two CSV cells, byte-identical to the published ones."""
        return OfficialResult(format_performance(self.performance), self.target_met.value)


def parse_volume(cell: str, field: str = "total_volume") -> int | None:
    """Read a volume cell: ``None`` for blank/``ND``/``NA``, else a non-negative integer.

    Raises :class:`OfficialRuleError` (code ``volume_not_integer``) for anything else.
    """
    text = cell.strip()
    if text == "" or text.upper() in NO_DATA_MARKERS:
        return None
    if not _INTEGER.fullmatch(text):
        raise OfficialRuleError("volume_not_integer", field, cell)
    return int(text)


def parse_target(cell: str) -> Decimal | None:
    """Read a target cell: ``None`` when blank, else a decimal between 0 and 1.

    Raises :class:`OfficialRuleError` (``target_not_number`` or ``target_out_of_range``).
    """
    text = cell.strip()
    if text == "":
        return None
    if not _DECIMAL.fullmatch(text):
        raise OfficialRuleError("target_not_number", "target", cell)
    value = Decimal(text)
    if value > 1:
        raise OfficialRuleError("target_out_of_range", "target", cell)
    return value


def _check_volume(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise OfficialRuleError("volume_not_integer", field, value)
    if value < 0:
        raise OfficialRuleError("volume_negative", field, value)
    return value


def compute_performance(
    volume_meeting_target: int | None, total_volume: int | None
) -> Decimal | None:
    """Performance as published: ``None`` when blank, else the rounded ratio (see module doc)."""
    meeting = _check_volume(volume_meeting_target, "volume_meeting_target")
    total = _check_volume(total_volume, "total_volume")
    if meeting is None or total is None or total == 0:
        return None
    # int / int is the correctly rounded double quotient, whatever the size of the integers.
    quotient = meeting / total
    # Decimal(float) is the exact binary value; quantize rounds it half to even.
    return Decimal(quotient).quantize(_QUANTUM, context=_CONTEXT)


def _coerce_target(target: Decimal | int | float | str | None) -> Decimal | None:
    if target is None:
        return None
    if isinstance(target, str):
        return parse_target(target)
    if isinstance(target, bool):
        raise OfficialRuleError("target_not_number", "target", target)
    if isinstance(target, float):
        # A float target (0.9) means the short decimal it prints as, not its binary value
        # (0.90000000000000002220...), which performance 0.9 would fail to reach.
        value = Decimal(repr(target))
    elif isinstance(target, int | Decimal):
        value = Decimal(target)
    else:
        raise OfficialRuleError("target_not_number", "target", target)
    if not value.is_finite():
        raise OfficialRuleError("target_not_number", "target", target)
    if value < 0 or value > 1:
        raise OfficialRuleError("target_out_of_range", "target", target)
    return value


def target_met_for(
    target: Decimal | int | float | str | None, performance: Decimal | None
) -> TargetMet:
    """``target_met`` from a target and an already rounded performance."""
    value = _coerce_target(target)
    if value is None or value == 0 or performance is None:
        return TargetMet.NOT_APPLICABLE
    return TargetMet.YES if performance >= value else TargetMet.NO


def official_performance_typed(
    target: Decimal | int | float | str | None,
    volume_meeting_target: int | None,
    total_volume: int | None,
) -> OfficialPerformance:
    """The official rules on numbers (``None`` for a blank)."""
    target_value = _coerce_target(target)
    performance = compute_performance(volume_meeting_target, total_volume)
    return OfficialPerformance(performance, target_met_for(target_value, performance))


def official_performance(
    target: str, volume_meeting_target: str, total_volume: str
) -> OfficialResult:
    """The official rules on raw CSV cells; returns the two cells as they are published."""
    return official_performance_typed(
        parse_target(target),
        parse_volume(volume_meeting_target, "volume_meeting_target"),
        parse_volume(total_volume, "total_volume"),
    ).as_cells()


def format_performance(performance: Decimal | None) -> str:
    """A performance cell: blank for ``None``, else no trailing zeros, one decimal at least."""
    if performance is None:
        return ""
    if not performance.is_finite():
        raise OfficialRuleError("performance_not_finite", "performance", performance)
    text = format(performance.quantize(_QUANTUM, context=_CONTEXT), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0") or "0"
    return f"{whole}.{fraction}"
