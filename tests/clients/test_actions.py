"""The client actions: each validates, records who (and why) in the history, raises a
``ClientError`` with a stable code and changes nothing on bad input."""

from __future__ import annotations

from typing import Any

import pytest

from comptoir.clients.actions import (
    do_add_contact_point,
    do_create_client,
    do_end_contact_point,
    do_link_contact,
    do_unlink_contact,
    do_update_client,
)
from comptoir.clients.errors import ClientError
from comptoir.clients.models import Client, Contact, ContactPoint

pytestmark = pytest.mark.django_db


def test_create_client_keeps_who_and_the_folded_names(make_staff: Any) -> None:
    officer = make_staff()
    client = do_create_client(
        kind="person",
        given_name=" Émilie ",
        family_name="Gagné",
        preferred_language="fr",
        segment="public",
        alternate_formats=["braille", "audio"],
        actor=officer,
    )
    assert client.given_name == "Émilie"
    assert client.search_name == "emilie gagne"
    assert client.alternate_formats == "audio,braille"
    assert client.created_by == officer
    assert client.history.get().history_user == officer


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "person"}, "person_needs_name"),
        ({"kind": "organization"}, "organization_needs_name"),
        ({"kind": "person", "is_anonymous": True, "family_name": "Tremblay"}, "anonymous_has_name"),
        (
            {"kind": "person", "family_name": "T", "alternate_formats": ["smoke"]},
            "invalid_alternate_format",
        ),
        ({"kind": "person", "family_name": "T", "preferred_language": "de"}, "invalid_choice"),
        ({"kind": "person", "family_name": "T", "segment": ""}, "blank"),
    ],
)
def test_create_client_refuses_bad_input_and_creates_nothing(
    fields: dict[str, Any], code: str
) -> None:
    values = {"preferred_language": "en", "segment": "public"} | fields
    with pytest.raises(ClientError) as raised:
        do_create_client(**values, actor=None)
    assert code in raised.value.codes
    assert not Client.objects.exists()


def test_a_correction_records_who_when_and_why(make_client: Any, make_staff: Any) -> None:
    officer = make_staff()
    client = make_client(family_name="Gagne")
    saved = do_update_client(
        client, {"family_name": "Gagné", "given_name": "Marie"}, actor=officer, reason="Typo."
    )
    assert saved.display_name == "Marie Gagné"
    assert saved.search_name == "marie gagne"
    latest = saved.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "Typo.")
    assert client.family_name == "Gagne"  # the object passed in is left as it was


@pytest.mark.parametrize(
    ("changes", "reason", "code"),
    [
        ({"family_name": "Côté"}, "  ", "reason_required"),
        ({"search_name": "x"}, "Because.", "unknown_field"),
        ({"merged_into": None, "family_name": "Côté"}, "Because.", "unknown_field"),
        ({"family_name": ""}, "Because.", "person_needs_name"),
    ],
)
def test_a_refused_correction_changes_nothing(
    make_client: Any, changes: dict[str, Any], reason: str, code: str
) -> None:
    client = make_client(family_name="Gagné")
    with pytest.raises(ClientError) as raised:
        do_update_client(client, changes, actor=None, reason=reason)
    assert raised.value.code == code
    client.refresh_from_db()
    assert client.family_name == "Gagné"
    assert client.history.count() == 1


def test_a_client_with_contact_points_cannot_become_anonymous(make_client: Any) -> None:
    client = make_client(email="marie@example.ca")
    with pytest.raises(ClientError) as raised:
        do_update_client(
            client, {"is_anonymous": True, "family_name": ""}, actor=None, reason="Asked."
        )
    assert raised.value.code == "anonymous_has_contact_points"
    assert not Client.objects.get(pk=client.pk).is_anonymous


def test_contact_points_are_normalized(make_client: Any) -> None:
    client = make_client()
    email = do_add_contact_point(client, kind="email", value="Marie@Example.CA", actor=None)
    phone = do_add_contact_point(client, kind="phone", value="(613) 555-0100", actor=None)
    address = do_add_contact_point(
        client,
        kind="address",
        street="111 Wellington St",
        city="Ottawa",
        province="ON",
        postal_code="k1a0a9",
        actor=None,
    )
    assert (email.value, email.normalized) == ("Marie@Example.CA", "marie@example.ca")
    assert phone.normalized == "+16135550100"
    assert (address.postal_code, address.normalized) == ("K1A 0A9", "K1A 0A9")
    assert address.value == "111 Wellington St, Ottawa, ON K1A 0A9"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "email", "value": "marie"}, "invalid_email"),
        ({"kind": "phone", "value": "12"}, "invalid_phone"),
        ({"kind": "address", "city": "Ottawa", "postal_code": "D1A 0B1"}, "invalid_postal_code"),
        ({"kind": "address", "city": "Ottawa"}, "postal_code_required"),
        ({"kind": "email", "value": ""}, "required"),
        ({"kind": "address", "city": "Paris", "country": "F1"}, "invalid_country"),
    ],
)
def test_a_bad_contact_point_is_refused_and_nothing_is_stored(
    make_client: Any, fields: dict[str, Any], code: str
) -> None:
    client = make_client()
    with pytest.raises(ClientError) as raised:
        do_add_contact_point(client, **fields, actor=None)
    assert raised.value.code == code
    assert not ContactPoint.objects.exists()


def test_a_new_primary_contact_point_replaces_the_previous_one(make_client: Any) -> None:
    client = make_client(email="old@example.ca")
    new = do_add_contact_point(
        client, kind="email", value="new@example.ca", is_primary=True, actor=None
    )
    primaries = ContactPoint.objects.filter(client=client, is_primary=True)
    assert list(primaries) == [new]


def test_an_anonymous_client_has_no_contact_point(make_client: Any) -> None:
    client = make_client(is_anonymous=True)
    with pytest.raises(ClientError) as raised:
        do_add_contact_point(client, kind="email", value="a@example.ca", actor=None)
    assert raised.value.code == "anonymous_has_no_contact_points"


def test_ending_a_contact_point_keeps_it(make_client: Any, make_staff: Any) -> None:
    officer = make_staff()
    client = make_client(email="marie@example.ca")
    point = client.contact_points.get()
    ended = do_end_contact_point(point, actor=officer, reason="Bounced.")
    assert (ended.is_active, ended.is_primary) == (False, False)
    assert ended.ended_at is not None
    assert ended.history.latest().history_change_reason == "Bounced."
    with pytest.raises(ClientError) as raised:
        do_end_contact_point(ended, actor=officer)
    assert raised.value.code == "already_ended"


def test_link_and_unlink_a_contact(make_client: Any) -> None:
    person = make_client(family_name="Côté")
    organization = make_client(kind="organization", organization_name="Acme")
    contact = do_link_contact(person, organization, role="Director", actor=None)
    with pytest.raises(ClientError) as raised:
        do_link_contact(person, organization, actor=None)
    assert raised.value.code == "already_linked"
    with pytest.raises(ClientError) as raised:
        do_link_contact(organization, person, actor=None)
    assert raised.value.code == "contact_not_person"
    do_unlink_contact(contact, actor=None)
    assert not Contact.objects.get(pk=contact.pk).is_active
    assert do_link_contact(person, organization, actor=None).is_active
