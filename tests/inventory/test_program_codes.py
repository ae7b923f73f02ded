"""The registry's program codes: loaded by the command, then used by imports and edits; and the
registry's refusals (texts in one language, conditional requirements) in a strict import."""

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from comptoir.core.opendata.validation import RuleCode
from comptoir.inventory import findings
from comptoir.inventory.actions import (
    do_create_service_year,
    do_import_inventory,
    do_load_program_codes,
    do_update_service_year,
)
from comptoir.inventory.errors import ImportRejectedError, InventoryError, RecordRefusedError
from comptoir.inventory.models import Finding, Organization, ProgramCode, ServiceYear
from tests.conftest import VALID_SERVICE_CELLS, valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db

#: The program codes of the test rows (``valid_service_row`` reports BTS01 for test-essai).
CHOICES = {
    "BTS01": {
        "en": "Trade Statistics",
        "fr": "Statistiques commerciales",
        "valid_orgs": {"test-essai": {"until_fiscal_end": 2026}},
    },
    "BTS02": {
        "en": "Price Statistics",
        "fr": "Statistiques des prix",
        "valid_orgs": {"test-essai": {"until_fiscal_end": 2024}},
    },
    "ISS01": {
        "en": "Internal Services",
        "fr": "Services internes",
        "valid_orgs": {"other-autre": {"until_fiscal_end": 2026}},
    },
}


def _dictionary(choices):
    return {
        "dataset_type": "service",
        "resources": [
            {
                "resource_name": "service",
                "fields": [{"id": "fiscal_yr"}, {"id": "program_id", "choices": choices}],
            },
            {"resource_name": "service-std", "fields": [{"id": "fiscal_yr"}]},
        ],
    }


@pytest.fixture
def write_dictionary(tmp_path):
    def build(choices=CHOICES, name="service_data_dict.json"):
        path = tmp_path / name
        path.write_text(json.dumps(_dictionary(choices)), encoding="utf-8")
        return path

    return build


@pytest.fixture
def loaded(write_dictionary):
    call_command("inventory", "load-program-codes", str(write_dictionary()))


# -- the command -----------------------------------------------------------------------------------


def test_the_command_loads_the_codes_with_their_validity_and_history(write_dictionary, capsys):
    call_command("inventory", "load-program-codes", str(write_dictionary()))
    assert "Loaded 3 program codes (3 new, 0 changed, 0 unchanged, 0 removed)." in (
        capsys.readouterr().out
    )
    code = ProgramCode.objects.get(code="BTS02")
    assert (code.name_en, code.name_fr) == ("Price Statistics", "Statistiques des prix")
    assert code.valid_orgs == {"test-essai": {"until_fiscal_end": 2024}}
    history = code.history.get()
    assert (history.history_type, history.history_change_reason) == (
        "+",
        "load-program-codes service_data_dict.json",
    )


def test_reloading_follows_the_dictionary_exactly(write_dictionary, capsys):
    call_command("inventory", "load-program-codes", str(write_dictionary()))
    changed = {
        "BTS01": CHOICES["BTS01"],
        "BTS02": {**CHOICES["BTS02"], "valid_orgs": {"test-essai": {"until_fiscal_end": 2027}}},
        "BTS03": {"en": "New", "fr": "Nouveau", "valid_orgs": {"test-essai": {}}},
    }
    call_command(
        "inventory", "--language", "fr", "load-program-codes", str(write_dictionary(changed))
    )
    out = capsys.readouterr().out
    assert (
        "Codes de programme chargés : 3 (nouveaux : 1, modifiés : 1, inchangés : 1, retirés : 1)."
        in out
    )
    assert sorted(ProgramCode.objects.values_list("code", flat=True)) == ["BTS01", "BTS02", "BTS03"]
    assert ProgramCode.objects.get(code="BTS02").valid_orgs["test-essai"] == {
        "until_fiscal_end": 2027
    }
    assert ProgramCode.history.filter(code="ISS01", history_type="-").exists()
    # Loading the same file again changes nothing and writes no history.
    history = ProgramCode.history.count()
    do_load_program_codes(write_dictionary(changed), actor=None)
    assert ProgramCode.history.count() == history


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "cannot be read as JSON"),
        ('{"resources": []}', "has no program_id field in its service resource"),
        (json.dumps(_dictionary({"bad": {"en": "x", "fr": "y"}})), "not in the official shape"),
    ],
)
def test_a_file_that_is_not_the_dictionary_changes_nothing(
    write_dictionary, tmp_path, content, message
):
    call_command("inventory", "load-program-codes", str(write_dictionary()))
    path = tmp_path / "other.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("inventory", "load-program-codes", str(path))
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert "no program code was loaded" in str(raised.value)
    assert ProgramCode.objects.count() == 3


