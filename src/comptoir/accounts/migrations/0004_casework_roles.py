"""Create the client service officer and unit manager roles, and give administrators the
permissions of clients and casework.

A frozen copy of ``comptoir.accounts.roles.ROLE_PERMISSIONS`` at the time of writing (migrations
must not import live code); ``tests/casework/test_roles.py`` checks both agree. The reverse removes
the two new groups and takes the new permissions back from administrators.
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
CLIENT_MODELS = ("client", "contactpoint", "contact")
CASEWORK_CATALOGUES = ("requesttype", "subjecttheme", "subject")
OFFICER = (
    {f"clients.{verb}_{model}" for model in CLIENT_MODELS for verb in ("view", "add", "change")}
    | {"casework.view_case", "casework.add_case", "casework.change_case"}
    | {"casework.view_caseevent", "casework.add_caseevent"}
    | {f"casework.view_{model}" for model in CASEWORK_CATALOGUES}
)
MANAGER = {"casework.assign_case"}
CASEWORK_ADMIN = (
    {f"casework.{verb}_{model}" for model in CASEWORK_CATALOGUES for verb in ("add", "change")}
    | {"casework.view_caseaccesslog", "clients.view_clientaccesslog"}
    | {f"inventory.{verb}_unitmembership" for verb in ("view", "add", "change")}
)
ROLES = {
    "viewer": VIEW,
    "service owner": VIEW | OWNER_EDIT,
    "inventory custodian": VIEW | OWNER_EDIT | CUSTODIAN,
    "client service officer": VIEW | OFFICER,
    "unit manager": VIEW | OFFICER | MANAGER,
    "administrator": VIEW | OWNER_EDIT | CUSTODIAN | ADMIN | OFFICER | MANAGER | CASEWORK_ADMIN,
}
NEW_ROLES = ("client service officer", "unit manager")


def _by_name(apps):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        # create_permissions skips an app config without a models module (a migration state's
        # have none); the previous value is put back, so that called with the project's own
        # registry (a test does) this leaves every app as it was.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    return {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    by_name = _by_name(apps)
    for name, wanted in ROLES.items():
        missing = wanted - by_name.keys()
        if missing:
            raise LookupError(f"role {name}: unknown permissions {sorted(missing)}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([by_name[codename] for codename in wanted])


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=NEW_ROLES).delete()
    by_name = _by_name(apps)
    administrators = Group.objects.filter(name="administrator").first()
    if administrators is not None:
        taken = (OFFICER | MANAGER | CASEWORK_ADMIN) & by_name.keys()
        administrators.permissions.remove(*[by_name[codename] for codename in taken])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_database_cache_table"),
        ("clients", "0001_clients_contact_points_contacts_access_log"),
        ("casework", "0001_cases_events_catalogues"),
        ("inventory", "0009_unit_membership"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
