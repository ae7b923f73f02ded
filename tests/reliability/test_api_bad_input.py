"""Plain regression tests of what the API fuzzing (test_api_schema_fuzz.py) found."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "page=739909222278645544969568256&limit=100",
        f"cursor={_cursor(str(2**70))}",
        f"cursor={_cursor('-1')}",
    ],
)
def test_a_page_or_cursor_past_the_databases_integers_is_a_400(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    query: str,
) -> None:
    token = make_token(make_user(Role.VIEWER))
    response = call("get", f"/api/services/?{query}", token=token, accept_language="fr")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation"
    (name,) = error["fields"]
    assert name in {"page", "cursor"}
    assert error["fields"][name][0] in {
        "Entrez une valeur d’au plus 1000000.",
        "Ce curseur n’est pas valide.",
    }


def test_a_case_list_cursor_past_the_databases_integers_is_a_400(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    token = make_token(make_user(Role.ADMINISTRATOR))
    cursor = _cursor(f"2026-01-01T00:00:00+00:00|{2**70}")
    response = call("get", f"/api/cases/?cursor={cursor}", token=token)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cursor"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        # PostgreSQL refused the offset Python reads (a 500 there): now read in UTC.
        ("received_before=1386-04-23T18:03:23.95%2B22:29", 200),
        ("received_after=2026-03-02T09:00:00-23:59", 200),
        # No UTC instant exists for it.
        ("received_after=0001-01-01T00:00:00%2B05:00", 400),
        (f"cursor={_cursor('2026-01-01T00:00:00+22:29|1')}", 200),
        (f"cursor={_cursor('0001-01-01T00:00:00+05:00|1')}", 400),
    ],
)
def test_instants_with_any_offset_python_reads_are_answered(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    query: str,
    status: int,
) -> None:
    token = make_token(make_user(Role.ADMINISTRATOR))
    response = call("get", f"/api/cases/?{query}", token=token, accept_language="fr")
    assert response.status_code == status, response.content
    if status == 400:
        error = response.json()["error"]
        assert error["code"] == "validation"
        (messages,) = error["fields"].values()
        assert messages[0] in {"Cette valeur n’est pas valide.", "Ce curseur n’est pas valide."}


@pytest.mark.parametrize(
    ("at", "statuses"),
    [("2026-03-02T09:00:00+22:29", {201, 422}), ("0001-01-01T00:00:00+05:00", {400})],
)
def test_an_event_at_any_offset_python_reads_is_answered(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
    at: str,
    statuses: set[int],
) -> None:
    from comptoir.casework.actions import do_receive_case

    unit, member = unit_and_member()
    case, _token = do_receive_case(
        service=case_service,
        kind="enquiry",
        channel="TEL",
        entry_unit=unit,
        language="en",
        is_anonymous=True,
        actor=member,
    )
    token = make_token(member, scope="read_write")
    body = {"kind": "note", "text": "Rappel.", "at": at}
    response = call("post", f"/api/cases/{case.reference}/events/", token=token, json=body)
    assert response.status_code in statuses, response.content
    if response.status_code == 400:
        assert list(response.json()["error"]["fields"]) == ["at"]
