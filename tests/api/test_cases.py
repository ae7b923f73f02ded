"""Cases through the API: receive (idempotent; the status token given once, never stored), read
by reference (404 to another unit), record the next event (with a version: 409 when stale)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _new_case(service: Any, unit: Any, **fields: Any) -> dict[str, Any]:
    return {
        "service": service.pk,
        "entry_unit": unit.pk,
        "language": "en",
        "is_anonymous": True,
        "description": "Where are the trade tables?",
        **fields,
    }


def test_receive_read_and_record_an_event(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> None:
    from comptoir.api.actions import token_hash
    from comptoir.api.models import IdempotencyKey
    from comptoir.casework.models import Case

    unit, officer = unit_and_member()
    token = make_token(officer, "read_write")
    body = _new_case(case_service, unit)
    created = call("post", "/api/cases/", token=token, json=body, idempotency_key="c-1")
    assert created.status_code == 201, created.content
    answer = created.json()
    case = Case.objects.get()
    assert answer["reference"] == case.reference
    assert token_hash(answer["status_token"]) == case.status_token_hash
    assert answer["status"] == "open"
    assert answer["version"] == 1
    # A retry answers the same case without creating one, and no status token was stored.
    retry = call("post", "/api/cases/", token=token, json=body, idempotency_key="c-1")
    assert retry.status_code == 201
    assert retry.json()["reference"] == case.reference
    assert retry.json()["status_token"] is None
    assert Case.objects.count() == 1
    assert answer["status_token"] not in str(IdempotencyKey.objects.get().response_body)

    read = call("get", f"/api/cases/{case.reference.lower()}", token=token)
    assert read.status_code == 200
    assert [event["kind"] for event in read.json()["events"]] == ["received"]

    note = call(
        "post",
        f"/api/cases/{case.reference}/events/",
        token=token,
        json={"kind": "note", "text": "Called back.", "version": 1},
    )
    assert note.status_code == 201, note.content
    assert note.json()["version"] == 2
    stale = call(
        "post",
        f"/api/cases/{case.reference}/events/",
        token=token,
        json={"kind": "note", "text": "Again."},
        if_match='"1"',
    )
    assert stale.status_code == 409
    assert case.events.count() == 2


def test_an_impossible_event_is_422_and_records_nothing(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> None:
    unit, officer = unit_and_member()
    token = make_token(officer, "read_write")
    created = call("post", "/api/cases/", token=token, json=_new_case(case_service, unit)).json()
    response = call(
        "post",
        f"/api/cases/{created['reference']}/events/",
        token=token,
        json={"kind": "resumed"},
        accept_language="fr",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "refused"
    assert response.json()["error"]["message"]
    read = call("get", f"/api/cases/{created['reference']}", token=token).json()
    assert read["version"] == 1


def test_another_units_case_is_404(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> None:
    unit, officer = unit_and_member("centre")
    _other_unit, stranger = unit_and_member("other")
    created = call(
        "post",
        "/api/cases/",
        token=make_token(officer, "read_write"),
        json=_new_case(case_service, unit),
    ).json()
    token = make_token(stranger, "read_write")
    assert call("get", f"/api/cases/{created['reference']}", token=token).status_code == 404
    response = call(
        "post",
        f"/api/cases/{created['reference']}/events/",
        token=token,
        json={"kind": "note", "text": "Hello"},
    )
    assert response.status_code == 404


def test_receiving_for_a_unit_one_is_not_a_member_of_is_refused(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> None:
    from comptoir.casework.models import Case

    unit, _officer = unit_and_member("centre")
    _other, stranger = unit_and_member("other")
    response = call(
        "post",
        "/api/cases/",
        token=make_token(stranger, "read_write"),
        json=_new_case(case_service, unit),
    )
    assert response.status_code == 422
    assert not Case.objects.exists()
