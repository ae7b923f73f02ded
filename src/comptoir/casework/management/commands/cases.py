"""``comptoir cases import CASES.csv [--events EVENTS.csv] [--dry-run]``: the history import
(docs/history-import.md). ``comptoir cases recompute-clocks [--service SERVICE_ID [--org ORG]]``:
the open cases' next due instants computed again, after a standard's rule changed
(docs/casework.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.casework.history_import import HistoryImportRejected, Problem, import_history
from comptoir.config.commands import (
    EXIT_REJECTED,
    BilingualCommand,
    add_language_argument,
    import_refused,
)


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Bring cases and their events from an older system or a spreadsheet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Runs in the user's language (BilingualCommand): help strings use gettext.
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _(
            "Import a history of cases (one row per case) and, optionally, their further events "
            "(one row per event): all of it, or nothing when a row has a problem."
        )
        imp = sub.add_parser("import", help=text, description=text)
        imp.add_argument("cases", type=Path, help=_("The cases file (CSV, UTF-8)."))
        imp.add_argument("--events", type=Path, help=_("The events file (CSV, UTF-8)."))
        imp.add_argument(
            "--org",
            help=_(
                "The organization (owner_org code) whose services the file names; required "
                "when several organizations have a service with the same id."
            ),
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

        text = _(
            "Compute again the next due date of the open cases (of one service, or of all), as "
            "after a change of a standard's rule; print how many were read and how many changed."
        )
        clocks = sub.add_parser("recompute-clocks", help=text, description=text)
        clocks.add_argument(
            "--service",
            metavar="SERVICE_ID",
            help=_("Only the cases of this service (its open-data service ID)."),
        )
        clocks.add_argument(
            "--org",
            help=_(
                "The organization (owner_org code) of the service; required when several "
                "organizations have a service with this ID."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_recompute_clocks(self, **options: Any) -> None:
        from comptoir.casework.actions import recompute_clocks
        from comptoir.casework.text import clocks_recomputed
        from comptoir.inventory.models import Service

        service_key = None
        if options["service"]:
            services = Service.objects.filter(service_id=options["service"])
            if options["org"]:
                services = services.filter(organization__owner_org=options["org"])
            keys = list(services.values_list("pk", flat=True)[:2])
            if not keys:
                raise CommandError(
                    _("No service has the ID %(id)s (in the organization given).")
                    % {"id": options["service"]},
                    returncode=EXIT_REJECTED,
                )
            if len(keys) > 1:
                raise CommandError(
                    _(
                        "Several organizations have a service with the ID %(id)s: say which "
                        "with --org."
                    )
                    % {"id": options["service"]},
                    returncode=EXIT_REJECTED,
                )
            service_key = keys[0]
        elif options["org"]:
            raise CommandError(_("--org goes with --service."), returncode=EXIT_REJECTED)
        read, changed = recompute_clocks(service_id=service_key)
        self.stdout.write(clocks_recomputed(read, changed))

    def handle_import(self, **options: Any) -> None:
        paths = [options["cases"], *([options["events"]] if options["events"] else [])]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = import_history(
                options["cases"],
                options["events"],
                org=options["org"] or None,
                is_dry_run=options["dry_run"],
            )
        except HistoryImportRejected as rejected:
            report = rejected.report
            self._print(report.ignored, report.files)
            self._print(report.problems, report.files)
            self._write_report([*report.ignored, *report.problems], report.files, options)
            raise import_refused(len(report.problems)) from rejected
        self._print(result.report.ignored, result.report.files)
        self._write_report(result.report.ignored, result.report.files, options)
        counts = {
            "cases": result.cases,
            "events": result.events,
            "matched": result.clients_matched,
            "created": result.clients_created,
            "anonymous": result.anonymous,
            "new_references": result.new_references,
        }
        if result.is_dry_run:
            message = ngettext(
                "Dry run: %(cases)d case and %(events)d events would be imported "
                "(%(matched)d clients matched by email, %(created)d new clients, %(anonymous)d "
                "anonymous cases, %(new_references)d new references); nothing was written.",
                "Dry run: %(cases)d cases and %(events)d events would be imported "
                "(%(matched)d clients matched by email, %(created)d new clients, %(anonymous)d "
                "anonymous cases, %(new_references)d new references); nothing was written.",
                result.cases,
            )
        else:
            message = ngettext(
                "Imported %(cases)d case and %(events)d events (%(matched)d clients matched by "
                "email, %(created)d new clients, %(anonymous)d anonymous cases, "
                "%(new_references)d new references).",
                "Imported %(cases)d cases and %(events)d events (%(matched)d clients matched by "
                "email, %(created)d new clients, %(anonymous)d anonymous cases, "
                "%(new_references)d new references).",
                result.cases,
            )
        self.stdout.write(message % counts)

    def _print(self, problems: list[Problem], files: dict[str, str]) -> None:
        for problem in problems:
            self.stdout.write(
                _("%(file)s, row %(row)s, column %(column)s [%(code)s]: %(message)s")
                % {
                    "file": files.get(problem.file, problem.file),
                    "row": problem.row or "-",
                    "column": problem.column or "-",
                    "code": problem.code,
                    "message": problem.message(),
                }
            )

    def _write_report(
        self, problems: list[Problem], files: dict[str, str], options: dict[str, Any]
    ) -> None:
        path = options.get("report")
        if not path:
            return
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["file", "row", "column", "code", "message_en", "message_fr"])
            for problem in problems:
                writer.writerow(
                    [
                        files.get(problem.file, problem.file),
                        problem.row or "",
                        problem.column,
                        problem.code,
                        problem.message_in("en"),
                        problem.message_in("fr"),
                    ]
                )
