"""Turning a notification's wording into the subject and body sent to one client.

Placeholders are ``{name}`` with a name from :data:`PLACEHOLDERS`; nothing else in braces is
interpreted (a template is edited by staff: ``str.format`` would let ``{reference.__class__}``
reach Python attributes). A body line whose placeholders are all empty is left out, so that a
message reads naturally without a link the portal cannot give yet, or without a reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from comptoir import i18n
from comptoir.notifications.defaults import DEFAULTS

#: The values a template may use (see docs/notifications.md).
PLACEHOLDERS = (
    "reference",
    "service",
    "status_url",
    "lookup_url",
    "due_date",
    "reason",
    "reply",
    "survey_url",
)

_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_BLANK_LINES = re.compile(r"\n{3,}")
#: A subject is one line (a line break in a header is an injection).
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body: str
    #: The GC Notify template of this kind in the language ("" when none is set).
    gc_notify_template: str


def wording(kind: str, language: str) -> tuple[str, str, str]:
    """(subject, body, GC Notify template id) of ``kind`` in ``language``: the edited
    ``MessageTemplate`` when there is one, else the default wording."""
    from comptoir.notifications.models import MessageTemplate

    return wording_of(kind, language, MessageTemplate.objects.filter(kind=kind).first())


def wording_of(kind: str, language: str, edited: Any) -> tuple[str, str, str]:
    """:func:`wording` with the kind's ``MessageTemplate`` already read (``None``: not edited)."""
    if edited is not None:
        return (
            i18n.pick_field(edited, "subject", language),
            i18n.pick_field(edited, "body", language),
            i18n.pick_field(edited, "gc_notify_template", language),
        )
    default = DEFAULTS[kind]
    return (
        i18n.pick(default.subject_en, default.subject_fr, language),
        i18n.pick(default.body_en, default.body_fr, language),
        "",
    )


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced (unknown braces are kept as typed)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def fill_body(text: str, values: Mapping[str, str]) -> str:
    """Like :func:`fill`, dropping the lines whose placeholders are all empty."""
    lines = []
    for line in text.split("\n"):
        names = _PLACEHOLDER.findall(line)
        if names and not any(values.get(name, "") for name in names):
            continue
        lines.append(fill(line, values))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


def render(kind: str, language: str, values: Mapping[str, str]) -> Rendered:
    subject, body, template_id = wording(kind, language)
    return Rendered(
        subject=_LINE_BREAKS.sub(" ", fill(subject, values)).strip()[:300],
        body=fill_body(body, values),
        gc_notify_template=template_id,
    )


#: Invented values a template's preview is filled with (no client's data on a preview).
def sample_values(language: str) -> dict[str, str]:
    french = language == "fr"
    return {
        "reference": "ABCD-2345",
        "service": "Demandes de données personnalisées" if french else "Custom data requests",
        "status_url": "https://example.gc.ca/fr/portal/status/…"
        if french
        else "https://example.gc.ca/en/portal/status/…",
        "lookup_url": "https://example.gc.ca/fr/portal/status/"
        if french
        else "https://example.gc.ca/en/portal/status/",
        "due_date": "15 mars 2027" if french else "March 15, 2027",
        "reason": "Veuillez nous envoyer le formulaire signé."
        if french
        else "Please send us the signed form.",
        "reply": "Voici le tableau demandé." if french else "Here is the table you asked for.",
        "survey_url": "https://example.gc.ca/survey/…",
    }


def unknown_placeholders(text: str) -> list[str]:
    """The ``{name}`` of ``text`` that are not placeholders (a typo staff should see)."""
    return sorted(
        {name for name in re.findall(r"\{([A-Za-z_]+)\}", text) if name not in PLACEHOLDERS}
    )


def render_text(subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    """A wording being edited, filled as a message would be (for the preview)."""
    return Rendered(
        subject=_LINE_BREAKS.sub(" ", fill(subject, values)).strip()[:300],
        body=fill_body(body, values),
        gc_notify_template="",
    )
