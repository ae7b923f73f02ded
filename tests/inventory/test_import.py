"""Import through the action and the command: strict rejection, findings, idempotence, approval."""

import csv
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.accounts.roles import Role
from comptoir.core.opendata.schema import Resource, field_of
from comptoir.inventory.actions import do_approve_fiscal_year, do_import_inventory
from comptoir.inventory.errors import (
    FiscalYearApprovedError,
    HeaderRefusedError,
    ImportRejectedError,
    UnreadableFileError,
)
from comptoir.inventory.forms import ImportForm
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    ImportBatch,
    Organization,
    Program,
    Service,
    ServiceYear,
    StandardYear,
)
from tests.conftest import valid_service_row, valid_standard_row

pytestmark = pytest.mark.django_db


def _inventory_counts():
    return (
        Organization.objects.count(),
        FiscalYear.objects.count(),
        Service.objects.count(),
        ServiceYear.objects.count(),
        StandardYear.objects.count(),
        Finding.objects.count(),
        ServiceYear.history.count(),
    )


def test_a_clean_pair_of_files_imports_with_no_finding(write_inventory_files):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    result = do_import_inventory(services, standards, actor=None, strict=True)
    assert (result.services_created, result.standards_created) == (1, 1)
    record = ServiceYear.objects.get(service__service_id="9001", fiscal_year__code="2024-2025")
    assert record.fiscal_year.organization.title_fr == "Agence d'essai"
    assert record.num_website_visits == "ND"
    assert [p.code for p in record.programs.all()] == ["BTS01"]
    assert Program.objects.get(code="BTS01").name_fr == "Statistiques commerciales"
    standard = record.standard_years.get()
    assert standard.performance == "0.9"
    assert not Finding.objects.exists()
    # Who and when are in the history.
    assert record.history.get().history_type == "+"


def test_the_import_writes_complete_history_rows_with_who_and_when(
    write_inventory_files, make_user
):
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    result = do_import_inventory(services, standards, actor=custodian)
    record = ServiceYear.objects.get()
    row = record.history.get()
    assert (row.history_type, row.history_user, row.history_date) == (
        "+",
        custodian,
        result.batch.created_at,
    )
    for field in ServiceYear.history.model.tracked_fields:
        assert getattr(row, field.attname) == getattr(record, field.attname), field.attname
    standard = StandardYear.objects.get()
    assert standard.history.get().instance.official_row() == standard.official_row()


def test_strict_import_rejects_everything_on_one_violation_and_changes_nothing(
    write_inventory_files, make_service_year
):
    make_service_year(owner_org="test-essai", service_id="1", fiscal_year="2024-2025")
    before = _inventory_counts()
    services, standards = write_inventory_files(
        [valid_service_row(service_id="9001"), valid_service_row(service_id="9002", sin_usage="X")],
        [valid_standard_row()],
    )
    with pytest.raises(ImportRejectedError) as raised:
        do_import_inventory(services, standards, actor=None, strict=True)
    assert [(v.row, v.field, v.rule.value) for v in raised.value.violations] == [
        (3, "sin_usage", "not_a_choice")
    ]
    assert _inventory_counts() == before


def test_default_import_keeps_every_row_as_published_and_stores_each_violation(
    write_inventory_files,
):
    services, standards = write_inventory_files(
        [
            valid_service_row(service_id="9001"),
            valid_service_row(service_id="9002", sin_usage="X", num_applications_online="lots"),
        ],
        [valid_standard_row(channel="OTH")],
    )
    result = do_import_inventory(services, standards, actor=None)
    assert result.services_created == 2
    bad = ServiceYear.objects.get(service__service_id="9002")
    assert (bad.sin_usage, bad.num_applications_online) == ("X", "lots")
    stored = {(f.resource, f.row, f.field, f.rule) for f in Finding.objects.all()}
    assert ("service", 3, "sin_usage", "not_a_choice") in stored
    assert ("service", 3, "num_applications_online", "not_a_count") in stored
    assert ("service-std", 2, "channel_comments_en", "channel_comments_required") in stored
    assert len(stored) == len(result.violations)
    finding = Finding.objects.get(field="sin_usage")
    assert finding.service_year == bad
    assert finding.severity == "error"
    assert finding.import_batch == result.batch
    standard_finding = Finding.objects.get(field="channel_comments_en")
    assert standard_finding.standard_year.standard.service_standard_id == "STD-1"