def test_the_refusal_is_worded_in_french(tmp_path):
    path = tmp_path / "other.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("inventory", "--language", "fr", "load-program-codes", str(path))
    assert "n'est pas un dictionnaire de données" in str(raised.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("inventory", "load-program-codes", str(tmp_path / "none.json"))


def test_an_oversize_file_is_not_read(write_dictionary, monkeypatch):
    # The real limit is 50 MB; a smaller one keeps the test fast.
    monkeypatch.setattr("comptoir.inventory.actions.DICTIONARY_MAX_BYTES", 100)
    with pytest.raises(InventoryError) as raised:
        do_load_program_codes(write_dictionary(), actor=None)
    assert raised.value.code == "dictionary_too_large"


# -- imports ---------------------------------------------------------------------------------------


def _import(write_inventory_files, capsys, *rows, strict=False):
    services, standards = write_inventory_files(list(rows), [valid_standard_row()])
    args = ["inventory", "import", "--services", services, "--standards", standards, "--summary"]
    call_command(*args, *(["--strict"] if strict else []))
    return capsys.readouterr()


def test_without_codes_the_import_says_once_that_it_checked_the_format_only(
    write_inventory_files, capsys
):
    rows = [valid_service_row(service_id=str(n), program_id="XYZ99") for n in range(3)]
    services, standards = write_inventory_files(rows, [valid_standard_row(service_id="0")])
    call_command("inventory", "import", "--services", services, "--standards", standards)
    captured = capsys.readouterr()
    assert captured.err.count("program codes were checked for their format only") == 1
    assert not Finding.objects.exists()


def test_with_codes_an_unlisted_code_rejects_a_strict_import(loaded, write_inventory_files, capsys):
    services, standards = write_inventory_files(
        [valid_service_row(program_id="BTS01,XYZ99")], [valid_standard_row()]
    )
    with pytest.raises(ImportRejectedError) as raised:
        do_import_inventory(services, standards, actor=None, strict=True)
    assert [(v.field, v.rule) for v in raised.value.violations] == [
        ("program_id", RuleCode.PROGRAM_ID_NOT_LISTED)
    ]
    assert not ServiceYear.objects.exists()
    with pytest.raises(CommandError) as command:
        call_command(
            "inventory", "import", "--services", services, "--standards", standards, "--strict"
        )
    assert command.value.returncode == 2
    out = capsys.readouterr()
    assert "format only" not in out.err
    assert (
        "The program code “XYZ99” in Program ID Code is not in the Open Government registry's "
        "list of program codes"
    ) in out.out


def test_with_codes_a_clean_file_still_imports_strictly(loaded, write_inventory_files):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    result = do_import_inventory(services, standards, actor=None, strict=True)
    assert (result.services_created, result.violations) == (1, [])


def test_with_codes_other_organizations_and_past_years_are_warnings(loaded, write_inventory_files):
    services, standards = write_inventory_files(
        [valid_service_row(program_id="BTS02,ISS01")], [valid_standard_row()]
    )
    do_import_inventory(services, standards, actor=None)
    found = {f.rule: f for f in Finding.objects.all()}
    assert {rule: f.severity for rule, f in found.items()} == {
        "program_id_expired": "warning",
        "program_id_other_organization": "warning",
    }
    english = findings.render(found["program_id_expired"], "en").message
    french = findings.render(found["program_id_expired"], "fr").message
    assert english == (
        "The registry's list gives the program code “BTS02” to test-essai only up to fiscal year "
        "2023-2024; this record is for 2024-2025."
    )
    assert "BTS02" in french and "2023-2024" in french and "exercice" in french
    assert "other-autre" in findings.render(found["program_id_other_organization"], "fr").message


@pytest.mark.parametrize(
    ("service_cells", "standard_cells", "rule", "field"),
    [
        ({"special_remarks_en": "By courier."}, {}, "text_in_one_language", "special_remarks_fr"),
        ({"service_uri_fr": "https://ex.gc.ca/fr"}, {}, "text_in_one_language", "service_uri_en"),
        ({}, {"comments_fr": "Délai moyen."}, "text_in_one_language", "comments_en"),
        (
            {"automated_decision_system": "Y"},
            {},
            "ads_description_required",
            "automated_decision_system_description_en",
        ),
        ({"os_issuance": "NA"}, {}, "os_comments_required", "os_comments_client_interaction_en"),
        (
            {"num_applications_by_other": "5", "num_applications_total": "370"},
            {},
            "special_remarks_required",
            "special_remarks_en",
        ),
    ],
)
def test_what_the_registry_refuses_rejects_a_strict_import_and_is_an_error_finding(
    write_inventory_files, service_cells, standard_cells, rule, field
):
    services, standards = write_inventory_files(
        [valid_service_row(**service_cells)], [valid_standard_row(**standard_cells)]
    )
    with pytest.raises(ImportRejectedError) as raised:
        do_import_inventory(services, standards, actor=None, strict=True)
    assert (field, rule) in [(v.field, v.rule.value) for v in raised.value.violations]
    assert not ServiceYear.objects.exists()
    do_import_inventory(services, standards, actor=None)
    assert Finding.objects.get(rule=rule, field=field).severity == "error"


def test_the_one_language_message_in_both_languages(write_inventory_files):
    services, standards = write_inventory_files(
        [valid_service_row(special_remarks_en="By courier.")], [valid_standard_row()]
    )
    do_import_inventory(services, standards, actor=None)
    finding = Finding.objects.get(rule="text_in_one_language")
    assert findings.render(finding, "en").message.startswith("Special Remarks (French) is empty")
    assert "en français et en anglais" in findings.render(finding, "fr").message
    assert findings.render(finding, "fr").rule_label == "Texte dans une seule langue officielle"


# -- edits -----------------------------------------------------------------------------------------


def test_an_edit_to_an_unlisted_code_is_refused_once_codes_are_loaded(
    make_service_year, make_user, write_dictionary
):
    from comptoir.accounts.roles import Role

    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    record = make_service_year()
    # No list loaded: the format is all that is checked.
    do_update_service_year(record, {"program_id": "XYZ98"}, actor=custodian)
    do_load_program_codes(write_dictionary(), actor=custodian)
    with pytest.raises(RecordRefusedError) as raised:
        do_update_service_year(record, {"program_id": "XYZ99"}, actor=custodian)
    assert [v.rule for v in raised.value.violations] == [RuleCode.PROGRAM_ID_NOT_LISTED]
    record.refresh_from_db()
    assert record.program_id == "XYZ98"
    saved = do_update_service_year(record, {"program_id": "BTS02"}, actor=custodian)
    assert [v.rule for v in saved.warnings] == [RuleCode.PROGRAM_ID_EXPIRED]


def test_a_new_record_with_an_unlisted_code_is_refused_once_codes_are_loaded(loaded, make_user):
    from comptoir.accounts.roles import Role

    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    organization = Organization.objects.get(owner_org="test-essai")
    cells = {**VALID_SERVICE_CELLS, "program_id": "XYZ99"}
    with pytest.raises(RecordRefusedError):
        do_create_service_year(organization, "77", "2024-2025", cells, actor=custodian)
    assert not ServiceYear.objects.exists()


@pytest.mark.parametrize(
    ("lang", "cells", "field", "words"),
    [
        ("en", {"program_id": "XYZ99"}, "program_id", "is not in the Open Government registry's"),
        ("fr", {"program_id": "XYZ99"}, "program_id", "ne figure pas dans la liste des codes"),
        ("fr", {"special_remarks_fr": "Par messager."}, "special_remarks_en", "qu'en français"),
    ],
)
def test_the_edit_page_refuses_what_the_registry_refuses_in_the_page_language(
    client, loaded, make_user, make_service_year, lang, cells, field, words
):
    from comptoir.accounts.roles import Role

    client.force_login(make_user(Role.INVENTORY_CUSTODIAN))
    record = make_service_year()
    edit = f"/{lang}/inventory/services/{record.pk}/edit/"
    form = client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    response = client.post(edit, data | cells)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#id_{field}"' in page
    assert words in page.replace("&#x27;", "'")
    record.refresh_from_db()
    assert (record.program_id, record.special_remarks_fr) == ("BTS01", "")


# -- the published data ----------------------------------------------------------------------------


@pytest.mark.realdata
def test_the_real_files_meet_the_registry_rules_with_its_program_codes(real_inventory_dir, capsys):
    call_command(
        "inventory", "load-program-codes", str(real_inventory_dir / "service_data_dict.json")
    )
    assert "Loaded 1166 program codes (1166 new" in capsys.readouterr().out
    result = do_import_inventory(
        real_inventory_dir / "service.csv", real_inventory_dir / "service-std.csv", actor=None
    )
    assert ServiceYear.objects.count() == 1752
    registry_rules = {
        "text_in_one_language",
        "ads_description_required",
        "os_comments_required",
        "special_remarks_required",
        "program_id_not_listed",
        "program_id_other_organization",
        "program_id_expired",
        "program_id_not_yet_valid",
    }
    counts = Counter(
        Finding.objects.filter(rule__in=registry_rules).values_list("rule", "severity")
    )
    # None of what the registry refuses; 124 uses of a listed code by another organization
    # (64) or after the last fiscal year the list gives it (60), as warnings.
    assert counts == {
        ("program_id_other_organization", "warning"): 64,
        ("program_id_expired", "warning"): 60,
    }
    # The registry's rules add no error: every violation of the published data is a warning.
    assert {v.severity.value for v in result.violations} == {"warning"}
