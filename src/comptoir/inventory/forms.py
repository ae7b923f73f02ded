"""Forms of the inventory pages.

The edit forms are built from the open-data schema (``comptoir.core.opendata.schema``): one field
per stored cell, a choice widget where the data dictionary has controlled choices. They only shape
the input; the rules of the data dictionary are checked by the inventory actions, exactly as the
import checks them, and the views show each violation on its field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.accounts.models import User
from comptoir.core.businesstime import TimeUnit, Within
from comptoir.core.opendata.schema import (
    SERVICE_SCOPE_CHOICES,
    SERVICE_TYPE_CHOICES,
    FieldSpec,
    Resource,
    ValueKind,
    field_of,
)
from comptoir.core.standards import CalendarScope, StandardRule
from comptoir.inventory.actions import SERVICE_YEAR_GUIDELINE_FIELDS
from comptoir.inventory.models import (
    SERVICE_FIELDS_STORED,
    STANDARD_FIELDS_STORED,
    Organization,
    PriorityRating,
    ServiceYear,
    Severity,
    StandardYear,
    Unit,
)
from comptoir.inventory.models.assessments import PRIORITY_CONSIDERATIONS, SERVICE_TEST_QUESTIONS
from comptoir.inventory.models.quality import Resource as FindingResource
from comptoir.inventory.queries import staff_label
from comptoir.measurement.rule_text import (
    CLOCK_KINDS,
    RuleRefusedError,
    event_label,
    make_rule,
    unit_label,
)


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of ``form``, to set its choices at run time."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101  # declared as one in the form
    return field


def in_page_language(pair: tuple[str, str]) -> str:
    """The English or French half of a bilingual (label_en, label_fr) pair."""
    return i18n.pick(*pair)


def choice_list(labels: Any) -> list[tuple[str, str]]:
    """Form choices from a schema ``code -> (label_en, label_fr)`` mapping, in the page language."""
    return [(code, f"{in_page_language(pair)} ({code})") for code, pair in labels.items()]


# --- Browsing ---------------------------------------------------------------------------------

DESIGNATION_CHOICES = [
    ("priority", _("Priority service")),
    ("mission_critical", _("Mission critical service")),
    ("essential", _("Essential service")),
]


class ServiceFilterForm(forms.Form):
    """Filters and search of the service list (GET); every field is optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Service name in English or French, service ID or words of the description."),
    )
    fiscal_year = forms.ChoiceField(label=_("Fiscal year"), required=False)
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    service_scope = forms.ChoiceField(label=_("Service scope"), required=False)
    designation = forms.ChoiceField(label=_("Special designation"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        fiscal_years: list[str],
        organizations: list[Organization],
    ) -> None:
        super().__init__(data)
        every: list[tuple[str, Any]] = [("", _("All"))]
        _choices(self, "fiscal_year").choices = [(code, code) for code in fiscal_years]
        _choices(self, "organization").choices = every + [
            (org.owner_org, in_page_language((org.title_en, org.title_fr)) or org.owner_org)
            for org in organizations
        ]
        _choices(self, "service_type").choices = every + choice_list(SERVICE_TYPE_CHOICES)
        _choices(self, "service_scope").choices = every + choice_list(SERVICE_SCOPE_CHOICES)
        _choices(self, "designation").choices = every + DESIGNATION_CHOICES


class FindingFilterForm(forms.Form):
    fiscal_year = forms.ChoiceField(label=_("Fiscal year"), required=False)
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    resource = forms.ChoiceField(
        label=_("Resource"),
        required=False,
        choices=[("", _("All")), *FindingResource.choices],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices]
    )
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Open")),
            ("resolved", _("Resolved")),
            ("all", _("Open and resolved")),
        ],
    )

    def __init__(
        self,
        data: Any = None,
        *,
        fiscal_years: list[str],
        organizations: list[Organization],
        rules: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        every: list[tuple[str, Any]] = [("", _("All"))]
        _choices(self, "fiscal_year").choices = every + [(code, code) for code in fiscal_years]
        _choices(self, "organization").choices = every + [
            (org.owner_org, in_page_language((org.title_en, org.title_fr)) or org.owner_org)
            for org in organizations
        ]
        _choices(self, "rule").choices = every + rules


class IndicatorsFilterForm(forms.Form):
    fiscal_year = forms.ChoiceField(label=_("Fiscal year"), required=False)
    organization = forms.ChoiceField(label=_("Organization"), required=False)

    def __init__(
        self, data: Any = None, *, fiscal_years: list[str], organizations: list[Organization]
    ) -> None:
        super().__init__(data)
        _choices(self, "fiscal_year").choices = [(code, code) for code in fiscal_years]
        _choices(self, "organization").choices = [("", _("All organizations"))] + [
            (org.owner_org, in_page_language((org.title_en, org.title_fr)) or org.owner_org)
            for org in organizations
        ]


# --- Editing ----------------------------------------------------------------------------------

_LONG_TEXT_LIMIT = 300


def _schema_field(spec: FieldSpec, current: str) -> forms.Field:
    """A form field for one open-data cell. Codes already stored but not in the dictionary stay
    selectable, so that saving never drops them silently (the action reports them)."""
    label = in_page_language((spec.label_en, spec.label_fr))
    if spec.kind in (ValueKind.CODE, ValueKind.CODES) and spec.choices:
        choices = choice_list(spec.choices)
        known = {code for code, _label in choices}
        stored = [c.strip() for c in current.split(",") if c.strip()] if current else []
        choices += [
            (code, f"{code} ({_('not a code of the data dictionary')})")
            for code in stored
            if code not in known
        ]
        if spec.kind is ValueKind.CODES:
            return forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=False)
    limit = spec.character_limit
    widget: forms.Widget
    if limit is not None and limit > _LONG_TEXT_LIMIT:
        widget = forms.Textarea(attrs={"rows": 4})
    else:
        widget = forms.TextInput()
    hint = None
    if spec.kind is ValueKind.COUNT_OR_MARKER:
        hint = _("A whole number, NA (channel not available) or ND (no data).")
    elif spec.kind is ValueKind.RATIO:
        hint = _("A decimal number between 0 and 1, for example 0.8 for 80%.")
    elif spec.kind is ValueKind.VOLUME:
        hint = _("A whole number, or blank when there is no information.")
    # No max_length here: a too-long cell is reported by the action with the data-dictionary rule.
    return forms.CharField(
        label=label, required=False, strip=True, widget=widget, help_text=hint or ""
    )


