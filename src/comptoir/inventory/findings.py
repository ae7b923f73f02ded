"""Words for the validation rule codes of ``comptoir.core.opendata.validation``.

The core reports codes and facts; here each :class:`RuleCode` gets one translatable message with
named placeholders. ``%(field)s`` is the field's official label in the language being rendered
(from the data dictionary, not from gettext), the other placeholders are the violation's
``params``. :func:`render` gives the message of a violation or a stored :class:`Finding` in the
active language or in a language given explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.core.opendata.schema import Resource, field_of
from comptoir.core.opendata.validation import RULE_SEVERITY, RuleCode, Severity, Violation
from comptoir.inventory.models.quality import Severity as FindingSeverity

if TYPE_CHECKING:
    from datetime import datetime

    from django.utils.functional import _StrPromise

    from comptoir.inventory.models import Finding

MESSAGES: Mapping[RuleCode, _StrPromise] = {
    RuleCode.HEADER_MISSING_COLUMN: _("The header has no column %(field)s."),
    RuleCode.HEADER_UNEXPECTED_COLUMN: _(
        "The header has a column %(field)s (position %(position)s) that the data dictionary "
        "does not define."
    ),
    RuleCode.HEADER_DUPLICATE_COLUMN: _(
        "The header repeats the column %(field)s (position %(position)s)."
    ),
    RuleCode.HEADER_COLUMN_ORDER: _(
        "The columns are not in the official order, starting with %(field)s (position "
        "%(position)s)."
    ),
    RuleCode.ROW_CELL_COUNT: _("This row has %(found)s cells; the header has %(expected)s."),
    RuleCode.REQUIRED: _("%(field)s is mandatory and is empty."),
    RuleCode.ID_CONTAINS_COMMA: _("%(field)s must not contain a comma: “%(value)s”."),
    RuleCode.TOO_LONG: _("%(field)s has %(length)s characters; the limit is %(limit)s."),
    RuleCode.NOT_A_CHOICE: _("“%(value)s” is not one of the codes allowed in %(field)s."),
    RuleCode.REPEATED_CHOICE: _("%(field)s lists the code “%(value)s” more than once."),
    RuleCode.FISCAL_YEAR_FORMAT: _(
        "%(field)s must be a fiscal year written like 2023-2024, not “%(value)s”."
    ),
    RuleCode.PROGRAM_ID_FORMAT: _(
        "“%(value)s” in %(field)s is not a program code (three letters and two letters or digits)."
    ),
    RuleCode.PROGRAM_ID_UNKNOWN: _("The program code “%(value)s” in %(field)s is not known."),
    RuleCode.NOT_A_COUNT: _(
        "%(field)s must be a whole number (or NA or ND where allowed), not “%(value)s”."
    ),
    RuleCode.NOT_A_NUMBER: _("%(field)s must be a number, not “%(value)s”."),
    RuleCode.NEGATIVE_NUMBER: _("%(field)s must not be negative: “%(value)s”."),
    RuleCode.TARGET_OUT_OF_RANGE: _("%(field)s must be between 0 and 1, not “%(value)s”."),
    RuleCode.OS_COMMENTS_REQUIRED: _(
        "%(field)s is required because these online interaction points are NA: %(points)s."
    ),
    RuleCode.SPECIAL_REMARKS_REQUIRED: _(
        "%(field)s is required because %(value)s applications are reported under other channels."
    ),
    RuleCode.ADS_DESCRIPTION_REQUIRED: _(
        "%(field)s is required because the service uses an automated decision system."
    ),
    RuleCode.CHANNEL_COMMENTS_REQUIRED: _(
        "%(field)s is required because the channel is “other” (OTH)."
    ),
    RuleCode.VOLUME_EXCEEDS_TOTAL: _(
        "The volume meeting the target (%(value)s) is larger than the total volume "
        "(%(total_volume)s)."
    ),
    RuleCode.APPLICATIONS_TOTAL_MISMATCH: _(
        "%(field)s is %(value)s but the applications per channel add up to %(expected)s."
    ),
    RuleCode.FEEDBACK_ONLINE_MISMATCH: _(
        "The feedback channels (%(value)s) should include ONL exactly when online issue "
        "resolution and feedback is Y (it is %(os_issue_resolution_feedback)s)."
    ),
    RuleCode.FEEDBACK_NONE_COMBINED: _(
        "The feedback channels (%(value)s) combine NON (no feedback) with other channels."
    ),
    RuleCode.CRA_BN_USAGE_MISMATCH: _(
        "%(field)s is “%(value)s”: it should be Y or N when businesses (ECONOM) are a target "
        "group and NA otherwise (target groups: %(client_target_groups)s)."
    ),
    RuleCode.PERFORMANCE_ABOVE_100: _("The performance (%(value)s) is above 100%%."),
    RuleCode.STANDARD_WITHOUT_VOLUME: _(
        "The standard reports no volume (total volume “%(value)s”), so its performance cannot "
        "be measured."
    ),
    RuleCode.PERFORMANCE_MISMATCH: _(
        "The published performance (%(value)s) differs from the official computation "
        "(%(expected)s)."
    ),
    RuleCode.TARGET_MET_MISMATCH: _(
        "The published target met (%(value)s) differs from the official computation (%(expected)s)."
    ),
    RuleCode.DUPLICATE_SERVICE: _(
        "Service %(service_id)s already appears for %(fiscal_yr)s on row %(first_row)s."
    ),
    RuleCode.DUPLICATE_STANDARD: _(
        "Standard %(standard_id)s of service %(service_id)s already appears for %(fiscal_yr)s "
        "on row %(first_row)s."
    ),
    RuleCode.STANDARD_ID_REUSED: _(
        "The standard ID %(standard_id)s is also used by service %(other_service_id)s for "
        "%(fiscal_yr)s (row %(first_row)s)."
    ),
    RuleCode.STANDARD_WITHOUT_SERVICE: _(
        "The standard refers to service %(service_id)s, which has no record for %(fiscal_yr)s."
    ),
    # Bounds, keys that page addresses carry, safe links (issue 17).
    RuleCode.NUMBER_TOO_LARGE: _(
        "%(field)s must be at most %(limit)s, the largest number the open-data registry "
        "accepts, not “%(value)s”."
    ),
    RuleCode.TOO_MANY_DECIMALS: _(
        "%(field)s must have at most %(limit)s decimals, not “%(value)s”."
    ),
    RuleCode.YEAR_OUT_OF_RANGE: _(
        "%(field)s (“%(value)s”) is out of range: fiscal years start at %(earliest)s, and a "
        "service review or improvement is no later than the year after the record's fiscal "
        "year."
    ),
    RuleCode.KEY_FORMAT: _(
        "%(field)s “%(value)s” cannot identify a record: a department ID is lowercase letters "
        "or digits joined by hyphens (like aafc-aac), and a service or standard ID is letters, "
        "digits, spaces, dots, hyphens or underscores, at most 100 characters."
    ),
    RuleCode.UNSAFE_URI_SCHEME: _(
        "%(field)s uses the “%(scheme)s” scheme, which is not allowed: only http and https web "
        "addresses are accepted, not “%(value)s”."
    ),
    RuleCode.NOT_A_WEB_ADDRESS: _(
        "%(field)s is not one http or https web address, so it is shown as text, not as a "
        "link: “%(value)s”."
    ),
    RuleCode.ROW_NOT_STORED: _(
        "Row %(row)s was not stored: its fiscal year, department ID, service ID or standard ID "
        "is empty or malformed. Correct the file and import it again."
    ),
    # The Open Government registry's checks (its wording: "This text must be provided in both
    # languages", "Invalid choice").
    RuleCode.TEXT_IN_ONE_LANGUAGE: _(
        "%(field)s is empty while the same text is given in the other official language: the "
        "registry accepts this text only in both English and French."
    ),
    RuleCode.PROGRAM_ID_NOT_LISTED: _(
        "The program code “%(value)s” in %(field)s is not in the Open Government registry's "
        "list of program codes, so the registry refuses it."
    ),
    RuleCode.PROGRAM_ID_OTHER_ORGANIZATION: _(
        "The registry's list gives the program code “%(value)s” to other organizations "
        "(%(organizations)s), not to %(owner_org)s."
    ),
    RuleCode.PROGRAM_ID_EXPIRED: _(
        "The registry's list gives the program code “%(value)s” to %(owner_org)s only up to "
        "fiscal year %(last_fiscal_yr)s; this record is for %(fiscal_yr)s."
    ),
    RuleCode.PROGRAM_ID_NOT_YET_VALID: _(
        "The registry's list gives the program code “%(value)s” to %(owner_org)s only from "
        "fiscal year %(first_fiscal_yr)s; this record is for %(fiscal_yr)s."
    ),
}

RULE_LABELS: Mapping[RuleCode, _StrPromise] = {
    RuleCode.HEADER_MISSING_COLUMN: _("Missing column"),
    RuleCode.HEADER_UNEXPECTED_COLUMN: _("Unexpected column"),
    RuleCode.HEADER_DUPLICATE_COLUMN: _("Repeated column"),
    RuleCode.HEADER_COLUMN_ORDER: _("Column order"),
    RuleCode.ROW_CELL_COUNT: _("Number of cells"),
    RuleCode.REQUIRED: _("Mandatory field empty"),
    RuleCode.ID_CONTAINS_COMMA: _("Comma in an identifier"),
    RuleCode.TOO_LONG: _("Too long"),
    RuleCode.NOT_A_CHOICE: _("Code not allowed"),
    RuleCode.REPEATED_CHOICE: _("Code repeated"),
    RuleCode.FISCAL_YEAR_FORMAT: _("Fiscal year format"),
    RuleCode.PROGRAM_ID_FORMAT: _("Program code format"),
    RuleCode.PROGRAM_ID_UNKNOWN: _("Unknown program code"),
    RuleCode.NOT_A_COUNT: _("Not a whole number"),
    RuleCode.NOT_A_NUMBER: _("Not a number"),
    RuleCode.NEGATIVE_NUMBER: _("Negative number"),
    RuleCode.TARGET_OUT_OF_RANGE: _("Target out of range"),
    RuleCode.OS_COMMENTS_REQUIRED: _("Comments required for NA interaction points"),
    RuleCode.SPECIAL_REMARKS_REQUIRED: _("Remarks required for other applications"),
    RuleCode.ADS_DESCRIPTION_REQUIRED: _("Automated decision system description required"),
    RuleCode.CHANNEL_COMMENTS_REQUIRED: _("Channel comments required"),
    RuleCode.VOLUME_EXCEEDS_TOTAL: _("Volume meeting target above total"),
    RuleCode.APPLICATIONS_TOTAL_MISMATCH: _("Total applications mismatch"),
    RuleCode.FEEDBACK_ONLINE_MISMATCH: _("Online feedback inconsistent"),
    RuleCode.FEEDBACK_NONE_COMBINED: _("No feedback combined with channels"),
    RuleCode.CRA_BN_USAGE_MISMATCH: _("Business number use inconsistent"),
    RuleCode.PERFORMANCE_ABOVE_100: _("Performance above 100%"),
    RuleCode.STANDARD_WITHOUT_VOLUME: _("Standard without volume"),
    RuleCode.PERFORMANCE_MISMATCH: _("Performance differs from the official rule"),
    RuleCode.TARGET_MET_MISMATCH: _("Target met differs from the official rule"),
    RuleCode.DUPLICATE_SERVICE: _("Duplicate service"),
    RuleCode.DUPLICATE_STANDARD: _("Duplicate standard"),
    RuleCode.STANDARD_ID_REUSED: _("Standard ID reused"),
    RuleCode.STANDARD_WITHOUT_SERVICE: _("Standard without service"),
    RuleCode.NUMBER_TOO_LARGE: _("Number too large"),
    RuleCode.TOO_MANY_DECIMALS: _("Too many decimals"),
    RuleCode.YEAR_OUT_OF_RANGE: _("Year out of range"),
    RuleCode.KEY_FORMAT: _("Malformed identifier"),
    RuleCode.UNSAFE_URI_SCHEME: _("Unsafe link"),
    RuleCode.NOT_A_WEB_ADDRESS: _("Not a web address"),
    RuleCode.ROW_NOT_STORED: _("Row not stored"),
    RuleCode.TEXT_IN_ONE_LANGUAGE: _("Text in one official language only"),
    RuleCode.PROGRAM_ID_NOT_LISTED: _("Program code not in the registry's list"),
    RuleCode.PROGRAM_ID_OTHER_ORGANIZATION: _("Program code of another organization"),
    RuleCode.PROGRAM_ID_EXPIRED: _("Program code no longer valid"),
    RuleCode.PROGRAM_ID_NOT_YET_VALID: _("Program code not yet valid"),
}


class _Blank(dict[str, Any]):
    """Formatting parameters where an absent one renders as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def field_label(resource: str, field: str, language: str) -> str:
    """The official label of a field in ``language`` (the field id when it is not official)."""
    if not field:
        return ""
    try:
        spec = field_of(Resource(resource), field)
    except (KeyError, ValueError):
        return field
    return i18n.pick(spec.label_en, spec.label_fr, language)


