"""The inventory's numbers from the cases: a service year's applications per channel and its
standards' volumes, counted from the case records instead of typed in (``docs/measurement.md``,
"The inventory's numbers from the cases").

    numbers = numbers_for(service_year)            # read: counted or typed, cell by cell
    result = do_fill_from_cases("2025-2026", actor=None, dry_run=True)

**Handled in Comptoir** means: at least one case of the service was received in the fiscal year
(in the entry unit's time zone). Comptoir has no per-service flag saying so, and the cases
themselves are the evidence: a service whose requests are worked elsewhere has none, and its
typed cells must stay. A service handled here has every one of its applications here, so a
channel without a case counts 0 (unless its typed cell says ``NA``/``ND``: the channel is not
offered, and a 0 would say otherwise).

The numbers are read, never written, by ``numbers_for``; ``do_fill_from_cases`` writes them into
the year's cells through the inventory's own actions (validation, findings, history with the
reason ``counted-from-cases``), and refuses, changing nothing, when a cell of an approved
(frozen) year would change: the published numbers change only by a person's decision. The
export then reads the cells as for any other year, so what is published is what was filled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count

from comptoir.core.opendata.schema import Channel
from comptoir.core.performance.errors import PerformanceError
from comptoir.core.performance.official import NO_DATA_MARKERS
from comptoir.core.performance.periods import Period, PeriodKind
from comptoir.inventory.change_reasons import COUNTED_FROM_CASES
from comptoir.inventory.errors import FiscalYearApprovedError

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.inventory.models import ServiceYear

Source = Literal["cases", "typed"]
CASES: Source = "cases"
TYPED: Source = "typed"

#: The case channels (the open data's channel codes) and the service record's cells they fill.
CHANNEL_CELLS: dict[Channel, str] = {
    Channel.ONL: "num_applications_online",
    Channel.TEL: "num_applications_by_phone",
    Channel.PERSON: "num_applications_in_person",
    Channel.EML: "num_applications_by_email",
    Channel.FAX: "num_applications_by_fax",
    Channel.POST: "num_applications_by_mail",
    Channel.OTH: "num_applications_by_other",
}
TOTAL_CELL = "num_applications_total"
STANDARD_CELLS = ("volume_meeting_target", "total_volume")


@dataclass(frozen=True, slots=True)
class Number:
    """One cell: its value for the open data, where it came from, and the cell as stored."""

    cell: str
    value: str
    source: Source
    stored: str
    #: The cases behind a counted number (the count itself; a standard's total volume).
    cases: int = 0

    @property
    def changes(self) -> bool:
        return self.source == CASES and self.value != self.stored


@dataclass(frozen=True, slots=True)
class StandardNumbers:
    standard_year_pk: int
    service_standard_id: str
    numbers: tuple[Number, ...]


@dataclass(frozen=True, slots=True)
class InventoryNumbers:
    """A service year's numbers; ``handled``: the service is handled in Comptoir that year."""

    service_year_pk: int
    service_id: str
    fiscal_year: str
    handled: bool
    cases_received: int
    applications: tuple[Number, ...]  # the seven channels then the total
    standards: tuple[StandardNumbers, ...] = field(default=())

    def by_cell(self) -> dict[str, Number]:
        """The service record's numbers by cell name (for the service year page)."""
        return {number.cell: number for number in self.applications}


def _received_day_bounds(code: str) -> tuple[Period, datetime, datetime]:
    period = Period.parse(code)
    if period.kind is not PeriodKind.FISCAL_YEAR:
        raise ValueError(code)
    first = datetime.combine(period.first_day, datetime.min.time(), tzinfo=UTC)
    last = datetime.combine(period.last_day, datetime.min.time(), tzinfo=UTC)
    return period, first, last


def cases_received_by_channel(service_pk: int, fiscal_year: str) -> Counter[str]:
    """Cases of the service received in ``fiscal_year`` (the local date of receipt, in the entry
    unit's time zone, as the facts date it), per case channel.

    Local dates differ from UTC by less than a day: the cases received well inside the year are
    counted by the database; only those within a day of either end are dated one by one.
    """
    from comptoir.casework.models import Case

    period, first, last = _received_day_bounds(fiscal_year)
    cases = Case.objects.filter(service_id=service_pk)
    counts: Counter[str] = Counter()
    inner = cases.filter(received_at__gte=first + timedelta(days=1), received_at__lt=last)
    for row in inner.values("channel").annotate(number=Count("pk")).order_by():
        counts[row["channel"]] += row["number"]
    edges = cases.filter(
        received_at__gte=first - timedelta(days=1), received_at__lt=first + timedelta(days=1)
    ) | cases.filter(received_at__gte=last, received_at__lt=last + timedelta(days=2))
    zones: dict[str, ZoneInfo] = {}
    for channel, received_at, zone in edges.values_list(
        "channel", "received_at", "entry_unit__time_zone"
    ):
        local = received_at.astimezone(zones.setdefault(zone, ZoneInfo(zone))).date()
        if period.first_day <= local <= period.last_day:
            counts[channel] += 1
    return counts


def _counted(cell: str, count: int, stored: str) -> Number:
    """A counted cell, except a channel with no case whose typed cell says it is not offered."""
    if count == 0 and stored.strip().upper() in NO_DATA_MARKERS:
        return Number(cell, stored, TYPED, stored)
    return Number(cell, str(count), CASES, stored, cases=count)


