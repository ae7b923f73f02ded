"""The page frame every Comptoir page shares: GC header, language toggle, skip link, sign-in."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, deep_active_element

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_member(transactional_db):
    return get_user_model().objects.create_user(
        username="ada", email="ada@example.gc.ca", password=PASSWORD
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/password/reset/", "/no-such-page/"]
)
def test_public_pages_have_no_accessibility_violation(page, lang, path):
    page.goto(f"/{lang}{path}")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(page):
    page.goto("/en/")
    page.wait_for_selector("gcds-header.hydrated", state="attached")
    page.keyboard.press("Tab")
    focused = deep_active_element(page)
    assert focused["text"] == "Skip to main content"
    assert focused["href"] == "#main-content"
    page.keyboard.press("Enter")
    assert deep_active_element(page)["id"] == "main-content"


def test_language_toggle_opens_the_same_page_in_french_with_the_keyboard(page):
    page.goto("/en/accounts/login/?next=/en/")
    page.wait_for_selector("gcds-header.hydrated", state="attached")
    toggle = page.get_by_role("link", name=re.compile("Français"))
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/accounts/login/?next=/en/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name=re.compile("English")).count() == 1


def test_sign_in_and_out_with_the_keyboard_only(page, staff_member):
    page.goto("/en/accounts/login/")
    page.wait_for_selector("gcds-header.hydrated", state="attached")
    page.locator("#id_login").focus()
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    # The password field's hint holds a "forgot your password" link; Tab moves past it to the input.
    while deep_active_element(page)["id"] != "id_password":
        page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/")
    assert page.get_by_text("Signed in as ada", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main").get_by_role("link", name="Staff sign-in")).to_be_visible()
    assert page.get_by_text("Signed in as ada", exact=True).count() == 0


def test_a_wrong_password_shows_a_focused_error_summary(page, staff_member):
    page.goto("/fr/accounts/login/")
    page.get_by_label(re.compile("Identifiant")).fill("ada")
    page.locator("#id_password").fill("not the password at all")
    page.locator("#id_password").press("Enter")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert deep_active_element(page)["id"] == "error-summary"
    assert page.locator("#id_password").get_attribute("value") in (None, "")
    assert_accessible(page)
