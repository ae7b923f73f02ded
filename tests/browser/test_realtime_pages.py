"""The public real-time performance page in a real browser, in both languages, signed out: the
stored sentences are shown, and axe-core finds no violation (with figures and without)."""

import pytest
from playwright.sync_api import expect

from comptoir.casework import actions
from comptoir.core.businesstime import Within
from comptoir.core.standards import StandardRule
from comptoir.measurement import realtime
from comptoir.measurement.performance import refresh_case_facts
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied
from tests.casework.conftest import make_case, make_member, make_unit, organization, service
from tests.measurement.perf_builders import add_standard, et

__all__ = [
    "append_only_log_can_be_emptied",
    "make_case",
    "make_member",
    "make_unit",
    "organization",
    "service",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = et(2025, 6, 30, 10)


@pytest.fixture
def published(make_case, make_unit, make_member, service, append_only_log_can_be_emptied):
    from comptoir.accounts.roles import sync_roles

    sync_roles()  # transactional tests empty the groups between tests
    unit = make_unit("front")
    officer = make_member(unit)
    standard = add_standard(
        service, StandardRule("S5", Within.parse("5 business days"), target="0.8")
    )
    for received, resolved in (
        (et(2025, 6, 2), et(2025, 6, 4, 11)),
        (et(2025, 6, 3), et(2025, 6, 12, 11)),
        (et(2025, 6, 20), None),
    ):
        case = make_case(unit, officer, at=received)
        if resolved is not None:
            actions.do_resolve_case(case, "delivered", actor=officer, at=resolved)
        refresh_case_facts(case, as_of=AS_OF)
    realtime.refresh(standard, as_of=AS_OF)
    return service


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "We currently answer 80% of requests within"),
        ("fr", "Nous répondons actuellement à 80\u00a0% des demandes"),
    ],
)
def test_the_page_is_accessible_in_both_languages(page, published, language, sentence):
    page.goto(f"/{language}/services/{published.pk}/performance/")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text(sentence)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_service_without_figures_is_accessible(page, service, language):
    page.goto(f"/{language}/services/{service.pk}/performance/")
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)
