"""The form of a notification's wording, in both languages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _subject(label: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=300, required=False)


def _body(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 12})
    )


def _template_id(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=36,
        help_text=_("Only with the GC Notify backend: the ID of its template of this message."),
    )


class TemplateForm(forms.Form):
    subject_en = _subject(_("Subject (English)"))
    body_en = _body(_("Message (English)"))
    subject_fr = _subject(_("Subject (French)"))
    body_fr = _body(_("Message (French)"))
    gc_notify_template_en = _template_id(_("GC Notify template (English)"))
    gc_notify_template_fr = _template_id(_("GC Notify template (French)"))
