"""Validation of open-data rows: one valid row, then one mutation per rule."""

import collections
import csv
import time
from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.core.opendata.csvio import CsvRow, open_csv
from comptoir.core.opendata.schema import (
    SERVICE_COLUMNS,
    STANDARD_COLUMNS,
    Resource,
)
from comptoir.core.opendata.validation import (
    RULE_SEVERITY,
    InventoryValidator,
    RuleCode,
    Severity,
    Violation,
    bounded_count,
    bounded_decimal,
    check_cell_count,
    check_header,
    is_key_violation,
    validate_inventory,
    validate_service_row,
    validate_standard_row,
)

R = RuleCode

VALID_SERVICE: dict[str, str] = {
    "fiscal_yr": "2023-2024",
    "service_id": "1234",
    "service_name_en": "Export permits",
    "service_name_fr": "Licences d'exportation",
    "service_description_en": "Permits to export controlled goods.",
    "service_description_fr": "Licences pour exporter des marchandises contrôlées.",
    "service_type": "APIR,REG_VOL",
    "service_recipient_type": "CLIENT",
    "service_scope": "EXTERN",
    "client_target_groups": "ECONOM,PERSON",
    "program_id": "BUH04",
    "program_name_en": "'Trade Controls'",
    "program_name_fr": "'Contrôles commerciaux'",
    "client_feedback_channel": "EML,ONL",
    "automated_decision_system": "N",
    "automated_decision_system_description_en": "",
    "automated_decision_system_description_fr": "",
    "service_fee": "Y",
    "os_account_registration": "Y",
    "os_authentication": "Y",
    "os_application": "Y",
    "os_decision": "N",
    "os_issuance": "Y",
    "os_issue_resolution_feedback": "Y",
    "os_comments_client_interaction_en": "",
    "os_comments_client_interaction_fr": "",
    "last_service_review": "2022-2023",
    "last_service_improvement": "",
    "sin_usage": "N",
    "cra_bn_identifier_usage": "Y",
    "num_phone_enquiries": "100",
    "num_applications_by_phone": "5",
    "num_website_visits": "ND",
    "num_applications_online": "50",
    "num_applications_in_person": "NA",
    "num_applications_by_mail": "0",
    "num_applications_by_email": "3",
    "num_applications_by_fax": "NA",
    "num_applications_by_other": "0",
    "num_applications_total": "58",
    "special_remarks_en": "",
    "special_remarks_fr": "",
    "service_uri_en": "https://example.gc.ca/en",
    "service_uri_fr": "https://example.gc.ca/fr",
    "owner_org": "gac-amc",
    "owner_org_title": "Global Affairs Canada | Affaires mondiales Canada",
}

VALID_STANDARD: dict[str, str] = {
    "fiscal_yr": "2023-2024",
    "service_id": "1234",
    "service_name_en": "Export permits",
    "service_name_fr": "Licences d'exportation",
    "service_standard_id": "S-1",
    "service_standard_en": "Permits issued within 10 business days",
    "service_standard_fr": "Licences délivrées en 10 jours ouvrables",
    "type": "TML",
    "channel": "ONL",
    "channel_comments_en": "",
    "channel_comments_fr": "",
    "target": "0.8",
    "volume_meeting_target": "45",
    "total_volume": "50",
    "performance": "0.9",
    "comments_en": "",
    "comments_fr": "",
    "target_met": "Y",
    "standards_targets_uri_en": "https://example.gc.ca/en/standards",
    "standards_targets_uri_fr": "https://example.gc.ca/fr/normes",
    "performance_results_uri_en": "",
    "performance_results_uri_fr": "",
    "owner_org": "gac-amc",
    "owner_org_title": "Global Affairs Canada | Affaires mondiales Canada",
}


def test_the_valid_rows_are_complete_and_valid() -> None:
    assert tuple(VALID_SERVICE) == SERVICE_COLUMNS
    assert tuple(VALID_STANDARD) == STANDARD_COLUMNS
    assert validate_service_row(VALID_SERVICE) == []
    assert validate_standard_row(VALID_STANDARD) == []


def test_every_rule_has_a_severity() -> None:
    assert set(RULE_SEVERITY) == set(RuleCode)
    assert RULE_SEVERITY[R.REQUIRED] is Severity.ERROR
    assert RULE_SEVERITY[R.FEEDBACK_ONLINE_MISMATCH] is Severity.WARNING
    assert RULE_SEVERITY[R.PROGRAM_ID_UNKNOWN] is Severity.INFO


def _found(violations: list[Violation]) -> list[tuple[str, RuleCode, dict[str, str | int]]]:
    return sorted(((v.field, v.rule, dict(v.params)) for v in violations), key=repr)


