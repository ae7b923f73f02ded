"""Fiscal years of the Government of Canada: 1 April to 31 March, written ``2025-2026``."""

from __future__ import annotations

import re
from datetime import date

from comptoir.core.billing.errors import BillingError, BillingErrorCode

_CODE = re.compile(r"^(\d{4})-(\d{4})$")


def fiscal_year_of(day: date) -> str:
    """The fiscal year ``day`` falls in: 2025-04-01 → ``2025-2026``, 2025-03-31 → ``2024-2025``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{start + 1}"


def fiscal_year_bounds(code: str) -> tuple[date, date]:
    """The first and last days of the fiscal year ``code``."""
    match = _CODE.match(code)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise BillingError(BillingErrorCode.INVALID_FISCAL_YEAR, value=code)
    start = int(match.group(1))
    return date(start, 4, 1), date(start + 1, 3, 31)
