"""Reports as tagged PDF (PDF/UA-1, WeasyPrint): a document drawn from the same template data
as the page, in a language chosen by the caller (a unit's report is in the unit's language,
whatever the reader's), with its title, language and structure tags for screen readers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string

from comptoir import i18n


def render_pdf(template: str, context: Mapping[str, Any], *, language: str) -> bytes:
    """``template`` rendered under ``language`` and drawn as a PDF/UA-1 document."""
    from weasyprint import HTML  # imported here: Pango loads once a PDF is asked for

    with i18n.rendered_in(language):
        html = render_to_string(template, {**context, "pdf_language": language})
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
