"""Give unit managers and administrators the permission of merging duplicate client records
and undoing a merge (``clients.merge_client``, issue 13); the reverse takes it back.

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
CLIENT_MODELS = ("client", "contactpoint", "contact")
CASEWORK_CATALOGUES = ("requesttype", "subjecttheme", "subject")
OFFICER = (
    {f"clients.{verb}_{model}" for model in CLIENT_MODELS for verb in ("view", "add", "change")}
    | {"casework.view_case", "casework.add_case", "casework.change_case"}
    | {"casework.view_caseevent", "casework.add_caseevent"}
    | {f"casework.view_{model}" for model in CASEWORK_CATALOGUES}
)
MANAGER = {"casework.assign_case"}
#: Data stewards (unit managers and administrators) merge duplicate clients and undo merges.
MERGE = {"clients.merge_client"}
CASEWORK_ADMIN = (
    {f"casework.{verb}_{model}" for model in CASEWORK_CATALOGUES for verb in ("add", "change")}
    | {"casework.view_caseaccesslog", "clients.view_clientaccesslog"}
    | {f"inventory.{verb}_unitmembership" for verb in ("view", "add", "change")}
)
NOTIFICATIONS_ADMIN = {f"notifications.{verb}_messagetemplate" for verb in ("view", "add", "change")}
ROLES = {
    "viewer": VIEW,
    "service owner": VIEW | OWNER_EDIT,
    "inventory custodian": VIEW | OWNER_EDIT | CUSTODIAN,
    "client service officer": VIEW | OFFICER,
    "unit manager": VIEW | OFFICER | MANAGER | MERGE,
    "administrator": VIEW
    | OWNER_EDIT
    | CUSTODIAN
    | ADMIN
    | OFFICER
    | MANAGER
    | CASEWORK_ADMIN
    | NOTIFICATIONS_ADMIN
    | MERGE,
}


def _by_name(apps):
    # Permissions are normally created after all migrations ran; create them now (and put each
    # app config's models module back, as 0004 does).
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    return {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }


def give(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    by_name = _by_name(apps)
    missing = MERGE - by_name.keys()
    if missing:
        raise LookupError(f"unknown permissions {sorted(missing)}")
    for group in Group.objects.filter(name__in=["unit manager", "administrator"]):
        group.permissions.add(*[by_name[name] for name in MERGE])


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    by_name = _by_name(apps)
    taken = MERGE & by_name.keys()
    for group in Group.objects.filter(name__in=["unit manager", "administrator"]):
        group.permissions.remove(*[by_name[name] for name in taken])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_notification_templates_role"),
        ("clients", "0006_merges"),
    ]

    operations = [migrations.RunPython(give, take_back)]
