"""The three scenarios of the Guideline's Table 8, as a function of a result and its target."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.performance.scenarios import EXCEEDING_MARGIN, Scenario, scenario_of

shares = st.decimals(min_value=0, max_value=1, places=4)


@pytest.mark.parametrize(
    ("performance", "target", "expected"),
    [
        ("0.7999", "0.80", Scenario.FALLING_SHORT),
        ("0.80", "0.80", Scenario.MEETING),
        ("0.8499", "0.80", Scenario.MEETING),
        ("0.85", "0.80", Scenario.EXCEEDING),
        ("1", "1", Scenario.MEETING),
        ("0", "0", Scenario.MEETING),
    ],
)
def test_the_edges_of_each_scenario(performance: str, target: str, expected: Scenario) -> None:
    assert scenario_of(Decimal(performance), Decimal(target)) is expected


def test_no_result_or_no_target_has_no_scenario() -> None:
    assert scenario_of(None, Decimal("0.8")) is None
    assert scenario_of(Decimal("0.8"), None) is None


def test_a_negative_margin_is_refused() -> None:
    with pytest.raises(ValueError):
        scenario_of(Decimal("0.8"), Decimal("0.8"), margin=Decimal("-0.01"))


@given(performance=shares, target=shares, margin=shares)
def test_exactly_one_scenario_and_it_follows_the_gap(
    performance: Decimal, target: Decimal, margin: Decimal
) -> None:
    found = scenario_of(performance, target, margin=margin)
    gap = performance - target
    assert found is (
        Scenario.FALLING_SHORT
        if gap < 0
        else Scenario.EXCEEDING
        if gap >= margin
        else Scenario.MEETING
    )


@given(target=shares, low=shares, high=shares)
def test_a_better_result_never_falls_to_a_worse_scenario(
    target: Decimal, low: Decimal, high: Decimal
) -> None:
    low, high = min(low, high), max(low, high)
    order = [Scenario.FALLING_SHORT, Scenario.MEETING, Scenario.EXCEEDING]
    worse, better = scenario_of(low, target), scenario_of(high, target)
    assert worse is not None and better is not None
    assert order.index(worse) <= order.index(better)


def test_the_shipped_margin_is_five_points() -> None:
    assert Decimal("0.05") == EXCEEDING_MARGIN
