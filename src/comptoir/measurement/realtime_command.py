"""``comptoir performance realtime``: print the stored real-time figures, refreshing them first
when asked (``docs/measurement.md``, "Real-time performance for clients")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, ngettext

from comptoir.measurement import realtime
from comptoir.measurement.realtime_models import RealtimeResult
from comptoir.measurement.realtime_pages import StandardFigures

if TYPE_CHECKING:
    from comptoir.inventory.models import Service


def print_realtime(stdout: Any, *, service: Service | None, refresh: bool) -> None:
    """Refresh (with ``refresh``) and print, per standard, its sentences in the active language:
    one block per standard, the service and standard IDs first."""
    if refresh:
        stored = (
            realtime.refresh_service(service) if service is not None else realtime.refresh_all()
        )
        stdout.write(
            ngettext(
                "%(count)d standard's figures computed and stored.",
                "%(count)d standards' figures computed and stored.",
                stored,
            )
            % {"count": stored}
        )
    results = RealtimeResult.objects.order_by(
        "service__organization__owner_org", "service__service_id", "standard__service_standard_id"
    )
    if service is not None:
        results = results.filter(service=service)
    payloads = list(results.values_list("payload", flat=True))
    if not payloads:
        stdout.write(gettext("No real-time figures are stored; compute them with --refresh."))
        return
    for payload in payloads:
        figures = StandardFigures(payload)
        stdout.write(f"{payload['service_id']} / {figures.standard_id}")
        for sentence in (
            figures.backward_sentence,
            figures.forward_sentence,
            figures.window_sentence,
            figures.target_text,
            figures.this_year_sentence,
            figures.as_of_sentence,
        ):
            if sentence:
                stdout.write(f"  {sentence}")
