"""The inventory's numbers from the cases (``measurement.inventory_numbers``) and
``comptoir inventory fill-from-cases``, against hand-counted cases, in both languages.

Service 1234 (handled in Comptoir), fiscal year 2025-2026, a Toronto unit, standard S10 "10
calendar days from receipt to resolution" (target 0.8); its record was typed with online 340,
email 25, total 365, telephone and the other channels NA, and S10's volumes 90 of 100:

- two online cases received 1 May 2025, resolved 5 May: met;
- one telephone case received 1 July, resolved 20 July: missed;
- one email case received 31 March 2026 at 22:00 Toronto (1 April in UTC: still 2025-2026
  locally), resolved 20 April 2026 (in 2026-2027): missed, issued next year;
- one online case received 28 March 2025 (2024-2025), resolved 2 April: met, issued this year.

Applications 2025-2026: online 2, telephone 1, email 1, total 4 (the March 2025 case is an
application of 2024-2025); fax, in person, mail and other stay NA (typed: no case, not offered).
S10 by output (the default): the two May cases, July's and March 2025's: 3 of 4. By receipt:
May's, July's and the email case: 2 of 4.

Service 5678 has no case in 2025-2026: not handled in Comptoir, every number stays as typed.
"""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comptoir.casework import actions
from comptoir.inventory.actions import COMPUTED_STANDARD_FIELDS, do_create_standard_year
from comptoir.inventory.exporting import export_fiscal_year
from comptoir.inventory.models import STANDARD_FIELDS_STORED, FiscalYear, ServiceYear, StandardYear
from comptoir.measurement.inventory_numbers import CASES, TYPED, numbers_for
from comptoir.measurement.performance import do_set_performance_attribution, recompute
from tests.conftest import valid_standard_row
from tests.measurement.perf_builders import add_standard, et, ten_days

pytestmark = pytest.mark.django_db

YEAR = "2025-2026"


def _standard_cells(standard_id: str, **cells: str) -> dict[str, str]:
    row = valid_standard_row(service_standard_id=standard_id, fiscal_yr=YEAR, **cells)
    return {
        name: row.get(name, "")
        for name in STANDARD_FIELDS_STORED
        if name not in COMPUTED_STANDARD_FIELDS
    }


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


@pytest.fixture
def handled(make_case, make_service_year, unit, officer, service):
    add_standard(service, ten_days())
    record = make_service_year(service_id="1234", fiscal_year=YEAR)
    do_create_standard_year(record, "S10", _standard_cells("S10"), actor=None)

    def resolved(channel, received, resolved_at):
        case = make_case(unit, officer, channel=channel, at=received)
        actions.do_resolve_case(case, "delivered", actor=officer, at=resolved_at)

    resolved("ONL", et(2025, 5, 1), et(2025, 5, 5))
    resolved("ONL", et(2025, 5, 1), et(2025, 5, 5))
    resolved("TEL", et(2025, 7, 1), et(2025, 7, 20))
    resolved("EML", et(2026, 3, 31, 22), et(2026, 4, 20))
    resolved("ONL", et(2025, 3, 28), et(2025, 4, 2))
    recompute()
    return record


@pytest.fixture
def typed_only(make_service_year, organization):
    from comptoir.inventory.models import Service, ServiceStandard

    service, _ = Service.objects.get_or_create(organization=organization, service_id="5678")
    ServiceStandard.objects.create(
        service=service, service_standard_id="T1", rule=ten_days("T1").to_dict()
    )
    record = make_service_year(service_id="5678", fiscal_year=YEAR)
    do_create_standard_year(record, "T1", _standard_cells("T1"), actor=None)
    return record


def _run(*args: str, language: str = "en") -> str:
    out = StringIO()
    call_command("inventory", "--language", language, *args, stdout=out)
    return out.getvalue()


def _values(numbers) -> dict[str, tuple[str, str]]:
    return {number.cell: (number.value, number.source) for number in numbers}


def test_applications_per_channel_counted_from_the_cases(handled):
    numbers = numbers_for(handled)
    assert numbers.handled
    assert numbers.cases_received == 4
    assert _values(numbers.applications) == {
        "num_applications_online": ("2", CASES),
        "num_applications_by_phone": ("1", CASES),
        "num_applications_in_person": ("NA", TYPED),
        "num_applications_by_email": ("1", CASES),
        "num_applications_by_fax": ("NA", TYPED),
        "num_applications_by_mail": ("NA", TYPED),
        "num_applications_by_other": ("NA", TYPED),
        "num_applications_total": ("4", CASES),
    }
    online = numbers.by_cell()["num_applications_online"]
    assert (online.stored, online.cases, online.changes) == ("340", 2, True)


