"""``comptoir check``: Django's ``check``, its messages in the language of the environment
(``LANG=fr_CA.UTF-8`` for French), so that the settings checks ``scripts/serve`` runs before it
starts (comptoir.operations.checks, notifications.checks) speak the operator's language. Django's
own checks have English messages only."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.check import Command as DjangoCheckCommand
from django.utils import translation

from comptoir.i18n import command_language


class Command(DjangoCheckCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            return super().execute(*args, **options)
