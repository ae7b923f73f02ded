"""Builders of the portal tests: an organization with a contact centre, a service of the
inventory with a name in both languages, and the private files under a temporary root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.casework.conftest import (  # noqa: F401 - fixtures shared with casework
    make_case,
    make_member,
    make_unit,
    organization,
    service,
)


@pytest.fixture
def unit(make_unit: Callable[..., Any]) -> Any:  # noqa: F811
    return make_unit("front", time_zone="America/Toronto")


@pytest.fixture
def officer(make_member: Callable[..., Any], unit: Any) -> Any:  # noqa: F811
    return make_member(unit, username="olivia")


@pytest.fixture
def named_service(service: Any, unit: Any) -> Any:  # noqa: F811
    """The casework tests' service, with a record naming it and its responsible unit."""
    from comptoir.inventory.models import FiscalYear, ServiceYear
    from tests.conftest import VALID_SERVICE_CELLS

    year, _ = FiscalYear.objects.get_or_create(organization=service.organization, code="2025-2026")
    cells = dict(VALID_SERVICE_CELLS)
    cells.update(
        service_name_en="Custom data requests",
        service_name_fr="Demandes de données personnalisées",
    )
    ServiceYear.objects.create(service=service, fiscal_year=year, responsible_unit=unit, **cells)
    return service
