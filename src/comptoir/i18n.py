"""The one language module: which official language a page, a command or a person reads, and the
English or French half of bilingual data.

Every ``_en`` / ``_fr`` pick, every "is this French?" test and every message rendered for a person
goes through here, so that a third language or a change of fallback is one edit. Core packages
return codes; the words for them are chosen in the Django layer, in the language given by
:func:`active_language` (a page or a command) or :func:`language_of` (a recipient).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from django.conf import settings
from django.utils import translation

Language = Literal["en", "fr"]

#: The two official languages, English first (the order of bilingual cells in the open data).
OFFICIAL_LANGUAGES: tuple[Language, Language] = ("en", "fr")


def normalize(code: str | None) -> Language:
    """``fr``, ``fr-ca``, ``fr_CA.UTF-8`` → ``fr``; anything else (or nothing) → ``en``."""
    return "fr" if (code or "").strip().lower().startswith("fr") else "en"


def active_language() -> Language:
    """The language of the page or command being served now."""
    return normalize(translation.get_language() or settings.LANGUAGE_CODE)


def is_french(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one) is French."""
    return (normalize(language) if language is not None else active_language()) == "fr"


def other_language(language: str | None = None) -> Language:
    """The official language that ``language`` (default: the active one) is not."""
    return "en" if is_french(language) else "fr"


def pick(english: str, french: str, language: str | None = None) -> str:
    """The half of a bilingual pair in ``language`` (default: the active one), falling back to
    the other half when it is blank."""
    if is_french(language):
        return french or english
    return english or french


def pick_field(obj: object, field: str, language: str | None = None) -> str:
    """``obj.<field>_en`` or ``obj.<field>_fr`` in ``language`` (default: the active one), falling
    back to the other language when blank; ``""`` for a missing or ``None`` value."""
    english = getattr(obj, f"{field}_en", "")
    french = getattr(obj, f"{field}_fr", "")
    return pick(
        "" if english is None else str(english), "" if french is None else str(french), language
    )


def field_name(field: str, language: str | None = None) -> str:
    """The name of the ``_en`` or ``_fr`` field for ``language``: ``field_name("reason", "fr")`` →
    ``reason_fr``."""
    return f"{field}_{'fr' if is_french(language) else 'en'}"


def language_of(recipient: Any) -> Language:
    """The official language a person reads: their ``preferred_language`` (a client) or
    ``language`` attribute (a staff account) when they have one, else the site's default."""
    for attribute in ("preferred_language", "language"):
        value = getattr(recipient, attribute, None)
        if value:
            return normalize(str(value))
    return normalize(settings.LANGUAGE_CODE)


@contextmanager
def rendered_for(recipient: Any) -> Iterator[Language]:
    """Render anything sent to ``recipient`` (mail, a PDF, a notice) in their language."""
    language = language_of(recipient)
    with translation.override(language):
        yield language


@contextmanager
def rendered_in(language: str | None) -> Iterator[Language]:
    """Render in ``language`` (normalized; ``None`` keeps the active one)."""
    chosen = normalize(language) if language is not None else active_language()
    with translation.override(chosen):
        yield chosen


#: The environment variables a command reads its language from, in gettext's order.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def command_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language a command speaks (its ``--help``, messages and default output), as gettext
    chooses it: the first of ``LANGUAGE`` (a colon-separated list), ``LC_ALL``, ``LC_MESSAGES``
    and ``LANG`` that is set, its first English or French entry (``fr_CA.UTF-8`` → ``fr``);
    ``C`` or ``POSIX``, another language only, or nothing set → the site's language
    (``LANGUAGE_CODE``; not the active one, which a page served earlier in the process set)."""
    environ = os.environ if environ is None else environ
    for variable in LANGUAGE_VARIABLES:
        value = environ.get(variable, "").strip()
        if not value:
            continue
        for entry in value.split(":"):
            code = entry.strip().split(".")[0].split("@")[0].lower()
            if code in {"c", "posix"}:
                break
            if code[:2] in OFFICIAL_LANGUAGES and code[2:3] in {"", "_", "-"}:
                return normalize(code)
        break
    return normalize(settings.LANGUAGE_CODE)
