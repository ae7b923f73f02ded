"""Search across cases, clients, notes and messages, in both languages: accents folded, English
and French stems, access (a confidential case is not found, nor its words shown), the index kept
in the transaction of each write, the rebuild command, the page in French, bounded queries."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comptoir.casework import actions
from comptoir.clients.actions import do_add_contact_point, do_update_client
from comptoir.search import queries
from comptoir.search.models import SearchEntry
from comptoir.search.queries import SearchFilters, search_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


def found(user, text, **filters):
    page = search_page(user, SearchFilters(text=text, **filters), 1)
    return [(result.kind, result.title) for result in page.results]


def case_found(user, text, case, **filters):
    return ("case", case.reference) in found(user, text, **filters)


def test_gagne_finds_the_client_gagne_and_a_note_that_says_gagne(
    make_client, make_case, unit, officer
):
    client = make_client(given_name="Émilie", family_name="Gagné")
    case = make_case(unit, officer, description="Tableaux du commerce")
    assert not case_found(officer, "Gagne", case)
    actions.do_add_note(case, "Le client a gagné son appel.", actor=officer)
    results = found(officer, "Gagne")
    assert ("client", "Émilie Gagné") in results
    assert ("case", case.reference) in results
    assert ("client", client.display_name) in found(officer, "GAGNÉ")


def test_a_french_plural_finds_the_singular(make_case, unit, officer):
    case = make_case(unit, officer, description="Une question sur la statistique du logement")
    other = make_case(unit, officer, description="Où sont les tableaux?")
    assert case_found(officer, "statistiques", case)
    assert not case_found(officer, "statistiques", other)


def test_an_english_singular_finds_the_plural(make_case, unit, officer):
    case = make_case(unit, officer, description="Custom tabulations of the census")
    assert case_found(officer, "tabulation", case)
    assert not case_found(officer, "tabulation", make_case(unit, officer, description="Maps"))


def test_every_word_of_the_query_must_be_found(make_case, unit, officer):
    case = make_case(unit, officer, description="Custom tabulations of the census")
    assert case_found(officer, "census tabulation", case)
    assert not case_found(officer, "census housing", case)


def test_a_confidential_case_is_not_found_by_another_unit_nor_its_words_shown(
    make_case, make_member, make_unit, unit, officer
):
    secret = make_case(
        unit, officer, description="Plainte confidentielle zanzibar", is_confidential=True
    )
    manager = make_member(unit, is_manager=True)
    assert case_found(manager, "zanzibar", secret)
    stranger = make_member(make_unit("elsewhere"), is_manager=True)
    page = search_page(stranger, SearchFilters(text="zanzibar"), 1)
    assert page.results == []
    assert page.count == 0
    # Nor by an officer of the same unit who is not its manager (nor its owner).
    colleague = make_member(unit)
    assert not case_found(colleague, "zanzibar", secret)
    # A non-confidential case of the other unit is not found either.
    plain = make_case(unit, officer, description="zanzibar open")
    assert not case_found(stranger, "zanzibar", plain)
    assert case_found(colleague, "zanzibar", plain)


def test_the_page_is_confirmed_against_the_access_querysets(
    make_case, make_member, make_unit, unit, officer
):
    """Even a wrong index row (here: made public by hand) does not show a confidential case."""
    secret = make_case(unit, officer, description="zanzibar", is_confidential=True)
    SearchEntry.objects.filter(kind="case", key=secret.pk).update(is_confidential=False)
    colleague = make_member(unit)
    page = search_page(colleague, SearchFilters(text="zanzibar"), 1)
    assert page.results == []


def test_a_note_is_found_in_the_same_transaction_without_a_rebuild(make_case, unit, officer):
    case = make_case(unit, officer)
    assert not case_found(officer, "hippopotame", case)
    actions.do_add_note(case, "Demande au sujet des hippopotames", actor=officer)
    assert case_found(officer, "hippopotame", case)


def test_a_renamed_client_and_a_new_phone_are_found_at_once(make_client, make_case, unit, officer):
    client = make_client(family_name="Tremblay")
    case = make_case(unit, officer, client=client, is_anonymous=False)
    assert case_found(officer, "Tremblay", case)
    do_update_client(client, {"family_name": "Bouchard"}, actor=officer, reason="Typo")
    assert not case_found(officer, "Tremblay", case)
    assert case_found(officer, "bouchard", case)
    do_add_contact_point(client, kind="phone", value="(613) 555-0199", actor=officer)
    for typed in ("613-555-0199", "+16135550199", "6135550199"):
        assert ("client", "Bouchard") in found(officer, typed), typed


def test_filters_by_kind_status_unit_and_date(make_client, make_case, make_unit, unit, officer):
    make_client(organization_name="Zircon Ltée", kind="organization")
    case = make_case(unit, officer, description="zircon mines")
    assert set(found(officer, "zircon")) == {("client", "Zircon Ltée"), ("case", case.reference)}
    assert found(officer, "zircon", kind="client") == [("client", "Zircon Ltée")]
    assert found(officer, "zircon", kind="case") == [("case", case.reference)]
    assert found(officer, "zircon", status="open") == [("case", case.reference)]
    assert found(officer, "zircon", status="resolved") == []
    assert case_found(officer, "zircon", case, unit=unit.pk)
    assert not case_found(officer, "zircon", case, unit=make_unit("other").pk)
    day = case.received_at.date()
    assert case_found(officer, "zircon", case, received_from=day, received_to=day)
    assert not case_found(officer, "zircon", case, received_from=day.replace(year=day.year + 1))


def test_the_rebuild_command_gives_the_same_results(make_client, make_case, unit, officer):
    make_client(given_name="Émilie", family_name="Gagné")
    case = make_case(unit, officer, description="statistique du logement")
    actions.do_add_note(case, "Le client a gagné.", actor=officer)
    before = {text: found(officer, text) for text in ("gagne", "statistiques", "logements")}
    entries = list(SearchEntry.objects.order_by("kind", "key").values("kind", "key", "text"))
    SearchEntry.objects.all().delete()
    assert found(officer, "gagne") == []
    out = StringIO()
    call_command("search", "rebuild", stdout=out)
    assert "1 cases, 1 clients" in out.getvalue()
    assert {text: found(officer, text) for text in before} == before
    rebuilt = SearchEntry.objects.order_by("kind", "key").values("kind", "key", "text")
    assert list(rebuilt) == entries
    call_command("search", "rebuild", "--kind", "case", stdout=StringIO())
    assert {text: found(officer, text) for text in before} == before


def test_the_search_page_in_french(client, make_case, unit, officer):
    case = make_case(unit, officer, description="Une question sur les statistiques")
    client.force_login(officer)
    with translation.override("fr"):
        address = reverse("search:search")
    response = client.get(address, {"q": "statistique"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="search"' in page
    assert "Rechercher dans les dossiers et les clients" in page
    assert "État : Ouvert" in page
    assert case.reference in page
    assert "<mark>statistiques</mark>" in page
    assert "1 résultat" in page


def test_the_search_page_needs_access_to_cases_or_clients(client, make_user):
    client.force_login(make_user(None))
    assert client.get(reverse("search:search"), {"q": "x"}).status_code == 403


def _page_queries(client, text):
    address = reverse("search:search")
    client.get(address, {"q": text})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address, {"q": text}).status_code == 200
    return len(captured)


def test_a_page_of_results_takes_a_bounded_number_of_queries(
    client, make_client, make_case, unit, officer
):
    client.force_login(officer)
    for index in range(2):
        make_case(unit, officer, description=f"walrus {index}")
        make_client(family_name=f"Walrus{index} walrus")
    few = _page_queries(client, "walrus")
    for index in range(25):
        make_case(unit, officer, description=f"walrus {index}")
        make_client(family_name=f"Walrus{index} walrus")
    # The same queries whatever the number of matches (one fewer confirmation when a page holds
    # only cases or only clients): about eight of the search's own, the rest the frame's (the
    # session, the user, permissions, the menu's counts).
    assert _page_queries(client, "walrus") <= few <= 25


def test_results_are_counted_and_paged_within_bounds(make_case, unit, officer, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    monkeypatch.setattr(queries, "MAX_RESULTS", 4)
    cases = [make_case(unit, officer, description="narwhal") for _index in range(5)]
    first = search_page(officer, SearchFilters(text="narwhal"), 1)
    assert (first.count, first.more, first.has_next, len(first.results)) == (4, True, True, 2)
    last = search_page(officer, SearchFilters(text="narwhal"), 99)
    assert last.number == 2 and not last.has_next
    pages = [search_page(officer, SearchFilters(text="narwhal"), number) for number in (1, 2)]
    shown = {result.title for page in pages for result in page.results}
    assert len(shown) == 4 and shown <= {case.reference for case in cases}


def test_a_confidential_client_is_found_only_by_the_units_holding_their_cases(
    make_client, make_case, make_member, make_unit, unit, officer
):
    client = make_client(family_name="Quartzite", is_confidential=True)
    stranger = make_member(make_unit("elsewhere"))
    assert found(officer, "quartzite") == []
    make_case(unit, officer, client=client, is_anonymous=False, description="x")
    assert ("client", "Quartzite") in found(officer, "quartzite")
    assert ("client", "Quartzite") not in found(stranger, "quartzite")
