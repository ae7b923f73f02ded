"""``comptoir clients index-keys``: the intake proposals' index rebuilt from every client record.
``comptoir clients propose [--given-name ...] [--family-name ...] [--email ...] [--phone ...]
[--format text|json]``: the existing clients a record would be proposed, with their explanations.
``comptoir clients import FILE.csv [--map COLUMN=field ...] [--dry-run] [--report OUT.csv]``:
client records from another system, all or nothing. ``comptoir clients find-duplicates
[--min-score S] [--format csv|json] [--estimate]``: the pairs of records that may be one client
(docs/matching.md, "In bulk")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.config.commands import (
    BilingualCommand,
    add_language_argument,
    import_refused,
)

#: The exit status of an import refused for its problems (as ``comptoir cases import``).
#: The columns of ``find-duplicates``, in this order.
DUPLICATE_COLUMNS = (
    "left_id",
    "right_id",
    "left_source_id",
    "right_source_id",
    "score",
    "explanation",
)


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Client records: the index of the intake proposals, the proposals themselves, the bulk "
        "import of records and the search for duplicates."
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

        self._add_import(sub)
        self._add_find_duplicates(sub)

    def _add_import(self, sub: Any) -> None:
        from comptoir.clients.bulk_import import FIELDS

        text = _(
            "Import client records from another system (CSV, UTF-8): all of them, or none when "
            "a row has a problem."
        )
        imp = sub.add_parser("import", help=text, description=text)
        imp.add_argument("file", type=Path, help=_("The clients file (CSV, UTF-8)."))
        imp.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=_(
                "Read the file's column COLUMN as the field FIELD (repeat for each column); a "
                "column named like a field is read as that field without it. Fields: %(fields)s."
            )
            % {"fields": ", ".join(FIELDS)},
        )
        imp.add_argument(
            "--default-language",
            choices=["en", "fr"],
            default="en",
            help=_("The preferred official language of a row that gives none."),
        )
        imp.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check and report without writing anything."),
        )
        imp.add_argument(
            "--report",
            type=Path,
            help=_("Also write every problem, with its message in both languages, to this CSV."),
        )

    def _add_find_duplicates(self, sub: Any) -> None:
        from comptoir.clients.matching import DEFAULT_DUPLICATE_THRESHOLD

        text = _(
            "List the pairs of client records that may be one client, best first, with their "
            "score and the comparisons that counted."
        )
        find = sub.add_parser("find-duplicates", help=text, description=text)
        find.add_argument(
            "--min-score",
            type=float,
            default=DEFAULT_DUPLICATE_THRESHOLD,
            help=_("The lowest score listed, from 0 to 1 (default: %(default)s)."),
        )
        find.add_argument(
            "--format", choices=["csv", "json"], default="csv", help=_("The output format.")
        )
        find.add_argument(
            "--estimate",
            action="store_true",
            help=_(
                "Score with weights learnt from the records themselves (expectation-"
                "maximisation) instead of the shipped default weights."
            ),
        )

        find.add_argument(
            "--record",
            action="store_true",
            help=_(
                "Also keep the pairs found as the review queue's pending pairs, replacing those "
                "of the last recorded run (pairs already decided are left out)."
            ),
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

    def handle_import(self, **options: Any) -> None:
        from comptoir.clients.bulk_import import (
            ClientImportRejected,
            import_clients,
            parse_mapping,
        )

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            mapping = parse_mapping(options["map"])
        except ValueError as error:
            raise CommandError(
                _("Give --map as COLUMN=FIELD, not “%(value)s”.") % {"value": error.args[0]}
            ) from error
        try:
            result = import_clients(
                path,
                mapping=mapping,
                default_language=options["default_language"],
                is_dry_run=options["dry_run"],
            )
        except ClientImportRejected as rejected:
            report = rejected.report
            self._print_problems([*report.ignored, *report.problems], report.file)
            self._write_report([*report.ignored, *report.problems], report.file, options)
            raise import_refused(len(report.problems)) from rejected
        self._print_problems(result.report.ignored, result.report.file)
        self._write_report(result.report.ignored, result.report.file, options)
        counts = {
            "clients": result.clients,
            "persons": result.persons,
            "organizations": result.organizations,
            "points": result.contact_points,
        }
        if result.is_dry_run:
            message = ngettext(
                "Dry run: %(clients)d client would be imported (%(persons)d persons, "
                "%(organizations)d organizations, %(points)d contact points); nothing was "
                "written.",
                "Dry run: %(clients)d clients would be imported (%(persons)d persons, "
                "%(organizations)d organizations, %(points)d contact points); nothing was "
                "written.",
                result.clients,
            )
        else:
            message = ngettext(
                "Imported %(clients)d client (%(persons)d persons, %(organizations)d "
                "organizations, %(points)d contact points).",
                "Imported %(clients)d clients (%(persons)d persons, %(organizations)d "
                "organizations, %(points)d contact points).",
                result.clients,
            )
        self.stdout.write(message % counts)

    def _print_problems(self, problems: list[Any], file: str) -> None:
        for problem in problems:
            self.stdout.write(
                _("%(file)s, row %(row)s, column %(column)s [%(code)s]: %(message)s")
                % {
                    "file": file,
                    "row": problem.row or "-",
                    "column": problem.column or "-",
                    "code": problem.code,
                    "message": problem.message(),
                }
            )

    def _write_report(self, problems: list[Any], file: str, options: dict[str, Any]) -> None:
        path = options.get("report")
        if not path:
            return
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["file", "row", "column", "code", "message_en", "message_fr"])
            for problem in problems:
                writer.writerow(
                    [
                        file,
                        problem.row or "",
                        problem.column,
                        problem.code,
                        problem.message_in("en"),
                        problem.message_in("fr"),
                    ]
                )

    def handle_find_duplicates(self, **options: Any) -> None:
        from comptoir.clients.duplicates import DuplicatePair, find_duplicates

        min_score = options["min_score"]
        if not 0.0 <= min_score <= 1.0:
            raise CommandError(_("Give --min-score between 0 and 1."))
        scan = find_duplicates(min_score=min_score, use_estimate=options["estimate"])
        if options["record"]:
            from comptoir.clients.duplicates import record_candidates

            stored = record_candidates(scan.pairs)
            self.stderr.write(
                ngettext(
                    "%(count)s pair kept for review.", "%(count)s pairs kept for review.", stored
                )
                % {"count": stored}
            )
        for block in scan.skipped:
            self.stderr.write(
                _(
                    "Block left out (%(reason)s): %(key)s “%(value)s”, %(size)s records; its "
                    "pairs were not compared."
                )
                % {
                    "reason": block.reason,
                    "key": block.key,
                    "value": block.value,
                    "size": block.size,
                }
            )
        self.stderr.write(
            _(
                "%(records)s records read, %(candidates)s candidate pairs scored, %(found)s pairs "
                "at or above %(score)s, %(skipped)s blocks left out."
            )
            % {
                "records": scan.records,
                "candidates": scan.candidates,
                "found": len(scan.pairs),
                "score": min_score,
                "skipped": len(scan.skipped),
            }
        )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "left_id": pair.left_id,
                            "right_id": pair.right_id,
                            "left_source_id": pair.left_source_id,
                            "right_source_id": pair.right_source_id,
                            "score": round(pair.probability, 6),
                            "explanation": pair.explanation_codes(),
                        }
                        for pair in scan.pairs
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        # Rows go to a buffer, written out some thousands at a time (a million pairs are a
        # million rows), and pairs with the same levels share one explanation, formatted once.
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(DUPLICATE_COLUMNS)
        written: dict[tuple[int, float], tuple[str, str]] = {}

        def row(pair: DuplicatePair) -> tuple[object, ...]:
            key = (id(pair.explanation), pair.probability)
            text = written.get(key)
            if text is None:
                text = written[key] = (
                    f"{pair.probability:.6f}",
                    "; ".join(pair.explanation_codes()),
                )
            return (pair.left_id, pair.right_id, pair.left_source_id, pair.right_source_id, *text)

        for start in range(0, len(scan.pairs), 10_000):
            writer.writerows(row(pair) for pair in scan.pairs[start : start + 10_000])
            self.stdout.write(buffer.getvalue(), ending="")
            buffer.seek(0)
            buffer.truncate()
        self.stdout.write(buffer.getvalue(), ending="")
