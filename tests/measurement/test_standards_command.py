"""``comptoir standards due|explain``: through ``call_command`` and once through a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ISSUE_EXAMPLE = [
    "--holidays",
    "CA-QC",
    "--tz",
    "America/Montreal",
    "--hours",
    "08:30-16:30",
    "--received",
    "2026-06-23T15:10",
    "--within",
    "2 business days",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("standards", *args, stdout=out)
    return out.getvalue()


def test_due_prints_the_issue_example_in_iso_8601_with_offset() -> None:
    # Tue 23 June 2026; Wed 24 is Saint-Jean-Baptiste in Quebec: day 1 Thu 25, day 2 Fri 26.
    assert run("due", *ISSUE_EXAMPLE) == "2026-06-26T16:30:00-04:00\n"


def test_federal_holidays_only_with_ca() -> None:
    args = [a if a != "CA-QC" else "CA" for a in ISSUE_EXAMPLE]
    # Federally, 24 June is a working day: day 1 Wed 24, day 2 Thu 25.
    assert run("due", *args).strip() == "2026-06-25T16:30:00-04:00"


def test_holiday_categories_add_the_federal_public_service_days() -> None:
    base = ["--holidays", "CA", "--tz", "America/Toronto", "--within", "1 business day"]
    received = ["--received", "2026-09-29T10:00"]  # Tue; Wed 30 Sept is Truth and Reconciliation
    assert run("due", *base, *received).strip() == "2026-09-30T16:30:00-04:00"
    both = ["--holiday-categories", "public,government"]
    assert run("due", *base, *received, *both).strip() == "2026-10-01T16:30:00-04:00"


def test_received_with_an_offset_and_pauses() -> None:
    args = [a if a != "2026-06-23T15:10" else "2026-06-23T19:10+00:00" for a in ISSUE_EXAMPLE]
    assert run("due", *args).strip() == "2026-06-26T16:30:00-04:00"
    # Stopped Tue 16:00 to Thu 10:00: 0.5 h + 1.5 h = 2 business hours; due Mon 29 at 10:30.
    paused = run("due", *ISSUE_EXAMPLE, "--pause", "2026-06-23T16:00/2026-06-25T10:00")
    assert paused.strip() == "2026-06-29T10:30:00-04:00"
    twice = run(
        "due",
        *ISSUE_EXAMPLE,
        "--pause",
        "2026-06-23T16:00/2026-06-25T10:00",
        "--pause",
        "2026-06-29T08:30/2026-06-29T09:30",
    )
    assert twice.strip() == "2026-06-29T11:30:00-04:00"


def test_closure_and_conventions() -> None:
    storm = ["--closure", "2026-06-25T00:00/2026-06-26T00:00=Ice storm"]
    # Thu 25 closed too: day 1 Fri 26, day 2 Mon 29.
    assert run("due", *ISSUE_EXAMPLE, *storm).strip() == "2026-06-29T16:30:00-04:00"
    same_time = run("due", *ISSUE_EXAMPLE, "--due-time", "same_clock_time")
    assert same_time.strip() == "2026-06-26T15:10:00-04:00"
    saturday = [a if a != "2026-06-23T15:10" else "2026-06-20T10:00" for a in ISSUE_EXAMPLE]
    assert run("due", *saturday).strip() == "2026-06-25T16:30:00-04:00"
    assert run("due", *saturday, "--day-zero", "receipt_date").strip() == (
        "2026-06-23T16:30:00-04:00"
    )
    calendar_days = [a if a != "2 business days" else "30 calendar days" for a in ISSUE_EXAMPLE]
    calendar_days[calendar_days.index("2026-06-23T15:10")] = "2026-06-01T10:00"
    assert run("due", *calendar_days).strip() == "2026-07-03T00:00:00-04:00"
    stays = run("due", *calendar_days, "--closed-due-date", "stays")
    assert stays.strip() == "2026-07-02T00:00:00-04:00"


def test_explain_in_english() -> None:
    lines = run("explain", *ISSUE_EXAMPLE, "--language", "en").splitlines()
    assert lines == [
        "1. Received Tuesday 23 June 2026 at 15:10 (2026-06-23T15:10:00-04:00); "
        "due within 2 business days.",
        "2. The office was open at that time, so the clock started on receipt.",
        "3. Day 0 is Tuesday 23 June 2026.",
        "4. Wednesday 24 June 2026 is not counted: it is a holiday (Saint Jean Baptiste Day).",
        "5. Thursday 25 June 2026 is business day 1.",
        "6. Friday 26 June 2026 is business day 2.",
        "7. Due at the close of business on Friday 26 June 2026: "
        "Friday 26 June 2026 at 16:30 (2026-06-26T16:30:00-04:00).",
        "8. Due: Friday 26 June 2026 at 16:30 (2026-06-26T16:30:00-04:00).",
    ]


def test_explain_in_french_uses_french_dates_and_holiday_names() -> None:
    text = run("explain", *ISSUE_EXAMPLE, "--language", "fr")
    assert "mercredi 24 juin 2026" in text
    assert "Fête nationale du Québec" in text
    assert "Wednesday" not in text


def test_explain_after_hours_with_business_hours_and_a_pause() -> None:
    text = run(
        "explain",
        "--holidays",
        "CA-NL",
        "--tz",
        "America/St_Johns",
        "--received",
        "2026-06-30T16:00",
        "--within",
        "1 business hour",
        "--pause",
        "2026-07-02T08:00/2026-07-02T09:00",
    )
    assert "That day was a holiday" not in text  # received Tue in hours
    assert "it is a holiday (Canada Day; Memorial Day)" in text
    assert "0 h 30 min excluded" in text
    assert text.splitlines()[-1].endswith("(2026-07-02T09:30:00-02:30).")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--holidays", "CA-XX"), "No holidays are known for the subdivision “XX” of “CA”."),
        (("--holidays", "Canada"), "is not a holiday jurisdiction"),
        (("--holiday-categories", "bogus"), "Unknown holiday category"),
        (("--tz", "Mars/Olympus"), "is not a known time zone"),
        (("--hours", "16:30-08:30"), "are not valid business hours"),
        (("--received", "yesterday"), "“yesterday” is not a valid date and time"),
        (("--within", "2 fortnights"), "“2 fortnights” is not a valid limit"),
        (("--pause", "2026-06-25/2026-06-24"), "is not a valid interval"),
        (("--closure", "2026-06-25/2026-06-26"), "is not a closure"),
    ],
)
def test_bad_arguments_give_a_clear_error(change: tuple[str, str], message: str) -> None:
    args = list(ISSUE_EXAMPLE)
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += change
    with pytest.raises(CommandError, match=message):
        run("due", *args)


def test_the_comptoir_console_command_in_a_real_process() -> None:
    comptoir = Path(sys.executable).with_name("comptoir")
    env = {**os.environ, "COMPTOIR_DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [str(comptoir), "standards", "due", *ISSUE_EXAMPLE],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "2026-06-26T16:30:00-04:00\n")
    failed = subprocess.run(
        [str(comptoir), "standards", "due", *ISSUE_EXAMPLE, "--within", "soon"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert failed.returncode != 0
    assert "“soon” is not a valid limit" in failed.stderr
    assert failed.stdout == ""


def _console(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    comptoir = Path(sys.executable).with_name("comptoir")
    environ = {**os.environ, "COMPTOIR_DEBUG": "1", **env}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(comptoir), *args], capture_output=True, text=True, env=environ, check=False, timeout=60
    )


def test_standards_needs_no_database(tmp_path: Path) -> None:
    # No database file, not even its folder: a pure calculation must not try to open one.
    done = _console("standards", "due", *ISSUE_EXAMPLE, COMPTOIR_VAR_DIR=str(tmp_path / "none"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "2026-06-26T16:30:00-04:00\n", "")
    assert not (tmp_path / "none").exists()
    # Nor a PostgreSQL server that does not answer.
    unreachable = _console(
        "standards", "due", *ISSUE_EXAMPLE, DATABASE_URL="postgres://x@127.0.0.1:1/x"
    )
    assert (unreachable.returncode, unreachable.stdout) == (0, "2026-06-26T16:30:00-04:00\n")


def test_help_and_output_speak_the_language_of_the_environment() -> None:
    help_text = _console("standards", "due", "--help", LANG="fr_CA.UTF-8").stdout
    assert help_text.startswith("utilisation : comptoir standards due")
    assert "Afficher le moment d'échéance selon la norme ISO 8601" in help_text
    assert "Afficher ce message d’aide et quitter." in help_text
    assert "Fuseau horaire de l'IANA" in help_text
    assert "show this help message" not in help_text
    explained = _console("standards", "explain", *ISSUE_EXAMPLE, LANGUAGE="fr").stdout
    assert "mercredi 24 juin 2026" in explained
    # --language still chooses the output's language.
    english = _console(
        "standards", "explain", *ISSUE_EXAMPLE, "--language", "en", LANG="fr_CA.UTF-8"
    )
    assert "Wednesday 24 June 2026" in english.stdout
