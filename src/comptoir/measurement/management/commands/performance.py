"""``comptoir performance``: the standards performance computed from the cases
(``docs/measurement.md``).

    comptoir performance recompute [--fiscal-year 2024-2025]
    comptoir performance show --fiscal-year 2024-2025 [--service ID [--org ORG]] \\
        [--attribution output|receipt] [--period fiscal_year|quarter|month|week] --format json|csv
    comptoir performance differences --fiscal-year 2024-2025 [--service ID [--org ORG]]
    comptoir performance counts-import COUNTS.csv [--org ORG]
    comptoir performance attribution ORG [output|receipt]
    comptoir performance realtime [--service ID [--org ORG]] [--refresh]

A refused request (a bad year, an unknown service, a bad file) prints a translated error and
exits with status 2, having changed nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.config.commands import BilingualCommand, add_language_argument
from comptoir.core.performance.errors import PerformanceError, PerformanceErrorCode
from comptoir.measurement.queries import ATTRIBUTIONS, PERIOD_KINDS

if TYPE_CHECKING:
    from comptoir.inventory.models import Organization, Service
    from comptoir.measurement.queries import PerformanceReport

EXIT_REFUSED = 2
#: The columns of ``show`` (``period`` first when the period is not the fiscal year).
SHOW_COLUMNS = (
    "standard_id",
    "volume_meeting_target",
    "total_volume",
    "performance",
    "target_met",
    "excluded",
)


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Compute and show the performance of the service standards from the cases."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Runs in the user's language (BilingualCommand): help strings use gettext.
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)

        text = _(
            "Measure the cases again against their standards (all of them, or those alive in "
            "one fiscal year) and print how many were measured."
        )
        recompute = sub.add_parser("recompute", help=text, description=text)
        recompute.add_argument(
            "--fiscal-year",
            metavar="YYYY-YYYY",
            help=_("Only the cases received, issued or open in this fiscal year (2024-2025)."),
        )

        text = _(
            "Print, per standard, the volume meeting the target, the total volume, the "
            "performance, whether the target was met and the excluded cases."
        )
        show = sub.add_parser("show", help=text, description=text)
        self._add_year_and_service(show)
        show.add_argument(
            "--attribution",
            choices=ATTRIBUTIONS,
            help=_(
                "Count each case in the year of its output or of its receipt (default: each "
                "organization's setting)."
            ),
        )
        show.add_argument(
            "--period",
            choices=PERIOD_KINDS,
            default="fiscal_year",
            help=_("One row per standard and fiscal year (the default), quarter, month or week."),
        )
        show.add_argument(
            "--format",
            choices=("json", "csv"),
            required=True,
            help=_("The output format."),
        )

        text = _(
            "Print, per standard, the volumes by output date and by receipt date, where the "
            "two differ."
        )
        differences = sub.add_parser("differences", help=text, description=text)
        self._add_year_and_service(differences)

        text = _(
            "Import volumes counted outside Comptoir (telephony) from a CSV file: all of it, or "
            "nothing when a row has a problem."
        )
        counts = sub.add_parser("counts-import", help=text, description=text)
        counts.add_argument(
            "file",
            type=Path,
            help=_(
                "The counts file (CSV, UTF-8) with the columns service_id, standard_id, "
                "period_start, period_end, volume_meeting, total_volume and, optionally, "
                "source."
            ),
        )
        counts.add_argument(
            "--org",
            help=_(
                "The organization (owner_org code) whose services the file names; required "
                "when several organizations have a service with the same id."
            ),
        )

        text = _(
            "Show or set the fiscal year an organization counts a case in: by output (the "
            "default) or by receipt."
        )
        attribution = sub.add_parser("attribution", help=text, description=text)
        attribution.add_argument("org", metavar="ORG", help=_("The organization code (owner_org)."))
        attribution.add_argument(
            "value", nargs="?", choices=ATTRIBUTIONS, help=_("The new setting.")
        )

        text = _(
            "Print the stored real-time figures of each standard (all services, or one), or "
            "compute them again first with --refresh."
        )
        realtime = sub.add_parser("realtime", help=text, description=text)
        realtime.add_argument(
            "--service", metavar="SERVICE_ID", help=_("Only this service (its open-data ID).")
        )
        realtime.add_argument(
            "--org",
            help=_(
                "The organization (owner_org code) of the service; required when several "
                "organizations have a service with this ID."
            ),
        )
        realtime.add_argument(
            "--refresh", action="store_true", help=_("Compute the figures again and store them.")
        )

    def _add_year_and_service(self, parser: Any) -> None:
        parser.add_argument(
            "--fiscal-year", metavar="YYYY-YYYY", required=True, help=_("The fiscal year.")
        )
        parser.add_argument(
            "--service",
            metavar="SERVICE_ID",
            help=_("Only the cases of this service (its open-data service ID)."),
        )
        parser.add_argument(
            "--org",
            help=_(
                "The organization (owner_org code) of the service; required when several "
                "organizations have a service with this ID."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            try:
                getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)
            except PerformanceError as error:
                raise CommandError(_performance_message(error), returncode=EXIT_REFUSED) from error

    # --- recompute --------------------------------------------------------------------------

    def handle_recompute(self, **options: Any) -> None:
        from comptoir.measurement.performance import recompute

        year = options["fiscal_year"]
        if year:
            _check_fiscal_year(year)
        counts = recompute(year)
        self.stdout.write(
            _(
                "Cases measured: %(cases)d; facts written: %(written)d; facts removed: "
                "%(deleted)d; cases skipped (unreadable events or calendars): %(skipped)d."
            )
            % {
                "cases": counts.cases,
                "written": counts.written,
                "deleted": counts.deleted,
                "skipped": counts.skipped,
            }
        )

    # --- show -------------------------------------------------------------------------------

    def handle_show(self, **options: Any) -> None:
        from comptoir.measurement.queries import performance

        _check_fiscal_year(options["fiscal_year"])
        report = performance(
            options["fiscal_year"],
            service=_service(options),
            attribution=options["attribution"],
            period=options["period"],
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report_csv(report), ending="")

    # --- differences ------------------------------------------------------------------------

    def handle_differences(self, **options: Any) -> None:
        from comptoir.measurement.queries import attribution_differences

        _check_fiscal_year(options["fiscal_year"])
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "service_id",
                "standard_id",
                "volume_meeting_target_by_output",
                "total_volume_by_output",
                "volume_meeting_target_by_receipt",
                "total_volume_by_receipt",
            ]
        )
        for row in attribution_differences(options["fiscal_year"], _service(options)):
            writer.writerow([row.service_id, row.standard_id, *row.by_output, *row.by_receipt])
        self.stdout.write(buffer.getvalue(), ending="")

    # --- realtime ---------------------------------------------------------------------------

    def handle_realtime(self, **options: Any) -> None:
        from comptoir.measurement.realtime_command import print_realtime

        print_realtime(self.stdout, service=_service(options), refresh=options["refresh"])

    # --- counts-import ----------------------------------------------------------------------

    def handle_counts_import(self, **options: Any) -> None:
        from comptoir.measurement.outside_counts import CountsRefusedError, import_counts

        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("The file %(file)s cannot be read as UTF-8 text.") % {"file": options["file"]},
                returncode=EXIT_REFUSED,
            ) from error
        try:
            written = import_counts(text, owner_org=options["org"], actor=None)
        except CountsRefusedError as error:
            raise CommandError("\n".join(error.messages), returncode=EXIT_REFUSED) from error
        self.stdout.write(_("Outside counts recorded: %(count)d.") % {"count": written})

    # --- attribution ------------------------------------------------------------------------

    def handle_attribution(self, **options: Any) -> None:
        from comptoir.measurement.performance import do_set_performance_attribution

        organization = _organization(options["org"])
        if options["value"]:
            do_set_performance_attribution(organization, options["value"], actor=None)
        if organization.performance_attribution == "receipt":
            sentence = _("%(org)s counts each case in the fiscal year it was received in.")
        else:
            sentence = _("%(org)s counts each case in the fiscal year of its output (the default).")
        self.stdout.write(sentence % {"org": organization.owner_org})


def report_json(report: PerformanceReport) -> list[dict[str, Any]]:
    """The rows of ``show --format json``."""
    rows = []
    for row in report.rows:
        item: dict[str, Any] = {}
        if report.period_kind.value != "fiscal_year":
            item["period"] = row.period.label
        item.update(
            {
                "standard_id": row.standard_id,
                "service_id": row.service_id,
                "volume_meeting_target": row.volume_meeting_target,
                "total_volume": row.total_volume,
                "performance": row.performance or None,
                "target": None if row.target is None else str(row.target),
                "target_met": row.target_met,
                "excluded": row.excluded,
                "excluded_reasons": row.excluded_reasons,
                "overdue_backlog": row.overdue_backlog,
            }
        )
        rows.append(item)
    return rows


def report_csv(report: PerformanceReport) -> str:
    """The rows of ``show --format csv``: the open-data cells."""
    with_period = report.period_kind.value != "fiscal_year"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((["period"] if with_period else []) + list(SHOW_COLUMNS))
    for row in report.rows:
        cells = [
            row.standard_id,
            row.volume_meeting_target,
            row.total_volume,
            row.performance,
            row.target_met,
            row.excluded,
        ]
        writer.writerow(([row.period.label] if with_period else []) + cells)
    return buffer.getvalue()


def _check_fiscal_year(code: str) -> None:
    from comptoir.core.performance.periods import Period, PeriodKind

    try:
        period = Period.parse(code)
    except PerformanceError:
        period = None
    if period is None or period.kind is not PeriodKind.FISCAL_YEAR:
        raise CommandError(
            _("“%(value)s” is not a fiscal year: write it as 2024-2025.") % {"value": code},
            returncode=EXIT_REFUSED,
        )


def _performance_message(error: PerformanceError) -> str:
    if error.code is PerformanceErrorCode.PERIOD_TOO_COARSE:
        return _(
            "An outside count covers %(period)s, more than one of the periods asked for: "
            "ask for longer periods with --period."
        ) % {"period": error.params.get("count_period", "")}
    return _("The performance cannot be computed: %(problem)s.") % {"problem": error.code.value}


def _organization(owner_org: str) -> Organization:
    from comptoir.inventory.models import Organization

    found = Organization.objects.filter(owner_org=owner_org).first()
    if found is None:
        raise CommandError(
            _("No organization has the code %(org)s.") % {"org": owner_org},
            returncode=EXIT_REFUSED,
        )
    return found


def _service(options: dict[str, Any]) -> Service | None:
    from comptoir.inventory.models import Service

    if not options["service"]:
        if options["org"]:
            raise CommandError(_("--org goes with --service."), returncode=EXIT_REFUSED)
        return None
    services = Service.objects.filter(service_id=options["service"])
    if options["org"]:
        services = services.filter(organization__owner_org=options["org"])
    found = list(services[:2])
    if not found:
        raise CommandError(
            _("No service has the ID %(id)s (in the organization given).")
            % {"id": options["service"]},
            returncode=EXIT_REFUSED,
        )
    if len(found) > 1:
        raise CommandError(
            _("Several organizations have a service with the ID %(id)s: say which with --org.")
            % {"id": options["service"]},
            returncode=EXIT_REFUSED,
        )
    return found[0]
