"""Schemathesis over ``/api/openapi.json``, in process (WSGI, the Django test database): every
operation of the document, with data the schema allows (positive) and data it forbids
(negative), as an administrator with a read-and-write token. Path parameters are drawn at random
and also filled with objects that exist, so the operations reach their real code, not only
their 404.

Never a 5xx; every 4xx in the documented error shape (docs/api.md "Errors"); every 2xx in the
shape the document promises. Bounded: ``EXAMPLES`` examples per operation and mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db

#: Examples per operation, per generation mode and per way of filling path parameters.
EXAMPLES = 25

ERROR_CODES_BY_STATUS = {
    400: {"validation", "version_required", "idempotency_key_too_long", "refused"},
    401: {"not_authenticated"},
    403: {"forbidden", "read_only_token"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"stale_version", "client_proposed"},
    422: {"refused", "idempotency_mismatch"},
    429: {"throttled"},
}


def error_shape_problems(status: int, body: Any) -> list[str]:
    """What is wrong with a 4xx body, against docs/api.md's one error shape."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return [f"{status}: the body is not {{'error': {{...}}}}: {body!r:.300}"]
    error = body["error"]
    problems = []
    if set(error) != {"code", "message", "fields"}:
        problems.append(f"{status}: error keys {sorted(error)}")
    if error.get("code") not in ERROR_CODES_BY_STATUS.get(status, set()):
        problems.append(f"{status}: code {error.get('code')!r} is not documented for it")
    if not isinstance(error.get("message"), str) or not error.get("message"):
        problems.append(f"{status}: no message")
    fields = error.get("fields")
    if not isinstance(fields, dict) or not all(
        isinstance(v, list) and all(isinstance(m, str) and m for m in v) for v in fields.values()
    ):
        problems.append(f"{status}: fields {fields!r:.300}")
    return problems


@pytest.fixture
def world(
    make_user: Callable[..., Any],
    make_service_year: Callable[..., Any],
    make_token: Callable[..., str],
    unit_and_member: Callable[..., Any],
    case_service: Any,
) -> dict[str, Any]:
    """An administrator's read-and-write token, and one existing object for each path
    parameter of the document."""
    from comptoir.casework.actions import do_receive_case
    from comptoir.clients.actions import do_create_client
    from comptoir.inventory.models import ServiceStandard, UnitMembership

    administrator = make_user(Role.ADMINISTRATOR, organizations=("test-essai",))
    record = make_service_year()
    ServiceStandard.objects.create(service=record.service, service_standard_id="S1")
    client = do_create_client(
        kind="person", preferred_language="fr", segment="public", family_name="Roy", actor=None
    )
    unit, member = unit_and_member()
    UnitMembership.objects.create(unit=unit, user=administrator)
    case, _token = do_receive_case(
        service=case_service,
        kind="enquiry",
        channel="TEL",
        entry_unit=unit,
        language="en",
        client=client,
        actor=member,
    )
    return {
        "token": make_token(administrator, scope="read_write"),
        "path": {"reference": case.reference, "record_id": record.pk, "client_id": client.pk},
        # Body fields that name an object: half of the examples name one that exists, so that
        # creations and events get past "no such service" to the actions' own checks.
        "body": {
            "service": case_service.pk,
            "entry_unit": unit.pk,
            "client": client.pk,
            "to_unit": unit.pk,
            "owner_org": "test-essai",
            "service_id": record.service.service_id,
            "standard_id": "S1",
        },
    }


@pytest.fixture
def schema(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import schemathesis
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    from comptoir.api.main import api

    cache.clear()
    for throttle in api.throttle:  # a fuzzer is a fast caller: the throttle is tested elsewhere
        monkeypatch.setattr(throttle, "num_requests", 10**9)
    # The real WSGI handler closes the database connection after each request, which would end
    # the test's transaction (PostgreSQL); Django's own test client disconnects it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema: Any) -> list[Any]:
    from schemathesis.core.result import Ok

    return [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]


def _error_code(response: Any) -> str:
    if response.status_code < 400:
        return "-"
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


def _with_real_keys(case: Any, keys: dict[str, Any]) -> Any:
    if isinstance(case.body, dict):
        for name, value in keys.items():
            if name in case.body:
                case.body[name] = value
    return case


def _answer_problems(label: str, response: Any) -> list[str]:
    """A 5xx, or a 4xx not in the documented error shape."""
    if response.status_code >= 500:
        return [f"{label}: {response.status_code} {response.text[:300]}"]
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return [f"{label}: {p}" for p in error_shape_problems(response.status_code, body)]
    return []


def _run(
    operation: Any,
    strategy: Any,
    world: dict[str, Any],
    failures: list[str],
    statuses: Counter[str],
) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=strategy, real_keys=st.booleans())
    def check(case: Any, real_keys: bool) -> None:
        if real_keys:
            _with_real_keys(case, world["body"])
        headers = {"Authorization": f"Bearer {world['token']}"}
        response = case.call(headers=headers)
        statuses[f"{operation.label} {response.status_code} {_error_code(response)}"] += 1
        label = f"{operation.label} {case.as_curl_command(headers=headers)}"
        if response.status_code >= 400:
            failures.extend(_answer_problems(label, response))
            return
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance], headers=headers
            )
        except Exception as error:  # a failed check: say which case, go on with the others
            failures.append(f"{label}: {str(error)[:600]}")

    check()


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_answers_in_its_documented_shape(
    schema: Any, world: dict[str, Any], mode: str
) -> None:
    from schemathesis.generation import GenerationMode

    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    operations = _operations(schema)
    assert len(operations) >= 10, [op.label for op in operations]
    failures: list[str] = []
    statuses: Counter[str] = Counter()
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        _run(
            operation, operation.as_strategy(generation_mode=generation), world, failures, statuses
        )
        if names:
            fixed = {name: world["path"][name] for name in names}
            strategy = operation.as_strategy(generation_mode=generation, path_parameters=fixed)
            _run(operation, strategy, world, failures, statuses)
    print(sorted(statuses.items()))
    assert not failures, "\n".join(failures[:30])
    # Valid examples reach each operation's own code, not only the parameters' validation: every
    # operation gave at least one answer other than ``validation`` and ``not_found``, and every
    # read (which needs no particular body) a 200. Invalid ones are meant to stop at the
    # validation (whether one slips past depends on the database's keys): only the answers'
    # shape is asked of them.
    if mode == "negative":
        return
    reached = {
        label.rsplit(" ", 2)[0]
        for label in statuses
        if label.rsplit(" ", 1)[1] not in {"validation", "not_found"}
    }
    assert reached == {op.label for op in operations}, sorted(statuses.items())
    read = {label.rsplit(" ", 2)[0] for label in statuses if " 200 " in label}
    assert {op.label for op in operations if op.method.upper() == "GET"} <= read


def test_stateful_links_answer_in_their_documented_shape(
    schema: Any, world: dict[str, Any]
) -> None:
    """The links schemathesis finds between operations (the document declares none; version 4
    infers them from the responses' fields and the path parameters), followed a few steps."""
    from hypothesis import settings as hypothesis_settings

    failures: list[str] = []
    steps: Counter[str] = Counter()
    base = schema.as_state_machine()

    class Workflow(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            _with_real_keys(case, world["body"])
            return {"headers": {"Authorization": f"Bearer {world['token']}"}}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            steps[f"{case.operation.label} {response.status_code}"] += 1
            failures.extend(_answer_problems(case.operation.label, response))

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(sorted(schema.operations_with_incoming_links()), sorted(steps.items()))
    assert steps, "no step was taken"
    assert not failures, "\n".join(failures[:30])
