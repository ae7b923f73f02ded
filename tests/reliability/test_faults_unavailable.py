"""A database that does not answer: a 503 with Retry-After and a translated answer in the
documented shape, never a 500 (issue 16, item 2; comptoir.operations.unavailable). Every query is
made to fail as a restarting PostgreSQL makes it fail (``OperationalError`` from the cursor); the
end-to-end test against a real restart is in test_faults_processes.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise error("server closed the connection unexpectedly")

    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", refuse),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", refuse),
    ):
        yield


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "unavailable for a moment"), ("fr", "indisponible pour un moment")],
)
def test_a_page_is_a_translated_503(client: Any, error: Any, language: str, words: str) -> None:
    client.raise_request_exception = False
    with database_down(error):
        response = client.get(f"/{language}/portal/submit/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"), [("en", "does not answer"), ("fr", "ne répond pas")]
)
def test_an_api_call_is_a_503_in_the_error_shape(
    client: Any, make_user: Any, make_token: Any, language: str, words: str
) -> None:

    token = make_token(make_user("administrator"), "read_write")
    client.raise_request_exception = False
    with database_down():
        response = client.get(
            "/api/services/", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["fields"] == {}
    assert words in error["message"]


def test_a_failure_in_a_middleware_is_a_503_too(client: Any) -> None:
    """The session is read by a middleware, before any view: handler500 answers it."""
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    with database_down():
        response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_another_error_is_still_a_500(client: Any) -> None:
    client.raise_request_exception = False
    with mock.patch("comptoir.portal.queries.portal_services", side_effect=ValueError("bug")):
        response = client.get("/en/portal/submit/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_readiness_says_so(client: Any) -> None:
    with database_down():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content == b"database unavailable\n"
