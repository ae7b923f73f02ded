"""After a resolution, the sampled cases' clients are invited (connected in
``InsightConfig.ready``). The client's own withdrawal invites nobody; the bulk writer (history)
sends no signal, so nobody is invited about history."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from comptoir.casework.signals import events_recorded
from comptoir.insight.survey_actions import invite_after_resolution

logger = logging.getLogger(__name__)


@receiver(events_recorded, dispatch_uid="insight.invite_to_survey")
def invite_to_survey(sender: Any, case: Any, events: Sequence[Any], **kwargs: Any) -> None:
    """Logged, never raised: the events are committed and their sender must not fail."""
    for event in events:
        if event.kind != "resolved" or (event.payload or {}).get("by") == "client":
            continue
        try:
            invite_after_resolution(case)
        except Exception:
            logger.exception("insight: survey invitation of case %s failed", case.reference)
        return
