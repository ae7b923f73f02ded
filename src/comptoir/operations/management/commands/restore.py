"""``comptoir restore ARCHIVE [--yes] [--verify-only]``: an archive of ``comptoir backup`` into an
empty database, media folder and private files' folder (``comptoir.operations.archive``;
docs/operator-guide.md, "Backups and restore")."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.config.commands import BilingualCommand, add_language_argument
from comptoir.operations.archive import (
    VENDOR_NAMES,
    BackupError,
    archive_migrations_unknown_here,
    media_files_phrase,
    private_files_phrase,
    restore_backup,
    verify_archive,
)


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Restore an archive of comptoir backup into an empty database, an empty media folder and "
        "an empty private files' folder, after checking every file's SHA-256; never over a "
        "database in use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        parser.add_argument("archive", type=Path, help=_("The archive (.tar) to restore."))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_(
                "Restore even though the media folder or the private files' folder already "
                "holds files: they are kept and the archive's are added beside them (one with "
                "the same name and other content is never replaced). The database must be empty "
                "all the same."
            ),
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help=_(
                "Only check the archive (every SHA-256, its manifest, that this code can restore "
                "it) and write nothing."
            ),
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help=_("The database to restore into, by its name in the settings (default: default)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            try:
                if options["verify_only"]:
                    self.verify(options["archive"], options["database"])
                else:
                    self.restore(options["archive"], options["database"], keep_files=options["yes"])
            except BackupError as error:
                raise CommandError(str(error), returncode=error.exit_status) from error

    def verify(self, archive: Path, alias: str) -> None:
        check = verify_archive(archive)
        manifest = check.manifest
        self.stdout.write(
            _(
                "The archive %(path)s is intact: made %(when)s by Comptoir %(version)s, a "
                "%(vendor)s database, %(media)s and %(private)s, every SHA-256 as in its manifest."
            )
            % {
                "path": archive,
                "when": manifest.get("created_at", "?"),
                "version": manifest.get("comptoir_version", "?"),
                "vendor": VENDOR_NAMES[check.vendor],
                "media": media_files_phrase(check.media_files),
                "private": private_files_phrase(check.private_files),
            }
        )
        if not check.has_private_files_section:
            self.stdout.write(
                _(
                    "It was made before Comptoir backed up the files clients send "
                    "(COMPTOIR_PRIVATE_MEDIA_ROOT): it holds none of them, and a restore leaves "
                    "that folder as it is."
                )
            )
        newer = archive_migrations_unknown_here(manifest["migrations"])
        if newer:
            raise BackupError(
                _(
                    "This Comptoir cannot restore it: the archive's migration %(migration)s is "
                    "not in this code (a newer Comptoir made it)."
                )
                % {"migration": newer[0]}
            )
        vendor = connections[alias].vendor
        if vendor != check.vendor:
            raise BackupError(
                _("This Comptoir uses %(target)s: it cannot restore a %(archive)s archive.")
                % {
                    "target": VENDOR_NAMES.get(vendor, vendor),
                    "archive": VENDOR_NAMES[check.vendor],
                }
            )

    def restore(self, archive: Path, alias: str, *, keep_files: bool) -> None:
        def run_migrate(database: str) -> None:
            call_command(
                "migrate", database=database, interactive=False, verbosity=0, stdout=io.StringIO()
            )

        result = restore_backup(
            archive, using=alias, keep_files=keep_files, run_migrate=run_migrate
        )
        self.stdout.write(
            _("Restored %(path)s into %(database)s; every table has the rows the manifest lists.")
            % {"path": archive, "database": result.database}
        )
        self.stdout.write(
            ngettext(
                "%(count)s media file written (%(kept)s already there with the same content).",
                "%(count)s media files written (%(kept)s already there with the same content).",
                result.media_written,
            )
            % {"count": result.media_written, "kept": result.media_kept}
        )
        self.stdout.write(
            ngettext(
                "%(count)s private file written (%(kept)s already there with the same content).",
                "%(count)s private files written (%(kept)s already there with the same content).",
                result.private_written,
            )
            % {"count": result.private_written, "kept": result.private_kept}
        )
        if result.migrations_applied:
            count = len(result.migrations_applied)
            self.stdout.write(
                ngettext(
                    "This Comptoir is newer than the archive: migrate applied %(count)s "
                    "migration (%(names)s).",
                    "This Comptoir is newer than the archive: migrate applied %(count)s "
                    "migrations (%(names)s).",
                    count,
                )
                % {"count": count, "names": ", ".join(result.migrations_applied)}
            )
