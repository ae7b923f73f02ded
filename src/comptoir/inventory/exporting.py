"""Writing a fiscal year back out in the official open-data format, streaming.

Rows come from the database in import (file) order, cells exactly as stored, keys derived from the
fiscal year, service and organization (``owner_org_title`` is the title the fiscal year keeps,
frozen with it at approval, not the organization's current one); ``performance`` and
``target_met`` are recomputed with the official rules (``comptoir.core.performance.official``).
Where a stored cell cannot be computed on (a malformed volume, kept as published and reported as
a finding), the stored value is written.
The bytes are produced by ``comptoir.core.opendata.csvio`` (UTF-8 with a byte-order mark, CRLF,
minimal quoting, official column order).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from django.db.models import Case, F, Q, QuerySet, When

from comptoir.core.opendata.csvio import write_rows
from comptoir.core.opendata.schema import Resource
from comptoir.core.opendata.validation import bounded_count, bounded_decimal
from comptoir.core.performance.official import (
    NO_DATA_MARKERS,
    OfficialRuleError,
    official_performance,
)
from comptoir.inventory.models import (
    SERVICE_FIELDS_STORED,
    STANDARD_FIELDS_STORED,
    ServiceYear,
    StandardYear,
)
from comptoir.inventory.models.organizations import join_owner_org_title

CHUNK_SIZE = 1000

FILE_NAMES = {Resource.SERVICE: "service.csv", Resource.STANDARD: "service-std.csv"}


def _with_year_titles[Records: (QuerySet[ServiceYear], QuerySet[StandardYear])](
    records: Records,
) -> Records:
    """``year_title_en``/``_fr``: the title the fiscal year keeps (frozen at approval), or the
    organization's current one for a year that has none (never an approved year)."""
    untitled = Q(fiscal_year__owner_org_title_en="")
    return records.annotate(
        year_title_en=Case(
            When(untitled, then=F("fiscal_year__organization__title_en")),
            default=F("fiscal_year__owner_org_title_en"),
        ),
        year_title_fr=Case(
            When(untitled, then=F("fiscal_year__organization__title_fr")),
            default=F("fiscal_year__owner_org_title_fr"),
        ),
    )


def service_rows(fiscal_year: str, org: str | None = None) -> Iterator[dict[str, str]]:
    """The service rows of a fiscal year (of every organization, or of ``org``)."""
    records: QuerySet[ServiceYear] = ServiceYear.objects.filter(fiscal_year__code=fiscal_year)
    if org:
        records = records.filter(fiscal_year__organization__owner_org=org)
    records = _with_year_titles(records)
    keys = (
        "fiscal_year__code",
        "service__service_id",
        "fiscal_year__organization__owner_org",
        "year_title_en",
        "year_title_fr",
    )
    for values in (
        records.order_by("pk").values_list(*keys, *SERVICE_FIELDS_STORED).iterator(CHUNK_SIZE)
    ):
        code, service_id, owner_org, title_en, title_fr = values[:5]
        row = dict(zip(SERVICE_FIELDS_STORED, values[5:], strict=True))
        row["fiscal_yr"] = code
        row["service_id"] = service_id
        row["owner_org"] = owner_org
        row["owner_org_title"] = join_owner_org_title(title_en, title_fr)
        yield row


def _is_computable_volume(cell: str) -> bool:
    text = cell.strip()
    return text == "" or text.upper() in NO_DATA_MARKERS or bounded_count(text) is not None


def official_cells(row: Mapping[str, str]) -> dict[str, str]:
    """``performance``/``target_met`` by the official rules (stored ones if not computable).

    Only cells within the bounds of the format are computed on (a target from 0 to 1 with at
    most 4 decimals, volumes from 0 to 2,147,483,647): any other value the database may hold
    (kept from a lenient import, or written without validation) keeps the stored cells, so a
    page, a command or an export never fails on one record.
    """
    target = row.get("target", "")
    meeting = row.get("volume_meeting_target", "")
    total = row.get("total_volume", "")
    stored = {"performance": row.get("performance", ""), "target_met": row.get("target_met", "")}
    if not (
        (target.strip() == "" or bounded_decimal(target, maximum=1) is not None)
        and _is_computable_volume(meeting)
        and _is_computable_volume(total)
    ):
        return stored
    try:
        result = official_performance(target, meeting, total)
    except OfficialRuleError:
        return stored
    return {"performance": result.performance, "target_met": result.target_met}


def standard_rows(
    fiscal_year: str, org: str | None = None, *, recompute: bool = True
) -> Iterator[dict[str, str]]:
    """The standard rows of a fiscal year, ``performance``/``target_met`` recomputed."""
    records: QuerySet[StandardYear] = StandardYear.objects.filter(fiscal_year__code=fiscal_year)
    if org:
        records = records.filter(fiscal_year__organization__owner_org=org)
    records = _with_year_titles(records)
    keys = (
        "fiscal_year__code",
        "standard__service__service_id",
        "standard__service_standard_id",
        "fiscal_year__organization__owner_org",
        "year_title_en",
        "year_title_fr",
    )
    for values in (
        records.order_by("pk").values_list(*keys, *STANDARD_FIELDS_STORED).iterator(CHUNK_SIZE)
    ):
        code, service_id, standard_id, owner_org, title_en, title_fr = values[:6]
        row = dict(zip(STANDARD_FIELDS_STORED, values[6:], strict=True))
        row["fiscal_yr"] = code
        row["service_id"] = service_id
        row["service_standard_id"] = standard_id
        row["owner_org"] = owner_org
        row["owner_org_title"] = join_owner_org_title(title_en, title_fr)
        if recompute:
            row.update(official_cells(row))
        yield row


def export_fiscal_year(fiscal_year: str, out_dir: Path, org: str | None = None) -> dict[str, int]:
    """Write ``service.csv`` and ``service-std.csv`` into ``out_dir``; return rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for resource, name in FILE_NAMES.items():
        rows = (
            service_rows(fiscal_year, org)
            if resource is Resource.SERVICE
            else standard_rows(fiscal_year, org)
        )
        with (out_dir / name).open("wb") as out:
            counts[name] = write_rows(resource, rows, out)
    return counts