def test_reimport_updates_the_same_records_and_supersedes_old_findings(write_inventory_files):
    services, standards = write_inventory_files(
        [valid_service_row(sin_usage="X")], [valid_standard_row()]
    )
    do_import_inventory(services, standards, actor=None)
    assert Finding.objects.open().count() == 1
    services, standards = write_inventory_files(
        [valid_service_row(service_name_en="Trade data")], [valid_standard_row()]
    )
    result = do_import_inventory(services, standards, actor=None)
    assert (result.services_created, result.services_updated) == (0, 1)
    assert result.standards_unchanged == 1
    record = ServiceYear.objects.get()
    assert (record.service_name_en, record.sin_usage) == ("Trade data", "N")
    assert Finding.objects.open().count() == 0
    assert Finding.objects.filter(is_resolved=True).count() == 1
    changes = record.history.first().diff_against(record.history.last()).changed_fields
    assert set(changes) == {"service_name_en", "sin_usage"}


def test_an_approved_fiscal_year_refuses_a_reimport(write_inventory_files, make_user):
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    do_import_inventory(services, standards, actor=custodian)
    do_approve_fiscal_year(FiscalYear.objects.get(), actor=custodian)
    services, standards = write_inventory_files(
        [valid_service_row(service_name_en="Changed")], [valid_standard_row()]
    )
    before = _inventory_counts()
    with pytest.raises(FiscalYearApprovedError) as raised:
        do_import_inventory(services, standards, actor=custodian)
    assert "2024-2025" in str(raised.value)
    assert _inventory_counts() == before
    assert ServiceYear.objects.get().service_name_en == VALID_NAME


VALID_NAME = valid_service_row()["service_name_en"]


def test_a_file_that_is_not_utf8_is_refused(tmp_path, write_inventory_files):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    services.write_bytes(services.read_bytes().replace(b"Trade", b"Tr\xe9de"))
    with pytest.raises(UnreadableFileError) as raised:
        do_import_inventory(services, standards, actor=None)
    assert not ServiceYear.objects.exists()
    # The reason is said in words in the reader's language, not as the reader's internal code.
    with translation.override("en"):
        assert "the file is not encoded in UTF-8" in str(raised.value)
    with translation.override("fr"):
        assert "le fichier n'est pas encodé en UTF-8" in str(raised.value)


def test_the_command_exits_non_zero_on_strict_rejection_and_reports_each_violation(
    write_inventory_files, capsys
):
    services, standards = write_inventory_files(
        [valid_service_row(sin_usage="X")], [valid_standard_row()]
    )
    with pytest.raises(CommandError) as raised:
        call_command(
            "inventory", "import", "--services", services, "--standards", standards, "--strict"
        )
    assert raised.value.returncode == 2
    out = capsys.readouterr().out
    assert "service.csv row 2, sin_usage [not_a_choice" in out
    assert "“X”" in out
    assert "1  not_a_choice" in out
    assert not ServiceYear.objects.exists()


def test_the_command_writes_a_bilingual_report(write_inventory_files, tmp_path, capsys):
    services, standards = write_inventory_files(
        [valid_service_row(sin_usage="X")], [valid_standard_row()]
    )
    report = tmp_path / "report.csv"
    call_command(
        "inventory", "import", "--services", services, "--standards", standards, "--report", report
    )
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert [(r["row"], r["field"], r["rule"]) for r in rows] == [("2", "sin_usage", "not_a_choice")]
    # The French message carries the field's official French label.
    label = field_of(Resource.SERVICE, "sin_usage")
    assert label.label_fr in rows[0]["message_fr"]
    assert label.label_en in rows[0]["message_en"]
    assert "Imported 1 service records" in capsys.readouterr().out


@pytest.mark.realdata
def test_the_real_inventory_imports_completely_with_a_finding_per_violation(
    imported_real_inventory, real_inventory_dir
):
    result = imported_real_inventory
    published = list(
        csv.DictReader((real_inventory_dir / "service.csv").open(encoding="utf-8-sig", newline=""))
    )
    assert ServiceYear.objects.count() == len(published) == 1752
    assert StandardYear.objects.count() == 2343
    assert Organization.objects.count() == len({r["owner_org"] for r in published})
    assert Finding.objects.count() == len(result.violations) > 0
    by_rule = Counter(Finding.objects.values_list("rule", flat=True))
    assert by_rule == Counter(v.rule.value for v in result.violations)
    # Every row-level finding is attached to the record of its row.
    assert not Finding.objects.filter(row__gt=1, service_year=None, standard_year=None).exists()
    # Nothing altered: a record's cells are the published ones.
    first = published[0]
    record = ServiceYear.objects.get(
        service__service_id=first["service_id"], fiscal_year__code=first["fiscal_yr"]
    )
    assert record.official_row() == first


@pytest.mark.realdata
def test_reimporting_the_real_inventory_changes_nothing(
    imported_real_inventory, real_inventory_dir
):
    history_before = (ServiceYear.history.count(), StandardYear.history.count())
    result = do_import_inventory(
        real_inventory_dir / "service.csv", real_inventory_dir / "service-std.csv", actor=None
    )
    assert (result.services_created, result.services_updated) == (0, 0)
    assert (result.standards_created, result.standards_updated) == (0, 0)
    assert (ServiceYear.history.count(), StandardYear.history.count()) == history_before
    assert Finding.objects.open().count() == len(result.violations)
    assert result.findings_superseded == len(imported_real_inventory.violations)


