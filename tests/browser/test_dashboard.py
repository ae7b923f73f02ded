"""The managers' dashboard in a real browser: axe-clean in both languages with its charts drawn,
the figures of a chart opened with the keyboard, and the filters used with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role
from comptoir.casework import actions
from comptoir.inventory.models import Service, Unit, UnitMembership
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in
from tests.measurement.perf_builders import add_standard, et, run, ten_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(make_user, make_service_year, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]  # noqa: F811
    """A unit manager, a standard with a rule and a few measured cases of 2025-2026."""
    from comptoir.accounts.roles import sync_roles

    sync_roles()
    record = make_service_year(service_id="D-1", owner_org="test-essai")
    service = Service.objects.get(pk=record.service_id)
    unit = Unit.objects.create(
        organization=service.organization,
        code="front",
        name_en="Contact centre",
        name_fr="Centre de contact",
        kind=Unit.Kind.CONTACT_CENTRE,
        holiday_categories="public,government",
    )
    manager = make_user(Role.UNIT_MANAGER, username="maya")
    UnitMembership.objects.create(unit=unit, user=manager, is_manager=True)
    add_standard(service, ten_days())
    for received, resolved in [(et(2025, 5, 1), et(2025, 5, 5)), (et(2025, 7, 1), et(2025, 7, 20))]:
        case, _token = actions.do_receive_case(
            service=service,
            kind="enquiry",
            channel="TEL",
            entry_unit=unit,
            language="en",
            is_anonymous=True,
            at=received,
            actor=manager,
        )
        actions.do_resolve_case(case, "delivered", actor=manager, at=resolved)
    run("recompute")
    return manager


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Performance dashboard"), ("fr", "Tableau de bord du rendement")]
)
def test_the_dashboard_passes_axe_in_both_languages(page, live_server, manager, lang, heading):  # type: ignore[no-untyped-def]
    sign_in(page, manager, live_server.url)
    page.goto(f"/{lang}/insight/dashboard/?fiscal_year=2025-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("figure.chart svg").first).to_be_attached()
    assert_accessible(page)


def test_the_filters_and_the_figures_work_with_the_keyboard(page, live_server, manager):  # type: ignore[no-untyped-def]
    sign_in(page, manager, live_server.url)
    page.goto("/en/insight/dashboard/")
    page.locator("#id_fiscal_year").select_option("2025-2026")
    page.locator("#id_fiscal_year").focus()
    page.keyboard.press("Tab")  # the period
    page.keyboard.press("Tab")  # the service
    page.keyboard.press("Tab")  # the unit
    page.keyboard.press("Tab")  # the channel
    page.keyboard.press("Tab")  # "Show"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Fiscal year 2025-2026, as of")).to_be_visible()
    summary = page.locator("figure.chart details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("figure.chart details table").first).to_be_visible()
    expect(page.get_by_role("cell", name="50.0 %").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_reports_pass_axe_in_both_languages(page, live_server, manager, lang):  # type: ignore[no-untyped-def]
    sign_in(page, manager, live_server.url)
    unit = Unit.objects.get(code="front")
    for path in (
        "insight/reports/",
        f"insight/reports/units/{unit.pk}/",
        "insight/reports/data-quality/",
        "insight/reports/data-gaps/",
    ):
        page.goto(f"/{lang}/{path}?fiscal_year=2025-2026")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
