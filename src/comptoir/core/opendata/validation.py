"""Checking open-data rows against the data dictionary and the analysts' consistency checks.

Every problem is a :class:`Violation`: where (resource, row, service and standard ids, field), which
rule (:class:`RuleCode`, stable) and the facts needed to explain it (``params``, strings and
integers only). No sentences: the Django layer renders each rule code in English and French.

Each rule has a :class:`Severity` (:data:`RULE_SEVERITY`):

- ``ERROR``: the cell (or row) cannot be used as the schema means it: a mandatory cell is empty, a
  code is not among the choices, a number is not a number, the row collides with another...
- ``WARNING``: the values are usable but disagree with a conditional requirement of the dictionary
  or with a consistency check Treasury Board's analysts run on the published data.
- ``INFO``: worth a look, not wrong by the format (a program code the caller does not know).

The importer stores every violation as a finding whatever its severity. The full list of rules,
with the reasons for each decision, is in ``docs/open-data-format.md``.

Row-level checks are pure functions of one row (:func:`validate_service_row`,
:func:`validate_standard_row`), usable by edit forms. Checks across rows (unique keys, a standard's
service) need the rows of a whole import: :class:`InventoryValidator` keeps only the keys.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Final

from comptoir.core.opendata.csvio import CsvRow
from comptoir.core.opendata.programs import ProgramList, ProgramUse
from comptoir.core.opendata.schema import (
    APPLICATION_CHANNEL_FIELDS,
    COUNT_MAXIMUM,
    DECIMAL_PLACES_MAXIMUM,
    EARLIEST_FISCAL_YEAR_START,
    IDENTIFIER_FORMAT,
    KEY_FIELDS,
    MULTI_VALUE_SEPARATOR,
    ONLINE_POINT_FIELDS,
    OWNER_ORG_FORMAT,
    PROGRAM_ID_FORMAT,
    UNSAFE_URI_SCHEMES,
    Channel,
    CountMarker,
    FeedbackChannel,
    FieldSpec,
    Resource,
    TargetGroup,
    ValueKind,
    YesNo,
    YesNoNA,
    columns_of,
    fields_of,
    is_fiscal_year,
    is_web_address,
    uri_scheme,
)
from comptoir.core.performance.official import OfficialRuleError, official_performance

__all__ = [
    "RULE_SEVERITY",
    "InventoryValidator",
    "RuleCode",
    "Severity",
    "Violation",
    "bounded_count",
    "bounded_decimal",
    "check_cell_count",
    "check_header",
    "is_key_violation",
    "validate_inventory",
    "validate_service_row",
    "validate_standard_row",
]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class RuleCode(enum.StrEnum):
    """Stable codes of the rules (stored with each finding; never rename one)."""

    # The file as a whole.
    HEADER_MISSING_COLUMN = "header_missing_column"
    HEADER_UNEXPECTED_COLUMN = "header_unexpected_column"
    HEADER_DUPLICATE_COLUMN = "header_duplicate_column"
    HEADER_COLUMN_ORDER = "header_column_order"
    ROW_CELL_COUNT = "row_cell_count"
    # One cell, by the data dictionary.
    REQUIRED = "required"
    ID_CONTAINS_COMMA = "id_contains_comma"
    TOO_LONG = "too_long"
    NOT_A_CHOICE = "not_a_choice"
    REPEATED_CHOICE = "repeated_choice"
    FISCAL_YEAR_FORMAT = "fiscal_year_format"
    PROGRAM_ID_FORMAT = "program_id_format"
    PROGRAM_ID_UNKNOWN = "program_id_unknown"
    NOT_A_COUNT = "not_a_count"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE_NUMBER = "negative_number"
    TARGET_OUT_OF_RANGE = "target_out_of_range"
    # Conditional requirements of the data dictionary.
    OS_COMMENTS_REQUIRED = "os_comments_required"
    SPECIAL_REMARKS_REQUIRED = "special_remarks_required"
    ADS_DESCRIPTION_REQUIRED = "ads_description_required"
    CHANNEL_COMMENTS_REQUIRED = "channel_comments_required"
    VOLUME_EXCEEDS_TOTAL = "volume_exceeds_total"
    APPLICATIONS_TOTAL_MISMATCH = "applications_total_mismatch"
    # Consistency checks of Treasury Board's analysts.
    FEEDBACK_ONLINE_MISMATCH = "feedback_online_mismatch"
    FEEDBACK_NONE_COMBINED = "feedback_none_combined"
    CRA_BN_USAGE_MISMATCH = "cra_bn_usage_mismatch"
    PERFORMANCE_ABOVE_100 = "performance_above_100"
    STANDARD_WITHOUT_VOLUME = "standard_without_volume"
    PERFORMANCE_MISMATCH = "performance_mismatch"
    TARGET_MET_MISMATCH = "target_met_mismatch"
    # Across rows.
    DUPLICATE_SERVICE = "duplicate_service"
    DUPLICATE_STANDARD = "duplicate_standard"
    STANDARD_ID_REUSED = "standard_id_reused"
    STANDARD_WITHOUT_SERVICE = "standard_without_service"
    # Bounds of every number and year, keys that page addresses carry, safe links.
    NUMBER_TOO_LARGE = "number_too_large"
    TOO_MANY_DECIMALS = "too_many_decimals"
    YEAR_OUT_OF_RANGE = "year_out_of_range"
    KEY_FORMAT = "key_format"
    UNSAFE_URI_SCHEME = "unsafe_uri_scheme"
    NOT_A_WEB_ADDRESS = "not_a_web_address"
    ROW_NOT_STORED = "row_not_stored"
    # The Open Government registry's own checks (its table triggers and program-code list).
    TEXT_IN_ONE_LANGUAGE = "text_in_one_language"
    PROGRAM_ID_NOT_LISTED = "program_id_not_listed"
    PROGRAM_ID_OTHER_ORGANIZATION = "program_id_other_organization"
    PROGRAM_ID_EXPIRED = "program_id_expired"
    PROGRAM_ID_NOT_YET_VALID = "program_id_not_yet_valid"


_E = Severity.ERROR
_W = Severity.WARNING

#: The severity of each rule.
RULE_SEVERITY: Mapping[RuleCode, Severity] = MappingProxyType(
    {
        RuleCode.HEADER_MISSING_COLUMN: _E,
        RuleCode.HEADER_UNEXPECTED_COLUMN: _E,
        RuleCode.HEADER_DUPLICATE_COLUMN: _E,
        RuleCode.HEADER_COLUMN_ORDER: _W,
        RuleCode.ROW_CELL_COUNT: _E,
        RuleCode.REQUIRED: _E,
        RuleCode.ID_CONTAINS_COMMA: _E,
        RuleCode.TOO_LONG: _E,
        RuleCode.NOT_A_CHOICE: _E,
        RuleCode.REPEATED_CHOICE: _W,
        RuleCode.FISCAL_YEAR_FORMAT: _E,
        RuleCode.PROGRAM_ID_FORMAT: _E,
        RuleCode.PROGRAM_ID_UNKNOWN: Severity.INFO,
        RuleCode.NOT_A_COUNT: _E,
        RuleCode.NOT_A_NUMBER: _E,
        RuleCode.NEGATIVE_NUMBER: _E,
        RuleCode.TARGET_OUT_OF_RANGE: _E,
        RuleCode.OS_COMMENTS_REQUIRED: _E,  # the registry refuses it
        RuleCode.SPECIAL_REMARKS_REQUIRED: _E,  # the registry refuses it
        RuleCode.ADS_DESCRIPTION_REQUIRED: _E,  # the registry refuses it
        RuleCode.CHANNEL_COMMENTS_REQUIRED: _W,
        RuleCode.VOLUME_EXCEEDS_TOTAL: _W,
        RuleCode.APPLICATIONS_TOTAL_MISMATCH: _W,
        RuleCode.FEEDBACK_ONLINE_MISMATCH: _W,
        RuleCode.FEEDBACK_NONE_COMBINED: _W,
        RuleCode.CRA_BN_USAGE_MISMATCH: _W,
        RuleCode.PERFORMANCE_ABOVE_100: _W,
        RuleCode.STANDARD_WITHOUT_VOLUME: _W,
        RuleCode.PERFORMANCE_MISMATCH: _W,
        RuleCode.TARGET_MET_MISMATCH: _W,
        RuleCode.DUPLICATE_SERVICE: _E,
        RuleCode.DUPLICATE_STANDARD: _E,
        RuleCode.STANDARD_ID_REUSED: _W,
        RuleCode.STANDARD_WITHOUT_SERVICE: _E,
        RuleCode.NUMBER_TOO_LARGE: _E,
        RuleCode.TOO_MANY_DECIMALS: _E,
        RuleCode.YEAR_OUT_OF_RANGE: _E,
        RuleCode.KEY_FORMAT: _E,
        RuleCode.UNSAFE_URI_SCHEME: _E,
        RuleCode.NOT_A_WEB_ADDRESS: _W,
        RuleCode.ROW_NOT_STORED: _E,
        RuleCode.TEXT_IN_ONE_LANGUAGE: _E,
        RuleCode.PROGRAM_ID_NOT_LISTED: _E,
        RuleCode.PROGRAM_ID_OTHER_ORGANIZATION: _W,
        RuleCode.PROGRAM_ID_EXPIRED: _W,
        RuleCode.PROGRAM_ID_NOT_YET_VALID: _W,
    }
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    ``row`` is the spreadsheet row (header = 1; 0 when the row is not from a file, e.g. a form);
    ``field`` is the column concerned (``""`` for a whole row); ``standard_id`` is ``""`` for the
    service resource. ``params`` holds the facts a message needs (e.g. ``value``, ``limit``).
    """

    resource: Resource
    row: int
    service_id: str
    standard_id: str
    field: str
    rule: RuleCode
    params: Mapping[str, str | int] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def severity(self) -> Severity:
        return RULE_SEVERITY[self.rule]


