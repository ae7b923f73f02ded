"""Look-up as you type: by name without accents or capitals, by email, by phone; bounded,
best first, and never past what the user may see."""

from __future__ import annotations

from typing import Any

import pytest

from comptoir.clients.queries import MAX_SUGGESTIONS, count_anonymous_clients, find_clients

pytestmark = pytest.mark.django_db


def _names(clients: list[Any]) -> list[str]:
    return [client.display_name for client in clients]


def test_a_name_is_found_without_its_accents_or_capitals(make_client: Any, make_staff: Any) -> None:
    make_client(given_name="Marie", family_name="Gagné")
    make_client(given_name="Paul", family_name="Tremblay")
    officer = make_staff()
    assert _names(find_clients(officer, "Gagne")) == ["Marie Gagné"]
    assert _names(find_clients(officer, "GAGNÉ marie")) == ["Marie Gagné"]
    assert _names(find_clients(officer, "gag")) == ["Marie Gagné"]


def test_a_phone_number_is_found_however_it_is_typed(make_client: Any, make_staff: Any) -> None:
    make_client(family_name="Côté", phone="+16135550100")
    make_client(family_name="Roy", phone="819-555-0199")
    officer = make_staff()
    assert _names(find_clients(officer, "(613) 555-0100")) == ["Côté"]
    assert _names(find_clients(officer, "613 555")) == ["Côté"]
    assert _names(find_clients(officer, "+1 819")) == ["Roy"]


def test_an_email_is_found_whatever_its_capitals(make_client: Any, make_staff: Any) -> None:
    make_client(family_name="Côté", email="marie@example.ca")
    make_client(family_name="Roy", email="marie@example.com")
    officer = make_staff()
    assert _names(find_clients(officer, "MARIE@EXAMPLE.CA")) == ["Côté"]
    assert set(_names(find_clients(officer, "marie@example"))) == {"Côté", "Roy"}


def test_an_ended_contact_point_no_longer_finds_its_client(
    make_client: Any, make_staff: Any
) -> None:
    from comptoir.clients.actions import do_end_contact_point

    client = make_client(family_name="Côté", email="marie@example.ca")
    do_end_contact_point(client.contact_points.get(), actor=None)
    assert find_clients(make_staff(), "marie@example.ca") == []


def test_the_best_match_comes_first(make_client: Any, make_staff: Any) -> None:
    make_client(given_name="Anne", family_name="Martin")  # a word starts with "martin"
    make_client(family_name="Martineau")  # the name starts with "martin"
    make_client(family_name="Saint-Martin")  # "martin" only inside a word
    assert _names(find_clients(make_staff(), "martin")) == [
        "Martineau",
        "Anne Martin",
        "Saint-Martin",
    ]


def test_an_exact_email_comes_before_prefixes(make_client: Any, make_staff: Any) -> None:
    make_client(family_name="Aaron", email="marie@example.ca.fake.org")
    make_client(family_name="Zola", email="marie@example.ca")
    assert _names(find_clients(make_staff(), "marie@example.ca")) == ["Zola", "Aaron"]


def test_look_up_is_bounded(make_client: Any, make_staff: Any) -> None:
    for number in range(12):
        make_client(family_name=f"Gagnon {number}")
    officer = make_staff()
    assert len(find_clients(officer, "gagnon")) == 10
    assert len(find_clients(officer, "gagnon", limit=3)) == 3
    assert len(find_clients(officer, "gagnon", limit=10_000)) <= MAX_SUGGESTIONS
    assert find_clients(officer, "   ") == []


def test_look_up_never_shows_a_confidential_client_to_others(
    make_client: Any, make_staff: Any
) -> None:
    manager = make_staff()
    make_client(family_name="Gagné", is_confidential=True, account_manager=manager)
    assert find_clients(make_staff(), "gagne") == []
    assert _names(find_clients(manager, "gagne")) == ["Gagné"]
    assert find_clients(make_staff("clients.add_client"), "gagne") == []


def test_anonymous_clients_are_counted(make_client: Any, make_staff: Any) -> None:
    make_client(is_anonymous=True)
    make_client(is_anonymous=True, kind="organization")
    make_client(family_name="Roy")
    assert count_anonymous_clients(make_staff()) == 2
