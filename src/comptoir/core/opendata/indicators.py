"""Government-wide indicators of the service inventory (issue 2, item 6).

Input is two light records, :class:`ServiceFacts` and :class:`StandardFacts`, so the same function
serves rows read from the official CSV (:meth:`ServiceFacts.from_row`) and rows the Django layer
reads from its database. :func:`compute_indicators` selects one fiscal year (and optionally one
organization) and returns :class:`Indicators`.

Definitions (also in ``docs/open-data-format.md``):

- Population. ``services_total`` and ``organizations`` count every service of the year. Every other
  service indicator is over the **in-scope** services: ``service_scope`` contains ``EXTERN`` or
  ``ENTERPRISE`` (Guideline on Service and Digital: external and internal enterprise services).
  Standard indicators count every standard of the year (of the organization when filtered).
- ``transactions_total``: over in-scope services, the seven application channels plus telephone
  enquiries, ``NA``/``ND`` counted as 0. Website visits are not transactions. A cell that is not
  a count from 0 to 2,147,483,647 (malformed, or stored without validation) counts as 0 too.
- ``applications_online``: over in-scope services, ``num_applications_online`` (``NA``/``ND`` as 0).
- ``online_share``: ``applications_online`` ÷ ``transactions_total``.
- ``services_with_applicable_points``: in-scope services with at least one of the six ``os_*``
  client interaction points not ``NA``.
- ``services_fully_online``: among those, services whose every applicable point is ``Y``.
- ``fully_online_share``: ``services_fully_online`` ÷ ``services_with_applicable_points``.
- ``mean_online_point_share``: mean, over ``services_with_applicable_points``, of (points ``Y`` ÷
  applicable points) — Guideline §2.9.4.
- ``services_with_standards_share``: in-scope services with at least one standard that year ÷
  in-scope services.
- ``services_collecting_feedback_share``: in-scope services whose ``client_feedback_channel`` holds
  any code other than ``NON`` ÷ in-scope services.
- ``standards_total``; ``standards_met`` / ``standards_not_met`` / ``standards_na``: standards whose
  ``target_met`` is ``Y`` / ``N`` / ``NA`` (any other value counts only in the total);
  ``standards_met_share``: met ÷ (met + not met); ``standards_met_share_by_org``: the same per
  ``owner_org`` of the standards.

Shares are :class:`~decimal.Decimal` values between 0 and 1, computed exactly from the integer
counts (fractions) and then rounded **once** to 4 decimal places, half to even (the precision of the
published ``performance``). A share whose denominator is 0 is ``None`` (undefined, not 0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from comptoir.core.opendata.schema import (
    APPLICATION_CHANNEL_FIELDS,
    MULTI_VALUE_SEPARATOR,
    ONLINE_POINT_FIELDS,
    FeedbackChannel,
    ServiceScope,
    YesNoNA,
)
from comptoir.core.opendata.validation import bounded_count

__all__ = [
    "IN_SCOPE",
    "SHARE_DECIMALS",
    "Indicators",
    "ServiceFacts",
    "StandardFacts",
    "compute_indicators",
    "rounded_share",
]

#: Decimal places of every share.
SHARE_DECIMALS: Final = 4

#: Scopes that put a service in the indicators' population.
IN_SCOPE: Final = frozenset({ServiceScope.EXTERN.value, ServiceScope.ENTERPRISE.value})


def rounded_share(value: Fraction | None) -> Decimal | None:
    """``value`` rounded to :data:`SHARE_DECIMALS` places, half to even; ``None`` stays ``None``."""
    if value is None:
        return None
    # Exact integer rounding: no intermediate rounding of the quotient.
    scale = 10**SHARE_DECIMALS
    quotient, remainder = divmod(value.numerator * scale, value.denominator)
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and quotient % 2 == 1):
        quotient += 1
    return Decimal(quotient).scaleb(-SHARE_DECIMALS)


def _share(numerator: int, denominator: int) -> Decimal | None:
    return rounded_share(Fraction(numerator, denominator)) if denominator else None


def _count(cell: str) -> int | None:
    """A volume cell: its integer, or ``None`` for ``NA``, ``ND``, blank or anything else,
    including a number beyond :data:`~comptoir.core.opendata.schema.COUNT_MAXIMUM` (a cell
    that bypassed validation is treated as invalid, whatever its length)."""
    return bounded_count(cell)


def _codes(cell: str) -> frozenset[str]:
    return frozenset(item for item in cell.split(MULTI_VALUE_SEPARATOR) if item)


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the indicators need of one service-year. Volumes are ``None`` for ``NA``/``ND``."""

    fiscal_year: str
    service_id: str
    owner_org: str
    scopes: frozenset[str]
    feedback_channels: frozenset[str]
    #: The six ``os_*`` codes (``Y``, ``N``, ``NA``) in :data:`ONLINE_POINT_FIELDS` order.
    online_points: tuple[str, ...]
    phone_enquiries: int | None
    applications_by_phone: int | None
    applications_online: int | None
    applications_in_person: int | None
    applications_by_mail: int | None
    applications_by_email: int | None
    applications_by_fax: int | None
    applications_by_other: int | None

    @classmethod
    def from_row(cls, values: Mapping[str, str]) -> ServiceFacts:
        """From a row of ``service.csv`` (raw cells by column name)."""
        volumes = [_count(values.get(name, "")) for name in APPLICATION_CHANNEL_FIELDS]
        return cls(
            fiscal_year=values.get("fiscal_yr", "").strip(),
            service_id=values.get("service_id", "").strip(),
            owner_org=values.get("owner_org", "").strip(),
            scopes=_codes(values.get("service_scope", "")),
            feedback_channels=_codes(values.get("client_feedback_channel", "")),
            online_points=tuple(values.get(name, "").strip() for name in ONLINE_POINT_FIELDS),
            phone_enquiries=_count(values.get("num_phone_enquiries", "")),
            applications_by_phone=volumes[0],
            applications_online=volumes[1],
            applications_in_person=volumes[2],
            applications_by_mail=volumes[3],
            applications_by_email=volumes[4],
            applications_by_fax=volumes[5],
            applications_by_other=volumes[6],
        )

    @property
    def is_in_scope(self) -> bool:
        return not IN_SCOPE.isdisjoint(self.scopes)

    @property
    def transactions(self) -> int:
        """Applications on the seven channels plus telephone enquiries, ``NA``/``ND`` as 0."""
        return sum(
            volume or 0
            for volume in (
                self.phone_enquiries,
                self.applications_by_phone,
                self.applications_online,
                self.applications_in_person,
                self.applications_by_mail,
                self.applications_by_email,
                self.applications_by_fax,
                self.applications_by_other,
            )
        )

    @property
    def applicable_points(self) -> int:
        return sum(1 for code in self.online_points if code != YesNoNA.NOT_APPLICABLE)

    @property
    def online_points_yes(self) -> int:
        return sum(1 for code in self.online_points if code == YesNoNA.YES)

    @property
    def collects_feedback(self) -> bool:
        return any(code != FeedbackChannel.NON for code in self.feedback_channels)


