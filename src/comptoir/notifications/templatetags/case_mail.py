"""The case page's list of the mail with the client (``notifications.queries.case_mail``), read
by its own partial: casework's page needs one include line, and casework imports nothing of the
notifications app (which depends on it)."""

from __future__ import annotations

from django import template

from comptoir.casework.models import Case
from comptoir.notifications.queries import MailRow, case_mail

register = template.Library()


@register.simple_tag
def mail_of_case(case: Case) -> list[MailRow]:
    """The case's mail, for a reader the page already let see the case."""
    return case_mail(case)
