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
