"""``comptoir performance recompute|show|differences|attribution|counts-import`` against
hand-worked numbers, in both languages.

The standard S10 is "10 calendar days from receipt to resolution", target 0.8, a wait for the
client excluding the case. In fiscal year 2025-2026 (by output):

- four cases received 1 May 2025 and resolved 5 May: met (Q1);
- one received 28 March 2025 (fiscal year 2024-2025) and resolved 2 April: met, issued in Q1;
- one received 1 July and resolved 20 July: missed (Q2);
- one received 1 May that waited for the client, resolved 30 May: excluded (awaiting_client);
- one received 1 June and never resolved: in no volume, overdue now.

By output: 5 met of 6, performance 5/6 = 0.8333, target met (Y), 1 excluded, 1 overdue; Q1 5/5
= 1.0 and Q2 0/1 = 0.0 (N). By receipt: the March case counts in 2024-2025 (1/1 = 1.0), so
2025-2026 has 4 of 5 = 0.8, still Y (0.8 ≥ 0.8).
"""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from comptoir.accounts.roles import Role
from comptoir.casework import actions
from comptoir.measurement.models import OutsideCount
from tests.measurement.perf_builders import EXCLUDED_WHILE_AWAITING, add_standard, et, run, ten_days

pytestmark = pytest.mark.django_db

HEADER = "standard_id,volume_meeting_target,total_volume,performance,target_met,excluded"


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


@pytest.fixture
def year_of_cases(make_case, unit, officer, service):
    add_standard(service, ten_days(exclusions=EXCLUDED_WHILE_AWAITING))

    def resolved(received, resolved_at):
        case = make_case(unit, officer, at=received)
        actions.do_resolve_case(case, "delivered", actor=officer, at=resolved_at)
        return case

    for _n in range(4):
        resolved(et(2025, 5, 1), et(2025, 5, 5))
    resolved(et(2025, 3, 28), et(2025, 4, 2))
    resolved(et(2025, 7, 1), et(2025, 7, 20))
    waited = make_case(unit, officer, at=et(2025, 5, 1))
    actions.do_await_client(waited, actor=officer, at=et(2025, 5, 2))
    actions.do_resume_case(waited, actor=officer, at=et(2025, 5, 3))
    actions.do_resolve_case(waited, "delivered", actor=officer, at=et(2025, 5, 30))
    make_case(unit, officer, at=et(2025, 6, 1))
    out = run("recompute")
    assert out.strip() == (
        "Cases measured: 8; facts written: 8; facts removed: 0; cases skipped (unreadable "
        "events or calendars): 0."
    )


def test_show_csv_by_output_the_default(year_of_cases):
    out = run("show", "--fiscal-year", "2025-2026", "--format", "csv")
    assert out == f"{HEADER}\nS10,5,6,0.8333,Y,1\n"


def test_show_json_with_reasons_and_overdue_backlog(year_of_cases):
    rows = json.loads(run("show", "--fiscal-year", "2025-2026", "--format", "json"))
    assert rows == [
        {
            "standard_id": "S10",
            "service_id": "1234",
            "volume_meeting_target": 5,
            "total_volume": 6,
            "performance": "0.8333",
            "target": "0.8",
            "target_met": "Y",
            "excluded": 1,
            "excluded_reasons": {"awaiting_client": 1},
            "overdue_backlog": 1,
        }
    ]


def test_show_per_quarter(year_of_cases):
    out = run("show", "--fiscal-year", "2025-2026", "--period", "quarter", "--format", "csv")
    assert out == (f"period,{HEADER}\n2025-2026-Q1,S10,5,5,1.0,Y,1\n2025-2026-Q2,S10,0,1,0.0,N,0\n")


def test_by_receipt_the_march_case_stays_in_its_year(year_of_cases):
    out = run("show", "--fiscal-year", "2025-2026", "--attribution", "receipt", "--format", "csv")
    assert out == f"{HEADER}\nS10,4,5,0.8,Y,1\n"
    out = run("show", "--fiscal-year", "2024-2025", "--attribution", "receipt", "--format", "csv")
    assert out == f"{HEADER}\nS10,1,1,1.0,Y,0\n"
    # By output, 2024-2025 has no output: no row (the open case was received after it).
    out = run("show", "--fiscal-year", "2024-2025", "--format", "csv")
    assert out == f"{HEADER}\n"


def test_the_organization_setting_chooses_the_attribution(year_of_cases):
    assert run("attribution", "test-essai").strip() == (
        "test-essai counts each case in the fiscal year of its output (the default)."
    )
    out = run("attribution", "test-essai", "receipt", language="fr")
    assert out.strip() == "test-essai compte chaque dossier dans l’exercice où il a été reçu."
    out = run("show", "--fiscal-year", "2025-2026", "--format", "csv")
    assert out == f"{HEADER}\nS10,4,5,0.8,Y,1\n"


