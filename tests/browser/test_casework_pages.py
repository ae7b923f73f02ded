"""Casework in a real browser: logging and resolving a telephone enquiry with the keyboard alone,
counting the focus stops and keystrokes (aim ≤ 8 stops and ≤ 40 keystrokes besides the free
text), and axe-core on the case, queue, entry and client pages in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from comptoir.accounts.roles import Role, sync_roles
from comptoir.casework.models import Case
from comptoir.clients.actions import do_create_client
from comptoir.inventory.models import Unit, UnitMembership
from tests.browser.conftest import assert_accessible, deep_active_element
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What the caller asked and what the officer answered: free text, not counted.
QUESTION = "Where can I find the monthly trade tables for Quebec?"
ANSWER = "Sent the link to table 12-10-0011-01."


@pytest.fixture
def append_only_log_can_be_emptied() -> Iterator[None]:
    """Transactional tests empty every table after each test; on SQLite the append-only triggers
    (the case event log's, the client merges') refuse that DELETE. They are dropped for the
    flush and created again before the next test (PostgreSQL empties tables with TRUNCATE,
    which its trigger allows)."""
    from importlib import import_module

    migrations = [
        import_module("comptoir.casework.migrations.0002_append_only"),
        import_module("comptoir.clients.migrations.0006_merges"),  # the merges
    ]
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            for append_only in migrations:
                append_only.drop_triggers(None, editor)
                append_only.create_triggers(None, editor)
    yield
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            for append_only in migrations:
                append_only.drop_triggers(None, editor)


@pytest.fixture
def casework(make_user, make_service_year, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]
    sync_roles()
    record = make_service_year(service_id="S-100", owner_org="test-essai")
    unit = Unit.objects.create(
        organization=record.fiscal_year.organization,
        code="front",
        name_en="Contact centre",
        name_fr="Centre de contact",
        kind=Unit.Kind.CONTACT_CENTRE,
        time_zone="America/Montreal",
        holiday_jurisdiction="CA-QC",
    )
    officer = make_user(Role.CLIENT_SERVICE_OFFICER, username="olivia")
    UnitMembership.objects.create(unit=unit, user=officer)
    client = do_create_client(
        kind="person",
        given_name="Marie",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=officer,
    )
    return {"officer": officer, "unit": unit, "client": client, "service": record.service}


class Keyboard:
    """Presses keys and types, counting keystrokes (free text apart) and focus stops."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.keystrokes = 0
        self.stops: list[str] = []

    def focused(self) -> None:
        active = deep_active_element(self.page)
        self.stops.append(active["id"] or active["tag"])

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keystrokes += 1
        if key == "Tab":
            self.focused()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keystrokes += len(text)

    def free_text(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_a_telephone_enquiry_is_logged_and_resolved_with_the_keyboard_alone(
    page, live_server, casework
):
    sign_in(page, casework["officer"], live_server.url)
    page.goto("/en/cases/new/")
    keys = Keyboard(page)
    keys.focused()  # the look-up has the focus when the page opens
    assert keys.stops == ["id_q"]
    keys.type("tremblay")
    with page.expect_navigation():
        keys.press("Enter")
    keys.focused()  # the client it found is chosen, and has the focus
    assert keys.stops[-1].startswith("id_client_")
    keys.press("Tab")
    assert keys.stops[-1] == "id_description"
    keys.free_text(QUESTION)
    keys.press("Tab")
    assert keys.stops[-1] == "id_answer"
    keys.free_text(ANSWER)
    keys.press("Tab")
    assert keys.stops[-1] == "id_resolved_on_the_spot"
    keys.press("Space")
    keys.press("Tab")
    assert keys.stops[-1] == "id_minutes"
    keys.type("4")
    with page.expect_navigation():
        keys.press("Enter")

    case = Case.objects.get()
    assert case.client == casework["client"]
    assert case.status == "resolved"
    assert (case.channel, case.kind, case.entry_unit) == ("TEL", "enquiry", casework["unit"])
    assert case.description == QUESTION
    assert case.reference in page.content()
    # The figures the issue asks for, and what they are now.
    print(f"focus stops: {len(keys.stops)} {keys.stops}; keystrokes: {keys.keystrokes}")
    assert len(keys.stops) <= 8
    assert keys.keystrokes <= 40


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_casework_pages_pass_axe(page, live_server, casework, lang):
    from comptoir.casework import actions

    officer = casework["officer"]
    case, _token = actions.do_receive_case(
        service=casework["service"],
        kind="enquiry",
        channel="TEL",
        entry_unit=casework["unit"],
        language="fr",
        client=casework["client"],
        description=QUESTION,
        actor=officer,
    )
    actions.do_assign_case(case, officer, actor=officer)
    actions.do_add_note(case, "Called back; left a message.", actor=officer)
    sign_in(page, officer, live_server.url)
    for path in (
        "/cases/",
        "/cases/units/front/",
        "/cases/new/",
        "/cases/new/?q=tremblay",
        f"/cases/{case.reference}/",
        "/clients/",
        f"/clients/{casework['client'].pk}/",
    ):
        page.goto(f"/{lang}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def test_a_due_date_is_revised_with_the_keyboard_and_the_pages_pass_axe(
    page, live_server, casework
):
    """The revision form: the standard, a date and a time typed in the unit's zone (its field
    says which), a reason, Enter; then the case page with the revised clock and the correction
    page of an event pass axe."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from comptoir.casework import actions
    from comptoir.casework.models import CaseEvent
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    ServiceStandard.objects.create(
        service=casework["service"],
        service_standard_id="S5",
        rule=StandardRule("S5", Within.parse("5 business days")).to_dict(),
    )
    officer = casework["officer"]
    case, _token = actions.do_receive_case(
        service=casework["service"],
        kind="enquiry",
        channel="TEL",
        entry_unit=casework["unit"],
        language="en",
        client=casework["client"],
        description=QUESTION,
        actor=officer,
        at=timezone.now() - timedelta(hours=1),
    )
    actions.do_log_time(case, 20, actor=officer)
    day = (timezone.now() + timedelta(days=30)).date()
    sign_in(page, officer, live_server.url)
    page.goto(f"/en/cases/{case.reference}/")
    assert "In the time zone America/Montreal." in page.content()
    assert_accessible(page)
    page.locator("#id_revise-standard").focus()  # the form's first field (one standard)
    keys = Keyboard(page)
    keys.press("Tab")
    assert keys.stops[-1] == "id_revise-due_date"
    keys.type(day.strftime("%m%d%Y"))  # Chromium's date field, in the browser's en-US order
    assert page.locator("#id_revise-due_date").input_value() == day.isoformat()
    for _segment in range(4):  # a date or time field's own parts may take a Tab each
        keys.press("Tab")
        if keys.stops[-1] != "id_revise-due_date":
            break
    assert keys.stops[-1] == "id_revise-due_time"
    keys.type("0430PM")
    assert page.locator("#id_revise-due_time").input_value() == "16:30"
    for _segment in range(4):
        keys.press("Tab")
        if keys.stops[-1] != "id_revise-due_time":
            break
    assert keys.stops[-1] == "id_revise-reason"
    keys.free_text("The client sent new documents.")
    keys.press("Tab")
    with page.expect_navigation():
        keys.press("Enter")
    event = CaseEvent.objects.get(case=case, kind="due_date_revised")
    due = datetime.combine(day, datetime.min.time().replace(hour=16, minute=30))
    assert event.payload["due_at"] == due.replace(tzinfo=ZoneInfo("America/Montreal")).isoformat()
    assert "Revised to" in page.content()
    assert_accessible(page)
    page.goto(f"/en/cases/{case.reference}/events/2/correct/")
    assert_accessible(page)
