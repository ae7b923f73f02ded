"""The official ``target_met`` of a yearly standard record, as a SQL expression.

``comptoir.core.performance.official`` decides ``target_met`` from the target and the two
volumes; the inventory applies it through ``inventory.exporting.official_cells``, which keeps the
stored cells when the record holds a value the rules cannot compute on (a target that is not a
decimal from 0 to 1 with at most 4 decimals, a volume that is not blank, ``NA``, ``ND`` or a count
from 0 to 2,147,483,647). :func:`annotate_status` writes the same decision in SQL so that pages
can count met and not-met standards with ``GROUP BY`` instead of reading every record:

- not computable: the stored ``target_met`` cell;
- target blank or 0, a volume blank/``NA``/``ND``, or a total of 0: ``NA``;
- otherwise, with ``k`` = target × 10,000 (a whole number: at most 4 decimals), the official
  rule "performance rounded to 4 decimals ≥ target" is "the ratio ``m/t`` ≥ (k − ½) / 10,000",
  compared exactly in integers: ``20000·m`` against ``(2k − 1)·t``. Greater: ``Y``; smaller:
  ``N``.
- Equal (the ratio is exactly the half-way point): the official rounding works on the double
  nearest to the ratio, which lies on one side or the other depending on ``k`` alone. Such rows
  come out as :data:`MIDPOINT` with their ``k`` and :func:`midpoint_status` settles them with
  the official functions themselves (``643/800`` against ``0.8038`` is ``N``).

Why the integer comparison gives the official answer away from the half-way point: volumes are
below 2³¹, so a ratio that is not the half-way point differs from it by at least 1/(20000·2³¹),
about 2·10⁻¹⁴, far more than the error of the double (10⁻¹⁶): the double lies on the same side.
``tests/insight/test_target_met_sql.py`` checks the expression against ``official_cells`` on
every record of the real 2023-2024 file and on hand-made edge cases.

Cells are trimmed of spaces (SQL ``TRIM``); Python's ``strip`` also removes tabs and line breaks,
which no published cell has.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Round, Trim, Upper
from django.db.models.lookups import GreaterThan, LessThan

from comptoir.core.opendata.schema import COUNT_MAXIMUM
from comptoir.core.performance.official import TargetMet, compute_performance, target_met_for

#: The status of a record whose ratio is exactly half-way (see the module documentation).
MIDPOINT = "MID"
#: A count: digits only, at most 10 once leading zeros are dropped (bounds checked after).
COUNT_PATTERN = r"^0*[0-9]{1,10}$"
#: A target the rules compute on: 0 or 1 as integer part, at most 4 decimals (≤ 1 checked after).
TARGET_PATTERN = r"^0*([01](\.[0-9]{1,4})?|\.[0-9]{1,4})$"
SCALE = 10_000


def _count(trimmed: str) -> Case:
    return Case(
        When(Q(**{f"{trimmed}__regex": COUNT_PATTERN}), then=Cast(trimmed, BigIntegerField())),
        default=None,
        output_field=BigIntegerField(),
    )


def annotate_status(records: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """``records`` (yearly standard records, or a model reaching them through ``prefix``, e.g.
    ``"standard_years__"``) annotated with ``met_status`` (``Y``, ``N``, ``NA``, :data:`MIDPOINT`
    or the stored cell) and ``met_k`` (the target × 10,000 of a :data:`MIDPOINT` row, else
    null)."""
    records = records.annotate(
        _i_target=Trim(f"{prefix}target"),
        _i_meeting=Trim(f"{prefix}volume_meeting_target"),
        _i_total=Trim(f"{prefix}total_volume"),
    )
    records = records.annotate(
        _i_k=Case(
            When(
                _i_target__regex=TARGET_PATTERN,
                then=Cast(
                    Round(Cast("_i_target", DecimalField(max_digits=9, decimal_places=4)) * SCALE),
                    BigIntegerField(),
                ),
            ),
            default=None,
            output_field=BigIntegerField(),
        ),
        _i_m=_count("_i_meeting"),
        _i_t=_count("_i_total"),
        _i_meeting_marker=Upper("_i_meeting"),
        _i_total_marker=Upper("_i_total"),
    )
    no_data = ["", "NA", "ND"]
    computable = (
        (Q(_i_target="") | Q(_i_k__lte=SCALE))
        & (Q(_i_meeting_marker__in=no_data) | Q(_i_m__lte=COUNT_MAXIMUM))
        & (Q(_i_total_marker__in=no_data) | Q(_i_t__lte=COUNT_MAXIMUM))
    )
    meeting_scaled = F("_i_m") * 2 * SCALE
    total_scaled = (F("_i_k") * 2 - 1) * F("_i_t")
    official = Case(
        When(Q(_i_target="") | Q(_i_k=0), then=Value(TargetMet.NOT_APPLICABLE.value)),
        When(_i_m__isnull=True, then=Value(TargetMet.NOT_APPLICABLE.value)),
        When(_i_t__isnull=True, then=Value(TargetMet.NOT_APPLICABLE.value)),
        When(_i_t=0, then=Value(TargetMet.NOT_APPLICABLE.value)),
        When(GreaterThan(meeting_scaled, total_scaled), then=Value(TargetMet.YES.value)),
        When(LessThan(meeting_scaled, total_scaled), then=Value(TargetMet.NO.value)),
        default=Value(MIDPOINT),
        output_field=CharField(),
    )
    return records.annotate(
        met_status=Case(
            When(computable, then=official),
            default=Trim(f"{prefix}target_met"),
            output_field=CharField(),
        )
    ).annotate(
        met_k=Case(When(met_status=MIDPOINT, then="_i_k"), default=None),
    )


@lru_cache(maxsize=1024)
def midpoint_status(k: int) -> str:
    """``Y`` or ``N`` for a ratio exactly half-way below the target ``k`` / 10,000: the ratio is
    (2k − 1) / 20,000, whatever the volumes, so the official functions decide it on those."""
    performance = compute_performance(2 * k - 1, 2 * SCALE)
    return target_met_for(Decimal(k).scaleb(-4), performance).value


def settled(status: str, k: int | None) -> str:
    """A ``met_status`` with a :data:`MIDPOINT` settled."""
    if status == MIDPOINT and k is not None:
        return midpoint_status(k)
    return status
