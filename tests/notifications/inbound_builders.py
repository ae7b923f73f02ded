"""Builders of the inbound-mail tests: a service that takes mail, a client with a case, the
message Comptoir sent about it, and raw messages built with the standard library."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest
from django.utils import timezone

from tests.casework.conftest import (  # noqa: F401 - fixtures shared with casework
    T0,
    make_case,
    make_member,
    make_unit,
    organization,
    service,
)

CLIENT_ADDRESS = "elise.tremblay@example.ca"
STRANGER_ADDRESS = "mallory@example.net"


@pytest.fixture
def unit(make_unit: Callable[..., Any]) -> Any:  # noqa: F811
    return make_unit("front", time_zone="America/Toronto")


@pytest.fixture
def officer(make_member: Callable[..., Any], unit: Any) -> Any:  # noqa: F811
    return make_member(unit, username="olivia")


@pytest.fixture
def mail_service(service: Any, unit: Any, settings: Any) -> Any:  # noqa: F811
    """The casework tests' service, named in a record with its responsible unit, and the one a
    message from an unknown sender opens a case for."""
    from comptoir.inventory.models import FiscalYear, ServiceYear
    from tests.conftest import VALID_SERVICE_CELLS

    year, _ = FiscalYear.objects.get_or_create(organization=service.organization, code="2025-2026")
    ServiceYear.objects.create(
        service=service, fiscal_year=year, responsible_unit=unit, **VALID_SERVICE_CELLS
    )
    settings.COMPTOIR_MAIL_INTAKE_SERVICE = str(service.pk)
    return service


@pytest.fixture
def known_client(officer: Any) -> Any:
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    client = do_create_client(
        kind="person",
        given_name="Élise",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=officer,
    )
    do_add_contact_point(
        client, kind="email", value="Elise.Tremblay@Example.ca", is_primary=True, actor=officer
    )
    return client


@pytest.fixture
def client_case(
    make_case: Any,  # noqa: F811
    unit: Any,
    officer: Any,
    known_client: Any,
    mail_service: Any,
) -> Any:
    return make_case(unit, officer, is_anonymous=False, client=known_client, channel="EML")


@pytest.fixture
def sent_message(client_case: Any) -> Any:
    """What Comptoir sent the client about the case (as the outbox records it: a Message-ID with
    the reference and an unguessable part)."""
    from comptoir.notifications.models import OutboundMessage

    return OutboundMessage.objects.create(
        case=client_case,
        kind="information_requested",
        to_address=CLIENT_ADDRESS,
        language="fr",
        subject=f"Votre demande {client_case.reference}",
        body="Il nous faut votre facture.",
        message_id=f"<{client_case.reference}.{secrets.token_urlsafe(16)}@comptoir.example>",
        backend="smtp",
        status="sent",
        created_at=timezone.now(),
    )


def mail(
    *,
    sender: str = CLIENT_ADDRESS,
    subject: str = "A question",
    body: str = "Hello, could you tell me where my request is? Thank you.",
    html: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """A raw message (bytes) as a mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "comptoir@example.gc.ca"
    message["Subject"] = subject
    message["Date"] = format_datetime(T0)
    message["Message-ID"] = make_msgid(domain="example.ca")
    for name, value in headers:
        message[name] = value
    if html is not None and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for filename, data, content_type in attachments:
        main, sub = content_type.split("/", 1)
        message.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return bytes(message)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