def test_differences_side_by_side(year_of_cases):
    out = run("differences", "--fiscal-year", "2025-2026")
    assert out.splitlines() == [
        "service_id,standard_id,volume_meeting_target_by_output,total_volume_by_output,"
        "volume_meeting_target_by_receipt,total_volume_by_receipt",
        "1234,S10,5,6,4,5",
    ]


def test_errors_are_translated_with_a_non_zero_status(year_of_cases):
    with pytest.raises(CommandError) as refused:
        run("show", "--fiscal-year", "2025", "--format", "csv", language="fr")
    assert refused.value.returncode == 2
    assert (
        str(refused.value)
        == "«\u00a02025\u00a0» n’est pas un exercice : écrivez-le ainsi : 2024-2025."
    )
    with pytest.raises(CommandError) as refused:
        run("show", "--fiscal-year", "2025-2026", "--service", "nope", "--format", "csv")
    assert refused.value.returncode == 2
    assert "No service has the ID nope" in str(refused.value)


def _help(monkeypatch, capsys, language: str, *args: str) -> str:
    from comptoir.measurement.management.commands.performance import Command

    monkeypatch.setenv("LANGUAGE", language)
    parser = Command().create_parser("comptoir", "performance")
    with pytest.raises(SystemExit):
        parser.parse_args([*args, "--help"])
    return capsys.readouterr().out


def test_help_in_both_languages(monkeypatch, capsys):
    english = _help(monkeypatch, capsys, "en", "show")
    assert "Print, per standard, the volume meeting the target" in english
    assert "--attribution {output,receipt}" in english
    french = _help(monkeypatch, capsys, "fr", "show")
    assert french.startswith("utilisation : comptoir performance show")
    assert "Afficher, par norme, le volume conforme à la cible" in french
    assert "Print, per standard" not in french
    top = _help(monkeypatch, capsys, "fr")
    assert "Calculer et afficher le rendement des normes de service à partir des dossiers." in top


# --- outside counts ---------------------------------------------------------------------------


@pytest.fixture
def calls_standard(service):
    return add_standard(service, ten_days("CALLS"))


