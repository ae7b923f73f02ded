"""Organization scope of imports, findings superseded by the system, the words of the service and
home pages (history, reasons, empty lists, plurals), and bounded lists."""

import pytest
from django.utils import translation

from comptoir import i18n
from comptoir.accounts.roles import Role
from comptoir.inventory.actions import do_import_inventory, do_update_service_year
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import (
    Finding,
    ImportBatch,
    Organization,
    ServiceStandard,
    ServiceYear,
    StandardYear,
    Unit,
)
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


# --- imports are scoped by organization ---------------------------------------------------------


def test_a_custodian_cannot_import_another_organizations_inventory(
    make_user, write_inventory_files
):
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("mine-moi",))
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    with pytest.raises(InventoryError) as refused:
        do_import_inventory(services, standards, actor=custodian)
    assert refused.value.code == "organization_not_yours"
    assert "test-essai" in str(refused.value)
    assert not ServiceYear.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_custodian_imports_their_organization_and_an_administrator_any(
    make_user, write_inventory_files
):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("test-essai",))
    assert do_import_inventory(services, standards, actor=custodian).services_created == 1
    other, other_standards = write_inventory_files(
        [valid_service_row(owner_org="autre-other")], [valid_standard_row(owner_org="autre-other")]
    )
    admin = make_user(Role.ADMINISTRATOR)
    assert do_import_inventory(other, other_standards, actor=admin).services_created == 1


def test_the_import_page_says_why_in_french(client, make_user, write_inventory_files):
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("mine-moi",))
    client.force_login(custodian)
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    with services.open("rb") as first, standards.open("rb") as second:
        response = client.post(
            "/fr/inventory/import/", {"services": first, "standards": second}, follow=True
        )
    assert response.status_code == 400
    assert "dont vous n’êtes pas" in body(response) or "dont vous n&#x27;êtes pas" in body(response)
    assert not ServiceYear.objects.exists()


# --- an automatic change is not a person's decision ---------------------------------------------


def test_findings_an_import_replaces_are_superseded_by_the_system(
    client, make_user, write_inventory_files
):
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    broken = valid_service_row(cra_bn_identifier_usage="NA", service_type="INFO,ECONOM")
    services, standards = write_inventory_files([broken], [valid_standard_row()])
    first = do_import_inventory(services, standards, actor=custodian)
    assert first.violations
    again = do_import_inventory(services, standards, actor=custodian)
    closed = Finding.objects.filter(is_resolved=True)
    assert closed.count() == len(first.violations)
    for finding in closed:
        assert finding.is_superseded
        assert finding.resolved_by is None
        assert finding.superseded_by == again.batch
    client.force_login(custodian)
    page = body(client.get("/en/inventory/findings/?status=resolved"))
    assert "Superseded on" in page
    assert f"by {custodian.username}" not in page
    french = body(client.get("/fr/inventory/findings/?status=resolved"))
    assert "Remplacé le" in french


# --- the service page's words -------------------------------------------------------------------


def test_a_service_with_standards_and_no_finding_says_so(client, make_user, make_service_year):
    record = make_service_year(service_id="W-1")
    StandardYear.objects.create(
        standard=ServiceStandard.objects.create(service=record.service, service_standard_id="1"),
        service_year=record,
        fiscal_year=record.fiscal_year,
    )
    client.force_login(make_user(Role.VIEWER))
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "This service has no standard this fiscal year." not in page
    assert "This service record has no open finding." in page


def test_the_history_names_related_objects_and_translates_the_import_reason(
    client, make_user, write_inventory_files
):
    admin = make_user(Role.ADMINISTRATOR, first_name="Ada", last_name="Lovelace")
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    do_import_inventory(services, standards, actor=admin)
    record = ServiceYear.objects.get()
    unit = Unit.objects.create(
        organization=record.fiscal_year.organization,
        code="ottawa",
        name_en="Ottawa office",
        name_fr="Bureau d'Ottawa",
        kind=Unit.Kind.REGIONAL_OFFICE,
    )
    do_update_service_year(record, {"responsible_unit": unit, "custodian": admin}, actor=admin)
    client.force_login(admin)
    english = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "Ottawa office" in english
    assert "Ada Lovelace" in english
    assert f"<ins>{unit.pk}</ins>" not in english
    assert "Imported from service.csv and service-std.csv." in english
    french = body(client.get(f"/fr/inventory/services/{record.pk}/"))
    assert "Bureau d&#x27;Ottawa" in french or "Bureau d'Ottawa" in french
    assert "Importé de service.csv et de service-std.csv." in french
    assert "import service.csv" not in french


def test_the_service_page_lists_a_bounded_number_of_findings(client, make_user, make_service_year):
    record = make_service_year(service_id="B-1")
    Finding.objects.bulk_create(
        Finding(
            resource="service",
            fiscal_year=record.fiscal_year,
            service_year=record,
            service_id="B-1",
            field=f"f{number:03d}",
            rule="cra_bn_usage_mismatch",
            severity="warning",
        )
        for number in range(130)
    )
    client.force_login(make_user(Role.VIEWER))
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "100 of 130 open findings are listed." in page
    assert "service=B-1" in page
    listed = client.get("/en/inventory/findings/?service=B-1")
    assert listed.status_code == 200
    assert "130 findings" in body(listed)


