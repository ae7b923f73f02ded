"""Forms of the casework pages: the fast entry form and one small form per act on a case. They
shape the input; the actions check the rules and say why they refuse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.casework import text
from comptoir.casework.actions import MAX_MINUTES, MAX_TEXT
from comptoir.casework.models import CHANNEL_CHOICES, Language, RequestType
from comptoir.core.casework import CaseKind, DataGap, EventKind, Outcome

ANONYMOUS = "anonymous"
NEW_CLIENT = "new"

CASE_KIND_CHOICES = [(kind.value, text.CASE_KIND_LABELS[kind]) for kind in CaseKind]
OUTCOME_CHOICES = [(outcome.value, text.OUTCOME_LABELS[outcome]) for outcome in Outcome]
DATA_GAP_CHOICES = [
    ("", _("Not applicable")),
    *((g.value, text.DATA_GAP_LABELS[g]) for g in DataGap),
]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error otherwise
    return field


def _text_area(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _minutes_field(*, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Minutes spent"),
        required=required,
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )


class ClientSearchForm(forms.Form):
    """The client look-up: a plain GET field (the page lists the matches as choices)."""

    q = forms.CharField(
        label=_("Find the client"),
        required=False,
        max_length=200,
        help_text=_("A name, an email address or a phone number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CaseEntryForm(forms.Form):
    """The fast entry form: who, what was asked and answered, resolved or not, time spent; the
    service, kind, channel, unit and language come with defaults (channel telephone, an enquiry,
    the user's unit, the page's language, the service last used)."""

    client = forms.ChoiceField(label=_("Client"), widget=forms.RadioSelect)
    description = _text_area(_("What was asked"), required=True)
    answer = _text_area(_("What was answered"))
    resolved_on_the_spot = forms.BooleanField(label=_("Resolved on the spot"), required=False)
    minutes = _minutes_field(required=False)
    # New client (when "New client" is chosen).
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    organization_name = forms.CharField(
        label=_("Organization name"), required=False, max_length=300
    )
    email = forms.CharField(
        label=_("Email address"),
        required=False,
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    # Defaults.
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind of case"), choices=CASE_KIND_CHOICES, initial="enquiry")
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, initial="TEL")
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        choices=[
            (1, _("Tier 1: answered at first contact")),
            (2, _("Tier 2: needs a specialist or a regional office")),
            (3, _("Tier 3: needs a subject-matter expert")),
        ],
        coerce=int,
        empty_value=None,
        initial=1,
        required=False,
    )
    entry_unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    language = forms.ChoiceField(label=_("Language of the case"), choices=Language.choices)
    request_type = forms.ModelChoiceField(
        label=_("Request type"), required=False, queryset=RequestType.objects.none()
    )
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)
    # Shown with the existing clients proposed for a new client's name and contact.
    create_anyway = forms.BooleanField(
        label=_("None of these: record a new client"), required=False
    )

    NEW_CLIENT_FIELDS = ("given_name", "family_name", "organization_name", "email", "phone")
    DEFAULT_FIELDS = (
        "service",
        "kind",
        "channel",
        "tier",
        "entry_unit",
        "language",
        "request_type",
        "is_confidential",
    )

    def __init__(
        self,
        *args: Any,
        clients: list[Any],
        services: list[tuple[int, str]],
        units: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clients = {str(client.pk): client for client in clients}
        _choice_field(self, "client").choices = [
            *((key, client.display_name) for key, client in self.clients.items()),
            (ANONYMOUS, _("Anonymous (the client gives no name)")),
            (NEW_CLIENT, _("New client (fill in below)")),
        ]
        _choice_field(self, "service").choices = services
        _choice_field(self, "entry_unit").choices = [
            (unit.pk, i18n.pick_field(unit, "name")) for unit in units
        ]
        queryset = RequestType.objects.filter(is_active=True).order_by("position", "code")
        self.fields["request_type"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["request_type"].label_from_instance = lambda entry: entry.name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("client") == NEW_CLIENT and not any(
            (data.get(name) or "").strip()
            for name in ("given_name", "family_name", "organization_name")
        ):
            self.add_error("family_name", _("Give the new client's name."))
        return data

    def visible_group(self, names: tuple[str, ...]) -> list[Any]:
        return [self[name] for name in names]

    @property
    def new_client_fields(self) -> list[Any]:
        return self.visible_group(self.NEW_CLIENT_FIELDS)

    @property
    def default_fields(self) -> list[Any]:
        return self.visible_group(self.DEFAULT_FIELDS)

    @property
    def main_fields(self) -> list[Any]:
        return self.visible_group(
            ("client", "description", "answer", "resolved_on_the_spot", "minutes")
        )

    @property
    def defaults_have_errors(self) -> bool:
        return any(self[name].errors for name in self.DEFAULT_FIELDS)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "assignee").choices = [
            (member.pk, member.get_full_name() or member.get_username()) for member in members
        ]


class BulkAssignForm(forms.Form):
    """The unit queue's bulk assignment: the checked cases (their keys) and one assignee."""

    cases = forms.TypedMultipleChoiceField(
        label=_("Cases"),
        coerce=int,
        error_messages={"required": _("Check at least one case.")},
    )
    assignee = forms.TypedChoiceField(
        label=_("Assign to"),
        coerce=int,
        error_messages={"required": _("Choose whom to assign the cases to.")},
    )

    def __init__(self, *args: Any, assignees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "assignee").choices = [
            (member.pk, member.get_full_name() or member.get_username()) for member in assignees
        ]

    def clean_cases(self) -> list[int]:
        return list(self.cleaned_data["cases"])

    def full_clean(self) -> None:
        # The keys are checked against the queue by the view (queries.bulk_assign_cases), not
        # against a list of choices built from every open case.
        if self.is_bound:
            data: Any = self.data
            keys = [k for k in data.getlist("cases") if k.isdigit()]
            _choice_field(self, "cases").choices = [(k, k) for k in keys]
        super().full_clean()


