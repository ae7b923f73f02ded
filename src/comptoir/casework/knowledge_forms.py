"""The forms of the knowledge pages (reusable answers, deliverables, the link from a case)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.casework.knowledge import MAX_TEXT
from comptoir.casework.models import Subject
from comptoir.inventory.models import Service


def _unit_choices(units: Any) -> list[tuple[int, str]]:
    return [(unit.pk, i18n.pick_field(unit, "name")) for unit in units.order_by("code")[:500]]


def _service_field() -> forms.ModelChoiceField[Service]:
    return forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("The service it is about (optional)."),
    )


class AnswerForm(forms.Form):
    question_en = forms.CharField(
        label=_("Question (English)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT
    )
    question_fr = forms.CharField(
        label=_("Question (French)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT
    )
    answer_en = forms.CharField(
        label=_("Answer (English)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT
    )
    answer_fr = forms.CharField(
        label=_("Answer (French)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT
    )
    owner_unit = forms.TypedChoiceField(label=_("Owner unit"), coerce=int)
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.filter(is_active=True),
        required=False,
        help_text=_("The subject it is about (optional)."),
    )
    is_published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_(
            "A published answer is seen by every officer of the organization; a draft only by "
            "its unit."
        ),
    )

    def __init__(self, *args: Any, units: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].choices = _unit_choices(units)  # type: ignore[attr-defined]
        self.fields["service"] = _service_field()
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class AnswerEditForm(AnswerForm):
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=100,
        help_text=_("Kept in the answer's history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["owner_unit"]


class DeliverableForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    description_en = forms.CharField(
        label=_("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    description_fr = forms.CharField(
        label=_("Description (French)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A CSV, XLSX, PDF or text file of at most 20 MB; or give a web address."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.pdf,.txt"}),
    )
    link = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=2000,
        help_text=_("An address starting with http:// or https://; or give a file."),
    )
    owner_unit = forms.TypedChoiceField(label=_("Owner unit"), coerce=int)
    produced_for = forms.CharField(
        label=_("Produced for the case"),
        required=False,
        max_length=40,
        help_text=_("The reference of the case it was made for (optional)."),
    )

    def __init__(self, *args: Any, units: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].choices = _unit_choices(units)  # type: ignore[attr-defined]
        self.fields["service"] = _service_field()
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge"), required=False, max_length=200)
