"""The Open Government registry's own checks: texts in both languages, conditional requirements,
and the registry's list of program codes (``comptoir.core.opendata.programs``)."""

import collections
import json
from pathlib import Path

import pytest

from comptoir.core.opendata.csvio import open_csv
from comptoir.core.opendata.programs import (
    DictionaryFormatError,
    ListedProgram,
    ProgramList,
    ProgramUse,
    Validity,
    programs_from_dictionary,
)
from comptoir.core.opendata.schema import Resource
from comptoir.core.opendata.validation import (
    BOTH_LANGUAGE_TEXTS,
    RULE_SEVERITY,
    InventoryValidator,
    RuleCode,
    Severity,
    validate_inventory,
    validate_service_row,
    validate_standard_row,
)
from tests.conftest import valid_service_row, valid_standard_row

R = RuleCode

#: The rules this module is about.
REGISTRY_RULES = {
    R.TEXT_IN_ONE_LANGUAGE,
    R.OS_COMMENTS_REQUIRED,
    R.SPECIAL_REMARKS_REQUIRED,
    R.ADS_DESCRIPTION_REQUIRED,
    R.PROGRAM_ID_NOT_LISTED,
    R.PROGRAM_ID_OTHER_ORGANIZATION,
    R.PROGRAM_ID_EXPIRED,
    R.PROGRAM_ID_NOT_YET_VALID,
}


def _found(violations):
    return sorted((v.field, v.rule, dict(v.params)) for v in violations if v.rule in REGISTRY_RULES)


# -- severities: what the registry refuses is an error ---------------------------------------------


@pytest.mark.parametrize(
    ("rule", "severity"),
    [
        (R.TEXT_IN_ONE_LANGUAGE, Severity.ERROR),
        (R.OS_COMMENTS_REQUIRED, Severity.ERROR),
        (R.SPECIAL_REMARKS_REQUIRED, Severity.ERROR),
        (R.ADS_DESCRIPTION_REQUIRED, Severity.ERROR),
        (R.PROGRAM_ID_NOT_LISTED, Severity.ERROR),
        (R.PROGRAM_ID_OTHER_ORGANIZATION, Severity.WARNING),
        (R.PROGRAM_ID_EXPIRED, Severity.WARNING),
        (R.PROGRAM_ID_NOT_YET_VALID, Severity.WARNING),
        # The registry does not require channel comments for OTH: it stays a warning.
        (R.CHANNEL_COMMENTS_REQUIRED, Severity.WARNING),
    ],
)
def test_severity_follows_the_registry(rule, severity):
    assert RULE_SEVERITY[rule] is severity


# -- a text in one official language only ----------------------------------------------------------

SERVICE_ONE_LANGUAGE = [
    (prefix, side) for prefix in BOTH_LANGUAGE_TEXTS[Resource.SERVICE] for side in ("en", "fr")
]
STANDARD_ONE_LANGUAGE = [
    (prefix, side) for prefix in BOTH_LANGUAGE_TEXTS[Resource.STANDARD] for side in ("en", "fr")
]


def test_the_pairs_are_the_registry_triggers_pairs():
    assert BOTH_LANGUAGE_TEXTS == {
        Resource.SERVICE: (
            "automated_decision_system_description",
            "os_comments_client_interaction",
            "special_remarks",
            "service_uri",
        ),
        Resource.STANDARD: ("channel_comments", "comments", "performance_results_uri"),
    }


@pytest.mark.parametrize(("prefix", "given"), SERVICE_ONE_LANGUAGE)
def test_a_service_text_in_one_language_is_refused_on_the_empty_side(prefix, given):
    empty = "fr" if given == "en" else "en"
    text = "https://example.gc.ca/x" if prefix == "service_uri" else "Some words."
    row = valid_service_row(**{f"{prefix}_{given}": text})
    assert _found(validate_service_row(row)) == [
        (f"{prefix}_{empty}", R.TEXT_IN_ONE_LANGUAGE, {"filled": f"{prefix}_{given}"})
    ]


