"""The reasons the system stores on case events, as codes each reader sees in their own language
(see ``inventory/change_reasons.py``); a reason a person typed is kept as typed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.casework.actions import ROUTING_REASON_PREFIX


def describe_reason(reason: str) -> str:
    """A stored reason in the reader's language (``routing:<key>|<name>``: a routing rule)."""
    if not reason.startswith(ROUTING_REASON_PREFIX):
        return reason
    key, _bar, name = reason.removeprefix(ROUTING_REASON_PREFIX).partition("|")
    return _("Sent here by the routing rule %(name)s.") % {"name": name or key}
