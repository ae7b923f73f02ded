"""The ``comptoir`` command: no traceback for a database it cannot use, and the user's language.

Most tests run the console command in a real process, as a user does, with a database that does
not exist, cannot be reached or has no tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.config.cli import EXIT_NO_DATABASE, EXIT_NOT_CONFIGURED
from comptoir.i18n import command_language

COMPTOIR = Path(sys.executable).with_name("comptoir")
INDICATORS = ["inventory", "indicators", "--fiscal-year", "2025-2026"]


def comptoir(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "COMPTOIR_DEBUG": "1", **env}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    if "DATABASE_URL" not in env:
        environ.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(COMPTOIR), *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        timeout=120,
    )


def test_a_missing_database_folder_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    done = comptoir(*INDICATORS, COMPTOIR_VAR_DIR=str(tmp_path / "nowhere"))
    assert done.returncode == EXIT_NO_DATABASE
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Comptoir cannot create its database (SQLite {tmp_path}/nowhere/comptoir.sqlite3): "
        f"the folder {tmp_path}/nowhere does not exist. Create it, set COMPTOIR_VAR_DIR to a "
        "folder that exists, or set DATABASE_URL to another database."
    ]


def test_an_unreachable_postgresql_names_database_url_in_french() -> None:
    done = comptoir(*INDICATORS, DATABASE_URL="postgres://x@127.0.0.1:1/x", LANG="fr_CA.UTF-8")
    assert done.returncode == EXIT_NO_DATABASE
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "Comptoir ne peut pas ouvrir sa base de données (postgresql 127.0.0.1:1/x); vérifiez "
        "DATABASE_URL"
    )
    assert "Réponse de la base de données : " in done.stderr
    assert "x@" not in done.stderr  # no user name (nor password) from the address


def test_a_database_without_tables_says_to_migrate(tmp_path: Path) -> None:
    done = comptoir(*INDICATORS, COMPTOIR_VAR_DIR=str(tmp_path))
    assert done.returncode == EXIT_NO_DATABASE
    assert "Traceback" not in done.stderr
    assert "has no tables yet: run “comptoir migrate” to create them" in done.stderr


def test_a_database_url_of_unknown_scheme_is_a_sentence() -> None:
    done = comptoir(*INDICATORS, DATABASE_URL="nosuch://db")
    assert done.returncode == EXIT_NOT_CONFIGURED
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("Comptoir is not configured correctly: Scheme 'nosuch://'")
    assert lines[1].startswith("Comptoir reads its settings from environment variables")


def test_traceback_still_shows_the_traceback(tmp_path: Path) -> None:
    args = ["inventory", "--traceback", *INDICATORS[1:]]
    done = comptoir(*args, COMPTOIR_VAR_DIR=str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert "unable to open database file" in done.stderr


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "en_CA.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_CA.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL comes first
        ({"LANG": "en_CA.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANGUAGE": "fr:en", "LANG": "en_CA.UTF-8"}, "fr"),  # LANGUAGE first of all
        ({"LANGUAGE": "de:fr", "LANG": "en_CA.UTF-8"}, "fr"),  # first official language listed
        ({"LANGUAGE": "de", "LANG": "fr_CA.UTF-8"}, "en"),  # only another language: the default
        ({"LANG": "french"}, "en"),  # not a locale name
        ({"LANG": "fr@euro"}, "fr"),
    ],
)
def test_command_language_reads_the_environment_as_gettext_does(
    environ: dict[str, str], language: str
) -> None:
    assert command_language(environ) == language


def test_runserver_says_the_sentence_too(tmp_path: Path) -> None:
    nowhere = {"COMPTOIR_VAR_DIR": str(tmp_path / "nowhere")}
    done = comptoir("runserver", "--noreload", "127.0.0.1:0", **nowhere)
    assert done.returncode == EXIT_NO_DATABASE
    assert "Traceback" not in done.stderr
    assert "Comptoir cannot create its database" in done.stderr
    # With the auto-reloader the checks run in a thread, and the server then waits for a change.
    environ = {**os.environ, "COMPTOIR_DEBUG": "1", **nowhere}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(COMPTOIR), "runserver", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        start_new_session=True,
    )
    try:
        assert server.stderr is not None
        lines = []
        for line in server.stderr:
            lines.append(line)
            if "Comptoir cannot create its database" in line or "Traceback" in line:
                break
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    assert "Traceback" not in "".join(lines)
    assert "Comptoir cannot create its database" in lines[-1]