@pytest.mark.parametrize(("prefix", "given"), STANDARD_ONE_LANGUAGE)
def test_a_standard_text_in_one_language_is_refused_on_the_empty_side(prefix, given):
    empty = "fr" if given == "en" else "en"
    text = "https://example.gc.ca/x" if prefix == "performance_results_uri" else "Some words."
    row = valid_standard_row(**{f"{prefix}_{given}": text})
    assert _found(validate_standard_row(row)) == [
        (f"{prefix}_{empty}", R.TEXT_IN_ONE_LANGUAGE, {"filled": f"{prefix}_{given}"})
    ]


@pytest.mark.parametrize(
    "cells",
    [
        {},
        {"special_remarks_en": "Words.", "special_remarks_fr": "Des mots."},
        {"comments_en": "  ", "comments_fr": ""},  # blank on both sides is no text at all
    ],
)
def test_both_languages_or_neither_is_accepted(cells):
    service_cells = {k: v for k, v in cells.items() if not k.startswith("comments")}
    standard_cells = {k: v for k, v in cells.items() if k.startswith("comments")}
    assert _found(validate_service_row(valid_service_row(**service_cells))) == []
    assert _found(validate_standard_row(valid_standard_row(**standard_cells))) == []


def test_channel_comments_in_one_language_are_refused_even_for_oth():
    row = valid_standard_row(channel="OTH", channel_comments_en="Mail and kiosks.")
    found = [(v.field, v.rule) for v in validate_standard_row(row)]
    # The dictionary's requirement (a warning) and the registry's refusal (an error).
    assert ("channel_comments_fr", R.CHANNEL_COMMENTS_REQUIRED) in found
    assert ("channel_comments_fr", R.TEXT_IN_ONE_LANGUAGE) in found


# -- conditional requirements: one error per empty cell, never two ---------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"automated_decision_system": "Y"},
            [
                ("automated_decision_system_description_en", R.ADS_DESCRIPTION_REQUIRED, {}),
                ("automated_decision_system_description_fr", R.ADS_DESCRIPTION_REQUIRED, {}),
            ],
        ),
        (
            # Given in English only: the French side is required, reported once.
            {"automated_decision_system": "Y", "automated_decision_system_description_en": "A."},
            [("automated_decision_system_description_fr", R.ADS_DESCRIPTION_REQUIRED, {})],
        ),
        (
            {
                "automated_decision_system": "Y",
                "automated_decision_system_description_en": "A.",
                "automated_decision_system_description_fr": "A.",
            },
            [],
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
            {"os_decision": "NA", "os_comments_client_interaction_fr": "Sur place."},
            [
                (
                    "os_comments_client_interaction_en",
                    R.OS_COMMENTS_REQUIRED,
                    {"points": "os_decision"},
                )
            ],
        ),
        (
            {"num_applications_by_other": "3", "num_applications_total": "368"},
            [
                ("special_remarks_en", R.SPECIAL_REMARKS_REQUIRED, {"value": 3}),
                ("special_remarks_fr", R.SPECIAL_REMARKS_REQUIRED, {"value": 3}),
            ],
        ),
        (
            {"num_applications_by_other": "0", "num_applications_total": "365"},
            [],
        ),
        (
            {"num_applications_by_other": "ND"},
            [],
        ),
    ],
)
def test_conditional_requirements_are_errors_reported_once_per_cell(cells, expected):
    violations = validate_service_row(valid_service_row(**cells))
    assert _found(violations) == sorted(expected)
    assert all(v.severity is Severity.ERROR for v in violations if v.rule in REGISTRY_RULES)


# -- the program-code list -------------------------------------------------------------------------

LIST = ProgramList(
    [
        ListedProgram(
            "BTS01",
            "Trade Statistics",
            "Statistiques commerciales",
            {"test-essai": Validity(until_fiscal_end=2026)},
        ),
        ListedProgram(
            "BTS02",
            "Price Statistics",
            "Statistiques des prix",
            {"test-essai": Validity(until_fiscal_end=2024)},
        ),
        ListedProgram(
            "BTS03",
            "New Programme",
            "Nouveau programme",
            {"test-essai": Validity(from_fiscal_start=2025)},
        ),
        ListedProgram(
            "ISS01",
            "Internal Services",
            "Services internes",
            {f"org-{n}": Validity() for n in range(7)},
        ),
    ]
)


