"""Issue 17, defects 2, 3 and 4: numbers out of bounds, keys that page addresses carry, unsafe
links. Each hostile value is refused at the door (edit form, strict and lenient import); and a value
written straight into the database (``.update()``, as a legacy row or a bypass would) leaves every
page, command and export working."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.errors import ImportRejectedError
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    Organization,
    ServiceYear,
    StandardYear,
)
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000  # more digits than Python converts to an int
VOLUME_400 = "1" + "0" * 399
PROGRAM = {
    "program_id": "TRD01",
    "program_name_en": "Trade statistics",
    "program_name_fr": "Statistiques commerciales",
}
STANDARD_CELLS = {
    "service_standard_en": "We answer data requests within 10 business days.",
    "service_standard_fr": "Nous répondons aux demandes de données en 10 jours ouvrables.",
    "type": "TML",
    "channel": "EML",
    "target": "0.8",
    "volume_meeting_target": "90",
    "total_volume": "100",
    "standards_targets_uri_en": "https://example.gc.ca/en/standards",
    "standards_targets_uri_fr": "https://example.gc.ca/fr/normes",
}


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="administrator")


@pytest.fixture
def record(make_service_year, custodian):
    service_year = make_service_year(service_id="S-100", owner_org="test-essai", **PROGRAM)
    actions.do_create_standard_year(service_year, "STD-1", STANDARD_CELLS, actor=custodian)
    return service_year


def _edit_data(client, url: str) -> dict[str, object]:
    form = client.get(url).context["form"]
    return {name: value for name, value in form.initial.items() if value not in (None, [], "")}


# --- Defect 2: numbers out of bounds ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("num_phone_enquiries", HUGE),
        ("num_website_visits", "2147483648"),
        ("last_service_review", "1999-2000"),
        ("last_service_improvement", "2030-2031"),
    ],
)
def test_the_service_form_refuses_a_number_or_year_out_of_bounds(
    client, custodian, record, field, value
):
    client.force_login(custodian)
    url = f"/en/inventory/services/{record.pk}/edit/"
    before = getattr(record, field)
    response = client.post(url, _edit_data(client, url) | {field: value})
    assert response.status_code == 400
    assert f'href="#id_{field}"' in body(response)
    record.refresh_from_db()
    assert getattr(record, field) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"volume_meeting_target": VOLUME_400, "total_volume": "100"},
        {"volume_meeting_target": VOLUME_400, "total_volume": VOLUME_400},
        {"total_volume": HUGE},
        {"target": "0.99999"},
    ],
)
def test_the_standard_form_refuses_volumes_and_targets_out_of_bounds(
    client, custodian, record, changes
):
    client.force_login(custodian)
    standard = StandardYear.objects.get(service_year=record)
    url = f"/en/inventory/standards/{standard.pk}/edit/"
    response = client.post(url, _edit_data(client, url) | changes)
    assert response.status_code == 400
    for field, value in changes.items():
        if value != "100":
            assert f'href="#id_{field}"' in body(response), field
    standard.refresh_from_db()
    assert (standard.volume_meeting_target, standard.total_volume, standard.target) == (
        "90",
        "100",
        "0.8",
    )


def test_a_strict_import_refuses_numbers_out_of_bounds_and_a_lenient_one_reports_errors(
    write_inventory_files,
):
    services, standards = write_inventory_files(
        [valid_service_row(num_phone_enquiries=HUGE)],
        [valid_standard_row(volume_meeting_target=VOLUME_400, total_volume=VOLUME_400)],
    )
    with pytest.raises(ImportRejectedError) as raised:
        actions.do_import_inventory(services, standards, actor=None, strict=True)
    assert {(v.field, v.rule.value) for v in raised.value.violations} == {
        ("num_phone_enquiries", "number_too_large"),
        ("volume_meeting_target", "number_too_large"),
        ("total_volume", "number_too_large"),
    }
    assert not ServiceYear.objects.exists()
    result = actions.do_import_inventory(services, standards, actor=None)
    assert (result.services_created, result.standards_created) == (1, 1)
    errors = Finding.objects.filter(rule="number_too_large", severity="error")
    assert sorted(errors.values_list("field", flat=True)) == [
        "num_phone_enquiries",
        "total_volume",
        "volume_meeting_target",
    ]
    # The cell is kept as published; the finding quotes it cut short, in both languages.
    assert ServiceYear.objects.get().num_phone_enquiries == HUGE
    finding = errors.get(field="num_phone_enquiries")
    assert len(finding.params["value"]) == 60


@pytest.fixture
def hostile_record(record):
    """``record`` with out-of-bounds cells written straight into the database."""
    ServiceYear.objects.filter(pk=record.pk).update(
        num_phone_enquiries=HUGE, num_applications_online="1" + "0" * 400
    )
    StandardYear.objects.filter(service_year=record).update(
        volume_meeting_target=VOLUME_400, total_volume="1", performance=HUGE
    )
    return record


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INVENTORY_CUSTODIAN, Role.ADMINISTRATOR])
def test_the_dashboard_survives_any_stored_number(client, make_user, hostile_record, role):
    client.force_login(make_user(role))
    for url in (
        "/en/inventory/dashboard/?fiscal_year=2024-2025",
        "/fr/inventory/dashboard/?fiscal_year=2024-2025&organization=test-essai",
    ):
        assert client.get(url).status_code == 200, url


def test_the_indicators_command_treats_a_stored_number_out_of_bounds_as_invalid(
    hostile_record, capsys
):
    call_command("inventory", "indicators", "--fiscal-year", "2024-2025")
    figures = json.loads(capsys.readouterr().out)
    # 120 enquiries and 340 online applications were replaced: only email applications count.
    assert figures["transactions_total"] == 25
    assert figures["applications_online"] == 0
    assert figures["standards_total"] == 1


def test_the_export_writes_the_stored_cells_when_they_cannot_be_computed_on(
    hostile_record, tmp_path
):
    call_command("inventory", "export", "--fiscal-year", "2024-2025", "--out", tmp_path)
    with (tmp_path / "service-std.csv").open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    # 10**399 / 1 is no float: the official rules are not run, the stored cells are written.
    assert (row["volume_meeting_target"], row["performance"]) == (VOLUME_400, HUGE)
    assert row["target_met"] == "Y"
    with (tmp_path / "service.csv").open(encoding="utf-8-sig", newline="") as stream:
        (service,) = list(csv.DictReader(stream))
    assert service["num_phone_enquiries"] == HUGE


def test_the_service_page_and_the_public_page_survive_any_stored_number(
    client, custodian, hostile_record
):
    client.force_login(custodian)
    assert client.get(f"/en/inventory/services/{hostile_record.pk}/").status_code == 200
    actions.do_approve_fiscal_year(hostile_record.fiscal_year, actor=custodian)
    client.logout()
    response = client.get("/en/organizations/test-essai/service-standards/")
    assert response.status_code == 200
    assert "9" * 100 in body(response)  # the stored performance, shown as it is


# --- Defect 3: keys that page addresses carry --------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"owner_org": "test/essai"}, "owner_org"),
        ({"owner_org": ""}, "owner_org"),
        ({"fiscal_yr": ""}, "fiscal_yr"),
        ({"fiscal_yr": "2024-2026"}, "fiscal_yr"),
        ({"service_id": "90/01"}, "service_id"),
    ],
)
def test_a_row_with_a_bad_key_is_refused_strictly_and_quarantined_leniently(
    write_inventory_files, cells, field
):
    services, standards = write_inventory_files(
        [
            valid_service_row(service_id="9001"),
            valid_service_row(**{"service_id": "9002", **cells}),
        ],
        [valid_standard_row(service_id="9001")],
    )
    with pytest.raises(ImportRejectedError):
        actions.do_import_inventory(services, standards, actor=None, strict=True)
    assert not ServiceYear.objects.exists()

    result = actions.do_import_inventory(services, standards, actor=None)
    # Only the good row is stored: no organization, fiscal year or service from the bad one.
    assert result.services_created == 1
    assert list(ServiceYear.objects.values_list("service__service_id", flat=True)) == ["9001"]
    assert list(Organization.objects.values_list("owner_org", flat=True)) == ["test-essai"]
    assert list(FiscalYear.objects.values_list("code", flat=True)) == ["2024-2025"]
    # The custodian sees why, as error findings attached to no record.
    quarantined = Finding.objects.filter(row=3)
    assert {(f.field, f.severity) for f in quarantined} >= {(field, "error"), ("", "error")}
    assert quarantined.filter(rule="row_not_stored").count() == 1
    assert not quarantined.exclude(service_year=None).exists()
    assert not quarantined.exclude(fiscal_year=None).exists()
    assert Finding.objects.count() == len(result.violations)


def test_a_standard_with_a_bad_key_is_quarantined_and_shown_to_a_custodian(
    client, custodian, write_inventory_files
):
    long_id = "S" * 150
    services, standards = write_inventory_files(
        [valid_service_row()],
        [valid_standard_row(), valid_standard_row(service_standard_id=long_id)],
    )
    actions.do_import_inventory(services, standards, actor=None)
    assert list(StandardYear.objects.values_list("standard__service_standard_id", flat=True)) == [
        "STD-1"
    ]
    finding = Finding.objects.get(rule="key_format")
    assert (finding.row, finding.field, finding.service_standard_id) == (
        3,
        "service_standard_id",
        long_id[:100],
    )
    client.force_login(custodian)
    for lang, text in (("en", "was not stored"), ("fr", "pas été enregistrée")):
        page = body(client.get(f"/{lang}/inventory/findings/?rule=row_not_stored"))
        assert text in page, lang


@pytest.mark.parametrize(
    ("organization", "year"),
    [("test/essai", "2024-2025"), ("", "2024-2025"), ("test-essai", ""), ("test-essai", "a/b")],
)
@pytest.mark.parametrize("role", [Role.INVENTORY_CUSTODIAN, Role.ADMINISTRATOR])
def test_no_page_breaks_on_a_stored_key_that_an_address_cannot_carry(
    client, make_user, record, role, organization, year
):
    Organization.objects.filter(pk=record.fiscal_year.organization_id).update(
        owner_org=organization
    )
    FiscalYear.objects.filter(pk=record.fiscal_year_id).update(code=year)
    client.force_login(make_user(role))
    response = client.get(f"/en/inventory/services/{record.pk}/")
    assert response.status_code == 200
    assert "/approve/" not in body(response)  # such a year cannot be approved from a link
    for url in (
        "/en/",
        "/en/inventory/services/",
        "/en/inventory/findings/",
        "/en/inventory/dashboard/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_public_lists_survive_a_published_organization_code_that_no_address_can_carry(
    client, custodian, record
):
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    Organization.objects.filter(pk=record.fiscal_year.organization_id).update(
        owner_org="test/essai"
    )
    for url in ("/en/", "/en/organizations/", "/fr/organizations/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Test Agency" in body(response) or "Agence d&#x27;essai" in body(response), url


# --- Defect 4: unsafe links --------------------------------------------------------------------

JAVASCRIPT = "javascript:alert(document.domain)"


def test_the_forms_and_a_strict_import_refuse_an_unsafe_link(
    client, custodian, record, write_inventory_files
):
    client.force_login(custodian)
    url = f"/en/inventory/services/{record.pk}/edit/"
    response = client.post(url, _edit_data(client, url) | {"service_uri_en": JAVASCRIPT})
    assert response.status_code == 400
    assert 'href="#id_service_uri_en"' in body(response)
    record.refresh_from_db()
    assert record.service_uri_en == ""
    standard = StandardYear.objects.get(service_year=record)
    url = f"/en/inventory/standards/{standard.pk}/edit/"
    response = client.post(
        url, _edit_data(client, url) | {"standards_targets_uri_en": " JavaScript:alert(1)"}
    )
    assert response.status_code == 400
    services, standards = write_inventory_files(
        [valid_service_row(service_uri_en=JAVASCRIPT, service_uri_fr=JAVASCRIPT)],
        [
            valid_standard_row(
                performance_results_uri_en="data:text/html,x",
                performance_results_uri_fr="https://example.gc.ca/fr/resultats",
            )
        ],
    )
    with pytest.raises(ImportRejectedError) as raised:
        actions.do_import_inventory(services, standards, actor=None, strict=True)
    assert {v.rule.value for v in raised.value.violations} == {"unsafe_uri_scheme"}


def _public_page(client, custodian, record, **cells) -> str:
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    ServiceYear.objects.filter(pk=record.pk).update(**cells)
    client.logout()
    response = client.get("/en/organizations/test-essai/service-standards/")
    assert response.status_code == 200
    return body(response)


def test_a_stored_javascript_uri_is_shown_as_text_not_as_a_link(client, custodian, record):
    page = _public_page(client, custodian, record, service_uri_en=JAVASCRIPT)
    assert JAVASCRIPT in page
    assert 'href="javascript' not in page.lower()
    assert "About Trade data requests" not in page


@pytest.mark.parametrize(
    "uri",
    [
        " jaVa\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "www.canada.ca/en/services.html",
        "https://a.gc.ca/one https://b.gc.ca/two",
        'https://example.gc.ca/" onmouseover="alert(1)',
    ],
)
def test_any_uri_that_is_not_one_web_address_is_shown_as_text(client, custodian, record, uri):
    page = _public_page(client, custodian, record, service_uri_en=uri)
    assert "About Trade data requests" not in page
    assert 'onmouseover="' not in page
    assert "<script>alert" not in page


def test_a_web_address_is_a_link_on_the_public_page(client, custodian, record):
    page = _public_page(
        client, custodian, record, service_uri_en="https://example.gc.ca/en/x?a=1&b=2"
    )
    assert '<a href="https://example.gc.ca/en/x?a=1&amp;b=2">About Trade data requests</a>' in page


def test_a_lenient_import_keeps_a_non_web_uri_as_text_with_a_finding(write_inventory_files):
    services, standards = write_inventory_files(
        [valid_service_row(service_uri_en="N/A", service_uri_fr="S.O.")],
        [valid_standard_row(standards_targets_uri_en=JAVASCRIPT)],
    )
    actions.do_import_inventory(services, standards, actor=None)
    found = set(Finding.objects.values_list("field", "rule", "severity"))
    assert found >= {
        ("service_uri_en", "not_a_web_address", "warning"),
        ("service_uri_fr", "not_a_web_address", "warning"),
        ("standards_targets_uri_en", "unsafe_uri_scheme", "error"),
    }
    assert StandardYear.objects.get().standards_targets_uri_en == JAVASCRIPT