def test_standard_volumes_follow_the_organizations_attribution(handled, organization):
    (standard,) = numbers_for(handled).standards
    assert standard.service_standard_id == "S10"
    assert _values(standard.numbers) == {
        "volume_meeting_target": ("3", CASES),
        "total_volume": ("4", CASES),
    }
    do_set_performance_attribution(organization, "receipt", actor=None)
    (standard,) = numbers_for(ServiceYear.objects.get(pk=handled.pk)).standards
    assert _values(standard.numbers) == {
        "volume_meeting_target": ("2", CASES),
        "total_volume": ("4", CASES),
    }


def test_a_service_without_cases_keeps_its_typed_numbers(handled, typed_only):
    numbers = numbers_for(typed_only)
    assert not numbers.handled
    assert all(number.source == TYPED for number in numbers.applications)
    assert numbers.by_cell()["num_applications_total"].value == "365"
    (standard,) = numbers.standards
    assert _values(standard.numbers) == {
        "volume_meeting_target": ("90", TYPED),
        "total_volume": ("100", TYPED),
    }


def test_fill_writes_the_counted_numbers_with_history(handled, typed_only, make_user):
    person = make_user(None, username="ana")
    out = _run("fill-from-cases", "--fiscal-year", YEAR, "--user", "ana")
    assert out.splitlines() == [
        "test-essai 1234 num_applications_online: 340 (typed) → 2 (counted)",
        "test-essai 1234 num_applications_by_phone: NA (typed) → 1 (counted)",
        "test-essai 1234 num_applications_by_email: 25 (typed) → 1 (counted)",
        "test-essai 1234 num_applications_total: 365 (typed) → 4 (counted)",
        "test-essai 1234/S10 volume_meeting_target: 90 (typed) → 3 (counted)",
        "test-essai 1234/S10 total_volume: 100 (typed) → 4 (counted)",
        "Cells changed: 6; service records handled in Comptoir this year: 1 of 2 (the others "
        "keep their typed numbers).",
    ]
    record = ServiceYear.objects.get(pk=handled.pk)
    assert (record.num_applications_online, record.num_applications_total) == ("2", "4")
    latest = record.history.latest()
    assert latest.history_change_reason == "counted-from-cases"
    assert latest.history_user == person
    standard = StandardYear.objects.get(service_year=handled)
    assert (standard.volume_meeting_target, standard.total_volume) == ("3", "4")
    assert standard.history.latest().history_change_reason == "counted-from-cases"
    untouched = ServiceYear.objects.get(pk=typed_only.pk)
    assert untouched.num_applications_total == "365"
    assert untouched.history.count() == 1
    # Counted numbers stored: a second run has nothing to change.
    again = _run("fill-from-cases", "--fiscal-year", YEAR)
    assert again.startswith(
        "Cells changed: 0; service records handled in Comptoir this year: 1 of 2"
    )


def test_history_reason_is_shown_in_the_readers_language():
    from django.utils import translation

    from comptoir.inventory.change_reasons import COUNTED_FROM_CASES, describe_reason

    with translation.override("en"):
        assert describe_reason(COUNTED_FROM_CASES) == "Counted from the cases."
    with translation.override("fr"):
        assert describe_reason(COUNTED_FROM_CASES) == "Compté à partir des dossiers."


def test_dry_run_changes_nothing_in_french(handled):
    out = _run("fill-from-cases", "--fiscal-year", YEAR, "--dry-run", language="fr")
    lines = out.splitlines()
    assert lines[0] == "test-essai 1234 num_applications_online\u00a0: 340 (saisi) → 2 (compté)"
    assert lines[-1] == (
        "Essai à blanc, rien n’a été changé. Cellules qui changeraient\u00a0: 6; fiches de "
        "service traitées dans Comptoir cette année\u00a0: 1 sur 1 (les autres gardent leurs "
        "nombres saisis)."
    )
    record = ServiceYear.objects.get(pk=handled.pk)
    assert record.num_applications_online == "340"
    assert record.history.count() == 1


