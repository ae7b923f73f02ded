"""The search form: the text and its filters (a GET form: a search is a link)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.casework.text import STATUS_LABELS
from comptoir.search.models import EntryKind
from comptoir.search.queries import SearchFilters


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=200,
        help_text=_(
            "Words of a case, a note, a message or a client record, a case reference, a name, an "
            "email address or a phone number. Accents and capitals do not matter, and a word "
            "finds its other forms (statistique, statistiques)."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Find"),
        required=False,
        choices=[("", _("Cases and clients")), *EntryKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status of the case"),
        required=False,
        choices=[("", _("Any status")), *((s.value, label) for s, label in STATUS_LABELS.items())],
    )
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data: Any = None, *, units: list[tuple[int, str]]) -> None:
        super().__init__(data)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)  # noqa: S101 - declared above
        unit_field.choices = [("", _("Any unit")), *units]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        """The filters of a valid form (no search for an invalid one)."""
        if not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(
            text=data["q"].strip(),
            kind=data["kind"],
            status=data["status"],
            unit=data["unit"],
            received_from=data["received_from"],
            received_to=data["received_to"],
        )
