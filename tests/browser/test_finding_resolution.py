"""Resolving data-quality findings in a real browser, both languages: axe-core reports no
violation on the resolution page (open, with an error, already resolved) and on the list of
resolved findings, and the flow works with the keyboard."""

import pytest
from playwright.sync_api import expect

from comptoir.inventory import actions
from comptoir.inventory.models import Finding
from tests.browser.conftest import assert_accessible
from tests.browser.test_inventory_pages import (  # noqa: F401  # fixtures
    inventory,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_finding(inventory) -> Finding:  # type: ignore[no-untyped-def]  # noqa: F811
    finding = Finding.objects.open().filter(service_year=inventory["record"]).first()
    assert finding is not None
    return finding


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_resolution_pages_pass_axe(signed_in_page, inventory, lang):  # noqa: F811
    page = signed_in_page
    finding = open_finding(inventory)
    page.goto(f"/{lang}/inventory/findings/{finding.pk}/resolve/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    actions.do_resolve_finding(finding, actor=inventory["custodian"], reason="Accepted")
    page.goto(f"/{lang}/inventory/findings/?status=all")
    expect(page.locator("main table")).to_contain_text("Accepted")
    assert_accessible(page)
    page.goto(f"/{lang}/inventory/findings/{finding.pk}/resolve/")
    assert_accessible(page)


def test_resolve_a_finding_from_the_list_with_the_keyboard(signed_in_page, inventory):  # noqa: F811
    page = signed_in_page
    finding = open_finding(inventory)
    page.goto("/en/inventory/findings/")
    page.locator(f"a[href^='/en/inventory/findings/{finding.pk}/resolve/']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/inventory/findings/{finding.pk}/resolve/**")
    page.get_by_label("Reason").focus()
    page.keyboard.type("Confirmed with the program")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/inventory/findings/")
    expect(page.get_by_text("The finding is marked resolved.")).to_be_visible()
    finding.refresh_from_db()
    assert finding.is_resolved and finding.resolution_note == "Confirmed with the program"