# (changes to the valid row, every violation expected as (field, rule, params))
SERVICE_CASES: list[tuple[dict[str, str], list[tuple[str, RuleCode, dict[str, str | int]]]]] = [
    ({"service_name_en": ""}, [("service_name_en", R.REQUIRED, {})]),
    ({"service_name_fr": "  "}, [("service_name_fr", R.REQUIRED, {})]),
    ({"owner_org": ""}, [("owner_org", R.REQUIRED, {})]),
    ({"num_applications_total": ""}, [("num_applications_total", R.REQUIRED, {})]),
    ({"service_id": "12,34"}, [("service_id", R.ID_CONTAINS_COMMA, {"value": "12,34"})]),
    (
        {"service_name_en": "x" * 351},
        [("service_name_en", R.TOO_LONG, {"limit": 350, "length": 351})],
    ),
    ({"service_name_en": "x" * 350}, []),
    (
        {"service_recipient_type": "PEOPLE"},
        [("service_recipient_type", R.NOT_A_CHOICE, {"value": "PEOPLE"})],
    ),
    ({"service_type": "APIR,XYZ"}, [("service_type", R.NOT_A_CHOICE, {"value": "XYZ"})]),
    ({"service_type": "APIR, GNC"}, [("service_type", R.NOT_A_CHOICE, {"value": " GNC"})]),
    ({"service_type": "apir"}, [("service_type", R.NOT_A_CHOICE, {"value": "apir"})]),
    ({"service_scope": "EXTERN,"}, [("service_scope", R.NOT_A_CHOICE, {"value": ""})]),
    ({"service_type": "APIR,APIR"}, [("service_type", R.REPEATED_CHOICE, {"value": "APIR"})]),
    ({"fiscal_yr": "2023-24"}, [("fiscal_yr", R.FISCAL_YEAR_FORMAT, {"value": "2023-24"})]),
    (
        {"last_service_review": "2022"},
        [("last_service_review", R.FISCAL_YEAR_FORMAT, {"value": "2022"})],
    ),
    ({"program_id": "BUH04,12"}, [("program_id", R.PROGRAM_ID_FORMAT, {"value": "12"})]),
    (
        {"num_applications_online": "lots"},
        [("num_applications_online", R.NOT_A_COUNT, {"value": "lots"})],
    ),
    (
        {"num_phone_enquiries": "1.5"},
        [("num_phone_enquiries", R.NOT_A_COUNT, {"value": "1.5"})],
    ),
    (
        {"num_website_visits": "-3"},
        [("num_website_visits", R.NEGATIVE_NUMBER, {"value": "-3"})],
    ),
    (
        {"num_applications_total": "NA"},
        [("num_applications_total", R.NOT_A_COUNT, {"value": "NA"})],
    ),
    (
        {"num_applications_total": "59"},
        [("num_applications_total", R.APPLICATIONS_TOTAL_MISMATCH, {"value": 59, "expected": 58})],
    ),
    (
        {"os_decision": "NA"},
        [
            (
                "os_comments_client_interaction_en",
                R.OS_COMMENTS_REQUIRED,
                {"points": "os_decision"},
            ),
            (
                "os_comments_client_interaction_fr",
                R.OS_COMMENTS_REQUIRED,
                {"points": "os_decision"},
            ),
        ],
    ),
    (
        {"os_decision": "NA", "os_issuance": "NA", "os_comments_client_interaction_en": "Paper."},
        [
            (
                "os_comments_client_interaction_fr",
                R.OS_COMMENTS_REQUIRED,
                {"points": "os_decision,os_issuance"},
            )
        ],
    ),
    (
        {
            "os_decision": "NA",
            "os_comments_client_interaction_en": "Paper.",
            "os_comments_client_interaction_fr": "Papier.",
        },
        [],
    ),
    (
        {"num_applications_by_other": "7", "num_applications_total": "65"},
        [
            ("special_remarks_en", R.SPECIAL_REMARKS_REQUIRED, {"value": 7}),
            ("special_remarks_fr", R.SPECIAL_REMARKS_REQUIRED, {"value": 7}),
        ],
    ),
    (
        {
            "num_applications_by_other": "7",
            "num_applications_total": "65",
            "special_remarks_en": "Audits.",
            "special_remarks_fr": "Vérifications.",
        },
        [],
    ),
    (
        {"automated_decision_system": "Y"},
        [
            ("automated_decision_system_description_en", R.ADS_DESCRIPTION_REQUIRED, {}),
            ("automated_decision_system_description_fr", R.ADS_DESCRIPTION_REQUIRED, {}),
        ],
    ),
    (
        {"client_feedback_channel": "EML"},
        [
            (
                "client_feedback_channel",
                R.FEEDBACK_ONLINE_MISMATCH,
                {"value": "EML", "os_issue_resolution_feedback": "Y"},
            )
        ],
    ),
    (
        {"os_issue_resolution_feedback": "N"},
        [
            (
                "client_feedback_channel",
                R.FEEDBACK_ONLINE_MISMATCH,
                {"value": "EML,ONL", "os_issue_resolution_feedback": "N"},
            )
        ],
    ),
    ({"client_feedback_channel": "EML", "os_issue_resolution_feedback": "N"}, []),
    (
        {"client_feedback_channel": "NON,ONL"},
        [("client_feedback_channel", R.FEEDBACK_NONE_COMBINED, {"value": "NON,ONL"})],
    ),
    (
        {"cra_bn_identifier_usage": "NA"},
        [
            (
                "cra_bn_identifier_usage",
                R.CRA_BN_USAGE_MISMATCH,
                {"value": "NA", "client_target_groups": "ECONOM,PERSON"},
            )
        ],
    ),
    (
        {"client_target_groups": "PERSON"},
        [
            (
                "cra_bn_identifier_usage",
                R.CRA_BN_USAGE_MISMATCH,
                {"value": "Y", "client_target_groups": "PERSON"},
            )
        ],
    ),
    ({"client_target_groups": "PERSON", "cra_bn_identifier_usage": "NA"}, []),
    # A cell that is empty or not a choice is reported once: no consistency check on top.
    ({"client_feedback_channel": ""}, [("client_feedback_channel", R.REQUIRED, {})]),
    (
        {"os_issue_resolution_feedback": "X"},
        [("os_issue_resolution_feedback", R.NOT_A_CHOICE, {"value": "X"})],
    ),
    ({"client_target_groups": ""}, [("client_target_groups", R.REQUIRED, {})]),
    (
        {"cra_bn_identifier_usage": "X"},
        [("cra_bn_identifier_usage", R.NOT_A_CHOICE, {"value": "X"})],
    ),
    ({"cra_bn_identifier_usage": "N"}, []),
]


