"""``comptoir digest``: the daily digest in each person's first business hour (never at night, on
a weekend or on a holiday), once a day, in their language; the due-tomorrow notices."""

from __future__ import annotations

import smtplib
import socketserver
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import Message
from io import StringIO
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import override_settings

from comptoir.casework import actions
from comptoir.casework.digest import do_send_digests
from comptoir.casework.models import DigestDelivery, DigestStatus, NoticeKind, StaffNotice
from comptoir.casework.models.digests import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=MONTREAL)  # type: ignore[misc]


@pytest.fixture
def quebec(make_unit):
    return make_unit(
        "qc",
        time_zone="America/Montreal",
        business_hours="08:30-16:30",
        holiday_jurisdiction="CA-QC",
    )


@pytest.fixture
def officer(make_member, quebec):
    return make_member(quebec, username="olivia")


@pytest.fixture
def owned(make_case, quebec, officer):
    case = make_case(quebec, officer, at=local(2026, 5, 1, 10, 0))
    actions.do_assign_case(case, officer, actor=officer, at=local(2026, 5, 1, 10, 5))
    return case


def digest(at: datetime) -> str:
    out = StringIO()
    call_command("digest", "--as-of", at.isoformat(), "--language", "en", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "at",
    [
        local(2026, 6, 2, 2, 0),  # a Tuesday at night
        local(2026, 6, 6, 8, 40),  # a Saturday
        local(2026, 7, 1, 8, 40),  # Canada Day
        local(2026, 6, 24, 8, 40),  # Saint-Jean-Baptiste (Quebec)
        local(2026, 6, 2, 10, 0),  # past the first business hour
    ],
)
def test_no_digest_at_night_on_a_weekend_or_a_holiday(owned, at):
    assert "0 digests sent." in digest(at)
    assert mail.outbox == []
    assert not StaffNotice.objects.filter(kind=NoticeKind.DIGEST).exists()


def test_the_digest_is_sent_once_in_the_first_business_hour(owned, officer):
    assert "1 digest sent." in digest(local(2026, 6, 2, 8, 40))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert message.subject == "Your cases on 2026-06-02"
    assert "You have 1 open case." in message.body
    assert owned.reference in message.body
    notice = StaffNotice.objects.get(kind=NoticeKind.DIGEST)
    assert notice.recipient == officer
    assert str(notice.day) == "2026-06-02"
    digest(local(2026, 6, 2, 8, 55))  # the next run, a quarter of an hour later
    digest(local(2026, 6, 2, 9, 10))
    assert len(mail.outbox) == 1
    digest(local(2026, 6, 3, 8, 35))  # the next day
    assert len(mail.outbox) == 2


def test_the_digest_is_in_french_for_a_french_speaking_officer(owned, officer):
    officer.preferred_language = "fr"
    officer.save(update_fields=["preferred_language"])
    digest(local(2026, 6, 2, 8, 40))
    message = mail.outbox[0]
    assert message.subject == "Vos dossiers au 2026-06-02"
    assert "Vous avez 1 dossier ouvert." in message.body
    assert "En retard :" in message.body


def test_no_digest_for_someone_without_cases(officer):
    digest(local(2026, 6, 2, 8, 40))
    assert mail.outbox == []


def test_a_naive_instant_is_refused(owned):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("digest", "--as-of", "2026-06-02T08:40:00", stdout=StringIO())


def test_the_owner_of_a_case_due_by_the_next_business_day_gets_one_notice_a_day(
    owned, officer, service
):
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    ServiceStandard.objects.create(
        service=service,
        service_standard_id="D1",
        rule=StandardRule("D1", Within.parse("2 business days")).to_dict(),
    )
    case = actions.do_receive_case(
        service=service,
        kind="enquiry",
        channel="TEL",
        entry_unit=owned.entry_unit,
        language="en",
        is_anonymous=True,
        actor=officer,
        at=local(2026, 6, 1, 9, 0),
    )[0]
    actions.do_assign_case(case, officer, actor=officer, at=local(2026, 6, 1, 9, 5))
    assert case.next_due_at is not None
    due = case.next_due_at.astimezone(MONTREAL)
    # Due by the close of 2026-06-03: on the 2nd it is due by the next business day's close.
    assert due.date() <= local(2026, 6, 3).date()
    assert "1 notice of a case due" in digest(local(2026, 6, 2, 11, 0))
    digest(local(2026, 6, 2, 14, 0))
    notices = StaffNotice.objects.filter(kind=NoticeKind.DUE_TOMORROW)
    assert notices.count() == 1
    assert notices.get().recipient == officer
    assert notices.get().case_id == case.pk
    assert "0 notices of cases due" in digest(local(2026, 6, 2, 15, 0))  # once a day


# --- The outbox: the intent is committed before the mail leaves; failures are tried again -------

BACKENDS = "tests.casework.test_digest"


def mailer(backend: str) -> override_settings:
    return override_settings(MAILERS={"default": {"BACKEND": f"{BACKENDS}.{backend}"}})


