"""The insight pages in a real browser, in both languages: no axe-core violation; the heat map
followed to a service's standards with the keyboard alone; the column switch without
JavaScript."""

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role, sync_roles
from comptoir.inventory.models import Organization
from tests.browser.conftest import assert_accessible, deep_active_element
from tests.browser.test_inventory_pages import sign_in
from tests.insight.conftest import ALL_YES, add_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def insight(make_user, make_service_year):
    # Transactional tests empty the tables between tests, groups included: recreate the roles.
    sync_roles()
    viewer = make_user(Role.VIEWER, username="viewer")
    Organization.objects.create(owner_org="aaa-aaa", title_en="Agency A", title_fr="Agence A")
    Organization.objects.create(owner_org="bbb-bbb", title_en="Agency B", title_fr="Agence B")
    records = {}
    for org, service_id, meeting in (("aaa-aaa", "A1", "90"), ("bbb-bbb", "B1", "60")):
        for year in ("2023-2024", "2024-2025"):
            record = make_service_year(
                owner_org=org,
                service_id=service_id,
                fiscal_year=year,
                service_name_en=f"Service {service_id}",
                service_name_fr=f"Service {service_id} (fr)",
                num_applications_total="50000",
                **ALL_YES,
            )
            add_standard(record, "S1", "0.8", meeting, "100")
            add_standard(record, "S2", "", "10", "10")  # no target: no result
            records[(org, year)] = record
    return {"viewer": viewer, "records": records}


def urls(insight) -> list[str]:  # type: ignore[no-untyped-def]
    record = insight["records"][("aaa-aaa", "2024-2025")]
    return [
        "/insight/heat-map/",
        "/insight/heat-map/?columns=types&fiscal_year=2023-2024",
        "/insight/heat-map/?columns=channels&fiscal_year=2024-2025",
        "/insight/organizations/aaa-aaa/",
        f"/insight/services/{record.pk}/",
        "/insight/panels/?fiscal_year=2023-2024",
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_insight_page_passes_axe(page, live_server, insight, lang):
    sign_in(page, insight["viewer"], live_server.url)
    for path in urls(insight):
        page.goto(f"/{lang}{path}")
        assert_accessible(page)


def test_from_the_heat_map_to_a_standard_with_the_keyboard(page, live_server, insight):
    sign_in(page, insight["viewer"], live_server.url)
    page.goto("/en/insight/heat-map/")
    table = page.locator("#heat-map")
    expect(table.locator("caption")).to_have_text("Standards met by organization and fiscal year")
    expect(table.get_by_role("columnheader", name="2023-2024")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Agency A")).to_be_visible()
    expect(page.locator(".heat-legend")).to_contain_text("80% or more met")
    # Tab through the page until the first cell's link has the focus, then follow it.
    for _ in range(60):
        page.keyboard.press("Tab")
        if deep_active_element(page)["text"] == "1 of 1":
            break
    else:
        pytest.fail("no heat-map cell link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/insight/organizations/aaa-aaa/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if deep_active_element(page)["text"] in ("Service A1", "Service B1"):
            break
    else:
        pytest.fail("no service link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/insight/services/*/")
    expect(page.locator("#standard-results")).to_contain_text("Target met: not applicable")


@pytest.mark.parametrize("javascript_enabled", [False])
def test_the_column_switch_works_without_javascript(page, live_server, insight, javascript_enabled):
    sign_in(page, insight["viewer"], live_server.url)
    page.goto("/fr/insight/heat-map/")
    page.get_by_label("Colonnes", exact=True).select_option("channels")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/fr/insight/heat-map/?columns=channels*")
    expect(page.locator("#heat-map").get_by_role("columnheader", name="En ligne")).to_be_visible()
    expect(page.locator("#heat-map")).to_contain_text("aucune norme avec des résultats")
