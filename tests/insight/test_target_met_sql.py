"""The SQL ``target_met`` (``comptoir.insight.target_met``) gives what the official rules give
through ``inventory.exporting.official_cells``: on hand-made edge cases and on every record of
the real 2023-2024 file."""

from __future__ import annotations

import pytest

from comptoir.insight.target_met import grouped_status, midpoint_status, settled
from comptoir.inventory.exporting import official_cells
from comptoir.inventory.models import ServiceStandard, StandardYear

pytestmark = pytest.mark.django_db

CASES = [
    # (target, volume meeting, total volume, stored target_met)
    ("0.8", "90", "100", ""),
    ("0.9", "90", "100", ""),
    ("0.91", "90", "100", ""),
    ("", "90", "100", "Y"),  # no target: NA whatever is stored
    ("0", "90", "100", "Y"),  # target 0: NA
    ("0.8", "", "", "Y"),  # performance without volumes: NA
    ("0.8", "NA", "100", ""),
    ("0.8", "nd", "100", ""),
    ("0.8", "5", "0", ""),  # nothing issued
    ("1", "51811", "51813", ""),  # rounds to 1.0: met
    ("0.99", "8672", "8760", ""),
    ("0.8038", "643", "800", ""),  # exact half-way, the double lies below: N
    ("0.8037", "643", "800", ""),
    ("0.7188", "23", "32", ""),  # a true binary tie, rounded to even: Y
    ("0.9063", "290", "320", ""),  # a true binary tie, rounded to even (0.9062): N
    ("0.9062", "290", "320", ""),
    ("1", "110", "100", ""),  # more meeting than total: above 1
    (" 0.8 ", " 90 ", "100", ""),
    ("1.5", "90", "100", "Y"),  # target out of bounds: stored cell kept
    ("0.12345", "90", "100", "N"),  # 5 decimals: stored
    ("80%", "90", "100", "N"),
    ("0.8", "12.5", "100", "Y"),  # malformed volume: stored
    ("0.8", "99999999999", "100", "N"),  # beyond the count maximum: stored
    ("0.8", "000090", "0100", ""),
    ("-0", "90", "100", "Y"),
    ("0.8", "2147483647", "2147483647", ""),
    ("0.8", "2147483648", "2147483648", "N"),  # one beyond the count maximum: stored
    ("0.8", "00000000000090", "100", ""),  # leading zeros do not count as digits
    ("1.", "90", "100", "Y"),
    ("0.", "90", "100", "Y"),
    (".85", "90", "100", ""),
    ("00.80", "90", "100", ""),
    ("01", "100", "100", ""),
    ("0000", "90", "100", "Y"),
    ("1.0001", "90", "100", "Y"),
    ("1e-1", "90", "100", "N"),
    ("0.8.1", "90", "100", "N"),
    ("0.8", "9 0", "100", "Y"),
    ("0.8", "+90", "100", "Y"),
    ("0.8", "-5", "100", "Y"),
]


def _statuses() -> dict[int, str]:
    rows = grouped_status(StandardYear.objects.all(), "pk")
    return {pk: settled(status, k) for pk, status, k, _count in rows}


def test_hand_made_edge_cases_match_the_official_rules(make_service_year):
    record = make_service_year(service_id="EDGE")
    expected = {}
    for number, (target, meeting, total, stored) in enumerate(CASES):
        standard = ServiceStandard.objects.create(
            service=record.service, service_standard_id=f"E{number}"
        )
        year = StandardYear.objects.create(
            standard=standard,
            fiscal_year=record.fiscal_year,
            service_year=record,
            target=target,
            volume_meeting_target=meeting,
            total_volume=total,
            target_met=stored,
        )
        expected[year.pk] = official_cells(
            {
                "target": target,
                "volume_meeting_target": meeting,
                "total_volume": total,
                "target_met": stored,
            }
        )["target_met"]
    got = _statuses()
    mismatches = {
        pk: (CASES[i], got[pk], expected[pk])
        for i, pk in enumerate(expected)
        if got[pk] != expected[pk]
    }
    assert not mismatches
    keys = list(expected)
    assert got[keys[11]] == "N"  # 643/800 against 0.8038
    assert got[keys[13]] == "Y"  # 23/32 against 0.7188


def test_every_half_way_target_is_settled_like_the_official_rules():
    for k in range(1, 10_001):
        # The ratio (2k - 1) / 20000 through the official functions, written as volumes.
        cells = {
            "target": str(k / 10_000) if k < 10_000 else "1",
            "volume_meeting_target": str(2 * k - 1),
            "total_volume": "20000",
            "target_met": "",
        }
        assert midpoint_status(k) == official_cells(cells)["target_met"], k


@pytest.mark.realdata
def test_every_real_record_matches_the_official_rules(imported_real_inventory):
    got = _statuses()
    keys = ("pk", "target", "volume_meeting_target", "total_volume", "target_met")
    mismatches = []
    for pk, *cells in StandardYear.objects.values_list(*keys):
        expected = official_cells(dict(zip(keys[1:], cells, strict=True)))["target_met"]
        if got[pk] != expected:
            mismatches.append((pk, cells, got[pk], expected))
    assert len(got) == 2343
    assert not mismatches