_INTEGER: Final = re.compile(r"[0-9]+")
_SIGNED_INTEGER: Final = re.compile(r"-[0-9]+")
_DECIMAL: Final = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_MARKERS: Final = frozenset(marker.value for marker in CountMarker)


class _RowCheck:
    """Collects the violations of one row."""

    __slots__ = ("found", "resource", "row", "service_id", "standard_id", "values")

    def __init__(self, resource: Resource, values: Mapping[str, str], row: int) -> None:
        self.resource = resource
        self.values = values
        self.row = row
        self.service_id = values.get("service_id", "").strip()
        self.standard_id = (
            values.get("service_standard_id", "").strip() if resource is Resource.STANDARD else ""
        )
        self.found: list[Violation] = []

    def cell(self, field_id: str) -> str:
        return self.values.get(field_id, "")

    def add(self, field_id: str, rule: RuleCode, **params: str | int) -> None:
        self.found.append(
            Violation(
                self.resource, self.row, self.service_id, self.standard_id, field_id, rule, params
            )
        )


# Digits of COUNT_MAXIMUM: a longer run of significant digits is out of bounds before ``int``
# is called (Python refuses to convert more than 4,300 digits, and such a number is no count).
_COUNT_DIGITS: Final = len(str(COUNT_MAXIMUM))


