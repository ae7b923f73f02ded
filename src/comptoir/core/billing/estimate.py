"""The estimate: what a request costs under a rate table, on a date, in a province.

The computation, in this order, each step to the cent with the half-up rule:

1. each line: hours × the level's hourly rate, or quantity × the item's fixed fee, rounded;
2. ``subtotal``: the sum of the lines;
3. ``discount``: the subtotal × the client segment's discount (0 without one), rounded;
4. ``minimum_adjustment``: what brings the discounted amount up to the minimum charge (0 when it
   is reached), so ``net`` = max(subtotal − discount, minimum charge);
5. each tax in force (:mod:`.taxes`) on ``net``, rounded on its own;
6. ``total`` = ``net`` + the taxes, i.e. subtotal − discount + minimum_adjustment + Σ taxes.

Nothing is negative: amounts, rates and quantities are refused below zero and a discount is at
most 100%. The same request under the same rate table on the same date gives the same estimate,
whoever asks.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from comptoir.core.billing.errors import BillingError, BillingErrorCode
from comptoir.core.billing.money import CENT, RATE_PLACES, ZERO, check_amount, to_cents
from comptoir.core.billing.taxes import TAX_TABLE, TaxAmount, TaxRate, taxes_on

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: Most hours one line may hold (a typing slip of 10,000 hours is refused, not quoted).
MAX_HOURS = Decimal("9999.99")
MAX_QUANTITY = 9999


class LineKind(enum.StrEnum):
    HOURS = "hours"
    ITEM = "item"


@dataclass(frozen=True, slots=True)
class RateCard:
    """A rate table's prices: hourly rate by staff level, fixed fee by product or service code,
    the minimum charge, and the discount (a fraction, 0.10 for 10%) by client segment."""

    hourly_rates: Mapping[str, Decimal]
    fixed_fees: Mapping[str, Decimal]
    minimum_charge: Decimal = ZERO
    discounts: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for amount in (*self.hourly_rates.values(), *self.fixed_fees.values()):
            check_amount(amount)
        check_amount(self.minimum_charge)
        for fraction in self.discounts.values():
            check_discount(fraction)


@dataclass(frozen=True, slots=True)
class EstimateRequest:
    """What the officer picks: hours by staff level and quantities of fixed items."""

    hours: Mapping[str, Decimal]
    items: Mapping[str, int]
    province: str
    on: date
    segment: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    kind: LineKind
    code: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Estimate:
    lines: tuple[Line, ...]
    subtotal: Decimal
    discount_rate: Decimal
    discount: Decimal
    minimum_charge: Decimal
    minimum_adjustment: Decimal
    net: Decimal
    taxes: tuple[TaxAmount, ...]
    total: Decimal


def check_discount(fraction: Decimal) -> Decimal:
    """A discount as a fraction from 0 to 1 with at most five decimals (0.125 for 12.5%)."""
    if (
        not fraction.is_finite()
        or fraction < 0
        or fraction > 1
        or fraction != fraction.quantize(RATE_PLACES)
    ):
        raise BillingError(BillingErrorCode.INVALID_DISCOUNT, value=str(fraction))
    return fraction


def check_code(code: str) -> str:
    """A staff level or item code: letters, digits, ``_``, ``.``, ``-``, at most 40."""
    if not _CODE.match(code):
        raise BillingError(BillingErrorCode.INVALID_PAIR, value=code)
    return code


def parse_hours(level: str, text: str) -> Decimal:
    """A positive number of hours with at most two decimals ("7.5")."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as error:
        raise BillingError(BillingErrorCode.INVALID_HOURS, level=level, value=text) from error
    if not value.is_finite() or value <= 0 or value > MAX_HOURS or value != value.quantize(CENT):
        raise BillingError(BillingErrorCode.INVALID_HOURS, level=level, value=text)
    return value.quantize(CENT)


def parse_quantity(code: str, text: str) -> int:
    """A whole quantity from 1 ("3")."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit() or not 1 <= int(stripped) <= MAX_QUANTITY:
        raise BillingError(BillingErrorCode.INVALID_QUANTITY, code=code, value=text)
    return int(stripped)


def parse_pairs(pairs: Iterable[str]) -> list[tuple[str, str]]:
    """``["SENIOR=3", "JUNIOR=1.5"]`` → ``[("SENIOR", "3"), ("JUNIOR", "1.5")]``; a name given
    twice is refused (which one was meant?)."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or not value:
            raise BillingError(BillingErrorCode.INVALID_PAIR, value=pair)
        check_code(name)
        if name in seen:
            raise BillingError(BillingErrorCode.DUPLICATE_ENTRY, code=name)
        seen.add(name)
        found.append((name, value))
    return found


def compute_estimate(
    card: RateCard, request: EstimateRequest, table: tuple[TaxRate, ...] = TAX_TABLE
) -> Estimate:
    """The estimate of ``request`` under ``card`` (see the module's docstring for the order)."""
    if not request.hours and not request.items:
        raise BillingError(BillingErrorCode.EMPTY_REQUEST)
    lines: list[Line] = []
    for level, hours in request.hours.items():
        if level not in card.hourly_rates:
            raise BillingError(BillingErrorCode.UNKNOWN_LEVEL, level=level)
        parse_hours(level, str(hours))
        rate = card.hourly_rates[level]
        lines.append(Line(LineKind.HOURS, level, hours, rate, to_cents(hours * rate)))
    for code, quantity in request.items.items():
        if code not in card.fixed_fees:
            raise BillingError(BillingErrorCode.UNKNOWN_ITEM, code=code)
        parse_quantity(code, str(quantity))
        fee = card.fixed_fees[code]
        lines.append(Line(LineKind.ITEM, code, Decimal(quantity), fee, to_cents(quantity * fee)))
    subtotal = sum((line.amount for line in lines), ZERO)
    discount_rate = card.discounts.get(request.segment, Decimal(0)) if request.segment else ZERO
    discount = to_cents(subtotal * discount_rate)
    after_discount = subtotal - discount
    minimum_adjustment = max(card.minimum_charge - after_discount, ZERO)
    net = after_discount + minimum_adjustment
    taxes = taxes_on(net, request.province, request.on, table)
    total = net + sum((tax.amount for tax in taxes), ZERO)
    return Estimate(
        lines=tuple(lines),
        subtotal=subtotal,
        discount_rate=Decimal(discount_rate),
        discount=discount,
        minimum_charge=card.minimum_charge,
        minimum_adjustment=minimum_adjustment,
        net=net,
        taxes=taxes,
        total=total,
    )
