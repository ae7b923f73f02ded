"""Forms of the insight pages: the "you said, we did" report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir import i18n


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _text(label: Any) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)


class FeedbackReportForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    period_start = _date(_("First day of the period"))
    period_end = _date(_("Last day of the period"))
    heard_en = _text(_("What we heard (English)"))
    heard_fr = _text(_("What we heard (French)"))
    changed_en = _text(_("What we changed (English)"))
    changed_fr = _text(_("What we changed (French)"))

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [(org.pk, i18n.pick_field(org, "title")) for org in organizations]
