"""Errors of the billing core: a stable code plus parameters, never a sentence.

The Django layer (``comptoir.billing.text.error_message``) turns each code into a translated
sentence; the English text the exception carries is only for logs and tracebacks.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class BillingErrorCode(enum.StrEnum):
    """Why an amount, a quantity or an estimate request was refused."""

    #: An amount is not a number of dollars with at most two decimals (param ``value``).
    INVALID_AMOUNT = "invalid_amount"
    #: An amount or a rate is below zero (param ``value``).
    NEGATIVE_AMOUNT = "negative_amount"
    #: A number of hours is not a positive number with at most two decimals (``level``, ``value``).
    INVALID_HOURS = "invalid_hours"
    #: A quantity of a fixed item is not a whole number from 1 (params ``code``, ``value``).
    INVALID_QUANTITY = "invalid_quantity"
    #: A staff level has no hourly rate in the rate table (param ``level``).
    UNKNOWN_LEVEL = "unknown_level"
    #: A product or service code has no fixed fee in the rate table (param ``code``).
    UNKNOWN_ITEM = "unknown_item"
    #: The same level or code was given twice (param ``code``).
    DUPLICATE_ENTRY = "duplicate_entry"
    #: Neither hours nor items were asked for.
    EMPTY_REQUEST = "empty_request"
    #: The province or territory is not a Canadian one's two-letter code (param ``value``).
    UNKNOWN_PROVINCE = "unknown_province"
    #: The tax table does not reach back to the date (params ``province``, ``date``).
    NO_TAX_RATES = "no_tax_rates"
    #: A discount is not a percentage from 0 to 100 (param ``value``).
    INVALID_DISCOUNT = "invalid_discount"
    #: A ``NAME=VALUE`` argument has no ``=`` or an empty side (param ``value``).
    INVALID_PAIR = "invalid_pair"
    #: A fiscal year code is not ``2025-2026`` (param ``value``).
    INVALID_FISCAL_YEAR = "invalid_fiscal_year"


class BillingError(ValueError):
    """A refused billing input: ``code`` and ``params`` are what the Django layer words."""

    def __init__(self, code: BillingErrorCode, /, **params: str) -> None:
        self.code = code
        self.params: Mapping[str, str] = params
        detail = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
