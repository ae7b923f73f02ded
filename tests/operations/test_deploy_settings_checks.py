"""The settings checked before ``scripts/serve`` starts: one message per mistake, each with the
environment variable to change (comptoir.operations.checks), and the same through
``comptoir check --deploy`` in a process with a production environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks as django_checks

from comptoir.operations import checks

# The checks read DATABASES as given; no connection is made, so overriding it is harmless here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

SMTP = "django.core.mail.backends.smtp.EmailBackend"
GOOD_SMTP = {"host": "relay.example.gc.ca", "port": 25, "username": "", "password": ""}


@pytest.fixture
def production(settings, tmp_path):
    """Settings a correct deployment has: PostgreSQL, a public host name, SMTP to a relay, a
    department's sender and HTTPS site address, writable folders."""
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "comptoir",
        }
    }
    settings.ALLOWED_HOSTS = ["comptoir.example.gc.ca"]
    settings.MAILERS = {"default": {"BACKEND": SMTP, "OPTIONS": dict(GOOD_SMTP)}}
    settings.DEFAULT_FROM_EMAIL = "comptoir@example.gc.ca"
    settings.COMPTOIR_SITE_URL = "https://comptoir.example.gc.ca"
    settings.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def found(check) -> dict[str, str]:
    return {str(message.id): str(message.msg) for message in check()}


def test_a_correct_deployment_has_no_message(production) -> None:
    for check in (
        checks.check_secret_key_is_not_the_development_one,
        checks.check_database_setting,
        checks.check_allowed_hosts_are_not_only_loopback,
        checks.check_mail_transport,
        checks.check_folders_are_writable,
    ):
        assert check() == [], check.__name__


def test_the_development_key(production) -> None:
    production.SECRET_KEY = checks.DEVELOPMENT_SECRET_KEY
    [message] = checks.check_secret_key_is_not_the_development_one()
    assert message.id == "operations.E001" and message.level == django_checks.ERROR
    assert "COMPTOIR_TESTING" in message.msg and "COMPTOIR_SECRET_KEY" in message.msg


def test_the_development_key_is_the_one_the_settings_fall_back_to() -> None:
    # The test settings run with COMPTOIR_TESTING and, unless the environment gives one, no key.
    if "COMPTOIR_SECRET_KEY" in os.environ:
        pytest.skip("this run was given a secret key")
    from django.conf import settings

    assert settings.SECRET_KEY == checks.DEVELOPMENT_SECRET_KEY


def test_sqlite_is_a_warning(production, tmp_path) -> None:
    production.DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "c.sqlite3"}
    }
    [message] = checks.check_database_setting()
    assert message.id == "operations.W001" and message.level == django_checks.WARNING
    assert "DATABASE_URL" in message.msg and str(tmp_path / "c.sqlite3") in message.msg
    assert "COMPTOIR_SILENCED_CHECKS" in message.hint


def test_a_database_url_without_a_database_name(production) -> None:
    import dj_database_url

    production.DATABASES = {"default": dj_database_url.parse("postgres://comptoir@db.example/")}
    assert set(found(checks.check_database_setting)) == {"operations.E002"}


def test_only_loopback_hosts(production) -> None:
    production.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    messages = found(checks.check_allowed_hosts_are_not_only_loopback)
    assert set(messages) == {"operations.W002"}
    assert "COMPTOIR_ALLOWED_HOSTS" in messages["operations.W002"]
    production.ALLOWED_HOSTS = []  # Django's security.W020 says that one
    assert checks.check_allowed_hosts_are_not_only_loopback() == []


def test_a_mail_backend_that_does_not_exist(production) -> None:
    production.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smpt.EmailBackend"}}
    messages = found(checks.check_mail_transport)
    assert set(messages) == {"operations.E003"}
    assert "COMPTOIR_EMAIL_BACKEND" in messages["operations.E003"]


def test_smtp_without_a_host(production) -> None:
    production.MAILERS["default"]["OPTIONS"]["host"] = " "
    messages = found(checks.check_mail_transport)
    assert set(messages) == {"operations.E004"}
    assert "COMPTOIR_SMTP_HOST" in messages["operations.E004"]


@pytest.mark.parametrize(("username", "password"), [("comptoir", ""), ("", "s3cret")])
def test_smtp_user_and_password_go_together(production, username, password) -> None:
    production.MAILERS["default"]["OPTIONS"].update(username=username, password=password)
    assert set(found(checks.check_mail_transport)) == {"operations.E005"}


