"""``comptoir worker``: the background worker (Django Tasks, database backend).

It runs the queued tasks with django-tasks-db's own worker loop (``db_worker``'s ``Worker``, in
batch mode: every task that is ready, then back here) and, every ``--sweep-seconds``, enqueues the
outbound messages whose task was lost (``notifications.tasks.send_due``) and polls the clients'
mailbox (``notifications.inbound.poll_imap``, when that module is installed and
``COMPTOIR_IMAP_HOST`` is set). ``--once`` does one round of all of this and exits (cron, tests).
SIGTERM or Ctrl+C stops it after the task in hand.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.config.commands import BilingualCommand, add_language_argument

logger = logging.getLogger(__name__)


def _poller() -> Callable[[], Any] | None:
    """The inbound mail's ``poll_imap`` when it exists and a mailbox is configured."""
    if not settings.COMPTOIR_IMAP_HOST:
        return None
    try:
        module = importlib.import_module("comptoir.notifications.inbound")
    except ImportError:
        return None
    poll = getattr(module, "poll_imap", None)
    return poll if callable(poll) else None


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Run the background worker: send mail to clients, take delivery reports into account "
        "and read the clients' mailbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help=_("Do what is due now (tasks, lost messages, the mailbox), then exit."),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Seconds to wait when no task is ready (default: %(default)s)."),
        )
        parser.add_argument(
            "--sweep-seconds",
            type=int,
            default=60,
            help=_(
                "Seconds between two looks for lost messages and at the mailbox "
                "(default: %(default)s)."
            ),
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import translation

        with translation.override(self.output_language(options)):
            self._run(options)

    def _worker(self) -> Any:
        from django_tasks_db.management.commands.db_worker import Worker

        return Worker(
            queue_names=list(settings.TASKS["default"].get("QUEUES", ["default"])),
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

    def _sweep(self, *, grace: timedelta | None = None) -> None:
        from comptoir.notifications.tasks import send_due

        queued = send_due() if grace is None else send_due(grace=grace)
        if queued:
            self.stdout.write(
                ngettext(
                    "%(count)s lost message queued again.",
                    "%(count)s lost messages queued again.",
                    queued,
                )
                % {"count": queued}
            )
        from comptoir.notifications.interim import send_interim_replies

        try:
            interim = send_interim_replies()
        except Exception:  # a failure here must not stop the sending either
            logger.exception("worker: queueing the interim replies failed")
        else:
            if interim:
                self.stdout.write(
                    ngettext(
                        "%(count)s interim reply queued.",
                        "%(count)s interim replies queued.",
                        interim,
                    )
                    % {"count": interim}
                )
        from comptoir.measurement.realtime import sweep as refresh_realtime_performance

        refresh_realtime_performance()  # the stored real-time figures whose time has come
        poll = _poller()
        if poll is not None:
            try:
                poll()
            except Exception:  # a mailbox that is down must not stop the sending
                logger.exception("worker: polling the mailbox failed")
                self.stderr.write(_("Reading the mailbox failed; it is tried again later."))

    def _run(self, options: dict[str, Any]) -> None:
        worker = self._worker()
        if options["once"]:
            # Everything due now, even a message queued a moment ago.
            self._sweep(grace=timedelta(0))
            worker.run()
            return
        worker.configure_signals()
        self.stdout.write(_("Worker started; stop it with Ctrl+C."))
        next_sweep = 0.0
        while worker.running:
            if time.monotonic() >= next_sweep:
                close_old_connections()
                # Marked as a task in hand, so that SIGTERM waits for the sweep and the
                # mailbox poll to finish instead of leaving in the middle.
                worker.running_task = True
                try:
                    self._sweep()
                finally:
                    worker.running_task = False
                next_sweep = time.monotonic() + options["sweep_seconds"]
            worker.run()
            if worker.running:
                time.sleep(options["interval"])
