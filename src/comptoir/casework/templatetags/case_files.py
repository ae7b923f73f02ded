"""The case page's list of files (``casework.attachments``), read by its own partial so that
the case page's template needs one include line and ``queries.case_page`` no new field."""

from __future__ import annotations

from django import template

from comptoir.casework.attachments import attachments_of
from comptoir.casework.models import Attachment, Case

register = template.Library()

#: How many files the case page lists (the oldest first).
LISTED = 100


@register.simple_tag
def case_attachments(case: Case) -> list[Attachment]:
    """The files of a case the page's reader already may see (the page checked it)."""
    return attachments_of(case, limit=LISTED)