@dataclass(frozen=True, slots=True)
class StandardFacts:
    """What the indicators need of one service standard of a year."""

    fiscal_year: str
    service_id: str
    owner_org: str
    #: ``Y``, ``N`` or ``NA`` (published, or recomputed by the official rules).
    target_met: str

    @classmethod
    def from_row(cls, values: Mapping[str, str]) -> StandardFacts:
        """From a row of ``service-std.csv`` (raw cells by column name)."""
        return cls(
            fiscal_year=values.get("fiscal_yr", "").strip(),
            service_id=values.get("service_id", "").strip(),
            owner_org=values.get("owner_org", "").strip(),
            target_met=values.get("target_met", "").strip(),
        )


@dataclass(frozen=True, slots=True)
class Indicators:
    """The indicators of one fiscal year (and one organization when ``owner_org`` is set)."""

    fiscal_year: str
    owner_org: str | None
    services_total: int
    services_in_scope: int
    organizations: int
    transactions_total: int
    applications_online: int
    online_share: Decimal | None
    services_with_applicable_points: int
    services_fully_online: int
    fully_online_share: Decimal | None
    mean_online_point_share: Decimal | None
    services_with_standards: int
    services_with_standards_share: Decimal | None
    services_collecting_feedback: int
    services_collecting_feedback_share: Decimal | None
    standards_total: int
    standards_met: int
    standards_not_met: int
    standards_na: int
    standards_met_share: Decimal | None
    #: owner_org -> share of its standards met (``None`` when none is met or not met), by code.
    standards_met_share_by_org: Mapping[str, Decimal | None] = dataclasses.field(
        default_factory=dict, hash=False
    )

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON or CSV: shares as strings (``"0.8123"``) or ``None``."""

        def plain(value: object) -> object:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, Mapping):
                return {key: plain(item) for key, item in value.items()}
            return value

        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def compute_indicators(
    services: Iterable[ServiceFacts],
    standards: Iterable[StandardFacts],
    *,
    fiscal_year: str,
    owner_org: str | None = None,
) -> Indicators:
    """The indicators of ``fiscal_year`` over the given services and standards.

    Records of other years (and of other organizations when ``owner_org`` is given) are ignored,
    so callers may pass everything they hold. See the module documentation for the definitions.
    """

    def selected(fact: ServiceFacts | StandardFacts) -> bool:
        return fact.fiscal_year == fiscal_year and (
            owner_org is None or fact.owner_org == owner_org
        )

    year_standards = [standard for standard in standards if selected(standard)]
    services_with_a_standard = {standard.service_id for standard in year_standards}

    services_total = 0
    organizations: set[str] = set()
    in_scope = 0
    transactions = 0
    online = 0
    with_points = 0
    fully_online = 0
    point_share_sum = Fraction(0)
    with_standards = 0
    collecting_feedback = 0
    for fact in services:
        if not selected(fact):
            continue
        services_total += 1
        organizations.add(fact.owner_org)
        if not fact.is_in_scope:
            continue
        in_scope += 1
        transactions += fact.transactions
        online += fact.applications_online or 0
        applicable = fact.applicable_points
        if applicable:
            with_points += 1
            yes = fact.online_points_yes
            fully_online += yes == applicable
            point_share_sum += Fraction(yes, applicable)
        with_standards += fact.service_id in services_with_a_standard
        collecting_feedback += fact.collects_feedback

    met = not_met = not_applicable = 0
    # owner_org -> [met, not met]; an organization whose standards are all NA is listed too.
    by_org: dict[str, list[int]] = {}
    for standard in year_standards:
        counts = by_org.setdefault(standard.owner_org, [0, 0])
        if standard.target_met == YesNoNA.YES:
            met += 1
            counts[0] += 1
        elif standard.target_met == YesNoNA.NO:
            not_met += 1
            counts[1] += 1
        elif standard.target_met == YesNoNA.NOT_APPLICABLE:
            not_applicable += 1

    return Indicators(
        fiscal_year=fiscal_year,
        owner_org=owner_org,
        services_total=services_total,
        services_in_scope=in_scope,
        organizations=len(organizations),
        transactions_total=transactions,
        applications_online=online,
        online_share=_share(online, transactions),
        services_with_applicable_points=with_points,
        services_fully_online=fully_online,
        fully_online_share=_share(fully_online, with_points),
        mean_online_point_share=rounded_share(point_share_sum / with_points)
        if with_points
        else None,
        services_with_standards=with_standards,
        services_with_standards_share=_share(with_standards, in_scope),
        services_collecting_feedback=collecting_feedback,
        services_collecting_feedback_share=_share(collecting_feedback, in_scope),
        standards_total=len(year_standards),
        standards_met=met,
        standards_not_met=not_met,
        standards_na=not_applicable,
        standards_met_share=_share(met, met + not_met),
        standards_met_share_by_org={
            org: _share(counts[0], counts[0] + counts[1]) for org, counts in sorted(by_org.items())
        },
    )
