"""The fast entry page proposes an existing client while a new one is typed (its script asks the
server and fills the live region), and the page with its proposals passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.clients.actions import do_add_contact_point
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import (  # noqa: F401
    append_only_log_can_be_emptied,
    casework,
)
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "Is the client one of these?"),
        ("fr", "Le client est-il l’un de ceux-ci?"),
    ],
)
def test_the_caller_is_proposed_while_typing(page, live_server, casework, lang, question):  # noqa: F811
    do_add_contact_point(
        casework["client"], kind="email", value="marie.tremblay@example.ca", actor=None
    )
    sign_in(page, casework["officer"], live_server.url)
    page.goto(f"/{lang}/cases/new/")
    page.locator("form details summary").first.click()
    page.locator("#id_family_name").fill("Tremblay")
    page.locator("#id_email").press_sequentially("marie.tremblay@example.ca")
    region = page.locator("#client-proposals")
    expect(region.get_by_role("heading", name=question)).to_be_visible()
    expect(region).to_contain_text("Marie Tremblay")
    assert_accessible(page)
