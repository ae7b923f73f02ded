"""The client pages through HTTP, in both languages: search, create, read (logged when
confidential), correct with a reason, add and end contact points."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.clients.models import Client, ClientAccessLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "add"),
    [("en", "Clients", "Add a client"), ("fr", "Clients", "Ajouter un client")],
)
def test_the_client_list_speaks_both_languages(
    client: Any, make_staff: Any, make_client: Any, language: str, heading: str, add: str
) -> None:
    make_client(given_name="Marie", family_name="Gagné", email="marie@example.ca")
    client.force_login(make_staff())
    response = client.get(f"/{language}/clients/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert add in page
    assert "Marie Gagné" in page
    assert "marie@example.ca" in page


def test_the_search_finds_by_phone(client: Any, make_staff: Any, make_client: Any) -> None:
    make_client(family_name="Côté", phone="613-555-0100")
    make_client(family_name="Roy")
    client.force_login(make_staff())
    page = client.get("/en/clients/", {"q": "(613) 555-0100"}).content.decode()
    assert "Côté" in page
    assert "Roy" not in page
    assert "1 client" in page


def test_the_list_needs_the_view_permission(client: Any, make_user: Any) -> None:
    client.force_login(make_user(None))
    assert client.get("/en/clients/").status_code == 403


def test_the_staff_menu_shows_clients_to_those_who_may_see_them(
    client: Any, make_staff: Any, make_user: Any
) -> None:
    client.force_login(make_staff())
    assert 'href="/en/clients/"' in client.get("/en/clients/").content.decode()
    client.force_login(make_user("viewer"))
    assert 'href="/en/clients/"' not in client.get("/en/").content.decode()


def test_the_list_costs_the_same_queries_for_3_or_20_clients(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    client.force_login(make_staff())
    for number in range(3):
        make_client(family_name=f"Roy {number}", email=f"roy{number}@example.ca")
    client.get("/en/clients/")  # the first request also saves the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/clients/").status_code == 200
    for number in range(3, 20):
        make_client(
            family_name=f"Roy {number}", email=f"roy{number}@example.ca", phone="6135550100"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/en/clients/").content.decode()
    assert page.count('href="/en/clients/') >= 20
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("language", "saved"),
    [("en", "The client record was created."), ("fr", "La fiche du client a été créée.")],
)
def test_a_client_is_created_through_the_form(
    client: Any, make_staff: Any, language: str, saved: str
) -> None:
    officer = make_staff()
    client.force_login(officer)
    assert client.get(f"/{language}/clients/new/").status_code == 200
    response = client.post(
        f"/{language}/clients/new/",
        {
            "kind": "person",
            "given_name": "Élodie",
            "family_name": "Côté",
            "preferred_language": "fr",
            "alternate_formats": ["large_print"],
            "segment": "public",
        },
        follow=True,
    )
    created = Client.objects.get()
    assert response.redirect_chain[-1][0] == f"/{language}/clients/{created.pk}/"
    assert saved in response.content.decode()
    assert (created.display_name, created.created_by) == ("Élodie Côté", officer)
    assert created.alternate_formats == "large_print"


def test_a_refused_client_shows_the_error_on_its_field(client: Any, make_staff: Any) -> None:
    client.force_login(make_staff())
    response = client.post(
        "/en/clients/new/",
        {"kind": "organization", "preferred_language": "en", "segment": "media"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_organization_name"' in page
    assert "Give the organization&#x27;s name." in page
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("language", "cases"), [("en", "No case yet."), ("fr", "Aucun dossier pour l’instant.")]
)
def test_the_client_page_shows_the_record(
    client: Any, make_staff: Any, make_client: Any, language: str, cases: str
) -> None:
    record = make_client(
        given_name="Marie",
        family_name="Gagné",
        email="marie@example.ca",
        alternate_formats=["braille"],
    )
    client.force_login(make_staff())
    response = client.get(f"/{language}/clients/{record.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Marie Gagné" in page
    assert "marie@example.ca" in page
    assert "Braille" in page
    assert cases in page
    assert not ClientAccessLog.objects.exists()  # not confidential: not logged


def test_a_confidential_client_is_hidden_from_staff_without_the_right(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    manager = make_staff()
    record = make_client(family_name="Gagné", is_confidential=True, account_manager=manager)
    client.force_login(make_staff())
    assert client.get(f"/en/clients/{record.pk}/").status_code == 404
    assert client.get(f"/en/clients/{record.pk}/edit/").status_code == 404
    assert "Gagné" not in client.get("/en/clients/", {"q": "gagne"}).content.decode()
    assert not ClientAccessLog.objects.exists()


def test_each_read_of_a_confidential_client_is_logged(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    manager = make_staff()
    record = make_client(family_name="Gagné", is_confidential=True, account_manager=manager)
    client.force_login(manager)
    assert client.get(f"/en/clients/{record.pk}/").status_code == 200
    assert client.get(f"/en/clients/{record.pk}/edit/").status_code == 200
    rows = list(ClientAccessLog.objects.order_by("pk").values_list("user", "client", "page"))
    assert rows == [(manager.pk, record.pk, "detail"), (manager.pk, record.pk, "edit")]


def test_an_administrator_sees_a_confidential_client(
    client: Any, make_user: Any, make_client: Any
) -> None:
    record = make_client(family_name="Gagné", is_confidential=True)
    client.force_login(make_user(None, is_superuser=True))
    assert client.get(f"/en/clients/{record.pk}/").status_code == 200
    assert ClientAccessLog.objects.get().page == "detail"


def test_a_viewer_cannot_open_the_edit_page(client: Any, make_staff: Any, make_client: Any) -> None:
    record = make_client()
    client.force_login(make_staff("clients.view_client"))
    assert client.get(f"/en/clients/{record.pk}/edit/").status_code == 403


@pytest.mark.parametrize(
    ("language", "required"),
    [("en", "Reason for the correction"), ("fr", "Motif de la correction")],
)
def test_a_correction_needs_a_reason_and_shows_in_the_history(
    client: Any, make_staff: Any, make_client: Any, language: str, required: str
) -> None:
    officer = make_staff(first_name="Luc", last_name="Roy")
    record = make_client(family_name="Gagne")
    client.force_login(officer)
    fields = {
        "kind": "person",
        "family_name": "Gagné",
        "preferred_language": "fr",
        "segment": "public",
    }
    refused = client.post(f"/{language}/clients/{record.pk}/edit/", fields)
    assert refused.status_code == 200
    assert 'href="#id_reason"' in refused.content.decode()
    assert required in refused.content.decode()
    assert Client.objects.get().family_name == "Gagne"
    response = client.post(
        f"/{language}/clients/{record.pk}/edit/", fields | {"reason": "Accent oublié."}, follow=True
    )
    page = response.content.decode()
    assert Client.objects.get().family_name == "Gagné"
    assert "Accent oublié." in page
    assert "Luc Roy" in page or officer.username in page


def test_a_contact_point_is_added_and_ended(client: Any, make_staff: Any, make_client: Any) -> None:
    record = make_client(family_name="Gagné")
    client.force_login(make_staff())
    french = client.get(f"/fr/clients/{record.pk}/contact-points/new/")
    assert french.status_code == 200
    assert "Domicile" in french.content.decode()  # the label, not the home page ("Accueil")
    refused = client.post(
        f"/en/clients/{record.pk}/contact-points/new/",
        {
            "kind": "address",
            "label": "home",
            "city": "Ottawa",
            "postal_code": "D1A 0B1",
            "country": "CA",
        },
    )
    assert 'href="#id_postal_code"' in refused.content.decode()
    assert not record.contact_points.exists()
    client.post(
        f"/en/clients/{record.pk}/contact-points/new/",
        {
            "kind": "phone",
            "value": "(613) 555-0100",
            "label": "work",
            "country": "CA",
            "is_primary": "on",
        },
    )
    point = record.contact_points.get()
    assert (point.normalized, point.is_primary) == ("+16135550100", True)
    end_url = f"/en/clients/{record.pk}/contact-points/{point.pk}/end/"
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, {"reason": "Number out of service."}, follow=True)
    point.refresh_from_db()
    assert not point.is_active
    page = response.content.decode()
    assert "Ended contact points" in page
    assert "Number out of service." in page


def test_a_contact_point_of_another_client_is_not_found(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    first = make_client(email="a@example.ca")
    second = make_client()
    client.force_login(make_staff())
    other = first.contact_points.get()
    assert client.get(f"/en/clients/{second.pk}/contact-points/{other.pk}/end/").status_code == 404


def test_contact_points_need_their_own_view_permission(
    client: Any, make_staff: Any, make_client: Any
) -> None:
    record = make_client(family_name="Gagné", email="marie@example.ca")
    client.force_login(make_staff("clients.view_client"))
    assert "marie@example.ca" not in client.get(f"/en/clients/{record.pk}/").content.decode()
    assert "marie@example.ca" not in client.get("/en/clients/").content.decode()
    client.force_login(make_staff("clients.view_client", "clients.view_contactpoint"))
    assert "marie@example.ca" in client.get(f"/en/clients/{record.pk}/").content.decode()