def message_for(
    rule: str, resource: str, field: str, params: Mapping[str, Any], context: Mapping[str, Any]
) -> str:
    """The message of a rule in the active language (``context``: ids and row)."""
    language = i18n.active_language()
    values = _Blank({str(k): v for k, v in params.items()})
    for key, value in context.items():
        values.setdefault(key, value)
    values["field"] = field_label(resource, field, language)
    try:
        template = MESSAGES[RuleCode(rule)]
    except (KeyError, ValueError):
        return _("Rule %(rule)s is broken.") % {"rule": rule}
    return str(template) % values


@dataclass(frozen=True, slots=True)
class DescribedFinding:
    """A violation or finding ready for a page or a report: where, which rule, what it means."""

    resource: str
    row: int | None
    owner_org: str
    fiscal_year: str
    service_year_pk: int | None
    service_id: str
    standard_id: str
    field: str
    field_label: str
    rule: str
    rule_label: str
    severity: str
    severity_label: str
    message: str
    #: Stored findings only: the finding's key and, once resolved, when, by whom and why.
    pk: int | None = None
    is_resolved: bool = False
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution_note: str = ""
    #: Closed by the system (an import or an edit checked the record again), not by a person;
    #: ``superseded_by_import`` is when that import ran (``None`` for an edit).
    is_superseded: bool = False
    superseded_by_import: datetime | None = None


