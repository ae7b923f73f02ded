"""The database refuses what the actions refuse, and nothing about a client can be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comptoir.clients.models import Client, ClientAccessLog, Contact, ContactPoint

pytestmark = pytest.mark.django_db


def _insert(**fields: Any) -> Client:
    """A row written straight to the database, past ``full_clean``."""
    values = {"kind": "person", "preferred_language": "en", "segment": "public"} | fields
    with transaction.atomic():
        return Client.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "person"},
        {"kind": "person", "organization_name": "Acme"},
        {"kind": "organization", "family_name": "Tremblay"},
        {"kind": "person", "is_anonymous": True, "family_name": "Tremblay"},
        {"kind": "organization", "is_anonymous": True, "organization_name": "Acme"},
        {"kind": "robot", "family_name": "Tremblay"},
        {"family_name": "Tremblay", "preferred_language": "de"},
        {"family_name": "Tremblay", "segment": "galactic"},
    ],
)
def test_the_database_refuses_an_impossible_client(fields: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError):
        _insert(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "person", "family_name": "Tremblay"},
        {"kind": "person", "given_name": "Marie"},
        {"kind": "organization", "organization_name": "Acme"},
        {"kind": "person", "is_anonymous": True},
        {"kind": "organization", "is_anonymous": True},
    ],
)
def test_the_database_accepts_a_possible_client(fields: dict[str, Any]) -> None:
    assert _insert(**fields).pk


def test_contact_point_constraints(make_client: Any) -> None:
    client = make_client(email="marie@example.ca")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(
            client=client,
            kind="email",
            value="x@example.ca",
            normalized="x@example.ca",
            city="Ottawa",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(
            client=client,
            kind="email",
            value="y@example.ca",
            normalized="y@example.ca",
            is_primary=True,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(
            client=client, kind="phone", value="1", is_active=False, is_primary=True
        )


def test_a_client_cannot_be_its_own_contact(make_client: Any) -> None:
    person = make_client()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(person=person, organization=person)


def test_nobody_has_a_permission_to_delete_client_records() -> None:
    codenames = set(
        Permission.objects.filter(content_type__app_label="clients").values_list(
            "codename", flat=True
        )
    )
    assert "view_client" in codenames
    assert "change_contactpoint" in codenames
    assert not {
        name
        for name in codenames
        if name.startswith("delete_") and not name.startswith("delete_historical")
    }
    # The history's own delete permissions exist (django-simple-history) but no role holds them.
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(
        permissions__content_type__app_label="clients",
        permissions__codename__startswith="delete_",
    ).exists()


def test_a_client_record_refuses_to_be_deleted(make_client: Any) -> None:
    client = make_client(email="marie@example.ca")
    with pytest.raises(ValidationError):
        client.delete()
    with pytest.raises(ValidationError):
        client.contact_points.get().delete()
    assert Client.objects.filter(pk=client.pk).exists()


def test_the_access_log_is_append_only(make_client: Any, make_staff: Any) -> None:
    from django.utils import timezone

    row = ClientAccessLog.objects.create(
        user=make_staff(), client=make_client(), page="detail", at=timezone.now()
    )
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        ClientAccessLog.objects.update(page="edit")
    with pytest.raises(ValidationError):
        ClientAccessLog.objects.all().delete()
    assert ClientAccessLog.objects.get().page == "detail"


def test_display_name_by_kind(make_client: Any) -> None:
    from django.utils import translation

    assert make_client(given_name="Marie", family_name="Gagné").display_name == "Marie Gagné"
    assert make_client(kind="organization", organization_name="Acme").display_name == "Acme"
    anonymous = make_client(is_anonymous=True)
    assert anonymous.display_name == "Anonymous client"
    with translation.override("fr"):
        assert anonymous.display_name == "Client anonyme"
