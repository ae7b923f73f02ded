"""The portal's forms: native fields (``templates/includes/field.html``), every message translated.

The submit and feedback forms share the client's fields (:class:`ClientFields`). Each has a
honeypot, ``website``: hidden by the stylesheet, labelled "leave this field empty" for screen
readers, and refused by the view when filled (a person never sees it; a robot fills every field).
Files are read here, bounded by ``COMPTOIR_ATTACHMENT_MAX_BYTES`` before they are read, and
checked by content by ``casework.attachments`` (the action checks them again).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile as DjangoUpload
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir import i18n
from comptoir.casework import attachments
from comptoir.casework.errors import CaseError
from comptoir.clients.models import NORMALIZATION_MESSAGES, AlternateFormat
from comptoir.clients.normalization import NormalizationError, normalize_email, normalize_phone
from comptoir.core.casework import CaseKind
from comptoir.portal.actions import ClientDetails, UploadedFile
from comptoir.portal.models import ContactPreference

HONEYPOT = "website"
MAX_DESCRIPTION = 10_000
MAX_NAME = 200

REQUEST_KIND_CHOICES = [
    (CaseKind.ENQUIRY.value, _("Ask a question")),
    (CaseKind.APPLICATION.value, _("Request a service")),
]
FEEDBACK_KIND_CHOICES = [
    (CaseKind.COMPLIMENT.value, pgettext_lazy("feedback kind", "A compliment")),
    (CaseKind.COMPLAINT.value, pgettext_lazy("feedback kind", "A complaint")),
    (CaseKind.SUGGESTION.value, pgettext_lazy("feedback kind", "A suggestion")),
]
#: Each language named in itself, as the language toggle names it (not translated).
LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern), read into
    :class:`~comptoir.portal.actions.UploadedFile` and checked one by one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        try:
            attachments.check_attachment_count(len(uploads))
        except CaseError as error:
            raise ValidationError(error.messages) from error
        files = []
        errors = []
        for upload in uploads:
            try:
                files.append(_read(upload))
            except CaseError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _read(upload: DjangoUpload[Any]) -> UploadedFile:
    """The upload's bytes, refused before they are read when it is too large."""
    name = str(upload.name or "")
    if (upload.size or 0) > attachments.max_bytes():
        attachments.check_size(name, upload.size or 0)
    data = upload.read()
    attachments.check_attachment(name, data)
    return UploadedFile(name=name, data=data)


def files_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Documents (optional)"),
        required=False,
        help_text=_(
            "Up to %(count)s files of at most %(size)s MB each: PDF, images, text or CSV, "
            "Word, Excel, PowerPoint or OpenDocument."
        )
        % {
            "count": attachments.max_files(),
            "size": attachments.megabytes(attachments.max_bytes()),
        },
    )


class ClientFields(forms.Form):
    """Who the client is and how to reach them (shared by the submit and feedback forms)."""

    given_name = forms.CharField(
        label=_("Given name (optional)"), max_length=MAX_NAME, required=False
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=MAX_NAME,
        help_text=_("If you have only one name, write it here."),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=320,
        required=False,
        help_text=_(
            "Needed to be contacted by email. We send the link to follow your request to "
            "this address."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Official language for our replies"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    alternate_formats = forms.MultipleChoiceField(
        label=_("Do you need our replies in another format? (optional)"),
        choices=AlternateFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Your request"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Do not include your social insurance number or banking information."),
    )
    documents = MultipleFileField(required=False)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"] = files_field()
        self.fields["language"].initial = i18n.active_language()
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip()
        if not value:
            return ""
        try:
            return normalize_email(value)
        except NormalizationError as error:
            raise ValidationError(NORMALIZATION_MESSAGES[error.code], code=error.code) from error

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except NormalizationError as error:
            raise ValidationError(NORMALIZATION_MESSAGES[error.code], code=error.code) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preference = data.get("contact_preference")
        if preference == ContactPreference.EMAIL and "email" in data and not data["email"]:
            self.add_error("email", _("Give an email address to be contacted by email."))
        if preference == ContactPreference.PHONE and "phone" in data and not data["phone"]:
            self.add_error("phone", _("Give a phone number to be contacted by phone."))
        return data

    def details(self) -> ClientDetails:
        data = self.cleaned_data
        return ClientDetails(
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            alternate_formats=tuple(data.get("alternate_formats") or ()),
        )


def _service_field(choices: list[tuple[int, str]], *, required: bool) -> forms.TypedChoiceField:
    empty = _("Choose a service") if required else _("Not about a particular service")
    return forms.TypedChoiceField(
        label=_("Service"),
        choices=[("", empty), *choices],
        coerce=int,
        required=required,
        empty_value=None,
    )


class SubmitForm(ClientFields):
    """An enquiry or a request for one of the services of the inventory."""

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("What would you like to do?"),
            choices=REQUEST_KIND_CHOICES,
            widget=forms.RadioSelect,
            initial=CaseKind.ENQUIRY.value,
        )
        self.fields["service"] = _service_field(services, required=True)
        self.order_fields(["kind", "service", *self.fields])


class FeedbackForm(ClientFields):
    """A compliment, a complaint or a suggestion, about a service or not."""

    def __init__(
        self, *args: Any, services: list[tuple[int, str]], service_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("What would you like to send us?"),
            choices=FEEDBACK_KIND_CHOICES,
            widget=forms.RadioSelect,
        )
        self.fields["service"] = _service_field(services, required=service_required)
        self.fields["description"].label = _("Your feedback")
        self.order_fields(["kind", "service", *self.fields])


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=60,
        help_text=_("It is in the confirmation and in our emails, for example 7KX4-9M3Q."),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=320,
        help_text=_("The address you gave when you sent your request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip()
        try:
            return normalize_email(value)
        except NormalizationError as error:
            raise ValidationError(NORMALIZATION_MESSAGES[error.code], code=error.code) from error


class MessageForm(forms.Form):
    """Information or documents the client adds from the status page."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    documents = MultipleFileField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"] = files_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("text") or "").strip() and not data.get("documents"):
            raise ValidationError(
                _("Write a message or choose a file to send."), code="message_required"
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing your request? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, I want to withdraw my request. I understand it will be closed."),
    )


class SurveyForm(forms.Form):
    """The client satisfaction survey (``core.surveys``): the questions, a comment, and the
    optional call-back (``docs/portal.md``)."""

    comment = forms.CharField(
        label=_("Anything else you would like to tell us?"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    call_back = forms.BooleanField(
        label=_(
            "Call me back about my comment. I agree that you open a new request in my name "
            "with my comment and the reference of this request."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from comptoir.core.surveys import SurveyKind
        from comptoir.insight.survey_forms import question_fields

        super().__init__(*args, **kwargs)
        comment, call_back = self.fields.pop("comment"), self.fields.pop("call_back")
        self.fields.update(question_fields(SurveyKind.CLIENT))
        self.fields["comment"] = comment
        self.fields["call_back"] = call_back
