"""Canadian sales taxes on services, by province or territory, as data with effective dates.

Each row is one tax in force in a set of provinces from ``effective_from`` to ``effective_to``
(inclusive; ``None``: still in force). The taxes of a sale are the rows in force on its date in
the client's province, each computed on the same amount (the QST has not been charged on the GST
since 2013) and rounded to the cent, half up:

- GST 5% everywhere the HST is not charged (the QST provinces included);
- HST 13% in Ontario; 15% in New Brunswick, Newfoundland and Labrador and Prince Edward Island
  (from 1 July 2016, 1 July 2016 and 1 October 2016); in Nova Scotia 15% until 31 March 2025 and
  14% from 1 April 2025;
- QST 9.975% in Quebec, with the GST.

The table starts on 1 October 2016, the last change before Nova Scotia's: an earlier date is
refused (``no_tax_rates``) rather than priced with rates that were not in force. Provincial sales
taxes that are not harmonized (British Columbia's, Manitoba's, Saskatchewan's) are outside it:
the federal services it prices charge the GST alone there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comptoir.core.billing.errors import BillingError, BillingErrorCode
from comptoir.core.billing.money import to_cents

PROVINCES = frozenset(
    {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}
)
HST_PROVINCES = frozenset({"NB", "NL", "NS", "ON", "PE"})

#: The first day the table knows every rate of every province.
TABLE_STARTS = date(2016, 10, 1)


class TaxName(enum.StrEnum):
    GST = "GST"
    HST = "HST"
    QST = "QST"


@dataclass(frozen=True, slots=True)
class TaxRate:
    """One sales tax in force in ``provinces`` from ``effective_from`` to ``effective_to``."""

    name: TaxName
    rate: Decimal
    provinces: frozenset[str]
    effective_from: date
    effective_to: date | None = None

    def in_force(self, province: str, on: date) -> bool:
        if province not in self.provinces or on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to


@dataclass(frozen=True, slots=True)
class TaxAmount:
    """A tax charged: its name, its rate (0.13) and its amount to the cent."""

    name: TaxName
    rate: Decimal
    amount: Decimal


_START = date(2008, 1, 1)  # the GST has been 5% since then

TAX_TABLE: tuple[TaxRate, ...] = (
    TaxRate(TaxName.GST, Decimal("0.05"), PROVINCES - HST_PROVINCES, _START),
    TaxRate(TaxName.HST, Decimal("0.13"), frozenset({"ON"}), date(2010, 7, 1)),
    TaxRate(TaxName.HST, Decimal("0.15"), frozenset({"NB", "NL"}), date(2016, 7, 1)),
    TaxRate(TaxName.HST, Decimal("0.15"), frozenset({"PE"}), date(2016, 10, 1)),
    TaxRate(TaxName.HST, Decimal("0.15"), frozenset({"NS"}), date(2010, 7, 1), date(2025, 3, 31)),
    TaxRate(TaxName.HST, Decimal("0.14"), frozenset({"NS"}), date(2025, 4, 1)),
    TaxRate(TaxName.QST, Decimal("0.09975"), frozenset({"QC"}), date(2013, 1, 1)),
)


def check_province(province: str) -> str:
    """The two-letter code, upper case, of a Canadian province or territory."""
    code = province.strip().upper()
    if code not in PROVINCES:
        raise BillingError(BillingErrorCode.UNKNOWN_PROVINCE, value=province)
    return code


def rates_in_force(
    province: str, on: date, table: tuple[TaxRate, ...] = TAX_TABLE
) -> tuple[TaxRate, ...]:
    """The taxes charged in ``province`` on ``on``, GST or HST first, then the QST."""
    code = check_province(province)
    if on < TABLE_STARTS:
        raise BillingError(BillingErrorCode.NO_TAX_RATES, province=code, date=on.isoformat())
    found = tuple(rate for rate in table if rate.in_force(code, on))
    if not found:
        raise BillingError(BillingErrorCode.NO_TAX_RATES, province=code, date=on.isoformat())
    order = list(TaxName)
    return tuple(sorted(found, key=lambda rate: order.index(rate.name)))


def taxes_on(
    amount: Decimal, province: str, on: date, table: tuple[TaxRate, ...] = TAX_TABLE
) -> tuple[TaxAmount, ...]:
    """Each tax on ``amount`` (already to the cent), each rounded to the cent, half up."""
    return tuple(
        TaxAmount(rate.name, rate.rate, to_cents(amount * rate.rate))
        for rate in rates_in_force(province, on, table)
    )
