"""Builders shared by the app tests (keep this file additive: several teams use it)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """``make_user(role=Role.SERVICE_OWNER, username=..., password=...)`` → an active staff user.

    ``role`` is a ``comptoir.accounts.roles.Role`` (or its value) or ``None`` for no role.
    """
    from comptoir.accounts.models import User
    from comptoir.accounts.roles import Role, assign_role

    def build(
        role: Role | str | None = Role.VIEWER,
        *,
        username: str | None = None,
        password: str = "correct horse battery staple",  # noqa: S107 - test accounts only
        **fields: Any,
    ) -> User:
        name = username or f"staff{next(_counter)}"
        user = User.objects.create_user(
            username=name, email=f"{name}@example.gc.ca", password=password, **fields
        )
        if role is not None:
            assign_role(user, Role(role))
        return user

    return build


@pytest.fixture
def make_service_year(db: None) -> Callable[..., Any]:
    """``make_service_year(owner_org="abc-def", service_id="1", fiscal_year="2024-2025", **cells)``.

    Creates (or reuses) the organization, fiscal year and service, and a service record whose
    open-data cells are a valid baseline overridden by ``cells``.
    """
    from comptoir.inventory.models import FiscalYear, Organization, Service, ServiceYear

    def build(
        *,
        owner_org: str = "test-essai",
        service_id: str | None = None,
        fiscal_year: str = "2024-2025",
        **cells: Any,
    ) -> ServiceYear:
        organization, _ = Organization.objects.get_or_create(
            owner_org=owner_org,
            defaults={"title_en": "Test Agency", "title_fr": "Agence d'essai"},
        )
        year, _ = FiscalYear.objects.get_or_create(organization=organization, code=fiscal_year)
        service, _ = Service.objects.get_or_create(
            organization=organization, service_id=service_id or str(next(_counter))
        )
        values = dict(VALID_SERVICE_CELLS)
        values.update(cells)
        return ServiceYear.objects.create(service=service, fiscal_year=year, **values)

    return build


#: The open-data cells of a plausible, valid service record (keys derived from the objects).
VALID_SERVICE_CELLS: dict[str, str] = {
    "service_name_en": "Trade data requests",
    "service_name_fr": "Demandes de données commerciales",
    "service_description_en": "Custom tabulations of trade statistics for businesses.",
    "service_description_fr": "Totalisations personnalisées de statistiques commerciales.",
    "service_type": "INFO",
    "service_recipient_type": "CLIENT",
    "service_scope": "EXTERN",
    "client_target_groups": "ECONOM",
    "program_id": "",
    "program_name_en": "",
    "program_name_fr": "",
    "client_feedback_channel": "EML,ONL",
    "automated_decision_system": "N",
    "service_fee": "Y",
    "os_account_registration": "Y",
    "os_authentication": "Y",
    "os_application": "Y",
    "os_decision": "N",
    "os_issuance": "Y",
    "os_issue_resolution_feedback": "Y",
    "last_service_review": "2023-2024",
    "last_service_improvement": "2023-2024",
    "sin_usage": "N",
    "cra_bn_identifier_usage": "Y",
    "num_phone_enquiries": "120",
    "num_applications_by_phone": "NA",
    "num_website_visits": "ND",
    "num_applications_online": "340",
    "num_applications_in_person": "NA",
    "num_applications_by_mail": "NA",
    "num_applications_by_email": "25",
    "num_applications_by_fax": "NA",
    "num_applications_by_other": "NA",
    "num_applications_total": "365",
}
