"""The two casework roles: what each may do, and the migration that creates them."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group

from comptoir.accounts.roles import ROLE_PERMISSIONS, Role

casework_roles = importlib.import_module("comptoir.accounts.migrations.0004_casework_roles")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.CLIENT_SERVICE_OFFICER, Role.UNIT_MANAGER, Role.ADMINISTRATOR]
)
def test_the_migration_gives_each_casework_role_exactly_its_permissions(role):
    group = Group.objects.get(name=role.value)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == ROLE_PERMISSIONS[role]


def test_an_officer_works_clients_and_cases_and_sees_the_inventory():
    officer = ROLE_PERMISSIONS[Role.CLIENT_SERVICE_OFFICER]
    assert {"clients.add_client", "clients.change_contactpoint", "casework.add_case"} <= officer
    assert {"casework.add_caseevent", "inventory.view_serviceyear"} <= officer
    assert "casework.assign_case" not in officer
    assert "inventory.change_serviceyear" not in officer
    assert "casework.change_caseevent" not in officer


def test_a_manager_has_the_officers_permissions_assigns_cases_and_merges_clients():
    manager = ROLE_PERMISSIONS[Role.UNIT_MANAGER]
    assert manager == ROLE_PERMISSIONS[Role.CLIENT_SERVICE_OFFICER] | {
        "casework.assign_case",
        "clients.merge_client",
    }
    assert "clients.merge_client" not in ROLE_PERMISSIONS[Role.CLIENT_SERVICE_OFFICER]


def test_administrators_have_every_permission_of_every_role():
    administrator = ROLE_PERMISSIONS[Role.ADMINISTRATOR]
    for permissions in ROLE_PERMISSIONS.values():
        assert permissions <= administrator


def test_the_roles_have_labels_in_both_languages():
    from django.utils import translation

    for role in (Role.CLIENT_SERVICE_OFFICER, Role.UNIT_MANAGER):
        with translation.override("fr"):
            french = role.label
        with translation.override("en"):
            english = role.label
        assert english and french and english != french


@pytest.mark.django_db
def test_the_reverse_removes_the_two_roles_and_takes_back_the_administrators_new_rights():
    from django.apps import apps

    casework_roles.remove_roles(apps, None)
    assert not Group.objects.filter(name__in=casework_roles.NEW_ROLES).exists()
    administrator = Group.objects.get(name="administrator")
    assert not administrator.permissions.filter(codename="assign_case").exists()
    assert administrator.permissions.filter(codename="approve_fiscalyear").exists()
    casework_roles.create_roles(apps, None)
    assert Group.objects.filter(name__in=casework_roles.NEW_ROLES).count() == 2
