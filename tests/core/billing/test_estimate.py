"""The estimate's arithmetic as tables (half-up cents, each province, Nova Scotia's change of
1 April 2025, discounts, the minimum charge) and as a property over random requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.billing import (
    BillingError,
    BillingErrorCode,
    EstimateRequest,
    RateCard,
    TaxName,
    compute_estimate,
    fiscal_year_bounds,
    fiscal_year_of,
    format_rate,
    parse_amount,
    parse_hours,
    parse_pairs,
    parse_quantity,
    rates_in_force,
    to_cents,
)

D = Decimal
CARD = RateCard(
    hourly_rates={"JUNIOR": D("85.00"), "SENIOR": D("132.50")},
    fixed_fees={"TAB": D("250.00"), "EXTRACT": D("19.99")},
    minimum_charge=D("100.00"),
    discounts={"academic": D("0.25"), "non_profit": D("0.10")},
)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("2.345", "2.35"),
        ("2.344999", "2.34"),
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("-2.345", "-2.35"),
        ("10.995", "11.00"),
        ("1.125", "1.13"),  # banker's rounding would give 1.12
    ],
)
def test_cents_round_half_up(amount: str, cents: str) -> None:
    assert to_cents(D(amount)) == D(cents)


@pytest.mark.parametrize(
    ("province", "on", "expected"),
    [
        ("ON", date(2025, 6, 1), [("HST", "0.13")]),
        ("NB", date(2025, 6, 1), [("HST", "0.15")]),
        ("NL", date(2025, 6, 1), [("HST", "0.15")]),
        ("PE", date(2025, 6, 1), [("HST", "0.15")]),
        ("NS", date(2025, 3, 31), [("HST", "0.15")]),
        ("NS", date(2025, 4, 1), [("HST", "0.14")]),
        ("NS", date(2024, 1, 15), [("HST", "0.15")]),
        ("QC", date(2025, 6, 1), [("GST", "0.05"), ("QST", "0.09975")]),
        ("AB", date(2025, 6, 1), [("GST", "0.05")]),
        ("BC", date(2025, 6, 1), [("GST", "0.05")]),
        ("MB", date(2025, 6, 1), [("GST", "0.05")]),
        ("SK", date(2025, 6, 1), [("GST", "0.05")]),
        ("NT", date(2025, 6, 1), [("GST", "0.05")]),
        ("NU", date(2025, 6, 1), [("GST", "0.05")]),
        ("YT", date(2025, 6, 1), [("GST", "0.05")]),
        ("qc", date(2016, 10, 1), [("GST", "0.05"), ("QST", "0.09975")]),
    ],
)
def test_rates_in_force_by_province_and_date(
    province: str, on: date, expected: list[tuple[str, str]]
) -> None:
    found = [(rate.name.value, str(rate.rate)) for rate in rates_in_force(province, on)]
    assert found == expected


@pytest.mark.parametrize(
    ("province", "on", "code"),
    [
        ("XX", date(2025, 6, 1), BillingErrorCode.UNKNOWN_PROVINCE),
        ("", date(2025, 6, 1), BillingErrorCode.UNKNOWN_PROVINCE),
        ("ON", date(2016, 9, 30), BillingErrorCode.NO_TAX_RATES),
    ],
)
def test_rates_refused(province: str, on: date, code: BillingErrorCode) -> None:
    with pytest.raises(BillingError) as raised:
        rates_in_force(province, on)
    assert raised.value.code is code


# hours of SENIOR and JUNIOR, items, segment, province, date → subtotal, discount, minimum
# adjustment, taxes, total
ESTIMATES = [
    # 3 h × 132.50 = 397.50; 13% = 51.675 → 51.68
    (
        {"SENIOR": "3"},
        {},
        "",
        "ON",
        date(2025, 6, 1),
        "397.50",
        "0.00",
        "0.00",
        ["51.68"],
        "449.18",
    ),
    # NS before and after the change: 15% then 14% of 397.50
    (
        {"SENIOR": "3"},
        {},
        "",
        "NS",
        date(2025, 3, 31),
        "397.50",
        "0.00",
        "0.00",
        ["59.63"],
        "457.13",
    ),
    (
        {"SENIOR": "3"},
        {},
        "",
        "NS",
        date(2025, 4, 1),
        "397.50",
        "0.00",
        "0.00",
        ["55.65"],
        "453.15",
    ),
    # QC: GST 19.88 (19.875) and QST 39.65 (39.650625), each on 397.50
    (
        {"SENIOR": "3"},
        {},
        "",
        "QC",
        date(2025, 6, 1),
        "397.50",
        "0.00",
        "0.00",
        ["19.88", "39.65"],
        "457.03",
    ),
    # 1.5 h × 85 = 127.50, 2 × 250 = 500, 3 × 19.99 = 59.97 → 687.47; GST 34.37 (34.3735)
    (
        {"JUNIOR": "1.5"},
        {"TAB": 2, "EXTRACT": 3},
        "",
        "AB",
        date(2025, 6, 1),
        "687.47",
        "0.00",
        "0.00",
        ["34.37"],
        "721.84",
    ),
    # Academic discount 25% of 687.47 = 171.8675 → 171.87; net 515.60; HST 13% 67.028 → 67.03
    (
        {"JUNIOR": "1.5"},
        {"TAB": 2, "EXTRACT": 3},
        "academic",
        "ON",
        date(2025, 6, 1),
        "687.47",
        "171.87",
        "0.00",
        ["67.03"],
        "582.63",
    ),
    # A segment without a discount pays the full price
    (
        {"JUNIOR": "1.5"},
        {},
        "media",
        "AB",
        date(2025, 6, 1),
        "127.50",
        "0.00",
        "0.00",
        ["6.38"],
        "133.88",
    ),
    # Minimum charge: 1 × 19.99 is raised to 100.00; GST 5.00
    ({}, {"EXTRACT": 1}, "", "YT", date(2025, 6, 1), "19.99", "0.00", "80.01", ["5.00"], "105.00"),
    # Minimum after discount: 127.50 − 25% (31.88) = 95.62 → +4.38; PE 15% = 15.00
    (
        {"JUNIOR": "1.5"},
        {},
        "academic",
        "PE",
        date(2025, 6, 1),
        "127.50",
        "31.88",
        "4.38",
        ["15.00"],
        "115.00",
    ),
    # Hours with cents: 0.25 h × 132.50 = 33.125 → 33.13
    (
        {"SENIOR": "0.25", "JUNIOR": "2"},
        {},
        "non_profit",
        "NB",
        date(2025, 6, 1),
        "203.13",
        "20.31",
        "0.00",
        ["27.42"],
        "210.24",
    ),
]


@pytest.mark.parametrize(
    (
        "hours",
        "items",
        "segment",
        "province",
        "on",
        "subtotal",
        "discount",
        "minimum",
        "taxes",
        "total",
    ),
    ESTIMATES,
)
def test_estimates(
    hours: dict[str, str],
    items: dict[str, int],
    segment: str,
    province: str,
    on: date,
    subtotal: str,
    discount: str,
    minimum: str,
    taxes: list[str],
    total: str,
) -> None:
    request = EstimateRequest(
        hours={level: D(value) for level, value in hours.items()},
        items=items,
        province=province,
        on=on,
        segment=segment,
    )
    estimate = compute_estimate(CARD, request)
    assert estimate.subtotal == D(subtotal)
    assert estimate.discount == D(discount)
    assert estimate.minimum_adjustment == D(minimum)
    assert [str(tax.amount) for tax in estimate.taxes] == taxes
    assert estimate.total == D(total)


def test_lines_keep_the_order_and_prices() -> None:
    estimate = compute_estimate(
        CARD,
        EstimateRequest(
            hours={"SENIOR": D("2")}, items={"TAB": 1}, province="QC", on=date(2025, 6, 1)
        ),
    )
    assert [(line.kind.value, line.code, line.amount) for line in estimate.lines] == [
        ("hours", "SENIOR", D("265.00")),
        ("item", "TAB", D("250.00")),
    ]
    assert [tax.name for tax in estimate.taxes] == [TaxName.GST, TaxName.QST]


@pytest.mark.parametrize(
    ("hours", "items", "code"),
    [
        ({}, {}, BillingErrorCode.EMPTY_REQUEST),
        ({"MANAGER": D("1")}, {}, BillingErrorCode.UNKNOWN_LEVEL),
        ({}, {"NOPE": 1}, BillingErrorCode.UNKNOWN_ITEM),
        ({"SENIOR": D("-1")}, {}, BillingErrorCode.INVALID_HOURS),
        ({"SENIOR": D("1.005")}, {}, BillingErrorCode.INVALID_HOURS),
        ({}, {"TAB": 0}, BillingErrorCode.INVALID_QUANTITY),
    ],
)
def test_requests_refused(
    hours: dict[str, Decimal], items: dict[str, int], code: BillingErrorCode
) -> None:
    with pytest.raises(BillingError) as raised:
        compute_estimate(
            CARD, EstimateRequest(hours=hours, items=items, province="ON", on=date(2025, 6, 1))
        )
    assert raised.value.code is code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", BillingErrorCode.INVALID_AMOUNT),
        ("1.005", BillingErrorCode.INVALID_AMOUNT),
        ("NaN", BillingErrorCode.INVALID_AMOUNT),
        ("Infinity", BillingErrorCode.INVALID_AMOUNT),
        ("-1", BillingErrorCode.NEGATIVE_AMOUNT),
    ],
)
def test_amounts_refused(text: str, code: BillingErrorCode) -> None:
    with pytest.raises(BillingError) as raised:
        parse_amount(text)
    assert raised.value.code is code


def test_parsers() -> None:
    assert parse_amount(" 99.5 ") == D("99.50")
    assert parse_hours("SENIOR", "7.5") == D("7.50")
    assert parse_quantity("TAB", "3") == 3
    for bad in ("0", "-1", "1.5", "٣", "10000"):
        with pytest.raises(BillingError):
            parse_quantity("TAB", bad)
    assert parse_pairs(["SENIOR=3", " JUNIOR = 1.5"]) == [("SENIOR", "3"), ("JUNIOR", "1.5")]
    for bad_pairs in (["SENIOR"], ["=3"], ["SENIOR="], ["A=1", "A=2"], ["a b=1"]):
        with pytest.raises(BillingError):
            parse_pairs(bad_pairs)
    assert format_rate(D("0.09975")) == "9.975"
    assert format_rate(D("0.13")) == "13"


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2025, 3, 31), "2024-2025"),
        (date(2025, 4, 1), "2025-2026"),
        (date(2026, 1, 1), "2025-2026"),
    ],
)
def test_fiscal_years(day: date, code: str) -> None:
    assert fiscal_year_of(day) == code
    start, end = fiscal_year_bounds(code)
    assert start <= day <= end


@pytest.mark.parametrize("code", ["2025-2027", "2025", "abcd-efgh"])
def test_fiscal_year_refused(code: str) -> None:
    with pytest.raises(BillingError):
        fiscal_year_bounds(code)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
fractions = st.decimals(min_value=0, max_value=1, places=5, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    senior=money,
    junior=money,
    fee=money,
    minimum=money,
    discount=fractions,
    hours=st.decimals(min_value="0.01", max_value=500, places=2),
    quantity=st.integers(min_value=1, max_value=50),
    province=st.sampled_from(sorted({"AB", "NB", "NS", "ON", "QC", "YT"})),
    on=st.dates(min_value=date(2016, 10, 1), max_value=date(2030, 3, 31)),
    with_segment=st.booleans(),
)
def test_total_is_the_sum_of_its_rounded_parts(
    senior: Decimal,
    junior: Decimal,
    fee: Decimal,
    minimum: Decimal,
    discount: Decimal,
    hours: Decimal,
    quantity: int,
    province: str,
    on: date,
    with_segment: bool,
) -> None:
    card = RateCard(
        hourly_rates={"SENIOR": senior, "JUNIOR": junior},
        fixed_fees={"TAB": fee},
        minimum_charge=minimum,
        discounts={"academic": discount},
    )
    request = EstimateRequest(
        hours={"SENIOR": hours},
        items={"TAB": quantity},
        province=province,
        on=on,
        segment="academic" if with_segment else "",
    )
    estimate = compute_estimate(card, request)
    assert estimate.subtotal == sum(line.amount for line in estimate.lines)
    for line in estimate.lines:
        assert line.amount == to_cents(line.quantity * line.unit_price)
    assert estimate.discount == to_cents(estimate.subtotal * estimate.discount_rate)
    assert estimate.net == max(estimate.subtotal - estimate.discount, minimum)
    for tax in estimate.taxes:
        assert tax.amount == to_cents(estimate.net * tax.rate)
    assert estimate.total == (
        estimate.subtotal
        - estimate.discount
        + estimate.minimum_adjustment
        + sum(tax.amount for tax in estimate.taxes)
    )
    for amount in (estimate.discount, estimate.minimum_adjustment, estimate.net, estimate.total):
        assert amount >= 0
        assert amount == amount.quantize(D("0.01"))
