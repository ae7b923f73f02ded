"""Builders of the outbound tests: a French client's case, and running what commits schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

CLIENT_ADDRESS = "Elise.Tremblay@Example.ca"


@pytest.fixture
def french_case(
    make_case: Callable[..., Any], unit: Any, officer: Any, known_client: Any, mail_service: Any
) -> Any:
    """A case of the French-speaking client who has an email address (the inbound tests'
    ``known_client``), for the service that has a name in both languages."""
    return make_case(
        unit, officer, is_anonymous=False, client=known_client, channel="EML", language="fr"
    )


def outbox(case: Any) -> list[Any]:
    from comptoir.notifications.models import OutboundMessage

    return list(OutboundMessage.objects.filter(case=case).order_by("pk"))


def delivery_events(case: Any) -> list[dict[str, Any]]:
    from comptoir.casework.models import CaseEvent

    return [
        dict(event.payload)
        for event in CaseEvent.objects.filter(case=case, kind="delivery").order_by("sequence")
    ]