@pytest.mark.parametrize(
    ("code", "owner_org", "fiscal_yr", "use"),
    [
        ("BTS01", "test-essai", "2025-2026", ProgramUse.LISTED),
        ("BTS01", "test-essai", "2026-2027", ProgramUse.EXPIRED),  # ends in 2027 > 2026
        ("BTS02", "test-essai", "2023-2024", ProgramUse.LISTED),  # the last year: ends in 2024
        ("BTS02", "test-essai", "2024-2025", ProgramUse.EXPIRED),
        ("BTS03", "test-essai", "2024-2025", ProgramUse.NOT_YET_VALID),
        ("BTS03", "test-essai", "2025-2026", ProgramUse.LISTED),  # the first year: starts in 2025
        ("BTS03", "test-essai", "2099-2100", ProgramUse.LISTED),
        ("BTS01", "other-autre", "2024-2025", ProgramUse.OTHER_ORGANIZATION),
        ("XYZ99", "test-essai", "2024-2025", ProgramUse.NOT_LISTED),
        ("BTS02", "test-essai", "not a year", ProgramUse.LISTED),  # the year's own rule says so
    ],
)
def test_a_code_is_judged_by_organization_and_fiscal_year(code, owner_org, fiscal_yr, use):
    assert LIST.use(code, owner_org=owner_org, fiscal_yr=fiscal_yr) is use


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"program_id": "BTS01"}, []),
        ({"program_id": "XYZ99"}, [("program_id", R.PROGRAM_ID_NOT_LISTED, {"value": "XYZ99"})]),
        (
            # Each code of a multi-value cell is checked; a repeated one is reported once.
            {"program_id": "BTS01,XYZ99,XYZ99"},
            [("program_id", R.PROGRAM_ID_NOT_LISTED, {"value": "XYZ99"})],
        ),
        (
            {"program_id": "BTS02"},
            [
                (
                    "program_id",
                    R.PROGRAM_ID_EXPIRED,
                    {
                        "value": "BTS02",
                        "owner_org": "test-essai",
                        "fiscal_yr": "2024-2025",
                        "last_fiscal_yr": "2023-2024",
                    },
                )
            ],
        ),
        (
            {"program_id": "BTS03"},
            [
                (
                    "program_id",
                    R.PROGRAM_ID_NOT_YET_VALID,
                    {
                        "value": "BTS03",
                        "owner_org": "test-essai",
                        "fiscal_yr": "2024-2025",
                        "first_fiscal_yr": "2025-2026",
                    },
                )
            ],
        ),
        (
            {"program_id": "ISS01"},
            [
                (
                    "program_id",
                    R.PROGRAM_ID_OTHER_ORGANIZATION,
                    {
                        "value": "ISS01",
                        "owner_org": "test-essai",
                        "organizations": "org-0, org-1, org-2, org-3, org-4, …",
                        "organization_count": 7,
                    },
                )
            ],
        ),
        # A malformed code is the format rule's, not the list's.
        ({"program_id": "bts01"}, []),
    ],
)
def test_program_codes_are_checked_against_the_list(cells, expected):
    row = valid_service_row(**cells)
    assert _found(validate_service_row(row, program_codes=LIST)) == sorted(expected)


def test_without_a_list_program_codes_are_checked_for_their_format_only():
    row = valid_service_row(program_id="XYZ99")
    assert _found(validate_service_row(row)) == []
    assert [v.rule for v in validate_service_row(valid_service_row(program_id="X1"))] == [
        R.PROGRAM_ID_FORMAT
    ]


def test_the_validator_hands_the_list_to_every_service_row():
    validator = InventoryValidator(program_codes=LIST)
    assert [v.rule for v in validator.service(valid_service_row(program_id="XYZ99"), row=2)] == [
        R.PROGRAM_ID_NOT_LISTED
    ]


# -- reading the dictionary ------------------------------------------------------------------------


def _dictionary(choices):
    return {
        "resources": [
            {
                "resource_name": "service",
                "fields": [{"id": "fiscal_yr"}, {"id": "program_id", "choices": choices}],
            },
            {"resource_name": "service-std", "fields": [{"id": "program_id", "choices": {}}]},
        ]
    }


