"""The GC Notify backend and its delivery reports.

GC Notify itself is the one boundary we cannot run here: a fake of its HTTP API on loopback
(``http.server`` in a thread) stands in for it. The real client library
(``notifications-python-client``) talks to it, so what is checked is the request the library
really sends: the path, the JWT bearer header and the JSON body.
"""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse

from comptoir.notifications import tasks
from comptoir.notifications.actions import notify
from comptoir.notifications.models import MessageTemplate, OutboundMessage
from tests.notifications.outbound_builders import (
    CLIENT_ADDRESS,
    delivery_events,
    french_case,  # noqa: F401
)

pytestmark = pytest.mark.django_db

TEMPLATE_FR = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEMPLATE_EN = "0b5ffe4c-8b1c-4a0e-9c7a-7a2d4c6a1e11"
CALLBACK_TOKEN = "callback-secret-0123456789abcdef"  # a test token


class FakeNotify:
    """What the fake received, and what it answers next (status and JSON)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        self.answer: dict[str, Any] = {}
        self.answered_ids: list[str] = []


@pytest.fixture
def gc_notify(settings: Any) -> Iterator[FakeNotify]:
    fake = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization", ""),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            answer = fake.answer or {
                "id": str(uuid.uuid4()),
                "reference": fake.requests[-1]["json"].get("reference"),
                "content": {"body": "…", "from_email": "x@notification.canada.ca", "subject": "…"},
                "uri": "https://api.notification.canada.ca/v2/notifications/x",
                "template": {"id": TEMPLATE_FR, "version": 1, "uri": "https://x"},
            }
            fake.answered_ids.append(str(answer.get("id", "")))
            data = json.dumps(answer).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COMPTOIR_NOTIFY_BACKEND = "gcnotify"
    settings.COMPTOIR_GC_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.COMPTOIR_GC_NOTIFY_API_KEY = f"comptoir_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    MessageTemplate.objects.create(
        kind="reply",
        subject_en="Your request {reference}",
        subject_fr="Votre demande {reference}",
        body_en="{reply}",
        body_fr="{reply}",
        gc_notify_template_en=TEMPLATE_EN,
        gc_notify_template_fr=TEMPLATE_FR,
    )
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _queued(case: Any) -> OutboundMessage:
    message = notify(case, "reply", context={"reply": "Voici votre réponse."})
    assert message is not None and message.backend == "gcnotify"
    return message


def test_the_request_has_only_the_fields_gc_notify_accepts(french_case, gc_notify):
    message = _queued(french_case)
    assert tasks.deliver(message.pk) == "sent"
    [request] = gc_notify.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["authorization"].startswith("Bearer ")
    assert set(request["json"]) == {"email_address", "template_id", "personalisation", "reference"}
    assert request["json"]["email_address"] == CLIENT_ADDRESS
    assert request["json"]["template_id"] == TEMPLATE_FR  # the client reads French
    assert request["json"]["reference"] == message.message_id
    personalisation = request["json"]["personalisation"]
    assert personalisation["subject"] == f"Votre demande {french_case.reference}"
    assert "Voici votre réponse." in personalisation["body"]
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.provider_reference == gc_notify.answered_ids[0]
    assert delivery_events(french_case) == [{"message": message.pk, "status": "sent"}]


def test_gc_notify_5xx_and_429_are_retried_400_is_not(french_case, gc_notify):
    message = _queued(french_case)
    gc_notify.status, gc_notify.answer = 429, {"errors": [{"error": "RateLimitError"}]}
    assert tasks.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == "queued" and "429" in message.last_error

    other = _queued(french_case)
    gc_notify.status, gc_notify.answer = 500, {"errors": [{"error": "Internal"}]}
    assert tasks.deliver(other.pk) == "retry"

    refused = _queued(french_case)
    gc_notify.status = 400
    gc_notify.answer = {"errors": [{"error": "ValidationError", "message": "bad address"}]}
    assert tasks.deliver(refused.pk) == "permanent-failure"
    refused.refresh_from_db()
    assert refused.status == "permanent-failure" and "400" in refused.last_error


def test_a_kind_without_a_gc_notify_template_fails_with_a_reason(french_case, gc_notify):
    message = notify(french_case, "resolved")
    assert message is not None
    assert tasks.deliver(message.pk) == "permanent-failure"
    message.refresh_from_db()
    assert "No GC Notify template" in message.last_error
    assert gc_notify.requests == []


def test_the_per_minute_limit_puts_messages_off(french_case, gc_notify, settings):
    settings.COMPTOIR_GC_NOTIFY_PER_MINUTE = 1
    first, second = _queued(french_case), _queued(french_case)
    assert tasks.deliver(first.pk) == "sent"
    assert tasks.deliver(second.pk) == "deferred"
    second.refresh_from_db()
    assert second.status == "queued" and second.attempts == 0
    assert second.next_attempt_at is not None
    assert len(gc_notify.requests) == 1
    assert tasks.deliver(second.pk, now=second.next_attempt_at) == "sent"


def _report(client: Any, body: Any, token: str | None = CALLBACK_TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse("notifications:gc_notify_callback"),
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_callback_records_delivery_once(client, french_case, gc_notify):
    message = _queued(french_case)
    assert tasks.deliver(message.pk) == "sent"
    message.refresh_from_db()
    report = {
        "id": message.provider_reference,
        "reference": message.message_id,
        "to": CLIENT_ADDRESS,
        "status": "delivered",
        "status_description": "Delivered",
        "provider_response": None,
        "created_at": "2026-03-02T14:00:00.000000Z",
        "completed_at": "2026-03-02T14:00:05.000000Z",
        "sent_at": "2026-03-02T14:00:01.000000Z",
        "notification_type": "email",
    }
    assert _report(client, report, token=None).status_code == 401
    assert _report(client, report, token="wrong").status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"

    response = _report(client, report)
    assert response.status_code == 200 and response.json() == {"recorded": True}
    message.refresh_from_db()
    assert message.status == "delivered"
    assert _report(client, report).json() == {"recorded": False}  # GC Notify retried
    assert delivery_events(french_case) == [
        {"message": message.pk, "status": "sent"},
        {"message": message.pk, "status": "delivered"},
    ]
    # A later, out-of-order temporary failure does not undo the delivery.
    assert _report(client, {**report, "status": "temporary-failure"}).json() == {"recorded": False}


def test_the_callback_records_a_bounce_and_refuses_the_unknown(client, french_case, gc_notify):
    message = _queued(french_case)
    assert tasks.deliver(message.pk) == "sent"
    message.refresh_from_db()
    bounce = {
        "id": message.provider_reference,
        "reference": message.message_id,
        "status": "permanent-failure",
        "status_description": "Permanent failure",
        "provider_response": "The email address does not exist.",
        "notification_type": "email",
    }
    assert _report(client, bounce).json() == {"recorded": True}
    message.refresh_from_db()
    assert message.status == "permanent-failure"
    assert "does not exist" in message.last_error
    assert _report(client, {**bounce, "id": str(uuid.uuid4()), "reference": "x"}).status_code == (
        404
    )
    assert _report(client, ["not", "a", "report"]).status_code == 400
    assert client.get(reverse("notifications:gc_notify_callback")).status_code == 405


def test_no_token_configured_refuses_every_report(client, french_case, gc_notify, settings):
    settings.COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN = ""
    assert _report(client, {"status": "delivered"}, token="").status_code == 401
    assert _report(client, {"status": "delivered"}, token="anything").status_code == 403
