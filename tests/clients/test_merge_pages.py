"""The merge page and the undo (issue 13, item 4), as a data steward uses them: from the review
queue to the merge page, the choices, the record kept's page with its merges, the undo; in both
languages, refused for whoever is not a steward, and a refused merge writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from comptoir.clients.actions import do_decide_duplicate, do_merge_clients
from comptoir.clients.models import Client, ClientMerge, ClientMergeUndo

pytestmark = pytest.mark.django_db

STEWARD = (
    "clients.view_client",
    "clients.change_client",
    "clients.view_contactpoint",
    "clients.merge_client",
)


def _url(language: str, *records: Client) -> str:
    return f"/{language}/clients/merge/?" + "&".join(f"record={r.pk}" for r in records)


@pytest.fixture
def pair(make_client: Any) -> tuple[Client, Client]:
    first = make_client(given_name="Marie", family_name="Gagné", email="marie@exemple.ca")
    second = make_client(given_name="Marie-Ève", family_name="Gagné", email="m.gagne@exemple.ca")
    return first, second


@pytest.mark.parametrize(
    ("language", "heading", "keep", "button"),
    [
        ("en", "Merge client records", "Record to keep", "Merge the records"),
        ("fr", "Fusionner des fiches de clients", "Fiche à conserver", "Fusionner les fiches"),
    ],
)
def test_the_merge_page_shows_the_records_and_the_choices_in_both_languages(
    client: Any,
    make_staff: Any,
    pair: tuple[Client, Client],
    language: str,
    heading: str,
    keep: str,
    button: str,
) -> None:
    client.force_login(make_staff(*STEWARD))
    response = client.get(_url(language, *pair))
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page and keep in page and button in page
    assert "Marie-Ève" in page and "m.gagne@exemple.ca" in page
    # The given names differ: a choice; the family names agree: shown once, not asked.
    assert 'name="keep_given_name"' in page
    assert 'name="keep_family_name"' not in page


def test_a_steward_merges_from_the_page_and_undoes_from_the_record_kept(
    client: Any, make_staff: Any, pair: tuple[Client, Client]
) -> None:
    first, second = pair
    steward = make_staff(*STEWARD)
    client.force_login(steward)
    response = client.post(
        _url("en", first, second),
        {
            "survivor": second.pk,
            "keep_given_name": first.pk,
            "keep_preferred_language": first.pk,
            "reason": "Same person; the second record has her current email",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/clients/{second.pk}/#merges"
    second.refresh_from_db()
    first.refresh_from_db()
    assert first.merged_into_id == second.pk
    assert second.given_name == "Marie"
    merge = ClientMerge.objects.get()
    assert merge.merged_by == steward

    kept_page = client.get(f"/en/clients/{second.pk}/").content.decode()
    assert "Records merged into this one" in kept_page
    assert "Same person; the second record has her current email" in kept_page
    assert f"/en/clients/merges/{merge.pk}/undo/" in kept_page
    pointer_page = client.get(f"/fr/clients/{first.pk}/").content.decode()
    assert "Aller à la fiche conservée" in pointer_page

    refused = client.post(f"/en/clients/merges/{merge.pk}/undo/", {"reason": ""})
    assert refused.status_code == 302
    assert not ClientMergeUndo.objects.exists()
    undone = client.post(f"/en/clients/merges/{merge.pk}/undo/", {"reason": "Two people"})
    assert undone.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into_id is None
    assert second.given_name == "Marie-Ève"


def test_a_merge_without_a_reason_is_refused_and_writes_nothing(
    client: Any, make_staff: Any, pair: tuple[Client, Client]
) -> None:
    client.force_login(make_staff(*STEWARD))
    response = client.post(_url("fr", *pair), {"survivor": pair[0].pk, "reason": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ClientMerge.objects.exists()


def test_only_a_steward_may_merge_or_undo(
    client: Any, make_staff: Any, pair: tuple[Client, Client]
) -> None:
    merge = do_merge_clients(pair[0], [pair[1]], reason="x", actor=None)
    client.force_login(make_staff())  # an officer: may change clients, not merge them
    assert client.get(_url("en", *pair)).status_code == 403
    assert client.post(f"/en/clients/merges/{merge.pk}/undo/", {"reason": "y"}).status_code == 403
    page = client.get(f"/en/clients/{pair[0].pk}/").content.decode()
    assert "Undo this merge" not in page
    assert not ClientMergeUndo.objects.exists()


@pytest.mark.parametrize("query", ["record=1", "record=x&record=2", "record=3&record=3", ""])
def test_a_merge_page_needs_two_known_records(
    client: Any, make_staff: Any, pair: tuple[Client, Client], query: str
) -> None:
    client.force_login(make_staff(*STEWARD))
    assert client.get(f"/en/clients/merge/?{query}").status_code == 404


def test_a_confidential_record_the_steward_may_not_see_is_not_found(
    client: Any, make_staff: Any, make_client: Any, pair: tuple[Client, Client]
) -> None:
    hidden = make_client(family_name="Gagné", is_confidential=True)
    client.force_login(make_staff(*STEWARD))
    assert client.get(_url("en", pair[0], hidden)).status_code == 404


def test_confirming_a_pair_in_the_queue_leads_to_the_merge_page_of_its_cluster(
    client: Any, make_staff: Any, make_client: Any, pair: tuple[Client, Client]
) -> None:
    first, second = pair
    third = make_client(given_name="M.", family_name="Gagné")
    do_decide_duplicate(second, third, decision="confirmed", actor=None)
    client.force_login(make_staff(*STEWARD))
    response = client.post(
        "/en/clients/duplicates/",
        {"left": first.pk, "right": second.pk, "decision": "confirmed"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/en/clients/merge/?")
    assert {f"record={r.pk}" for r in (first, second, third)} == set(
        location.split("?")[1].split("&")
    )
    queue = client.get("/en/clients/duplicates/").content.decode()
    assert "Confirmed, not merged yet" in queue
