"""Every inventory page in a real browser, in both languages: no axe-core violation, and the
keyboard-only flows a custodian follows (filter the list, submit an edit with an error)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from comptoir.accounts.roles import Role, sync_roles
from comptoir.inventory import actions
from comptoir.inventory.models import FiscalYear, StandardYear
from tests.browser.conftest import assert_accessible, deep_active_element

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAM = {
    "program_id": "TRD01",
    "program_name_en": "Trade statistics",
    "program_name_fr": "Statistiques commerciales",
}
STANDARD = {
    "service_standard_en": "We answer data requests within 10 business days.",
    "service_standard_fr": "Nous répondons aux demandes de données en 10 jours ouvrables.",
    "type": "TML",
    "channel": "EML",
    "target": "0.8",
    "volume_meeting_target": "90",
    "total_volume": "100",
    "standards_targets_uri_en": "https://example.gc.ca/en/standards",
    "standards_targets_uri_fr": "https://example.gc.ca/fr/normes",
}


@pytest.fixture
def inventory(make_user, make_service_year):
    # Transactional tests empty the tables between tests, groups included: recreate the roles.
    sync_roles()
    custodian = make_user(Role.INVENTORY_CUSTODIAN, username="custodian")
    record = make_service_year(
        service_id="S-100", owner_org="test-essai", has_service_agreements=False, **PROGRAM
    )
    actions.do_create_standard_year(record, "STD-1", STANDARD, actor=custodian)
    # A warning-level finding, so that the findings tables are not empty.
    actions.do_update_service_year(record, {"client_feedback_channel": "EML"}, actor=custodian)
    published = make_service_year(
        service_id="P-1",
        owner_org="pub-pub",
        service_name_en="Published service",
        service_name_fr="Service publié",
        has_service_agreements=False,
        **PROGRAM,
    )
    actions.do_create_standard_year(published, "STD-P", STANDARD, actor=custodian)
    actions.do_approve_fiscal_year(
        FiscalYear.objects.get(organization__owner_org="pub-pub"), actor=custodian
    )
    return {"custodian": custodian, "record": record, "published": published}


def sign_in(page, user, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Put a signed-in session in the browser (the sign-in form itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


@pytest.fixture
def signed_in_page(page, live_server, inventory):  # type: ignore[no-untyped-def]
    sign_in(page, inventory["custodian"], live_server.url)
    return page


def staff_urls(inventory) -> list[str]:  # type: ignore[no-untyped-def]
    record = inventory["record"]
    standard = StandardYear.objects.get(service_year=record)
    return [
        "/",
        "/inventory/services/",
        "/inventory/services/?q=trade&service_type=INFO",
        f"/inventory/services/{record.pk}/",
        f"/inventory/services/{record.pk}/edit/",
        f"/inventory/standards/{standard.pk}/edit/",
        f"/inventory/services/{record.pk}/service-test/",
        f"/inventory/services/{record.pk}/priority-assessment/",
        "/inventory/fiscal-years/test-essai/2024-2025/approve/",
        "/inventory/findings/",
        "/inventory/dashboard/",
        "/inventory/import/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/logout/",
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_staff_page_passes_axe(signed_in_page, inventory, lang):
    page = signed_in_page
    for path in staff_urls(inventory):
        response = page.goto(f"/{lang}{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_pass_axe(page, inventory, lang):
    for path in ["/", "/organizations/", "/organizations/pub-pub/service-standards/"]:
        response = page.goto(f"/{lang}{path}")
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    expected = "Service publié" if lang == "fr" else "Published service"
    expect(page.get_by_role("heading", name=expected)).to_be_visible()


def test_forms_with_errors_pass_axe(signed_in_page, inventory):
    page = signed_in_page
    record = inventory["record"]
    page.goto(f"/fr/inventory/services/{record.pk}/service-test/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto("/en/inventory/fiscal-years/test-essai/2024-2025/approve/")
    page.get_by_role("button", name="Approve and freeze").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto("/fr/inventory/import/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)


def test_filter_the_service_list_with_the_keyboard(signed_in_page, inventory, make_service_year):
    make_service_year(service_id="S-200", service_name_en="Harbour berths", **PROGRAM)
    page = signed_in_page
    page.goto("/en/inventory/services/")
    expect(page.get_by_role("link", name="Harbour berths")).to_be_visible()
    page.get_by_label("Search").focus()
    page.keyboard.type("harbour")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/inventory/services/?q=harbour*")
    expect(page.get_by_role("link", name="Harbour berths")).to_be_visible()
    expect(page.get_by_role("link", name="Trade data requests")).to_have_count(0)
    # The language toggle keeps the search.
    toggle = page.get_by_role("link", name="Français")
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/inventory/services/?q=harbour*")


def test_an_edit_with_an_error_focuses_the_error_summary_and_its_link(signed_in_page, inventory):
    record = inventory["record"]
    page = signed_in_page
    page.goto(f"/en/inventory/services/{record.pk}/edit/")
    field = page.locator("#id_num_applications_online")
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert deep_active_element(page)["id"] == "error-summary"
    # Tab into the summary and follow the link to the field with the error.
    page.keyboard.press("Tab")
    assert deep_active_element(page)["href"] == "#id_num_applications_online"
    page.keyboard.press("Enter")
    assert deep_active_element(page)["id"] == "id_num_applications_online"
    record.refresh_from_db()
    assert record.num_applications_online == "340"


def test_screenshot_of_the_service_page(signed_in_page, inventory, tmp_path):
    page = signed_in_page
    page.goto(f"/en/inventory/services/{inventory['record'].pk}/")
    page.wait_for_selector("gcds-footer.hydrated", state="attached")
    target = tmp_path / "service-page.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000


@pytest.mark.parametrize("javascript_enabled", [False])
def test_pages_work_without_javascript(page, live_server, inventory, javascript_enabled):
    record = inventory["record"]
    sign_in(page, inventory["custodian"], live_server.url)
    page.goto("/en/inventory/services/")
    # The header's language link falls back to plain HTML.
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/inventory/services/")
    page.goto("/en/inventory/services/")
    page.get_by_label("Search").fill("trade")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url("**/en/inventory/services/?q=trade*")
    page.get_by_role("link", name="Trade data requests").click()
    page.get_by_role("link", name="Edit this record").click()
    page.locator("#id_num_applications_total").fill("many")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert deep_active_element(page)["id"] == "error-summary"
    record.refresh_from_db()
    assert record.num_applications_total == "365"
    page.goto("/en/organizations/pub-pub/service-standards/")
    expect(page.get_by_role("heading", name="Published service")).to_be_visible()