def test_the_home_page_counts_in_words_with_plurals(client, make_user, make_service_year):
    make_service_year(service_id="H-1")
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    client.force_login(custodian)
    english = body(client.get("/en/"))
    assert "service in the inventory</a>" in english
    assert "services in the inventory" not in english
    assert "service you may edit" in english
    french = body(client.get("/fr/"))
    assert "service dans le répertoire</a>" in french


# --- the language module ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-ca", "fr"), ("fr_CA.UTF-8", "fr"), ("en", "en"), ("", "en"), (None, "en")],
)
def test_language_codes_are_normalized(code, expected):
    assert i18n.normalize(code) == expected


def test_bilingual_fields_fall_back_to_the_other_language():
    organization = Organization(title_en="Agency", title_fr="")
    assert i18n.pick_field(organization, "title", "fr") == "Agency"
    organization.title_fr = "Agence"
    assert i18n.pick_field(organization, "title", "fr") == "Agence"
    with translation.override("fr"):
        assert i18n.pick_field(organization, "title") == "Agence"
        assert i18n.other_language() == "en"
    assert i18n.field_name("reason", "fr-ca") == "reason_fr"


def test_what_is_sent_to_a_person_is_rendered_in_their_language(make_user):
    reader = make_user(Role.VIEWER, preferred_language="fr")
    with i18n.rendered_for(reader) as language:
        assert language == "fr"
        assert translation.get_language() == "fr"


def test_the_demo_custodian_acts_for_the_demo_organization(client):
    import io

    from django.core.management import call_command

    from comptoir.accounts.models import User
    from comptoir.inventory import demo_data

    call_command("demo", "--password", "demo-password-123", stdout=io.StringIO())
    custodian = User.objects.get(username="demo-custodian")
    demo_records = ServiceYear.objects.filter(
        fiscal_year__organization__owner_org=demo_data.OWNER_ORG
    )
    editable = ServiceYear.objects.editable_by(custodian)
    assert editable.count() == demo_records.count() > 0
    record = demo_records.filter(fiscal_year__approved_at__isnull=True).first()
    client.force_login(custodian)
    assert client.get(f"/en/inventory/services/{record.pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("calendar", "field", "english", "french"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "is not a known time zone", "fuseau"),
        ({"business_hours": "nine to five"}, "business_hours", "are not valid business hours", ""),
        ({"holiday_jurisdiction": "XX-99"}, "holiday_jurisdiction", "", ""),
    ],
)
def test_a_units_calendar_errors_use_the_engines_one_wording(calendar, field, english, french):
    """The unit form's calendar errors are the business-time text module's sentences (one
    wording per engine code), on the field they are about, in the page's language."""
    from django.core.exceptions import ValidationError

    organization = Organization.objects.create(owner_org="cal-cal", title_en="C", title_fr="C")
    unit = Unit(
        organization=organization,
        code="u",
        name_en="U",
        name_fr="U",
        kind=Unit.Kind.DIVISION,
        **calendar,
    )
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    messages = refused.value.message_dict[field]
    assert english in messages[0]
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused_fr:
            unit.full_clean()
        assert french in refused_fr.value.message_dict[field][0]
        assert refused_fr.value.message_dict[field][0] != messages[0]


# --- strict refuses errors, not warnings ------------------------------------------------------


def test_a_strict_import_keeps_warnings_as_findings(write_inventory_files):
    warned = valid_service_row(cra_bn_identifier_usage="NA")
    services, standards = write_inventory_files([warned], [valid_standard_row()])
    result = do_import_inventory(services, standards, actor=None, strict=True)
    assert result.services_created == 1
    assert result.violations
    assert {v.severity.value for v in result.violations} == {"warning"}
    assert Finding.objects.open().count() == len(result.violations)


@pytest.mark.realdata
def test_the_real_files_import_in_strict_mode(real_inventory_dir):
    result = do_import_inventory(
        real_inventory_dir / "service.csv",
        real_inventory_dir / "service-std.csv",
        actor=None,
        strict=True,
    )
    assert (result.services_created, result.standards_created) == (1752, 2343)
    assert {v.severity.value for v in result.violations} == {"warning"}


def test_re_importing_the_same_files_supersedes_the_findings_of_rows_left_out(
    write_inventory_files,
):
    bad_key = valid_service_row(service_id="9002", owner_org="bad/org")
    services, standards = write_inventory_files(
        [valid_service_row(), bad_key], [valid_standard_row()]
    )
    do_import_inventory(services, standards, actor=None)
    left_out = Finding.objects.open().filter(fiscal_year__isnull=True)
    count = left_out.count()
    assert count > 0
    again = do_import_inventory(services, standards, actor=None)
    # The same rows are left out again: as many open findings, not twice as many.
    assert Finding.objects.open().filter(fiscal_year__isnull=True).count() == count
    assert Finding.objects.filter(superseded_by=again.batch, fiscal_year__isnull=True).count() == (
        count
    )
