"""The mailbox the worker polls, against a real IMAP server (Dovecot on loopback)."""

from __future__ import annotations

import pytest

from comptoir.casework.models import Case, CaseEvent
from comptoir.notifications.inbound import poll_imap
from comptoir.notifications.models import InboundMessage
from tests.notifications.inbound_builders import STRANGER_ADDRESS, mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(imap_server, settings):
    settings.COMPTOIR_IMAP_HOST = imap_server.host
    settings.COMPTOIR_IMAP_PORT = imap_server.port
    settings.COMPTOIR_IMAP_SSL = False
    settings.COMPTOIR_IMAP_USER = imap_server.user
    settings.COMPTOIR_IMAP_PASSWORD = imap_server.password
    settings.COMPTOIR_IMAP_FOLDER = "INBOX"
    return imap_server


def test_poll_ingests_the_unseen_messages_and_marks_them_seen(mailbox, client_case, sent_message):
    mailbox.append(mail(headers=[("In-Reply-To", sent_message.message_id)], body="The invoice."))
    mailbox.append(mail(sender=STRANGER_ADDRESS, subject="A new question"))
    assert mailbox.flags() == [set(), set()]

    assert poll_imap() == 2

    assert mailbox.flags() == [{"\\Seen"}, {"\\Seen"}]
    reply, new = InboundMessage.objects.order_by("pk")
    assert (reply.verdict, reply.case, reply.source) == ("threaded", client_case, "imap")
    assert CaseEvent.objects.get(case=client_case, kind="message_in").reason == "The invoice."
    assert new.verdict == "new_case" and new.case != client_case
    assert Case.objects.count() == 2
    # Nothing is unseen any more: a second poll ingests nothing.
    assert poll_imap() == 0
    assert InboundMessage.objects.count() == 2
    assert len(mailbox.flags()) == 2  # nothing moved nor deleted


def test_a_message_seen_already_is_left_alone(mailbox, mail_service):
    mailbox.append(mail(sender=STRANGER_ADDRESS))
    connection = mailbox.connect()
    connection.select("INBOX")
    connection.uid("STORE", "1", "+FLAGS", "(\\Seen)")
    connection.logout()
    assert poll_imap() == 0
    assert InboundMessage.objects.count() == 0


def test_errors_are_logged_not_raised(mailbox, settings, caplog):
    settings.COMPTOIR_IMAP_PASSWORD = "wrong"
    assert poll_imap() == 0
    assert any("IMAP" in record.getMessage() for record in caplog.records)
    settings.COMPTOIR_IMAP_PORT = 1  # nothing listens there
    assert poll_imap() == 0
    assert "cannot connect" in caplog.text


def test_without_a_host_nothing_is_polled(settings):
    settings.COMPTOIR_IMAP_HOST = ""
    assert poll_imap() == 0