def test_mail_that_is_not_sent(production) -> None:
    production.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert set(found(checks.check_mail_transport)) == {"operations.W003"}


def test_the_default_sender_and_site_address(production) -> None:
    production.DEFAULT_FROM_EMAIL = "comptoir@localhost"
    production.COMPTOIR_SITE_URL = "http://localhost:8000"
    messages = found(checks.check_mail_transport)
    assert set(messages) == {"operations.W004", "operations.W005"}
    assert "COMPTOIR_FROM_EMAIL" in messages["operations.W004"]
    assert "COMPTOIR_SITE_URL" in messages["operations.W005"]
    production.DEFAULT_FROM_EMAIL = "comptoir@example.gc.ca"
    production.COMPTOIR_SITE_URL = "http://comptoir.example.gc.ca"  # a public name, but no TLS
    assert set(found(checks.check_mail_transport)) == {"operations.W005"}


def test_a_private_folder_under_a_file(production, tmp_path) -> None:
    (tmp_path / "a-file").write_text("")
    production.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path / "a-file" / "private"
    [message] = checks.check_folders_are_writable()
    assert message.id == "operations.E006"
    assert message.msg.startswith("COMPTOIR_PRIVATE_MEDIA_ROOT is ")
    assert "is not a folder" in message.msg


def test_a_folder_on_a_file_system_that_takes_no_files(production) -> None:
    # /proc takes no new file, even from root (os.access would say it may).
    production.MEDIA_ROOT = Path("/proc/comptoir-media")
    [message] = checks.check_folders_are_writable()
    assert message.id == "operations.E006" and "MEDIA_ROOT" in message.msg
    assert "a file cannot be created in /proc" in message.msg


def test_an_existing_writable_folder(production, tmp_path) -> None:
    production.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path
    assert checks.check_folders_are_writable() == []
    assert list(tmp_path.iterdir()) == []  # the probe left nothing behind


def test_the_messages_are_in_french(production) -> None:
    from django.utils import translation

    production.SECRET_KEY = checks.DEVELOPMENT_SECRET_KEY
    with translation.override("fr"):
        [message] = checks.check_secret_key_is_not_the_development_one()
    assert "clé secrète" in message.msg


def run_check_deploy(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``comptoir check --deploy --fail-level WARNING``, as scripts/serve runs it, in an
    environment with none of the test run's Comptoir settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COMPTOIR_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
            "COMPTOIR_VAR_DIR": str(tmp_path),
            "LANG": "C.UTF-8",
            **extra,
        }
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "comptoir.config.cli",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_lists_every_mistake_at_once(tmp_path) -> None:
    result = run_check_deploy(
        tmp_path,
        {
            "COMPTOIR_SECRET_KEY": "short",
            "COMPTOIR_SMTP_USER": "comptoir",
            "COMPTOIR_PRIVATE_MEDIA_ROOT": "/proc/comptoir-private",
        },
    )
    assert result.returncode == 1
    for check_id in (
        "security.W009",  # Django's: the weak key
        "operations.W001",
        "operations.W002",
        "operations.E005",
        "operations.W004",
        "operations.W005",
        "operations.E006",
    ):
        assert check_id in result.stderr, check_id


def test_check_deploy_passes_a_correct_deployment_with_sqlite_accepted(tmp_path) -> None:
    result = run_check_deploy(
        tmp_path,
        {
            "COMPTOIR_SECRET_KEY": secrets.token_urlsafe(50),
            "COMPTOIR_ALLOWED_HOSTS": "comptoir.example.gc.ca",
            "COMPTOIR_SMTP_HOST": "relay.example.gc.ca",
            "COMPTOIR_FROM_EMAIL": "comptoir@example.gc.ca",
            "COMPTOIR_SITE_URL": "https://comptoir.example.gc.ca",
            "COMPTOIR_SILENCED_CHECKS": "operations.W001",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_unparsable_database_url_is_one_sentence(tmp_path) -> None:
    result = run_check_deploy(
        tmp_path,
        {"COMPTOIR_SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": "postgress://db/x"},
    )
    assert result.returncode == 4
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_check_deploy_speaks_the_language_of_the_environment(tmp_path) -> None:
    result = run_check_deploy(
        tmp_path, {"COMPTOIR_SECRET_KEY": secrets.token_urlsafe(50), "LANG": "fr_CA.UTF-8"}
    )
    assert result.returncode == 1
    assert "La base de données est le fichier SQLite" in result.stderr
    assert "The database is" not in result.stderr
