"""The casework pages through the test client, in both languages: the queues, the fast entry form,
the case page and its acts, access (404 for a stranger), the client page's cases, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.accounts.roles import Role
from comptoir.casework import actions
from comptoir.casework.models import Case, CaseAccessLog, CaseEvent

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def url(name, *args, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"casework:{name}", args=args, kwargs=kwargs)


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def case(make_case, unit, officer):
    return make_case(unit, officer)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize(("language", "title"), [("en", "My cases"), ("fr", "Mes dossiers")])
def test_my_queue_lists_my_open_cases_in_both_languages(
    signed_in, case, officer, make_case, unit, language, title
):
    actions.do_assign_case(case, officer, actor=officer)
    other = make_case(unit, officer)
    response = signed_in.get(url("my_queue", language=language))
    assert response.status_code == 200
    assert title in body(response)
    assert case.reference in body(response)
    assert other.reference not in body(response)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_unit_queue_lists_the_unassigned_cases_then_all_open_ones(
    signed_in, case, officer, make_case, unit, language
):
    mine = make_case(unit, officer)
    actions.do_assign_case(mine, officer, actor=officer)
    response = signed_in.get(url("unit_queue", "front", language=language))
    assert response.status_code == 200
    assert case.reference in body(response)
    assert mine.reference not in body(response)
    response = signed_in.get(url("unit_queue", "front", language=language) + "?show=open")
    assert mine.reference in body(response)


def test_a_member_of_another_unit_gets_404_for_the_case_and_the_queue(
    client, case, make_member, make_unit
):
    client.force_login(make_member(make_unit("elsewhere")))
    assert client.get(url("case_detail", case.reference)).status_code == 404
    assert client.get(url("unit_queue", "front")).status_code == 404
    response = client.post(url("case_act", case.reference, "note"), {"note-text": "Hello"})
    assert response.status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_without_the_casework_permission_the_pages_are_refused(client, make_user, case):
    client.force_login(make_user(Role.VIEWER))
    assert client.get(url("my_queue")).status_code == 403
    assert client.get(url("case_entry")).status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Timeline", "Received", "Add a note"]),
        ("fr", ["Chronologie", "Reçu", "Ajouter une note"]),
    ],
)
def test_the_case_page_shows_the_state_and_the_timeline_in_words(signed_in, case, language, words):
    response = signed_in.get(url("case_detail", case.reference, language=language))
    assert response.status_code == 200
    for word in words:
        assert word in body(response)


def test_a_typed_reference_leads_to_the_canonical_page(signed_in, case):
    response = signed_in.get(url("case_detail", case.reference.lower().replace("-", "")))
    assert response.status_code == 302
    assert response["Location"] == url("case_detail", case.reference)


def test_the_fast_entry_records_an_anonymous_phone_enquiry_resolved_on_the_spot(
    signed_in, service, unit
):
    page = signed_in.get(url("case_entry"))
    assert page.status_code == 200
    assert 'value="TEL" selected' in body(page) or 'value="TEL"' in body(page)
    response = signed_in.post(
        url("case_entry"),
        {
            "client": "anonymous",
            "description": "Where is the consumer price index?",
            "answer": "Table 18-10-0004-01.",
            "resolved_on_the_spot": "on",
            "minutes": "4",
            "service": str(service.pk),
            "kind": "enquiry",
            "channel": "TEL",
            "entry_unit": str(unit.pk),
            "language": "en",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("case_detail", case.reference)
    assert (case.is_anonymous, case.channel, case.status) == (True, "TEL", "resolved")
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )
    assert kinds == ["received", "note", "time_spent", "resolved"]


def test_the_fast_entry_defaults_to_the_service_last_used(signed_in, service, unit):
    from comptoir.inventory.models import Service

    Service.objects.create(organization=service.organization, service_id="9999")
    data = {
        "client": "anonymous",
        "description": "Question",
        "service": str(service.pk),
        "kind": "enquiry",
        "channel": "TEL",
        "entry_unit": str(unit.pk),
        "language": "en",
    }
    assert signed_in.post(url("case_entry"), data).status_code == 302
    form = signed_in.get(url("case_entry")).context["form"]
    assert form["service"].value() == service.pk


def test_the_fast_entry_finds_a_client_without_javascript_and_links_the_case(
    signed_in, service, unit, officer
):
    from comptoir.clients.actions import do_create_client

    client = do_create_client(
        kind="person",
        family_name="Gagné",
        given_name="Marie",
        preferred_language="fr",
        segment="public",
        actor=officer,
    )
    page = signed_in.get(url("case_entry") + "?q=gagne")
    assert "Marie Gagné" in body(page)
    response = signed_in.post(
        url("case_entry") + "?q=gagne",
        {
            "client": str(client.pk),
            "description": "Census tables",
            "service": str(service.pk),
            "kind": "enquiry",
            "channel": "EML",
            "entry_unit": str(unit.pk),
            "language": "fr",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().client == client


def test_the_fast_entry_creates_a_new_client_with_their_phone(signed_in, service, unit):
    from comptoir.clients.models import Client

    response = signed_in.post(
        url("case_entry"),
        {
            "client": "new",
            "family_name": "Tremblay",
            "phone": "(613) 555-0100",
            "description": "Labour force survey",
            "service": str(service.pk),
            "kind": "enquiry",
            "channel": "TEL",
            "entry_unit": str(unit.pk),
            "language": "fr",
        },
    )
    assert response.status_code == 302
    client = Client.objects.get()
    assert client.family_name == "Tremblay"
    assert Case.objects.get().client == client
    assert client.contact_points.get().normalized == "+16135550100"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_refused_entry_says_why_and_records_nothing(signed_in, service, unit, language):
    response = signed_in.post(
        url("case_entry", language=language),
        {
            "client": "new",
            "description": "",
            "service": str(service.pk),
            "kind": "enquiry",
            "channel": "TEL",
            "entry_unit": str(unit.pk),
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in body(response)
    assert not Case.objects.exists()


def test_the_acts_of_the_case_page(signed_in, case, officer):
    assert signed_in.post(url("case_act", case.reference, "take")).status_code == 302
    assert Case.objects.get(pk=case.pk).owner_id == officer.pk
    signed_in.post(url("case_act", case.reference, "note"), {"note-text": "Called back."})
    signed_in.post(url("case_act", case.reference, "time"), {"time-minutes": "12"})
    signed_in.post(url("case_act", case.reference, "await"), {"await-reason": "Which year?"})
    signed_in.post(url("case_act", case.reference, "resume"), {"resume-reason": ""})
    refused = signed_in.post(
        url("case_act", case.reference, "resolve"), {"resolve-outcome": "unanswerable"}
    )
    assert refused.status_code == 400
    assert "could not be answered" in body(refused)
    signed_in.post(
        url("case_act", case.reference, "resolve"),
        {"resolve-outcome": "unanswerable", "resolve-data_gap": "geography_too_fine"},
    )
    assert Case.objects.get(pk=case.pk).status == "resolved"
    signed_in.post(url("case_act", case.reference, "reopen"), {"reopen-reason": "New question."})
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )
    assert kinds == [
        "received",
        "assigned",
        "note",
        "time_spent",
        "awaiting_client",
        "resumed",
        "resolved",
        "reopened",
    ]
    page = signed_in.get(url("case_detail", case.reference, language="fr"))
    assert "Réouvert" in body(page) or "Rouvert" in body(page)


def test_a_refused_act_on_a_resolved_case_changes_nothing(signed_in, case, officer):
    actions.do_resolve_case(case, "delivered", actor=officer)
    response = signed_in.post(url("case_act", case.reference, "resume"), {"resume-reason": ""})
    assert response.status_code == 400
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_a_referral_from_the_page_needs_a_reason(signed_in, case, make_unit):
    division = make_unit("division")
    response = signed_in.post(
        url("case_act", case.reference, "refer"), {"refer-to_unit": str(division.pk)}
    )
    assert response.status_code == 400
    signed_in.post(
        url("case_act", case.reference, "refer"),
        {"refer-to_unit": str(division.pk), "refer-reason": "Expert needed."},
    )
    assert Case.objects.get(pk=case.pk).current_unit == division


def test_reading_a_confidential_case_page_is_logged(client, make_case, make_member, unit, officer):
    secret = make_case(unit, officer, is_confidential=True)
    manager = make_member(unit, is_manager=True)
    client.force_login(officer)
    assert client.get(url("case_detail", secret.reference)).status_code == 404
    client.force_login(manager)
    assert client.get(url("case_detail", secret.reference)).status_code == 200
    assert list(CaseAccessLog.objects.values_list("user_id", "page")) == [(manager.pk, "case")]


def test_the_client_page_lists_the_client_s_cases_the_reader_may_see(
    signed_in, make_case, make_member, make_unit, unit, officer
):
    from comptoir.clients.actions import do_create_client

    person = do_create_client(
        kind="person", family_name="Roy", preferred_language="en", segment="public", actor=officer
    )
    seen = make_case(unit, officer, client=person, is_anonymous=False)
    elsewhere = make_unit("elsewhere")
    hidden = make_case(elsewhere, make_member(elsewhere), client=person, is_anonymous=False)
    with translation.override("en"):
        page = signed_in.get(reverse("clients:client_detail", args=[person.pk]))
    assert page.status_code == 200
    assert seen.reference in body(page)
    assert hidden.reference not in body(page)


def _queue_queries(client, address):
    # Run once to warm the per-request caches of the first page view (session, messages).
    client.get(address)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_queues_take_the_same_number_of_queries_for_two_or_twenty_cases(
    signed_in, make_case, unit, officer
):
    for _index in range(2):
        actions.do_assign_case(make_case(unit, officer), officer, actor=officer)
        make_case(unit, officer)
    few_mine = _queue_queries(signed_in, url("my_queue"))
    few_unit = _queue_queries(signed_in, url("unit_queue", "front"))
    for _index in range(18):
        actions.do_assign_case(make_case(unit, officer), officer, actor=officer)
        make_case(unit, officer)
    assert _queue_queries(signed_in, url("my_queue")) == few_mine
    assert _queue_queries(signed_in, url("unit_queue", "front")) == few_unit


def test_the_case_page_takes_the_same_number_of_queries_for_few_or_many_events(
    signed_in, case, officer, make_unit
):
    actions.do_assign_case(case, officer, actor=officer)
    actions.do_refer_case(case, make_unit("division"), actor=officer, reason="Expert.")
    few = _queue_queries(signed_in, url("case_detail", case.reference))
    for index in range(10):
        actions.do_add_note(case, f"Note {index}", actor=officer)
        actions.do_log_time(case, 3, actor=officer)
    assert _queue_queries(signed_in, url("case_detail", case.reference)) == few


@pytest.mark.parametrize(
    ("language", "due", "state"),
    [("en", "2026-", "On time so far"), ("fr", "2026-", "Dans les délais jusqu’ici")],
)
def test_the_case_page_shows_each_standards_clock_in_both_languages(
    signed_in, unit, officer, make_case, service, language, due, state
):
    """A standard of the case's service with a machine rule gives a clock on the case page: its
    due date in the unit's time zone, its state, the business time left and how the date was
    reached; a referral or a pause would move it (tested in measurement)."""
    from datetime import timedelta

    from django.utils import timezone

    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    ServiceStandard.objects.create(
        service=service,
        service_standard_id="S-5",
        rule=StandardRule("S-5", Within.parse("5 business days")).to_dict(),
    )
    case = make_case(unit, officer, at=timezone.now() - timedelta(hours=1))
    page = body(signed_in.get(url("case_detail", case.reference, language=language)))
    assert "S-5" in page
    assert state in page
    assert due in page
    assert "<ol><li>" in page  # the explanation's steps
    ServiceStandard.objects.filter(service=service).update(rule=None)
    page = body(signed_in.get(url("case_detail", case.reference, language=language)))
    assert "S-5" not in page
