"""Merging two client records and undoing the merge in a real browser: the merge page and the
record kept's page pass axe in both languages, and a steward merges and undoes with the
keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounts.roles import Role
from comptoir.clients.actions import do_add_contact_point, do_create_client, do_merge_clients
from comptoir.clients.models import Client, ClientMerge, ClientMergeUndo
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401
from tests.browser.test_inventory_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(make_user, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]  # noqa: F811
    """A unit manager (a data steward) and two records of one person."""
    from comptoir.accounts.roles import sync_roles

    sync_roles()
    steward = make_user(Role.UNIT_MANAGER, username="sam")
    made = []
    for given_name, email in [("Marie", "marie@example.ca"), ("Marie-Ève", "m.e@example.ca")]:
        client = do_create_client(
            kind="person",
            given_name=given_name,
            family_name="Gagné",
            preferred_language="fr",
            segment="public",
            actor=steward,
        )
        do_add_contact_point(client, kind="email", value=email, is_primary=True, actor=None)
        made.append(client)
    return steward, made


def _merge_url(made: list[Client], lang: str = "en") -> str:
    return f"/{lang}/clients/merge/?record={made[0].pk}&record={made[1].pk}"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Merge client records"), ("fr", "Fusionner des fiches de clients")],
)
def test_the_merge_page_and_the_record_kept_pass_axe_in_both_languages(  # type: ignore[no-untyped-def]
    page, live_server, records, lang, heading
):
    steward, made = records
    sign_in(page, steward, live_server.url)
    page.goto(_merge_url(made, lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    do_merge_clients(made[0], [made[1]], reason="Same person", actor=steward)
    page.goto(f"/{lang}/clients/{made[0].pk}/")
    expect(page.locator(f"#merge-{ClientMerge.objects.get().pk}")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/{lang}/clients/{made[1].pk}/")
    assert_accessible(page)


def _tab_to(page, predicate: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    pytest.fail(f"nothing matching {predicate} can be reached with Tab")


def test_a_steward_merges_and_undoes_with_the_keyboard(page, live_server, records):  # type: ignore[no-untyped-def]
    steward, made = records
    sign_in(page, steward, live_server.url)
    page.goto(_merge_url(made))
    # Keep the second record: Tab to the survivor radios, arrow to the second one.
    _tab_to(page, "document.activeElement.name === 'survivor'")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == str(made[1].pk)
    _tab_to(page, "document.activeElement.name === 'reason'")
    page.keyboard.type("One person, two records since 2019")
    page.keyboard.press("Tab")  # "Merge the records"
    page.keyboard.press("Enter")
    expect(page.get_by_text("The records were merged into this one")).to_be_visible()
    assert_accessible(page)
    merge = ClientMerge.objects.get()
    assert merge.survivor_id == made[1].pk
    assert Client.objects.get(pk=made[0].pk).merged_into_id == made[1].pk

    _tab_to(page, "document.activeElement.id.startsWith('undo-reason-')")
    page.keyboard.type("Mother and daughter")
    page.keyboard.press("Tab")  # "Undo this merge"
    page.keyboard.press("Enter")
    expect(page.get_by_text("The merge was undone")).to_be_visible()
    assert_accessible(page)
    assert ClientMergeUndo.objects.get().reason == "Mother and daughter"
    assert Client.objects.get(pk=made[0].pk).merged_into_id is None
