"""Cost recovery's arithmetic (issue 15): money to the cent, sales taxes by province with their
effective dates, fiscal years, and the estimate computed from a rate table.

Pure: no Django, no clock read (the date of a quote is an argument). Codes only; the words are in
``comptoir.billing.text``.
"""

from comptoir.core.billing.errors import BillingError, BillingErrorCode
from comptoir.core.billing.estimate import (
    Estimate,
    EstimateRequest,
    Line,
    LineKind,
    RateCard,
    check_code,
    check_discount,
    compute_estimate,
    parse_hours,
    parse_pairs,
    parse_quantity,
)
from comptoir.core.billing.fiscal import fiscal_year_bounds, fiscal_year_of
from comptoir.core.billing.money import CENT, ZERO, format_rate, parse_amount, to_cents
from comptoir.core.billing.taxes import (
    PROVINCES,
    TAX_TABLE,
    TaxAmount,
    TaxName,
    TaxRate,
    check_province,
    rates_in_force,
    taxes_on,
)

__all__ = [
    "CENT",
    "PROVINCES",
    "TAX_TABLE",
    "ZERO",
    "BillingError",
    "BillingErrorCode",
    "Estimate",
    "EstimateRequest",
    "Line",
    "LineKind",
    "RateCard",
    "TaxAmount",
    "TaxName",
    "TaxRate",
    "check_code",
    "check_discount",
    "check_province",
    "compute_estimate",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_rate",
    "parse_amount",
    "parse_hours",
    "parse_pairs",
    "parse_quantity",
    "rates_in_force",
    "taxes_on",
    "to_cents",
]
