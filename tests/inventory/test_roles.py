import importlib

import pytest
from django.contrib.auth.models import Group

from comptoir.accounts.roles import ROLE_PERMISSIONS, Role, has_role, roles_of, sync_roles

# The latest migration that writes the roles holds the frozen copy roles.py must agree with.
staff_roles_migration = importlib.import_module(
    "comptoir.accounts.migrations.0006_merge_clients_role"
)


def _group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_migration_creates_each_role_with_exactly_its_permissions(role):
    assert _group_permissions(role.value) == ROLE_PERMISSIONS[role]


def test_the_migration_copy_of_the_roles_agrees_with_roles_py():
    frozen = {name: set(perms) for name, perms in staff_roles_migration.ROLES.items()}
    assert frozen == {role.value: set(perms) for role, perms in ROLE_PERMISSIONS.items()}


@pytest.mark.django_db
def test_sync_roles_is_idempotent_and_restores_a_tampered_group():
    Group.objects.get(name=Role.VIEWER.value).permissions.clear()
    sync_roles()
    sync_roles()
    assert _group_permissions(Role.VIEWER.value) == ROLE_PERMISSIONS[Role.VIEWER]
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)


def test_no_role_may_delete_anything():
    for permissions in ROLE_PERMISSIONS.values():
        assert not any(".delete_" in name for name in permissions)


def test_only_custodians_and_administrators_approve_and_import():
    for role, permissions in ROLE_PERMISSIONS.items():
        may = role in {Role.INVENTORY_CUSTODIAN, Role.ADMINISTRATOR}
        assert ("inventory.approve_fiscalyear" in permissions) is may
        assert ("inventory.import_inventory" in permissions) is may


@pytest.mark.django_db
def test_a_user_has_the_permissions_of_their_role(make_user):
    viewer = make_user(Role.VIEWER)
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    assert roles_of(viewer) == {Role.VIEWER}
    assert has_role(custodian, Role.INVENTORY_CUSTODIAN)
    assert viewer.has_perm("inventory.view_serviceyear")
    assert not viewer.has_perm("inventory.change_serviceyear")
    assert custodian.has_perm("inventory.approve_fiscalyear")
    assert not custodian.has_perm("accounts.add_user")
