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

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    F,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Length, Round, Substr, Trim, Upper

from comptoir.core.opendata.schema import COUNT_MAXIMUM
from comptoir.core.performance.official import TargetMet, compute_performance, target_met_for

#: The status of a record whose ratio is exactly half-way (see the module documentation).
MIDPOINT = "MID"
SCALE = 10_000
DIGITS = "0123456789"
#: Significant digits of a count (2,147,483,647 has 10; the bound is checked after).
COUNT_DIGITS = 10


def strip_left(expression: Any, characters: str) -> Func:
    """``LTRIM(expression, characters)``: SQLite and PostgreSQL both take a set of characters.
    The tests below use it rather than ``__regex``, which SQLite runs as a Python callback."""
    return Func(expression, Value(characters), function="LTRIM", output_field=CharField())


def count_value(records: QuerySet[Any], cell: str, name: str) -> QuerySet[Any]:
    """``records`` annotated with ``name``: the count in ``cell`` (trimmed of spaces) as a
    number when it is digits only with at most 10 significant digits, else null. The bound
    (2,147,483,647) is left to the caller."""
    trimmed = f"{name}_cell"
    records = records.annotate(
        **{
            trimmed: Trim(cell),
            f"{name}_rest": strip_left(Trim(cell), DIGITS),
            f"{name}_significant": Length(strip_left(Trim(cell), "0")),
        }
    )
    is_count = Q(**{f"{name}_rest": ""}) & ~Q(**{trimmed: ""})
    is_count &= Q(**{f"{name}_significant__lte": COUNT_DIGITS})
    counted: QuerySet[Any] = records.annotate(
        **{
            name: Case(
                When(is_count, then=Cast(trimmed, BigIntegerField())),
                default=None,
                output_field=BigIntegerField(),
            )
        }
    )
    return counted


def _target_value(records: QuerySet[Any], cell: str) -> QuerySet[Any]:
    """``_i_k``: the target × 10,000 when the target is a decimal with 0 or 1 as integer part
    (leading zeros allowed) and 1 to 4 decimals, or a bare 0 or 1; else null (≤ 1 is checked
    after)."""
    records = records.annotate(
        _i_target=Trim(cell), _i_target_significant=strip_left(Trim(cell), "0")
    )
    records = records.annotate(
        _i_fraction=Case(
            When(_i_target_significant__startswith=".", then=Substr("_i_target_significant", 2)),
            When(_i_target_significant__startswith="1.", then=Substr("_i_target_significant", 3)),
            default=None,
            output_field=CharField(),
        ),
    )
    records = records.annotate(
        _i_fraction_rest=strip_left("_i_fraction", DIGITS),
        _i_fraction_length=Length("_i_fraction"),
    )
    decimal = Q(_i_fraction_rest="") & Q(_i_fraction_length__gte=1) & Q(_i_fraction_length__lte=4)
    whole = Q(_i_target_significant__in=["", "1"]) & ~Q(_i_target="")
    valued: QuerySet[Any] = records.annotate(
        _i_k=Case(
            When(
                decimal | whole,
                then=Cast(
                    Round(Cast("_i_target", DecimalField(max_digits=9, decimal_places=4)) * SCALE),
                    BigIntegerField(),
                ),
            ),
            default=None,
            output_field=BigIntegerField(),
        )
    )
    return valued


#: The per-record inputs :data:`STATUS_SQL` reads (columns of the derived table ``t``).
INPUTS = ("_i_target", "_i_k", "_i_m", "_i_t", "_i_meeting_marker", "_i_total_marker", "_i_stored")

#: ``target_met`` by the official rules over the inputs of one record (derived table ``t``):
#: not computable → the stored cell; no target, a target of 0, a volume missing or a total of 0
#: → ``NA``; then the exact comparison, ``MID`` on the half-way point.
STATUS_SQL = f"""CASE
  WHEN NOT ((t._i_target = '' OR (t._i_k IS NOT NULL AND t._i_k <= {SCALE}))
       AND (t._i_meeting_marker IN ('', 'NA', 'ND')
            OR (t._i_m IS NOT NULL AND t._i_m <= {COUNT_MAXIMUM}))
       AND (t._i_total_marker IN ('', 'NA', 'ND')
            OR (t._i_t IS NOT NULL AND t._i_t <= {COUNT_MAXIMUM})))
    THEN t._i_stored
  WHEN t._i_target = '' OR t._i_k = 0 OR t._i_m IS NULL OR t._i_t IS NULL OR t._i_t = 0
    THEN '{TargetMet.NOT_APPLICABLE.value}'
  WHEN t._i_m * {2 * SCALE} > (2 * t._i_k - 1) * t._i_t THEN '{TargetMet.YES.value}'
  WHEN t._i_m * {2 * SCALE} < (2 * t._i_k - 1) * t._i_t THEN '{TargetMet.NO.value}'
  ELSE '{MIDPOINT}'
END"""


def status_inputs(records: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """``records`` (yearly standard records, or a model reaching them through ``prefix``)
    annotated with the :data:`INPUTS` of :data:`STATUS_SQL`, each computed once per row."""
    records = _target_value(records, f"{prefix}target")
    records = count_value(records, f"{prefix}volume_meeting_target", "_i_m")
    records = count_value(records, f"{prefix}total_volume", "_i_t")
    annotated: QuerySet[Any] = records.annotate(
        _i_meeting_marker=Upper("_i_m_cell"),
        _i_total_marker=Upper("_i_t_cell"),
        _i_stored=Trim(f"{prefix}target_met"),
    )
    return annotated


def grouped_status(records: QuerySet[Any], *keys: str) -> list[tuple[Any, ...]]:
    """One query: ``(key..., status, k, count)`` rows, ``GROUP BY`` the ``keys`` (field paths or
    annotations of ``records``) and the official status; ``k`` is the target × 10,000 of a
    :data:`MIDPOINT` group (settle it with :func:`settled`), else null.

    The status is computed once per record in a derived table (an ORM expression would be
    copied into every place that names it: the query grew to 18 kB and 60 ms on the real file).
    """
    names = [f"g{number}" for number in range(len(keys))]
    inner = (
        status_inputs(records)
        .annotate(**{name: F(key) for name, key in zip(names, keys, strict=True)})
        .order_by()
        .values(*names, *INPUTS)
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter such as ``pk__in=[]``: no row, no query
        return []
    selected = ", ".join(f"t.{name}" for name in names)
    grouped = ", ".join(f"s.{name}" for name in names)
    midpoint_k = f"CASE WHEN s.status = '{MIDPOINT}' THEN s.k END"
    # Materialized, so that neither SQLite nor PostgreSQL folds the derived tables back into
    # the outer query (which would copy each expression into every place naming it again).
    query = (
        f"WITH t AS MATERIALIZED ({sql}), "  # noqa: S608  # no input: names and constants
        f"s AS MATERIALIZED (SELECT {selected}, {STATUS_SQL} AS status, t._i_k AS k FROM t) "
        f"SELECT {grouped}, s.status, {midpoint_k}, COUNT(*) FROM s "
        f"GROUP BY {grouped}, s.status, {midpoint_k}"
    )
    with connections[inner.db].cursor() as cursor:
        cursor.execute(query, params)
        return [tuple(row) for row in cursor.fetchall()]


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