@pytest.mark.parametrize(("changes", "expected"), SERVICE_CASES, ids=repr)
def test_service_rule(
    changes: dict[str, str], expected: list[tuple[str, RuleCode, dict[str, str | int]]]
) -> None:
    violations = validate_service_row({**VALID_SERVICE, **changes}, row=7)
    assert _found(violations) == sorted(expected, key=repr)
    for violation in violations:
        assert violation.resource is Resource.SERVICE
        assert violation.row == 7
        assert violation.service_id == ({**VALID_SERVICE, **changes}["service_id"])
        assert violation.standard_id == ""


def test_unknown_program_codes_are_reported_only_when_known_codes_are_given() -> None:
    row = {**VALID_SERVICE, "program_id": "BUH04,BUH05"}
    assert validate_service_row(row) == []
    violations = validate_service_row(row, known_program_ids={"BUH04"})
    assert _found(violations) == [("program_id", R.PROGRAM_ID_UNKNOWN, {"value": "BUH05"})]
    assert violations[0].severity is Severity.INFO


def test_a_missing_column_counts_as_an_empty_cell() -> None:
    row = dict(VALID_SERVICE)
    del row["sin_usage"]
    assert _found(validate_service_row(row)) == [("sin_usage", R.REQUIRED, {})]


STANDARD_CASES: list[tuple[dict[str, str], list[tuple[str, RuleCode, dict[str, str | int]]]]] = [
    ({"service_standard_en": ""}, [("service_standard_en", R.REQUIRED, {})]),
    ({"standards_targets_uri_fr": ""}, [("standards_targets_uri_fr", R.REQUIRED, {})]),
    ({"target_met": ""}, [("target_met", R.REQUIRED, {})]),
    (
        {"service_standard_id": "S,1"},
        [("service_standard_id", R.ID_CONTAINS_COMMA, {"value": "S,1"})],
    ),
    (
        {"service_standard_en": "x" * 501},
        [("service_standard_en", R.TOO_LONG, {"limit": 500, "length": 501})],
    ),
    ({"type": "SPEED"}, [("type", R.NOT_A_CHOICE, {"value": "SPEED"})]),
    ({"channel": "NON"}, [("channel", R.NOT_A_CHOICE, {"value": "NON"})]),
    ({"target_met": "YES"}, [("target_met", R.NOT_A_CHOICE, {"value": "YES"})]),
    ({"fiscal_yr": "2023"}, [("fiscal_yr", R.FISCAL_YEAR_FORMAT, {"value": "2023"})]),
    (
        {"channel": "OTH"},
        [
            ("channel_comments_en", R.CHANNEL_COMMENTS_REQUIRED, {}),
            ("channel_comments_fr", R.CHANNEL_COMMENTS_REQUIRED, {}),
        ],
    ),
    ({"target": "80%"}, [("target", R.NOT_A_NUMBER, {"value": "80%"})]),
    ({"target": "1.5"}, [("target", R.TARGET_OUT_OF_RANGE, {"value": "1.5"})]),
    ({"target": "-0.1"}, [("target", R.TARGET_OUT_OF_RANGE, {"value": "-0.1"})]),
    ({"target": "0.90"}, []),
    (
        {"volume_meeting_target": "ND"},
        [("volume_meeting_target", R.NOT_A_COUNT, {"value": "ND"})],
    ),
    (
        {"volume_meeting_target": "-1"},
        [("volume_meeting_target", R.NEGATIVE_NUMBER, {"value": "-1"})],
    ),
    (
        {"total_volume": "5.0"},
        [("total_volume", R.NOT_A_COUNT, {"value": "5.0"})],
    ),
    (
        {"performance": "abc"},
        [("performance", R.NOT_A_NUMBER, {"value": "abc"})],
    ),
    (
        {"performance": "-0.9"},
        [("performance", R.NEGATIVE_NUMBER, {"value": "-0.9"})],
    ),
    (
        {"volume_meeting_target": "", "total_volume": "", "performance": "", "target_met": "NA"},
        [("total_volume", R.STANDARD_WITHOUT_VOLUME, {"value": ""})],
    ),
    (
        {"volume_meeting_target": "0", "total_volume": "0", "performance": "", "target_met": "NA"},
        [("total_volume", R.STANDARD_WITHOUT_VOLUME, {"value": "0"})],
    ),
    (
        {"volume_meeting_target": "55", "performance": "1.1"},
        [
            ("volume_meeting_target", R.VOLUME_EXCEEDS_TOTAL, {"value": 55, "total_volume": 50}),
            ("performance", R.PERFORMANCE_ABOVE_100, {"value": "1.1"}),
        ],
    ),
    (
        {"performance": "0.95"},
        [("performance", R.PERFORMANCE_MISMATCH, {"value": "0.95", "expected": "0.9"})],
    ),
    ({"performance": "0.90"}, []),
    (
        {"performance": ""},
        [("performance", R.PERFORMANCE_MISMATCH, {"value": "", "expected": "0.9"})],
    ),
    (
        {"target_met": "N"},
        [("target_met", R.TARGET_MET_MISMATCH, {"value": "N", "expected": "Y"})],
    ),
    (
        {"target": "0.95"},
        [("target_met", R.TARGET_MET_MISMATCH, {"value": "Y", "expected": "N"})],
    ),
    ({"target": "0.95", "target_met": "N"}, []),
    # A target of 0 is not applicable in the official rules.
    ({"target": "0", "target_met": "NA"}, []),
    ({"target": "", "target_met": "NA"}, []),
]


