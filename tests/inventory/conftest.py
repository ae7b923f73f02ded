"""Fixtures of the page tests for service owners and finding resolution (modules may override
them with their own, as ``test_views`` does)."""

from __future__ import annotations

import pytest

from comptoir.accounts.roles import Role
from tests.inventory.test_views import PROGRAM


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def owner(make_user):
    return make_user(Role.SERVICE_OWNER, username="olivia", first_name="Olivia", last_name="Roy")


@pytest.fixture
def record(make_service_year):
    return make_service_year(service_id="S-100", **PROGRAM)