def test_the_dictionary_gives_codes_names_and_validity():
    programs = programs_from_dictionary(
        _dictionary(
            {
                "BTS02": {
                    "en": " Price Statistics ",
                    "fr": "Statistiques des prix",
                    "valid_orgs": {"test-essai": {"until_fiscal_end": 2024}},
                },
                "BTS01": {
                    "en": "Trade",
                    "fr": "Commerce",
                    "valid_orgs": {
                        "b-org": {"from_fiscal_start": 2020, "until_fiscal_end": 2026},
                        "a-org": {},
                    },
                },
            }
        )
    )
    assert programs == [
        ListedProgram(
            "BTS01", "Trade", "Commerce", {"a-org": Validity(), "b-org": Validity(2020, 2026)}
        ),
        ListedProgram(
            "BTS02",
            "Price Statistics",
            "Statistiques des prix",
            {"test-essai": Validity(until_fiscal_end=2024)},
        ),
    ]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ([], "not_a_dictionary"),
        ({"resources": "no"}, "not_a_dictionary"),
        (
            {"resources": [{"resource_name": "service", "fields": [{"id": "fiscal_yr"}]}]},
            "no_program_field",
        ),
        (_dictionary({}), "no_program_codes"),
        (_dictionary(["BTS01"]), "no_program_codes"),
        (_dictionary({"bts01": {"en": "x", "fr": "y"}}), "bad_program_code"),
        (_dictionary({"BTS01": "Trade"}), "bad_program_code"),
        (_dictionary({"BTS01": {"en": 1, "fr": "y"}}), "bad_program_code"),
        (_dictionary({"BTS01": {"en": "x", "fr": "y", "valid_orgs": ["a-org"]}}), "bad_validity"),
        (
            _dictionary({"BTS01": {"en": "x", "fr": "y", "valid_orgs": {"a": {"until": 2026}}}}),
            "bad_validity",
        ),
        (
            _dictionary(
                {"BTS01": {"en": "x", "fr": "y", "valid_orgs": {"a": {"until_fiscal_end": "2026"}}}}
            ),
            "bad_validity",
        ),
        (
            _dictionary(
                {"BTS01": {"en": "x", "fr": "y", "valid_orgs": {"a": {"until_fiscal_end": True}}}}
            ),
            "bad_validity",
        ),
        (
            _dictionary({"BTS01": {"en": "x", "fr": "y", "valid_orgs": {"a": "2026"}}}),
            "bad_validity",
        ),
    ],
)
def test_a_document_that_is_not_the_dictionary_is_refused_with_a_code(document, code):
    with pytest.raises(DictionaryFormatError) as raised:
        programs_from_dictionary(document)
    assert raised.value.code == code


# -- the published data ----------------------------------------------------------------------------


@pytest.mark.realdata
def test_the_real_dictionary_and_files_meet_the_registry_rules(real_inventory_dir: Path) -> None:
    document = json.loads((real_inventory_dir / "service_data_dict.json").read_text("utf-8"))
    program_codes = ProgramList(programs_from_dictionary(document))
    assert len(program_codes) == 1166
    assert program_codes.get("BGM01") == ListedProgram(
        "BGM01", "Reaching Home", "Vers un chez-soi", {"esdc-edsc": Validity(until_fiscal_end=2024)}
    )
    with (
        open_csv(real_inventory_dir / "service.csv") as services,
        open_csv(real_inventory_dir / "service-std.csv") as standards,
    ):
        violations = list(
            validate_inventory(
                services.header, services, standards.header, standards, program_codes=program_codes
            )
        )
    counts = collections.Counter(v.rule for v in violations if v.rule in REGISTRY_RULES)
    # Every code is in the registry's list, every text is in both languages, every condition met;
    # 124 uses of a listed code by another organization or after its last year.
    assert counts == {R.PROGRAM_ID_OTHER_ORGANIZATION: 64, R.PROGRAM_ID_EXPIRED: 60}
    assert not [v for v in violations if v.severity is Severity.ERROR]
