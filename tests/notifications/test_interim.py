"""Interim replies: a client whose answer is due within the lead time is told once, in their
language, that the answer will be late; not while the case waits for them, not after a person
revised the date, not for cases long overdue, and never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.casework import actions as casework
from comptoir.notifications.interim import due_for_interim_reply, send_interim_replies
from tests.notifications.outbound_builders import outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured_case(make_case, unit, officer, known_client, mail_service):
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    ServiceStandard.objects.create(
        service=mail_service,
        service_standard_id="S5",
        rule=StandardRule("S5", Within.parse("5 business days")).to_dict(),
    )
    case = make_case(unit, officer, is_anonymous=False, client=known_client, language="fr")
    case.refresh_from_db()
    assert case.next_due_at is not None
    return case


def test_the_interim_reply_goes_once_before_the_due_date(measured_case):
    due = measured_case.next_due_at
    assert due_for_interim_reply(due - timedelta(hours=30)) == []  # not yet
    assert send_interim_replies(due - timedelta(hours=12)) == 1
    [message] = outbox(measured_case)
    assert message.kind == "interim_reply" and message.language == "fr"
    assert "sera en retard" in message.subject
    assert "Nous traitons toujours votre demande" in message.body
    assert send_interim_replies(due - timedelta(hours=6)) == 0  # once per case
    assert len(outbox(measured_case)) == 1


def test_no_interim_reply_while_waiting_for_the_client(measured_case, officer):
    casework.do_await_client(measured_case, actor=officer, reason="Le formulaire signé")
    assert due_for_interim_reply(measured_case.next_due_at or measured_case.received_at) == []


def test_no_interim_reply_once_a_person_revised_the_date(measured_case, officer):
    due = measured_case.next_due_at
    casework.do_revise_due_date(
        measured_case, "S5", due + timedelta(days=10), "Données en retard", actor=officer
    )
    measured_case.refresh_from_db()
    assert due_for_interim_reply(measured_case.next_due_at - timedelta(hours=1)) == []


def test_no_interim_reply_for_cases_long_overdue_or_resolved(measured_case, officer):
    due = measured_case.next_due_at
    assert due_for_interim_reply(due + timedelta(days=5)) == []  # beyond the grace
    assert due_for_interim_reply(due + timedelta(hours=1)) == [measured_case]  # within it
    casework.do_resolve_case(measured_case, "delivered", actor=officer)
    assert due_for_interim_reply(due - timedelta(hours=1)) == []