class FailingTwiceBackend(LocmemBackend):
    """The mail server refuses the first two messages (a boundary we control), then takes them
    into Django's test outbox."""

    refusals = 0

    def send_messages(self, messages):
        if FailingTwiceBackend.refusals < 2:
            FailingTwiceBackend.refusals += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class AlwaysFailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"olivia@example.org": (550, b"No such user")})


class ProcessKilled(BaseException):  # not an Exception: nothing may catch it
    """The process stopping after the mail server took the message (a kill, the power)."""


class SendThenDieBackend(LocmemBackend):
    def send_messages(self, messages):
        super().send_messages(messages)
        raise ProcessKilled


class OverlappingRunBackend(LocmemBackend):
    """While one run is sending, a second run (another cron job, another host) starts."""

    nested: ClassVar[list[Any]] = []
    now: ClassVar[datetime | None] = None

    def send_messages(self, messages):
        if not OverlappingRunBackend.nested:
            now = OverlappingRunBackend.now
            OverlappingRunBackend.nested.append(do_send_digests(now=now))
        return super().send_messages(messages)


def the_delivery() -> DigestDelivery:
    return DigestDelivery.objects.get()


def test_the_intent_is_recorded_then_the_digest_sent_then_marked_sent(owned, officer, quebec):
    at = local(2026, 6, 2, 8, 40)
    assert "1 digest sent." in digest(at)
    delivery = the_delivery()
    assert (delivery.recipient, delivery.unit, str(delivery.day)) == (officer, quebec, "2026-06-02")
    assert delivery.status == DigestStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at == at
    assert delivery.last_error == ""
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<digest-{delivery.pk}.20260602@localhost>"
    )


def test_a_second_run_the_same_day_sends_nothing(owned):
    digest(local(2026, 6, 2, 8, 40))
    assert "0 digests sent." in digest(local(2026, 6, 2, 8, 55))
    assert "0 digests sent." in digest(local(2026, 6, 2, 14, 0))
    assert len(mail.outbox) == 1
    assert the_delivery().attempts == 1
    assert StaffNotice.objects.filter(kind=NoticeKind.DIGEST).count() == 1


def test_a_failed_send_leaves_the_row_failed_and_a_later_run_sends_it_once(owned):
    FailingTwiceBackend.refusals = 0
    with mailer("FailingTwiceBackend"):
        out = digest(local(2026, 6, 2, 8, 40))
        assert "0 digests sent." in out
        assert "1 digest could not be sent; a later run tries it again." in out
        delivery = the_delivery()
        assert delivery.status == DigestStatus.FAILED
        assert delivery.attempts == 1
        assert delivery.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        assert not StaffNotice.objects.filter(kind=NoticeKind.DIGEST).exists()

        digest(local(2026, 6, 2, 8, 55))  # refused again
        assert the_delivery().attempts == 2
        # Past the first business hour: still today's digest, so it is tried again.
        assert "1 digest sent." in digest(local(2026, 6, 2, 10, 30))
        assert "0 digests sent." in digest(local(2026, 6, 2, 10, 45))
    assert len(mail.outbox) == 1
    delivery = the_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DigestStatus.SENT, 3, "")
    assert StaffNotice.objects.filter(kind=NoticeKind.DIGEST).count() == 1


def test_retries_are_bounded_and_a_failed_digest_is_not_tried_the_next_day(owned):
    start = local(2026, 6, 2, 8, 40)
    with mailer("AlwaysFailingBackend"):
        for run in range(MAX_ATTEMPTS):
            digest(start + timedelta(minutes=15 * run))
        err = StringIO()
        call_command(
            "digest",
            "--as-of",
            local(2026, 6, 2, 15, 0).isoformat(),
            "--language",
            "en",
            stdout=StringIO(),
            stderr=err,
        )
        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (DigestStatus.FAILED, MAX_ATTEMPTS)
        assert "550" in delivery.last_error
        assert (
            f"The digest of olivia for 2026-06-02 was given up after {MAX_ATTEMPTS} attempts"
            in err.getvalue()
        )
        digest(local(2026, 6, 3, 7, 0))  # the next day, before opening: yesterday's stays
        assert the_delivery().attempts == MAX_ATTEMPTS
    assert "1 digest sent." in digest(local(2026, 6, 3, 8, 40))  # the next day's own digest
    assert DigestDelivery.objects.get(day="2026-06-03").status == DigestStatus.SENT
    assert len(mail.outbox) == 1


def test_a_run_stopped_after_the_send_never_sends_it_again(owned):
    with mailer("SendThenDieBackend"), pytest.raises(ProcessKilled):
        digest(local(2026, 6, 2, 8, 40))
    assert len(mail.outbox) == 1  # it went out, but the run died before recording it
    delivery = the_delivery()
    assert (delivery.status, delivery.attempts) == (DigestStatus.SENDING, 1)
    assert "0 digests sent." in digest(local(2026, 6, 2, 8, 50))
    err = StringIO()
    call_command(
        "digest",
        "--as-of",
        local(2026, 6, 2, 8, 55).isoformat(),
        "--language",
        "en",
        stdout=StringIO(),
        stderr=err,
    )
    assert "The digest of olivia for 2026-06-02 may or may not have gone out" in err.getvalue()
    assert len(mail.outbox) == 1
    assert the_delivery().status == DigestStatus.SENDING


