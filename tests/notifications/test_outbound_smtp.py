"""Notifications to clients through a real SMTP server (aiosmtpd on loopback): what the events
send, in which language, with which headers; refusals, a server that is down, the limit on
automatic replies, and ``comptoir worker --once``."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.casework import actions as casework
from comptoir.notifications import tasks
from comptoir.notifications.actions import notify
from comptoir.notifications.models import MAX_ATTEMPTS, OutboundMessage
from tests.casework.conftest import T0
from tests.notifications.outbound_builders import (
    CLIENT_ADDRESS,
    delivery_events,
    french_case,  # noqa: F401
    outbox,
)
from tests.notifications.smtp_server import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db

MESSAGE_ID = re.compile(
    r"^<(?P<reference>[^.@<>]+)\.(?P<random>[A-Za-z0-9_-]{24})@(?P<domain>.+)>$"
)


# The worker's loop closes the database connection between tasks (django-tasks-db's Worker calls
# close_old_connections), which ends a test's surrounding transaction on PostgreSQL: there, tests
# that run ``comptoir worker`` commit for real. (On SQLite a transactional test could not empty
# the append-only event log afterwards, and closing the in-memory database is a no-op.)
WORKER_TEST = pytest.mark.django_db(
    transaction=os.environ.get("DATABASE_URL", "").startswith("postgres")
)


@WORKER_TEST
def test_a_resolved_case_tells_the_french_client_in_french(
    french_case, officer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_resolve_case(french_case, "delivered", actor=officer, reason="Internal note")
    [message] = outbox(french_case)
    assert message.kind == "resolved" and message.status == "queued"
    assert message.language == "fr"
    # The send was scheduled on commit; nothing left yet.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert smtp_server.messages == []

    call_command("worker", "--once")

    [received] = smtp_server.messages
    assert received["To"] == CLIENT_ADDRESS
    assert received["Subject"] == f"Votre demande {french_case.reference} est fermée"
    body = received.get_content()
    assert "Nous avons terminé le traitement" in body
    assert "Demandes de données commerciales" in body  # the service, in French
    assert "Internal note" not in body  # a resolution's note is for colleagues
    match = MESSAGE_ID.match(received["Message-ID"])
    assert match is not None, received["Message-ID"]
    assert match["reference"] == french_case.reference
    assert match["domain"] == "stats.example.gc.ca"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Reply-To"] == "replies@stats.example.gc.ca"
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert received["Message-ID"] == message.message_id
    assert delivery_events(french_case) == [{"message": message.pk, "status": "sent"}]


def test_each_message_id_is_unguessable(french_case):
    first = notify(french_case, "reply", context={"reply": "Bonjour"})
    second = notify(french_case, "reply", context={"reply": "Encore"})
    assert first is not None and second is not None
    assert first.message_id != second.message_id
    assert MESSAGE_ID.match(first.message_id)


def test_a_staff_reply_is_not_marked_automatic(
    french_case, officer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_reply_to_client(french_case, "Voici les tableaux demandés.", actor=officer)
    [message] = outbox(french_case)
    assert message.kind == "reply" and message.event is not None
    assert tasks.deliver(message.pk) == "sent"
    [received] = smtp_server.messages
    assert "Voici les tableaux demandés." in received.get_content()
    assert received["Auto-Submitted"] is None


def test_a_refused_recipient_fails_at_once(french_case, smtp_server):
    smtp_server.refuse(CLIENT_ADDRESS)
    message = notify(french_case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    assert tasks.deliver(message.pk) == "permanent-failure"
    message.refresh_from_db()
    assert message.status == "permanent-failure" and message.attempts == 1
    assert "550" in message.last_error
    assert message.next_attempt_at is None
    assert delivery_events(french_case) == [{"message": message.pk, "status": "permanent-failure"}]
    assert smtp_server.messages == []
    # Not tried again.
    assert tasks.deliver(message.pk) == "skipped"


def test_a_stopped_server_is_tried_again_later_then_sent(french_case, smtp_server):
    message = notify(french_case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    smtp_server.stop()
    now = timezone.now()
    assert tasks.deliver(message.pk, now=now) == "retry"
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert message.last_error
    retry = DBTaskResult.objects.filter(run_after__isnull=False).get()
    assert retry.run_after == now + timedelta(minutes=1)
    # Too early: nothing done.
    assert tasks.deliver(message.pk, now=now + timedelta(seconds=30)) == "skipped"
    # Down again: the wait doubles.
    later = now + timedelta(minutes=1)
    assert tasks.deliver(message.pk, now=later) == "retry"
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == later + timedelta(minutes=2)
    assert delivery_events(french_case) == []  # retries are not events of the case

    smtp_server.start()
    assert tasks.deliver(message.pk, now=later + timedelta(minutes=2)) == "sent"
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 3 and message.last_error == ""
    assert len(smtp_server.messages) == 1
    assert delivery_events(french_case) == [{"message": message.pk, "status": "sent"}]


def test_a_message_is_given_up_after_the_last_attempt(french_case, smtp_server):
    message = notify(french_case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    smtp_server.stop()
    now = timezone.now()
    outcomes = []
    for _attempt in range(MAX_ATTEMPTS):
        outcomes.append(tasks.deliver(message.pk, now=now))
        now += timedelta(days=1)
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    assert delivery_events(french_case) == [{"message": message.pk, "status": "failed"}]


def test_automatic_replies_to_one_address_are_limited(french_case, settings):
    settings.COMPTOIR_AUTO_REPLY_LIMIT = 2
    sent = [notify(french_case, "acknowledgement", now=T0 + timedelta(minutes=i)) for i in range(3)]
    assert [m is not None for m in sent] == [True, True, False]
    assert OutboundMessage.objects.filter(kind="acknowledgement").count() == 2
    # A person's reply is not automatic: it still goes.
    assert notify(french_case, "reply", context={"reply": "Bonjour"}, now=T0) is not None
    # Once the window has passed, an acknowledgement goes again.
    later = T0 + timedelta(hours=settings.COMPTOIR_AUTO_REPLY_WINDOW_HOURS, minutes=5)
    assert notify(french_case, "acknowledgement", now=later) is not None


def test_no_address_no_message(make_case, unit, officer, mail_service):
    case = make_case(unit, officer)  # anonymous
    assert notify(case, "resolved") is None
    assert OutboundMessage.objects.count() == 0


@WORKER_TEST
def test_the_sweep_requeues_a_lost_message(french_case, smtp_server):
    message = notify(french_case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    # Its task is lost (a queue restored from an older backup, a row removed by hand).
    DBTaskResult.objects.all().delete()
    assert tasks.send_due(now=message.created_at + timedelta(seconds=30)) == 0  # too recent
    assert tasks.send_due(now=message.created_at + timedelta(minutes=5)) == 1
    call_command("worker", "--once")
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(smtp_server.messages) == 1


def test_mail_is_never_sent_inside_a_transaction(french_case, smtp_server):
    from django.db import transaction

    message = notify(french_case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.deliver(message.pk)
    assert smtp_server.messages == []
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 0
