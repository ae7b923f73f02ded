"""Assigning service owners in a real browser, both languages: axe-core reports no violation on
the owners section (empty, with an error, with an owner and the ownership changes), and the flow
works with the keyboard."""

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.models import ServiceOwnership
from tests.browser.conftest import assert_accessible, deep_active_element
from tests.browser.test_inventory_pages import (  # noqa: F401  # fixtures
    inventory,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service_owner(make_user, inventory):  # noqa: F811  # the fixture imported above
    return make_user(Role.SERVICE_OWNER, username="olivia", first_name="Olivia", last_name="Roy")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_owners_section_passes_axe(signed_in_page, inventory, service_owner, lang):  # noqa: F811
    page = signed_in_page
    record = inventory["record"]
    page.goto(f"/{lang}/inventory/services/{record.pk}/")
    assert_accessible(page)
    page.locator("form[action$='/owners/assign/'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    actions.do_assign_service_owner(record.service, service_owner, actor=inventory["custodian"])
    page.goto(f"/{lang}/inventory/services/{record.pk}/")
    expect(page.locator("#owners ~ ul.owners li").first).to_contain_text("Olivia Roy")
    page.locator("#owners ~ details summary").first.click()
    assert_accessible(page)


def test_assign_and_remove_an_owner_with_the_keyboard(signed_in_page, inventory, service_owner):  # noqa: F811
    page = signed_in_page
    record = inventory["record"]
    page.goto(f"/en/inventory/services/{record.pk}/")
    page.get_by_label("Staff member with the service owner role").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert deep_active_element(page)["text"] == "Assign as owner"
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Olivia Roy (olivia) is now an owner of service S-100.")
    ).to_be_visible()
    assert ServiceOwnership.objects.get(user=service_owner).is_active
    page.get_by_role("button", name="Remove Olivia Roy (olivia)").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("is no longer an owner of service S-100.")).to_be_visible()
    assert not ServiceOwnership.objects.get(user=service_owner).is_active
