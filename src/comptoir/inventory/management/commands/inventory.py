"""``comptoir inventory import|export|fill-from-cases|indicators``: the inventory from the
command line."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.config.commands import BilingualCommand, add_language_argument
from comptoir.inventory import findings
from comptoir.inventory.actions import do_import_inventory, do_load_program_codes
from comptoir.inventory.errors import ImportRejectedError, InventoryError
from comptoir.inventory.exporting import export_fiscal_year
from comptoir.inventory.importing import PROGRAM_CODES_NOT_LOADED
from comptoir.inventory.models import Organization, ProgramCode, ServiceYear
from comptoir.inventory.queries import indicators_for

EXIT_REJECTED = 2


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Import, export and measure the service inventory in the official open-data format."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Runs in the user's language (BilingualCommand): help strings use gettext.
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)

        text = _("Import service.csv and service-std.csv.")
        imp = sub.add_parser("import", help=text, description=text)
        imp.add_argument(
            "--services",
            required=True,
            type=Path,
            help=_("The services file of the open data (service.csv)."),
        )
        imp.add_argument(
            "--standards",
            required=True,
            type=Path,
            help=_("The service standards file of the open data (service-std.csv)."),
        )
        imp.add_argument(
            "--strict",
            action="store_true",
            help=_(
                "Reject both files, changing nothing, on any error (warnings are kept as findings)."
            ),
        )
        imp.add_argument(
            "--report",
            type=Path,
            help=_("Also write every violation, with its message in both languages, to this CSV."),
        )
        imp.add_argument(
            "--summary", action="store_true", help=_("Print only the counts, not each violation.")
        )

        text = _("Write a fiscal year in the official format.")
        exp = sub.add_parser("export", help=text, description=text)
        exp.add_argument("--fiscal-year", required=True, help=_("The fiscal year, e.g. 2025-2026."))
        exp.add_argument(
            "--out", required=True, type=Path, help=_("Folder to write both files to.")
        )
        exp.add_argument("--org", help=_("Only this organization (owner_org code)."))

        text = _(
            "Write a fiscal year's applications per channel and standard volumes, counted from "
            "the cases, into the records of the services handled in Comptoir (refused for an "
            "approved year)."
        )
        fill = sub.add_parser("fill-from-cases", help=text, description=text)
        fill.add_argument(
            "--fiscal-year", required=True, help=_("The fiscal year, e.g. 2025-2026.")
        )
        fill.add_argument("--org", help=_("Only this organization (owner_org code)."))
        fill.add_argument(
            "--dry-run", action="store_true", help=_("Print what would change; change nothing.")
        )
        fill.add_argument(
            "--user", help=_("The user the change is recorded for in the history (username).")
        )
        fill.set_defaults(action="fill_from_cases")  # the handler's name

        text = _("Compute the inventory indicators of a year.")
        ind = sub.add_parser("indicators", help=text, description=text)
        ind.add_argument("--fiscal-year", required=True, help=_("The fiscal year, e.g. 2025-2026."))
        ind.add_argument("--org", help=_("Only this organization (owner_org code)."))
        ind.add_argument(
            "--format",
            choices=["json", "csv"],
            default="json",
            help=_("Output format (default: json)."),
        )

        codes = sub.add_parser(
            "load-program-codes",
            help=_(
                "Load the Open Government registry's program codes from its data dictionary "
                "(service_data_dict.json); imports and edits then check program codes against them."
            ),
        )
        codes.add_argument(
            "dictionary", type=Path, help=_("The official data dictionary (JSON file).")
        )
        codes.set_defaults(action="load_program_codes")  # the handler's name

    def handle(self, *args: Any, **options: Any) -> None:
        language = self.output_language(options)
        with translation.override(language):
            getattr(self, f"handle_{options['action']}")(**options)

    # --- import ---------------------------------------------------------------------------------

    def handle_import(self, **options: Any) -> None:
        for path in (options["services"], options["standards"]):
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = do_import_inventory(
                options["services"], options["standards"], actor=None, strict=options["strict"]
            )
        except ImportRejectedError as error:
            self._print_violations(error.violations, options)
            self._write_report(error.violations, options)
            raise CommandError(str(error), returncode=EXIT_REJECTED) from error
        except InventoryError as error:
            raise CommandError(str(error), returncode=EXIT_REJECTED) from error
        self._print_violations(result.violations, options)
        self._write_report(result.violations, options)
        self.stdout.write(
            _(
                "Imported %(services)d service records (%(s_new)d new, %(s_changed)d changed, "
                "%(s_same)d unchanged) and %(standards)d standard records (%(t_new)d new, "
                "%(t_changed)d changed, %(t_same)d unchanged); %(findings)d findings recorded."
            )
            % {
                "services": result.services_total,
                "s_new": result.services_created,
                "s_changed": result.services_updated,
                "s_same": result.services_unchanged,
                "standards": result.standards_total,
                "t_new": result.standards_created,
                "t_changed": result.standards_updated,
                "t_same": result.standards_unchanged,
                "findings": len(result.violations),
            }
        )

    def _print_violations(self, violations: list[Any], options: dict[str, Any]) -> None:
        if not ProgramCode.objects.exists():  # said once per import
            self.stderr.write(str(PROGRAM_CODES_NOT_LOADED), style_func=self.style.WARNING)
        files = {"service": options["services"].name, "service-std": options["standards"].name}
        if not options["summary"]:
            for violation in violations:
                described = findings.render(violation)
                self.stdout.write(
                    _("%(file)s row %(row)s, %(field)s [%(rule)s, %(severity)s]: %(message)s")
                    % {
                        "file": files[described.resource],
                        "row": described.row or "-",
                        "field": described.field or "-",
                        "rule": described.rule,
                        "severity": described.severity_label,
                        "message": described.message,
                    }
                )
        counts = Counter(v.rule.value for v in violations)
        if counts:
            self.stdout.write(_("Violations per rule:"))
            for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                self.stdout.write(f"  {count:6d}  {rule}  ({findings.rule_label(rule)})")
        else:
            self.stdout.write(_("No violation."))

    def _write_report(self, violations: list[Any], options: dict[str, Any]) -> None:
        path = options.get("report")
        if not path:
            return
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                [
                    "resource",
                    "row",
                    "service_id",
                    "service_standard_id",
                    "field",
                    "rule",
                    "severity",
                    "message_en",
                    "message_fr",
                ]
            )
            for violation in violations:
                english, french = findings.render_both(violation)
                writer.writerow(
                    [
                        english.resource,
                        english.row or "",
                        english.service_id,
                        english.standard_id,
                        english.field,
                        english.rule,
                        english.severity,
                        english.message,
                        french.message,
                    ]
                )

    # --- program codes --------------------------------------------------------------------------

    def handle_load_program_codes(self, **options: Any) -> None:
        path = options["dictionary"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            loaded = do_load_program_codes(path, actor=None)
        except InventoryError as error:
            raise CommandError(str(error), returncode=EXIT_REJECTED) from error
        self.stdout.write(
            _(
                "Loaded %(total)d program codes (%(new)d new, %(changed)d changed, %(same)d "
                "unchanged, %(removed)d removed)."
            )
            % {
                "total": loaded.total,
                "new": loaded.created,
                "changed": loaded.updated,
                "same": loaded.unchanged,
                "removed": loaded.removed,
            }
        )

    # --- export ---------------------------------------------------------------------------------

    def _check_year(self, fiscal_year: str, org: str | None) -> None:
        if org and not Organization.objects.filter(owner_org=org).exists():
            raise CommandError(_("No organization %(org)s.") % {"org": org})
        records = ServiceYear.objects.filter(fiscal_year__code=fiscal_year)
        if org:
            records = records.filter(fiscal_year__organization__owner_org=org)
        if not records.exists():
            raise CommandError(
                _("No service record for fiscal year %(fiscal_year)s.")
                % {"fiscal_year": fiscal_year}
            )

    def handle_export(self, **options: Any) -> None:
        self._check_year(options["fiscal_year"], options["org"])
        counts = export_fiscal_year(options["fiscal_year"], options["out"], options["org"])
        for name, rows in counts.items():
            self.stdout.write(
                _("Wrote %(rows)d rows to %(path)s") % {"rows": rows, "path": options["out"] / name}
            )

    # --- fill-from-cases ------------------------------------------------------------------------

    def handle_fill_from_cases(self, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from comptoir.measurement.inventory_numbers import do_fill_from_cases

        self._check_year(options["fiscal_year"], options["org"])
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(
                    _("No user is named %(username)s.") % {"username": options["user"]}
                )
        try:
            result = do_fill_from_cases(
                options["fiscal_year"],
                actor=actor,
                org=options["org"],
                dry_run=options["dry_run"],
            )
        except InventoryError as error:
            raise CommandError(str(error), returncode=EXIT_REJECTED) from error
        for cell in result.changed:
            record = cell.service_id
            if cell.service_standard_id:
                record = f"{cell.service_id}/{cell.service_standard_id}"
            self.stdout.write(
                _("%(org)s %(record)s %(cell)s: %(before)s (typed) → %(after)s (counted)")
                % {
                    "org": cell.owner_org,
                    "record": record,
                    "cell": cell.cell,
                    "before": cell.before or "—",
                    "after": cell.after,
                }
            )
        summary = (
            _(
                "Dry run, nothing was changed. Cells that would change: %(changed)d; service "
                "records handled in Comptoir this year: %(handled)d of %(services)d (the others "
                "keep their typed numbers)."
            )
            if result.dry_run
            else _(
                "Cells changed: %(changed)d; service records handled in Comptoir this year: "
                "%(handled)d of %(services)d (the others keep their typed numbers)."
            )
        )
        self.stdout.write(
            summary
            % {
                "changed": len(result.changed),
                "handled": result.handled,
                "services": result.services,
            }
        )

    # --- indicators -----------------------------------------------------------------------------

    def handle_indicators(self, **options: Any) -> None:
        self._check_year(options["fiscal_year"], options["org"])
        figures = indicators_for(options["fiscal_year"], org=options["org"]).as_dict()
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["indicator", "value"])
        for name, value in figures.items():
            if isinstance(value, dict):
                for key, item in value.items():
                    writer.writerow([f"{name}[{key}]", "" if item is None else item])
            else:
                writer.writerow([name, "" if value is None else value])
