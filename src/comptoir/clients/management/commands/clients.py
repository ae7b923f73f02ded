"""``comptoir clients index-keys``: the intake proposals' index rebuilt from every client record.
``comptoir clients propose [--given-name ...] [--family-name ...] [--email ...] [--phone ...]
[--format text|json]``: the existing clients a record would be proposed, with their explanations
(docs/matching.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.config.commands import BilingualCommand, add_language_argument


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Client records: the index of the intake proposals, and the proposals themselves."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _(
            "Rebuild the index the intake proposals look clients up in, from every client "
            "record (after a bulk load made without it, or to check it)."
        )
        sub.add_parser("index-keys", help=text, description=text)
        text = _(
            "Print the existing clients that would be proposed for a record, best first, with "
            "why each was proposed."
        )
        propose = sub.add_parser("propose", help=text, description=text)
        for name, words in (
            ("given-name", _("The given name.")),
            ("family-name", _("The family name.")),
            ("organization", _("The organization's name.")),
            ("email", _("An email address.")),
            ("phone", _("A phone number.")),
            ("postal-code", _("A postal code.")),
        ):
            propose.add_argument(f"--{name}", default="", help=words)
        propose.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("The output format.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_index_keys(self, **options: Any) -> None:
        from comptoir.clients.matching import rebuild_match_keys

        written = rebuild_match_keys()
        self.stdout.write(
            ngettext(
                "%(count)s blocking string written.",
                "%(count)s blocking strings written.",
                written,
            )
            % {"count": written}
        )

    def handle_propose(self, **options: Any) -> None:
        from comptoir.clients.matching import propose, typed_record

        record = typed_record(
            given_name=options["given_name"],
            family_name=options["family_name"],
            organization_name=options["organization"],
            email=options["email"],
            phone=options["phone"],
            postal_code=options["postal_code"],
        )
        if not any(
            options[name]
            for name in ("given_name", "family_name", "organization", "email", "phone")
        ):
            raise CommandError(_("Give at least a name, an email address or a phone number."))
        proposals = propose(record)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "client": proposal.client.pk,
                            "name": proposal.client.display_name,
                            "probability": round(proposal.probability, 6),
                            "decision": proposal.decision,
                            "explanation": [
                                {"field": line.field, "level": line.level, "weight": line.weight}
                                for line in proposal.explanation
                            ],
                        }
                        for proposal in proposals
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        if not proposals:
            self.stdout.write(_("No existing client is close enough to propose."))
            return
        for proposal in proposals:
            self.stdout.write(
                _("Client %(key)s, %(name)s: %(percent)s%%")
                % {
                    "key": proposal.client.pk,
                    "name": proposal.client.display_name,
                    "percent": proposal.percent,
                }
            )
            for reason in proposal.reasons():
                self.stdout.write(f"  {reason}")
