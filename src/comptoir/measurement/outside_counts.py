"""Outside counts: volumes of a standard counted outside Comptoir (telephony's "calls answered
within 60 seconds" out of "calls offered"), recorded for a period and aggregated with the cases'
facts (``queries.performance``, as ``core.performance.aggregation.ExternalCount``).

    written = import_counts(csv_text, owner_org="abc-def", actor=user)

The file has the columns ``service_id``, ``standard_id``, ``period_start``, ``period_end``
(ISO dates, both included), ``volume_meeting``, ``total_volume`` and optionally ``source``. It
is read whole and checked row by row; any problem refuses all of it with one translated message
per problem naming its row (:class:`CountsRefusedError`), and nothing is written. A count for a
standard and period already recorded replaces it; the history keeps the earlier figures. Counts
are never deleted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.measurement.models import OutsideCount

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from comptoir.accounts.models import User
    from comptoir.inventory.models import ServiceStandard

REQUIRED_COLUMNS = (
    "service_id",
    "standard_id",
    "period_start",
    "period_end",
    "volume_meeting",
    "total_volume",
)
MAX_ROWS = 100_000
MAX_SOURCE = 500


class CountsRefusedError(Exception):
    """The file was refused; ``messages`` are translated, one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True, slots=True)
class _Row:
    standard: ServiceStandard
    period_start: date
    period_end: date
    volume_meeting: int
    total_volume: int
    source: str


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _count(text: str) -> int | None:
    value = text.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _standards(
    owner_org: str | None, among: QuerySet[ServiceStandard] | None
) -> dict[tuple[str, str], list[ServiceStandard]]:
    from comptoir.inventory.models import ServiceStandard

    standards = (among if among is not None else ServiceStandard.objects.all()).select_related(
        "service"
    )
    if owner_org:
        standards = standards.filter(service__organization__owner_org=owner_org)
    found: dict[tuple[str, str], list[ServiceStandard]] = {}
    for standard in standards:
        key = (standard.service.service_id, standard.service_standard_id)
        found.setdefault(key, []).append(standard)
    return found


def read_counts(text: str, *, owner_org: str | None) -> list[_Row]:
    """The rows of a CSV file, checked; :class:`CountsRefusedError` on any problem. Rows are
    numbered as a spreadsheet shows them (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise CountsRefusedError(
            [_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    return check_counts(reader, owner_org=owner_org, first_row=2)


def check_counts(
    cells_of_rows: Iterable[Mapping[str, str | None]],
    *,
    owner_org: str | None,
    first_row: int = 1,
    among: QuerySet[ServiceStandard] | None = None,
) -> list[_Row]:
    """Check counts given as text cells (a CSV row, or an API item with its values as text);
    the standards are looked for ``among`` a queryset (the caller's editable standards), all of
    them by default. :class:`CountsRefusedError` on any problem, naming each row by its number
    from ``first_row``."""
    standards = _standards(owner_org, among)
    problems: list[str] = []
    rows: list[_Row] = []
    seen: dict[tuple[int, date, date], int] = {}
    for number, cells in enumerate(cells_of_rows, start=first_row):
        if number - first_row >= MAX_ROWS:
            problems.append(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
            break
        values = {key: str(cells.get(key) or "") for key in (*REQUIRED_COLUMNS, "source")}
        found = standards.get((values["service_id"].strip(), values["standard_id"].strip()), [])
        start, end = _date(values["period_start"]), _date(values["period_end"])
        meeting, total = _count(values["volume_meeting"]), _count(values["total_volume"])
        names = {"row": number, "service": values["service_id"], "id": values["standard_id"]}
        if not found:
            problems.append(
                _("Row %(row)d: the service %(service)s has no standard %(id)s.") % names
            )
        elif len(found) > 1:
            problems.append(
                _(
                    "Row %(row)d: several organizations have the service %(service)s with a "
                    "standard %(id)s: say which with --org."
                )
                % names
            )
        if start is None or end is None:
            problems.append(
                _("Row %(row)d: write the period's first and last days as 2024-04-01.") % names
            )
        elif start > end:
            problems.append(_("Row %(row)d: the period ends before it starts.") % names)
        if meeting is None or total is None:
            problems.append(_("Row %(row)d: the volumes must be whole numbers, 0 or more.") % names)
        elif meeting > total:
            problems.append(
                _("Row %(row)d: the volume meeting the standard is larger than the total.") % names
            )
        if len(values["source"]) > MAX_SOURCE:
            problems.append(
                _("Row %(row)d: the source is longer than %(max)d characters.")
                % {**names, "max": MAX_SOURCE}
            )
        if problems or len(found) != 1:
            continue
        assert start is not None and end is not None  # noqa: S101 - checked above
        assert meeting is not None and total is not None  # noqa: S101 - checked above
        key = (found[0].pk, start, end)
        if key in seen:
            problems.append(
                _("Row %(row)d: the same standard and period as row %(first)d.")
                % {**names, "first": seen[key]}
            )
            continue
        seen[key] = number
        rows.append(_Row(found[0], start, end, meeting, total, values["source"].strip()))
    if problems:
        raise CountsRefusedError(problems)
    if not rows:
        raise CountsRefusedError([_("The file has no rows.")])
    return rows


def import_counts(text: str, *, owner_org: str | None, actor: User | None) -> int:
    """Check the whole file, then record its counts in one transaction; how many."""
    return do_record_counts(read_counts(text, owner_org=owner_org), actor=actor)


def do_record_counts(rows: Iterable[_Row], *, actor: User | None) -> int:
    """Record checked counts (:func:`check_counts`) in one transaction; how many."""
    rows = list(rows)
    now = timezone.now()
    with transaction.atomic():
        for row in rows:
            count = OutsideCount.objects.filter(
                standard=row.standard, period_start=row.period_start, period_end=row.period_end
            ).first() or OutsideCount(
                standard=row.standard, period_start=row.period_start, period_end=row.period_end
            )
            count.volume_meeting = row.volume_meeting
            count.total_volume = row.total_volume
            count.source_note = row.source
            count.recorded_by = actor
            count.recorded_at = now
            count._history_user = actor  # type: ignore[attr-defined]  # simple_history: who
            count.save()
    return len(rows)
