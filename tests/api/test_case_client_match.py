"""``POST /api/cases/`` with a new client: linked automatically to the existing client above the
threshold (and the case says so), refused with the proposals when close but below it, recorded as
a new client when nobody is close or with ``create_anyway``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _body(service: Any, unit: Any, **new_client: Any) -> dict[str, Any]:
    return {
        "service": service.pk,
        "entry_unit": unit.pk,
        "language": "fr",
        "description": "Tableaux du recensement",
        "new_client": new_client,
    }


@pytest.fixture
def existing(db: None) -> Any:
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    client = do_create_client(
        kind="person",
        given_name="William",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=None,
    )
    do_add_contact_point(client, kind="email", value="w.tremblay@example.ca", actor=None)
    return client


def test_a_sure_match_is_linked_and_recorded(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Any,
    case_service: Any,
    existing: Any,
) -> None:
    from comptoir.casework.models import Case, CaseEvent
    from comptoir.clients.models import Client

    unit, officer = unit_and_member()
    token = make_token(officer, "read_write")
    body = _body(
        case_service, unit, given_name="Bill", family_name="Tremblay", email="W.Tremblay@example.ca"
    )
    created = call("post", "/api/cases/", token=token, json=body, idempotency_key="m-1")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["client"] == existing.pk
    assert answer["client_match"]["automatic"] is True
    assert answer["client_match"]["probability"] > 0.99
    received = CaseEvent.objects.get(case=Case.objects.get(), kind="received")
    assert received.payload["client_match"]["client"] == existing.pk
    assert Client.objects.count() == 1
    retry = call("post", "/api/cases/", token=token, json=body, idempotency_key="m-1")
    assert retry.status_code == 201 and Case.objects.count() == 1


def test_close_but_unsure_is_refused_with_the_proposals(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Any,
    case_service: Any,
    existing: Any,
) -> None:
    from comptoir.casework.models import Case
    from comptoir.clients.models import Client

    unit, officer = unit_and_member()
    token = make_token(officer, "read_write")
    # The same mailbox name at another domain: very likely, not sure.
    body = _body(
        case_service,
        unit,
        given_name="William",
        family_name="Tremblay",
        email="w.tremblay@example.org",
    )
    refused = call("post", "/api/cases/", token=token, json=body, accept_language="fr")
    assert refused.status_code == 409, refused.content
    answer = refused.json()
    assert answer["error"]["code"] == "client_proposed"
    assert answer["error"]["message"].startswith("Des clients existants")
    assert answer["proposals"][0]["client"] == existing.pk
    assert answer["proposals"][0]["decision"] == "ask"
    assert {line["field"] for line in answer["proposals"][0]["explanation"]} >= {"given_name"}
    assert Case.objects.count() == 0 and Client.objects.count() == 1
    body["new_client"]["create_anyway"] = True
    created = call("post", "/api/cases/", token=token, json=body)
    assert created.status_code == 201
    assert created.json()["client"] != existing.pk
    assert Client.objects.count() == 2


def test_nobody_close_is_a_new_client_and_two_choices_are_refused(
    call: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Any,
    case_service: Any,
    existing: Any,
) -> None:
    unit, officer = unit_and_member()
    token = make_token(officer, "read_write")
    body = _body(case_service, unit, family_name="Okafor", email="okafor@example.org")
    created = call("post", "/api/cases/", token=token, json=body)
    assert created.status_code == 201, created.content
    assert "client_match" not in created.json()
    both = {**body, "client": existing.pk}
    assert call("post", "/api/cases/", token=token, json=both).status_code == 400
