"""The heat map and the panels on the real 2023-2024 open data, checked against figures computed
here from the CSV files with the csv module alone (the published ``target_met`` cells, which
the official rules reproduce byte for byte)."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from comptoir.accounts.roles import Role
from comptoir.core.opendata.schema import ONLINE_POINT_FIELDS
from comptoir.insight import queries
from comptoir.inventory.queries import indicators_for

pytestmark = [pytest.mark.django_db, pytest.mark.realdata]

YEAR = "2023-2024"


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _count(cell):
    cell = cell.strip()
    return int(cell) if cell.isdigit() and int(cell) <= 2_147_483_647 else None


def test_real_totals(imported_real_inventory, real_inventory_dir, make_user):
    viewer = make_user(Role.VIEWER)
    services = [r for r in _rows(real_inventory_dir / "service.csv") if r["fiscal_yr"] == YEAR]
    standards = [r for r in _rows(real_inventory_dir / "service-std.csv") if r["fiscal_yr"] == YEAR]
    in_scope = [
        r for r in services if {"EXTERN", "ENTERPRISE"} & set(r["service_scope"].split(","))
    ]
    with_standard = {(r["owner_org"], r["service_id"]) for r in standards}
    high_volume = {
        (r["owner_org"], r["service_id"])
        for r in services
        if (_count(r["num_applications_total"]) or 0) >= 45_000
    }
    met = Counter(r["target_met"] for r in standards)
    high_met = Counter(
        r["target_met"] for r in standards if (r["owner_org"], r["service_id"]) in high_volume
    )

    panels = queries.panels(viewer, YEAR)
    assert panels.organizations == len({r["owner_org"] for r in services}) == 79
    assert panels.services_total == len(services) == 1751
    assert panels.services_in_scope == len(in_scope)
    assert panels.services_with_standard == sum(
        (r["owner_org"], r["service_id"]) in with_standard for r in in_scope
    )
    assert panels.standards.total == len(standards) == 2343
    assert (panels.standards.met, panels.standards.assessed) == (met["Y"], met["Y"] + met["N"])
    assert panels.high_volume_services == len(high_volume)
    assert (panels.high_volume_standards.met, panels.high_volume_standards.assessed) == (
        high_met["Y"],
        high_met["Y"] + high_met["N"],
    )
    for point in panels.points:
        codes = Counter(r[point.field].strip() for r in in_scope)
        assert (point.yes, point.no, point.not_applicable) == (codes["Y"], codes["N"], codes["NA"])
    applicable = [r for r in in_scope if any(r[f] != "NA" for f in ONLINE_POINT_FIELDS)]
    assert panels.services_with_points == len(applicable)
    assert panels.services_online_end_to_end == sum(
        all(r[f] in ("Y", "NA") for f in ONLINE_POINT_FIELDS) for r in applicable
    )
    online = next(c for c in panels.channels if c.field == "num_applications_online")
    assert online.total == sum(_count(r["num_applications_online"]) or 0 for r in in_scope)
    assert panels.website_visits == sum(_count(r["num_website_visits"]) or 0 for r in in_scope)

    # The same shares as the inventory's indicators (computed in Python, record by record).
    indicators = indicators_for(YEAR)
    assert panels.services_with_standard_share == indicators.services_with_standards_share
    assert panels.standards.share == indicators.standards_met_share
    assert panels.online_end_to_end_share == indicators.fully_online_share

    # The heat map: every organization, a few cells checked against the CSV.
    by_org = Counter((r["owner_org"], r["target_met"]) for r in standards)
    rows = []
    for number in (1, 2):
        rows += queries.heat_map(viewer, page_number=number).rows
    assert len(rows) == 79
    year_index = [c.code for c in queries.heat_map(viewer).columns].index(YEAR)
    for row in rows:
        tally = row.cells[year_index].tally
        assert (tally.met, tally.assessed) == (
            by_org[(row.code, "Y")],
            by_org[(row.code, "Y")] + by_org[(row.code, "N")],
        ), row.code
