"""The schema transcribes the official data dictionary: checked field by field against it."""

import csv
import json
from pathlib import Path

import pytest

from comptoir.core.opendata.schema import (
    SERVICE_COLUMNS,
    SERVICE_FIELDS,
    STANDARD_COLUMNS,
    STANDARD_FIELDS,
    Channel,
    DatastoreType,
    FeedbackChannel,
    Obligation,
    Resource,
    ServiceScope,
    ServiceType,
    StandardType,
    TargetGroup,
    ValueKind,
    columns_of,
    field_of,
    fields_of,
    is_fiscal_year,
)

# Fields whose dictionary choices are deliberately not encoded (see the schema's docstring).
CHECKED_BY_FORMAT = {"fiscal_yr", "last_service_review", "last_service_improvement", "program_id"}


def test_field_counts_and_unique_ids() -> None:
    assert len(SERVICE_FIELDS) == 46
    assert len(STANDARD_FIELDS) == 24
    assert len(set(SERVICE_COLUMNS)) == 46
    assert len(set(STANDARD_COLUMNS)) == 24
    assert SERVICE_COLUMNS[-2:] == ("owner_org", "owner_org_title")
    assert STANDARD_COLUMNS[-2:] == ("owner_org", "owner_org_title")
    assert all(spec.resource is Resource.SERVICE for spec in SERVICE_FIELDS)
    assert all(spec.resource is Resource.STANDARD for spec in STANDARD_FIELDS)


def test_lookups() -> None:
    assert fields_of(Resource.STANDARD) is STANDARD_FIELDS
    assert columns_of(Resource.SERVICE) is SERVICE_COLUMNS
    spec = field_of(Resource.SERVICE, "client_feedback_channel")
    assert spec.is_multi
    assert spec.kind is ValueKind.CODES
    assert list(spec.choices) == [c.value for c in FeedbackChannel]
    assert spec.choices["NON"] == ("No feedback collected", "Aucune rétroaction possible")
    assert not field_of(Resource.STANDARD, "channel").is_multi
    with pytest.raises(KeyError):
        field_of(Resource.STANDARD, "service_type")


def test_enums_have_the_official_spellings() -> None:
    assert [c.value for c in ServiceType] == [
        "APIR", "CER", "GNC", "INFO", "LRP", "PPI", "REG_VOL", "RES",
    ]  # fmt: skip
    assert [c.value for c in ServiceScope] == ["CLUSTER", "ENTERPRISE", "EXTERN", "INTERN"]
    assert [c.value for c in TargetGroup] == ["ECONOM", "FOR", "INTERN_GOV", "NGO", "PERSON", "PTC"]
    assert {c.value for c in Channel} == {"ONL", "TEL", "PERSON", "POST", "EML", "FAX", "OTH"}
    assert {c.value for c in FeedbackChannel} == {c.value for c in Channel} | {"NON"}
    assert [c.value for c in StandardType] == ["ACS", "ACY", "OTH", "TML"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-2024", True),
        ("1999-2000", True),
        ("2023-2025", False),
        ("2024-2023", False),
        ("2023/2024", False),
        ("23-24", False),
        ("2023-2024 ", False),
        ("", False),
    ],
)
def test_is_fiscal_year(text: str, expected: bool) -> None:
    assert is_fiscal_year(text) is expected


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("resource", "csv_name", "fields"),
    [
        (Resource.SERVICE, "service.csv", SERVICE_FIELDS),
        (Resource.STANDARD, "service-std.csv", STANDARD_FIELDS),
    ],
)
def test_schema_matches_the_dictionary_and_the_published_header(
    real_inventory_dir: Path, resource: Resource, csv_name: str, fields: tuple
) -> None:
    with (real_inventory_dir / csv_name).open(encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream))
    assert tuple(header) == columns_of(resource)

    dictionary = json.loads((real_inventory_dir / "service_data_dict.json").read_text("utf-8"))
    (official,) = [r for r in dictionary["resources"] if r["resource_name"] == resource.value]
    assert [f["id"] for f in official["fields"]] == [spec.id for spec in fields]
    obligations = {"Mandatory": Obligation.MANDATORY, "Optional": Obligation.OPTIONAL}
    for entry, spec in zip(official["fields"], fields, strict=True):
        assert spec.label_en == entry["label"]["en"], spec.id
        assert spec.label_fr == entry["label"]["fr"], spec.id
        assert spec.obligation is obligations.get(
            entry["obligation"]["en"], Obligation.CONDITIONAL
        ), spec.id
        assert spec.datastore_type is DatastoreType(entry["datastore_type"]), spec.id
        assert spec.character_limit == entry.get("character_limit"), spec.id
        if spec.id in CHECKED_BY_FORMAT:
            assert not spec.choices
            continue
        expected = {
            code: (labels["en"], labels["fr"]) for code, labels in entry.get("choices", {}).items()
        }
        assert list(spec.choices.items()) == list(expected.items()), spec.id
