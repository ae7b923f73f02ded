"""Template tags of casework: the client page's list of cases (the client page belongs to the
clients app; its view does not know about cases, so the include asks ``queries`` through this)."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.casework import queries

register = template.Library()


@register.inclusion_tag("casework/_client_case_list.html", takes_context=True)
def client_cases(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """The client's cases that the reader may see, across every unit, newest first, bounded."""
    request = context["request"]
    return {"listing": queries.client_cases(request.user, client), "client": client}


@register.filter
def status_label(code: str) -> str:
    """A case status code in words (``casework.text``)."""
    from comptoir.casework import text
    from comptoir.core.casework import Status

    try:
        return text.label(Status(code))
    except ValueError:
        return code


@register.filter
def case_kind_label(code: str) -> str:
    from comptoir.casework import text
    from comptoir.core.casework import CaseKind

    try:
        return text.label(CaseKind(code))
    except ValueError:
        return code


@register.simple_tag(takes_context=True)
def unread_notices(context: dict[str, Any]) -> int:
    """How many of the signed-in reader's staff notices are unread (the staff menu's count)."""
    request = context.get("request")
    return queries.unread_notice_count(getattr(request, "user", None))


@register.filter
def notice_kind_label(code: str) -> str:
    from comptoir.casework.models import NoticeKind

    try:
        return str(NoticeKind(code).label)
    except ValueError:
        return code