@pytest.mark.parametrize(("changes", "expected"), STANDARD_CASES, ids=repr)
def test_standard_rule(
    changes: dict[str, str], expected: list[tuple[str, RuleCode, dict[str, str | int]]]
) -> None:
    row = {**VALID_STANDARD, **changes}
    violations = validate_standard_row(row, row=3)
    assert _found(violations) == sorted(expected, key=repr)
    for violation in violations:
        assert violation.resource is Resource.STANDARD
        assert (violation.row, violation.service_id) == (3, "1234")
        assert violation.standard_id == row["service_standard_id"].strip()


def test_cross_row_rules() -> None:
    validator = InventoryValidator(existing_services=[("2022-2023", "77")])
    assert validator.service(VALID_SERVICE, row=2) == []
    duplicate = validator.service(VALID_SERVICE, row=9)
    assert _found(duplicate) == [
        ("service_id", R.DUPLICATE_SERVICE, {"fiscal_yr": "2023-2024", "first_row": 2})
    ]
    assert validator.service({**VALID_SERVICE, "fiscal_yr": "2024-2025"}, row=10) == []

    assert validator.standard(VALID_STANDARD, row=2) == []
    assert validator.standard({**VALID_STANDARD, "fiscal_yr": "2024-2025"}, row=3) == []
    assert _found(validator.standard(VALID_STANDARD, row=4)) == [
        ("service_standard_id", R.DUPLICATE_STANDARD, {"fiscal_yr": "2023-2024", "first_row": 2})
    ]
    orphan = {**VALID_STANDARD, "fiscal_yr": "2022-2023", "service_id": "99"}
    assert _found(validator.standard(orphan, row=5)) == [
        ("service_id", R.STANDARD_WITHOUT_SERVICE, {"fiscal_yr": "2022-2023"})
    ]
    # The same standard id under another service of the same year (service 77 exists).
    known = {**VALID_STANDARD, "fiscal_yr": "2022-2023", "service_id": "77"}
    assert _found(validator.standard(known, row=6)) == [
        (
            "service_standard_id",
            R.STANDARD_ID_REUSED,
            {"fiscal_yr": "2022-2023", "other_service_id": "99", "first_row": 5},
        ),
    ]
    assert validator.standard({**known, "service_standard_id": "S-2"}, row=7) == []


