"""The official open-data rules for performance and target met, against the published file."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.performance.official import (
    OfficialResult,
    OfficialRuleError,
    TargetMet,
    compute_performance,
    format_performance,
    official_performance,
    official_performance_typed,
    parse_target,
    parse_volume,
    target_met_for,
)


@pytest.mark.realdata
def test_every_published_row_is_reproduced_byte_for_byte(real_inventory_dir: Path) -> None:
    with (real_inventory_dir / "service-std.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2343
    mismatches = []
    for number, row in enumerate(rows, start=2):
        got = official_performance(row["target"], row["volume_meeting_target"], row["total_volume"])
        published = OfficialResult(row["performance"], row["target_met"])
        if got != published:
            mismatches.append((number, row["service_standard_id"], got, published))
    assert mismatches == []
    # The file exercises every branch of the rules: make sure it still does.
    assert {row["target_met"] for row in rows} == {"Y", "N", "NA"}
    assert any(row["performance"] == "" and row["total_volume"] == "0" for row in rows)
    assert any(row["target"] == "0" and row["performance"] for row in rows)


@pytest.mark.parametrize(
    ("target", "meeting", "total", "performance", "met"),
    [
        # Published rows (service_standard_id in the comment).
        ("0.9", "31283", "31689", "0.9872", "Y"),  # 3261
        ("0.8", "8", "9", "0.8889", "Y"),  # 5581
        ("0.9", "202", "441", "0.458", "N"),  # trailing zero removed
        ("1", "51811", "51813", "1.0", "Y"),  # compared after rounding
        ("0.99", "8672", "8760", "0.99", "Y"),  # 0.98995... rounds up to the target
        ("0.9", "643", "800", "0.8037", "N"),  # binary value of 0.80375 is below the tie
        ("0.9", "290", "320", "0.9062", "Y"),  # exact binary tie: half to even
        ("0.9", "23", "32", "0.7188", "N"),  # exact binary tie: half to even (up)
        ("0.9", "3177", "3068", "1.0355", "Y"),  # meeting > total: not capped
        ("0", "998", "998", "1.0", "NA"),  # target 0 means no target
        ("", "2500", "2100", "1.1905", "NA"),  # blank target
        ("0.8", "0", "0", "", "NA"),  # nothing issued
        ("0.8", "", "0", "", "NA"),
        ("0.8", "100", "", "", "NA"),
        ("0.8", "ND", "40", "", "NA"),  # no-data marker
        ("0.8", "12", "NA", "", "NA"),
        ("0.8", "0", "1201", "0.0", "N"),
        ("1", "5", "5", "1.0", "Y"),
    ],
)
def test_rule_table(target: str, meeting: str, total: str, performance: str, met: str) -> None:
    assert official_performance(target, meeting, total) == OfficialResult(performance, met)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: official_performance("0.9", "-1", "4"), "volume_not_integer"),
        (lambda: official_performance("0.9", "1.5", "4"), "volume_not_integer"),
        (lambda: official_performance("0.9", "1", "4 000"), "volume_not_integer"),
        (lambda: official_performance("90%", "1", "4"), "target_not_number"),
        (lambda: official_performance("1.2", "1", "4"), "target_out_of_range"),
        (lambda: official_performance_typed(Decimal("-0.1"), 1, 4), "target_out_of_range"),
        (lambda: official_performance_typed(True, 1, 4), "target_not_number"),
        (lambda: official_performance_typed(Decimal("NaN"), 1, 4), "target_not_number"),
        (lambda: official_performance_typed(0.9, -3, 4), "volume_negative"),
        (lambda: official_performance_typed(0.9, 3, True), "volume_not_integer"),
        (lambda: format_performance(Decimal("Infinity")), "performance_not_finite"),
    ],
)
def test_bad_input_raises_a_coded_error(call: object, code: str) -> None:
    with pytest.raises(OfficialRuleError) as raised:
        call()  # type: ignore[operator]
    assert raised.value.code == code


def test_typed_variant_accepts_numbers_and_float_targets_as_written() -> None:
    result = official_performance_typed(0.9, 9, 10)
    assert result.performance == Decimal("0.9")
    assert result.target_met is TargetMet.YES  # 0.9 >= 0.9, not >= 0.9000000000000000222
    assert result.as_cells() == OfficialResult("0.9", "Y")
    assert official_performance_typed(None, 9, 10).target_met is TargetMet.NOT_APPLICABLE
    assert official_performance_typed(1, 9, 10).target_met is TargetMet.NO
    assert official_performance_typed("0.85", None, 10).as_cells() == OfficialResult("", "NA")


def test_parsers() -> None:
    assert parse_volume(" 12 ") == 12
    assert parse_volume("nd") is None
    assert parse_target("") is None
    assert parse_target(".5") == Decimal("0.5")
    assert target_met_for("0.5", None) is TargetMet.NOT_APPLICABLE
    assert format_performance(None) == ""
    assert format_performance(Decimal("12")) == "12.0"


@given(
    total=st.integers(min_value=1, max_value=10**12),
    share=st.fractions(min_value=0, max_value=2),
)
def test_equals_rounding_the_double_quotient(total: int, share: object) -> None:
    meeting = int(share * total)  # type: ignore[operator]
    performance = compute_performance(meeting, total)
    assert performance is not None
    # The publishing pipeline: the double quotient, rounded to 4 places, written shortest.
    assert format_performance(performance) == repr(round(meeting / total, 4))


@given(
    target=st.decimals(min_value=0, max_value=1, places=3),
    total=st.integers(min_value=1, max_value=10**9),
    meeting=st.integers(min_value=0, max_value=10**9),
)
def test_target_met_is_rounded_performance_at_least_target(
    target: Decimal, total: int, meeting: int
) -> None:
    result = official_performance_typed(target, meeting, total)
    assert result.performance is not None
    if target == 0:
        assert result.target_met is TargetMet.NOT_APPLICABLE
    else:
        assert (result.target_met is TargetMet.YES) == (result.performance >= target)


def test_float_targets_must_be_finite() -> None:
    with pytest.raises(OfficialRuleError) as raised:
        official_performance_typed(float("nan"), 1, 2)
    assert raised.value.code == "target_not_number"
    with pytest.raises(OfficialRuleError) as raised:
        official_performance_typed([0.9], 1, 2)  # type: ignore[arg-type]
    assert raised.value.code == "target_not_number"


@pytest.mark.realdata
def test_published_volumes_aggregated_as_external_counts_give_the_published_cells(
    real_inventory_dir: Path,
) -> None:
    """Each published row, fed in as an outside count for its year, aggregates to its cells."""
    from comptoir.core.performance import Dimension, ExternalCount, Period, PeriodKind, aggregate
    from comptoir.core.standards import Channel

    with (real_inventory_dir / "service-std.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def key(row: dict[str, str]) -> str:
        # Standard ids repeat across organizations: make one that does not.
        return "|".join((row["owner_org"], row["service_id"], row["service_standard_id"]))

    keys = [key(row) for row in rows]
    usable = [
        row
        for row in rows
        if keys.count(key(row)) == 1
        and row["volume_meeting_target"]
        and row["total_volume"]
        and int(row["volume_meeting_target"]) <= int(row["total_volume"])
    ]
    assert len(usable) > 1800
    counts = [
        ExternalCount(
            key(row),
            row["service_id"],
            Channel(row["channel"]),
            row["owner_org"],
            Period.parse(row["fiscal_yr"]),
            int(row["volume_meeting_target"]),
            int(row["total_volume"]),
        )
        for row in usable
    ]
    targets = {key(row): Decimal(row["target"]) if row["target"] else None for row in usable}
    result = aggregate(
        counts,
        period_kind=PeriodKind.FISCAL_YEAR,
        tz="America/Toronto",
        by=(Dimension.STANDARD, Dimension.CHANNEL),
        targets=targets,
    )
    assert len(result) == len(usable)
    found = {row.key.standard_id: row for row in result}
    for row in usable:
        aggregated = found[key(row)]
        assert aggregated.period.label == row["fiscal_yr"]
        assert aggregated.cells() == OfficialResult(row["performance"], row["target_met"])