def test_uploaded_files_import_like_paths(write_inventory_files):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    result = do_import_inventory(
        SimpleUploadedFile("service.csv", services.read_bytes()),
        SimpleUploadedFile("service-std.csv", standards.read_bytes()),
        actor=None,
    )
    assert (result.services_created, result.standards_created) == (1, 1)
    assert result.batch.services_file == "service.csv"
    assert len(result.batch.services_sha256) == 64


def test_reimport_relinks_programs_only_when_the_program_changes(write_inventory_files):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    do_import_inventory(services, standards, actor=None)
    do_import_inventory(services, standards, actor=None)
    record = ServiceYear.objects.get()
    assert [p.code for p in record.programs.all()] == ["BTS01"]
    services, standards = write_inventory_files(
        [
            valid_service_row(
                program_id="BTS01,BTS02",
                program_name_en="'Trade Statistics', 'Price Statistics'",
                program_name_fr="'Statistiques commerciales', 'Statistiques des prix'",
            )
        ],
        [valid_standard_row()],
    )
    do_import_inventory(services, standards, actor=None)
    assert sorted(p.code for p in record.programs.all()) == ["BTS01", "BTS02"]
    assert Program.objects.get(code="BTS02").name_fr == "Statistiques des prix"


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(write_inventory_files):
    def queries_for(count):
        services, standards = write_inventory_files(
            [
                valid_service_row(owner_org=f"org-{count}", service_id=f"{n}", sin_usage="X")
                for n in range(count)
            ],
            [
                valid_standard_row(
                    owner_org=f"org-{count}", service_id=f"{n}", service_standard_id=f"S{n}"
                )
                for n in range(count)
            ],
        )
        with CaptureQueriesContext(connection) as captured:
            do_import_inventory(services, standards, actor=None)
        return len(captured)

    assert queries_for(3) == queries_for(60)


# --- files that are not the format are refused in every mode ----------------------------------

#: A file of quotation marks: one quoted cell that never closes, over many lines.
QUOTES = b'"' * 5_001 + b"\r\n" + (b'"' * 80 + b"\r\n") * 2_000
#: A file of quotation marks whose first line closes its cell: a header of one odd column.
CLOSED_QUOTES = b'"' * 5_000 + b"\r\n" + (b'"' * 80 + b"\r\n") * 2_000
#: A file of 10,000 columns, in the header and every row.
WIDE = (b",".join(b"c%d" % number for number in range(10_000)) + b"\r\n") * 50
#: A services file with one official column missing and one column the format does not have.
HEADER_CHANGES = {"sin_usage": None, "colour": "blue"}


def _hostile_files(write_inventory_files, hostile: bytes | None):
    services, standards = write_inventory_files([valid_service_row()], [valid_standard_row()])
    if hostile is not None:
        services.write_bytes(hostile)
    return services, standards


def _changed_header(services):
    """The services file with ``HEADER_CHANGES`` applied to its header and rows."""
    with services.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        for column, value in HEADER_CHANGES.items():
            if value is None:
                del row[column]
            else:
                row[column] = value
    with services.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return services.read_bytes()


@pytest.fixture
def importer(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="importer")


def _everything():
    return (*_inventory_counts(), Program.objects.count(), ImportBatch.objects.count())


@pytest.mark.parametrize("is_strict", [False, True])
@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        (QUOTES, "the record at row 1 is longer than 131072 bytes"),
        (CLOSED_QUOTES, "It has 1 column the format does not define: “" + '"' * 40 + "…”."),
        (WIDE, "row 1 has more than 200 cells"),
        ("header", "It lacks 1 official column: “sin_usage”."),
    ],
    ids=["quotes", "closed-quotes", "10000-columns", "header"],
)
def test_a_file_that_is_not_the_format_is_refused_by_the_command_in_every_mode(
    write_inventory_files, capsys, hostile, expected, is_strict
):
    services, standards = _hostile_files(write_inventory_files, None)
    services.write_bytes(_changed_header(services) if hostile == "header" else hostile)
    before = _everything()
    arguments = ["--services", services, "--standards", standards]
    with pytest.raises(CommandError) as raised:
        call_command("inventory", "import", *arguments, *(["--strict"] if is_strict else []))
    assert raised.value.returncode == 2
    assert expected in str(raised.value)
    assert "nothing was imported" in str(raised.value)
    assert _everything() == before


