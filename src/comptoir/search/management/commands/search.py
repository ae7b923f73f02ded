"""``comptoir search rebuild [--kind case|client]``: make the search index again from the cases and
clients (after an upgrade, or a history import), in batches (docs/search.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.config.commands import BilingualCommand, add_language_argument
from comptoir.search.indexing import BATCH_SIZE, rebuild
from comptoir.search.models import EntryKind


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Maintain the search index of cases and clients."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _(
            "Make the index entry of every case and client again from its current state, in "
            "batches."
        )
        rebuild_parser = sub.add_parser("rebuild", help=text, description=text)
        rebuild_parser.add_argument(
            "--kind",
            choices=list(EntryKind.values),
            default=None,
            help=_("Only the cases, or only the clients (default: both)."),
        )
        rebuild_parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=_("How many objects are written per transaction (default: %(default)s)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            counts = rebuild(options["kind"], batch_size=max(1, options["batch_size"]))
            self.stdout.write(
                _("Search index rebuilt: %(cases)s cases, %(clients)s clients.")
                % {
                    "cases": counts.get(EntryKind.CASE, 0),
                    "clients": counts.get(EntryKind.CLIENT, 0),
                }
            )