def test_rows_without_a_key_are_not_tracked_across_rows() -> None:
    validator = InventoryValidator()
    no_id = {**VALID_SERVICE, "service_id": ""}
    assert _found(validator.service(no_id, row=2)) == [("service_id", R.REQUIRED, {})]
    assert _found(validator.service(no_id, row=3)) == [("service_id", R.REQUIRED, {})]
    no_standard_id = {**VALID_STANDARD, "service_standard_id": ""}
    assert _found(validator.standard(no_standard_id, row=2)) == [
        ("service_standard_id", R.REQUIRED, {})
    ]


def test_validate_inventory_reads_headers_and_cell_counts(tmp_path: Path) -> None:
    services = tmp_path / "service.csv"
    standards = tmp_path / "service-std.csv"
    with services.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(SERVICE_COLUMNS)
        writer.writerow([*VALID_SERVICE.values(), "extra"])
    standard_header = [c for c in STANDARD_COLUMNS if c != "performance_results_uri_fr"]
    with standards.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(standard_header)
        writer.writerow([VALID_STANDARD[c] for c in standard_header])
    with open_csv(services) as service_reader, open_csv(standards) as standard_reader:
        found = list(
            validate_inventory(
                service_reader.header, service_reader, standard_reader.header, standard_reader
            )
        )
    assert [(v.resource, v.row, v.field, v.rule) for v in found] == [
        (Resource.SERVICE, 2, "", R.ROW_CELL_COUNT),
        (Resource.STANDARD, 1, "performance_results_uri_fr", R.HEADER_MISSING_COLUMN),
    ]
    assert found[0].params == {"expected": 46, "found": 47}


def test_header_rules() -> None:
    assert check_header(Resource.STANDARD, STANDARD_COLUMNS) == []
    header = [c for c in STANDARD_COLUMNS if c != "target"]
    header[0], header[1] = header[1], header[0]
    header += ["colour", "owner_org"]
    found = check_header(Resource.STANDARD, header)
    assert _found(found) == sorted(
        [
            ("colour", R.HEADER_UNEXPECTED_COLUMN, {"position": 24}),
            ("owner_org", R.HEADER_DUPLICATE_COLUMN, {"position": 25}),
            ("target", R.HEADER_MISSING_COLUMN, {}),
            ("service_id", R.HEADER_COLUMN_ORDER, {"position": 1}),
        ],
        key=repr,
    )
    assert all(v.row == 1 for v in found)
    assert _found(check_header(Resource.SERVICE, STANDARD_COLUMNS))[0][1] in {
        R.HEADER_UNEXPECTED_COLUMN,
        R.HEADER_MISSING_COLUMN,
    }


def test_cell_count_rule() -> None:
    ok = CsvRow(2, VALID_SERVICE, 46)
    assert check_cell_count(Resource.SERVICE, ok, 46) == []
    short = CsvRow(5, VALID_STANDARD, 20)
    (violation,) = check_cell_count(Resource.STANDARD, short, 24)
    assert (violation.row, violation.rule, dict(violation.params)) == (
        5,
        R.ROW_CELL_COUNT,
        {"expected": 24, "found": 20},
    )
    assert violation.standard_id == "S-1"


