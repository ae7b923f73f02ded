"""The "you said, we did" pages in a real browser: a manager writes and publishes a report, the
buttons pressed from the keyboard; the staff and public pages pass axe-core in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role, sync_roles
from comptoir.casework import actions
from comptoir.insight.models import FeedbackReport
from comptoir.inventory.models import Unit, UnitMembership
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def feedback(make_user, make_service_year, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]  # noqa: F811
    sync_roles()
    record = make_service_year(service_id="S-200", owner_org="test-essai")
    unit = Unit.objects.create(
        organization=record.fiscal_year.organization,
        code="front",
        name_en="Contact centre",
        name_fr="Centre de contact",
        kind=Unit.Kind.CONTACT_CENTRE,
    )
    manager = make_user(Role.UNIT_MANAGER, username="maude")
    UnitMembership.objects.create(unit=unit, user=manager, is_manager=True)
    for kind in ("complaint", "compliment", "suggestion"):
        actions.do_receive_case(
            service=record.service,
            kind=kind,
            channel="ONL",
            entry_unit=unit,
            language="fr",
            actor=None,
            is_anonymous=True,
            at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
        )
    return {"manager": manager, "organization": record.fiscal_year.organization}


def test_a_manager_writes_and_publishes_with_the_keyboard(page, live_server, feedback):
    sign_in(page, feedback["manager"], live_server.url)
    page.goto("/fr/insight/feedback/")
    assert_accessible(page)
    # Date fields take the ISO date however the browser shows them.
    page.get_by_label("Premier jour de la période").fill("2026-03-01")
    page.get_by_label("Dernier jour de la période").fill("2026-03-31")
    page.get_by_label("Ce que nous avons entendu (anglais)").fill("Forms are hard to find.")
    page.get_by_label("Ce que nous avons entendu (français)").fill(
        "Les formulaires sont difficiles à trouver."
    )
    page.get_by_label("Ce que nous avons changé (anglais)").fill("We moved them.")
    page.get_by_label("Ce que nous avons changé (français)").fill("Nous les avons déplacés.")
    page.get_by_role("button", name="Enregistrer l’ébauche").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/insight/feedback/*/")
    assert_accessible(page)
    expect(page.get_by_role("rowheader", name="Plainte")).to_be_visible()
    page.get_by_role("button", name="Publier le rapport").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Le rapport est publié.")).to_be_visible()
    report = FeedbackReport.objects.get()
    assert report.figures["kinds"]["complaint"]["received"] == 1
    # The public pages, signed out, in both languages.
    page.context.clear_cookies()
    for language, heading in (("fr", "Ce que nous avons fait"), ("en", "What we did")):
        page.goto(f"/{language}/you-said-we-did/")
        assert_accessible(page)
        page.goto(f"/{language}/you-said-we-did/{report.pk}/")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_accessible(page)
