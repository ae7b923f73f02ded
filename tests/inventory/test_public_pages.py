"""Public pages and approval: only approved years are public, and an approved year shows and
exports what it held when approved, whatever a later year's import brings (titles included)."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.models import FiscalYear, Program, ServiceYear, StandardYear
from comptoir.inventory.queries import PUBLIC_ORGANIZATIONS_PER_PAGE
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db

OLD_TITLE = "Old Trade Agency | Ancienne agence du commerce"
NEW_TITLE = "New Trade Agency | Nouvelle agence du commerce"
PAGE = "/{lang}/organizations/test-essai/service-standards/"


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


def _import_year(write_inventory_files, fiscal_year, title, **cells):
    services, standards = write_inventory_files(
        [valid_service_row(fiscal_yr=fiscal_year, owner_org_title=title, **cells)],
        [valid_standard_row(fiscal_yr=fiscal_year, owner_org_title=title)],
    )
    actions.do_import_inventory(services, standards, actor=None)


def _approve(owner_org, code, custodian):
    year = FiscalYear.objects.get(organization__owner_org=owner_org, code=code)
    actions.do_approve_fiscal_year(year, actor=custodian)


def _exported(tmp_path, fiscal_year, name):
    out = tmp_path / f"export-{fiscal_year}"
    call_command("inventory", "export", "--fiscal-year", fiscal_year, "--out", out)
    with (out / name).open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _frozen_state(fiscal_year):
    records = ServiceYear.objects.filter(fiscal_year=fiscal_year)
    return (
        list(records.order_by("pk").values()),
        list(StandardYear.objects.filter(fiscal_year=fiscal_year).order_by("pk").values()),
        sorted(records.values_list("pk", "programs__code", "programs__name_en")),
        ServiceYear.history.filter(fiscal_year=fiscal_year).count(),
        FiscalYear.history.filter(pk=fiscal_year.pk).count(),
    )


def test_importing_a_later_year_changes_nothing_an_approved_year_shows_or_exports(
    client, custodian, write_inventory_files, tmp_path
):
    _import_year(write_inventory_files, "2025-2026", OLD_TITLE)
    _approve("test-essai", "2025-2026", custodian)
    approved = FiscalYear.objects.get(code="2025-2026")
    before = _frozen_state(approved)

    # The next year renames the organization, the service and the program.
    _import_year(
        write_inventory_files,
        "2026-2027",
        NEW_TITLE,
        service_name_en="Renamed trade data service",
        program_name_en="'Renamed trade statistics'",
    )

    assert _frozen_state(approved) == before
    english = body(client.get(PAGE.format(lang="en") + "?fiscal_year=2025-2026"))
    assert "Service standards: Old Trade Agency" in english
    assert "New Trade Agency" not in english
    assert "Renamed" not in english
    french = body(client.get(PAGE.format(lang="fr") + "?fiscal_year=2025-2026"))
    assert "Ancienne agence du commerce" in french
    assert "Nouvelle agence" not in french
    # The unapproved year is not public: the list still names the organization as approved.
    listing = body(client.get("/en/organizations/"))
    assert "Old Trade Agency" in listing and "New Trade Agency" not in listing
    assert "New Trade Agency" not in body(client.get("/en/"))

    for name in ("service.csv", "service-std.csv"):
        rows = _exported(tmp_path, "2025-2026", name)
        assert [row["owner_org_title"] for row in rows] == [OLD_TITLE]
        assert "Renamed" not in str(rows)
        rows = _exported(tmp_path, "2026-2027", name)
        assert [row["owner_org_title"] for row in rows] == [NEW_TITLE]

    # Once approved, the new year is public with its own title; the old one keeps its own.
    _approve("test-essai", "2026-2027", custodian)
    assert "Service standards: New Trade Agency" in body(client.get(PAGE.format(lang="en")))
    assert "New Trade Agency" in body(client.get("/en/organizations/"))
    assert "Old Trade Agency" in body(client.get(PAGE.format(lang="en") + "?fiscal_year=2025-2026"))
    # The program keeps the name it was first given (shared by both years, renamed by neither).
    assert Program.objects.get(code="BTS01").name_en == "Trade Statistics"


def test_an_older_year_imported_later_does_not_bring_back_an_older_name(
    write_inventory_files, custodian
):
    _import_year(write_inventory_files, "2025-2026", NEW_TITLE)
    _import_year(write_inventory_files, "2024-2025", OLD_TITLE)
    year = FiscalYear.objects.get(code="2024-2025")
    assert (year.owner_org_title_en, year.organization.title_en) == (
        "Old Trade Agency",
        "New Trade Agency",
    )


def test_approval_keeps_the_title_of_a_year_created_without_one(
    client, custodian, make_service_year, tmp_path
):
    record = make_service_year(service_id="S-1", fiscal_year="2025-2026")
    FiscalYear.objects.filter(pk=record.fiscal_year_id).update(owner_org_title_en="")
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    organization = record.fiscal_year.organization
    organization.title_en, organization.title_fr = "Renamed Agency", "Agence renommée"
    organization.save(update_fields=["title_en", "title_fr"])
    assert "Service standards: Test Agency" in body(client.get(PAGE.format(lang="en")))
    rows = _exported(tmp_path, "2025-2026", "service.csv")
    assert [row["owner_org_title"] for row in rows] == ["Test Agency | Agence d'essai"]


# --- only approved years are public ---------------------------------------------------------------


def test_an_organization_without_an_approved_year_is_not_public(
    client, custodian, write_inventory_files
):
    _import_year(write_inventory_files, "2025-2026", OLD_TITLE)
    for lang in ("en", "fr"):
        assert client.get(PAGE.format(lang=lang)).status_code == 404
        assert client.get(PAGE.format(lang=lang) + "?fiscal_year=2025-2026").status_code == 404
        assert "Old Trade Agency" not in body(client.get(f"/{lang}/organizations/"))
        assert "Ancienne agence" not in body(client.get(f"/{lang}/"))
    _approve("test-essai", "2025-2026", custodian)
    assert client.get(PAGE.format(lang="en")).status_code == 200
    assert client.get(PAGE.format(lang="en") + "?fiscal_year=2024-2025").status_code == 404
    assert "Old Trade Agency" in body(client.get("/en/organizations/"))
    assert "Ancienne agence du commerce" in body(client.get("/fr/"))


def _publish_organizations(first, last, make_service_year, custodian):
    for number in range(first, last):
        record = make_service_year(owner_org=f"org-{number:03d}", service_id="S-1")
        actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_public_list_is_paginated_and_the_home_page_bounded(
    client, custodian, make_service_year
):
    _publish_organizations(0, 3, make_service_year, custodian)
    few = [_query_count(client, url) for url in ("/en/organizations/", "/en/")]
    _publish_organizations(3, PUBLIC_ORGANIZATIONS_PER_PAGE + 5, make_service_year, custodian)
    many = [_query_count(client, url) for url in ("/en/organizations/", "/en/")]
    assert many == few

    first = body(client.get("/en/organizations/"))
    assert first.count("/service-standards/") == PUBLIC_ORGANIZATIONS_PER_PAGE
    assert "Page 1 of 2" in first
    second = body(client.get("/en/organizations/?page=2"))
    assert second.count("/service-standards/") == 5
    assert "/en/organizations/org-054/service-standards/" in second
    home = body(client.get("/en/"))
    assert home.count("/service-standards/") == PUBLIC_ORGANIZATIONS_PER_PAGE
    assert "See every organization that publishes its service standards" in home
    french = body(client.get("/fr/organizations/?page=2"))
    assert "Page 2 sur 2" in french


def test_reimporting_an_unapproved_year_under_a_new_title_retitles_that_year_only(
    write_inventory_files, custodian
):
    _import_year(write_inventory_files, "2024-2025", OLD_TITLE)
    _approve("test-essai", "2024-2025", custodian)
    _import_year(write_inventory_files, "2025-2026", OLD_TITLE)
    _import_year(write_inventory_files, "2025-2026", NEW_TITLE)
    titles = dict(FiscalYear.objects.values_list("code", "owner_org_title_fr"))
    assert titles == {
        "2024-2025": "Ancienne agence du commerce",
        "2025-2026": "Nouvelle agence du commerce",
    }
    year = FiscalYear.objects.get(code="2025-2026")
    assert year.history.first().owner_org_title_en == "New Trade Agency"  # who and when kept
    assert year.organization.title_en == "New Trade Agency"


def test_the_data_migration_fills_existing_years_and_its_reverse_empties_them(make_service_year):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "comptoir.inventory.migrations.0005_fiscal_year_keeps_its_titles"
    )
    record = make_service_year(service_id="S-1", fiscal_year="2025-2026")
    FiscalYear.objects.update(owner_org_title_en="", owner_org_title_fr="")
    migration.fill_titles(apps, None)
    year = FiscalYear.objects.get(pk=record.fiscal_year_id)
    assert (year.owner_org_title_en, year.owner_org_title_fr) == ("Test Agency", "Agence d'essai")
    migration.empty_titles(apps, None)
    assert FiscalYear.objects.filter(owner_org_title_en="").count() == FiscalYear.objects.count()