def rule_label(rule: str) -> str:
    """A short name of a rule in the active language."""
    try:
        return str(RULE_LABELS[RuleCode(rule)])
    except (KeyError, ValueError):
        return rule


def _severity_label(severity: str) -> str:
    """A severity in words (the choices of ``Finding.severity``, the one list of them)."""
    try:
        return str(FindingSeverity(severity).label)
    except ValueError:
        return severity


def _severity_of(rule: str) -> str:
    try:
        return RULE_SEVERITY[RuleCode(rule)].value
    except ValueError:
        return Severity.ERROR.value


def _describe(item: Violation | Finding) -> DescribedFinding:
    language = i18n.active_language()
    if isinstance(item, Violation):
        resource, row, field, rule = (
            item.resource.value,
            item.row or None,
            item.field,
            item.rule.value,
        )
        service_id, standard_id, params = item.service_id, item.standard_id, dict(item.params)
        owner_org = fiscal_year = ""
        service_year_pk = None
        severity = item.severity.value
    else:
        resource, row, field, rule = item.resource, item.row, item.field, item.rule
        service_id, standard_id = item.service_id, item.service_standard_id
        params = dict(item.params or {})
        owner_org = item.fiscal_year.organization.owner_org if item.fiscal_year else ""
        fiscal_year = item.fiscal_year.code if item.fiscal_year else ""
        service_year_pk = item.service_year_id
        if service_year_pk is None and item.standard_year is not None:
            service_year_pk = item.standard_year.service_year_id
        severity = item.severity or _severity_of(rule)
    message = message_for(
        rule,
        resource,
        field,
        params,
        {"service_id": service_id, "standard_id": standard_id, "row": row or ""},
    )
    return DescribedFinding(
        resource=resource,
        row=row,
        owner_org=owner_org,
        fiscal_year=fiscal_year,
        service_year_pk=service_year_pk,
        service_id=service_id,
        standard_id=standard_id,
        field=field,
        field_label=field_label(resource, field, language),
        rule=rule,
        rule_label=rule_label(rule),
        severity=severity,
        severity_label=_severity_label(severity),
        message=message,
        **_resolution(item),
    )


