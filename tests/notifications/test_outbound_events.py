"""Which events of a case tell the client what, in their language (the receiver of
``events_recorded``), and how a template's wording is filled."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.casework import actions as casework
from comptoir.notifications.models import MessageTemplate
from comptoir.notifications.rendering import fill_body
from tests.casework.conftest import T0
from tests.notifications.outbound_builders import french_case, outbox  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_request_for_information_says_what_is_asked(
    french_case, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_await_client(
            french_case, actor=officer, reason="Votre facture de mars", at=T0 + timedelta(hours=1)
        )
    [message] = outbox(french_case)
    assert message.kind == "information_requested" and message.language == "fr"
    assert "Votre facture de mars" in message.body
    assert "il nous faut ce qui suit" in message.body
    assert message.event is not None and message.event.kind == "awaiting_client"


def test_a_revised_due_date_gives_the_day_in_the_units_zone_and_the_reason(
    french_case, officer, django_capture_on_commit_callbacks
):
    # 02:30 UTC on 17 March is still 16 March in Toronto (the unit's zone).
    due = datetime(2026, 3, 17, 2, 30, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_revise_due_date(
            french_case, "std-1", due, "Les données ne sont pas encore publiées.", actor=officer
        )
    [message] = outbox(french_case)
    assert message.kind == "due_date_revised"
    assert "lundi 16 mars 2026" in message.body
    assert "Raison\u00a0: Les données ne sont pas encore publiées." in message.body


def test_an_english_client_reads_english(
    make_case, unit, officer, known_client, mail_service, django_capture_on_commit_callbacks
):
    case = make_case(unit, officer, is_anonymous=False, client=known_client, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_resolve_case(case, "delivered", actor=officer)
    [message] = outbox(case)
    assert message.subject == f"Your request {case.reference} is closed"
    assert "Trade data requests" in message.body


def test_the_clients_own_withdrawal_and_messages_send_nothing(
    french_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_client_message(french_case, "Une précision.")
        casework.do_client_withdraw(french_case, "Plus nécessaire.")
    assert outbox(french_case) == []


def test_notes_and_delivery_reports_send_nothing(
    french_case, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_add_note(french_case, "Appelé la cliente.", actor=officer)
        casework.do_record_delivery(french_case, 1, "delivered")
    assert outbox(french_case) == []


def test_nothing_is_queued_for_a_rolled_back_change(french_case, officer):
    # Without the commit (the test's transaction never commits), no message is written.
    casework.do_resolve_case(french_case, "delivered", actor=officer)
    assert outbox(french_case) == []


def test_an_edited_template_is_used(french_case, officer, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(
        kind="resolved",
        subject_en="Done: {reference}",
        subject_fr="Terminé\u00a0: {reference} {reference.__class__}",
        body_en="Done.",
        body_fr="C’est fait pour {reference}.\nLien\u00a0: {survey_url}\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_resolve_case(french_case, "delivered", actor=officer)
    [message] = outbox(french_case)
    # Only known placeholders are filled; anything else in braces stays as typed.
    assert message.subject == f"Terminé\u00a0: {french_case.reference} {{reference.__class__}}"
    # The line whose only placeholder is empty is left out.
    assert message.body == f"C’est fait pour {french_case.reference}.\n"


def test_a_line_is_kept_when_one_of_its_placeholders_has_a_value():
    text = "A {reason} B {reply}\nC {status_url}\nD"
    assert fill_body(text, {"reason": "x"}) == "A x B \nD\n"


def test_the_acknowledgement_carries_the_private_link_and_the_lookup_page(french_case):
    from comptoir.notifications.actions import notify

    link = "http://testserver/fr/portal/status/secret-token/"
    message = notify(french_case, "acknowledgement", context={"status_url": link})
    assert message is not None
    assert f"ici\u00a0: {link}\n" in message.body
    assert "courriel\u00a0: http://testserver/fr/portal/lookup/\n" in message.body
    assert message.subject == f"Nous avons reçu votre demande {french_case.reference}"


def test_other_messages_link_to_the_lookup_page(
    french_case, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.do_resolve_case(french_case, "delivered", actor=officer)
    [message] = outbox(french_case)
    assert "ici\u00a0: http://testserver/fr/portal/lookup/\n" in message.body
