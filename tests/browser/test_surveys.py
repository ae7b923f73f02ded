"""The surveys in a real browser: the client's survey page and the staff results page pass axe
in both languages, and a client answers the survey with the keyboard alone (Tab into each
question, Space and the arrow keys to choose, Enter to send)."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role
from comptoir.core.surveys import CLIENT_QUESTIONS
from comptoir.insight import survey_actions
from comptoir.insight.survey_models import SurveyInvitation, SurveyResponse
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in
from tests.insight.survey_builders import (  # noqa: F401
    full_answers,
    make_case,
    make_client,
    make_member,
    make_unit,
    named_service,
    officer,
    organization,
    plan,
    resolved,
    service,
    survey_token,
    unit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invited(plan, make_client, resolved, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]
    """Six resolved cases whose clients were invited: the token of the first, the others
    answered already (so the results page has figures)."""
    from comptoir.accounts.roles import sync_roles

    sync_roles()
    cases = [resolved(make_client(language="fr"), language="fr") for _ in range(6)]
    for case in cases[1:]:
        invitation = SurveyInvitation.objects.get(case=case)
        survey_actions.do_answer_survey(invitation, full_answers("4"), language="fr")
    return survey_token(cases[0])


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "How did we do?"), ("fr", "Comment avons-nous fait?")]
)
def test_the_survey_page_passes_axe_in_both_languages(page, invited, lang, heading):  # type: ignore[no-untyped-def]
    page.goto(f"/{lang}/portal/survey/{invited}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    # Sent empty: the error summary, accessible too.
    page.get_by_role(
        "button", name="Send my answers" if lang == "en" else "Envoyer mes réponses"
    ).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    assert SurveyResponse.objects.count() == 5


def test_a_client_answers_with_the_keyboard(page, invited):  # type: ignore[no-untyped-def]
    page.goto(f"/en/portal/survey/{invited}/")
    for _ in range(40):  # past the skip link and the header, to the first question
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "timeliness":
            break
    else:
        pytest.fail("the first question cannot be reached with Tab")
    for question in CLIENT_QUESTIONS:
        assert page.evaluate("document.activeElement.name") == question.code
        page.keyboard.press("Space")  # 1
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # … 4
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "comment"
    page.keyboard.type("Quick and kind.")
    page.keyboard.press("Tab")  # the call-back box, left unticked
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/portal/survey/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    assert_accessible(page)
    newest = SurveyResponse.objects.filter(comment="Quick and kind.").get()
    assert newest.answers == {q.code: 4 for q in CLIENT_QUESTIONS}
    assert newest.language == "en"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Client satisfaction survey"), ("fr", "Sondage sur la satisfaction des clients")],
)
def test_the_results_page_passes_axe_in_both_languages(  # type: ignore[no-untyped-def]
    page, live_server, invited, named_service, make_user, lang, heading
):
    viewer = make_user(Role.VIEWER)
    sign_in(page, viewer, live_server.url)
    page.goto(f"/{lang}/insight/surveys/?service={named_service.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("#responses")).to_have_text("5")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Staff survey"), ("fr", "Sondage du personnel")]
)
def test_the_staff_survey_and_its_results_pass_axe(  # type: ignore[no-untyped-def]
    page,
    live_server,
    organization,
    unit,
    make_member,
    make_user,
    append_only_log_can_be_emptied,
    lang,
    heading,
):
    from comptoir.accounts.roles import sync_roles

    sync_roles()
    admin = make_user(Role.ADMINISTRATOR)
    survey_actions.do_open_round(organization, user=admin)
    sign_in(page, make_member(unit), live_server.url)
    page.goto(f"/{lang}/insight/staff-survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("input[name=workload]")).to_have_count(5)
    assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, admin, live_server.url)
    page.goto(f"/{lang}/insight/staff-survey/results/")
    assert_accessible(page)