class ReferForm(forms.Form):
    to_unit = forms.TypedChoiceField(label=_("Refer to"), coerce=int)
    reason = _text_area(_("Why it is referred"), required=True, rows=2)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "to_unit").choices = [
            (unit.pk, i18n.pick_field(unit, "name")) for unit in units
        ]


class EscalateForm(forms.Form):
    to_unit = forms.TypedChoiceField(label=_("Escalate to"), coerce=int)
    reason = _text_area(_("Why it is escalated"), required=True, rows=2)

    def __init__(self, *args: Any, units: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "to_unit").choices = [
            (unit.pk, i18n.pick_field(unit, "name")) for unit in units
        ]


class ReasonForm(forms.Form):
    """Awaiting the client, resuming: an optional reason."""

    reason = _text_area(_("Reason (optional)"), rows=2)


class RequiredReasonForm(forms.Form):
    """Reopening: a reason is required."""

    reason = _text_area(_("Why it is reopened"), required=True, rows=2)


class NoteForm(forms.Form):
    text = _text_area(_("Note"), required=True)


class ReplyForm(forms.Form):
    text = _text_area(_("Message to the client"), required=True)


class LogTimeForm(forms.Form):
    minutes = _minutes_field(required=True)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES, initial="delivered")
    data_gap = forms.ChoiceField(
        label=_("Why it could not be answered"),
        choices=DATA_GAP_CHOICES,
        required=False,
        help_text=_("Only when the request could not be answered."),
    )
    reason = _text_area(_("Comment (optional)"), rows=2)


# --- revising a due date, correcting an event ---------------------------------------------------

#: A revised due date is at most this many days after the case's receipt (a later one is a typing
#: error, not a date anyone was promised).
MAX_REVISION_DAYS = 730


