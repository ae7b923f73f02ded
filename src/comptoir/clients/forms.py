"""Forms of the client pages: they shape the input; the rules are the actions' (``full_clean``
and the database constraints), shown on their fields when an action refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.clients.models import (
    AlternateFormat,
    Client,
    ClientKind,
    ContactPointKind,
    ContactPointLabel,
    OfficialLanguage,
    Province,
    Segment,
)


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a client"),
        required=False,
        max_length=200,
        help_text=_(
            "A name (accents and capitals do not matter), an email address or a phone number."
        ),
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


class RefusalForm(forms.Form):
    def add_refusal(self, error: ValidationError) -> None:
        """Show an action's refusal on its fields (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error.error_list)


class ClientForm(RefusalForm):
    """A new client record."""

    kind = forms.ChoiceField(
        label=_("Kind of client"), choices=ClientKind.choices, widget=forms.RadioSelect
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous client"),
        required=False,
        help_text=_("The client does not give a name: keep no name and no contact point."),
    )
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    organization_name = forms.CharField(
        label=_("Organization name"),
        required=False,
        max_length=500,
        help_text=_("For an organization only."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred official language"),
        choices=OfficialLanguage.choices,
        widget=forms.RadioSelect,
    )
    alternate_formats = forms.MultipleChoiceField(
        label=_("Alternate formats"),
        choices=AlternateFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segment = forms.ChoiceField(
        label=_("Client segment"), choices=[("", _("Choose a segment")), *Segment.choices]
    )
    account_manager = StaffChoiceField(
        label=_("Account manager"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("username"),
        empty_label=_("None"),
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential client"),
        required=False,
        help_text=_(
            "Only the account manager, administrators and the units that hold a case of this "
            "client will see it."
        ),
    )

    def cleaned_client(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        return data


class ClientEditForm(ClientForm):
    """A correction of a client record, with its reason."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the record's history with your name and the date."),
    )

    @classmethod
    def initial_for(cls, client: Client) -> dict[str, Any]:
        return {
            "kind": client.kind,
            "is_anonymous": client.is_anonymous,
            "given_name": client.given_name,
            "family_name": client.family_name,
            "organization_name": client.organization_name,
            "preferred_language": client.preferred_language,
            "alternate_formats": client.alternate_format_codes,
            "segment": client.segment,
            "account_manager": client.account_manager_id,
            "is_confidential": client.is_confidential,
        }


class ContactPointForm(RefusalForm):
    kind = forms.ChoiceField(
        label=_("Kind of contact point"), choices=ContactPointKind.choices, widget=forms.RadioSelect
    )
    value = forms.CharField(
        label=_("Email address or phone number"),
        required=False,
        max_length=500,
        help_text=_("As the client gives it. Leave blank for a mailing address."),
    )
    label = forms.ChoiceField(
        label=_("Label"), choices=ContactPointLabel.choices, initial=ContactPointLabel.WORK
    )
    street = forms.CharField(label=_("Street address"), required=False, max_length=300)
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("None (outside Canada)")), *Province.choices],
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=20,
        help_text=_("For a Canadian address: A9A 9A9."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial="CA",
        help_text=_("The two-letter country code (CA for Canada)."),
    )
    is_primary = forms.BooleanField(label=_("Primary contact point of this kind"), required=False)


class EndContactPointForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example: the address is no longer in use."),
    )


class MergeForm(RefusalForm):
    """The merge page's choices: the record kept, the record each differing value comes from,
    and why. Built from the page's records and choices (``queries.merge_page``)."""

    reason = forms.CharField(
        label=_("Why are these records merged?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the merge; whoever undoes it reads it."),
    )

    def __init__(self, data: Any, *, page: Any) -> None:
        super().__init__(data)
        records = [(str(side.client.pk), side.client.display_name) for side in page.records]
        self.fields["survivor"] = forms.ChoiceField(
            label=_("Record to keep"),
            choices=records,
            widget=forms.RadioSelect,
            initial=str(page.proposed_survivor),
        )
        for choice in page.choices:
            self.fields[f"keep_{choice.field}"] = forms.ChoiceField(
                label=choice.label,
                choices=[(str(option.record), option.shown) for option in choice.options],
                widget=forms.RadioSelect,
                initial=str(choice.proposed),
            )
        self.order_fields(["survivor", *(f"keep_{c.field}" for c in page.choices), "reason"])
        self.choice_fields = [f"keep_{choice.field}" for choice in page.choices]

    def chosen(self) -> dict[str, int]:
        return {
            name.removeprefix("keep_"): int(self.cleaned_data[name]) for name in self.choice_fields
        }


class UndoMergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the merge undone?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
