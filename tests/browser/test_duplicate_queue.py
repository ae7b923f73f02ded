"""The duplicate review queue in a real browser: axe-clean in both languages, and a pair decided
with the keyboard alone (Tab to the reason, type it, Tab to "Two clients", Enter)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.accounts.roles import Role
from comptoir.clients.actions import do_add_contact_point, do_create_client
from comptoir.clients.models import DuplicateCandidate, DuplicateDecision
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def steward(make_user, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]  # noqa: F811
    """An officer (who may change clients) and one recorded pair of records of one person."""
    from comptoir.accounts.roles import sync_roles

    sync_roles()
    officer = make_user(Role.CLIENT_SERVICE_OFFICER, username="olivia")
    for family_name, email in [
        ("Gagné", "marie.gagne@example.ca"),
        ("Gagne", "Marie.Gagne@example.ca"),
    ]:
        client = do_create_client(
            kind="person",
            given_name="Marie",
            family_name=family_name,
            preferred_language="fr",
            segment="public",
            actor=officer,
        )
        do_add_contact_point(client, kind="email", value=email, is_primary=True, actor=None)
    call_command("clients", "find-duplicates", "--record", stdout=StringIO(), stderr=StringIO())
    assert DuplicateCandidate.objects.count() == 1
    return officer


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Possible duplicates"), ("fr", "Doublons possibles")]
)
def test_the_queue_passes_axe_in_both_languages(page, live_server, steward, lang, heading):  # type: ignore[no-untyped-def]
    sign_in(page, steward, live_server.url)
    page.goto(f"/{lang}/clients/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_a_pair_is_decided_with_the_keyboard(page, live_server, steward):  # type: ignore[no-untyped-def]
    sign_in(page, steward, live_server.url)
    page.goto("/en/clients/duplicates/")
    for _ in range(60):  # Tab through the page (skip link, menu, the records' links) to the reason
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id").startswith("reason-"):
            break
    else:
        pytest.fail("the reason field cannot be reached with Tab")
    page.keyboard.type("Sisters, one address")
    page.keyboard.press("Tab")  # "Same client"
    page.keyboard.press("Tab")  # "Two clients"
    focused = page.evaluate("document.activeElement.value")
    assert focused == "rejected"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Recorded: these are two clients")).to_be_visible()
    expect(page.get_by_text("No pair is waiting for review.")).to_be_visible()
    assert_accessible(page)
    decision = DuplicateDecision.objects.get()
    assert (decision.decision, decision.reason) == ("rejected", "Sisters, one address")
    assert decision.decided_by == steward