class OpenDataRecordForm(forms.Form):
    """The open-data cells of one yearly record; ``cleaned_cells()`` gives them as the CSV would."""

    resource: Resource
    stored_fields: tuple[str, ...]

    def __init__(self, data: Any = None, *, record: ServiceYear | StandardYear) -> None:
        self.record = record
        super().__init__(data)
        for name in self.stored_fields:
            spec = field_of(self.resource, name)
            current = getattr(record, name) or ""
            self.fields[name] = _schema_field(spec, current)
            if spec.kind is ValueKind.CODES:
                self.initial[name] = [c.strip() for c in current.split(",") if c.strip()]
            else:
                self.initial[name] = current

    def cleaned_cells(self) -> dict[str, str]:
        cells: dict[str, str] = {}
        for name in self.stored_fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, list):
                cells[name] = ",".join(value)
            else:
                cells[name] = value or ""
        return cells


#: Cells that the form does not edit: the computed ones (performance and target met are
#: recomputed by Comptoir with the official rules).
_STANDARD_COMPUTED = ("performance", "target_met")


class ServiceYearForm(OpenDataRecordForm):
    resource = Resource.SERVICE
    stored_fields = SERVICE_FIELDS_STORED

    is_priority = forms.BooleanField(label=_("Priority service"), required=False)
    is_mission_critical = forms.BooleanField(label=_("Mission critical service"), required=False)
    is_essential = forms.BooleanField(label=_("Essential service"), required=False)
    responsibility_area = forms.CharField(
        label=_("Responsibility area"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), required=False, queryset=Unit.objects.none()
    )
    authority = forms.CharField(
        label=_("Authority (legislation, regulations, policies)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service_owner = forms.CharField(label=_("Service owner"), required=False)
    service_provider = forms.CharField(label=_("Service provider"), required=False)
    has_service_agreements = forms.NullBooleanField(
        label=_("Service agreements in place"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    service_agreements = forms.CharField(
        label=_("Service agreements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revision_date = forms.DateField(
        label=_("Revision date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2025-03-31."),
    )

    #: The Guideline fields the action accepts, but the custodian: a staff account, not chosen
    #: in this form.
    GUIDELINE_FIELDS = tuple(
        name for name in SERVICE_YEAR_GUIDELINE_FIELDS if name not in {"custodian"}
    )

    def __init__(self, data: Any = None, *, record: ServiceYear | StandardYear) -> None:
        super().__init__(data, record=record)
        assert isinstance(record, ServiceYear)  # noqa: S101  # the view passes a ServiceYear
        unit_field = self.fields["responsible_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101  # declared above
        unit_field.queryset = Unit.objects.filter(
            organization_id=record.fiscal_year.organization_id
        )
        for name in self.GUIDELINE_FIELDS:
            self.initial[name] = getattr(record, name)
        # Guideline elements after the open-data cells, in the order declared.
        order = [*self.stored_fields, *self.GUIDELINE_FIELDS]
        self.order_fields(order)

    def open_data_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.stored_fields]

    def guideline_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.GUIDELINE_FIELDS]

    def cleaned_guideline(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.GUIDELINE_FIELDS}


class StandardYearForm(OpenDataRecordForm):
    resource = Resource.STANDARD
    stored_fields = tuple(f for f in STANDARD_FIELDS_STORED if f not in _STANDARD_COMPUTED)


# --- The Guideline's tools --------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ServiceTestForm(forms.Form):
    """Appendix 1A: eight yes-or-no questions, each with an optional analysis."""

    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        for number, (name, question) in enumerate(SERVICE_TEST_QUESTIONS, start=1):
            self.fields[name] = forms.ChoiceField(
                label=_("Question %(number)d: %(question)s")
                % {"number": number, "question": question},
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no.")},
            )
            self.fields[f"{name}_analysis"] = forms.CharField(
                label=_("Analysis for question %(number)d") % {"number": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def questions(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"{name}_analysis"]) for name, _q in SERVICE_TEST_QUESTIONS]

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name, _q in SERVICE_TEST_QUESTIONS}

    def analyses(self) -> dict[str, str]:
        """Analysis text by question field name."""
        return {
            name: self.cleaned_data.get(f"{name}_analysis", "")
            for name, _q in SERVICE_TEST_QUESTIONS
        }


class PriorityAssessmentForm(forms.Form):
    """Appendix 1B: a rating (high, medium, low) and an analysis for each consideration."""

    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        for name, consideration in PRIORITY_CONSIDERATIONS:
            self.fields[name] = forms.ChoiceField(
                label=consideration,
                choices=PriorityRating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a rating.")},
            )
            self.fields[f"{name}_analysis"] = forms.CharField(
                label=_("Analysis: %(consideration)s") % {"consideration": consideration},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def considerations(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"{name}_analysis"]) for name, _c in PRIORITY_CONSIDERATIONS]

    def ratings(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _c in PRIORITY_CONSIDERATIONS}

    def analyses(self) -> dict[str, str]:
        """Analysis text by consideration field name."""
        return {
            name: self.cleaned_data.get(f"{name}_analysis", "")
            for name, _c in PRIORITY_CONSIDERATIONS
        }


class ApproveFiscalYearForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that this fiscal year's records are complete and may be frozen."),
        error_messages={"required": _("Tick the box to confirm the approval.")},
    )


class ImportForm(forms.Form):
    services = forms.FileField(
        label=_("Services file (service.csv)"),
        help_text=_("The open-data services file, UTF-8 CSV with the official columns."),
    )
    standards = forms.FileField(
        label=_("Service standards file (service-std.csv)"),
        help_text=_("The open-data service standards file, UTF-8 CSV with the official columns."),
    )
    strict = forms.BooleanField(
        label=_(
            "Strict: reject both files and change nothing if any row has an error "
            "(warnings are kept as findings)"
        ),
        required=False,
    )

    def _within_size_limit(self, name: str) -> Any:
        """The upload, refused by its size alone (``COMPTOIR_IMPORT_MAX_BYTES``), unread."""
        upload = self.cleaned_data[name]
        limit = settings.COMPTOIR_IMPORT_MAX_BYTES
        if upload is not None and (upload.size or 0) > limit:
            raise forms.ValidationError(
                _(
                    "%(file)s is %(size)s bytes, more than the %(limit)s bytes an import "
                    "accepts; it was not read and nothing was imported."
                ),
                code="file_too_large",
                params={
                    "file": upload.name,
                    "size": formats.number_format(upload.size, force_grouping=True),
                    "limit": formats.number_format(limit, force_grouping=True),
                },
            )
        return upload

    def clean_services(self) -> Any:
        return self._within_size_limit("services")

    def clean_standards(self) -> Any:
        return self._within_size_limit("standards")


# --- Service owners and findings ----------------------------------------------------------------


class _StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


class AssignServiceOwnerForm(forms.Form):
    """Choose a staff member who holds the service owner role and does not own the service yet."""

    user = _StaffChoiceField(
        label=_("Staff member with the service owner role"),
        queryset=User.objects.none(),
        empty_label=_("Choose a staff member"),
        error_messages={
            "required": _("Choose a staff member."),
            "invalid_choice": _(
                "Choose a staff member who holds the service owner role and is not an owner yet."
            ),
        },
    )

    def __init__(self, data: Any = None, *, candidates: Any) -> None:
        super().__init__(data, prefix="assign")
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared above
        field.queryset = candidates


class UnassignServiceOwnerForm(forms.Form):
    """End one current owner's assignment (the button of that owner's row)."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose an owner to remove."),
            "invalid_choice": _("This staff member is not an owner of the service."),
        },
    )

    def __init__(self, data: Any = None, *, owners: Any) -> None:
        super().__init__(data)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared above
        field.queryset = owners


class ResolveFindingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_(
            "A short explanation, for example: value confirmed with the program; "
            "corrected in the source system."
        ),
        error_messages={"required": _("Give a short reason.")},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Give a short reason."), code="required")
        return reason


class StandardRuleForm(forms.Form):
    """The machine rule of a service standard: limit, start and stop events, pause, calendar and
    target; ``clean`` makes the engine's rule (``rule``) or says in words why it cannot."""

    amount = forms.IntegerField(label=_("Limit"), min_value=0, max_value=999_999)
    unit = forms.ChoiceField(label=_("Kind of time"))
    start = forms.ChoiceField(label=_("The clock starts at"))
    stop = forms.ChoiceField(label=_("The clock stops at"))
    pause = forms.ChoiceField(label=_("Pause"), required=False)
    calendar = forms.ChoiceField(label=_("Whose calendar counts"))
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=4,
        help_text=_("The share of cases that should meet the standard, e.g. 0.9 for 90%."),
    )
    case_kinds = forms.MultipleChoiceField(
        label=_("Only for these kinds of case"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick none for every case of the service; tick complaints, say, for a standard of "
            "their own (an acknowledgement within two business days)."
        ),
    )

    def __init__(self, *args: Any, standard_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standard_id = standard_id
        self.rule: StandardRule | None = None
        # The words of case kinds are casework's (which builds on the inventory): read late.
        from comptoir.casework.text import CASE_KIND_LABELS
        from comptoir.core.casework import CaseKind

        kinds = [(kind, event_label(kind)) for kind in CLOCK_KINDS]
        choices: dict[str, list[tuple[str, Any]]] = {
            "unit": [(unit.value, unit_label(unit)) for unit in TimeUnit],
            "start": kinds,
            "stop": kinds,
            "pause": [
                ("", _("No pause")),
                ("awaiting_client", _("While awaiting the client (until resumed)")),
            ],
            "calendar": [
                (CalendarScope.RECEIVING_UNIT.value, _("The unit that received the case")),
                (CalendarScope.CURRENT_UNIT.value, _("The unit holding the case at each moment")),
            ],
            "case_kinds": [(kind.value, CASE_KIND_LABELS[kind]) for kind in CaseKind],
        }
        for name, offered in choices.items():
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = offered

    @classmethod
    def initial_for(cls, rule: StandardRule | None) -> dict[str, Any]:
        if rule is None:
            return {
                "amount": 5,
                "unit": TimeUnit.BUSINESS_DAYS.value,
                "start": "received",
                "stop": "resolved",
                "calendar": CalendarScope.RECEIVING_UNIT.value,
            }
        return {
            "amount": rule.within.amount,
            "unit": rule.within.unit.value,
            "start": rule.start,
            "stop": rule.stop,
            "pause": rule.pause_start[0] if rule.pause_start else "",
            "calendar": rule.calendar.scope.value,
            "target": rule.target,
            "case_kinds": sorted(rule.applies_to.case_kinds),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.rule = make_rule(
                self.standard_id,
                within=Within(data["amount"], TimeUnit(data["unit"])),
                start=data["start"],
                stop=data["stop"],
                pause_while=data.get("pause") or None,
                calendar=CalendarScope(data["calendar"]),
                target=data.get("target"),
                case_kinds=data.get("case_kinds") or (),
            )
        except RuleRefusedError as error:
            raise forms.ValidationError(error.message, code="rule_refused") from error
        return data
