"""What the case page shows of a case sent through the portal (how the client wants to be
reached), read by its own partial: casework imports nothing of the portal, which builds on it."""

from __future__ import annotations

from django import template

from comptoir.casework.models import Case
from comptoir.portal.models import Submission

register = template.Library()


@register.simple_tag
def portal_submission(case: Case) -> Submission | None:
    """The portal submission of a case the page's reader already may see, or ``None``."""
    return Submission.objects.filter(case_id=case.pk).first()
