"""Builders of the client tests: staff with exactly the permissions a test needs, and clients
made through the real actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

#: What a client service officer may do with clients (the roles give the same permissions).
CLIENT_WORK = (
    "clients.view_client",
    "clients.add_client",
    "clients.change_client",
    "clients.view_contactpoint",
    "clients.add_contactpoint",
    "clients.change_contactpoint",
    "clients.view_contact",
    "clients.add_contact",
    "clients.change_contact",
)


@pytest.fixture
def make_staff(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """``make_staff(*permissions, **fields)`` → a staff member with no role and exactly these
    permissions (default: the client work of an officer)."""
    from django.contrib.auth.models import Permission

    def build(*permissions: str, **fields: Any) -> Any:
        user = make_user(None, **fields)
        for name in permissions or CLIENT_WORK:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return type(user).objects.get(pk=user.pk)  # a fresh object: no cached permissions

    return build


@pytest.fixture
def make_client(db: None) -> Callable[..., Any]:
    """``make_client(family_name="Gagné", **fields)`` → a person client (or any kind) made by
    ``do_create_client``; ``email=`` and ``phone=`` add a primary contact point."""
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    def build(*, email: str = "", phone: str = "", **fields: Any) -> Any:
        values: dict[str, Any] = {
            "kind": "person",
            "preferred_language": "fr",
            "segment": "public",
        }
        if fields.get("is_anonymous"):
            pass
        elif fields.get("kind") == "organization":
            values["organization_name"] = "Coopérative Laval"
        else:
            values["family_name"] = "Tremblay"
        values.update(fields)
        client = do_create_client(**values, actor=None)
        if email:
            do_add_contact_point(client, kind="email", value=email, is_primary=True, actor=None)
        if phone:
            do_add_contact_point(client, kind="phone", value=phone, is_primary=True, actor=None)
        return client

    return build
