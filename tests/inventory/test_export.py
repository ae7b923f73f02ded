"""Export of the imported real data gives back the published values field for field."""

import csv

import pytest
from django.core.management import CommandError, call_command

from comptoir.core.opendata.csvio import BYTE_ORDER_MARK
from comptoir.core.opendata.schema import SERVICE_COLUMNS, STANDARD_COLUMNS
from comptoir.inventory.actions import do_import_inventory, do_update_standard_year
from comptoir.inventory.exporting import standard_rows
from comptoir.inventory.models import StandardYear
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db


def _read(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def _key(row):
    return (row["fiscal_yr"], row["owner_org"], row["service_id"], row.get("service_standard_id"))


@pytest.mark.realdata
def test_export_of_the_real_inventory_gives_back_the_published_values(
    imported_real_inventory, real_inventory_dir, tmp_path
):
    for fiscal_year in ("2023-2024", "2024-2025"):
        call_command(
            "inventory", "export", "--fiscal-year", fiscal_year, "--out", tmp_path / fiscal_year
        )
    for name, columns in (("service.csv", SERVICE_COLUMNS), ("service-std.csv", STANDARD_COLUMNS)):
        header, published = _read(real_inventory_dir / name)
        exported = []
        for fiscal_year in ("2023-2024", "2024-2025"):
            exported_header, rows = _read(tmp_path / fiscal_year / name)
            assert tuple(exported_header) == columns == tuple(header)
            assert (tmp_path / fiscal_year / name).read_bytes().startswith(BYTE_ORDER_MARK)
            exported.extend(rows)
        assert len(exported) == len(published)
        by_key = {_key(row): row for row in exported}
        assert len(by_key) == len(exported)
        differences = [
            (_key(row), column)
            for row in published
            for column in columns
            if by_key[_key(row)][column] != row[column]
        ]
        assert differences == [], name


@pytest.mark.realdata
def test_recomputed_performance_and_target_met_equal_the_published_ones_on_every_standard(
    imported_real_inventory, real_inventory_dir
):
    _header, published = _read(real_inventory_dir / "service-std.csv")
    # Blank the stored cells so that the export can only get them by computing.
    StandardYear.objects.update(performance="", target_met="")
    recomputed = {_key(row): row for row in standard_rows("2023-2024")}
    assert len(recomputed) == len(published) == 2343
    mismatches = [
        _key(row)
        for row in published
        if (recomputed[_key(row)]["performance"], recomputed[_key(row)]["target_met"])
        != (row["performance"], row["target_met"])
    ]
    assert mismatches == []


def test_export_of_an_organization_writes_only_its_rows(write_inventory_files, tmp_path):
    services, standards = write_inventory_files(
        [valid_service_row(), valid_service_row(owner_org="other-autre", service_id="77")],
        [valid_standard_row()],
    )
    do_import_inventory(services, standards, actor=None)
    call_command(
        "inventory",
        "export",
        "--fiscal-year",
        "2024-2025",
        "--out",
        tmp_path / "out",
        "--org",
        "test-essai",
    )
    _header, rows = _read(tmp_path / "out" / "service.csv")
    assert [r["service_id"] for r in rows] == ["9001"]
    assert rows[0]["owner_org_title"] == "Test Agency | Agence d'essai"


def test_an_edited_standard_exports_its_recomputed_performance(
    write_inventory_files, tmp_path, make_user
):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    do_import_inventory(services, standards, actor=None)
    do_update_standard_year(
        StandardYear.objects.get(),
        {"volume_meeting_target": "643", "total_volume": "800"},
        actor=make_user("inventory custodian"),
    )
    row = next(standard_rows("2024-2025"))
    assert (row["performance"], row["target_met"]) == ("0.8037", "Y")


def test_export_of_an_unknown_year_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="2031-2032"):
        call_command("inventory", "export", "--fiscal-year", "2031-2032", "--out", tmp_path)
