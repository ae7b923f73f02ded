"""``comptoir tokens`` and the admin's token page: the raw token is shown once, only its hash is
stored, revoking keeps the row."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tokens", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_prints_a_working_token_once_and_revoke_stops_it(
    make_user: Callable[..., Any], client: Any
) -> None:
    from comptoir.api.models import ApiToken

    user = make_user(Role.VIEWER, username="robot")
    raw, said = _run("create", "robot", "--scope", "read", "--name", "Nightly export")
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.name) == (user, "read", "Nightly export")
    assert token.prefix in said and raw not in said
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/services/", **headers).status_code == 200
    out, _err = _run("revoke", token.prefix)
    assert token.prefix in out
    assert client.get("/api/services/", **headers).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_create_for_an_unknown_user_is_refused() -> None:
    with pytest.raises(CommandError, match="No active user is named ghost"):
        _run("create", "ghost")


def test_revoke_an_unknown_prefix_is_refused() -> None:
    with pytest.raises(CommandError, match="No token has the prefix nope"):
        _run("revoke", "nope")


def test_help_is_french_with_a_french_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import load_command_class

    monkeypatch.setenv("LANGUAGE", "fr_CA")
    command = load_command_class("comptoir.api", "tokens")
    text = command.create_parser("comptoir", "tokens").format_help()
    assert "Créer et révoquer les jetons d’API" in text


def test_tokens_are_never_deleted(
    make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    from django.core.exceptions import ValidationError

    from comptoir.api.models import ApiToken

    make_token(make_user(Role.VIEWER))
    with pytest.raises(ValidationError):
        ApiToken.objects.get().delete()
    with pytest.raises(ValidationError):
        ApiToken.objects.all().delete()
    assert ApiToken.objects.count() == 1


def test_the_admin_creates_through_the_action_shows_the_token_once_and_revokes(
    make_user: Callable[..., Any], client: Any
) -> None:
    from comptoir.api.actions import token_hash
    from comptoir.api.models import ApiToken

    admin = make_user(Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    robot = make_user(Role.VIEWER)
    client.force_login(admin)
    response = client.post(
        "/en/admin/api/apitoken/add/",
        {"user": robot.pk, "name": "Dashboard", "scope": "read"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (robot, admin, "Dashboard")
    shown = [str(m) for m in response.context["messages"]]
    raws = [word.rstrip(".") for m in shown for word in m.split() if word.startswith("cpt_")]
    assert len(raws) == 1
    assert token_hash(raws[0]) == token.token_hash
    again = client.get("/en/admin/api/apitoken/")
    assert raws[0] not in again.content.decode()
    client.post(
        "/en/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_by == admin
