"""The managers' dashboard (issue 14, item 4) on a year of cases worked out by hand.

Standard S10, "10 calendar days from receipt to resolution", target 0.8 (as in
``tests/measurement/test_performance_show.py``). Fiscal year 2025-2026, by output:

- four cases received 1 May 2025, resolved 5 May: met (May);
- one received 28 March 2025, resolved 2 April: met (April; received in the year before);
- one received 1 July, resolved 20 July: missed (July);
- one received 1 August and resolved 3 August as could not be answered (the data are not
  collected): met (August), and a data gap;
- one received 1 June and never resolved: open, past due.

So S10 has 6 of 7 = 85.7 % against 80 %: at least five points above, *exceeding*; April and May
100 %, July 0 %, August 100 %. Seven cases were received in the year (the March one was not),
all by telephone; one is open, received more than 40 days before "now" (1 December 2025).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from comptoir.casework import actions
from comptoir.core.performance.scenarios import Scenario
from comptoir.insight import dashboard
from tests.casework.conftest import make_case, make_member, make_unit, organization, service
from tests.measurement.perf_builders import add_standard, et, run, ten_days

__all__ = ["make_case", "make_member", "make_unit", "organization", "service"]

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def unit(make_unit: Any) -> Any:
    return make_unit("front")


@pytest.fixture
def manager(make_member: Any, unit: Any) -> Any:
    return make_member(unit, is_manager=True)


@pytest.fixture
def year(make_case: Any, unit: Any, manager: Any, service: Any) -> dict[str, Any]:
    add_standard(service, ten_days())

    def resolved(received: datetime, at: datetime, outcome: str = "delivered", gap: Any = None):
        case = make_case(unit, manager, at=received)
        actions.do_resolve_case(case, outcome, gap, actor=manager, at=at)
        return case

    for _n in range(4):
        resolved(et(2025, 5, 1), et(2025, 5, 5))
    resolved(et(2025, 3, 28), et(2025, 4, 2))
    resolved(et(2025, 7, 1), et(2025, 7, 20))
    resolved(et(2025, 8, 1), et(2025, 8, 3), "unanswerable", "not_collected")
    open_case = make_case(unit, manager, at=et(2025, 6, 1))
    run("recompute")
    return {"open": open_case}


def test_the_figures_are_the_hand_worked_ones(year: dict[str, Any], manager: Any) -> None:
    board = dashboard.dashboard(manager, dashboard.Filters("2025-2026"), now=NOW)
    (s10,) = board.standards
    assert (s10.meeting, s10.total) == (6, 7)
    assert s10.performance_words == "85.7 %"
    assert s10.scenario is Scenario.EXCEEDING
    assert s10.chart is not None
    assert s10.chart.rows == [
        ["Apr 2025", "1", "1", "100.0 %"],
        ["May 2025", "4", "4", "100.0 %"],
        ["Jul 2025", "0", "1", "0.0 %"],
        ["Aug 2025", "1", "1", "100.0 %"],
    ]
    assert "between 0.0 % (Jul 2025) and 100.0 % (Apr 2025)" in s10.chart.summary
    assert s10.chart.svg.startswith('<svg aria-hidden="true"')
    exceeding = next(g for g in board.scenarios if g.scenario is Scenario.EXCEEDING)
    assert exceeding.standards == [s10] and exceeding.questions
    assert board.backlog.rows[-1] == ["Over 40 days", "1"]
    assert [row.case for row in board.at_risk] == [year["open"]]
    assert "1 open cases are past due" in board.at_risk_summary
    assert board.volume.rows == [["Telephone", "Enquiry", "7"]]
    assert board.volume.summary == "7 cases received; the most by telephone (100.0 %)."
    assert board.data_gaps.rows == [["The data are not collected", "1"]]


def test_a_correction_of_the_outcome_counts_in_the_data_gaps(
    year: dict[str, Any], manager: Any
) -> None:
    from comptoir.casework.models import Case, CaseEvent

    case = CaseEvent.objects.get(kind="resolved", payload__outcome="unanswerable").case
    sequence = case.events.get(kind="resolved").sequence
    actions.do_correct_event(
        Case.objects.get(pk=case.pk),
        sequence,
        {"outcome": "delivered"},
        actor=manager,
        reason="It was answered after all",
    )
    board = dashboard.dashboard(manager, dashboard.Filters("2025-2026"), now=NOW)
    assert board.data_gaps.rows == []
    assert board.data_gaps.summary == "Every request resolved in this period was answered."


def test_filters_narrow_every_figure(year: dict[str, Any], manager: Any, make_unit: Any) -> None:
    elsewhere = make_unit("other")
    board = dashboard.dashboard(manager, dashboard.Filters("2025-2026", unit=elsewhere), now=NOW)
    assert board.standards == []
    assert board.backlog.rows[-1] == ["Over 40 days", "0"]
    assert board.volume.rows == []
    by_email = dashboard.dashboard(manager, dashboard.Filters("2025-2026", channel="EML"), now=NOW)
    assert by_email.standards == [] and by_email.at_risk == []


def test_a_reader_of_the_inventory_sees_the_standards_not_the_cases(
    year: dict[str, Any], make_user: Any
) -> None:
    viewer = make_user("viewer")
    board = dashboard.dashboard(viewer, dashboard.Filters("2025-2026"), now=NOW)
    assert not board.sees_cases
    assert board.standards[0].total == 7
    assert board.volume.rows == [] and board.at_risk == []


@pytest.mark.parametrize(
    ("language", "heading", "scenario"),
    [
        ("en", "Performance dashboard", "Exceeding the standard"),
        ("fr", "Tableau de bord du rendement", "Au-delà de la norme"),
    ],
)
def test_the_page_in_both_languages(
    client: Any, year: dict[str, Any], manager: Any, language: str, heading: str, scenario: str
) -> None:
    client.force_login(manager)
    response = client.get(f"/{language}/insight/dashboard/?fiscal_year=2025-2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page and scenario in page
    assert page.count("<svg") >= 4


def test_a_bad_filter_is_a_400_with_the_current_year(client: Any, manager: Any) -> None:
    client.force_login(manager)
    response = client.get("/en/insight/dashboard/?fiscal_year=1999-2001")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_someone_without_the_inventory_is_refused(client: Any, make_user: Any) -> None:
    client.force_login(make_user(None))
    assert client.get("/en/insight/dashboard/").status_code == 403
