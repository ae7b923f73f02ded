"""How a client reaches their case: the status token of their private link, or a short-lived
grant in their browser's session after a look-up (reference number and email address).

The look-up page cannot show the token (only its hash is stored), so a successful look-up puts a
signed grant in the session (``django.core.signing``, salted, stamped): it names one case and
lasts :data:`GRANT_SECONDS`; the session key is cycled when it is given, and the status page at
``portal/status/`` (no token in the address) reads it. A new look-up replaces it; nothing else
can widen it. The session itself is server-side (the database), its cookie HTTP-only.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

from comptoir.casework.actions import case_for_status_token
from comptoir.casework.models import Case

GRANT_SESSION_KEY = "portal_grant"
GRANT_SALT = "comptoir.portal.grant"
#: How long a look-up lets this browser see the case (30 minutes).
GRANT_SECONDS = 30 * 60
#: The longest token accepted (``secrets.token_urlsafe(32)`` gives 43 characters).
MAX_TOKEN_LENGTH = 100


def case_for_token(token: str) -> Case | None:
    """The case of a private link's token (``None`` for any other text)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    case = case_for_status_token(token)
    if case is None:
        return None
    return (
        Case.objects.select_related("service__organization", "current_unit", "client")
        .filter(pk=case.pk)
        .first()
    )


def grant(request: HttpRequest, case: Case) -> None:
    """Let this browser see ``case`` for :data:`GRANT_SECONDS` (see the module docstring)."""
    request.session.cycle_key()
    request.session[GRANT_SESSION_KEY] = signing.dumps(
        {"case": case.pk, "token": case.status_token_hash[:16]}, salt=GRANT_SALT
    )


def case_for_grant(request: HttpRequest) -> Case | None:
    """The case this browser was granted by a look-up, while the grant lasts."""
    value = request.session.get(GRANT_SESSION_KEY)
    if not value:
        return None
    try:
        granted = signing.loads(value, salt=GRANT_SALT, max_age=GRANT_SECONDS)
    except signing.BadSignature:
        request.session.pop(GRANT_SESSION_KEY, None)
        return None
    case = (
        Case.objects.select_related("service__organization", "current_unit", "client")
        .filter(pk=granted.get("case"))
        .first()
    )
    if case is None or case.status_token_hash[:16] != granted.get("token"):
        return None
    return case