# Violations of the published 2023-2024 files, per (resource, rule, field). Computed once, then
# asserted: a change in a rule that moves these counts must be deliberate.
REAL_COUNTS = {
    ("service", "cra_bn_usage_mismatch", "cra_bn_identifier_usage"): 647,
    ("service", "feedback_none_combined", "client_feedback_channel"): 1,
    ("service", "feedback_online_mismatch", "client_feedback_channel"): 422,
    ("service-std", "channel_comments_required", "channel_comments_en"): 41,
    ("service-std", "channel_comments_required", "channel_comments_fr"): 41,
    ("service-std", "performance_above_100", "performance"): 6,
    ("service-std", "standard_id_reused", "service_standard_id"): 8,
    ("service-std", "standard_without_volume", "total_volume"): 475,
    ("service-std", "volume_exceeds_total", "volume_meeting_target"): 9,
    # Cells of the URL fields that are not one http(s) address ("N/A", "www.canada.ca/...",
    # several addresses, a page title): warnings, shown as text. No unsafe scheme is published.
    ("service", "not_a_web_address", "service_uri_en"): 194,
    ("service", "not_a_web_address", "service_uri_fr"): 199,
    ("service-std", "not_a_web_address", "performance_results_uri_en"): 994,
    ("service-std", "not_a_web_address", "performance_results_uri_fr"): 1001,
    ("service-std", "not_a_web_address", "standards_targets_uri_en"): 828,
    ("service-std", "not_a_web_address", "standards_targets_uri_fr"): 805,
}


@pytest.mark.realdata
def test_real_files_validate_with_stable_counts(real_inventory_dir: Path) -> None:
    started = time.perf_counter()
    with (
        open_csv(real_inventory_dir / "service.csv") as services,
        open_csv(real_inventory_dir / "service-std.csv") as standards,
    ):
        violations = list(
            validate_inventory(services.header, services, standards.header, standards)
        )
    elapsed = time.perf_counter() - started
    counts = collections.Counter((v.resource.value, v.rule.value, v.field) for v in violations)
    print(f"\nread + validated both real files in {elapsed:.3f} s")
    for key, count in sorted(counts.items()):
        print(count, *key)
    assert dict(counts) == REAL_COUNTS
    # No format error in the published data: only consistency findings.
    assert {v.severity for v in violations} == {Severity.WARNING}
    # Published performance and target_met agree with the official rules on every row.
    assert not {R.PERFORMANCE_MISMATCH, R.TARGET_MET_MISMATCH} & {v.rule for v in violations}


# -- bounds of numbers and years, keys that page addresses carry, web addresses (issue 17) --------

HUGE = "9" * 5000
LIMIT = 2_147_483_647