def _zone_of(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _due_fields(hint: Any) -> dict[str, forms.Field]:
    """A due date and a time (typed in a unit's time zone, which ``hint`` names)."""
    return {
        "due_date": forms.DateField(
            label=_("New due date"),
            help_text=hint,
            widget=forms.DateInput(
                attrs={"type": "date", "class": "input-short"}, format="%Y-%m-%d"
            ),
        ),
        "due_time": forms.TimeField(
            label=_("Time"),
            help_text=hint,
            widget=forms.TimeInput(attrs={"type": "time", "class": "input-short"}, format="%H:%M"),
        ),
    }


def _clean_due_at(
    form: forms.Form, data: dict[str, Any], *, zone_name: str, received_at: datetime
) -> None:
    """Put in ``data["due_at"]`` the aware instant of ``due_date`` and ``due_time`` typed in the
    time zone ``zone_name``, or add the form's error: the time does not exist there (the hour
    skipped when clocks move forward), it is not after the case's receipt, or it is more than
    ``MAX_REVISION_DAYS`` after it."""
    day, moment = data.get("due_date"), data.get("due_time")
    if day is None or moment is None:
        return
    zone = _zone_of(zone_name)
    if zone is None:
        form.add_error(
            None, _("The time zone %(zone)s of the unit is not valid.") % {"zone": zone_name}
        )
        return
    typed = datetime.combine(day, moment.replace(second=0, microsecond=0))
    due_at = typed.replace(tzinfo=zone)
    if due_at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != typed:
        form.add_error(
            "due_time",
            _("%(time)s does not exist on %(date)s in the time zone %(zone)s.")
            % {"time": typed.strftime("%H:%M"), "date": day.isoformat(), "zone": zone_name},
        )
    elif due_at <= received_at:
        form.add_error("due_date", _("The due date must be after the case was received."))
    elif due_at > received_at + timedelta(days=MAX_REVISION_DAYS):
        form.add_error(
            "due_date",
            _("The due date must be within %(days)s days of the case’s receipt.")
            % {"days": MAX_REVISION_DAYS},
        )
    else:
        data["due_at"] = due_at


class ReviseDueDateForm(forms.Form):
    """A new due date for one of the case's clocks, typed in the time zone of the unit whose
    calendar decides that clock, with a required reason."""

    standard = forms.ChoiceField(label=_("Standard"))

    def __init__(
        self,
        *args: Any,
        standards: list[tuple[str, str]],
        zones: Mapping[str, str],
        received_at: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zones = zones
        self.received_at = received_at
        distinct = sorted({zones.get(key, "") for key, _label in standards})
        if len(distinct) == 1:
            _choice_field(self, "standard").choices = standards
            hint: Any = _("In the time zone %(zone)s.") % {"zone": distinct[0]}
        else:
            _choice_field(self, "standard").choices = [
                (key, f"{label} ({zones.get(key, '')})") for key, label in standards
            ]
            hint = _("In the time zone shown with the standard chosen.")
        self.fields.update(_due_fields(hint))
        self.fields["reason"] = _text_area(_("Why the due date changes"), required=True, rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = self.zones.get(data.get("standard", ""), "")
        if data.get("standard"):
            _clean_due_at(self, data, zone_name=zone_name, received_at=self.received_at)
        return data


class CorrectEventForm(forms.Form):
    """The correction of one event: its correctable values (``core.casework.CORRECTABLE_FIELDS``:
    the minutes of time spent, a resolution's outcome and data gap, a revised due date) and a
    required reason. Built for the event's kind; its initial values are the current ones."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        values: Mapping[str, Any],
        zone: str,
        received_at: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.zone = zone
        self.received_at = received_at
        initial: dict[str, Any] = {}
        if kind == EventKind.TIME_SPENT:
            self.fields["minutes"] = forms.IntegerField(
                label=_("Minutes spent"),
                min_value=0,
                max_value=MAX_MINUTES,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
            )
            initial["minutes"] = values.get("minutes")
        elif kind == EventKind.RESOLVED:
            resolve = ResolveForm()
            self.fields["outcome"] = resolve.fields["outcome"]
            self.fields["data_gap"] = resolve.fields["data_gap"]
            initial["outcome"] = values.get("outcome")
            initial["data_gap"] = values.get("data_gap") or ""
        else:
            self.fields.update(_due_fields(_("In the time zone %(zone)s.") % {"zone": zone}))
            current = values.get("due_at")
            instant = datetime.fromisoformat(current) if isinstance(current, str) else current
            zone_info = _zone_of(zone)
            if isinstance(instant, datetime) and zone_info is not None:
                local = instant.astimezone(zone_info)
                initial["due_date"] = local.date()
                initial["due_time"] = local.time().replace(second=0, microsecond=0)
        self.fields["reason"] = _text_area(_("Why it is corrected"), required=True, rows=2)
        self.initial = {**initial, **self.initial}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind == EventKind.DUE_DATE_REVISED:
            _clean_due_at(self, data, zone_name=self.zone, received_at=self.received_at)
        return data

    def changes(self) -> dict[str, object]:
        """What ``actions.do_correct_event`` is given (after ``is_valid``)."""
        data = self.cleaned_data
        if self.kind == EventKind.TIME_SPENT:
            return {"minutes": data["minutes"]}
        if self.kind == EventKind.RESOLVED:
            return {"outcome": data["outcome"], "data_gap": data["data_gap"] or None}
        return {"due_at": data["due_at"]}