def test_counts_import_refuses_a_bad_file_whole(calls_standard, tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "service_id,standard_id,period_start,period_end,volume_meeting,total_volume,source\n"
        "1234,CALLS,2025-04-01,2025-06-30,90,100,telephony\n"
        "1234,CALLS,2025-07-01,2025-09-30,120,100,telephony\n"
        "1234,NOPE,2025-07-01,2025-06-30,x,100,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        run("counts-import", str(path), language="fr")
    assert refused.value.returncode == 2
    assert str(refused.value).splitlines() == [
        "Ligne 3 : le volume conforme à la norme dépasse le volume total.",
        "Ligne 4 : le service 1234 n’a pas de norme NOPE.",
        "Ligne 4 : la période se termine avant de commencer.",
        "Ligne 4 : les volumes doivent être des nombres entiers, 0 ou plus.",
    ]
    assert OutsideCount.objects.count() == 0


def test_counts_import_feeds_the_same_aggregation(calls_standard, tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "service_id,standard_id,period_start,period_end,volume_meeting,total_volume,source\n"
        "1234,CALLS,2025-04-01,2025-06-30,90,100,telephony\n"
        "1234,CALLS,2025-07-01,2025-09-30,70,100,telephony\n",
        encoding="utf-8",
    )
    assert run("counts-import", str(path)).strip() == "Outside counts recorded: 2."
    out = run("show", "--fiscal-year", "2025-2026", "--format", "csv")
    assert out == f"{HEADER}\nCALLS,160,200,0.8,Y,0\n"
    out = run("show", "--fiscal-year", "2025-2026", "--period", "quarter", "--format", "csv")
    assert out.splitlines()[1:] == [
        "2025-2026-Q1,CALLS,90,100,0.9,Y,0",
        "2025-2026-Q2,CALLS,70,100,0.7,N,0",
    ]
    with pytest.raises(CommandError) as refused:
        run("show", "--fiscal-year", "2025-2026", "--period", "month", "--format", "csv")
    assert refused.value.returncode == 2
    assert "2025-2026" in str(refused.value) or "2025-04-01" in str(refused.value)
    # Imported again with another figure: replaced, the history keeps the first.
    path.write_text(
        "service_id,standard_id,period_start,period_end,volume_meeting,total_volume\n"
        "1234,CALLS,2025-04-01,2025-06-30,95,100\n",
        encoding="utf-8",
    )
    run("counts-import", str(path))
    count = OutsideCount.objects.get(period_start="2025-04-01")
    assert count.volume_meeting == 95
    assert [h.volume_meeting for h in count.history.order_by("history_date")] == [90, 95]


@pytest.mark.parametrize("period", ["fiscal_year", "quarter", "month", "week"])
@pytest.mark.parametrize(
    "by", [("standard",), ("standard", "unit"), ("service", "channel"), ("unit",)]
)
@pytest.mark.parametrize("attribution", ["output", "receipt"])
def test_the_database_counts_equal_the_core_aggregation_fact_by_fact(
    year_of_cases, make_case, make_unit, officer, period, by, attribution
):
    """The counts ``queries.performance`` reads from the database give the rows the core gives
    when handed the facts one by one."""
    from datetime import UTC, datetime, time

    from comptoir.core.performance.aggregation import Dimension, EvaluatedFact, aggregate
    from comptoir.core.performance.periods import PeriodKind
    from comptoir.core.standards import Channel
    from comptoir.measurement.models import StandardFact
    from comptoir.measurement.queries import performance

    # A second unit and channel, so that the groups differ.
    second = make_unit("second")
    from comptoir.inventory.models import UnitMembership

    UnitMembership.objects.create(unit=second, user=officer)
    for day in (3, 10, 17):
        case = make_case(second, officer, at=et(2025, 8, day), channel="ONL")
        actions.do_resolve_case(case, "delivered", actor=officer, at=et(2025, 8, day + 12))
    run("recompute")
    facts = StandardFact.objects.filter(outcome__in=["met", "missed"])
    facts = facts.filter(
        **{"fiscal_year_output" if attribution == "output" else "fiscal_year_received": "2025-2026"}
    )
    expected = aggregate(
        [
            EvaluatedFact(
                str(fact.standard_id),
                str(fact.service_id),
                Channel(fact.channel),
                str(fact.unit_id),
                datetime.combine(
                    fact.output_on if attribution == "output" else fact.received_on,
                    time(12, tzinfo=UTC),
                ),
                is_met=fact.outcome == "met",
            )
            for fact in facts
        ],
        period_kind=PeriodKind(period),
        tz="UTC",
        by=[Dimension(d) for d in by],
    )
    report = performance("2025-2026", attribution=attribution, period=period, by=by)
    measured = [row for row in report.rows if row.total_volume]
    assert [(r.period, r.volume_meeting_target, r.total_volume) for r in measured] == [
        (r.period, r.volume_meeting, r.total_volume) for r in expected
    ]
    # One row only for one standard over the year; otherwise the groups or periods split.
    assert len(expected) >= (1 if (by, period) == (("standard",), "fiscal_year") else 2)


def test_the_administration_edits_the_attribution_in_both_languages(client, make_user, service):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    organization = service.organization
    page = client.get(f"/en/admin/inventory/organization/{organization.pk}/change/").content
    assert b'name="performance_attribution"' in page
    assert b"By output date (the open data" in page
    page = client.get(f"/fr/admin/inventory/organization/{organization.pk}/change/")
    assert "Selon la date de réception" in page.content.decode()


def test_a_paused_clock_is_not_overdue_and_an_open_one_counts_in_no_volume(
    make_case, unit, officer, service
):
    from datetime import timedelta

    from comptoir.measurement.queries import performance

    add_standard(service, ten_days(pause_start=("awaiting_client",), pause_end=("resumed",)))
    waiting = make_case(unit, officer, at=et(2025, 5, 1))
    actions.do_await_client(waiting, actor=officer, at=et(2025, 5, 2))
    late = make_case(unit, officer, at=et(2025, 5, 1))
    run("recompute")
    report = performance("2025-2026", as_of=et(2025, 5, 1) + timedelta(days=30))
    [row] = report.rows
    assert (row.standard_id, row.total_volume, row.overdue_backlog) == ("S10", 0, 1)
    assert (row.performance, row.target_met) == ("", "NA")
    actions.do_resume_case(waiting, actor=officer, at=et(2025, 6, 25))
    actions.do_resolve_case(late, "delivered", actor=officer, at=et(2025, 6, 26))
    run("recompute")
    [row] = performance("2025-2026", as_of=et(2025, 7, 1)).rows
    # The waiting case resumed after 54 days paused: due at the end of 4 July instead of 11 May,
    # not overdue on 1 July; the late one was issued, missed.
    assert (row.total_volume, row.volume_meeting_target, row.overdue_backlog) == (1, 0, 0)
