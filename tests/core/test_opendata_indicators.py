"""Indicators over a small hand-built inventory whose answers are worked out by hand."""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from comptoir.core.opendata.csvio import read_rows
from comptoir.core.opendata.indicators import (
    ServiceFacts,
    StandardFacts,
    compute_indicators,
    rounded_share,
)
from comptoir.core.opendata.schema import ONLINE_POINT_FIELDS

CHANNELS = (
    "num_phone_enquiries",
    "num_applications_by_phone",
    "num_applications_online",
    "num_applications_in_person",
    "num_applications_by_mail",
    "num_applications_by_email",
    "num_applications_by_fax",
    "num_applications_by_other",
)


def service(
    service_id: str,
    org: str,
    scope: str,
    feedback: str,
    points: str,
    volumes: str,
    year: str = "2023-2024",
) -> ServiceFacts:
    """A service from CSV-like cells; ``points`` and ``volumes`` are space-separated cells."""
    row = {
        "fiscal_yr": year,
        "service_id": service_id,
        "owner_org": org,
        "service_scope": scope,
        "client_feedback_channel": feedback,
        "num_website_visits": "123456",  # never counted
    }
    row.update(zip(ONLINE_POINT_FIELDS, points.split(), strict=True))
    row.update(zip(CHANNELS, volumes.split(), strict=True))
    return ServiceFacts.from_row(row)


def standard(service_id: str, org: str, target_met: str, year: str = "2023-2024") -> StandardFacts:
    return StandardFacts.from_row(
        {"fiscal_yr": year, "service_id": service_id, "owner_org": org, "target_met": target_met}
    )


# Columns: id, org, scope, feedback, the six os_* points, then the volumes: enquiries, phone,
# online, in person, mail, email, fax, other.
SERVICES = [
    service("S1", "a", "EXTERN", "EML,ONL", "Y Y Y NA Y Y", "10 5 20 NA ND 0 NA 5"),
    service("S2", "a", "ENTERPRISE,INTERN", "NON", "N N Y NA NA NA", "ND NA 0 NA NA NA NA 10"),
    service("S3", "b", "EXTERN", "TEL", "NA NA NA NA NA NA", "100 NA NA NA NA NA NA NA"),
    service("S4", "b", "INTERN", "ONL", "Y Y Y Y Y Y", "0 0 1000 0 0 0 0 0"),
    service("S5", "b", "CLUSTER,EXTERN", "", "Y N NA NA NA NA", "0 3 7 0 0 0 0 0"),
    service("S6", "a", "EXTERN", "ONL", "Y Y Y Y Y Y", "0 0 999 0 0 0 0 0", year="2022-2023"),
]  # fmt: skip
STANDARDS = [
    standard("S1", "a", "Y"),
    standard("S1", "a", "N"),
    standard("S3", "b", "Y"),
    standard("S3", "b", "NA"),
    standard("S4", "b", "Y"),
    standard("S6", "a", "Y", year="2022-2023"),
    standard("S2", "a", ""),
]


def test_from_row_reads_the_cells() -> None:
    s1 = SERVICES[0]
    assert s1.scopes == frozenset({"EXTERN"})
    assert s1.feedback_channels == frozenset({"EML", "ONL"})
    assert s1.online_points == ("Y", "Y", "Y", "NA", "Y", "Y")
    assert (s1.phone_enquiries, s1.applications_in_person, s1.applications_by_mail) == (
        10,
        None,
        None,
    )
    assert s1.transactions == 40
    assert (s1.applicable_points, s1.online_points_yes) == (5, 5)
    assert SERVICES[4].feedback_channels == frozenset()
    assert not SERVICES[4].collects_feedback
    assert not SERVICES[3].is_in_scope


def test_a_count_beyond_the_bounds_counts_as_invalid_whatever_its_length() -> None:
    """Defect 2 of issue 17: a 5,000-digit cell stored without validation took the dashboard down
    (Python refuses to convert more than 4,300 digits)."""
    row = {
        "fiscal_yr": "2023-2024",
        "service_id": "S1",
        "owner_org": "a",
        "service_scope": "EXTERN",
        "num_phone_enquiries": "9" * 5000,
        "num_applications_online": "2147483648",
        "num_applications_by_mail": "2147483647",
        "num_applications_by_email": "0" * 5000 + "5",
    }
    facts = ServiceFacts.from_row(row)
    assert (facts.phone_enquiries, facts.applications_online) == (None, None)
    assert (facts.applications_by_mail, facts.applications_by_email) == (2147483647, 5)
    indicators = compute_indicators([facts], [], fiscal_year="2023-2024")
    assert indicators.transactions_total == 2147483652
    assert indicators.applications_online == 0


