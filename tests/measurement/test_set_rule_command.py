"""``comptoir standards set-rule|show-rule``: the machine rule of a service standard."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.config.cli import is_standalone
from comptoir.core.standards import CalendarScope, StandardRule
from comptoir.inventory.models import ServiceStandard


def run(*args: str) -> str:
    out = StringIO()
    call_command("standards", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def standard(make_service_year):
    year = make_service_year(service_id="SRV1")
    return ServiceStandard.objects.create(service=year.service, service_standard_id="1234")


def test_set_rule_stores_exactly_the_engine_rule(standard) -> None:
    out = run(
        "set-rule",
        "1234",
        "--within",
        "5 business days",
        "--pause-while",
        "awaiting_client",
        "--target",
        "0.9",
        "--language",
        "en",
    )
    assert out.splitlines()[0] == (
        "Within 5 business days from receipt until resolution, paused while awaiting the "
        "client; entry unit's calendar. Target: 90% of cases."
    )
    standard.refresh_from_db()
    rule = StandardRule.from_dict(standard.rule)
    assert standard.rule == rule.to_dict()
    assert (rule.start, rule.stop, rule.pause_start, rule.pause_end) == (
        "received",
        "resolved",
        ("awaiting_client",),
        ("resumed",),
    )
    assert str(rule.target) == "0.9"
    assert standard.history.count() == 2  # created, then the rule


def test_first_response_standard_on_the_current_unit_calendar_in_french(standard) -> None:
    out = run(
        "set-rule",
        "1234",
        "--within",
        "2 business days",
        "--until",
        "acknowledged",
        "--calendar",
        "current",
        "--language",
        "fr",
    )
    assert out.splitlines()[0] == (
        "Dans un délai de 2 jours ouvrables à compter de la réception jusqu’à l’accusé de "
        "réception; calendrier de l’unité qui détient le dossier à chaque moment."
    )
    standard.refresh_from_db()
    rule = StandardRule.from_dict(standard.rule)
    assert rule.stop == "acknowledged"
    assert rule.calendar.scope is CalendarScope.CURRENT_UNIT


def test_show_rule_and_clear(standard) -> None:
    assert "has no rule" in run("show-rule", "1234", "--language", "en")
    run("set-rule", "1234", "--within", "8 business hours", "--language", "en")
    shown = run("show-rule", "1234", "--language", "en")
    assert shown.startswith("Within 8 business hours from receipt until resolution;")
    assert '"standard_id": "1234"' in shown
    assert "was removed" in run("set-rule", "1234", "--clear", "--language", "en")
    standard.refresh_from_db()
    assert standard.rule is None


def test_an_ambiguous_id_asks_for_org_and_service(standard, make_service_year) -> None:
    other = make_service_year(owner_org="abc-def", service_id="SRV9")
    ServiceStandard.objects.create(service=other.service, service_standard_id="1234")
    with pytest.raises(CommandError, match="--org and --service") as caught:
        run("set-rule", "1234", "--within", "5 business days", "--language", "en")
    assert caught.value.returncode == 2
    assert not ServiceStandard.objects.filter(rule__isnull=False).exists()
    run("set-rule", "1234", "--org", "abc-def", "--within", "5 business days")
    assert ServiceStandard.objects.get(service=other.service).rule is not None
    assert ServiceStandard.objects.get(service=standard.service).rule is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("9999", "--within", "5 business days"), "No service standard has the ID 9999"),
        (("1234",), "Say the limit with --within"),
        (("1234", "--within", "5 fortnights"), "“5 fortnights” is not a valid limit"),
        (("1234", "--within", "5 business days", "--target", "1.5"), "is not a valid target"),
        (("1234", "--within", "5 business days", "--target", "most"), "is not a valid target"),
        (
            ("1234", "--within", "5 business days", "--from", "resolved"),
            "cannot start and stop on the same event",
        ),
    ],
)
def test_errors_are_sentences_with_status_2_and_change_nothing(standard, args, message) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        run("set-rule", *args, "--language", "en")
    assert caught.value.returncode == 2
    standard.refresh_from_db()
    assert standard.rule is None
    assert standard.history.count() == 1


def test_errors_in_french(standard) -> None:
    with pytest.raises(CommandError, match="Aucune norme de service n’a l’identifiant 9999"):
        run("set-rule", "9999", "--within", "5 business days", "--language", "fr")


def test_only_due_and_explain_run_without_the_database() -> None:
    assert is_standalone(["comptoir", "standards", "due", "--tz", "UTC"])
    assert is_standalone(["comptoir", "standards", "explain"])
    assert is_standalone(["comptoir", "standards", "--help"])
    assert not is_standalone(["comptoir", "standards", "set-rule", "1234"])
    assert not is_standalone(["comptoir", "standards", "show-rule", "1234"])
    assert not is_standalone(["comptoir", "migrate"])


def _console(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    comptoir = Path(sys.executable).with_name("comptoir")
    environ = {**os.environ, "COMPTOIR_DEBUG": "1", **env}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(comptoir), *args], capture_output=True, text=True, env=environ, check=False, timeout=60
    )


def test_set_rule_runs_with_the_database_settings_in_a_real_process(tmp_path: Path) -> None:
    # An empty folder: the full settings open an SQLite file there and find no tables, which the
    # command says in one sentence (the database-free settings would not know the inventory).
    done = _console("standards", "show-rule", "1234", COMPTOIR_VAR_DIR=str(tmp_path), LANG="C")
    assert done.returncode == 3, done.stderr
    assert "has no tables yet" in done.stderr
    french_help = _console("standards", "set-rule", "--help", LANG="fr_CA.UTF-8").stdout
    assert "Retirer la règle de la norme au lieu d’en définir une." in french_help
    assert "--pause-while" in french_help


@pytest.mark.django_db
def test_a_rule_for_some_kinds_of_case(standard) -> None:
    """A complaint's own standard: acknowledged within 2 business days, complaints only."""
    out = run(
        "set-rule",
        "1234",
        "--within",
        "2 business days",
        "--until",
        "acknowledged",
        "--for-kind",
        "complaint",
        "--language",
        "fr",
    )
    assert "Seulement pour ces genres de dossiers : plainte." in out.splitlines()[0]
    standard.refresh_from_db()
    rule = StandardRule.from_dict(standard.rule)
    assert rule.applies_to.case_kinds == frozenset({"complaint"})
    with pytest.raises(CommandError):
        run("set-rule", "1234", "--within", "2 business days", "--for-kind", "grievance")
