"""Create the four staff roles as groups with their permissions.

A frozen copy of ``comptoir.accounts.roles.ROLE_PERMISSIONS`` at the time of writing (migrations
must not import live code); ``tests/inventory/test_roles.py`` checks both agree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
VIEW = {f"inventory.view_{model}" for model in INVENTORY_MODELS}
OWNER_EDIT = {
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
CUSTODIAN = {
    f"inventory.{verb}_{model}" for model in INVENTORY_MODELS for verb in ("add", "change")
} | {"inventory.approve_fiscalyear", "inventory.import_inventory"}
ADMIN = {
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_user",
    "auth.view_group",
    "auth.change_group",
}
ROLES = {
    "viewer": VIEW,
    "service owner": VIEW | OWNER_EDIT,
    "inventory custodian": VIEW | OWNER_EDIT | CUSTODIAN,
    "administrator": VIEW | OWNER_EDIT | CUSTODIAN | ADMIN,
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        # The previous value is put back (see 0004_casework_roles: a test calls these functions
        # with the project's own registry).
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for name, wanted in ROLES.items():
        missing = wanted - by_name.keys()
        if missing:
            raise LookupError(f"role {name}: unknown permissions {sorted(missing)}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([by_name[codename] for codename in wanted])


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_user"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inventory", "0001_service_inventory"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
