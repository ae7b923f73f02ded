"""The queues: the projected next due instant and wait, the unit's and one's own lists (due soon,
overdue, waiting on the client too long), their counts, their query counts and the bulk
assignment, through the test client in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.casework import actions
from comptoir.casework.models import Case, CaseEvent
from comptoir.core.businesstime import Within
from comptoir.core.standards import StandardRule

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"casework:{name}", args=args)


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def manager(make_member, unit):
    return make_member(unit, username="manon", is_manager=True)


@pytest.fixture
def standard(service):
    from comptoir.inventory.models import ServiceStandard

    return ServiceStandard.objects.create(
        service=service,
        service_standard_id="S5",
        rule=StandardRule("S5", Within.parse("5 business days")).to_dict(),
    )


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_the_next_due_instant_is_the_clocks_and_is_cleared_when_resolved(
    make_case, unit, officer, standard
):
    from comptoir.casework.queries import case_page

    case = make_case(unit, officer, at=timezone.now() - timedelta(hours=1))
    clocks = case_page(officer, case).clocks
    assert fresh(case).next_due_at == clocks[0].due_at
    actions.do_resolve_case(case, "delivered", actor=officer)
    assert fresh(case).next_due_at is None


def test_a_revised_due_date_is_the_one_the_queues_work_to(
    client, make_case, unit, officer, manager, standard
):
    """The rule's due date has passed; the client was given a later one: the case leaves the
    overdue list and is due at the revised date, while the clock still says missed."""
    from comptoir.casework.queries import case_page

    case = make_case(unit, officer, at=timezone.now() - timedelta(days=30))
    rule_due = fresh(case).next_due_at
    assert rule_due is not None and rule_due < timezone.now()
    client.force_login(manager)
    assert (
        case.reference in client.get(url("unit_queue", "front") + "?show=overdue").content.decode()
    )
    promised = timezone.now() + timedelta(days=3)
    actions.do_revise_due_date(case, "S5", promised, "Data released next week.", actor=officer)
    assert fresh(case).next_due_at == promised
    overdue = client.get(url("unit_queue", "front") + "?show=overdue").content.decode()
    assert case.reference not in overdue
    assert case_page(officer, fresh(case)).clocks[0].outcome.value == "missed"
    # Corrected back to a past date, it is overdue again.
    revision = CaseEvent.objects.get(case=case, kind="due_date_revised")
    actions.do_correct_event(
        case,
        revision.sequence,
        {"due_at": timezone.now() - timedelta(days=1)},
        actor=officer,
        reason="Typed the wrong week.",
    )
    assert fresh(case).next_due_at < timezone.now()
    assert (
        case.reference in client.get(url("unit_queue", "front") + "?show=overdue").content.decode()
    )


def test_a_case_without_a_rule_has_no_due_instant(make_case, unit, officer):
    assert fresh(make_case(unit, officer)).next_due_at is None


def test_the_wait_for_the_client_is_projected(make_case, unit, officer):
    case = make_case(unit, officer)
    actions.do_await_client(case, actor=officer, at=case.received_at + timedelta(hours=1))
    assert fresh(case).awaiting_since == case.received_at + timedelta(hours=1)
    actions.do_resume_case(case, actor=officer, at=case.received_at + timedelta(hours=2))
    assert fresh(case).awaiting_since is None


def test_a_new_rule_recomputes_the_open_cases_due_instants(
    make_case, unit, officer, standard, django_capture_on_commit_callbacks
):
    from comptoir.inventory.actions import do_set_standard_rule

    case = make_case(unit, officer, at=timezone.now() - timedelta(hours=1))
    before = fresh(case).next_due_at
    with django_capture_on_commit_callbacks(execute=True):
        do_set_standard_rule(
            standard, StandardRule("S5", Within.parse("10 business days")), actor=None
        )
    after = fresh(case).next_due_at
    assert before is not None and after is not None and after > before
    with django_capture_on_commit_callbacks(execute=True):
        do_set_standard_rule(standard, None, actor=None)
    assert fresh(case).next_due_at is None


@pytest.fixture
def three_queues(make_case, unit, officer, standard, service):
    """An overdue case, one due within the next business hours, one waiting too long."""
    from comptoir.inventory.models import ServiceStandard

    now = timezone.now()
    overdue = make_case(unit, officer, at=now - timedelta(days=30))
    ServiceStandard.objects.create(
        service=service,
        service_standard_id="H1",
        rule=StandardRule("H1", Within.parse("1 business hours")).to_dict(),
    )
    soon = make_case(unit, officer, at=now - timedelta(minutes=1))
    waiting = make_case(unit, officer, kind="application", at=now - timedelta(days=40))
    actions.do_await_client(waiting, actor=officer, at=now - timedelta(days=30))
    return overdue, soon, waiting


@pytest.mark.parametrize(
    ("language", "overdue_tab", "waiting_tab"),
    [
        ("en", "2 overdue", "1 waiting on the client too long"),
        ("fr", "2 en retard", "1 en attente du client depuis trop longtemps"),
    ],
)
def test_the_unit_queue_lists_due_soon_overdue_and_waiting(
    client, officer, three_queues, language, overdue_tab, waiting_tab
):
    overdue, soon, waiting = three_queues
    client.force_login(officer)
    base = url("unit_queue", "front", language=language)
    page = body(client.get(base + "?show=overdue"))
    assert overdue_tab in page  # the waiting case is overdue too (its clocks were past due)
    assert waiting_tab in page
    assert overdue.reference in page
    assert soon.reference not in page
    page = body(client.get(base + "?show=due_soon"))
    assert soon.reference in page
    assert overdue.reference not in page
    page = body(client.get(base + "?show=waiting"))
    assert waiting.reference in page
    assert soon.reference not in page


def test_my_queue_has_the_same_lists_for_my_cases(client, officer, three_queues):
    overdue, soon, _waiting = three_queues
    actions.do_assign_case(soon, officer, actor=officer)
    client.force_login(officer)
    page = body(client.get(url("my_queue") + "?show=due_soon"))
    assert soon.reference in page
    page = body(client.get(url("my_queue") + "?show=overdue"))
    assert overdue.reference not in page  # not mine
    assert "0 overdue" in page


def test_the_due_soon_bound_is_a_setting(client, officer, three_queues, settings):
    _overdue, soon, _waiting = three_queues
    settings.COMPTOIR_QUEUE_DUE_SOON_HOURS = 0
    client.force_login(officer)
    assert soon.reference not in body(client.get(url("unit_queue", "front") + "?show=due_soon"))


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("show", ["unassigned", "open", "due_soon", "overdue", "waiting"])
def test_a_queue_takes_as_many_queries_for_ten_cases_as_for_one(
    client, make_case, unit, manager, standard, show
):
    client.force_login(manager)
    address = url("unit_queue", "front") + f"?show={show}"
    old = timezone.now() - timedelta(days=30)
    make_case(unit, manager, at=old)
    client.get(address)  # the first request of a session reads more (the session, the language)
    one = _queries(client, address)
    for _ in range(9):
        make_case(unit, manager, at=old)
    assert _queries(client, address) == one


@pytest.mark.parametrize("show", ["mine", "due_soon", "overdue", "waiting"])
def test_my_queue_takes_as_many_queries_for_ten_cases_as_for_one(
    client, make_case, unit, officer, standard, show
):
    client.force_login(officer)
    address = url("my_queue") + f"?show={show}"
    old = timezone.now() - timedelta(days=30)

    def mine() -> None:
        case = make_case(unit, officer, at=old)
        actions.do_assign_case(case, officer, actor=officer, at=old)

    mine()
    client.get(address)  # the first request of a session reads more (the session, the language)
    one = _queries(client, address)
    for _ in range(9):
        mine()
    assert _queries(client, address) == one


def test_a_manager_assigns_several_cases_at_once(client, make_case, unit, manager, officer):
    cases = [make_case(unit, officer) for _ in range(3)]
    client.force_login(manager)
    page = body(client.get(url("unit_queue", "front")))
    assert 'name="cases"' in page and 'name="assignee"' in page
    response = client.post(
        url("bulk_assign", "front"),
        {"cases": [cases[0].pk, cases[1].pk], "assignee": officer.pk, "show": "unassigned"},
        follow=True,
    )
    assert "2 cases are assigned to" in body(response)
    assert [fresh(c).owner_id for c in cases] == [officer.pk, officer.pk, None]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Check at least one case."), ("fr", "Cochez au moins un dossier.")],
)
def test_the_bulk_assignment_says_why_it_refuses(
    client, make_case, unit, manager, officer, language, message
):
    make_case(unit, officer)
    client.force_login(manager)
    response = client.post(
        url("bulk_assign", "front", language=language), {"assignee": officer.pk}, follow=True
    )
    assert message in body(response)


def test_an_officer_may_only_take_cases_in_bulk(client, make_case, unit, manager, officer):
    case = make_case(unit, officer)
    client.force_login(officer)
    response = client.post(
        url("bulk_assign", "front"), {"cases": [case.pk], "assignee": manager.pk}, follow=True
    )
    assert fresh(case).owner_id is None
    assert "not one of the available choices" in body(response)
    client.post(url("bulk_assign", "front"), {"cases": [case.pk], "assignee": officer.pk})
    assert fresh(case).owner_id == officer.pk


def test_a_case_of_another_unit_refuses_the_whole_batch(
    client, make_case, make_unit, make_member, unit, manager, officer
):
    other_unit = make_unit("back")
    stranger = make_case(other_unit, make_member(other_unit))
    mine = make_case(unit, officer)
    client.force_login(manager)
    response = client.post(
        url("bulk_assign", "front"),
        {"cases": [mine.pk, stranger.pk], "assignee": officer.pk},
        follow=True,
    )
    assert "no longer in this queue" in body(response)
    assert fresh(mine).owner_id is None
    assert fresh(stranger).owner_id is None
