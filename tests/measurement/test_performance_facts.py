"""``measurement.performance``: the standard facts of a case from its events, the incremental
refresh after each event (the ``events_recorded`` receiver), and a full recompute giving the same
rows (a property test over small random histories)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.casework import actions
from comptoir.casework.errors import CaseError
from comptoir.core.businesstime import Within
from comptoir.core.standards import Applicability, StandardRule
from comptoir.measurement.models import StandardFact
from comptoir.measurement.performance import recompute, refresh_case_facts
from tests.measurement.perf_builders import add_standard, et, ten_days

pytestmark = pytest.mark.django_db

AS_OF = et(2025, 7, 1)


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def other_unit(make_unit):
    return make_unit("back")


@pytest.fixture
def officer(make_member, unit, other_unit):
    from comptoir.inventory.models import UnitMembership

    user = make_member(unit)
    UnitMembership.objects.create(unit=other_unit, user=user)
    return user


def facts_of(case) -> dict[str, dict]:
    return {
        fact.standard.service_standard_id: {
            "unit": fact.unit_id,
            "outcome": fact.outcome,
            "reason": fact.exclusion_reason,
            "output_at": fact.output_at,
            "due_at": fact.due_at,
            "paused": fact.is_paused,
            "fy": (fact.fiscal_year_received, fact.fiscal_year_output),
            "on": (fact.received_on, fact.output_on),
            "channel": fact.channel,
            "received_at": fact.received_at,
        }
        for fact in StandardFact.objects.filter(case=case).select_related("standard")
    }


def test_a_case_received_in_march_and_resolved_in_april_has_both_fiscal_years(
    make_case, unit, officer, service
):
    add_standard(service, ten_days())
    case = make_case(unit, officer, at=et(2025, 3, 28))
    refresh_case_facts(case, as_of=et(2025, 3, 30))
    assert facts_of(case)["S10"]["outcome"] == "pending"
    assert facts_of(case)["S10"]["fy"] == ("2024-2025", "")
    actions.do_resolve_case(case, "delivered", actor=officer, at=et(2025, 4, 2))
    refresh_case_facts(case, as_of=AS_OF)
    fact = facts_of(case)["S10"]
    assert fact["outcome"] == "met"
    assert fact["fy"] == ("2024-2025", "2025-2026")
    assert fact["output_at"] == et(2025, 4, 2)
    assert fact["due_at"] == et(2025, 4, 8, 0)  # the end of 7 April, day 10
    assert fact["unit"] == unit.pk


def test_the_local_date_decides_the_fiscal_year(make_case, unit, officer, service):
    # 31 March 23:30 in Toronto is 1 April in UTC: still the old year by the unit's calendar.
    add_standard(service, ten_days())
    case = make_case(unit, officer, at=et(2025, 3, 25))
    actions.do_resolve_case(
        case, "delivered", actor=officer, at=et(2025, 3, 31, 23) + timedelta(minutes=30)
    )
    refresh_case_facts(case, as_of=AS_OF)
    assert facts_of(case)["S10"]["fy"] == ("2024-2025", "2024-2025")


def test_the_deciding_unit_is_the_one_holding_the_case_at_the_output(
    make_case, unit, other_unit, officer, service
):
    add_standard(service, ten_days())
    case = make_case(unit, officer, at=et(2025, 5, 1))
    actions.do_refer_case(case, other_unit, actor=officer, reason="theirs", at=et(2025, 5, 2))
    actions.do_resolve_case(case, "delivered", actor=officer, at=et(2025, 5, 20))
    refresh_case_facts(case, as_of=AS_OF)
    fact = facts_of(case)["S10"]
    assert (fact["unit"], fact["outcome"]) == (other_unit.pk, "missed")


def test_an_excluded_case_keeps_its_reason(make_case, unit, officer, service):
    from tests.measurement.perf_builders import EXCLUDED_WHILE_AWAITING

    add_standard(service, ten_days(exclusions=EXCLUDED_WHILE_AWAITING))
    case = make_case(unit, officer, at=et(2025, 5, 1))
    actions.do_await_client(case, actor=officer, at=et(2025, 5, 2))
    actions.do_resume_case(case, actor=officer, at=et(2025, 5, 3))
    actions.do_resolve_case(case, "delivered", actor=officer, at=et(2025, 5, 30))
    refresh_case_facts(case, as_of=AS_OF)
    fact = facts_of(case)["S10"]
    assert (fact["outcome"], fact["reason"]) == ("excluded", "awaiting_client")


def test_a_standard_that_no_longer_applies_loses_its_fact(make_case, unit, officer, service):
    standard = add_standard(service, ten_days())
    case = make_case(unit, officer, at=et(2025, 5, 1))
    refresh_case_facts(case, as_of=AS_OF)
    assert set(facts_of(case)) == {"S10"}
    standard.rule = ten_days(applies_to=Applicability(case_kinds=("complaint",))).to_dict()
    standard.save(update_fields=["rule"])
    counts = refresh_case_facts(case, as_of=AS_OF)
    assert (counts.written, counts.deleted) == (0, 1)
    assert facts_of(case) == {}


def test_the_event_writer_refreshes_the_facts_after_the_commit(
    make_case, unit, officer, service, django_capture_on_commit_callbacks
):
    add_standard(service, ten_days())
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(unit, officer, at=et(2025, 5, 1))
    assert facts_of(case)["S10"]["outcome"] == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_resolve_case(case, "delivered", actor=officer, at=et(2025, 5, 5))
    assert facts_of(case)["S10"]["outcome"] == "met"


def test_recompute_of_a_fiscal_year_reads_only_the_cases_alive_in_it(
    make_case, unit, officer, service
):
    add_standard(service, ten_days())
    old = make_case(unit, officer, at=et(2023, 5, 1))
    actions.do_resolve_case(old, "delivered", actor=officer, at=et(2023, 5, 3))
    spanning = make_case(unit, officer, at=et(2025, 3, 30))
    actions.do_resolve_case(spanning, "delivered", actor=officer, at=et(2025, 4, 3))
    still_open = make_case(unit, officer, at=et(2024, 6, 1))
    counts = recompute("2025-2026", as_of=AS_OF)
    assert (counts.cases, counts.written, counts.deleted, counts.skipped) == (2, 2, 0, 0)
    assert facts_of(old) == {}
    assert facts_of(still_open)["S10"]["outcome"] == "pending"
    assert recompute(as_of=AS_OF).cases == 3


# --- incremental equals full ------------------------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["acknowledge", "await", "resume", "refer", "resolve", "reopen", "note"]),
        st.integers(min_value=1, max_value=6 * 24),  # hours after the previous event
    ),
    max_size=7,
)


def _apply(case, step: str, at, officer, units):
    match step:
        case "acknowledge":
            actions.do_acknowledge(case, actor=officer, at=at)
        case "await":
            actions.do_await_client(case, actor=officer, at=at)
        case "resume":
            actions.do_resume_case(case, actor=officer, at=at)
        case "refer":
            target = units[1] if case.current_unit_id == units[0].pk else units[0]
            actions.do_refer_case(case, target, actor=officer, reason="moved", at=at)
        case "resolve":
            actions.do_resolve_case(case, "delivered", actor=officer, at=at)
        case "reopen":
            actions.do_reopen_case(case, "again", actor=officer, at=at)
        case "note":
            actions.do_add_note(case, "seen", actor=officer, at=at)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS, channel=st.sampled_from(["TEL", "ONL", "PERSON"]))
def test_the_incremental_refresh_equals_a_full_recompute(
    make_case, unit, other_unit, officer, service, steps, channel
):
    from comptoir.core.standards import CalendarChoice, CalendarScope

    if not service.standards.exists():
        add_standard(service, ten_days(pause_start=("awaiting_client",), pause_end=("resumed",)))
        add_standard(
            service,
            StandardRule(
                "ACK2",
                Within.parse("2 business days"),
                stop="acknowledged",
                calendar=CalendarChoice(CalendarScope.CURRENT_UNIT),
            ),
        )
        add_standard(service, ten_days("PHONE", applies_to=Applicability(channels=("TEL",))))
        add_standard(
            service, ten_days("NEVER", applies_to=Applicability(case_kinds=("complaint",)))
        )
    at = et(2025, 3, 20)
    case = make_case(unit, officer, at=at, channel=channel)
    refresh_case_facts(case, as_of=AS_OF)
    for step, hours in steps:
        at += timedelta(hours=hours)
        try:
            _apply(case, step, at, officer, (unit, other_unit))
        except CaseError:
            continue  # not possible in this state: the history goes on without it
        refresh_case_facts(case, as_of=AS_OF)
    incremental = facts_of(case)
    assert "NEVER" not in incremental
    assert ("PHONE" in incremental) == (channel == "TEL")
    StandardFact.objects.filter(case=case).delete()
    recompute(as_of=AS_OF)
    assert facts_of(case) == incremental