def test_all_organizations() -> None:
    result = compute_indicators(SERVICES, STANDARDS, fiscal_year="2023-2024")
    assert result.as_dict() == {
        "fiscal_year": "2023-2024",
        "owner_org": None,
        "services_total": 5,  # S1-S5 (S6 is another year)
        "services_in_scope": 4,  # S4 is INTERN only
        "organizations": 2,
        "transactions_total": 160,  # 40 + 10 + 100 + 10
        "applications_online": 27,  # 20 + 0 + 7
        "online_share": "0.1688",  # 27/160 = 0.16875, a tie rounded to even
        "services_with_applicable_points": 3,  # S1, S2, S5
        "services_fully_online": 1,  # S1
        "fully_online_share": "0.3333",
        "mean_online_point_share": "0.6111",  # (5/5 + 1/3 + 1/2) / 3 = 11/18
        "services_with_standards": 3,  # S1, S2, S3
        "services_with_standards_share": "0.7500",
        "services_collecting_feedback": 2,  # S1, S3
        "services_collecting_feedback_share": "0.5000",
        "standards_total": 6,
        "standards_met": 3,
        "standards_not_met": 1,
        "standards_na": 1,  # the blank target_met counts only in the total
        "standards_met_share": "0.7500",
        "standards_met_share_by_org": {"a": "0.5000", "b": "1.0000"},
    }
    assert result.online_share == Decimal("0.1688")


def test_one_organization() -> None:
    result = compute_indicators(SERVICES, STANDARDS, fiscal_year="2023-2024", owner_org="b")
    assert (result.services_total, result.services_in_scope, result.organizations) == (3, 2, 1)
    assert (result.transactions_total, result.applications_online) == (110, 7)
    assert result.online_share == Decimal("0.0636")  # 7/110 = 0.06363...
    assert (result.services_with_applicable_points, result.services_fully_online) == (1, 0)
    assert result.fully_online_share == Decimal("0")
    assert result.mean_online_point_share == Decimal("0.5")
    assert result.services_with_standards_share == Decimal("0.5")
    assert result.services_collecting_feedback_share == Decimal("0.5")
    assert (result.standards_total, result.standards_met, result.standards_na) == (3, 2, 1)
    assert result.standards_met_share == Decimal(1)
    assert result.standards_met_share_by_org == {"b": Decimal(1)}


def test_an_empty_selection_has_zero_counts_and_undefined_shares() -> None:
    result = compute_indicators(SERVICES, STANDARDS, fiscal_year="2023-2024", owner_org="zz")
    values = result.as_dict()
    assert values["services_total"] == values["standards_total"] == 0
    shares = [key for key in values if key.endswith("_share")]
    assert len(shares) == 6
    assert all(values[key] is None for key in shares)
    assert values["standards_met_share_by_org"] == {}
    only_na = compute_indicators([], [standard("S3", "b", "NA")], fiscal_year="2023-2024")
    assert only_na.standards_met_share is None
    assert only_na.standards_met_share_by_org == {"b": None}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 3), "0.3333"),
        (Fraction(2, 3), "0.6667"),
        (Fraction(12345, 100000), "0.1234"),  # tie, 4 is even
        (Fraction(12355, 100000), "0.1236"),  # tie, 5 is odd
        (Fraction(123451, 1000000), "0.1235"),  # above the tie
        (Fraction(0), "0.0000"),
        (Fraction(1), "1.0000"),
    ],
)
def test_rounded_share(value: Fraction, expected: str) -> None:
    assert str(rounded_share(value)) == expected
    assert rounded_share(None) is None


@pytest.mark.realdata
def test_real_2023_2024_indicators(real_inventory_dir: Path) -> None:
    services = [
        ServiceFacts.from_row(r.values) for r in read_rows(real_inventory_dir / "service.csv")
    ]
    standards = [
        StandardFacts.from_row(r.values) for r in read_rows(real_inventory_dir / "service-std.csv")
    ]
    result = compute_indicators(services, standards, fiscal_year="2023-2024")
    figures = result.as_dict()
    by_org = figures.pop("standards_met_share_by_org")
    print()
    for key, value in figures.items():
        print(f"{key}: {value}")
    assert figures == {
        "fiscal_year": "2023-2024",
        "owner_org": None,
        "services_total": 1751,
        "services_in_scope": 1718,
        "organizations": 79,
        "transactions_total": 476176692,
        "applications_online": 267211996,
        "online_share": "0.5612",
        "services_with_applicable_points": 1248,
        "services_fully_online": 419,
        "fully_online_share": "0.3357",
        "mean_online_point_share": "0.4780",
        "services_with_standards": 995,
        "services_with_standards_share": "0.5792",
        "services_collecting_feedback": 1581,
        "services_collecting_feedback_share": "0.9203",
        "standards_total": 2343,
        "standards_met": 1313,
        "standards_not_met": 470,
        "standards_na": 560,
        "standards_met_share": "0.7364",
    }
    assert isinstance(by_org, dict)
    assert len(by_org) == 62
    assert by_org["aafc-aac"] == "0.8300"
    assert by_org["cb-cda"] is None
    one = compute_indicators(services, standards, fiscal_year="2023-2024", owner_org="aafc-aac")
    assert one.standards_met_share == Decimal("0.83")
    assert one.organizations == 1
