"""Comparisons: Jaro-Winkler, each field's levels, symmetry and a record against itself."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.matching import (
    COMPARISONS,
    FIELDS,
    LEVELS,
    MISSING,
    Address,
    ClientRecord,
    RecordKind,
    compare_records,
    jaro,
    jaro_winkler,
    normalize_record,
)
from comptoir.core.matching.compare import (
    compare_cities,
    compare_dates_of_birth,
    compare_emails,
    compare_family_names,
    compare_given_names,
    compare_phones,
    compare_postal_codes,
    compare_streets,
)
from comptoir.core.matching.normalize import (
    normalize_city,
    normalize_family_name,
    normalize_given_name,
    normalize_street,
)

from ._data import generate


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("martha", "marhta", 0.961),
        ("dwayne", "duane", 0.840),
        ("dixon", "dicksonx", 0.813),
        ("jellyfish", "smellyfish", 0.896),
        ("tremblay", "tremblay", 1.0),
        ("abc", "xyz", 0.0),
        ("", "abc", 0.0),
        ("a", "a", 1.0),
    ],
)
def test_jaro_winkler_known_values(left: str, right: str, expected: float) -> None:
    assert jaro_winkler(left, right) == pytest.approx(expected, abs=0.001)
    assert jaro_winkler(right, left) == pytest.approx(expected, abs=0.001)


def test_jaro() -> None:
    assert jaro("martha", "marhta") == pytest.approx(0.944, abs=0.001)
    assert jaro("ab", "ba") == pytest.approx(0.0)  # outside the window
    assert jaro("", "") == 1.0


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Jean-François", "Jean François", "exact"),
        ("Émilie", "EMILIE", "exact"),
        ("Bob", "Robert", "nickname"),
        ("Bill", "Guillaume", "nickname"),
        ("Jean-François", "John Francis", "nickname"),
        ("Catherine", "Kate", "nickname"),
        ("JF", "Jean-François", "partial"),
        ("J.", "Jean-François", "partial"),
        ("J", "J", "exact"),
        ("JF", "JP", "different"),
        ("Marie", "Marie-Ève", "partial"),
        ("François", "Jean-François", "partial"),
        ("Jonathan", "Jonathon", "similar_high"),
        ("Jennifer", "Jenifer", "similar_high"),
        ("Stephanie", "Stefanie", "similar"),
        ("Marie-Ève", "Marie-Hélène", "similar"),
        ("Marie", "Luc", "different"),
        ("Edward", "Theodore", "different"),
        ("", "Luc", MISSING),
    ],
)
def test_given_name_levels(left: str, right: str, level: str) -> None:
    a, b = normalize_given_name(left), normalize_given_name(right)
    assert compare_given_names(a, b) == level
    assert compare_given_names(b, a) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Leblanc", "Le Blanc", "exact"),
        ("McDonald", "MacDonald", "exact"),
        ("St-Pierre", "Saint Pierre", "exact"),
        ("de la Fontaine", "Fontaine", "equivalent"),
        ("Dion-Lachance", "Dion", "equivalent"),
        ("Dion-Lachance", "Lachance-Roy", "equivalent"),
        ("Tremblay", "Tremblya", "similar_high"),
        ("Gagnon", "Gagné", "similar"),
        ("Tremblay", "Gagnon", "different"),
        ("Tremblay", "", MISSING),
    ],
)
def test_family_name_levels(left: str, right: str, level: str) -> None:
    a, b = normalize_family_name(left), normalize_family_name(right)
    assert compare_family_names(a, b) == level
    assert compare_family_names(b, a) == level


def _organization(name: str) -> ClientRecord:
    return ClientRecord(id=name, kind=RecordKind.ORGANIZATION, organization_name=name)


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Services conseils Boréal inc.", "SERVICES CONSEILS BOREAL INC", "exact"),
        ("Exportations Laurentides ltée", "Exportations Laurentides Inc.", "same_name"),
        ("Exportations Laurentides ltée", "Exportations Laurentides", "same_name"),
        ("Groupe Côté et Frères", "Groupe Coté & Freres inc.", "same_name"),
        ("Bayview Consulting Inc.", "Bayveiw Consulting Inc.", "similar_high"),
        ("Analytics Northern Lights", "Northern Lights Analytics", "similar_high"),
        ("Prairie Grain Traders", "Prairie Grain Trading Co", "similar_high"),
        ("Rideau Research Group", "Rideau Research", "similar_high"),
        ("Bayview Consulting", "Baview Consultants", "similar"),
        ("Kootenay Timber Corp.", "Maple Leaf Exports Ltd.", "different"),
        ("Kootenay Timber Corp.", "", MISSING),
    ],
)
def test_organization_levels(left: str, right: str, level: str) -> None:
    a, b = normalize_record(_organization(left)), normalize_record(_organization(right))
    assert compare_records(a, b)[FIELDS.index("organization_name")] == level
    assert compare_records(b, a)[FIELDS.index("organization_name")] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (date(1980, 3, 2), date(1980, 3, 2), "exact"),
        (date(1980, 3, 2), date(1980, 2, 3), "day_month_swapped"),
        (date(1980, 3, 2), date(1981, 3, 2), "one_digit"),
        (date(1980, 3, 12), date(1980, 3, 17), "one_digit"),
        (date(1980, 3, 2), date(1990, 7, 2), "different"),
        (date(1980, 3, 2), date(1981, 2, 3), "different"),
        (date(1980, 3, 2), None, MISSING),
    ],
)
def test_date_of_birth_levels(left: date, right: date | None, level: str) -> None:
    assert compare_dates_of_birth(left, right) == level
    assert compare_dates_of_birth(right, left) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (("marie@example.ca",), ("other@example.ca", "marie@example.ca"), "exact"),
        (("marie.roy@example.ca",), ("marie.roy@example.com",), "same_local"),
        (("info@boreal.example.ca",), ("info@laurentides.example.ca",), "different"),
        (("marie@example.ca",), ("luc@example.ca",), "different"),
        ((), ("luc@example.ca",), MISSING),
    ],
)
def test_email_levels(left: tuple[str, ...], right: tuple[str, ...], level: str) -> None:
    assert compare_emails(left, right) == level
    assert compare_emails(right, left) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (("+16135550100",), ("+18195550199", "+16135550100"), "exact"),
        (("+16135550100",), ("+16135550109",), "one_digit"),
        (("+16135550100",), ("+16135551000",), "one_digit"),  # neighbours swapped
        (("+16135550100",), ("+16135550001",), "different"),  # 0100 / 0001: not neighbours
        (("+16135550100",), ("+1613555010",), "different"),
        (("+16135550100",), ("+14165559999",), "different"),
        (("+16135550100",), (), MISSING),
    ],
)
def test_phone_levels(left: tuple[str, ...], right: tuple[str, ...], level: str) -> None:
    assert compare_phones(left, right) == level
    assert compare_phones(right, left) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("K1A 0B1", "K1A 0B1", "full"),
        ("K1A 0B1", "K1A 9Z9", "fsa"),
        ("K1A 0B1", "H2X 1Y4", "different"),
        ("K1A 0B1", "", MISSING),
    ],
)
def test_postal_code_levels(left: str, right: str, level: str) -> None:
    assert compare_postal_codes(left, right) == level
    assert compare_postal_codes(right, left) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("123 rue Principale", "123 Principale St.", "exact"),
        ("4-123 boul. René-Lévesque O.", "123 boulevard René-Lévesque Ouest app. 4", "exact"),
        ("123 Main St", "123 Main St Apt 4", "same_building"),
        ("123 Main St Apt 3", "123 Main St Apt 4", "same_building"),
        ("123 Main St", "123 Mian St", "similar"),
        ("123 Main St", "123 Main Ave", "similar"),
        ("123 Main St", "99 Main St", "same_street"),
        ("123 King St E", "123 King St W", "same_street"),
        ("123 King St E", "123 Queen St W", "different"),
        ("123 Main St", "123 Elgin St", "different"),
        ("123 Main St", "", MISSING),
    ],
)
def test_street_levels(left: str, right: str, level: str) -> None:
    a, b = normalize_street(left), normalize_street(right)
    assert compare_streets(a, b) == level
    assert compare_streets(b, a) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Montréal", "Montreal", "exact"),
        ("Québec", "Quebec City", "exact"),
        ("St-Jean", "Saint-Jean-sur-Richelieu", "exact"),
        ("Gatineau", "Gatinaeu", "similar"),
        ("Gatineau", "Ottawa", "different"),
        ("Gatineau", "", MISSING),
    ],
)
def test_city_levels(left: str, right: str, level: str) -> None:
    a, b = normalize_city(left), normalize_city(right)
    assert compare_cities(a, b) == level
    assert compare_cities(b, a) == level


def _person(id: int, given_name: str, **fields: object) -> ClientRecord:
    base: dict[str, object] = {
        "family_name": "Tremblay",
        "phones": ("613-555-0100",),
        "addresses": (Address("12 rue Principale", "Gatineau", "QC", "J8X 1A1"),),
    }
    base.update(fields)
    return ClientRecord(id=id, given_name=given_name, **base)  # type: ignore[arg-type]


def _household(left: ClientRecord, right: ClientRecord) -> str:
    levels = compare_records(normalize_record(left), normalize_record(right))
    return levels[FIELDS.index("household")]


def test_household_conflict() -> None:
    marie = _person(1, "Marie")
    assert _household(marie, _person(2, "Luc")) == "conflict"
    assert _household(_person(1, "Marie-Ève"), _person(2, "Marie-Hélène")) == "conflict"  # sisters
    # The same phone alone, or the same address alone, is enough.
    assert _household(marie, _person(2, "Luc", addresses=())) == "conflict"
    assert _household(marie, _person(2, "Luc", phones=("819-555-0000",))) == "conflict"
    # Not a household conflict: the same person, another person elsewhere, a missing name.
    assert _household(marie, _person(2, "Marie")) == "none"
    assert _household(marie, _person(2, "Mary")) == "none"  # the English form
    assert _household(marie, _person(2, "Marie-Ève")) == "none"  # partial
    assert _household(marie, _person(2, "Mariee")) == "none"  # a typo
    assert _household(marie, _person(2, "")) == "none"
    elsewhere = _person(
        2,
        "Luc",
        phones=("819-555-0000",),
        addresses=(Address("99 rue King", "Gatineau", "QC", "J8X 2B2"),),
    )
    assert _household(marie, elsewhere) == "none"
    organization = ClientRecord(
        id=3, kind=RecordKind.ORGANIZATION, organization_name="Luc inc.", phones=marie.phones
    )
    assert _household(marie, organization) == "none"


def test_names_typed_in_each_others_boxes() -> None:
    marie = normalize_record(_person(1, "Marie"))
    swapped = normalize_record(_person(2, "Tremblay", family_name="Marie"))
    levels = dict(zip(FIELDS, compare_records(marie, swapped), strict=True))
    assert (levels["given_name"], levels["family_name"]) == ("swapped", "swapped")
    assert levels["household"] == "none"
    twice = normalize_record(_person(3, "Roy", family_name="Roy"))
    other = normalize_record(_person(4, "Luc", family_name="Roy"))
    levels = dict(zip(FIELDS, compare_records(twice, other), strict=True))
    assert (levels["given_name"], levels["family_name"]) == ("different", "exact")


def test_shared_dwelling_needs_the_postal_code_or_the_city() -> None:
    marie = _person(1, "Marie", phones=())
    no_postal_code = _person(
        2, "Luc", phones=(), addresses=(Address("12 rue Principale", "Gatineau", "QC", ""),)
    )
    other_postal_code = _person(
        2, "Luc", phones=(), addresses=(Address("12 rue Principale", "Gatineau", "QC", "J9A 1A1"),)
    )
    other_city = _person(
        2, "Luc", phones=(), addresses=(Address("12 rue Principale", "Hull", "QC", ""),)
    )
    assert _household(marie, no_postal_code) == "conflict"
    assert _household(marie, other_postal_code) == "none"
    assert _household(marie, other_city) == "none"


def test_an_organization_has_no_person_name_and_a_person_no_organization_name() -> None:
    organization = normalize_record(
        ClientRecord(
            id=1, kind=RecordKind.ORGANIZATION, given_name="Luc", organization_name="Boréal inc."
        )
    )
    person = normalize_record(ClientRecord(id=2, given_name="Luc", organization_name="Boréal"))
    assert organization.given.tokens == ()
    assert person.organization.name == ""
    levels = compare_records(organization, person)
    assert levels[FIELDS.index("given_name")] == MISSING
    assert levels[FIELDS.index("organization_name")] == MISSING


def test_normalize_record_drops_what_it_cannot_read() -> None:
    record = normalize_record(
        ClientRecord(
            id=1,
            given_name="Luc",
            emails=("LUC@example.ca", "luc@example.ca", "not an email"),
            phones=("613-555-0100", "(613) 555-0100", "12"),
            addresses=(
                Address("12 rue Principale", "Gatineau", "", "j8x1a1"),
                Address("", "", "QC", "not a postal code"),
                Address("1 Rue de Rivoli", "Paris", "", "75001", country="FR"),
                Address("PO Box 12", "Iqaluit", "", "X0A 0H0"),
            ),
        )
    )
    assert record.emails == ("luc@example.ca",)
    assert record.phones == ("+16135550100",)
    assert [a.postal_code for a in record.addresses] == ["J8X 1A1", "", "X0A 0H0"]
    assert [a.province for a in record.addresses] == ["QC", "", ""]  # X is NT or NU
    assert record.addresses[0].fsa == "J8X"


# --- Properties --------------------------------------------------------------------------------

GENERATED = generate(3, 150).records


@st.composite
def records(draw: st.DrawFn) -> ClientRecord:
    """A generated record, sometimes with parts removed or mixed with another's."""
    base = draw(st.sampled_from(GENERATED))
    other = draw(st.sampled_from(GENERATED))
    return ClientRecord(
        id=draw(st.integers(0, 10**6)),
        kind=base.kind,
        given_name=draw(st.sampled_from([base.given_name, other.given_name, ""])),
        family_name=draw(st.sampled_from([base.family_name, other.family_name, ""])),
        organization_name=draw(st.sampled_from([base.organization_name, other.organization_name])),
        date_of_birth=draw(st.sampled_from([base.date_of_birth, other.date_of_birth, None])),
        emails=draw(st.sampled_from([base.emails, other.emails, (), base.emails + other.emails])),
        phones=draw(st.sampled_from([base.phones, other.phones, ()])),
        addresses=draw(st.sampled_from([base.addresses, other.addresses, ()])),
    )


@settings(max_examples=300, deadline=None)
@given(records(), records())
def test_comparisons_are_symmetric(left: ClientRecord, right: ClientRecord) -> None:
    a, b = normalize_record(left), normalize_record(right)
    assert compare_records(a, b) == compare_records(b, a)


@settings(max_examples=300, deadline=None)
@given(records())
def test_a_record_matches_itself_at_the_top_level(record: ClientRecord) -> None:
    normalized = normalize_record(record)
    for comparison, level in zip(COMPARISONS, compare_records(normalized, normalized), strict=True):
        assert level in (comparison.levels[0], MISSING), comparison.field


def test_every_comparison_gives_one_of_its_levels() -> None:
    normalized = [normalize_record(record) for record in GENERATED[:60]]
    seen: dict[str, set[str]] = {field: set() for field in FIELDS}
    for a in normalized:
        for b in normalized:
            for field, level in zip(FIELDS, compare_records(a, b), strict=True):
                assert level in LEVELS[field]
                seen[field].add(level)
    assert all(len(seen[field]) >= 2 for field in FIELDS if field != "household")
