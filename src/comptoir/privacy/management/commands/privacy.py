"""``comptoir privacy export CLIENT [--format json|text] [--language en|fr]``: everything held
about a client, for an access request (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.config.commands import BilingualCommand, add_language_argument


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Privacy: export everything held about a client for an access request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _(
            "Print everything held about a client record and the records merged into it: the "
            "record and its history, contact points, cases with their events, files and mail."
        )
        export = sub.add_parser("export", help=text, description=text)
        export.add_argument("client", type=int, help=_("The client record's number."))
        export.add_argument(
            "--format",
            choices=["json", "text"],
            default="text",
            help=_("json for a machine, text for a person (in the --language chosen)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from comptoir.clients.models import Client
        from comptoir.privacy.export import as_text, personal_information

        language = self.output_language(options)
        with translation.override(language):
            client = Client.objects.filter(pk=options["client"]).first()
            if client is None:
                raise CommandError(_("No client record %(id)s.") % {"id": options["client"]})
            if client.merged_into_id is not None:
                self.stderr.write(
                    _(
                        "Record %(id)s was merged into record %(kept)s: its cases are there. "
                        "Exporting record %(kept)s with every record merged into it."
                    )
                    % {"id": client.pk, "kept": client.merged_into_id}
                )
                while client.merged_into_id is not None:
                    client = Client.objects.get(pk=client.merged_into_id)
            data = personal_information(client)
            if options["format"] == "json":
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(as_text(data, language), ending="")
