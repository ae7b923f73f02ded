"""The indicators command feeds the core's indicators from the database."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from comptoir.core.opendata.csvio import read_rows
from comptoir.core.opendata.indicators import ServiceFacts, StandardFacts, compute_indicators
from comptoir.inventory.actions import do_import_inventory
from comptoir.inventory.queries import indicators_for
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db


def _command(*args):
    out = io.StringIO()
    call_command("inventory", "indicators", *args, stdout=out)
    return out.getvalue()


@pytest.mark.realdata
def test_indicators_from_the_database_equal_those_computed_from_the_published_files(
    imported_real_inventory, real_inventory_dir
):
    services = [
        ServiceFacts.from_row(r.values) for r in read_rows(real_inventory_dir / "service.csv")
    ]
    standards = [
        StandardFacts.from_row(r.values) for r in read_rows(real_inventory_dir / "service-std.csv")
    ]
    expected = compute_indicators(services, standards, fiscal_year="2023-2024").as_dict()
    figures = json.loads(_command("--fiscal-year", "2023-2024", "--format", "json"))
    assert figures == expected
    assert figures["services_total"] == 1751
    assert figures["standards_total"] == 2343
    assert figures["organizations"] == len(
        {s.owner_org for s in services if s.fiscal_year == "2023-2024"}
    )
    assert figures["standards_met"] + figures["standards_not_met"] + figures["standards_na"] == 2343

    one = json.loads(_command("--fiscal-year", "2023-2024", "--org", "aafc-aac"))
    assert (
        one
        == compute_indicators(
            services, standards, fiscal_year="2023-2024", owner_org="aafc-aac"
        ).as_dict()
    )
    assert 0 < one["services_total"] < figures["services_total"]
    assert list(one["standards_met_share_by_org"]) == ["aafc-aac"]


def test_indicators_of_a_small_inventory_as_csv(write_inventory_files):
    services, standards = write_inventory_files(
        [
            valid_service_row(service_id="1"),
            valid_service_row(
                service_id="2", service_scope="INTERN", client_feedback_channel="NON"
            ),
        ],
        [
            valid_standard_row(service_id="1", service_standard_id="A"),
            valid_standard_row(
                service_id="1",
                service_standard_id="B",
                volume_meeting_target="50",
                performance="0.5",
                target_met="N",
            ),
        ],
    )
    do_import_inventory(services, standards, actor=None)
    rows = dict(csv.reader(io.StringIO(_command("--fiscal-year", "2024-2025", "--format", "csv"))))
    assert rows["services_total"] == "2"
    assert rows["services_in_scope"] == "1"
    # 120 phone enquiries + 340 online + 25 by email, for the in-scope service only.
    assert rows["transactions_total"] == "485"
    assert rows["applications_online"] == "340"
    assert rows["standards_met"] == "1"
    assert rows["standards_not_met"] == "1"
    assert rows["standards_met_share"] == "0.5000"
    assert rows["standards_met_share_by_org[test-essai]"] == "0.5000"
    assert indicators_for("2024-2025").services_with_standards == 1


def test_indicators_of_a_year_without_records_is_a_clear_error():
    with pytest.raises(CommandError, match="1999-2000"):
        _command("--fiscal-year", "1999-2000")
