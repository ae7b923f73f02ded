"""``GET /api/cases/``: the cases ``Case.objects.visible_to`` gives the caller, oldest received
first, paginated like every list, with filters; a bad filter is a 400 in the error shape with a
translated message; every confidential case listed is logged as read (page ``api-list``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def world(
    unit_and_member: Callable[..., Any], case_service: Any, make_token: Callable[..., str]
) -> dict[str, Any]:
    from comptoir.casework import actions

    unit, officer = unit_and_member("centre")
    other_unit, stranger = unit_and_member("region")

    def receive(at: datetime, entry_unit: Any = unit, actor: Any = officer, **fields: Any) -> Any:
        case, _token = actions.do_receive_case(
            service=case_service,
            kind=fields.pop("kind", "enquiry"),
            channel="TEL",
            entry_unit=entry_unit,
            language="en",
            is_anonymous=True,
            actor=actor,
            at=at,
            **fields,
        )
        return case

    # Received out of key order: the list follows received_at, then key.
    later = receive(T0 + timedelta(days=2))
    first = receive(T0)
    same_time = receive(T0 + timedelta(days=2), kind="complaint")
    mine = receive(T0 + timedelta(days=1))
    actions.do_assign_case(mine, officer, actor=officer)
    resolved = receive(T0 + timedelta(days=3))
    actions.do_resolve_case(resolved, "delivered", actor=officer, at=T0 + timedelta(days=3))
    elsewhere = receive(T0, entry_unit=other_unit, actor=stranger)
    return {
        "unit": unit,
        "officer": officer,
        "token": make_token(officer),
        "ordered": [first, mine, later, same_time, resolved],
        "mine": mine,
        "resolved": resolved,
        "same_time": same_time,
        "elsewhere": elsewhere,
        "stranger": stranger,
    }


def references(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


def test_the_list_is_the_visible_cases_oldest_first(call: Callable[..., Any], world) -> None:
    response = call("get", "/api/cases/", token=world["token"])
    assert references(response) == [case.reference for case in world["ordered"]]
    assert world["elsewhere"].reference not in references(response)
    item = response.json()["items"][0]
    assert item["service_id"] == "1234"
    assert item["current_unit"] == "centre"
    assert response.json()["count"] == 5


def test_pages_and_cursors_follow_the_receipt_order(call: Callable[..., Any], world) -> None:
    expected = [case.reference for case in world["ordered"]]
    seen: list[str] = []
    url = "/api/cases/?limit=2"
    while url:
        response = call("get", url, token=world["token"])
        seen += references(response)
        url = response.json()["next"]
        assert url is None or "cursor=" in url
    assert seen == expected
    by_page = references(call("get", "/api/cases/?limit=2&page=2", token=world["token"]))
    assert by_page == expected[2:4]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=resolved", ["resolved"]),
        ("status=assigned", ["mine"]),
        ("kind=complaint", ["same_time"]),
        ("owner=me", ["mine"]),
        ("owner={username}", ["mine"]),
        ("unit=centre", ["first", "mine", "later", "same_time", "resolved"]),
        ("unit={unit_pk}", ["first", "mine", "later", "same_time", "resolved"]),
        ("service=1234", ["first", "mine", "later", "same_time", "resolved"]),
        ("received_after=2026-03-03T14:00:00Z", ["mine", "later", "same_time", "resolved"]),
        ("received_before=2026-03-03T14:00:00%2B00:00", ["first"]),
        (
            "received_after=2026-03-03T00:00:00-05:00&received_before=2026-03-05T00:00:00Z",
            ["mine", "later", "same_time"],
        ),
    ],
)
def test_filters(call: Callable[..., Any], world, query: str, expected: list[str]) -> None:
    names = {
        "first": world["ordered"][0],
        "mine": world["mine"],
        "later": world["ordered"][2],
        "same_time": world["same_time"],
        "resolved": world["resolved"],
    }
    query = query.format(username=world["officer"].username, unit_pk=world["unit"].pk)
    response = call("get", f"/api/cases/?{query}", token=world["token"])
    assert references(response) == [names[name].reference for name in expected]


def test_overdue(call: Callable[..., Any], world) -> None:
    from comptoir.casework.models import Case

    late = world["ordered"][2]
    Case.objects.filter(pk=late.pk).update(next_due_at=T0)
    assert references(call("get", "/api/cases/?overdue=true", token=world["token"])) == [
        late.reference
    ]
    assert late.reference not in references(
        call("get", "/api/cases/?overdue=false", token=world["token"])
    )


@pytest.mark.parametrize(
    ("query", "field", "english", "french"),
    [
        ("status=closed", "status", "Choose one of the allowed values", "Choisissez"),
        ("kind=question", "kind", "Choose one of the allowed values", "Choisissez"),
        ("unit=nowhere", "unit", "No such unit.", "Cette unité"),
        ("owner=nobody", "owner", "No staff member has this username.", "Aucun membre"),
        ("service=0000", "service", "No such service.", "Ce service"),
        ("received_after=yesterday", "received_after", "This value is not valid.", "valide"),
        ("received_after=2026-03-02T09:00:00", "received_after", "with its offset", "décalage"),
        ("overdue=perhaps", "overdue", "This value is not valid.", "valide"),
        ("cursor=%21%21", "cursor", "This cursor is not valid.", "curseur"),
    ],
)
def test_a_bad_filter_is_a_400_in_the_error_shape(
    call: Callable[..., Any], world, query: str, field: str, english: str, french: str
) -> None:
    for language, words in (("en", english), ("fr", french)):
        response = call(
            "get", f"/api/cases/?{query}", token=world["token"], accept_language=language
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "validation"
        assert words in " ".join(error["fields"][field]), error


def test_confidential_cases_listed_are_logged_as_read(
    call: Callable[..., Any], world, case_service: Any, make_user: Callable[..., Any], make_token
) -> None:
    from comptoir.accounts.roles import Role
    from comptoir.casework import actions
    from comptoir.casework.models import CaseAccessLog
    from comptoir.inventory.models import UnitMembership

    unit = world["unit"]
    manager = make_user(Role.UNIT_MANAGER)
    UnitMembership.objects.create(unit=unit, user=manager, is_manager=True)
    secret, _token = actions.do_receive_case(
        service=case_service,
        kind="enquiry",
        channel="TEL",
        entry_unit=unit,
        language="en",
        is_anonymous=True,
        is_confidential=True,
        actor=manager,
        at=T0,
    )
    # An officer (not a manager) does not see it: nothing logged for them.
    assert secret.reference not in references(call("get", "/api/cases/", token=world["token"]))
    assert not CaseAccessLog.objects.exists()
    token = make_token(manager)
    listed = references(call("get", "/api/cases/?limit=2", token=token))
    assert secret.reference in listed
    log = CaseAccessLog.objects.get()
    assert (log.case_id, log.user_id, log.page) == (secret.pk, manager.pk, "api-list")
    # A page without it logs nothing more.
    call("get", "/api/cases/?status=resolved", token=token)
    assert CaseAccessLog.objects.count() == 1


def test_without_the_casework_permission_the_list_is_refused(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token, world
) -> None:
    from comptoir.accounts.roles import Role

    response = call("get", "/api/cases/", token=make_token(make_user(Role.VIEWER)))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert call("get", "/api/cases/").status_code == 401


def test_the_openapi_document_shows_the_list_and_its_filters(client: Any) -> None:
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/cases/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {
        "status",
        "unit",
        "owner",
        "service",
        "kind",
        "received_after",
        "received_before",
        "overdue",
        "limit",
        "page",
        "cursor",
    } <= names
    assert "post" in document["paths"]["/api/cases/"]