BOUND_SERVICE_CASES: list[
    tuple[dict[str, str], list[tuple[str, RuleCode, dict[str, str | int]]]]
] = [
    # Counts: whole numbers from 0 to the registry's 32-bit maximum.
    ({"num_website_visits": str(LIMIT)}, []),
    (
        {"num_website_visits": str(LIMIT + 1)},
        [("num_website_visits", R.NUMBER_TOO_LARGE, {"value": "2147483648", "limit": LIMIT})],
    ),
    ({"num_website_visits": "000000000000000000042"}, []),
    (
        # 5,000 digits: refused, without converting them (and quoted cut short).
        {"num_phone_enquiries": HUGE},
        [("num_phone_enquiries", R.NUMBER_TOO_LARGE, {"value": "9" * 59 + "…", "limit": LIMIT})],
    ),
    (
        # An out-of-bounds channel is reported once: the total is not re-added on top of it.
        {"num_applications_online": HUGE},
        [
            (
                "num_applications_online",
                R.NUMBER_TOO_LARGE,
                {"value": "9" * 59 + "…", "limit": LIMIT},
            )
        ],
    ),
    (
        {"num_applications_total": "1" + "0" * 400},
        [
            (
                "num_applications_total",
                R.NUMBER_TOO_LARGE,
                {"value": "1" + "0" * 58 + "…", "limit": LIMIT},
            )
        ],
    ),
    # Years of review and improvement: from 2005-2006 to the year after the record's year.
    ({"last_service_review": "2005-2006"}, []),
    ({"last_service_review": "2024-2025"}, []),
    (
        {"last_service_review": "2004-2005"},
        [
            (
                "last_service_review",
                R.YEAR_OUT_OF_RANGE,
                {"value": "2004-2005", "earliest": "2005-2006", "latest": "2024-2025"},
            )
        ],
    ),
    (
        {"last_service_improvement": "9998-9999"},
        [
            (
                "last_service_improvement",
                R.YEAR_OUT_OF_RANGE,
                {"value": "9998-9999", "earliest": "2005-2006", "latest": "2024-2025"},
            )
        ],
    ),
    (
        {"fiscal_yr": "1999-2000"},
        [
            (
                "fiscal_yr",
                R.YEAR_OUT_OF_RANGE,
                {"value": "1999-2000", "earliest": "2005-2006", "latest": ""},
            )
        ],
    ),
    # Keys that page addresses carry.
    ({"owner_org": "aafc-aac"}, []),
    ({"owner_org": "tbs-sct2"}, []),
    ({"owner_org": "aafc/aac"}, [("owner_org", R.KEY_FORMAT, {"value": "aafc/aac"})]),
    ({"owner_org": "AAFC-AAC"}, [("owner_org", R.KEY_FORMAT, {"value": "AAFC-AAC"})]),
    ({"owner_org": "aafc-"}, [("owner_org", R.KEY_FORMAT, {"value": "aafc-"})]),
    ({"owner_org": " aafc-aac"}, [("owner_org", R.KEY_FORMAT, {"value": " aafc-aac"})]),
    ({"owner_org": "a" * 101}, [("owner_org", R.KEY_FORMAT, {"value": "a" * 59 + "…"})]),
    ({"service_id": "SRV 12.3_a-b"}, []),
    ({"service_id": "12/34"}, [("service_id", R.KEY_FORMAT, {"value": "12/34"})]),
    ({"service_id": "12?x#y"}, [("service_id", R.KEY_FORMAT, {"value": "12?x#y"})]),
    ({"service_id": "1234 "}, [("service_id", R.KEY_FORMAT, {"value": "1234 "})]),
    ({"service_id": "12\n34"}, [("service_id", R.KEY_FORMAT, {"value": "12\n34"})]),
    # Web addresses: one http(s) address; an unsafe scheme is an error, other text a warning.
    ({"service_uri_en": "http://example.gc.ca:8080/a?b=c#d"}, []),
    ({"service_uri_en": "  https://example.gc.ca/fr/é  "}, []),
    ({"service_uri_en": "", "service_uri_fr": ""}, []),
    (
        {"service_uri_en": "javascript:alert(document.domain)"},
        [
            (
                "service_uri_en",
                R.UNSAFE_URI_SCHEME,
                {"value": "javascript:alert(document.domain)", "scheme": "javascript"},
            )
        ],
    ),
    (
        {"service_uri_fr": " JaVa\tScRiPt:alert(1)"},
        [
            (
                "service_uri_fr",
                R.UNSAFE_URI_SCHEME,
                {"value": " JaVa\tScRiPt:alert(1)", "scheme": "javascript"},
            )
        ],
    ),
    (
        {"service_uri_en": "data:text/html,<script>alert(1)</script>"},
        [
            (
                "service_uri_en",
                R.UNSAFE_URI_SCHEME,
                {"value": "data:text/html,<script>alert(1)</script>", "scheme": "data"},
            )
        ],
    ),
    (
        {"service_uri_en": "www.canada.ca/en"},
        [("service_uri_en", R.NOT_A_WEB_ADDRESS, {"value": "www.canada.ca/en"})],
    ),
    (
        {"service_uri_en": "N/A"},
        [("service_uri_en", R.NOT_A_WEB_ADDRESS, {"value": "N/A"})],
    ),
    (
        {"service_uri_en": "https://a.gc.ca/x https://b.gc.ca/y"},
        [("service_uri_en", R.NOT_A_WEB_ADDRESS, {"value": "https://a.gc.ca/x https://b.gc.ca/y"})],
    ),
    (
        {"service_uri_en": "ftp://example.gc.ca/file"},
        [("service_uri_en", R.NOT_A_WEB_ADDRESS, {"value": "ftp://example.gc.ca/file"})],
    ),
]


def _short_id(case: object) -> str:
    text = repr(case)
    return text if len(text) <= 80 else text[:77] + "..."


@pytest.mark.parametrize(("changes", "expected"), BOUND_SERVICE_CASES, ids=_short_id)
def test_service_bounds_keys_and_web_addresses(
    changes: dict[str, str], expected: list[tuple[str, RuleCode, dict[str, str | int]]]
) -> None:
    assert _found(validate_service_row({**VALID_SERVICE, **changes})) == sorted(expected, key=repr)


