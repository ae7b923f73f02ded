"""System checks of the mail settings (``comptoir check``): the half-configured setups that
would otherwise fail quietly, one message at a time, in the worker's log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

BACKENDS = ("smtp", "gcnotify")


@checks.register("comptoir")
def check_mail_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    backend = getattr(settings, "COMPTOIR_NOTIFY_BACKEND", "smtp")
    if backend not in BACKENDS:
        found.append(
            checks.Error(
                _("COMPTOIR_NOTIFY_BACKEND is %(value)s; it must be smtp or gcnotify.")
                % {"value": backend},
                id="notifications.E001",
            )
        )
    if backend == "gcnotify" and not getattr(settings, "COMPTOIR_GC_NOTIFY_API_KEY", ""):
        found.append(
            checks.Error(
                _(
                    "Mail to clients goes through GC Notify, but COMPTOIR_GC_NOTIFY_API_KEY is "
                    "empty: every message would wait and then fail."
                ),
                id="notifications.E002",
            )
        )
    if backend == "gcnotify" and not getattr(settings, "COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN", ""):
        found.append(
            checks.Warning(
                _(
                    "COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN is empty: GC Notify's delivery reports are "
                    "refused, so no message is ever marked delivered or bounced."
                ),
                id="notifications.W001",
            )
        )
    if (
        getattr(settings, "COMPTOIR_IMAP_HOST", "")
        and not str(getattr(settings, "COMPTOIR_MAIL_INTAKE_SERVICE", "") or "").strip().isdigit()
    ):
        found.append(
            checks.Warning(
                _(
                    "The worker reads a mailbox (COMPTOIR_IMAP_HOST) but "
                    "COMPTOIR_MAIL_INTAKE_SERVICE names no service: mail from a sender who has "
                    "no case is kept and refused instead of opening one."
                ),
                id="notifications.W002",
            )
        )
    return found
