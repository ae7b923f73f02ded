"""What matching reads of a client: a :class:`ClientRecord` as the client gave it, and its
:class:`NormalizedRecord`, the form every comparison and blocking key works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from comptoir.core.matching.normalize import (
    DEFAULT_PHONE_REGION,
    FamilyName,
    GivenName,
    OrganizationName,
    Street,
    forward_sortation_area,
    normalize_city,
    normalize_email,
    normalize_family_name,
    normalize_given_name,
    normalize_organization_name,
    normalize_phone,
    normalize_postal_code,
    normalize_street,
    province_code,
    province_of_postal_code,
)

#: A client's key: the database's primary key, a legacy system's id, or any value that is
#: unique among the records compared together.
RecordId = int | str


class RecordKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class Address:
    """A mailing address as given (a Canadian one unless ``country`` says otherwise)."""

    street: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    country: str = "CA"


@dataclass(frozen=True)
class ClientRecord:
    """A client as the matching core sees it: names, date of birth, contact points."""

    id: RecordId
    kind: RecordKind = RecordKind.PERSON
    given_name: str = ""
    family_name: str = ""
    organization_name: str = ""
    date_of_birth: date | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()


@dataclass(frozen=True)
class NormalizedAddress:
    street: Street
    city: str
    #: The two-letter code, from the province given or else from the postal code's first letter
    #: (``""`` when neither says).
    province: str
    #: ``"K1A 0B1"``, or ``""`` when missing or not a Canadian postal code.
    postal_code: str

    @property
    def fsa(self) -> str:
        return forward_sortation_area(self.postal_code)

    @property
    def is_empty(self) -> bool:
        return not (self.street.name or self.city or self.postal_code)


@dataclass(frozen=True)
class NormalizedRecord:
    id: RecordId
    kind: RecordKind
    given: GivenName
    family: FamilyName
    organization: OrganizationName
    date_of_birth: date | None
    #: Normalised, once each, in the order given.
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    addresses: tuple[NormalizedAddress, ...]

    @property
    def is_person(self) -> bool:
        return self.kind == RecordKind.PERSON


#: Names, cities, postal codes and provinces repeat from one record to the next: each is
#: normalised once (the results are frozen, so sharing them is safe and saves memory too).
_CACHE = 1 << 16
_given_name = lru_cache(maxsize=_CACHE)(normalize_given_name)
_family_name = lru_cache(maxsize=_CACHE)(normalize_family_name)
_organization_name = lru_cache(maxsize=_CACHE)(normalize_organization_name)
_city = lru_cache(maxsize=_CACHE)(normalize_city)
_province = lru_cache(maxsize=1024)(province_code)
_postal_code = lru_cache(maxsize=_CACHE)(normalize_postal_code)


def _unique(values: list[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def normalize_address(address: Address) -> NormalizedAddress:
    canadian = address.country.strip().upper() in ("", "CA")
    postal_code = (_postal_code(address.postal_code) or "") if canadian else ""
    province = _province(address.province)
    if not province and postal_code:
        provinces = province_of_postal_code(postal_code)
        province = next(iter(provinces)) if len(provinces) == 1 else ""
    return NormalizedAddress(
        street=normalize_street(address.street),
        city=_city(address.city),
        province=province,
        postal_code=postal_code,
    )


def normalize_record(
    record: ClientRecord, *, phone_region: str = DEFAULT_PHONE_REGION
) -> NormalizedRecord:
    """The normalised form of a record (names, emails, E.164 phones, addresses); values that
    cannot be read are left out, as if missing. An organization has no person names, a person
    no organization name (whatever the record holds)."""
    person = record.kind == RecordKind.PERSON
    addresses = tuple(
        address
        for address in (normalize_address(address) for address in record.addresses)
        if not address.is_empty
    )
    return NormalizedRecord(
        id=record.id,
        kind=record.kind,
        given=_given_name(record.given_name if person else ""),
        family=_family_name(record.family_name if person else ""),
        organization=_organization_name("" if person else record.organization_name),
        date_of_birth=record.date_of_birth if person else None,
        emails=_unique([normalize_email(email) for email in record.emails]),
        phones=_unique([normalize_phone(phone, phone_region) for phone in record.phones]),
        addresses=tuple(dict.fromkeys(addresses)),
    )