def bounded_count(text: str) -> int | None:
    """A count cell's whole number from 0 to :data:`COUNT_MAXIMUM`, else ``None`` (blank, ``NA``,
    ``ND``, not a whole number, or out of bounds). Safe on any text, however long."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        return None
    digits = text.lstrip("0")
    if len(digits) > _COUNT_DIGITS:
        return None
    value = int(digits or "0")
    return value if value <= COUNT_MAXIMUM else None


def _decimal_places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def bounded_decimal(text: str, *, maximum: int = COUNT_MAXIMUM) -> Decimal | None:
    """A decimal cell from 0 to ``maximum`` with at most :data:`DECIMAL_PLACES_MAXIMUM` decimals,
    else ``None``. Safe on any text, however long."""
    number = _decimal(text.strip())
    if number is None or number < 0 or number > maximum:
        return None
    return number if _decimal_places(number) <= DECIMAL_PLACES_MAXIMUM else None


def _count(text: str) -> int | None:
    """A count cell within bounds, else ``None`` (rules across cells skip such a cell: its own
    rule reports it)."""
    return bounded_count(text)


def _decimal(text: str) -> Decimal | None:
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets decimals through
        return None


#: A value quoted in a finding is cut to this many characters (a cell may hold thousands).
_SHOWN_LENGTH: Final = 60


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


def _fiscal_year_start(text: str) -> int | None:
    return int(text[:4]) if is_fiscal_year(text) else None


def _check_year(check: _RowCheck, field_id: str, raw: str) -> None:
    """A well-formed fiscal year within bounds: from 2005-2006 (the dictionary's first year);
    a service review or improvement no later than the year after the record's fiscal year (the
    year the inventory is collected in)."""
    start = int(raw[:4])
    latest = None
    if field_id != "fiscal_yr":
        record_start = _fiscal_year_start(check.cell("fiscal_yr").strip())
        plausible = record_start is not None and record_start >= EARLIEST_FISCAL_YEAR_START
        latest = record_start + 1 if plausible and record_start is not None else None
    if start < EARLIEST_FISCAL_YEAR_START or (latest is not None and start > latest):
        check.add(
            field_id,
            RuleCode.YEAR_OUT_OF_RANGE,
            value=raw,
            earliest=f"{EARLIEST_FISCAL_YEAR_START}-{EARLIEST_FISCAL_YEAR_START + 1}",
            latest=f"{latest}-{latest + 1}" if latest is not None else "",
        )


def _check_web_address(check: _RowCheck, field_id: str, raw: str) -> None:
    scheme = uri_scheme(raw)
    if scheme in UNSAFE_URI_SCHEMES:
        check.add(field_id, RuleCode.UNSAFE_URI_SCHEME, value=_shown(raw), scheme=scheme)
    elif not is_web_address(raw):
        check.add(field_id, RuleCode.NOT_A_WEB_ADDRESS, value=_shown(raw))


def is_key_violation(violation: Violation) -> bool:
    """Whether ``violation`` makes its row's key unusable (empty, malformed or over-long key
    cell): such a row cannot be stored, and a lenient import leaves it out."""
    return (
        violation.severity is Severity.ERROR
        and violation.field in KEY_FIELDS[violation.resource]
        and violation.rule
        in (
            RuleCode.REQUIRED,
            RuleCode.ID_CONTAINS_COMMA,
            RuleCode.FISCAL_YEAR_FORMAT,
            RuleCode.KEY_FORMAT,
            RuleCode.TOO_LONG,
        )
    )


def _items(text: str) -> list[str]:
    return text.split(MULTI_VALUE_SEPARATOR)


def _check_cell(
    check: _RowCheck, spec: FieldSpec, known_program_ids: Collection[str] | None
) -> None:
    """The dictionary's checks of one cell, by the field's kind."""
    raw = check.cell(spec.id)
    if raw.strip() == "":
        if spec.is_mandatory:
            check.add(spec.id, RuleCode.REQUIRED)
        return
    if spec.character_limit is not None and len(raw) > spec.character_limit:
        check.add(spec.id, RuleCode.TOO_LONG, limit=spec.character_limit, length=len(raw))
    kind = spec.kind
    if kind is ValueKind.TEXT:
        return
    if kind is ValueKind.IDENTIFIER:
        if MULTI_VALUE_SEPARATOR in raw:
            check.add(spec.id, RuleCode.ID_CONTAINS_COMMA, value=_shown(raw))
        elif not IDENTIFIER_FORMAT.fullmatch(raw):
            check.add(spec.id, RuleCode.KEY_FORMAT, value=_shown(raw))
    elif kind is ValueKind.ORGANIZATION:
        if not OWNER_ORG_FORMAT.fullmatch(raw):
            check.add(spec.id, RuleCode.KEY_FORMAT, value=_shown(raw))
    elif kind is ValueKind.WEB_ADDRESS:
        _check_web_address(check, spec.id, raw)
    elif kind is ValueKind.FISCAL_YEAR:
        if not is_fiscal_year(raw):
            check.add(spec.id, RuleCode.FISCAL_YEAR_FORMAT, value=_shown(raw))
        else:
            _check_year(check, spec.id, raw)
    elif kind is ValueKind.CODE:
        if raw not in spec.choices:
            check.add(spec.id, RuleCode.NOT_A_CHOICE, value=raw)
    elif kind is ValueKind.CODES:
        seen: set[str] = set()
        for item in _items(raw):
            if item not in spec.choices:
                check.add(spec.id, RuleCode.NOT_A_CHOICE, value=item)
            elif item in seen:
                check.add(spec.id, RuleCode.REPEATED_CHOICE, value=item)
            seen.add(item)
    elif kind is ValueKind.PROGRAM_CODES:
        for item in _items(raw):
            if not PROGRAM_ID_FORMAT.fullmatch(item):
                check.add(spec.id, RuleCode.PROGRAM_ID_FORMAT, value=item)
            elif known_program_ids is not None and item not in known_program_ids:
                check.add(spec.id, RuleCode.PROGRAM_ID_UNKNOWN, value=item)
    elif kind is ValueKind.COUNT_OR_MARKER or kind is ValueKind.COUNT or kind is ValueKind.VOLUME:
        if _INTEGER.fullmatch(raw):
            if bounded_count(raw) is None:
                check.add(
                    spec.id, RuleCode.NUMBER_TOO_LARGE, value=_shown(raw), limit=COUNT_MAXIMUM
                )
            return
        if kind is ValueKind.COUNT_OR_MARKER and raw in _MARKERS:
            return
        if _SIGNED_INTEGER.fullmatch(raw):
            check.add(spec.id, RuleCode.NEGATIVE_NUMBER, value=_shown(raw))
        else:
            check.add(spec.id, RuleCode.NOT_A_COUNT, value=_shown(raw))
    else:  # RATIO or PERFORMANCE
        number = _decimal(raw)
        if number is None:
            check.add(spec.id, RuleCode.NOT_A_NUMBER, value=_shown(raw))
        elif kind is ValueKind.RATIO and not Decimal(0) <= number <= Decimal(1):
            check.add(spec.id, RuleCode.TARGET_OUT_OF_RANGE, value=_shown(raw))
        elif number < 0:
            check.add(spec.id, RuleCode.NEGATIVE_NUMBER, value=_shown(raw))
        elif number > COUNT_MAXIMUM:
            check.add(spec.id, RuleCode.NUMBER_TOO_LARGE, value=_shown(raw), limit=COUNT_MAXIMUM)
        elif _decimal_places(number) > DECIMAL_PLACES_MAXIMUM:
            check.add(
                spec.id, RuleCode.TOO_MANY_DECIMALS, value=_shown(raw), limit=DECIMAL_PLACES_MAXIMUM
            )


def _require_both(check: _RowCheck, prefix: str, rule: RuleCode, **params: str | int) -> None:
    for suffix in ("_en", "_fr"):
        if check.cell(prefix + suffix).strip() == "":
            check.add(prefix + suffix, rule, **params)


def _service_rules(check: _RowCheck) -> None:
    """Conditional requirements and consistency checks of a service row."""
    points = {point: check.cell(point) for point in ONLINE_POINT_FIELDS}
    not_applicable = [p for p, v in points.items() if v == YesNoNA.NOT_APPLICABLE]
    if not_applicable:
        _require_both(
            check,
            "os_comments_client_interaction",
            RuleCode.OS_COMMENTS_REQUIRED,
            points=MULTI_VALUE_SEPARATOR.join(not_applicable),
        )

    other = _count(check.cell("num_applications_by_other"))
    if other is not None and other > 0:
        _require_both(check, "special_remarks", RuleCode.SPECIAL_REMARKS_REQUIRED, value=other)

    if check.cell("automated_decision_system") == YesNo.YES:
        _require_both(
            check, "automated_decision_system_description", RuleCode.ADS_DESCRIPTION_REQUIRED
        )

    channels = [_count(check.cell(name)) for name in APPLICATION_CHANNEL_FIELDS]
    total = _count(check.cell("num_applications_total"))
    channel_cells_valid = all(
        count is not None or check.cell(name) in _MARKERS
        for name, count in zip(APPLICATION_CHANNEL_FIELDS, channels, strict=True)
    )
    if total is not None and channel_cells_valid:
        expected = sum(count or 0 for count in channels)
        if expected != total:
            check.add(
                "num_applications_total",
                RuleCode.APPLICATIONS_TOTAL_MISMATCH,
                value=total,
                expected=expected,
            )

    feedback_cell = check.cell("client_feedback_channel")
    feedback = _items(feedback_cell) if feedback_cell else []
    if FeedbackChannel.NON in feedback and len(set(feedback)) > 1:
        check.add("client_feedback_channel", RuleCode.FEEDBACK_NONE_COMBINED, value=feedback_cell)
    resolution = points["os_issue_resolution_feedback"]
    if feedback and resolution in (YesNoNA.YES, YesNoNA.NO, YesNoNA.NOT_APPLICABLE):
        has_online = FeedbackChannel.ONL in feedback
        if has_online != (resolution == YesNoNA.YES):
            check.add(
                "client_feedback_channel",
                RuleCode.FEEDBACK_ONLINE_MISMATCH,
                value=feedback_cell,
                os_issue_resolution_feedback=resolution,
            )

    groups_cell = check.cell("client_target_groups")
    usage = check.cell("cra_bn_identifier_usage")
    if groups_cell and usage in (YesNoNA.YES, YesNoNA.NO, YesNoNA.NOT_APPLICABLE):
        serves_businesses = TargetGroup.ECONOM in _items(groups_cell)
        if serves_businesses == (usage == YesNoNA.NOT_APPLICABLE):
            check.add(
                "cra_bn_identifier_usage",
                RuleCode.CRA_BN_USAGE_MISMATCH,
                value=usage,
                client_target_groups=groups_cell,
            )


def _standard_rules(check: _RowCheck) -> None:
    """Conditional requirements and consistency checks of a standard row."""
    if check.cell("channel") == Channel.OTH:
        _require_both(check, "channel_comments", RuleCode.CHANNEL_COMMENTS_REQUIRED)

    meeting_cell = check.cell("volume_meeting_target")
    total_cell = check.cell("total_volume")
    meeting = _count(meeting_cell)
    total = _count(total_cell)
    if meeting is not None and total is not None and meeting > total:
        check.add(
            "volume_meeting_target",
            RuleCode.VOLUME_EXCEEDS_TOTAL,
            value=meeting,
            total_volume=total,
        )
    if total_cell.strip() == "" or total == 0:
        check.add("total_volume", RuleCode.STANDARD_WITHOUT_VOLUME, value=total_cell)

    performance_cell = check.cell("performance").strip()
    # A performance out of bounds (negative, huge, too precise) is reported by its own rule only.
    performance = bounded_decimal(performance_cell) if performance_cell else None
    if performance is not None and performance > 1:
        check.add("performance", RuleCode.PERFORMANCE_ABOVE_100, value=performance_cell)

    # Recompute only from cells that are well formed: a malformed one is reported by its own rule
    # and the recomputed figures would only repeat that finding.
    target_cell = check.cell("target").strip()
    target = bounded_decimal(target_cell, maximum=1) if target_cell else None
    inputs_valid = (
        (target_cell == "" or target is not None)
        and (meeting_cell.strip() == "" or meeting is not None)
        and (total_cell.strip() == "" or total is not None)
    )
    if not inputs_valid:
        return
    try:
        official = official_performance(target_cell, meeting_cell, total_cell)
    except OfficialRuleError:  # pragma: no cover - the cells were checked above
        return
    published_valid = performance_cell == "" or performance is not None
    expected_performance = _decimal(official.performance) if official.performance else None
    if published_valid and performance != expected_performance:
        check.add(
            "performance",
            RuleCode.PERFORMANCE_MISMATCH,
            value=performance_cell,
            expected=official.performance,
        )
    target_met = check.cell("target_met")
    if (
        target_met in (YesNoNA.YES, YesNoNA.NO, YesNoNA.NOT_APPLICABLE)
        and target_met != official.target_met
    ):
        check.add(
            "target_met",
            RuleCode.TARGET_MET_MISMATCH,
            value=target_met,
            expected=official.target_met,
        )


#: Texts the Open Government registry refuses in one official language only (its triggers'
#: ``both_languages_error``): the ``_en``/``_fr`` pairs of each resource.
BOTH_LANGUAGE_TEXTS: Mapping[Resource, tuple[str, ...]] = MappingProxyType(
    {
        Resource.SERVICE: (
            "automated_decision_system_description",
            "os_comments_client_interaction",
            "special_remarks",
            "service_uri",
        ),
        Resource.STANDARD: ("channel_comments", "comments", "performance_results_uri"),
    }
)

#: At most this many organizations are named when a program code belongs to others.
_ORGANIZATIONS_NAMED = 5


def _fiscal_year_span(start: int) -> str:
    return f"{start}-{start + 1}"


def _registry_rules(check: _RowCheck, program_codes: ProgramList | None) -> None:
    """The checks of the Open Government registry that the data dictionary does not spell out.

    A text given in one official language only is refused (the empty side is reported, unless a
    requirement already reports it as an error). With the registry's program-code list, a code
    outside the list is refused and a listed code reported by another organization or outside
    its years is a warning. Run after the cell checks and the resource's own rules.
    """
    already_refused = {v.field for v in check.found if v.severity is Severity.ERROR}
    for prefix in BOTH_LANGUAGE_TEXTS[check.resource]:
        english, french = prefix + "_en", prefix + "_fr"
        has_english = check.cell(english).strip() != ""
        has_french = check.cell(french).strip() != ""
        if has_english == has_french:
            continue
        empty = french if has_english else english
        if empty not in already_refused:
            check.add(
                empty, RuleCode.TEXT_IN_ONE_LANGUAGE, filled=english if has_english else french
            )

    if program_codes is None or check.resource is not Resource.SERVICE:
        return
    owner_org = check.cell("owner_org").strip()
    fiscal_yr = check.cell("fiscal_yr").strip()
    cell = check.cell("program_id")
    for code in dict.fromkeys(_items(cell) if cell.strip() else []):
        if not PROGRAM_ID_FORMAT.fullmatch(code):
            continue  # reported by the cell's own rule
        use = program_codes.use(code, owner_org=owner_org, fiscal_yr=fiscal_yr)
        program = program_codes.get(code)
        validity = program.valid_orgs.get(owner_org) if program is not None else None
        if use is ProgramUse.NOT_LISTED or program is None:
            check.add("program_id", RuleCode.PROGRAM_ID_NOT_LISTED, value=code)
        elif use is ProgramUse.OTHER_ORGANIZATION:
            others = sorted(program.valid_orgs)
            named = ", ".join(others[:_ORGANIZATIONS_NAMED])
            check.add(
                "program_id",
                RuleCode.PROGRAM_ID_OTHER_ORGANIZATION,
                value=code,
                owner_org=owner_org,
                organizations=named + (", …" if len(others) > _ORGANIZATIONS_NAMED else ""),
                organization_count=len(others),
            )
        elif use is ProgramUse.EXPIRED and validity and validity.until_fiscal_end is not None:
            check.add(
                "program_id",
                RuleCode.PROGRAM_ID_EXPIRED,
                value=code,
                owner_org=owner_org,
                fiscal_yr=fiscal_yr,
                last_fiscal_yr=_fiscal_year_span(validity.until_fiscal_end - 1),
            )
        elif use is ProgramUse.NOT_YET_VALID and validity and validity.from_fiscal_start:
            start = validity.from_fiscal_start
            check.add(
                "program_id",
                RuleCode.PROGRAM_ID_NOT_YET_VALID,
                value=code,
                owner_org=owner_org,
                fiscal_yr=fiscal_yr,
                first_fiscal_yr=_fiscal_year_span(start),
            )


def validate_service_row(
    values: Mapping[str, str],
    *,
    row: int = 0,
    known_program_ids: Collection[str] | None = None,
    program_codes: ProgramList | None = None,
) -> list[Violation]:
    """Every row-level violation of one service row (raw cells by column name).

    ``known_program_ids``: the program codes the caller knows (e.g. from its database); when
    given, a well-formed code outside it is reported as :attr:`RuleCode.PROGRAM_ID_UNKNOWN`.
    ``program_codes``: the Open Government registry's list; when given, each code is checked
    against it for the row's organization and fiscal year (see :func:`_registry_rules`); when
    ``None``, program codes are checked for their format only.
    A missing column counts as an empty cell.
    """
    check = _RowCheck(Resource.SERVICE, values, row)
    for spec in fields_of(Resource.SERVICE):
        _check_cell(check, spec, known_program_ids)
    _service_rules(check)
    _registry_rules(check, program_codes)
    return check.found


def validate_standard_row(values: Mapping[str, str], *, row: int = 0) -> list[Violation]:
    """Every row-level violation of one service-standard row (raw cells by column name)."""
    check = _RowCheck(Resource.STANDARD, values, row)
    for spec in fields_of(Resource.STANDARD):
        _check_cell(check, spec, None)
    _standard_rules(check)
    _registry_rules(check, None)
    return check.found


def check_header(resource: Resource, header: Sequence[str]) -> list[Violation]:
    """Violations of a file's header row (row 1) against the official columns."""
    official = columns_of(resource)
    found: list[Violation] = []

    def add(column: str, rule: RuleCode, **params: str | int) -> None:
        found.append(Violation(resource, 1, "", "", column, rule, params))

    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if column in seen:
            add(column, RuleCode.HEADER_DUPLICATE_COLUMN, position=position)
        elif column not in official:
            add(column, RuleCode.HEADER_UNEXPECTED_COLUMN, position=position)
        seen.add(column)
    for column in official:
        if column not in seen:
            add(column, RuleCode.HEADER_MISSING_COLUMN)
    present = [column for column in dict.fromkeys(header) if column in official]
    expected = [column for column in official if column in seen]
    if present != expected:
        first = next(a for a, b in zip(present, expected, strict=True) if a != b)
        add(first, RuleCode.HEADER_COLUMN_ORDER, position=header.index(first) + 1)
    return found


