"""The liveness and readiness endpoints for load balancers."""

from __future__ import annotations

import pytest
from django.db import DatabaseError


def test_healthz_answers_without_the_database(client) -> None:
    response = client.get("/healthz")  # no database access is allowed in this test
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_when_the_database_does(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ready\n"


@pytest.mark.django_db
def test_readyz_is_a_503_with_retry_after_when_the_database_fails(client, monkeypatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise DatabaseError("the server closed the connection")

    # The database boundary: a server we cannot stop inside this test run.
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content == b"database unavailable\n"


@pytest.mark.django_db
def test_readyz_needs_every_migration(client, monkeypatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    response = client.get("/readyz")
    assert response.status_code == 503 and response.content == b"migrations not applied\n"


@pytest.mark.django_db
def test_the_probes_are_not_redirected_to_https(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/en/").status_code == 301  # every other page goes to HTTPS
