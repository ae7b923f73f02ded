"""``comptoir standards due|explain``: try the business-time engine from a shell.

    comptoir standards due --holidays CA-QC --tz America/Montreal --hours 08:30-16:30 \\
        --received 2026-06-23T15:10 --within "2 business days"

prints the due instant in ISO 8601 with its offset; ``explain`` takes the same arguments and prints,
one sentence a line, how the date was reached. The definitions are in ``docs/business-time.md``.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

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
from comptoir.measurement.business_time_text import error_message, step_sentence

#: The ``holidays`` package's language code for each interface language.
HOLIDAY_LANGUAGES = {"en": None, "fr": "fr"}


class Command(BilingualCommand):
    help = _(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Compute a due date under a service standard, or explain how it is reached."
    )
    # A pure calculation: no system check, so no database is opened (Django 6 model checks connect
    # to every database to ask what its fields support). The ``comptoir`` command also runs it
    # with the database-free settings of ``comptoir.config.settings_standalone``.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{due,explain}")
        for name, text in (
            ("due", _("Print the due instant in ISO 8601 with its offset.")),
            ("explain", _("Explain, step by step, how the due instant is reached.")),
        ):
            action = actions.add_parser(name, help=str(text), description=str(text))
            self._add_calendar_arguments(action)

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
