"""Inbound mail: what threads onto a case, what opens one, what is set aside, and what is kept."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from comptoir.casework.models import Attachment, Case, CaseEvent
from comptoir.clients.models import Client
from comptoir.notifications.inbound import describe_detail, ingest, ingest_message
from comptoir.notifications.models import InboundMessage, OutboundMessage
from tests.notifications.inbound_builders import CLIENT_ADDRESS, PDF, STRANGER_ADDRESS, mail

pytestmark = pytest.mark.django_db


def messages_in(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="message_in").order_by("sequence"))


def test_a_reply_by_in_reply_to_lands_on_its_case(client_case, sent_message):
    raw = mail(
        subject=f"Re: {sent_message.subject}",
        body="Voici la facture.\n\nLe lun. 2 mars 2026, Comptoir a écrit :\n> Il nous faut...",
        headers=[("In-Reply-To", sent_message.message_id)],
    )
    record = ingest(raw, source="file")
    assert record.verdict == "threaded"
    assert record.case == client_case
    [event] = messages_in(client_case)
    assert record.event == event
    assert event.reason == "Voici la facture."  # the quoted message left out
    assert event.payload["channel"] == "EML" and event.actor_id is None
    assert Case.objects.count() == 1


def test_the_message_id_is_what_counts_not_the_sender_or_the_subject(client_case, sent_message):
    # The client answers from another address and rewrites the subject: still their case,
    # because only a reply to our message can know its random Message-ID.
    raw = mail(
        sender="elise.at.home@example.org",
        subject="New subject, no reference",
        headers=[("References", f"<other@example.ca> {sent_message.message_id}")],
    )
    record = ingest(raw, source="imap")
    assert (record.verdict, record.case) == ("threaded", client_case)
    assert describe_detail(record.detail) == ["It answers a message Comptoir sent about this case."]


def test_a_guessed_message_id_threads_nothing(client_case, sent_message, mail_service):
    guessed = f"<{client_case.reference}.guess@comptoir.example>"
    record = ingest(
        mail(sender=STRANGER_ADDRESS, headers=[("In-Reply-To", guessed)]), source="file"
    )
    assert record.verdict == "new_case"
    assert record.case != client_case
    assert messages_in(client_case) == []


def test_a_reference_in_the_subject_from_the_client_lands(client_case):
    record = ingest(
        mail(sender="Élise <ELISE.TREMBLAY@example.ca>", subject=f"Re: {client_case.reference}"),
        source="file",
    )
    assert (record.verdict, record.case) == ("threaded", client_case)
    assert len(messages_in(client_case)) == 1


def test_a_reference_in_the_subject_from_a_stranger_opens_a_new_case(client_case):
    record = ingest(
        mail(sender=STRANGER_ADDRESS, subject=f"Re: {client_case.reference} my documents"),
        source="file",
    )
    assert record.verdict == "new_case"
    assert record.case != client_case
    assert messages_in(client_case) == []
    assert record.case.client.contact_points.get().normalized == STRANGER_ADDRESS
    assert f"reference_not_from_client\t{client_case.reference}" in record.detail.splitlines()
    assert describe_detail(record.detail)[0] == (
        f"Its subject names the case {client_case.reference}, but the sender is not that "
        "case's client: it was not added to that case."
    )


def test_the_clients_reply_resumes_a_case_waiting_for_them(client_case, sent_message, officer):
    from comptoir.casework.actions import do_await_client

    do_await_client(client_case, actor=officer, reason="Send the invoice.")
    ingest(mail(headers=[("In-Reply-To", sent_message.message_id)]), source="file")
    client_case.refresh_from_db()
    assert client_case.status != "awaiting_client"
    kinds = list(CaseEvent.objects.filter(case=client_case).values_list("kind", flat=True))
    assert kinds[-2:] == ["message_in", "resumed"]


def test_an_unknown_sender_opens_a_case_for_a_new_client(mail_service, unit):
    raw = mail(
        sender="Jean Roy <jean.roy@example.org>",
        subject="Données sur le commerce",
        body="Bonjour, je voudrais avoir les tableaux de 2024. Merci de votre aide.",
    )
    record = ingest(raw, source="file")
    assert record.verdict == "new_case"
    case = record.case
    assert (case.service, case.entry_unit, case.channel, case.language) == (
        mail_service,
        unit,
        "EML",
        "fr",
    )
    assert case.description.startswith("Données sur le commerce\n\nBonjour")
    client = case.client
    assert (client.given_name, client.family_name, client.preferred_language) == (
        "Jean",
        "Roy",
        "fr",
    )
    assert client.contact_points.get().normalized == "jean.roy@example.org"
    assert record.event.kind == "received" and record.event.actor_id is None


def test_a_known_sender_without_a_reference_opens_a_case_for_their_record(
    mail_service, known_client
):
    raw = mail(sender=CLIENT_ADDRESS.upper(), headers=[("Content-Language", "en-CA")])
    record = ingest(raw, source="file")
    assert record.verdict == "new_case"
    assert record.case.client == known_client
    assert record.case.language == "en"  # Content-Language first
    assert Client.objects.count() == 1


def test_without_an_intake_service_the_message_is_kept_as_refused(settings, db):
    settings.COMPTOIR_MAIL_INTAKE_SERVICE = ""
    record = ingest(mail(), source="file")
    assert (record.verdict, record.case) == ("refused", None)
    assert record.detail == "no_intake_service"
    assert Case.objects.count() == 0


AUTOMATIC = [
    ("Auto-Submitted", "auto-replied", "auto_reply"),
    ("Auto-Submitted", "auto-generated", "auto_reply"),
    ("X-Autoreply", "yes", "auto_reply"),
    ("X-Autorespond", "Out of office", "auto_reply"),
    ("Precedence", "auto_reply", "auto_reply"),
    ("X-Auto-Response-Suppress", "All", "auto_reply"),
    ("Precedence", "bulk", "list"),
    ("Precedence", "junk", "list"),
    ("Precedence", "list", "list"),
    ("List-Id", "<stats.lists.example.org>", "list"),
    ("X-Loop", "comptoir@example.gc.ca", "loop"),
    ("Return-Path", "<>", "bounce"),
]


@pytest.mark.parametrize(("header", "value", "verdict"), AUTOMATIC)
def test_automatic_mail_never_opens_a_case_nor_is_acknowledged(
    mail_service, client_case, sent_message, header, value, verdict
):
    # Even with everything that would otherwise thread it or open a case.
    for raw in (
        mail(sender=STRANGER_ADDRESS, headers=[(header, value)]),
        mail(headers=[(header, value), ("In-Reply-To", sent_message.message_id)]),
        mail(subject=f"Absent: {client_case.reference}", headers=[(header, value)]),
    ):
        record = ingest(raw, source="imap")
        assert (record.verdict, record.case, record.event) == (verdict, None, None)
        assert record.detail.split("\t")[1:] == [header, value]
    assert Case.objects.count() == 1
    assert messages_in(client_case) == []
    assert OutboundMessage.objects.count() == 1  # only the message the test sent
    assert Client.objects.count() == 1


def delivery_status_report(original: bytes) -> bytes:
    report = EmailMessage()
    report["From"] = "Mail Delivery Subsystem <mailer-daemon@mx.example.ca>"
    report["To"] = "comptoir@example.gc.ca"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("This is the mail system. Your message could not be delivered.")
    status = EmailMessage()
    status.set_content(
        "Reporting-MTA: dns; mx.example.ca\n\nFinal-Recipient: rfc822; gone@example.ca\n"
        "Action: failed\nStatus: 5.1.1\n"
    )
    report.make_mixed()
    report.attach(status)
    report.add_attachment(original, maintype="message", subtype="rfc822")
    # Make it the report RFC 3464 describes: multipart/report; report-type=delivery-status.
    report.replace_header(
        "Content-Type",
        f'multipart/report; report-type=delivery-status; boundary="{report.get_boundary()}"',
    )
    return bytes(report)


def test_a_delivery_status_report_is_a_bounce(mail_service, sent_message):
    raw = delivery_status_report(mail(headers=[("In-Reply-To", sent_message.message_id)]))
    record = ingest(raw, source="imap")
    assert (record.verdict, record.case) == ("bounce", None)
    assert record.detail.startswith("delivery_status\tContent-Type\tmultipart/report")
    assert Case.objects.count() == 1


def test_our_own_address_coming_back_is_a_loop(mail_service, settings):
    settings.DEFAULT_FROM_EMAIL = "Comptoir <comptoir@example.gc.ca>"
    record = ingest(mail(sender="comptoir@example.gc.ca"), source="imap")
    assert (record.verdict, record.case) == ("loop", None)
    assert Case.objects.count() == 0


def test_the_same_message_twice_is_one_record(mail_service):
    raw = mail(sender=STRANGER_ADDRESS)
    first = ingest_message(raw, source="imap")
    second = ingest_message(raw, source="file")
    assert first.is_new and not second.is_new
    assert second.message == first.message
    assert InboundMessage.objects.count() == 1
    assert Case.objects.count() == 1


def test_an_attachment_over_the_limit_is_refused_and_named(client_case, sent_message, settings):
    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = 1000
    big = PDF + b"0" * 2000
    raw = mail(
        body="Two files.",
        headers=[("In-Reply-To", sent_message.message_id)],
        attachments=[("invoice.pdf", PDF, "application/pdf"), ("scan.pdf", big, "application/pdf")],
    )
    record = ingest(raw, source="file")
    assert record.verdict == "threaded"
    [kept] = Attachment.objects.filter(case=client_case)
    assert (kept.filename, kept.event, kept.source) == ("invoice.pdf", record.event, "email")
    assert "attachment_refused\tscan.pdf\tattachment_too_large" in record.detail.splitlines()
    assert "The file scan.pdf was not kept: larger than the limit." in describe_detail(
        record.detail
    )


def test_attachments_beyond_the_count_and_of_refused_types(client_case, sent_message, settings):
    settings.COMPTOIR_ATTACHMENTS_PER_MESSAGE = 1
    raw = mail(
        body="",
        html="<p>Files</p>",
        headers=[("In-Reply-To", sent_message.message_id)],
        attachments=[
            ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
            ("a.pdf", PDF, "application/pdf"),
            ("b.pdf", PDF, "application/pdf"),
        ],
    )
    record = ingest(raw, source="file")
    assert list(Attachment.objects.filter(case=client_case).values_list("filename", flat=True)) == [
        "a.pdf"
    ]
    assert record.detail.splitlines()[1:] == [
        "attachment_refused\tpage.html\tattachment_type",
        "attachment_refused\tb.pdf\tattachment_count",
    ]


def test_an_html_body_is_kept_as_text(mail_service):
    raw = mail(
        sender=STRANGER_ADDRESS,
        body="",
        html="<html><body><p>Hello <b>there</b>,</p><script>steal()</script>"
        "<p>where is my request?</p></body></html>",
    )
    record = ingest(raw, source="file")
    assert record.body == "Hello there,\n\nwhere is my request?"
    assert "<" not in record.case.description and "steal" not in record.case.description


def test_text_plain_is_preferred_to_html(mail_service):
    record = ingest(
        mail(sender=STRANGER_ADDRESS, body="The plain words.", html="<p>The HTML words.</p>"),
        source="file",
    )
    assert record.body == "The plain words."


def test_a_message_of_files_only_says_so(client_case, sent_message):
    raw = mail(
        body="",
        headers=[("In-Reply-To", sent_message.message_id)],
        attachments=[("facture.pdf", PDF, "application/pdf")],
    )
    ingest(raw, source="file")
    assert messages_in(client_case)[0].reason == "Files sent: facture.pdf"


def test_unreadable_mail_is_recorded_not_raised(mail_service):
    record = ingest(b"Subject: \x00\xff\r\n\r\nnot a message at all \x00", source="file")
    assert record.verdict == "refused"
    assert InboundMessage.objects.count() == 1
    assert record.body == "not a message at all" and record.detail.startswith("no_sender")


def acknowledgements(case=None) -> list[OutboundMessage]:
    found = OutboundMessage.objects.filter(kind="acknowledgement").order_by("pk")
    return list(found.filter(case=case) if case is not None else found)


def test_a_new_case_gets_the_acknowledgement_with_its_status_link(mail_service):
    record = ingest(
        mail(
            sender="Jean Roy <jean.roy@example.org>", body="Bonjour, je voudrais de l'aide. Merci"
        ),
        source="file",
    )
    [acknowledgement] = acknowledgements(record.case)
    assert acknowledgement.to_address == "jean.roy@example.org"
    assert acknowledgement.language == "fr"
    assert acknowledgement.event == record.event
    assert "http://testserver/fr/" in acknowledgement.body  # the private status link
    assert "not_acknowledged" not in record.detail


def test_no_more_than_a_few_acknowledgements_to_one_address(mail_service, settings):
    settings.COMPTOIR_AUTO_REPLY_LIMIT = 2
    records = [
        ingest(mail(sender=STRANGER_ADDRESS, subject=f"Question {n}"), source="imap")
        for n in range(3)
    ]
    assert [record.verdict for record in records] == ["new_case"] * 3
    assert len(acknowledgements()) == 2
    assert records[2].detail.splitlines() == ["not_acknowledged"]


def test_a_threaded_reply_is_not_acknowledged(client_case, sent_message):
    ingest(mail(headers=[("In-Reply-To", sent_message.message_id)]), source="imap")
    assert acknowledgements() == []


def test_a_reply_to_the_acknowledgement_threads_onto_the_new_case(mail_service):
    # The whole loop: a stranger writes, the acknowledgement is queued with its Message-ID, the
    # client answers it with a new subject: the answer lands on the case the first one opened.
    first = ingest(mail(sender=STRANGER_ADDRESS, subject="Help"), source="imap")
    [acknowledgement] = acknowledgements(first.case)
    answer = ingest(
        mail(
            sender=STRANGER_ADDRESS,
            subject="Something else entirely",
            body="More details.",
            headers=[("In-Reply-To", acknowledgement.message_id)],
        ),
        source="imap",
    )
    assert (answer.verdict, answer.case) == ("threaded", first.case)
    assert [event.reason for event in messages_in(first.case)] == ["More details."]
    assert len(acknowledgements()) == 1
