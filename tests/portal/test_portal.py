"""The public portal through HTTP: submit (in French), feedback, the honeypot and the rate limits,
the confirmation shown once, the status page (steps, due date, messages, never a note), adding
information (resumes a paused clock) or a document, withdrawing, the look-up that reveals nothing
and the files served only through the token."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.casework import actions as casework
from comptoir.casework import attachments
from comptoir.casework.models import Attachment, Case, CaseEvent
from comptoir.clients.models import Client
from comptoir.portal import actions
from comptoir.portal.models import ServiceSteps, Submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HAS_NOTIFY = importlib.util.find_spec("comptoir.notifications.actions") is not None


def url(name: str, language: str = "en", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def form_data(service, /, **changes):
    data = {
        "kind": "enquiry",
        "service": str(service.pk),
        "given_name": "Élise",
        "family_name": "Tremblay",
        "email": "Elise.Tremblay@Example.CA",
        "phone": "613 555 0147",
        "language": "fr",
        "contact_preference": "email",
        "alternate_formats": ["large_print"],
        "description": "Où sont les tableaux du commerce de détail?",
        "website": "",
    }
    data.update(changes)
    return data


def kinds(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )


@pytest.fixture
def standard(named_service):
    """A final-reply standard: 10 business days, paused while the client is awaited."""
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    rule = StandardRule(
        "FINAL",
        Within.parse("10 business days"),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
    )
    return ServiceStandard.objects.create(
        service=named_service, service_standard_id="FINAL", rule=rule.to_dict()
    )


@pytest.fixture
def submitted(named_service, unit):
    """A case sent through the portal by a French-speaking client (with the token)."""
    return actions.do_submit_case(
        kind="enquiry",
        service=named_service,
        details=actions.ClientDetails(
            given_name="Élise",
            family_name="Tremblay",
            email="elise@example.ca",
            phone="",
            language="fr",
        ),
        contact_preference="email",
        description="Où sont les tableaux?",
        files=[actions.UploadedFile("relevé.pdf", PDF)],
    )


# --- submit ---------------------------------------------------------------------------------


def test_the_form_lists_the_services_in_the_page_language(client, named_service):
    page = client.get(url("portal_submit", "fr")).content.decode()
    assert "Demandes de données personnalisées" in page
    assert 'name="website"' in page and "portal-trap" in page
    assert "Custom data requests" in client.get(url("portal_submit", "en")).content.decode()


def test_submit_in_french(client, named_service, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("portal_submit", "fr"), form_data(named_service))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.channel, case.kind, case.language) == ("ONL", "enquiry", "fr")
    assert case.entry_unit == unit and kinds(case) == ["received"]
    assert CaseEvent.objects.get(case=case).actor_id is None
    client_record = case.client
    assert client_record.preferred_language == "fr"
    assert client_record.alternate_formats == "large_print"
    assert casework.client_email(case) == "elise.tremblay@example.ca"
    assert Submission.objects.get(case=case).contact_preference == "email"
    if HAS_NOTIFY:
        from comptoir.notifications.models import OutboundMessage

        message = OutboundMessage.objects.get(case=case, kind="acknowledgement")
        assert message.language == "fr" and message.event.kind == "received"
        assert "http://testserver/fr/portal/status/" in message.body
    # The confirmation shows the reference and the private link once.
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and case.reference in text
    assert "Nous avons reçu votre demande" in text
    assert "http://testserver/fr/portal/status/" in text
    assert page["Cache-Control"].count("no-store") == 1
    assert page["Referrer-Policy"] == "no-referrer"
    token = text.split("http://testserver/fr/portal/status/")[1].split("/")[0]
    assert casework.case_for_status_token(token) == case
    assert client.get(response["Location"]).status_code == 302  # not a second time


def test_an_existing_client_is_found_by_email(client, named_service, unit):
    client.post(url("portal_submit"), form_data(named_service))
    client.post(
        url("portal_submit"),
        form_data(named_service, email=" ELISE.TREMBLAY@example.ca", given_name="E."),
    )
    assert Case.objects.count() == 2 and Client.objects.count() == 1


def test_feedback_is_a_case_of_its_kind(client, named_service, unit):
    data = form_data(named_service, kind="complaint", description="Trop long.")
    response = client.post(url("portal_feedback", "fr"), data)
    assert response.status_code == 302
    assert Case.objects.get().kind == "complaint"


def test_feedback_without_a_service_uses_the_configured_one(client, named_service, unit, settings):
    settings.COMPTOIR_PORTAL_FEEDBACK_SERVICE = str(named_service.pk)
    data = form_data(named_service, kind="compliment", service="")
    assert client.post(url("portal_feedback"), data).status_code == 302
    assert Case.objects.get().service == named_service


def test_feedback_without_a_service_is_refused_when_none_is_configured(client, named_service, unit):
    data = form_data(named_service, kind="suggestion", service="")
    response = client.post(url("portal_feedback"), data)
    assert response.status_code == 200 and Case.objects.count() == 0


def test_errors_are_translated_and_nothing_is_written(client, named_service, unit):
    data = form_data(named_service, email="pas-une-adresse", family_name="", given_name="")
    response = client.post(url("portal_submit", "fr"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Il y a un problème" in text or "error-summary" in text
    assert "Entrez une adresse courriel comme nom@exemple.ca." in text
    assert Case.objects.count() == 0 and Client.objects.count() == 0


def test_contact_by_phone_needs_a_phone(client, named_service, unit):
    data = form_data(named_service, contact_preference="phone", phone="")
    response = client.post(url("portal_submit"), data)
    assert "Give a phone number to be contacted by phone." in response.content.decode()
    assert Case.objects.count() == 0


def test_the_honeypot_refuses_and_writes_nothing(client, named_service, unit):
    data = form_data(named_service, website="http://spam.example")
    response = client.post(url("portal_submit"), data)
    assert response.status_code == 400
    assert Case.objects.count() == 0 and Client.objects.count() == 0


def test_the_rate_limit_refuses_and_writes_nothing(client, named_service, unit, settings):
    settings.COMPTOIR_PORTAL_SUBMIT_LIMIT = (2, 600)
    for _attempt in range(2):
        assert client.post(url("portal_submit"), form_data(named_service)).status_code == 302
    response = client.post(url("portal_submit", "fr"), form_data(named_service))
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert Case.objects.count() == 2
    # Another address is counted apart.
    other = client.post(url("portal_submit"), form_data(named_service), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_file_is_kept_with_the_receipt(client, named_service, unit, private_root):
    data = form_data(named_service, documents=[SimpleUploadedFile("relevé.pdf", PDF)])
    assert client.post(url("portal_submit"), data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.event.kind == "received" and attachment.source == "portal"
    assert (private_root / attachment.stored_name).read_bytes() == PDF


def test_html_renamed_pdf_is_refused_with_the_translated_error(
    client, named_service, unit, private_root
):
    upload = SimpleUploadedFile(
        "facture.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "application/pdf"
    )
    data = form_data(named_service, documents=[upload])
    response = client.post(url("portal_submit", "fr"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Le fichier facture.pdf n’est pas d’un type que nous acceptons." in text
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert Client.objects.count() == 0
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_too_many_files_are_refused(client, named_service, unit, settings):
    settings.COMPTOIR_ATTACHMENTS_PER_MESSAGE = 1
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]
    response = client.post(url("portal_submit"), form_data(named_service, documents=files))
    assert "Send at most 1 files at a time." in response.content.decode()
    assert Case.objects.count() == 0


def test_a_refusal_after_the_files_were_stored_leaves_no_file(
    named_service, unit, private_root, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("the mail system is down")

    monkeypatch.setattr(actions, "_acknowledge", fail)
    with pytest.raises(RuntimeError):
        actions.do_submit_case(
            kind="enquiry",
            service=named_service,
            details=actions.ClientDetails("A", "B", "a@example.ca", "", "en"),
            contact_preference="email",
            description="Question",
            files=[actions.UploadedFile("a.pdf", PDF)],
        )
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert not any(p.is_file() for p in private_root.rglob("*"))


# --- the status page ------------------------------------------------------------------------


def test_the_status_page_shows_steps_due_date_and_messages_never_notes(
    client, standard, submitted, officer
):
    case = submitted.case
    casework.do_assign_case(case, officer, actor=officer)
    casework.do_add_note(case, "SECRET: the client seems annoyed.", actor=officer)
    casework.do_reply_to_client(case, "Voici le tableau 20-10-0008-01.", actor=officer)
    response = client.get(url("portal_status", "fr", token=submitted.token))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Reçue" in text and "À l’étude" in text and "Décision" in text
    assert 'class="step-current" aria-current="step">À l’étude' in text
    assert "Vous pouvez vous attendre à une réponse d’ici le" in text
    assert "Voici le tableau 20-10-0008-01." in text
    assert "Agence d&#x27;essai" in text or "Agence d'essai" in text
    assert "SECRET" not in text and "olivia" not in text
    assert "relevé.pdf" in text
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-store" in (response["Cache-Control"])
    )
    assert "no-store" in response["Cache-Control"]
    # The page has forms: the site's same-origin policy (under no-referrer the browser would
    # send "Origin: null" with them, which the CSRF check refuses); no address leaves the site.
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"] and 'content="noindex' in text


def test_a_revised_due_date_shows_its_reason(client, standard, submitted, officer):
    case = submitted.case
    due = timezone.now() + timedelta(days=40)
    casework.do_revise_due_date(
        case, "FINAL", due, "We are waiting for the survey results.", actor=officer
    )
    text = client.get(url("portal_status", token=submitted.token)).content.decode()
    assert "We changed this date, for this reason: We are waiting for the survey results." in text
    assert str(due.year) in text


def test_what_is_expected_of_the_client_and_adding_information_resumes_the_clock(
    client, standard, submitted, officer
):
    case = submitted.case
    casework.do_await_client(case, actor=officer, reason="Send us your invoice number.")
    page = client.get(url("portal_status", token=submitted.token)).content.decode()
    assert "We need something from you" in page and "Send us your invoice number." in page
    assert "While we wait for you, this date moves later." in page
    response = client.post(
        url("portal_status", token=submitted.token),
        {"act": "message", "text": "Facture 4471."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status != "awaiting_client" and case.awaiting_since is None
    assert kinds(case)[-2:] == ["message_in", "resumed"]
    page = client.get(url("portal_status", token=submitted.token)).content.decode()
    assert "Facture 4471." in page and "We need something from you" not in page


def test_adding_a_document(client, submitted, private_root):
    response = client.post(
        url("portal_status", token=submitted.token),
        {
            "act": "message",
            "text": "",
            "documents": [SimpleUploadedFile("preuve.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)],
        },
    )
    assert response.status_code == 302
    added = Attachment.objects.get(filename="preuve.png")
    assert added.event.kind == "message_in" and added.content_type == "image/png"
    assert "preuve.png" in added.event.reason  # the message says which files came


def test_an_empty_message_is_refused(client, submitted):
    response = client.post(url("portal_status", token=submitted.token), {"act": "message"})
    assert response.status_code == 200
    assert "Write a message or choose a file to send." in response.content.decode()
    assert kinds(submitted.case) == ["received"]


def test_withdrawing_asks_for_confirmation(client, submitted):
    here = url("portal_status", token=submitted.token)
    page = client.get(f"{here}?step=withdraw").content.decode()
    assert 'name="confirm"' in page
    response = client.post(here, {"act": "withdraw", "reason": "Plus besoin."})
    assert response.status_code == 200 and kinds(submitted.case) == ["received"]
    response = client.post(here, {"act": "withdraw", "reason": "Plus besoin.", "confirm": "on"})
    assert response.status_code == 302
    case = Case.objects.get(pk=submitted.case.pk)
    assert case.status == "resolved"
    resolved = CaseEvent.objects.get(case=case, kind="resolved")
    assert resolved.payload["outcome"] == "withdrawn" and resolved.actor_id is None
    page = client.get(here).content.decode()
    assert "You withdrew this request on" in page and 'name="act"' not in page
    # A closed case takes no more messages.
    client.post(here, {"act": "message", "text": "Encore moi."})
    assert kinds(case)[-1] == "resolved"


def test_a_wrong_token_finds_nothing(client, submitted):
    response = client.get(url("portal_status", token=submitted.token[:-1] + "x"))
    assert response.status_code == 404
    assert submitted.case.reference not in response.content.decode()


def test_steps_configured_for_the_service(client, submitted):
    ServiceSteps.objects.create(
        service=submitted.case.service,
        steps=[
            {"label_en": "Sent", "label_fr": "Envoyée", "statuses": ["open", "assigned"]},
            {"label_en": "Your turn", "label_fr": "À vous", "statuses": ["awaiting_client"]},
            {"label_en": "Answered", "label_fr": "Répondue", "statuses": ["resolved"]},
        ],
    )
    text = client.get(url("portal_status", "fr", token=submitted.token)).content.decode()
    assert 'aria-current="step">Envoyée' in text and "Répondue" in text


# --- the look-up ----------------------------------------------------------------------------


def _error_of(response) -> str:
    text = response.content.decode()
    return text.split('id="error-summary"')[1].split("</div>")[0]


def test_look_up_reveals_nothing_on_a_mismatch(client, submitted):
    reference = submitted.case.reference
    wrong_email = client.post(
        url("portal_lookup"), {"reference": reference, "email": "someone@example.ca"}
    )
    unknown = client.post(
        url("portal_lookup"), {"reference": "7KX4-9M3Q", "email": "elise@example.ca"}
    )
    garbage = client.post(url("portal_lookup"), {"reference": "nope", "email": "a@example.ca"})
    assert wrong_email.status_code == unknown.status_code == garbage.status_code == 200
    assert _error_of(wrong_email) == _error_of(unknown) == _error_of(garbage)
    assert reference not in _error_of(wrong_email)


def test_look_up_grants_this_browser_the_status_page(client, submitted):
    assert client.get(url("portal_status_session")).status_code == 302  # no grant yet
    response = client.post(
        url("portal_lookup"),
        {"reference": submitted.case.reference.lower(), "email": " ELISE@example.ca"},
    )
    assert response.status_code == 302 and response["Location"] == url("portal_status_session")
    page = client.get(response["Location"])
    assert page.status_code == 200 and submitted.case.reference in page.content.decode()
    assert submitted.token not in page.content.decode()
    # The granted page takes a message too, and comes back to itself.
    sent = client.post(url("portal_status_session"), {"act": "message", "text": "Merci!"})
    assert sent.status_code == 302 and sent["Location"] == url("portal_status_session")
    assert kinds(submitted.case)[-1] == "message_in"
    # The grant works for the files too, and only in this browser.
    file = Attachment.objects.get(case=submitted.case)
    assert client.get(url("portal_session_file", pk=file.pk)).status_code == 200
    from django.test import Client as Browser

    assert Browser().get(url("portal_session_file", pk=file.pk)).status_code == 404


def test_the_grant_expires(client, submitted, monkeypatch):
    from comptoir.portal import access

    client.post(
        url("portal_lookup"), {"reference": submitted.case.reference, "email": "elise@example.ca"}
    )
    monkeypatch.setattr(access, "GRANT_SECONDS", -1)
    assert client.get(url("portal_status_session")).status_code == 302


def test_look_ups_are_limited_per_address_and_per_reference(client, submitted, settings):
    settings.COMPTOIR_PORTAL_LOOKUP_LIMIT = (3, 3600)
    for number in range(3):
        client.post(
            url("portal_lookup"), {"reference": f"ref{number}", "email": "elise@example.ca"}
        )
    blocked = client.post(
        url("portal_lookup"), {"reference": submitted.case.reference, "email": "elise@example.ca"}
    )
    assert blocked.status_code == 429  # even with the right pair: the address is spent
    for number in range(3):
        client.post(
            url("portal_lookup"),
            {"reference": submitted.case.reference, "email": f"x{number}@example.ca"},
        )
    other = client.post(
        url("portal_lookup"), {"reference": submitted.case.reference, "email": "new@example.ca"}
    )
    assert other.status_code == 429  # the reference is spent too


def test_look_ups_are_limited_per_connection(client, submitted, settings):
    settings.COMPTOIR_PORTAL_LOOKUP_IP_LIMIT = (2, 3600)
    for number in range(2):
        client.post(url("portal_lookup"), {"reference": f"r{number}", "email": f"{number}@a.ca"})
    blocked = client.post(url("portal_lookup"), {"reference": "r9", "email": "9@a.ca"})
    assert blocked.status_code == 429


# --- files ----------------------------------------------------------------------------------


def test_files_only_through_the_token_and_never_inline(client, submitted, officer):
    file = Attachment.objects.get(case=submitted.case)
    response = client.get(url("portal_file", token=submitted.token, pk=file.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert client.get(url("portal_file", token="wrong", pk=file.pk)).status_code == 404
    # A file of staff's own (not sent to the client) is not the client's to download.
    internal = attachments.store_attachment(
        submitted.case, filename="internal.txt", data=b"staff only", source="staff"
    )
    assert client.get(url("portal_file", token=submitted.token, pk=internal.pk)).status_code == 404
    # Another case's token does not open this case's file.
    other = actions.do_submit_case(
        kind="enquiry",
        service=submitted.case.service,
        details=actions.ClientDetails("Paul", "Roy", "paul@example.ca", "", "en"),
        contact_preference="email",
        description="Hello",
    )
    assert client.get(url("portal_file", token=other.token, pk=file.pk)).status_code == 404


def test_staff_without_a_second_factor_may_use_the_portal(
    client, named_service, unit, officer, settings
):
    settings.COMPTOIR_REQUIRE_MFA = True
    client.force_login(officer)
    assert client.get(url("portal_submit")).status_code == 200
    assert client.post(url("portal_submit"), form_data(named_service)).status_code == 302
    # A staff page still asks for the second factor.
    assert client.get(reverse("casework:my_queue")).status_code == 302


def test_a_returning_client_is_linked_and_the_case_says_so(client, named_service, unit):
    client.post(url("portal_submit"), form_data(named_service))
    client.post(url("portal_submit"), form_data(named_service, email="ELISE.TREMBLAY@example.ca"))
    first, second = Case.objects.order_by("pk")
    assert second.client == first.client and Client.objects.count() == 1
    received = CaseEvent.objects.get(case=second, kind="received")
    assert received.payload["client_match"]["automatic"] is True
    assert received.payload["client_match"]["client"] == first.client_id


def test_someone_else_with_the_same_address_is_a_new_client(client, named_service, unit):
    client.post(url("portal_submit"), form_data(named_service))
    # A relative who shares the family's address and phone: not taken for its owner.
    client.post(url("portal_submit"), form_data(named_service, given_name="Mathieu"))
    first, second = Case.objects.order_by("pk")
    assert second.client != first.client and Client.objects.count() == 2


def test_a_close_but_unsure_match_is_a_new_client_kept_for_review(client, named_service, unit):
    client.post(url("portal_submit"), form_data(named_service, phone=""))
    # The same names, the same mailbox name at another domain: likely, not sure.
    client.post(
        url("portal_submit"),
        form_data(named_service, phone="", email="elise.tremblay@example.org"),
    )
    first, second = Case.objects.order_by("pk")
    assert second.client != first.client and Client.objects.count() == 2
    match = CaseEvent.objects.get(case=second, kind="received").payload["client_match"]
    assert match["automatic"] is False
    assert [p["client"] for p in match["proposed"]] == [first.client_id]


def test_the_case_page_says_how_the_client_wants_to_be_reached(client, submitted, officer):
    case = submitted.case
    client.force_login(officer)
    with translation.override("fr"):
        page = client.get(reverse("casework:case_detail", args=[case.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Envoyé au moyen du portail le" in body
    assert "Comment le client veut être joint" in body
