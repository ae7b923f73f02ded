"""The client's side of a case (their message, their withdrawal), the staff reply from the case
page, and delivery reports: who each event is shown as, and what the signal after commit carries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.casework import actions
from comptoir.casework.errors import CaseError
from comptoir.casework.models import CaseEvent
from comptoir.casework.signals import events_recorded
from tests.casework.conftest import T0

pytestmark = pytest.mark.django_db


def kinds(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )


@pytest.fixture
def unit(make_unit):
    return make_unit("front", time_zone="America/Toronto")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def client_with_email(officer):
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
        client, kind="email", value="elise@example.ca", is_primary=True, actor=officer
    )
    return client


def test_a_case_the_client_sends_needs_no_member(make_case, unit, client_with_email):
    case = make_case(unit, None, channel="ONL", is_anonymous=False, client=client_with_email)
    first = CaseEvent.objects.get(case=case, sequence=1)
    assert first.kind == "received" and first.actor_id is None
    assert actions.client_email(case) == "elise@example.ca"


def test_the_clients_message_resumes_a_paused_case(make_case, unit, officer, client_with_email):
    case = make_case(unit, officer, is_anonymous=False, client=client_with_email)
    actions.do_await_client(
        case, actor=officer, reason="Send the invoice.", at=T0 + timedelta(hours=1)
    )
    written = actions.do_client_message(
        case, "Here it is.", channel="ONL", at=T0 + timedelta(hours=3)
    )
    assert [e.kind for e in written] == ["message_in", "resumed"]
    assert written[0].actor_id is None and written[0].payload["from"] == "client"
    case.refresh_from_db()
    assert case.status == "open" and case.awaiting_since is None
    # Not waiting: only the message.
    assert [e.kind for e in actions.do_client_message(case, "One more thing.")] == ["message_in"]
    with pytest.raises(CaseError):
        actions.do_client_message(case, "   ")
    assert kinds(case)[-1] == "message_in"


def test_the_client_withdraws(make_case, unit, officer, client_with_email):
    case = make_case(unit, officer, is_anonymous=False, client=client_with_email)
    event = actions.do_client_withdraw(case, "No longer needed.")
    assert event.payload == {"outcome": "withdrawn", "by": "client"}
    case.refresh_from_db()
    assert case.status == "resolved"
    count = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseError):
        actions.do_client_withdraw(case)
    assert CaseEvent.objects.filter(case=case).count() == count


def test_a_reply_needs_an_address(make_case, unit, officer):
    case = make_case(unit, officer)  # anonymous: nowhere to send
    with pytest.raises(CaseError) as caught:
        actions.do_reply_to_client(case, "Hello", actor=officer)
    assert caught.value.code == "no_client_email"
    assert kinds(case) == ["received"]


def test_delivery_reports_change_no_status(make_case, unit, officer, client_with_email):
    case = make_case(unit, officer, is_anonymous=False, client=client_with_email)
    event = actions.do_record_delivery(case, 7, "permanent-failure", detail="550 no such user")
    assert event.kind == "delivery" and event.payload == {
        "message": 7,
        "status": "permanent-failure",
    }
    case.refresh_from_db()
    assert case.status == "open"


def test_events_recorded_is_sent_after_commit(
    make_case, unit, officer, client_with_email, django_capture_on_commit_callbacks
):
    case = make_case(unit, officer, is_anonymous=False, client=client_with_email)
    heard = []

    def listener(sender, case, events, **kwargs):
        heard.append([e.kind for e in events])

    events_recorded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            actions.do_add_note(case, "A note.", actor=officer)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert ["note"] in heard
    finally:
        events_recorded.disconnect(listener)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_case_page_replies_and_shows_who_wrote(
    client, make_case, unit, officer, client_with_email, language
):
    case = make_case(unit, officer, is_anonymous=False, client=client_with_email)
    actions.do_client_message(case, "Bonjour, une question.", channel="EML")
    client.force_login(officer)
    with translation.override(language):
        page_url = reverse("casework:case_detail", args=[case.reference])
        reply_url = reverse("casework:case_act", args=[case.reference, "reply"])
    page = client.get(page_url).content.decode()
    assert "elise@example.ca" in page
    assert ("The client" if language == "en" else "Le client") in page
    assert (
        "From the client, by email." if language == "en" else "Du client, par courriel."
    ) in page
    refused = client.post(reply_url, {"reply-text": "  "})
    assert refused.status_code == 400
    assert kinds(case)[-1] == "message_in"
    response = client.post(reply_url, {"reply-text": "Voici la réponse."})
    assert response.status_code == 302
    last = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert last.kind == "message_out" and last.reason == "Voici la réponse."
    assert last.actor_id == officer.pk and last.payload == {"to": "client"}


def test_no_reply_form_without_an_address(client, make_case, unit, officer):
    case = make_case(unit, officer)
    client.force_login(officer)
    page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    assert "a reply cannot be emailed from here" in page
    assert 'name="reply-text"' not in page


def test_only_a_complaint_is_escalated(make_case, make_unit, unit, officer):
    enquiry = make_case(unit, officer)
    with pytest.raises(CaseError) as caught:
        actions.do_escalate_complaint(enquiry, unit, actor=officer, reason="Unhappy.")
    assert caught.value.code == "not_a_complaint"
    assert kinds(enquiry) == ["received"]


def test_a_resolved_complaint_is_reopened_and_escalated(
    make_case, make_unit, unit, officer, client_with_email
):
    review = make_unit("review")
    case = make_case(unit, officer, kind="complaint", is_anonymous=False, client=client_with_email)
    actions.do_assign_case(case, officer, actor=officer)
    actions.do_resolve_case(case, "delivered", actor=officer)
    with pytest.raises(CaseError):
        actions.do_escalate_complaint(case, review, actor=officer, reason=" ")
    written = actions.do_escalate_complaint(
        case, review, actor=officer, reason="The client disputes the answer."
    )
    assert [e.kind for e in written] == ["reopened", "referred"]
    assert written[1].payload == {"to_unit": str(review.pk), "escalated": True, "level": 1}
    case.refresh_from_db()
    assert case.status == "open" and case.current_unit_id == review.pk and case.owner_id is None
    # Again, in the same unit: level 2.
    again = actions.do_escalate_complaint(case, review, actor=officer, reason="Still disputed.")
    assert [e.kind for e in again] == ["referred"] and again[0].payload["level"] == 2


def test_the_case_page_escalates_a_complaint(client, make_case, make_unit, unit, officer):
    review = make_unit("review")
    case = make_case(unit, officer, kind="complaint")
    enquiry = make_case(unit, officer)
    client.force_login(officer)
    with translation.override("fr"):
        page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
        other = client.get(reverse("casework:case_detail", args=[enquiry.reference])).content
        act = reverse("casework:case_act", args=[case.reference, "escalate"])
    assert "Escalader la plainte" in page
    assert "Escalader la plainte" not in other.decode()
    assert (
        client.post(act, {"escalate-to_unit": review.pk, "escalate-reason": ""}).status_code == 400
    )
    assert kinds(case) == ["received"]
    response = client.post(act, {"escalate-to_unit": review.pk, "escalate-reason": "Revue."})
    assert response.status_code == 302
    assert kinds(case) == ["received", "referred"]
    with translation.override("fr"):
        page = client.get(reverse("casework:case_detail", args=[case.reference]))
    # The officer entered the case: they still read it, and see the escalation in words.
    assert page.status_code == 200
    assert "Escaladée (niveau 1)" in page.content.decode()