def _resolution(item: Violation | Finding) -> dict[str, Any]:
    if isinstance(item, Violation):
        return {}
    resolved = item.is_resolved
    return {
        "pk": item.pk,
        "is_resolved": resolved,
        "resolved_at": item.resolved_at if resolved else None,
        "resolved_by": str(item.resolved_by or "") if resolved else "",
        "resolution_note": item.resolution_note if resolved else "",
        "is_superseded": item.is_superseded,
        "superseded_by_import": (
            item.superseded_by.created_at if item.superseded_by is not None else None
        ),
    }


def render(item: Violation | Finding, language: str | None = None) -> DescribedFinding:
    """A violation or a stored finding described in ``language`` (default: the active one)."""
    with i18n.rendered_in(language):
        return _describe(item)


def render_both(item: Violation | Finding) -> tuple[DescribedFinding, DescribedFinding]:
    """The English and the French description (for the import report)."""
    return render(item, "en"), render(item, "fr")


def describe_violation(violation: Violation) -> str:
    """The message of one violation in the active language (e.g. for a form error)."""
    return _describe(violation).message


def describe_violations(violations: Iterable[Violation]) -> list[DescribedFinding]:
    return [_describe(v) for v in violations]


def describe_all(items: Iterable[Violation | Finding]) -> list[DescribedFinding]:
    """Findings (or violations) described in the active language, in the given order."""
    return [_describe(item) for item in items]