def _standard_volumes(service_year: ServiceYear) -> dict[str, tuple[int, int]]:
    """Per open-data standard ID, (volume meeting, total) of the year from the facts, under the
    organization's attribution (``measurement.queries.performance``)."""
    from comptoir.measurement.queries import performance

    report = performance(service_year.fiscal_year.code, service=service_year.service)
    return {row.standard_id: (row.volume_meeting_target, row.total_volume) for row in report.rows}


def numbers_for(service_year: ServiceYear) -> InventoryNumbers:
    """The numbers of a service record, each counted from the cases or left as typed."""
    code = service_year.fiscal_year.code
    try:
        counts = cases_received_by_channel(service_year.service_id, code)
    except (PerformanceError, ValueError):  # a stored code that is no fiscal year: no period
        counts = Counter()
    received = sum(counts.values())
    handled = received > 0
    applications: list[Number] = []
    for channel, cell in CHANNEL_CELLS.items():
        stored = getattr(service_year, cell)
        applications.append(
            _counted(cell, counts[channel.value], stored)
            if handled
            else Number(cell, stored, TYPED, stored)
        )
    total_stored = service_year.num_applications_total
    applications.append(
        Number(TOTAL_CELL, str(received), CASES, total_stored, cases=received)
        if handled
        else Number(TOTAL_CELL, total_stored, TYPED, total_stored)
    )
    volumes = _standard_volumes(service_year) if handled else {}
    standards: list[StandardNumbers] = []
    for standard_year in service_year.standard_years.select_related("standard").order_by("pk"):
        standard_id = standard_year.standard.service_standard_id
        measured = handled and standard_year.standard.rule is not None
        meeting, total = volumes.get(standard_id, (0, 0))
        numbers = []
        for cell, count in zip(STANDARD_CELLS, (meeting, total), strict=True):
            stored = getattr(standard_year, cell)
            numbers.append(
                Number(cell, str(count), CASES, stored, cases=total)
                if measured
                else Number(cell, stored, TYPED, stored)
            )
        standards.append(StandardNumbers(standard_year.pk, standard_id, tuple(numbers)))
    return InventoryNumbers(
        service_year.pk,
        service_year.service.service_id,
        code,
        handled,
        received,
        tuple(applications),
        tuple(standards),
    )


# --- writing the numbers into the cells ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilledCell:
    """One cell that changed (or would, on a dry run) from typed to counted."""

    owner_org: str
    service_id: str
    service_standard_id: str  # "" for a service record's cell
    cell: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class FillResult:
    fiscal_year: str
    dry_run: bool
    services: int  # service records read
    handled: int  # of them, handled in Comptoir
    changed: tuple[FilledCell, ...]


def _service_years(fiscal_year: str, org: str | None) -> Iterable[ServiceYear]:
    from comptoir.inventory.models import ServiceYear

    records = ServiceYear.objects.filter(fiscal_year__code=fiscal_year)
    if org:
        records = records.filter(fiscal_year__organization__owner_org=org)
    return records.select_related("service", "fiscal_year__organization").order_by("pk")


def _changes(numbers: Sequence[Number]) -> dict[str, str]:
    return {number.cell: number.value for number in numbers if number.changes}


@transaction.atomic
def do_fill_from_cases(
    fiscal_year: str,
    *,
    actor: User | None,
    org: str | None = None,
    dry_run: bool = False,
) -> FillResult:
    """Write the counted numbers of ``fiscal_year`` (of every organization, or of ``org``) into
    the service and standard records, through ``inventory.actions``, with the history reason
    ``counted-from-cases``. Raises ``FiscalYearApprovedError``, changing nothing, when a cell
    of an approved year would change; a cell the inventory's validation refuses raises its
    ``RecordRefusedError`` and nothing is changed either (one transaction)."""
    from comptoir.inventory import actions
    from comptoir.inventory.models import StandardYear

    filled: list[FilledCell] = []
    services = handled = 0
    for service_year in _service_years(fiscal_year, org):
        services += 1
        numbers = numbers_for(service_year)
        if not numbers.handled:
            continue
        handled += 1
        owner_org = service_year.fiscal_year.organization.owner_org
        service_changes = _changes(numbers.applications)
        standard_changes = {
            standard.standard_year_pk: (standard.service_standard_id, _changes(standard.numbers))
            for standard in numbers.standards
        }
        would_change = bool(service_changes) or any(c for _id, c in standard_changes.values())
        if would_change and service_year.fiscal_year.approved_at is not None:
            raise FiscalYearApprovedError(owner_org, fiscal_year)
        for number in numbers.applications:
            if number.changes:
                filled.append(
                    FilledCell(
                        owner_org,
                        numbers.service_id,
                        "",
                        number.cell,
                        number.stored,
                        number.value,
                    )
                )
        for standard in numbers.standards:
            for number in standard.numbers:
                if number.changes:
                    filled.append(
                        FilledCell(
                            owner_org,
                            numbers.service_id,
                            standard.service_standard_id,
                            number.cell,
                            number.stored,
                            number.value,
                        )
                    )
        if dry_run:
            continue
        if service_changes:
            actions.do_update_service_year(
                service_year, service_changes, actor=actor, reason=COUNTED_FROM_CASES
            )
        for pk, (_standard_id, changes) in standard_changes.items():
            if changes:
                actions.do_update_standard_year(
                    StandardYear.objects.get(pk=pk),
                    changes,
                    actor=actor,
                    reason=COUNTED_FROM_CASES,
                )
    return FillResult(fiscal_year, dry_run, services, handled, tuple(filled))
