"""Give administrators the permissions of editing the messages sent to clients
(``notifications.MessageTemplate``). The reverse takes them back.

The permission names are written out here (migrations must not import live code);
``tests/casework/test_roles.py`` checks the groups against ``accounts.roles.ROLE_PERMISSIONS``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [f"{verb}_messagetemplate" for verb in ("view", "add", "change")]


def _permissions(apps):
    notifications = apps.get_app_config("notifications")
    previous = getattr(notifications, "models_module", None)
    notifications.models_module = True
    create_permissions(notifications, apps=apps, verbosity=0)
    notifications.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="notifications", codename__in=PERMISSIONS
        )
    )


def give(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    administrators = Group.objects.filter(name="administrator").first()
    if administrators is not None:
        found = _permissions(apps)
        if len(found) != len(PERMISSIONS):
            raise LookupError(f"notifications permissions missing: {PERMISSIONS}")
        administrators.permissions.add(*found)


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    administrators = Group.objects.filter(name="administrator").first()
    if administrators is not None:
        administrators.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_casework_roles"),
        ("notifications", "0002_outbound_last_attempt"),
    ]

    operations = [migrations.RunPython(give, take_back)]
