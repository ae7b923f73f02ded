"""Builders of the API tests: real tokens made by the real action, and an HTTP client that sends
them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def make_token(db: None) -> Callable[..., str]:
    """``make_token(user, scope="read")`` → the raw token of a new token of ``user``."""
    from comptoir.api.actions import do_create_token

    def build(user: Any, scope: str = "read", name: str = "test") -> str:
        _token, raw = do_create_token(user, scope=scope, name=name, actor=None)
        return raw

    return build


@pytest.fixture
def call(client: Any) -> Callable[..., Any]:
    """``call("get", "/api/services/", token=raw, json={...}, **headers)`` → the response."""
    import json as jsonlib

    def send(method: str, url: str, *, token: str | None = None, json: Any = None, **headers: Any):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {}
        if json is not None:
            kwargs = {"data": jsonlib.dumps(json), "content_type": "application/json"}
        return getattr(client, method)(url, **kwargs, **extra)

    return send


@pytest.fixture
def make_api_client(db: None) -> Callable[..., Any]:
    """``make_api_client(family_name="Gagné", **fields)`` → a person client made by the action."""
    from comptoir.clients.actions import do_create_client

    def build(**fields: Any) -> Any:
        values: dict[str, Any] = {
            "kind": "person",
            "preferred_language": "fr",
            "segment": "public",
            "family_name": "Tremblay",
        }
        values.update(fields)
        return do_create_client(**values, actor=None)

    return build


@pytest.fixture
def unit_and_member(make_user: Callable[..., Any]) -> Callable[..., tuple[Any, Any]]:
    """``unit_and_member(code)`` → a contact-centre unit of the test organization and a client
    service officer who works in it."""
    from comptoir.accounts.roles import Role
    from comptoir.inventory.models import Organization, Unit, UnitMembership

    def build(code: str = "centre") -> tuple[Any, Any]:
        organization, _ = Organization.objects.get_or_create(
            owner_org="test-essai",
            defaults={"title_en": "Test Agency", "title_fr": "Agence d'essai"},
        )
        unit = Unit.objects.create(
            organization=organization,
            code=code,
            name_en=f"Unit {code}",
            name_fr=f"Unité {code}",
            kind=Unit.Kind.CONTACT_CENTRE,
            holiday_categories="public,government",
        )
        user = make_user(Role.CLIENT_SERVICE_OFFICER)
        UnitMembership.objects.create(unit=unit, user=user)
        return unit, user

    return build


@pytest.fixture
def case_service(db: None) -> Any:
    from comptoir.inventory.models import Organization, Service

    organization, _ = Organization.objects.get_or_create(
        owner_org="test-essai", defaults={"title_en": "Test Agency", "title_fr": "Agence d'essai"}
    )
    service, _ = Service.objects.get_or_create(organization=organization, service_id="1234")
    return service
