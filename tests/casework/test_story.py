"""The casework issue's "done when", end to end through the pages and the API, with due dates
computed by hand.

A contact centre in Ottawa (America/Toronto) and a regional office in Vancouver
(America/Vancouver), both 08:30-16:30 on federal holidays. The service has two standards, set with
``comptoir standards set-rule`` as an operator would:

- ``ACK``: acknowledged within 2 business days of receipt;
- ``FINAL``: resolved within 10 business days of receipt, paused while awaiting the client, in the
  entry unit's calendar.

A routing rule sends Tier 2 telephone requests from the contact centre to the regional office.

By hand, for a request received on Monday 2 March 2026 at 09:00 in Ottawa (14:00 UTC; no holiday
until Good Friday, 3 April; daylight time starts on Sunday 8 March):

- ACK is due at the close of the second business day after day 0: Wednesday 4 March, 16:30 EST,
  that is 21:30 UTC.
- FINAL without a pause is due at the close of the tenth business day, Monday 16 March: 7.5 open
  hours on day 0 and 8 on each of ten days, 87.5 hours. The client is awaited from Thursday
  5 March 10:00 EST to Monday 9 March 10:00 EDT. Before the pause 7.5 + 8 + 8 + 1.5 = 25 hours
  are counted; 62.5 are left at 10:00 on 9 March: 6.5 that day, then 8 on each of 10, 11, 12, 13,
  16, 17 and 18 March: due Wednesday 18 March at 16:30 EDT, 20:30 UTC, which the page shows in
  the time zone of the unit whose calendar counts, Ottawa's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from comptoir.casework import queries
from comptoir.casework.models import Case, CaseEvent, RoutingRule

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ACK_DUE = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
FINAL_DUE = datetime(2026, 3, 18, 20, 30, tzinfo=UTC)


def url(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"casework:{name}", args=args)


@pytest.fixture
def offices(make_unit, service):
    from comptoir.inventory.models import ServiceStandard, Unit

    ottawa = make_unit("ottawa-cc", time_zone="America/Toronto")
    vancouver = make_unit(
        "vancouver-ro", time_zone="America/Vancouver", kind=Unit.Kind.REGIONAL_OFFICE
    )
    for code in ("ACK", "FINAL"):
        ServiceStandard.objects.create(service=service, service_standard_id=code)
    common = ["--org", service.organization.owner_org, "--service", service.service_id]
    call_command(
        "standards",
        "set-rule",
        "ACK",
        *common,
        "--within",
        "2 business days",
        "--from",
        "received",
        "--until",
        "acknowledged",
        stdout=open("/dev/null", "w"),  # noqa: SIM115 - the command's words are not under test
    )
    call_command(
        "standards",
        "set-rule",
        "FINAL",
        *common,
        "--within",
        "10 business days",
        "--from",
        "received",
        "--until",
        "resolved",
        "--pause-while",
        "awaiting_client",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    RoutingRule.objects.create(
        organization=service.organization,
        name="Tier 2 calls go to the regional office",
        priority=1,
        tier=2,
        channel="TEL",
        entry_unit=ottawa,
        target_unit=vancouver,
    )
    return ottawa, vancouver


def _clock(user, case, standard_id):
    page = queries.case_page(user, Case.objects.get(pk=case.pk))
    return next(clock for clock in page.clocks if clock.standard_id == standard_id)


def _kinds(case):
    return list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )


def test_a_call_is_logged_resolved_then_a_tier_2_request_is_seen_through_to_its_output(
    client, offices, service, make_member
):
    ottawa, vancouver = offices
    officer = make_member(ottawa, username="olivia")
    regional = make_member(vancouver, username="victor")
    manager = make_member(vancouver, username="maude", is_manager=True)

    # 1. A phone enquiry from a new client, answered and resolved on the spot.
    client.force_login(officer)
    response = client.post(
        url("case_entry"),
        {
            "client": "new",
            "given_name": "Marie",
            "family_name": "Gagné",
            "phone": "613 555 0147",
            "description": "Where are the retail trade tables?",
            "answer": "Table 20-10-0008-01.",
            "resolved_on_the_spot": "on",
            "minutes": "3",
            "service": str(service.pk),
            "kind": "enquiry",
            "channel": "TEL",
            "entry_unit": str(ottawa.pk),
            "language": "fr",
        },
    )
    assert response.status_code == 302
    enquiry = Case.objects.get()
    assert enquiry.status == "resolved"
    assert _kinds(enquiry) == ["received", "note", "time_spent", "resolved"]
    marie = enquiry.client

    # 2. The same client calls again with a Tier 2 request (found by name, without JavaScript);
    # the routing rule refers it to the regional office at once.
    found = client.get(url("case_entry") + "?q=gagne")
    assert "Marie Gagné" in found.content.decode()
    response = client.post(
        url("case_entry") + "?q=gagne",
        {
            "client": str(marie.pk),
            "description": "A custom tabulation of retail sales by census division.",
            "service": str(service.pk),
            "kind": "application",
            "channel": "TEL",
            "tier": "2",
            "entry_unit": str(ottawa.pk),
            "language": "fr",
        },
    )
    assert response.status_code == 302
    request = Case.objects.exclude(pk=enquiry.pk).get()
    assert request.current_unit_id == vancouver.pk
    assert _kinds(request) == ["received", "referred"]
    # The page's form records "now": the story's instants are set by the actions below, so the
    # case is received again at a known instant through the same writer in a second case.
    from comptoir.casework import actions

    story, _token = actions.do_receive_case(
        service=service,
        kind="application",
        channel="TEL",
        tier=2,
        entry_unit=ottawa,
        language="fr",
        client=marie,
        description="A custom tabulation of retail sales by census division.",
        actor=officer,
        at=RECEIVED,
    )
    assert story.current_unit_id == vancouver.pk

    # 3. In Vancouver: the manager's queue lists it unassigned; the manager gives it to an
    # officer through the API, with a token and the version read (the story's instants are in
    # March: the pages record "now").
    client.force_login(manager)
    queue = client.get(url("unit_queue", "vancouver-ro"))
    assert story.reference in queue.content.decode()
    from comptoir.api.actions import do_create_token

    _api_token, raw = do_create_token(manager, scope="read_write", name="story", actor=None)
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    detail = client.get(f"/api/cases/{story.reference}", **api).json()
    assert detail["current_unit"] == "vancouver-ro"
    events = f"/api/cases/{story.reference}/events/"

    def post(kind: str, at: datetime, version: int, **fields: object) -> object:
        body = {"kind": kind, "at": at.isoformat(), "version": version, **fields}
        return client.post(events, json.dumps(body), content_type="application/json", **api)

    given = post(
        "assigned", datetime(2026, 3, 3, 15, 0, tzinfo=UTC), detail["version"], assignee=regional.pk
    )
    assert given.status_code == 201, given.content
    assert given.json()["owner"] == regional.pk
    detail = given.json()

    # Acknowledged the next morning.
    ack = post("acknowledged", datetime(2026, 3, 3, 16, 0, tzinfo=UTC), detail["version"])
    assert ack.status_code == 201, ack.content
    stale = post("note", datetime(2026, 3, 3, 17, 0, tzinfo=UTC), detail["version"], text="x")
    assert stale.status_code == 409
    version = ack.json()["version"]

    # Awaiting the client from Thursday 10:00 EST to Monday 10:00 EDT, then resolved on 17 March.
    answered = post(
        "awaiting_client",
        datetime(2026, 3, 5, 15, 0, tzinfo=UTC),
        version,
        reason="Which census year?",
    )
    assert answered.status_code == 201, answered.content
    resumed = post("resumed", datetime(2026, 3, 9, 14, 0, tzinfo=UTC), answered.json()["version"])
    assert resumed.status_code == 201, resumed.content

    final = _clock(regional, story, "FINAL")
    assert final.due_at == FINAL_DUE
    assert final.due_at.tzinfo is not None
    # Counted in the entry unit's calendar, shown in its time zone (EDT).
    assert final.due_at.utcoffset().total_seconds() == -4 * 3600
    assert _clock(regional, story, "ACK").outcome.value == "met"
    assert _clock(regional, story, "ACK").due_at == ACK_DUE
    assert Case.objects.get(pk=story.pk).next_due_at == FINAL_DUE  # what the queues sort on

    resolved = post(
        "resolved",
        datetime(2026, 3, 17, 18, 0, tzinfo=UTC),
        resumed.json()["version"],
        outcome="delivered",
    )
    assert resolved.status_code == 201, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert _clock(regional, story, "FINAL").outcome.value == "met"
    assert Case.objects.get(pk=story.pk).next_due_at is None

    # The case page says all of it in both languages; the client's page shows the client's
    # cases the reader may open, and counts the others.
    client.force_login(regional)
    for language, words in (("en", "Met"), ("fr", "Respectée")):
        page = client.get(url("case_detail", story.reference, language=language)).content.decode()
        assert words in page, language
        assert "2026-03-18" in page or "18 mars 2026" in page or "March 18, 2026" in page
    with translation.override("en"):
        client_page = client.get(reverse("clients:client_detail", args=[marie.pk]))
    assert client_page.status_code == 200
    listed = client_page.content.decode()
    # Vancouver's officer opens the two Vancouver cases; the Ottawa enquiry is only counted.
    assert story.reference in listed
    assert request.reference in listed
    assert enquiry.reference not in listed
    assert "One more case of this client is held by a unit you do not work in." in listed
    client.force_login(officer)  # Ottawa's officer: the enquiry; the two referred cases too
    with translation.override("en"):
        listed = client.get(reverse("clients:client_detail", args=[marie.pk])).content.decode()
    for case in (enquiry, story, request):
        assert case.reference in listed

    # 4. The manager sees what is late: a request received the same Monday and left open in
    # Vancouver is past both its due dates now; the resolved one and today's are not listed.
    late, _token = actions.do_receive_case(
        service=service,
        kind="application",
        channel="TEL",
        tier=2,
        entry_unit=ottawa,
        language="en",
        is_anonymous=True,
        description="Export figures by province.",
        actor=officer,
        at=RECEIVED,
    )
    assert Case.objects.get(pk=late.pk).next_due_at == ACK_DUE
    client.force_login(manager)
    overdue = client.get(url("unit_queue", "vancouver-ro") + "?show=overdue").content.decode()
    assert late.reference in overdue
    assert story.reference not in overdue
    assert request.reference not in overdue
