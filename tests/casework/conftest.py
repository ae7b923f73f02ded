"""Builders of the casework tests: units, members and cases (through the actions)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

_counter = itertools.count(1)

#: A weekday morning, so that business-time rules have nothing special to say.
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def organization(db: None) -> Any:
    from comptoir.inventory.models import Organization

    organization, _ = Organization.objects.get_or_create(
        owner_org="test-essai", defaults={"title_en": "Test Agency", "title_fr": "Agence d'essai"}
    )
    return organization


@pytest.fixture
def make_unit(organization: Any) -> Callable[..., Any]:
    from comptoir.inventory.models import Unit

    def build(code: str | None = None, **fields: Any) -> Unit:
        code = code or f"unit-{next(_counter)}"
        values = {
            "name_en": f"Unit {code}",
            "name_fr": f"Unité {code}",
            "kind": Unit.Kind.CONTACT_CENTRE,
            "holiday_categories": "public,government",
        }
        values.update(fields)
        return Unit.objects.create(
            organization=values.pop("organization", organization), code=code, **values
        )

    return build


@pytest.fixture
def make_member(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """``make_member(unit, role=..., is_manager=False)`` → a staff user working in ``unit`` (by
    default an officer, a unit manager when ``is_manager``; ``role=None`` for no role)."""
    from comptoir.accounts.roles import Role
    from comptoir.inventory.models import UnitMembership

    def build(unit: Any, *, role: Any = "default", is_manager: bool = False, **fields: Any) -> Any:
        if role == "default":
            role = Role.UNIT_MANAGER if is_manager else Role.CLIENT_SERVICE_OFFICER
        user = make_user(role, **fields)
        if unit is not None:
            UnitMembership.objects.create(unit=unit, user=user, is_manager=is_manager)
        return user

    return build


@pytest.fixture
def service(organization: Any) -> Any:
    from comptoir.inventory.models import Service

    service, _ = Service.objects.get_or_create(organization=organization, service_id="1234")
    return service


@pytest.fixture
def make_case(service: Any) -> Callable[..., Any]:
    """``make_case(unit, actor, **fields)`` → a case received through ``do_receive_case``."""
    from comptoir.casework import actions

    def build(unit: Any, actor: Any, **fields: Any) -> Any:
        values: dict[str, Any] = {
            "service": service,
            "kind": "enquiry",
            "channel": "TEL",
            "entry_unit": unit,
            "language": "en",
            "is_anonymous": True,
            "description": "Where are the trade tables?",
            "at": T0,
        }
        values.update(fields)
        case, _token = actions.do_receive_case(actor=actor, **values)
        return case

    return build