BOUND_STANDARD_CASES: list[
    tuple[dict[str, str], list[tuple[str, RuleCode, dict[str, str | int]]]]
] = [
    ({"target": "0.9995", "target_met": "N"}, []),
    (
        {"target": "0.99999"},
        [("target", R.TOO_MANY_DECIMALS, {"value": "0.99999", "limit": 4})],
    ),
    (
        # 400 digits in the volumes: refused; performance and target met are not recomputed.
        {"volume_meeting_target": "1" + "0" * 399, "total_volume": "1" + "0" * 399},
        [
            (
                "volume_meeting_target",
                R.NUMBER_TOO_LARGE,
                {"value": "1" + "0" * 58 + "…", "limit": LIMIT},
            ),
            ("total_volume", R.NUMBER_TOO_LARGE, {"value": "1" + "0" * 58 + "…", "limit": LIMIT}),
        ],
    ),
    (
        {"volume_meeting_target": "1" + "0" * 399, "total_volume": "1"},
        [
            (
                "volume_meeting_target",
                R.NUMBER_TOO_LARGE,
                {"value": "1" + "0" * 58 + "…", "limit": LIMIT},
            )
        ],
    ),
    (
        {"performance": "0.90001"},
        [("performance", R.TOO_MANY_DECIMALS, {"value": "0.90001", "limit": 4})],
    ),
    (
        {"performance": HUGE},
        [
            ("performance", R.NUMBER_TOO_LARGE, {"value": "9" * 59 + "…", "limit": LIMIT}),
        ],
    ),
    ({"service_standard_id": "No service standard ID"}, []),
    (
        {"service_standard_id": "S/1"},
        [("service_standard_id", R.KEY_FORMAT, {"value": "S/1"})],
    ),
    ({"owner_org": ""}, [("owner_org", R.REQUIRED, {})]),
    (
        {
            "performance_results_uri_en": "https://example.gc.ca/en/results",
            "performance_results_uri_fr": "https://example.gc.ca/fr/resultats",
        },
        [],
    ),
    (
        {
            "performance_results_uri_en": "vbscript:msgbox(1)",
            "performance_results_uri_fr": "https://example.gc.ca/fr/resultats",
        },
        [
            (
                "performance_results_uri_en",
                R.UNSAFE_URI_SCHEME,
                {"value": "vbscript:msgbox(1)", "scheme": "vbscript"},
            )
        ],
    ),
    (
        {"standards_targets_uri_fr": "Not applicable"},
        [("standards_targets_uri_fr", R.NOT_A_WEB_ADDRESS, {"value": "Not applicable"})],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), BOUND_STANDARD_CASES, ids=_short_id)
def test_standard_bounds_keys_and_web_addresses(
    changes: dict[str, str], expected: list[tuple[str, RuleCode, dict[str, str | int]]]
) -> None:
    assert _found(validate_standard_row({**VALID_STANDARD, **changes})) == sorted(
        expected, key=repr
    )


def test_the_new_rules_have_their_severity() -> None:
    for rule in (
        R.NUMBER_TOO_LARGE,
        R.TOO_MANY_DECIMALS,
        R.YEAR_OUT_OF_RANGE,
        R.KEY_FORMAT,
        R.UNSAFE_URI_SCHEME,
        R.ROW_NOT_STORED,
    ):
        assert RULE_SEVERITY[rule] is Severity.ERROR, rule
    assert RULE_SEVERITY[R.NOT_A_WEB_ADDRESS] is Severity.WARNING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("2147483647", LIMIT),
        (" 12 ", 12),
        ("2147483648", None),
        ("0" * 5000 + "7", 7),
        (HUGE, None),
        ("", None),
        ("NA", None),
        ("-1", None),
        ("1.0", None),
        ("١٢", None),  # Arabic-Indic digits are digits to str.isdigit, not to the format
    ],
)
def test_bounded_count(text: str, expected: int | None) -> None:
    assert bounded_count(text) == expected


@pytest.mark.parametrize(
    ("text", "maximum", "expected"),
    [
        ("0.8", 1, Decimal("0.8")),
        ("1", 1, Decimal("1")),
        ("0.9995", 1, Decimal("0.9995")),
        ("0.99995", 1, None),
        ("1.5", 1, None),
        ("-0.1", 1, None),
        ("1.0355", LIMIT, Decimal("1.0355")),
        (HUGE, LIMIT, None),
        ("abc", 1, None),
        ("", 1, None),
    ],
)
def test_bounded_decimal(text: str, maximum: int, expected: Decimal | None) -> None:
    assert bounded_decimal(text, maximum=maximum) == expected


def test_key_violations_are_the_malformed_key_cells() -> None:
    bad_key = validate_service_row({**VALID_SERVICE, "owner_org": "a/b"})
    assert [is_key_violation(v) for v in bad_key] == [True]
    empty_year = validate_standard_row({**VALID_STANDARD, "fiscal_yr": ""})
    assert any(is_key_violation(v) for v in empty_year)
    # Not a key problem: an old fiscal year is well formed, a bad cell elsewhere is no key.
    old_year = validate_service_row({**VALID_SERVICE, "fiscal_yr": "1999-2000"})
    assert old_year and not any(is_key_violation(v) for v in old_year)
    other = validate_service_row({**VALID_SERVICE, "sin_usage": "X"})
    assert other and not any(is_key_violation(v) for v in other)
    validator = InventoryValidator()
    validator.service(VALID_SERVICE, row=2)
    duplicate = validator.service(VALID_SERVICE, row=3)
    assert duplicate and not any(is_key_violation(v) for v in duplicate)