@pytest.mark.parametrize("is_strict", [False, True])
@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        (QUOTES, "the record at row 1 is longer than 131072 bytes"),
        (CLOSED_QUOTES, "is not an official services file (service.csv)"),
        (WIDE, "row 1 has more than 200 cells"),
        ("header", "It lacks 1 official column"),
    ],
    ids=["quotes", "closed-quotes", "10000-columns", "header"],
)
def test_a_file_that_is_not_the_format_is_refused_by_the_page_in_every_mode(
    client, importer, write_inventory_files, hostile, expected, is_strict
):
    services, standards = _hostile_files(write_inventory_files, None)
    data = _changed_header(services) if hostile == "header" else hostile
    before = _everything()
    client.force_login(importer)
    response = client.post(
        "/en/inventory/import/",
        {
            "services": SimpleUploadedFile("service.csv", data),
            "standards": SimpleUploadedFile("service-std.csv", standards.read_bytes()),
            **({"strict": "on"} if is_strict else {}),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert "nothing was imported" in page
    assert "The files were imported." not in page
    assert _everything() == before


def test_the_header_refusal_names_the_columns_in_both_languages(write_inventory_files):
    services, standards = _hostile_files(write_inventory_files, None)
    services.write_bytes(_changed_header(services))
    with pytest.raises(HeaderRefusedError) as raised:
        do_import_inventory(services, standards, actor=None)
    rules = {(v.rule.value, v.field) for v in raised.value.violations}
    assert rules == {
        ("header_missing_column", "sin_usage"),
        ("header_unexpected_column", "colour"),
    }
    with translation.override("en"):
        text = str(raised.value)
    assert "service.csv is not an official services file (service.csv)" in text
    assert "It has 1 column the format does not define: “colour”." in text
    with translation.override("fr"):
        text = str(raised.value)
    assert "service.csv n'est pas un fichier de services officiel (service.csv)" in text
    assert "« sin_usage »" in text or "“sin_usage”" in text


def test_a_header_in_another_order_or_the_other_file_is_refused(write_inventory_files):
    services, standards = _hostile_files(write_inventory_files, None)
    # The two files swapped: each has the other's header.
    with pytest.raises(HeaderRefusedError) as raised:
        do_import_inventory(standards, services, actor=None)
    assert raised.value.resource == "service"
    # The official columns, two of them swapped.
    lines = services.read_bytes().split(b"\r\n")
    header = lines[0].removeprefix(b"\xef\xbb\xbf").split(b",")
    header[0], header[1] = header[1], header[0]
    lines[0] = b",".join(header)
    services.write_bytes(b"\r\n".join(lines))
    before = _everything()
    with pytest.raises(HeaderRefusedError) as raised:
        do_import_inventory(services, standards, actor=None)
    assert "Its columns are not in the official order." in str(raised.value)
    assert _everything() == before


def test_an_oversize_upload_is_refused_by_its_size_without_being_read(
    client, importer, write_inventory_files, settings
):
    services, standards = _hostile_files(write_inventory_files, None)
    settings.COMPTOIR_IMPORT_MAX_BYTES = len(services.read_bytes()) - 1
    before = _everything()
    client.force_login(importer)
    response = client.post(
        "/en/inventory/import/",
        {
            "services": SimpleUploadedFile("service.csv", services.read_bytes()),
            "standards": SimpleUploadedFile("service-std.csv", standards.read_bytes()),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "service.csv is" in page
    assert "more than the " in page and " bytes an import accepts" in page
    assert _everything() == before

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("the form read the upload")

    upload = Unreadable("service.csv", b"x")
    upload.size = settings.COMPTOIR_IMPORT_MAX_BYTES + 1
    form = ImportForm(
        {}, {"services": upload, "standards": SimpleUploadedFile("service-std.csv", b"x")}
    )
    assert not form.is_valid()
    assert form.errors["services"][0].startswith("service.csv is ")
    with translation.override("fr"):
        form = ImportForm(
            {}, {"services": upload, "standards": SimpleUploadedFile("service-std.csv", b"x")}
        )
        assert "rien n'a été importé" in form.errors["services"][0]


def test_an_oversize_file_is_refused_by_the_command_by_its_size_on_disk(
    write_inventory_files, settings
):
    services, standards = _hostile_files(write_inventory_files, None)
    settings.COMPTOIR_IMPORT_MAX_BYTES = services.stat().st_size - 1
    before = _everything()
    with pytest.raises(CommandError) as raised:
        call_command("inventory", "import", "--services", services, "--standards", standards)
    assert raised.value.returncode == 2
    assert "more than the " in str(raised.value) and "COMPTOIR_IMPORT_MAX_BYTES" in str(
        raised.value
    )
    assert _everything() == before


def test_the_default_size_limit_is_comfortably_above_the_real_files(settings, real_inventory_dir):
    sizes = [
        (real_inventory_dir / name).stat().st_size for name in ("service.csv", "service-std.csv")
    ]
    assert max(sizes) * 4 < settings.COMPTOIR_IMPORT_MAX_BYTES
