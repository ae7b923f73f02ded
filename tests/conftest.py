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

    ``role`` is a ``comptoir.accounts.roles.Role`` (or its value) or ``None`` for no role;
    ``organizations`` the ``owner_org`` codes the user is a member of (default: ``test-essai`` for
    a custodian, none for the others).
    """
    from comptoir.accounts.models import User
    from comptoir.accounts.roles import Role, assign_role
    from comptoir.inventory.models import Organization, OrganizationMembership

    def build(
        role: Role | str | None = Role.VIEWER,
        *,
        username: str | None = None,
        password: str = "correct horse battery staple",  # noqa: S107 - test accounts only
        organizations: tuple[str, ...] | None = None,
        **fields: Any,
    ) -> User:
        name = username or f"staff{next(_counter)}"
        user = User.objects.create_user(
            username=name, email=f"{name}@example.gc.ca", password=password, **fields
        )
        if role is not None:
            from django.contrib.auth.models import Group

            from comptoir.accounts.roles import sync_roles

            try:
                assign_role(user, Role(role))
            except Group.DoesNotExist:
                # A transactional test's flush (an earlier test's, in the same session) empties
                # the groups the migrations made: make them again, as the migrations would.
                sync_roles()
                assign_role(user, Role(role))
        # A custodian acts for the organizations they are a member of: by default the test
        # organization that ``make_service_year`` uses.
        if organizations is None:
            is_custodian = role is not None and Role(role) is Role.INVENTORY_CUSTODIAN
            organizations = ("test-essai",) if is_custodian else ()
        for owner_org in organizations:
            organization, _ = Organization.objects.get_or_create(
                owner_org=owner_org,
                defaults={"title_en": "Test Agency", "title_fr": "Agence d'essai"},
            )
            OrganizationMembership.objects.create(organization=organization, user=user)
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
    "program_id": "BTS01",
    "program_name_en": "'Trade Statistics'",
    "program_name_fr": "'Statistiques commerciales'",
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


@pytest.fixture
def imported_real_inventory(db: None, real_inventory_dir: Any) -> Any:
    """The real GC inventory (1,752 services, 2,343 standards) imported through the action.

    Function-scoped (each use costs an import of about 3 s); mark the test ``realdata``.
    Returns the ``ImportResult``.
    """
    from comptoir.inventory.actions import do_import_inventory

    return do_import_inventory(
        real_inventory_dir / "service.csv",
        real_inventory_dir / "service-std.csv",
        actor=None,
    )


@pytest.fixture
def write_inventory_files(tmp_path: Any) -> Callable[..., Any]:
    """``write_inventory_files(services=[{...}], standards=[{...}])`` → (services, standards) paths.

    Rows are dicts of cells; missing columns are blank. Files are written in the official format.
    """
    from comptoir.core.opendata.csvio import write_rows
    from comptoir.core.opendata.schema import Resource, columns_of

    def build(
        services: list[dict[str, str]], standards: list[dict[str, str]] | None = None
    ) -> tuple[Any, Any]:
        paths = []
        for resource, rows, name in (
            (Resource.SERVICE, services, "service.csv"),
            (Resource.STANDARD, standards or [], "service-std.csv"),
        ):
            columns = columns_of(resource)
            path = tmp_path / name
            with path.open("wb") as out:
                write_rows(resource, [{c: row.get(c, "") for c in columns} for row in rows], out)
            paths.append(path)
        return paths[0], paths[1]

    return build


def valid_service_row(**cells: str) -> dict[str, str]:
    """A complete, valid ``service.csv`` row (keys included) overridden by ``cells``."""
    row = {
        "fiscal_yr": "2024-2025",
        "service_id": "9001",
        "owner_org": "test-essai",
        "owner_org_title": "Test Agency | Agence d'essai",
        **VALID_SERVICE_CELLS,
    }
    row.update(cells)
    return row


def valid_standard_row(**cells: str) -> dict[str, str]:
    """A complete, valid ``service-std.csv`` row overridden by ``cells``."""
    row = {
        "fiscal_yr": "2024-2025",
        "service_id": "9001",
        "service_name_en": VALID_SERVICE_CELLS["service_name_en"],
        "service_name_fr": VALID_SERVICE_CELLS["service_name_fr"],
        "service_standard_id": "STD-1",
        "service_standard_en": "We answer data requests within 10 business days.",
        "service_standard_fr": "Nous répondons aux demandes de données en 10 jours ouvrables.",
        "type": "TML",
        "channel": "ONL",
        "target": "0.8",
        "volume_meeting_target": "90",
        "total_volume": "100",
        "performance": "0.9",
        "target_met": "Y",
        "standards_targets_uri_en": "https://example.gc.ca/en/standards",
        "standards_targets_uri_fr": "https://example.gc.ca/fr/normes",
        "owner_org": "test-essai",
        "owner_org_title": "Test Agency | Agence d'essai",
    }
    row.update(cells)
    return row


@pytest.fixture(autouse=True)
def _commands_speak_the_site_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands speak the language of the environment (``comptoir.i18n.command_language``): the
    tests do not depend on the locale of the machine that runs them; a test of a French command
    sets ``LANG`` itself."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_site_language() -> Any:
    """A page served in French leaves French active in the thread (the locale middleware does not
    switch back): each test starts in the site's language, whatever ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Any) -> Any:
    """The clients' files (``COMPTOIR_PRIVATE_MEDIA_ROOT``) of every test under a folder of its
    own: a shared folder would hold other tests' files (a restore refuses a folder that does),
    and the SQLite and PostgreSQL passes run side by side."""
    from pathlib import Path

    settings.COMPTOIR_PRIVATE_MEDIA_ROOT = Path(tmp_path) / "private"
    return settings.COMPTOIR_PRIVATE_MEDIA_ROOT
