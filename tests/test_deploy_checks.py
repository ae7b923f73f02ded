"""Production settings pass Django's deployment checks (ARCHITECTURE §6: secure by default)."""

import os
import secrets
import subprocess
import sys


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A production process has none of Comptoir's settings but these, and none of the test run's
    # (the browser tests allow Django's async-unsafe calls in their own process).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COMPTOIR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(extra_env)
    env["DJANGO_SETTINGS_MODULE"] = "comptoir.config.settings"
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


def test_production_settings_pass_check_deploy():
    # What comptoir.operations.checks also asks of a deployment: PostgreSQL, a sender and a site
    # address for mail (tests/operations/test_deploy_settings_checks.py has one test per message).
    result = run_check(
        {
            "COMPTOIR_SECRET_KEY": secrets.token_urlsafe(50),
            "COMPTOIR_ALLOWED_HOSTS": "comptoir.example.gc.ca",
            "DATABASE_URL": "postgres://comptoir@db.example.gc.ca:5432/comptoir",
            "COMPTOIR_FROM_EMAIL": "comptoir@example.gc.ca",
            "COMPTOIR_SITE_URL": "https://comptoir.example.gc.ca",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_check({"COMPTOIR_ALLOWED_HOSTS": "comptoir.example.gc.ca"})
    assert result.returncode != 0
    assert "COMPTOIR_SECRET_KEY" in result.stderr


def test_debug_settings_fail_check_deploy():
    # The same check must notice an unsafe configuration, or the first test proves nothing.
    result = run_check({"COMPTOIR_DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr
