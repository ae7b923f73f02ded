"""Issue 12's story end to end, in a real browser against real mail servers (aiosmtpd for SMTP,
Debian's Dovecot for IMAP, both on loopback): a client submits in French on the portal and gets
the acknowledgement in French; opens the status page from the link in that mail and adds a
document; an officer replies from the case page; the reply reaches the client by mail and the
status page shows it; the client answers the mail, and the worker reads it from the mailbox onto
the same case. Every page on the way passes axe-core."""

# ruff: noqa: F811 - the fixtures imported from other test modules are this test's arguments

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import call_command

from comptoir.accounts.roles import Role, sync_roles
from comptoir.casework.models import Attachment, Case, CaseEvent
from comptoir.inventory.models import Unit, UnitMembership
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in
from tests.browser.test_portal import PNG, portal  # noqa: F401
from tests.notifications.imap_server import imap_server  # noqa: F401
from tests.notifications.smtp_server import smtp_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT = "elise.tremblay@example.ca"


def _worker_round() -> None:
    call_command("worker", "--once", "--language", "en", stdout=StringIO())


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def test_a_client_who_never_calls(
    page, live_server, portal, smtp_server, imap_server, settings, make_user
):
    settings.COMPTOIR_IMAP_HOST = imap_server.host
    settings.COMPTOIR_IMAP_PORT = imap_server.port
    settings.COMPTOIR_IMAP_SSL = False
    settings.COMPTOIR_IMAP_USER = imap_server.user
    settings.COMPTOIR_IMAP_PASSWORD = imap_server.password
    sync_roles()
    officer = make_user(Role.CLIENT_SERVICE_OFFICER, username="olivia")
    UnitMembership.objects.create(unit=Unit.objects.get(code="front"), user=officer)

    # 1. The client submits in French.
    page.goto("/fr/portal/submit/")
    page.locator("#id_service").select_option(label="Demandes de données personnalisées")
    page.locator("#id_given_name").fill("Élise")
    page.locator("#id_family_name").fill("Tremblay")
    page.locator("#id_email").fill(CLIENT)
    page.locator("#id_description").fill("Où sont les tableaux du commerce de détail?")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/fr/portal/submitted/")
    case = Case.objects.get()
    assert page.locator("#reference").inner_text() == case.reference

    # 2. The acknowledgement reaches the SMTP server, in French, with the private link.
    _worker_round()
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["To"] == CLIENT
    assert acknowledgement["Subject"].startswith("Nous avons reçu votre demande")
    assert case.reference in acknowledgement["Subject"]
    assert acknowledgement["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https?://\S+/fr/portal/status/\S+", _text(acknowledgement))
    assert link is not None, _text(acknowledgement)

    # 3. The status page from the mail's link; the client adds a document.
    page.goto(link.group(0))
    assert_accessible(page)
    page.locator("#id_text").fill("Voici la page qui manquait.")
    page.set_input_files(
        "#id_documents", files=[{"name": "page 2.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector(".notice-success")
    assert Attachment.objects.filter(case=case).count() == 1

    # 4. An officer replies from the case page.
    client_page = page.context.new_page()
    sign_in(client_page, officer, live_server.url)
    client_page.goto(f"{live_server.url}/fr/cases/{case.reference}/")
    assert_accessible(client_page)
    client_page.locator("#id_reply-text").fill("Les tableaux sont au 20-10-0008-01.")
    client_page.get_by_role("button", name="Envoyer la réponse").click()
    client_page.wait_for_selector(".notice-success")
    client_page.close()

    # 5. The reply reaches the client by mail; the status page shows it.
    _worker_round()
    reply = smtp_server.messages[-1]
    assert reply["To"] == CLIENT and len(smtp_server.messages) == 2
    assert "Les tableaux sont au 20-10-0008-01." in _text(reply)
    assert reply["Auto-Submitted"] is None  # a person's message, not generated
    page.goto(link.group(0))
    assert "Les tableaux sont au 20-10-0008-01." in page.locator("#messages").inner_text()

    # 6. The client answers the mail (another subject); the worker reads it onto the case.
    answer = EmailMessage()
    answer["From"] = f"Élise Tremblay <{CLIENT}>"
    answer["To"] = settings.COMPTOIR_REPLY_TO
    answer["Subject"] = "Merci!"
    answer["Message-ID"] = make_msgid(domain="example.ca")
    answer["In-Reply-To"] = reply["Message-ID"]
    answer["References"] = reply["Message-ID"]
    answer.set_content("Merci beaucoup, c'est exactement ce qu'il me fallait.")
    imap_server.append(answer.as_bytes())
    _worker_round()
    message_in = CaseEvent.objects.filter(case=case, kind="message_in").order_by("-sequence")[0]
    assert message_in.payload["channel"] == "EML"
    assert "exactement ce qu'il me fallait" in message_in.reason
    assert Case.objects.count() == 1  # no new case, no loop
    assert len(smtp_server.messages) == 2  # a threaded reply is not acknowledged
    page.goto(link.group(0))
    assert "exactement ce qu" in page.locator("#messages").inner_text()
    assert_accessible(page)
