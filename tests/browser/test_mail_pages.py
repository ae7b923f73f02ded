"""The staff pages of mail to clients in a real browser, both languages: the messages' wording
(list, form, preview) and the undelivered mail pass axe-core; a preview from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role, sync_roles
from tests.browser.conftest import assert_accessible
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "preview", "heading"),
    [
        ("en", "Preview", "Preview (invented values)"),
        ("fr", "Aperçu", "Aperçu (valeurs fictives)"),
    ],
)
def test_the_mail_pages_pass_axe(page, live_server, make_user, lang, preview, heading):
    sync_roles()
    sign_in(page, make_user(Role.ADMINISTRATOR, username="ada"), live_server.url)
    page.goto(f"/{lang}/mail/templates/")
    assert_accessible(page)
    page.goto(f"/{lang}/mail/templates/acknowledgement/")
    assert_accessible(page)
    page.get_by_role("button", name=preview, exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(".message-preview").first).to_contain_text("ABCD-2345")
    assert_accessible(page)
    page.goto(f"/{lang}/mail/failed/")
    assert_accessible(page)
