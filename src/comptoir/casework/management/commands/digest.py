"""``comptoir digest [--as-of ISO]``: send the daily digests due now (each staff member's, in the
first business hour of their unit's day, through the outbox of ``casework.digest``; today's failed
sends tried again) and give the due-tomorrow notices; meant to run every 15 minutes from cron or a
timer (docs/casework.md). Digests given up or left by a stopped run are named on standard error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.casework.digest import do_send_digests
from comptoir.config.commands import BilingualCommand, add_language_argument


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Send the daily digests due now and give the notices of cases due by the next business day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        parser.add_argument(
            "--as-of",
            default=None,
            help=_("The instant to act as of, in ISO 8601 with its time zone (default: now)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            now = timezone.now()
            if options["as_of"]:
                try:
                    now = datetime.fromisoformat(options["as_of"])
                except ValueError as error:
                    raise CommandError(_("The instant is not in ISO 8601.")) from error
                if timezone.is_naive(now):
                    raise CommandError(_("Give the instant with its time zone."))
            run = do_send_digests(now=now)
            self.stdout.write(
                ngettext("%(count)s digest sent.", "%(count)s digests sent.", len(run.sent))
                % {"count": len(run.sent)}
            )
            if run.failed:
                self.stdout.write(
                    ngettext(
                        "%(count)s digest could not be sent; a later run tries it again.",
                        "%(count)s digests could not be sent; a later run tries them again.",
                        len(run.failed),
                    )
                    % {"count": len(run.failed)}
                )
            for delivery in run.given_up:
                self.stderr.write(
                    _(
                        "The digest of %(user)s for %(day)s was given up after %(attempts)s "
                        "attempts: %(error)s"
                    )
                    % {
                        "user": delivery.recipient.get_username(),
                        "day": delivery.day.isoformat(),
                        "attempts": delivery.attempts,
                        "error": delivery.last_error,
                    }
                )
            for delivery in run.interrupted:
                self.stderr.write(
                    _(
                        "The digest of %(user)s for %(day)s may or may not have gone out: a run "
                        "stopped while sending it (%(since)s). It is not sent again by itself."
                    )
                    % {
                        "user": delivery.recipient.get_username(),
                        "day": delivery.day.isoformat(),
                        "since": delivery.last_attempt_at.isoformat()
                        if delivery.last_attempt_at
                        else "",
                    }
                )
            self.stdout.write(
                ngettext(
                    "%(count)s notice of a case due by the next business day.",
                    "%(count)s notices of cases due by the next business day.",
                    run.due_notices,
                )
                % {"count": run.due_notices}
            )
