"""The duplicate review queue (issue 13, item 3): pending pairs best first, both records side by
side with the explanation in words, a decision per pair; in both languages, within what the
reader may see, and a rejected pair never comes back."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from comptoir.clients.models import Client, DuplicateCandidate, DuplicateDecision

pytestmark = pytest.mark.django_db

URL = "/{language}/clients/duplicates/"


def _record() -> None:
    """``find-duplicates --record``, as the data steward's nightly run would."""
    call_command("clients", "find-duplicates", "--record", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def pair(make_client: Any) -> tuple[Client, Client]:
    """Two records of one person (same name and email, phone written differently), found by a
    real recorded run."""
    first = make_client(
        given_name="Marie",
        family_name="Gagné",
        email="marie.gagne@example.ca",
        phone="613-555-0142",
    )
    second = make_client(
        given_name="Marie",
        family_name="Gagne",
        email="Marie.Gagne@example.ca",
        phone="(613) 555-0142",
    )
    Client.objects.filter(pk=second.pk).update(source_id="LEG-77")  # as an import keeps it
    _record()
    assert DuplicateCandidate.objects.filter(left=first, right=second).exists()
    return first, second


def _decide(client: Any, first: Client, second: Client, decision: str, **extra: Any) -> Any:
    data = {"left": first.pk, "right": second.pk, "decision": decision, **extra}
    return client.post(URL.format(language="en"), data)


@pytest.mark.parametrize(
    ("language", "heading", "same", "two", "why"),
    [
        ("en", "Possible duplicates", "Same client", "Two clients", "email: "),
        ("fr", "Doublons possibles", "Même client", "Deux clients", "courriel : "),
    ],
)
def test_the_queue_shows_both_records_side_by_side_in_both_languages(
    client: Any,
    make_staff: Any,
    pair: tuple[Client, Client],
    language: str,
    heading: str,
    same: str,
    two: str,
    why: str,
) -> None:
    client.force_login(make_staff())
    response = client.get(URL.format(language=language))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "Marie Gagné" in page and "Marie Gagne" in page
    assert "marie.gagne@example.ca" in page and "Marie.Gagne@example.ca" in page
    assert "(613) 555-0142" in page
    assert "LEG-77" in page
    assert same in page and two in page
    assert why in page  # the explanation in words, not codes
    assert "email:exact" not in page
    candidate = DuplicateCandidate.objects.get()
    assert f"{int(candidate.score * 100)}" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_confirming_records_the_decision_and_leaves_the_queue(
    client: Any, make_staff: Any, pair: tuple[Client, Client]
) -> None:
    steward = make_staff()
    client.force_login(steward)
    first, second = pair
    response = _decide(client, second, first, "confirmed", reason="Same person, moved")
    assert response.status_code == 302
    assert response["Location"] == "/en/clients/duplicates/"
    decision = DuplicateDecision.objects.get()
    assert (decision.left_id, decision.right_id) == (first.pk, second.pk)
    assert decision.decision == "confirmed"
    assert decision.decided_by == steward
    assert decision.reason == "Same person, moved"
    assert not DuplicateCandidate.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Recorded: the two records are the same client." in page
    assert "No pair is waiting for review." in page


def test_a_rejected_pair_is_never_proposed_again(
    client: Any, make_staff: Any, pair: tuple[Client, Client]
) -> None:
    client.force_login(make_staff())
    first, second = pair
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = client.post(
        "/fr/clients/duplicates/", {"left": first.pk, "right": second.pk, "decision": "rejected"}
    )
    assert response.status_code == 302
    assert DuplicateDecision.objects.get().decision == "rejected"
    page = client.get(response["Location"]).content.decode()
    assert "ne sera plus proposée" in page
    _record()  # the next run finds the pair again, and leaves it out
    assert not DuplicateCandidate.objects.exists()
    assert "Gagne" not in client.get("/fr/clients/duplicates/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "merged"},
        {"decision": ""},
        {"left": "x"},
        {"right": "same"},
        {"left": 999999},
    ],
)
def test_a_bad_decision_is_a_translated_400_that_writes_nothing(
    client: Any, make_staff: Any, pair: tuple[Client, Client], data: dict[str, Any]
) -> None:
    client.force_login(make_staff())
    first, second = pair
    posted: dict[str, Any] = {"left": first.pk, "right": second.pk, "decision": "rejected"}
    posted.update(data)
    if posted["right"] == "same":
        posted["right"] = first.pk
    response = client.post("/fr/clients/duplicates/", posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Il y a un problème" in page
    assert not DuplicateDecision.objects.exists()
    assert DuplicateCandidate.objects.count() == 1


def test_a_confidential_clients_pair_is_shown_only_to_who_may_see_it(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    manager = make_staff()
    make_client(given_name="Josée", family_name="Lapointe", email="jl@example.ca")
    secret = make_client(
        given_name="Josée",
        family_name="Lapointe",
        email="jl@example.ca",
        is_confidential=True,
        account_manager=manager,
    )
    _record()
    assert DuplicateCandidate.objects.count() == 1
    other = make_staff()
    client.force_login(other)
    page = client.get("/en/clients/duplicates/").content.decode()
    assert "Lapointe" not in page and "jl@example.ca" not in page
    assert "0 pairs to review" in page
    visible = Client.objects.exclude(pk=secret.pk).get(family_name="Lapointe")
    response = _decide(client, visible, secret, "rejected")
    assert response.status_code == 400
    assert "Lapointe" not in response.content.decode()
    assert not DuplicateDecision.objects.exists()
    from comptoir.clients.models import ClientAccessLog

    assert not ClientAccessLog.objects.exists()  # nothing shown, nothing read
    client.force_login(manager)
    page = client.get("/en/clients/duplicates/").content.decode()
    assert "Lapointe" in page and "confidential" in page
    # The confidential record shown is a read of it, logged as on its own page.
    [read] = ClientAccessLog.objects.all()
    assert (read.client_id, read.user_id, read.page) == (secret.pk, manager.pk, "duplicates")


def test_the_queue_needs_the_change_permission(
    client: Any, make_staff: Any, make_user: Any, pair: tuple[Client, Client]
) -> None:
    first, second = pair
    assert client.get("/en/clients/duplicates/").status_code == 302  # signed out: sign in
    client.force_login(make_staff("clients.view_client", "clients.view_contactpoint"))
    assert client.get("/en/clients/duplicates/").status_code == 403
    assert _decide(client, first, second, "rejected").status_code == 403
    client.force_login(make_user("viewer"))
    assert client.get("/en/clients/duplicates/").status_code == 403
    assert not DuplicateDecision.objects.exists()


def test_the_staff_menu_links_the_queue_for_those_who_may_decide(
    client: Any, make_staff: Any, make_user: Any
) -> None:
    client.force_login(make_user("client service officer"))
    assert 'href="/en/clients/duplicates/"' in client.get("/en/clients/").content.decode()
    client.force_login(make_staff("clients.view_client"))
    assert 'href="/en/clients/duplicates/"' not in client.get("/en/clients/").content.decode()


def test_the_queue_is_paginated_in_a_fixed_number_of_queries(
    client: Any, make_staff: Any, make_client: Any, django_assert_max_num_queries: Any
) -> None:
    from django.utils import timezone

    from comptoir.clients import queries

    clients = [
        make_client(family_name=f"Roy{n}") for n in range(2 * queries.DUPLICATE_PAGE_SIZE + 2)
    ]
    DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(
            left=clients[n],
            right=clients[n + 1],
            score=0.5 + n / 100,
            explanation=[{"field": "family_name", "level": "similar", "weight": 3.2}],
            found_at=timezone.now(),
        )
        for n in range(0, len(clients) - 1)
    )
    client.force_login(make_staff())
    with django_assert_max_num_queries(20):
        page = client.get("/en/clients/duplicates/").content.decode()
    assert page.count('value="confirmed"') == queries.DUPLICATE_PAGE_SIZE
    assert "Roy40" in page  # the best score first
    assert "Page 1 of 3" in page
    last = client.get("/en/clients/duplicates/", {"page": 3}).content.decode()
    assert last.count('value="confirmed"') == 1
