"""Money as :class:`~decimal.Decimal` dollars, rounded to the cent with the half-up rule that
the Canada Revenue Agency and Revenu Québec use for sales taxes (0.005 rounds up to 0.01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from comptoir.core.billing.errors import BillingError, BillingErrorCode

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Percentages and tax rates are kept to this precision (9.975% is 0.09975).
RATE_PLACES = Decimal("0.00001")


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, half up (2.345 → 2.35, -2.345 → -2.35)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """A non-negative number of dollars with at most two decimals ("150", "99.5", "0.25")."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError) as error:
        raise BillingError(BillingErrorCode.INVALID_AMOUNT, value=str(text)) from error
    if not value.is_finite() or value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise BillingError(BillingErrorCode.INVALID_AMOUNT, value=str(text))
    if value < 0:
        raise BillingError(BillingErrorCode.NEGATIVE_AMOUNT, value=str(text))
    return value.quantize(CENT)


def check_amount(value: Decimal) -> Decimal:
    """``value`` if it is a finite, non-negative amount to the cent; else a BillingError."""
    return parse_amount(str(value))


def format_rate(rate: Decimal) -> str:
    """A rate as a percentage without trailing zeros: 0.05 → "5", 0.09975 → "9.975"."""
    return format((rate * 100).normalize(), "f")
