"""Every GET operation of the OpenAPI document, called as each role, as a staff member with no
role and as anonymous: never a 500, never a 200 to someone who must not see the data, and a 200
to someone who must (so the table below cannot pass by refusing everyone).

A new operation whose path names a parameter this table does not know fails the test, on
purpose: say which object it reads and who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db

#: Who may read what an operation returns, by the first segment of its path.
READ_PERMISSION = {
    "services": "inventory.view_serviceyear",
    "clients": "clients.view_client",
    "cases": "casework.view_case",
}


@pytest.fixture
def objects(
    make_user: Callable[..., Any],
    make_service_year: Callable[..., Any],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> dict[str, dict[str, Any]]:
    """Path parameter → the values to call it with, each with whether only administrators
    may see it (a confidential client's account manager and a case's unit members are none of
    the callers here)."""
    from comptoir.casework.actions import do_receive_case
    from comptoir.clients.actions import do_create_client

    record = make_service_year()
    manager = make_user(Role.CLIENT_SERVICE_OFFICER)
    plain = do_create_client(
        kind="person", preferred_language="en", segment="public", family_name="Roy", actor=None
    )
    secret = do_create_client(
        kind="person",
        preferred_language="en",
        segment="public",
        family_name="Secret",
        is_confidential=True,
        account_manager=manager,
        actor=None,
    )
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
    return {
        "reference": {"confidential": case.reference},
        "record_id": {"open": record.pk},
        "client_id": {"open": plain.pk, "confidential": secret.pk},
    }


def _get_operations(client: Any) -> list[str]:
    document = client.get("/api/openapi.json").json()
    return [path for path, item in document["paths"].items() if "get" in item]


def _calls(path: str, objects: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """(url, only administrators may see it) for each value of the path's parameter."""
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    if not names:
        return [(path, False)]
    assert len(names) == 1, f"{path}: add its parameters to this test"
    name = names[0]
    assert name in objects, f"{path}: say which object {{{name}}} reads in this test"
    return [
        (path.replace(f"{{{name}}}", str(pk)), kind == "confidential")
        for kind, pk in objects[name].items()
    ]


def test_every_get_operation_as_every_role_and_anonymous(
    client: Any,
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    objects: dict[str, dict[str, Any]],
) -> None:
    callers: list[tuple[str, Any]] = [("anonymous", None), ("no role", make_user(None))]
    callers += [(role.value, make_user(role)) for role in Role]
    tokens = {label: make_token(user) for label, user in callers if user is not None}
    operations = _get_operations(client)
    assert operations, "the document lists no GET operation"
    failures = []
    for path in operations:
        section = path.split("/")[2]
        assert section in READ_PERMISSION, f"{path}: say who may read it in READ_PERMISSION"
        for url, administrators_only in _calls(path, objects):
            for label, user in callers:
                headers = {}
                if user is not None:
                    headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[label]}"
                status = client.get(url, **headers).status_code
                may_see = user is not None and user.has_perm(READ_PERMISSION[section])
                if administrators_only:
                    may_see = may_see and label == Role.ADMINISTRATOR.value
                if status >= 500:
                    failures.append(f"{url} as {label}: {status}")
                elif may_see and status != 200:
                    failures.append(f"{url} as {label}: {status}, expected 200")
                elif not may_see and status == 200:
                    failures.append(f"{url} as {label}: 200 to someone who must not see it")
                elif user is None and status != 401:
                    failures.append(f"{url} as anonymous: {status}, expected 401")
    assert not failures, "\n".join(failures)
