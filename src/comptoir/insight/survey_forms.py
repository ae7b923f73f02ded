"""Forms of the surveys: the questions of ``core.surveys`` as radio groups with their words
(``survey_text``), the staff survey's unit, a survey plan, and a round to open."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.core.surveys import NOT_APPLICABLE, SCALE, QuestionKind, SurveyKind, questions_of
from comptoir.core.surveys.questions import MAX_TEXT
from comptoir.insight.survey_models import DEFAULT_QUIET_DAYS
from comptoir.insight.survey_text import NOT_APPLICABLE_LABEL, QUESTION_TEXT, SCALE_POINTS


def question_fields(kind: SurveyKind) -> dict[str, forms.Field]:
    """One field per question, named by its code: 1–5 (and "does not apply" where allowed) as
    radio buttons, a text question as a text area."""
    fields: dict[str, forms.Field] = {}
    for question in questions_of(kind):
        label = QUESTION_TEXT[kind][question.code]
        if question.kind is QuestionKind.TEXT:
            fields[question.code] = forms.CharField(
                label=label,
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            continue
        choices: list[tuple[str, Any]] = [
            (str(point), words)
            for point, words in zip(SCALE, SCALE_POINTS[question.scale], strict=True)
        ]
        if question.allows_not_applicable:
            choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        fields[question.code] = forms.ChoiceField(
            label=label, choices=choices, widget=forms.RadioSelect
        )
    return fields


def answers_of(form: forms.Form, kind: SurveyKind) -> dict[str, str]:
    """The raw answers the action checks again (``core.surveys.parse_answers``)."""
    return {
        question.code: str(form.cleaned_data.get(question.code) or "")
        for question in questions_of(kind)
    }


def add_refusal(form: forms.Form, error: Any) -> None:
    """Put a refusal's messages beside their fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class StaffSurveyForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Your unit"), coerce=int)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(question_fields(SurveyKind.STAFF))
        field = self.fields["unit"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [(unit.pk, i18n.pick_field(unit, "name")) for unit in units]
            field.help_text = _("Your answers are shown only with your unit's, never alone.")


class SurveyPlanForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    # Checked by the action (``do_set_survey_plan``), which says what is wrong in both
    # languages; a text field lets "0,25" reach it.
    rate = forms.CharField(
        label=_("Share of resolved cases whose client is invited"),
        help_text=_("From 0 to 1: 0.25 invites one client in four."),
        max_length=20,
    )
    quiet_days = forms.CharField(
        label=_("Days before the same client is invited again"),
        initial=DEFAULT_QUIET_DAYS,
        max_length=10,
    )
    is_active = forms.BooleanField(label=_("Send invitations"), required=False, initial=True)

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = services


class RoundForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [(org.pk, i18n.pick_field(org, "title")) for org in organizations]
