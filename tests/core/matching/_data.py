"""Realistic client records with known duplicates and households, for the matching tests.

The base clients come from the demo generator (``comptoir.casework.generator``: French and
English names, accents, hyphenated given names, organizations with Inc./Ltée, E.164 phones,
postal codes); a share of them is entered a second time the way staff and clients enter records
again: a nickname or the French form of the given name, initials, accents dropped, a typo in the
family name, the phone written another way or with a typo, the postal code without its space,
street types abbreviated, the city in its other language, a missing email, the day and month of
the date of birth swapped, the given and family names typed in each other's boxes.
Some clients get a household member: same family name, phone and
address, another given name and email.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from comptoir.casework.generator import generate_clients
from comptoir.core.matching import Address, ClientRecord, RecordKind

NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "James": "Jim",
    "Michael": "Mike",
    "Benjamin": "Ben",
    "Jennifer": "Jenny",
    "Samuel": "Sam",
    "David": "Dave",
    "Jean-François": "JF",
    "Marie-Ève": "Marie Eve",
    "Pierre-Luc": "Pierre Luc",
    "François": "Frank",
    "Mary": "Marie",
    "Thomas": "Tom",
}
STREET_FORMS = {
    "Street": "St.",
    "rue ": "r. ",
    "boulevard ": "boul. ",
    "chemin ": "ch. ",
    "avenue ": "av. ",
    "West": "W",
}
CITY_FORMS = {"Montréal": "Montreal", "Québec": "Quebec City", "Trois-Rivières": "Trois Rivieres"}
SUFFIXES = {"Inc.": "Incorporated", "Ltd.": "Limited", "ltée": "Limitée", "inc.": "Inc"}
HOUSEHOLD_NAMES = ("Nathalie", "Kevin", "Sylvie", "Patrick", "Isabelle", "Ryan", "Chantal")


@dataclass(frozen=True)
class Generated:
    records: list[ClientRecord]
    #: The pairs of ids that are one client entered twice.
    duplicates: frozenset[frozenset[int]]
    #: The pairs of ids that are two members of one household.
    households: frozenset[frozenset[int]]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeinrst") + text[i + 1 :]


def _strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _again(rng: random.Random, record: ClientRecord, new_id: int) -> ClientRecord:
    """The same client entered again, with two or three of the usual differences."""
    given, family, organization = record.given_name, record.family_name, record.organization_name
    emails, phones = record.emails, record.phones
    address = record.addresses[0]
    dob = record.date_of_birth
    changes = rng.sample(range(10), 3)
    if 0 in changes:
        given = NICKNAMES.get(given, _strip_accents(given))
    if 1 in changes:
        family = _typo(rng, family) if rng.random() < 0.6 else family.upper()
    if 2 in changes:
        organization = next(
            (organization.replace(a, b) for a, b in SUFFIXES.items() if a in organization),
            organization,
        )
    if 3 in changes:
        emails = () if rng.random() < 0.5 else tuple(email.upper() for email in emails)
    if 4 in changes:
        digits = phones[0].replace("-", "")
        phones = (f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",)
    if 5 in changes:
        street = address.street
        for a, b in STREET_FORMS.items():
            street = street.replace(a, b)
        address = replace(address, street=street, postal_code=address.postal_code.replace(" ", ""))
    if 6 in changes:
        address = replace(address, city=CITY_FORMS.get(address.city, address.city.upper()))
    if 7 in changes and dob is not None and dob.day <= 12 and dob.day != dob.month:
        dob = date(dob.year, dob.day, dob.month)
    if 8 in changes:
        phones = () if rng.random() < 0.5 else phones
    if 9 in changes and given and family:
        given, family = family, given
    return replace(
        record,
        id=new_id,
        given_name=given,
        family_name=family,
        organization_name=organization,
        emails=emails,
        phones=phones,
        addresses=(address,),
        date_of_birth=dob,
    )


def generate(
    seed: int, count: int, *, share_duplicates: float = 0.3, share_households: float = 0.05
) -> Generated:
    rng = random.Random(seed)
    specs = generate_clients(
        rng, count, start=datetime(2024, 1, 1, tzinfo=UTC), end=datetime(2025, 1, 1, tzinfo=UTC)
    )
    records: list[ClientRecord] = []
    duplicates: set[frozenset[int]] = set()
    households: set[frozenset[int]] = set()
    next_id = count
    for spec in specs:
        person = spec.kind == "person"
        record = ClientRecord(
            id=spec.index,
            kind=RecordKind.PERSON if person else RecordKind.ORGANIZATION,
            given_name=spec.given_name,
            family_name=spec.family_name,
            organization_name=spec.organization_name,
            date_of_birth=(
                date(rng.randrange(1940, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
                if person and rng.random() < 0.6
                else None
            ),
            emails=(spec.email,),
            phones=(spec.phone,),
            addresses=(Address(spec.street, spec.city, spec.province, spec.postal_code),),
        )
        records.append(record)
        if rng.random() < share_duplicates:
            records.append(_again(rng, record, next_id))
            duplicates.add(frozenset({record.id, next_id}))
            next_id += 1
        if person and rng.random() < share_households:
            member = replace(
                record,
                id=next_id,
                given_name=rng.choice([n for n in HOUSEHOLD_NAMES if n != record.given_name]),
                emails=(f"member{next_id}@example.org",),
                date_of_birth=None,
            )
            records.append(member)
            households.add(frozenset({record.id, next_id}))
            next_id += 1
    rng.shuffle(records)
    return Generated(records, frozenset(duplicates), frozenset(households))