def test_an_intent_left_pending_by_a_stopped_run_is_sent_by_the_next(owned, officer, quebec):
    DigestDelivery.objects.create(
        recipient=officer, unit=quebec, day="2026-06-02", created_at=local(2026, 6, 2, 8, 31)
    )
    assert "1 digest sent." in digest(local(2026, 6, 2, 8, 45))
    assert len(mail.outbox) == 1
    assert the_delivery().status == DigestStatus.SENT


def test_a_digest_sent_before_the_outbox_existed_is_not_sent_again(owned, officer):
    StaffNotice.objects.create(
        recipient=officer, kind=NoticeKind.DIGEST, day="2026-06-02", created_at=local(2026, 6, 2)
    )
    assert "0 digests sent." in digest(local(2026, 6, 2, 8, 40))
    assert mail.outbox == []


def test_two_overlapping_runs_send_the_digest_once(owned):
    now = local(2026, 6, 2, 8, 40)
    OverlappingRunBackend.now = now
    OverlappingRunBackend.nested = []
    with mailer("OverlappingRunBackend"):
        first = do_send_digests(now=now)
    (second,) = OverlappingRunBackend.nested
    assert len(first.sent) == 1
    assert second.sent == []
    assert second.failed == []
    assert len(mail.outbox) == 1
    assert the_delivery().attempts == 1


def test_the_digest_is_not_sent_inside_a_transaction(owned):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        do_send_digests(now=local(2026, 6, 2, 8, 40))
    assert mail.outbox == []


@pytest.fixture
def postgresql_only() -> None:
    """Before any row is written: on SQLite a transactional test could not empty the append-only
    event log afterwards."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite the writers are serialised")


@pytest.mark.django_db(transaction=True)
def test_a_digest_another_run_is_claiming_is_skipped_not_waited_for(
    postgresql_only, owned, officer, quebec
):
    from django.db import connections, transaction

    delivery = DigestDelivery.objects.create(
        recipient=officer, unit=quebec, day="2026-06-02", created_at=local(2026, 6, 2, 8, 31)
    )
    locked, release = threading.Event(), threading.Event()

    def other_run() -> None:  # holds the row as a run's claim does, on its own connection
        try:
            with transaction.atomic():
                DigestDelivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(10)
        run = do_send_digests(now=local(2026, 6, 2, 8, 45))
    finally:
        release.set()
        thread.join()
    assert run.sent == []
    assert mail.outbox == []
    assert (the_delivery().status, the_delivery().attempts) == (DigestStatus.PENDING, 0)
    assert len(do_send_digests(now=local(2026, 6, 2, 9, 0)).sent) == 1  # once released
    assert len(mail.outbox) == 1


# --- End to end: Django's SMTP backend against a real SMTP server on a local port ---------------


class SMTPSink(socketserver.ThreadingTCPServer):
    """A small SMTP server (RFC 5321's commands that Django's SMTP backend uses). It answers
    ``451`` to the end of the data of the first ``refuse`` messages, then keeps the messages."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refuse: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.refuse = refuse
        self.received: list[Message] = []


class SMTPHandler(socketserver.StreamRequestHandler):
    server: SMTPSink

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := self.rfile.readline()) not in {b".\r\n", b""}:
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if self.server.refuse:
                    self.server.refuse -= 1
                    self.reply("451 4.3.0 Try again later")
                else:
                    self.server.received.append(message_from_bytes(b"".join(lines)))
                    self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.fixture
def smtp_server() -> Iterator[SMTPSink]:
    server = SMTPSink(refuse=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        with override_settings(
            MAILERS={
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": host, "port": port, "timeout": 5},
                }
            }
        ):
            yield server
    finally:
        server.shutdown()
        server.server_close()


def test_end_to_end_through_a_real_smtp_server(owned, officer, smtp_server):
    out = digest(local(2026, 6, 2, 8, 40))  # the server answers 451 to the first message
    assert "1 digest could not be sent" in out
    delivery = the_delivery()
    assert delivery.status == DigestStatus.FAILED
    assert "451" in delivery.last_error
    assert smtp_server.received == []

    assert "1 digest sent." in digest(local(2026, 6, 2, 8, 55))
    assert "0 digests sent." in digest(local(2026, 6, 2, 9, 10))
    (message,) = smtp_server.received
    assert message["To"] == officer.email
    assert message["Subject"] == "Your cases on 2026-06-02"
    assert message["Message-ID"] == f"<digest-{delivery.pk}.20260602@localhost>"
    assert owned.reference in message.get_payload(decode=True).decode()
    assert the_delivery().status == DigestStatus.SENT


def test_a_failed_digest_is_not_tried_again_for_someone_no_longer_active(owned, officer):
    with mailer("AlwaysFailingBackend"):
        digest(local(2026, 6, 2, 8, 40))
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert "0 digests sent." in digest(local(2026, 6, 2, 8, 55))
    assert mail.outbox == []
    assert the_delivery().attempts == 1