def check_cell_count(resource: Resource, record: CsvRow, width: int) -> list[Violation]:
    """A record whose number of cells differs from the header's."""
    if record.cell_count == width:
        return []
    values = record.values
    standard_id = values.get("service_standard_id", "") if resource is Resource.STANDARD else ""
    return [
        Violation(
            resource,
            record.number,
            values.get("service_id", ""),
            standard_id,
            "",
            RuleCode.ROW_CELL_COUNT,
            {"expected": width, "found": record.cell_count},
        )
    ]


class InventoryValidator:
    """Validates the rows of one import, including the checks across rows.

    Feed every service row first, then every standard row (a standard must refer to a service of
    the same fiscal year in this import, or in ``existing_services``: the ``(fiscal_yr,
    service_id)`` keys the caller already holds). Only keys are kept, so memory stays small.

    Keys: a service is identified by ``(fiscal_yr, service_id)``. A standard is identified by
    ``(fiscal_yr, service_id, service_standard_id)``: the published 2023-2024 data reuses 8
    standard ids under another service (sometimes of another organization), so
    ``(fiscal_yr, service_standard_id)`` is not unique in practice. Such reuse is reported as
    :attr:`RuleCode.STANDARD_ID_REUSED` (warning); a true duplicate as
    :attr:`RuleCode.DUPLICATE_STANDARD` (error).
    """

    def __init__(
        self,
        *,
        known_program_ids: Collection[str] | None = None,
        existing_services: Iterable[tuple[str, str]] = (),
        program_codes: ProgramList | None = None,
    ) -> None:
        self._known_program_ids = known_program_ids
        self._program_codes = program_codes
        self._services: dict[tuple[str, str], int] = dict.fromkeys(existing_services, 0)
        self._standards: dict[tuple[str, str, str], int] = {}
        self._standard_ids: dict[tuple[str, str], tuple[str, int]] = {}

    def service(self, values: Mapping[str, str], *, row: int = 0) -> list[Violation]:
        found = validate_service_row(
            values,
            row=row,
            known_program_ids=self._known_program_ids,
            program_codes=self._program_codes,
        )
        fiscal_year = values.get("fiscal_yr", "").strip()
        service_id = values.get("service_id", "").strip()
        if fiscal_year and service_id:
            key = (fiscal_year, service_id)
            first = self._services.get(key)
            if first is None:
                self._services[key] = row
            else:
                found.append(
                    Violation(
                        Resource.SERVICE,
                        row,
                        service_id,
                        "",
                        "service_id",
                        RuleCode.DUPLICATE_SERVICE,
                        {"fiscal_yr": fiscal_year, "first_row": first},
                    )
                )
        return found

    def standard(self, values: Mapping[str, str], *, row: int = 0) -> list[Violation]:
        found = validate_standard_row(values, row=row)
        fiscal_year = values.get("fiscal_yr", "").strip()
        service_id = values.get("service_id", "").strip()
        standard_id = values.get("service_standard_id", "").strip()
        if not (fiscal_year and service_id and standard_id):
            return found

        def add(field_id: str, rule: RuleCode, **params: str | int) -> None:
            found.append(
                Violation(Resource.STANDARD, row, service_id, standard_id, field_id, rule, params)
            )

        if (fiscal_year, service_id) not in self._services:
            add("service_id", RuleCode.STANDARD_WITHOUT_SERVICE, fiscal_yr=fiscal_year)
        key = (fiscal_year, service_id, standard_id)
        first = self._standards.get(key)
        if first is not None:
            add(
                "service_standard_id",
                RuleCode.DUPLICATE_STANDARD,
                fiscal_yr=fiscal_year,
                first_row=first,
            )
            return found
        self._standards[key] = row
        owner = self._standard_ids.get((fiscal_year, standard_id))
        if owner is None:
            self._standard_ids[(fiscal_year, standard_id)] = (service_id, row)
        else:
            add(
                "service_standard_id",
                RuleCode.STANDARD_ID_REUSED,
                fiscal_yr=fiscal_year,
                other_service_id=owner[0],
                first_row=owner[1],
            )
        return found


def validate_inventory(
    service_header: Sequence[str],
    services: Iterable[CsvRow],
    standard_header: Sequence[str],
    standards: Iterable[CsvRow],
    *,
    known_program_ids: Collection[str] | None = None,
    program_codes: ProgramList | None = None,
) -> Iterator[Violation]:
    """Every violation of a pair of files (headers, then services, then standards), streaming.

    ``program_codes``: the registry's program-code list (format-only checks when ``None``).
    """
    validator = InventoryValidator(known_program_ids=known_program_ids, program_codes=program_codes)
    yield from check_header(Resource.SERVICE, service_header)
    width = len(service_header)
    for record in services:
        yield from check_cell_count(Resource.SERVICE, record, width)
        yield from validator.service(record.values, row=record.number)
    yield from check_header(Resource.STANDARD, standard_header)
    width = len(standard_header)
    for record in standards:
        yield from check_cell_count(Resource.STANDARD, record, width)
        yield from validator.standard(record.values, row=record.number)