def test_an_approved_year_is_refused_and_nothing_changes(handled, officer):
    FiscalYear.objects.filter(code=YEAR).update(approved_at=timezone.now(), approved_by=officer)
    with pytest.raises(CommandError) as refused:
        _run("fill-from-cases", "--fiscal-year", YEAR)
    assert refused.value.returncode == 2
    assert "is approved: its records can no longer be changed" in str(refused.value)
    with pytest.raises(CommandError):
        _run("fill-from-cases", "--fiscal-year", YEAR, "--dry-run")
    record = ServiceYear.objects.get(pk=handled.pk)
    assert record.num_applications_online == "340"
    assert StandardYear.objects.get(service_year=handled).total_volume == "100"


def test_the_export_carries_the_counted_numbers(handled, typed_only, tmp_path):
    _run("fill-from-cases", "--fiscal-year", YEAR)
    export_fiscal_year(YEAR, tmp_path)
    with (tmp_path / "service.csv").open(encoding="utf-8-sig", newline="") as file:
        services = {row["service_id"]: row for row in csv.DictReader(file)}
    assert services["1234"]["num_applications_online"] == "2"
    assert services["1234"]["num_applications_by_email"] == "1"
    assert services["1234"]["num_applications_by_fax"] == "NA"
    assert services["1234"]["num_applications_total"] == "4"
    assert services["5678"]["num_applications_total"] == "365"
    with (tmp_path / "service-std.csv").open(encoding="utf-8-sig", newline="") as file:
        standards = {row["service_standard_id"]: row for row in csv.DictReader(file)}
    assert (standards["S10"]["volume_meeting_target"], standards["S10"]["total_volume"]) == (
        "3",
        "4",
    )
    assert standards["S10"]["performance"] == "0.75"
    assert standards["S10"]["target_met"] == "N"
    assert standards["T1"]["total_volume"] == "100"


def test_an_unknown_user_is_refused(handled):
    with pytest.raises(CommandError) as refused:
        _run("fill-from-cases", "--fiscal-year", YEAR, "--user", "nobody")
    assert "No user is named nobody" in str(refused.value)


def _help(monkeypatch, capsys, language: str) -> str:
    from comptoir.inventory.management.commands.inventory import Command

    monkeypatch.setenv("LANGUAGE", language)
    parser = Command().create_parser("comptoir", "inventory")
    with pytest.raises(SystemExit):
        parser.parse_args(["fill-from-cases", "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_help_in_both_languages(monkeypatch, capsys):
    english = _help(monkeypatch, capsys, "en")
    assert "counted from the cases" in english
    assert "--dry-run" in english
    french = _help(monkeypatch, capsys, "fr")
    assert "comptés à partir des dossiers" in french
    assert "Afficher ce qui changerait; ne rien changer." in french


def _volumes_table(client, record, language: str) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        url = reverse("inventory:service_detail", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("<h2>Volumes</h2>")
    return " ".join(page[start : page.index("</table>", start)].split())


def _row(table: str, heading: str) -> str:
    start = table.index(f'<th scope="row">{heading}</th>')
    return table[start : table.index("</tr>", start)]


def test_the_service_page_marks_each_number(client, make_user, handled, typed_only):
    from comptoir.accounts.roles import Role

    client.force_login(make_user(Role.VIEWER, username="viewer"))
    table = _volumes_table(client, handled, "en")
    assert "<td>Typed; the cases count 2</td>" in _row(table, "Applications online")
    assert "<td>Typed</td>" in _row(table, "Applications by fax")
    assert "<td></td>" in _row(table, "Website visits")
    _run("fill-from-cases", "--fiscal-year", YEAR)
    table = _volumes_table(client, handled, "en")
    assert "<td>Counted from 2 cases</td>" in _row(table, "Applications online")
    assert "<td>Counted from 1 case</td>" in _row(table, "Applications by email")
    assert "<td>Counted from 4 cases</td>" in _row(table, "Total applications")
    french = _volumes_table(client, handled, "fr")
    assert "<td>Compté à partir de 2 dossiers</td>" in french
    assert "<td>Saisi</td>" in french
    untouched = _volumes_table(client, typed_only, "en")
    assert "<td>Typed</td>" in _row(untouched, "Total applications")
    assert "Counted" not in untouched
