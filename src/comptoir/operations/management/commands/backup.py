"""``comptoir backup --out DIR|FILE.tar``: one archive of the database, of the uploaded files and
of the files clients sent (``comptoir.operations.archive``; docs/operator-guide.md, "Backups and
restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.config.commands import BilingualCommand, add_language_argument
from comptoir.operations.archive import (
    VENDOR_NAMES,
    BackupError,
    make_backup,
    media_files_phrase,
    private_files_phrase,
)


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Write one archive of the database, of the uploaded files (MEDIA_ROOT) and of the files "
        "clients sent (COMPTOIR_PRIVATE_MEDIA_ROOT), with a manifest of their SHA-256; the site "
        "may keep running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        parser.add_argument(
            "--out",
            type=Path,
            required=True,
            help=_(
                "A folder (the archive is named comptoir-backup-<UTC time>.tar in it) or a file "
                "name ending in .tar; an existing file is never replaced."
            ),
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help=_("The database to back up, by its name in the settings (default: default)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            try:
                result = make_backup(options["out"], now=timezone.now(), using=options["database"])
            except BackupError as error:
                raise CommandError(str(error), returncode=error.exit_status) from error
            self.stdout.write(
                _(
                    "Backup written: %(path)s (%(size)s bytes; a %(vendor)s database, %(media)s "
                    "and %(private)s)."
                )
                % {
                    "path": result.path,
                    "size": result.size,
                    "vendor": VENDOR_NAMES[result.vendor],
                    "media": media_files_phrase(result.media_files),
                    "private": private_files_phrase(result.private_files),
                }
            )
            self.stdout.write(
                _("Check it at any time with: comptoir restore --verify-only %(path)s")
                % {"path": result.path}
            )
