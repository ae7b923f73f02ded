"""Staff roles: Django groups with model permissions.

| role | may |
|---|---|
| administrator | everything a custodian may, plus manage staff accounts and roles |
| inventory custodian | edit every service and standard, import, approve (freeze) a fiscal year |
| service owner | see the inventory; edit only the services assigned to them |
| viewer | see the inventory |
| client service officer | see the inventory; see, add, change clients and cases of their units |
| unit manager | an officer's, plus assign others' cases; see confidential cases of their units; |
| | merge duplicate clients and undo a merge (administrators too) |

The groups are created by the data migrations ``accounts.0002_staff_roles`` and
``accounts.0004_casework_roles``, completed by 0005 and 0006 (each keeps its own frozen copy of
this table, as migrations must) and can be re-synchronised with :func:`sync_roles`. Scoping (a
service owner's services, a unit's cases) is enforced by ``comptoir.inventory.access`` and
``Case.objects.visible_to``, not by the permissions alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from comptoir.accounts.models import User


class Role(enum.StrEnum):
    """A role is a group; its value is the group name."""

    ADMINISTRATOR = "administrator"
    INVENTORY_CUSTODIAN = "inventory custodian"
    SERVICE_OWNER = "service owner"
    VIEWER = "viewer"
    CLIENT_SERVICE_OFFICER = "client service officer"
    UNIT_MANAGER = "unit manager"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMINISTRATOR: _("Administrator"),
    Role.INVENTORY_CUSTODIAN: _("Inventory custodian"),
    Role.SERVICE_OWNER: _("Service owner"),
    Role.VIEWER: _("Viewer"),
    Role.CLIENT_SERVICE_OFFICER: _("Client service officer"),
    Role.UNIT_MANAGER: _("Unit manager"),
}

INVENTORY_MODELS = (
    "organization",
    "program",
    "unit",
    "unitholiday",
    "unitclosure",
    "fiscalyear",
    "service",
    "serviceownership",
    "serviceyear",
    "servicestandard",
    "standardyear",
    "servicetestassessment",
    "priorityassessment",
    "finding",
    "importbatch",
)

_VIEW = frozenset(f"inventory.view_{model}" for model in INVENTORY_MODELS)
_OWNER_EDIT = frozenset(
    {
        "inventory.change_serviceyear",
        "inventory.add_servicestandard",
        "inventory.add_standardyear",
        "inventory.change_standardyear",
        "inventory.add_servicetestassessment",
        "inventory.change_servicetestassessment",
        "inventory.add_priorityassessment",
        "inventory.change_priorityassessment",
        "inventory.change_finding",
    }
)
_CUSTODIAN = frozenset(
    {f"inventory.{verb}_{model}" for model in INVENTORY_MODELS for verb in ("add", "change")}
    | {"inventory.approve_fiscalyear", "inventory.import_inventory"}
)
_ADMIN = frozenset(
    {
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.view_group",
        "auth.change_group",
    }
)

CLIENT_MODELS = ("client", "contactpoint", "contact")
CASEWORK_CATALOGUES = ("requesttype", "subjecttheme", "subject")
_OFFICER = frozenset(
    {f"clients.{verb}_{model}" for model in CLIENT_MODELS for verb in ("view", "add", "change")}
    | {"casework.view_case", "casework.add_case", "casework.change_case"}
    # Events are only ever added: the database refuses a change (a correction is a new event).
    | {"casework.view_caseevent", "casework.add_caseevent"}
    | {f"casework.view_{model}" for model in CASEWORK_CATALOGUES}
)
_MANAGER = frozenset({"casework.assign_case"})
#: Data stewards (unit managers and administrators) merge duplicate clients and undo merges.
_MERGE = frozenset({"clients.merge_client"})
#: Administrators edit what Comptoir writes to clients (``comptoir.notifications``).
_NOTIFICATIONS_ADMIN = frozenset(
    {f"notifications.{verb}_messagetemplate" for verb in ("view", "add", "change")}
)
_CASEWORK_ADMIN = frozenset(
    {f"casework.{verb}_{model}" for model in CASEWORK_CATALOGUES for verb in ("add", "change")}
    | {"casework.view_caseaccesslog", "clients.view_clientaccesslog"}
    | {f"inventory.{verb}_unitmembership" for verb in ("view", "add", "change")}
)

#: ``app_label.codename`` permissions of each role. Nobody may delete: nothing is hard-deleted.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.VIEWER: _VIEW,
    Role.SERVICE_OWNER: _VIEW | _OWNER_EDIT,
    Role.INVENTORY_CUSTODIAN: _VIEW | _OWNER_EDIT | _CUSTODIAN,
    Role.CLIENT_SERVICE_OFFICER: _VIEW | _OFFICER,
    Role.UNIT_MANAGER: _VIEW | _OFFICER | _MANAGER | _MERGE,
    Role.ADMINISTRATOR: _VIEW
    | _OWNER_EDIT
    | _CUSTODIAN
    | _ADMIN
    | _OFFICER
    | _MANAGER
    | _CASEWORK_ADMIN
    | _NOTIFICATIONS_ADMIN
    | _MERGE,
}


def _permissions(names: Iterable[str]) -> list[Permission]:
    wanted = set(names)
    found = [
        permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in={name.split(".", 1)[1] for name in wanted}
        )
        if f"{permission.content_type.app_label}.{permission.codename}" in wanted
    ]
    missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"unknown permissions: {sorted(missing)}")
    return found


@transaction.atomic
def sync_roles() -> dict[Role, Group]:
    """Create or update the groups so they hold exactly their permissions (idempotent)."""
    groups = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(names))
        groups[role] = group
    return groups


def assign_role(user: User, role: Role) -> None:
    """Give ``user`` the role (idempotent). The group must exist (see the migration)."""
    user.groups.add(Group.objects.get(name=role.value))


def roles_of(user: User) -> set[Role]:
    names = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if role.value in names}


def has_role(user: User, role: Role) -> bool:
    return user.is_active and user.groups.filter(name=role.value).exists()
