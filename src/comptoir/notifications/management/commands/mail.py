"""``comptoir mail ingest PATH...``: mail handed over as files, recorded as if read from the
mailbox (``comptoir.notifications.inbound.ingest``).

Each PATH is an ``.eml`` file (one raw message) or a maildir (the messages of its ``new/`` and
``cur/``). One line is printed per message: what was done with it and its case. A path that
cannot be read is reported (in the user's language) and skipped, the others still ingested, and
the command then exits with status 2. Ingesting the same message again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.config.commands import BilingualCommand, add_language_argument

EXIT_UNREADABLE = 2


class Unreadable(Exception):
    """A path that is not a message or a maildir, or cannot be read (its message translated)."""


def _maildir_entries(folder: Path) -> list[Path]:
    parts = [folder / "new", folder / "cur"]
    if not any(part.is_dir() for part in parts):
        raise Unreadable(
            _("%(path)s is a folder but not a maildir (it has neither new/ nor cur/).")
            % {"path": folder}
        )
    entries: list[Path] = []
    for part in parts:
        if part.is_dir():
            entries.extend(sorted(p for p in part.iterdir() if not p.is_dir()))
    return entries


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise Unreadable(
            _("%(path)s cannot be read: %(reason)s") % {"path": path, "reason": error.strerror}
        ) from error


def _messages(path: Path) -> Iterator[tuple[Path, bytes, str]]:
    """(path, raw bytes, source) of every message ``path`` holds, all read before the first is
    given: a folder with an unreadable entry gives none (nothing half-done)."""
    from comptoir.notifications.models import InboundSource

    if path.is_dir():
        entries = _maildir_entries(path)
        read = [(entry, _read(entry)) for entry in entries]
        for entry, raw in read:
            yield entry, raw, InboundSource.MAILDIR
        return
    if not path.exists():
        raise Unreadable(_("No such file: %(path)s") % {"path": path})
    yield path, _read(path), InboundSource.FILE


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Record mail received from clients: threaded onto its case, opening a new case, or set "
        "aside when automatic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Runs in the user's language (BilingualCommand): help strings use gettext.
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _(
            "Ingest messages from .eml files or maildir folders (their new/ and cur/), as if "
            "read from the mailbox; a message already ingested is not ingested again."
        )
        ingest = sub.add_parser("ingest", help=text, description=text)
        ingest.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help=_("An .eml file or a maildir folder."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            self.handle_ingest(**options)

    def handle_ingest(self, **options: Any) -> None:
        from comptoir.notifications.inbound import describe_detail, ingest_message

        failures = 0
        for path in options["paths"]:
            try:
                messages = list(_messages(path))
            except Unreadable as error:
                self.stderr.write(str(error))
                failures += 1
                continue
            for entry, raw, source in messages:
                done = ingest_message(raw, source=source)
                self.stdout.write(self._line(entry, done.message, is_new=done.is_new))
                if options.get("verbosity", 1) > 1:
                    for line in describe_detail(done.message.detail):
                        self.stdout.write(f"    {line}")
        if failures:
            raise CommandError(
                ngettext(
                    "%(count)d path could not be read.",
                    "%(count)d paths could not be read.",
                    failures,
                )
                % {"count": failures},
                returncode=EXIT_UNREADABLE,
            )

    def _line(self, path: Path, message: Any, *, is_new: bool) -> str:
        values = {
            "path": path,
            "verdict": message.get_verdict_display(),
            "reference": message.case.reference if message.case_id else "—",
        }
        if not is_new:
            # Translators: a message ingested before; %(verdict)s is what was done then.
            return _("%(path)s: already ingested (%(verdict)s; case %(reference)s)") % values
        return _("%(path)s: %(verdict)s; case %(reference)s") % values
