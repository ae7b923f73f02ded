"""Template helpers shared by every Comptoir page: language toggle, bilingual data, forms."""

import json
from decimal import Decimal, InvalidOperation
from importlib import metadata

from django import template
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.core.opendata.schema import Resource, field_of, is_web_address

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language_code(context: template.Context) -> str:
    """The official language this page is not in (``fr`` on an English page)."""
    return i18n.other_language()


@register.simple_tag(takes_context=True)
def other_language_url(context: template.Context) -> str:
    """The same page, with the same query string, in the other official language."""
    request: HttpRequest | None = context.get("request")
    target = i18n.other_language()
    if request is None:
        return f"/{target}/"
    return translate_url(request.get_full_path(), target)


@register.filter
def bilingual(obj: object, field: str) -> str:
    """``obj.<field>_en`` or ``_fr`` in the page's language, falling back to the other one."""
    return i18n.pick_field(obj, field)


@register.simple_tag
def comptoir_version() -> str:
    """The installed Comptoir version, shown in the "date modified / version" line of each page."""
    try:
        return metadata.version("comptoir")
    except metadata.PackageNotFoundError:
        return "0"


@register.simple_tag(takes_context=True)
def footer_links_json(context: template.Context) -> str:
    """The footer's contextual links as the JSON object ``gcds-footer`` expects."""
    links = {
        str(_("Home")): reverse("home"),
        str(_("Service standards")): reverse("inventory:public_organizations"),
    }
    return json.dumps(links, ensure_ascii=False)


_CHOICE_GROUP_WIDGETS = {"radioselect", "checkboxselectmultiple"}


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Radio buttons and checkbox lists are rendered as a fieldset with a legend."""
    return field.widget_type in _CHOICE_GROUP_WIDGETS


@register.simple_tag
def field_anchor(field: BoundField) -> str:
    """The id an error-summary link points at: the input itself, or a group's first option."""
    if field.widget_type in _CHOICE_GROUP_WIDGETS:
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)


@register.simple_tag
def render_widget(field: BoundField) -> str:
    """The field's widget, tied to its hint and error message for assistive technology."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def code_labels(cell: str, where: str) -> str:
    """The labels of the codes of an open-data cell, in the page's language, separated by
    semicolons (labels contain commas).

    ``{{ record.service_type|code_labels:"service:service_type" }}`` → ``Information; Grants and
    Contributions``. Codes that are not in the data dictionary are shown as they are.
    """
    resource_name, _sep, field_id = where.partition(":")
    spec = field_of(Resource(resource_name), field_id)
    labels = []
    for code in (part.strip() for part in (cell or "").split(",")):
        if not code:
            continue
        pair = spec.choices.get(code)
        labels.append(i18n.pick(*pair) if pair else code)
    return "; ".join(labels)


@register.filter
def percent(cell: object) -> str:
    """A ratio (``0.8`` or a Decimal) as a percentage in the page's language (``80%``, ``80 %``),
    to one decimal when needed; a blank cell stays blank, text that is no number is shown as is."""
    if cell is None:
        return ""
    text = str(cell).strip()
    if not text:
        return ""
    try:
        number = Decimal(text)
        if not number.is_finite():
            return text
        value = (number * 100).quantize(Decimal("0.1"))
    except InvalidOperation:
        return text
    if value == value.to_integral_value():
        value = value.quantize(Decimal("1"))
    shown = formats.number_format(value, use_l10n=True)
    if i18n.is_french():
        return f"{shown}\u00a0%"
    return f"{shown}%"


@register.filter
def web_link(cell: object, text: str = "") -> SafeString:
    """A stored web address as a link reading ``text`` (the address itself when ``text`` is
    empty), only when the cell is exactly one ``http`` or ``https`` address; any other cell
    (``javascript:…``, ``N/A``, ``www.canada.ca/…``, several addresses) is shown as text.

    ``{{ uri|web_link:about }}``. Use it wherever a URI cell is rendered: a stored cell may
    predate the validation rule (issue 17) or bypass it.
    """
    address = str(cell or "").strip()
    if not address:
        return SafeString("")
    if is_web_address(address):
        return format_html('<a href="{}">{}</a>', address, text or address)
    return format_html("{}", address)
