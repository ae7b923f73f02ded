"""``comptoir standards due|explain``: try the business-time engine from a shell.

    comptoir standards due --holidays CA-QC --tz America/Montreal --hours 08:30-16:30 \\
        --received 2026-06-23T15:10 --within "2 business days"

prints the due instant in ISO 8601 with its offset; ``explain`` takes the same arguments and prints,
one sentence a line, how the date was reached. The definitions are in ``docs/business-time.md``.

    comptoir standards set-rule 1234 --within "5 business days" --from received --until resolved \
        --pause-while awaiting_client --calendar entry --target 0.9
    comptoir standards show-rule 1234
    comptoir standards set-rule 1234 --clear

set, show or clear the machine rule of a service standard (``ServiceStandard.rule``, see
``docs/service-standards.md``); these two need the database, ``due`` and ``explain`` do not (the
inventory is imported only when they run).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.config.commands import BilingualCommand
from comptoir.core.businesstime import (
    BusinessTimeError,
    Calendar,
    ClosedDueDate,
    Closure,
    DayConvention,
    DayZero,
    DueTime,
    HolidaySource,
    Interval,
    WeeklyHours,
    Within,
    due_at,
    explain_due_at,
)
from comptoir.core.casework import CaseKind
from comptoir.core.standards import (
    CalendarScope,
    StandardError,
    StandardErrorCode,
    StandardRule,
)
from comptoir.measurement.business_time_text import error_message, step_sentence
from comptoir.measurement.rule_text import (
    CLOCK_KINDS,
    PAUSE_ENDS,
    RuleRefusedError,
    make_rule,
    rule_sentence,
    standard_error_message,
)

if TYPE_CHECKING:
    from comptoir.inventory.models import ServiceStandard

#: The ``holidays`` package's language code for each interface language.
HOLIDAY_LANGUAGES = {"en": None, "fr": "fr"}

#: ``--calendar``: whose calendar counts.
CALENDAR_CHOICES = {"entry": CalendarScope.RECEIVING_UNIT, "current": CalendarScope.CURRENT_UNIT}

#: The exit status of a refused ``set-rule`` or ``show-rule`` (nothing was changed).
EXIT_REFUSED = 2


class Command(BilingualCommand):
    help = _(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Compute a due date under a service standard, or explain how it is reached."
    )
    # A pure calculation: no system check, so no database is opened (Django 6 model checks connect
    # to every database to ask what its fields support). The ``comptoir`` command also runs it
    # with the database-free settings of ``comptoir.config.settings_standalone``.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{due,explain,set-rule,show-rule}"
        )
        for name, text in (
            ("due", _("Print the due instant in ISO 8601 with its offset.")),
            ("explain", _("Explain, step by step, how the due instant is reached.")),
        ):
            action = actions.add_parser(name, help=str(text), description=str(text))
            self._add_calendar_arguments(action)
        text = _("Set or clear the machine rule of a service standard (needs the database).")
        self._add_rule_arguments(
            actions.add_parser("set-rule", help=str(text), description=str(text)), setting=True
        )
        text = _("Show the machine rule of a service standard, in words and as stored.")
        self._add_rule_arguments(
            actions.add_parser("show-rule", help=str(text), description=str(text)), setting=False
        )

    def _add_rule_arguments(self, parser: argparse.ArgumentParser, *, setting: bool) -> None:
        parser.add_argument(
            "standard_id",
            metavar="STANDARD_ID",
            help=str(_("The open-data service standard ID (service_standard_id).")),
        )
        parser.add_argument(
            "--org",
            default=None,
            help=str(_("The organization code (owner_org), when the ID is used by several.")),
        )
        parser.add_argument(
            "--service",
            default=None,
            help=str(_("The service ID, when the ID is used by several services.")),
        )
        self._add_language_argument(parser)
        if not setting:
            return
        parser.add_argument(
            "--within",
            default=None,
            help=str(
                _("The limit, e.g. '5 business days', '8 business hours', '30 calendar days'.")
            ),
        )
        parser.add_argument(
            "--from",
            dest="start",
            choices=CLOCK_KINDS,
            default="received",
            help=str(_("The event that starts the clock (default: received).")),
        )
        parser.add_argument(
            "--until",
            dest="stop",
            choices=CLOCK_KINDS,
            default="resolved",
            help=str(
                _(
                    "The event that stops the clock (default: resolved; acknowledged makes a "
                    "first-response standard)."
                )
            ),
        )
        parser.add_argument(
            "--pause-while",
            choices=sorted(PAUSE_ENDS),
            default=None,
            help=str(
                _(
                    "Pause the clock from this event until the event that ends it "
                    "(awaiting_client until resumed)."
                )
            ),
        )
        parser.add_argument(
            "--calendar",
            choices=sorted(CALENDAR_CHOICES),
            default="entry",
            help=str(
                _(
                    "Whose calendar counts: entry (the unit that received the case, the default) "
                    "or current (the unit holding the case at each moment)."
                )
            ),
        )
        parser.add_argument(
            "--target",
            default=None,
            help=str(_("The share of cases that should meet the standard, e.g. 0.9.")),
        )
        parser.add_argument(
            "--for-kind",
            dest="case_kinds",
            action="append",
            default=[],
            choices=[kind.value for kind in CaseKind],
            help=str(
                _(
                    "Only cases of this kind (may repeat): a complaint's own acknowledgement "
                    "standard, say; without it, every case of the service."
                )
            ),
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help=str(_("Remove the standard's rule instead of setting one.")),
        )

    def _add_language_argument(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help=str(
                _(
                    "Language of the output (default: the language of the environment, "
                    "LANGUAGE, LC_ALL or LANG, else the site's language)."
                )
            ),
        )

    def _add_calendar_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--holidays",
            default=None,
            help=str(
                _("Holiday jurisdiction: CA (federal only) or CA-XX (a province or territory).")
            ),
        )
        parser.add_argument(
            "--holiday-categories",
            default="public",
            help=str(_("Comma-separated categories of the holidays package (default: public).")),
        )
        parser.add_argument(
            "--tz", required=True, help=str(_("IANA time zone, e.g. America/Montreal."))
        )
        parser.add_argument(
            "--hours",
            default="08:30-16:30",
            help=str(
                _(
                    "Business hours: HH:MM-HH:MM for Monday to Friday, shifts separated by "
                    "commas, or days such as 'mon-fri 08:30-16:30; sat 09:00-12:00'."
                )
            ),
        )
        parser.add_argument(
            "--received",
            required=True,
            help=str(_("When the case was received, ISO 8601; without an offset, local to --tz.")),
        )
        parser.add_argument(
            "--within",
            required=True,
            help=str(
                _("The limit, e.g. '2 business days', '8 business hours', '30 calendar days'.")
            ),
        )
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START/END",
            help=str(_("A time the clock is stopped (may repeat).")),
        )
        parser.add_argument(
            "--closure",
            action="append",
            default=[],
            metavar="START/END=REASON",
            help=str(_("A special-circumstance closure with its reason (may repeat).")),
        )
        parser.add_argument(
            "--day-zero",
            choices=[choice.value for choice in DayZero],
            default=DayZero.NEXT_OPENING.value,
            help=str(_("Which day is day 0 (default: next_opening).")),
        )
        parser.add_argument(
            "--due-time",
            choices=[choice.value for choice in DueTime],
            default=DueTime.CLOSE_OF_BUSINESS.value,
            help=str(_("When on day N the limit falls due (default: close_of_business).")),
        )
        parser.add_argument(
            "--closed-due-date",
            choices=[choice.value for choice in ClosedDueDate],
            default=ClosedDueDate.NEXT_BUSINESS_DAY.value,
            help=str(
                _("A calendar-day limit ending on a closed day (default: next_business_day).")
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help=str(
                _(
                    "Language of the output (default: the language of the environment, "
                    "LANGUAGE, LC_ALL or LANG, else the site's language)."
                )
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = self.output_language(options)
        with translation.override(language):
            if options["action"] in {"set-rule", "show-rule"}:
                try:
                    self._rule(options)
                except RuleRefusedError as error:
                    raise CommandError(error.message, returncode=EXIT_REFUSED) from error
                return
            try:
                calendar, received, within, pauses, convention = self._read(options, language)
                if options["action"] == "due":
                    due = due_at(calendar, received, within, pauses=pauses, convention=convention)
                    self.stdout.write(due.isoformat())
                    return
                steps = explain_due_at(
                    calendar, received, within, pauses=pauses, convention=convention
                )
                for number, step in enumerate(steps, start=1):
                    self.stdout.write(f"{number}. {step_sentence(step)}")
            except BusinessTimeError as error:
                raise CommandError(error_message(error)) from error

    def _rule(self, options: dict[str, Any]) -> None:
        from comptoir.inventory.actions import do_set_standard_rule

        standard = self._standard(options)
        if options["action"] == "show-rule":
            if standard.rule is None:
                self.stdout.write(
                    gettext("The standard %(id)s has no rule.") % self._names(standard)
                )
                return
            rule = StandardRule.from_dict(standard.rule)
            self.stdout.write(rule_sentence(rule))
            self.stdout.write(json.dumps(standard.rule, sort_keys=True, ensure_ascii=False))
            return
        if options["clear"]:
            do_set_standard_rule(standard, None, actor=None, recompute=False)
            self.stdout.write(
                gettext("The rule of the standard %(id)s was removed.") % self._names(standard)
            )
            self._recompute(standard)
            return
        if not options["within"]:
            raise RuleRefusedError(
                gettext('Say the limit with --within, for example --within "5 business days".')
            )
        try:
            within = Within.parse(options["within"])
        except BusinessTimeError as error:
            raise RuleRefusedError(error_message(error)) from error
        rule = make_rule(
            standard.service_standard_id,
            within=within,
            start=options["start"],
            stop=options["stop"],
            pause_while=options["pause_while"],
            calendar=CALENDAR_CHOICES[options["calendar"]],
            target=self._target(options["target"]),
            case_kinds=options["case_kinds"],
        )
        do_set_standard_rule(standard, rule, actor=None, recompute=False)
        self.stdout.write(rule_sentence(rule))
        self._recompute(standard)

    def _recompute(self, standard: ServiceStandard) -> None:
        """The open cases of the standard's service measured again (their next due instant, which
        the queues read), as ``comptoir cases recompute-clocks --service`` does."""
        from comptoir.casework.actions import recompute_clocks
        from comptoir.casework.text import clocks_recomputed

        read, changed = recompute_clocks(service_id=standard.service_id)
        self.stdout.write(clocks_recomputed(read, changed))

    def _target(self, text: str | None) -> Decimal | None:
        if text is None:
            return None
        try:
            return Decimal(text.strip())
        except InvalidOperation as error:
            refused = StandardError(StandardErrorCode.INVALID_TARGET, value=text)
            raise RuleRefusedError(standard_error_message(refused)) from error

    def _names(self, standard: ServiceStandard) -> dict[str, str]:
        return {"id": standard.service_standard_id}

    def _standard(self, options: dict[str, Any]) -> ServiceStandard:
        from comptoir.inventory.models import ServiceStandard

        found = ServiceStandard.objects.filter(
            service_standard_id=options["standard_id"]
        ).select_related("service__organization")
        if options["org"]:
            found = found.filter(service__organization__owner_org=options["org"])
        if options["service"]:
            found = found.filter(service__service_id=options["service"])
        standards = list(found[:21])
        if not standards:
            raise RuleRefusedError(
                gettext(
                    "No service standard has the ID %(id)s (with the --org and --service given)."
                )
                % {"id": options["standard_id"]}
            )
        if len(standards) > 1:
            places = ", ".join(
                f"{s.service.organization.owner_org}/{s.service.service_id}" for s in standards[:20]
            )
            raise RuleRefusedError(
                gettext(
                    "The standard ID %(id)s is used by several services (%(places)s): say which "
                    "with --org and --service."
                )
                % {"id": options["standard_id"], "places": places}
            )
        return standards[0]

    def _read(
        self, options: dict[str, Any], language: str
    ) -> tuple[Calendar, datetime, Within, list[Interval], DayConvention]:
        tz = options["tz"]
        holidays = None
        if options["holidays"]:
            categories = [c.strip() for c in options["holiday_categories"].split(",") if c.strip()]
            holidays = HolidaySource.parse(
                options["holidays"], categories, HOLIDAY_LANGUAGES.get(language)
            )
        closures = []
        for text in options["closure"]:
            span, separator, reason = text.partition("=")
            if not separator or not reason.strip():
                raise CommandError(
                    gettext("“%(value)s” is not a closure: write START/END=REASON.")
                    % {"value": text}
                )
            closures.append(Closure(Interval.parse(span, tz), reason.strip()))
        calendar = Calendar(
            tz, WeeklyHours.parse(options["hours"]), holidays, closures=tuple(closures)
        )
        received = self._read_instant(options["received"], calendar)
        within = Within.parse(options["within"])
        pauses = [Interval.parse(text, tz) for text in options["pause"]]
        convention = DayConvention(
            day_zero=DayZero(options["day_zero"]),
            due_time=DueTime(options["due_time"]),
            closed_due_date=ClosedDueDate(options["closed_due_date"]),
        )
        return calendar, received, within, pauses, convention

    def _read_instant(self, text: str, calendar: Calendar) -> datetime:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError as error:
            raise CommandError(
                gettext(
                    "“%(value)s” is not a valid date and time: write it in ISO 8601, "
                    "for example 2026-06-23T15:10."
                )
                % {"value": text}
            ) from error
        return moment if moment.tzinfo else moment.replace(tzinfo=calendar.zone)
