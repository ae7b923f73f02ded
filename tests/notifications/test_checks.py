"""The system checks of the mail settings."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from comptoir.notifications.checks import check_mail_settings


def ids(_settings: object) -> set[str]:
    return {str(message.id) for message in check_mail_settings()}


def test_the_default_settings_pass(settings) -> None:
    assert ids(settings) == set()


def test_gc_notify_needs_a_key_and_a_callback_token(settings) -> None:
    settings.COMPTOIR_NOTIFY_BACKEND = "gcnotify"
    settings.COMPTOIR_GC_NOTIFY_API_KEY = ""
    settings.COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN = ""
    assert ids(settings) == {"notifications.E002", "notifications.W001"}
    settings.COMPTOIR_GC_NOTIFY_API_KEY = "key"
    settings.COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN = "token"
    assert ids(settings) == set()


def test_an_unknown_backend_and_a_mailbox_without_intake(settings) -> None:
    settings.COMPTOIR_NOTIFY_BACKEND = "pigeon"
    settings.COMPTOIR_IMAP_HOST = "imap.example.ca"
    settings.COMPTOIR_MAIL_INTAKE_SERVICE = ""
    assert ids(settings) == {"notifications.E001", "notifications.W002"}


@pytest.mark.django_db
def test_comptoir_check_reports_them(settings) -> None:
    settings.COMPTOIR_NOTIFY_BACKEND = "pigeon"
    with pytest.raises(SystemCheckError, match=r"notifications\.E001"):
        call_command("check")
