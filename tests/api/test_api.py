"""The REST API through HTTP with real tokens: authentication, scopes, revocation, the error
shape in both languages, pagination bounds, idempotent creation, versions, the OpenAPI document
and the docs page under the site's CSP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db

NEW_CLIENT = {
    "kind": "person",
    "preferred_language": "fr",
    "segment": "public",
    "family_name": "Gagné",
}


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CLIENT_SERVICE_OFFICER)


def test_no_token_is_401_in_the_error_shape(call: Callable[..., Any]) -> None:
    response = call("get", "/api/services/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Send a valid API token in an Authorization header, or sign in.",
            "fields": {},
        }
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_401(call: Callable[..., Any]) -> None:
    assert call("get", "/api/services/", token="cpt_not-a-token").status_code == 401


def test_the_error_message_is_french_with_accept_language_fr(call: Callable[..., Any]) -> None:
    response = call("get", "/api/services/", accept_language="fr-CA,fr;q=0.9,en;q=0.5")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"] == (
        "Envoyez un jeton d’API valide dans un en-tête Authorization, ou connectez-vous."
    )
    assert response["Content-Language"] == "fr"


def test_validation_errors_are_400_with_fields_in_french(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    token = make_token(make_user(Role.VIEWER))
    response = call("get", "/api/services/?limit=101", token=token, accept_language="fr")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation"
    assert error["fields"] == {"limit": ["Entrez une valeur d’au plus 100."]}


def test_a_read_only_token_may_not_write(
    call: Callable[..., Any], officer: Any, make_token: Callable[..., str]
) -> None:
    from comptoir.clients.models import Client

    response = call("post", "/api/clients/", token=make_token(officer, "read"), json=NEW_CLIENT)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_token"
    assert not Client.objects.exists()


def test_a_revoked_token_is_refused(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    from comptoir.api.actions import do_revoke_token
    from comptoir.api.models import ApiToken

    user = make_user(Role.VIEWER)
    raw = make_token(user)
    assert call("get", "/api/services/", token=raw).status_code == 200
    do_revoke_token(ApiToken.objects.get(user=user), actor=None)
    assert call("get", "/api/services/", token=raw).status_code == 401


def test_an_inactive_users_token_is_refused(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    user = make_user(Role.VIEWER)
    raw = make_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert call("get", "/api/services/", token=raw).status_code == 401


def test_only_the_hash_is_stored_and_last_use_is_written_at_most_once_a_minute(
    call: Callable[..., Any], make_user: Callable[..., Any], make_token: Callable[..., str]
) -> None:
    from comptoir.api.actions import token_hash
    from comptoir.api.models import ApiToken

    raw = make_token(make_user(Role.VIEWER))
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(raw)
    assert raw not in {token.token_hash, token.prefix, token.name}
    assert token.last_used_at is None
    call("get", "/api/services/", token=raw)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    call("get", "/api/services/", token=raw)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    call("get", "/api/services/", token=raw)
    assert ApiToken.objects.get().last_used_at > first


def test_tokens_work_when_a_second_factor_is_required(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    settings: Any,
) -> None:
    settings.COMPTOIR_REQUIRE_MFA = True
    raw = make_token(make_user(Role.VIEWER))
    assert call("get", "/api/services/", token=raw).status_code == 200


def test_a_signed_in_session_without_a_second_factor_is_sent_to_set_it_up(
    client: Any, make_user: Callable[..., Any], settings: Any
) -> None:
    settings.COMPTOIR_REQUIRE_MFA = True
    client.force_login(make_user(Role.VIEWER))
    assert client.get("/api/services/").status_code == 302


def test_a_session_may_read_and_must_send_the_csrf_token_to_write(
    make_user: Callable[..., Any],
) -> None:
    from django.test import Client as HttpClient

    from comptoir.clients.models import Client

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(make_user(Role.CLIENT_SERVICE_OFFICER))
    assert browser.get("/api/services/").status_code == 200
    response = browser.post("/api/clients/", NEW_CLIENT, content_type="application/json")
    assert response.status_code == 403  # the session is not accepted without its CSRF token
    assert response.json()["error"]["code"] == "forbidden"
    assert not Client.objects.exists()


# --- pagination ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status"),
    [("limit=0", 400), ("limit=1", 200), ("limit=100", 200), ("limit=101", 400), ("page=0", 400)],
)
def test_pagination_bounds(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    query: str,
    status: int,
) -> None:
    token = make_token(make_user(Role.VIEWER))
    assert call("get", f"/api/services/?{query}", token=token).status_code == status


def test_a_cursor_walks_every_record_once(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    make_service_year: Callable[..., Any],
) -> None:
    expected = {make_service_year().pk for _ in range(5)}
    token = make_token(make_user(Role.VIEWER))
    seen: list[int] = []
    url: str | None = "/api/services/?limit=2"
    pages = 0
    while url:
        body = call("get", url, token=token).json()
        assert body["count"] == 5
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(expected)


def test_pages_by_number_and_the_default_limit(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    make_service_year: Callable[..., Any],
) -> None:
    for _ in range(27):
        make_service_year()
    token = make_token(make_user(Role.VIEWER))
    first = call("get", "/api/services/", token=token).json()
    assert (len(first["items"]), first["count"]) == (25, 27)
    second = call("get", "/api/services/?page=2", token=token).json()
    assert len(second["items"]) == 2
    assert second["next"] is None
    assert "page=2" in call("get", "/api/services/?page=1", token=token).json()["next"]


def test_services_filter_by_fiscal_year_and_organization(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    make_service_year: Callable[..., Any],
) -> None:
    wanted = make_service_year(owner_org="abc-def", fiscal_year="2023-2024")
    make_service_year(owner_org="abc-def", fiscal_year="2024-2025")
    make_service_year(owner_org="xyz-uvw", fiscal_year="2023-2024")
    token = make_token(make_user(Role.VIEWER))
    body = call(
        "get", "/api/services/?fiscal_year=2023-2024&organization=abc-def", token=token
    ).json()
    assert [item["id"] for item in body["items"]] == [wanted.pk]
    detail = call("get", f"/api/services/{wanted.pk}", token=token).json()
    assert detail["cells"]["fiscal_yr"] == "2023-2024"
    assert detail["cells"]["owner_org"] == "abc-def"


# --- idempotent creation -------------------------------------------------------------------------


def test_a_retried_creation_returns_the_same_body_and_creates_once(
    call: Callable[..., Any], officer: Any, make_token: Callable[..., str]
) -> None:
    from comptoir.clients.models import Client

    token = make_token(officer, "read_write")
    first = call("post", "/api/clients/", token=token, json=NEW_CLIENT, idempotency_key="abc-1")
    again = call("post", "/api/clients/", token=token, json=NEW_CLIENT, idempotency_key="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Client.objects.count() == 1
    other = call("post", "/api/clients/", token=token, json=NEW_CLIENT, idempotency_key="abc-2")
    assert other.status_code == 201
    assert Client.objects.count() == 2


def test_the_same_key_with_another_body_is_422_and_creates_nothing(
    call: Callable[..., Any], officer: Any, make_token: Callable[..., str]
) -> None:
    from comptoir.clients.models import Client

    token = make_token(officer, "read_write")
    call("post", "/api/clients/", token=token, json=NEW_CLIENT, idempotency_key="k")
    changed = {**NEW_CLIENT, "family_name": "Tremblay"}
    response = call(
        "post",
        "/api/clients/",
        token=token,
        json=changed,
        idempotency_key="k",
        accept_language="fr",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_mismatch"
    assert "clé d’idempotence" in error["message"]
    assert list(Client.objects.values_list("family_name", flat=True)) == ["Gagné"]


def test_keys_are_per_user(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
) -> None:
    from comptoir.clients.models import Client

    one = make_token(make_user(Role.CLIENT_SERVICE_OFFICER), "read_write")
    two = make_token(make_user(Role.CLIENT_SERVICE_OFFICER), "read_write")
    call("post", "/api/clients/", token=one, json=NEW_CLIENT, idempotency_key="same")
    call("post", "/api/clients/", token=two, json=NEW_CLIENT, idempotency_key="same")
    assert Client.objects.count() == 2


def test_a_key_stored_by_a_concurrent_retry_wins(
    officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: both retries read no key; the other one commits its key row first. Ours then
    hits the unique constraint: what we created is rolled back and we answer with the stored
    response (one object in all)."""
    from comptoir.api import actions
    from comptoir.api.models import IdempotencyKey
    from comptoir.clients.actions import do_create_client
    from comptoir.clients.models import Client

    body = b'{"a": 1}'
    theirs = do_create_client(**NEW_CLIENT, actor=officer)
    IdempotencyKey.objects.create(
        key="race",
        user=officer,
        method="POST",
        path="/api/clients/",
        request_hash=actions.request_digest("POST", "/api/clients/", body),
        response_status=201,
        response_body={"id": theirs.pk},
        created_at=theirs.created_at,
    )
    real_stored = actions._stored
    reads: list[str] = []

    def stored(user: Any, key: str) -> Any:
        reads.append(key)
        return None if len(reads) == 1 else real_stored(user, key)  # first read: before theirs

    monkeypatch.setattr(actions, "_stored", stored)

    def create() -> tuple[int, Any]:
        ours = do_create_client(**NEW_CLIENT, actor=officer)
        return 201, {"id": ours.pk}

    status, answer = actions.run_idempotent(
        user=officer, key="race", method="POST", path="/api/clients/", body=body, create=create
    )
    assert (status, answer) == (201, {"id": theirs.pk})
    assert len(reads) == 2
    assert list(Client.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_refused_creation_is_422_with_the_actions_sentences(
    call: Callable[..., Any], officer: Any, make_token: Callable[..., str]
) -> None:
    token = make_token(officer, "read_write")
    response = call(
        "post",
        "/api/clients/",
        token=token,
        json={**NEW_CLIENT, "alternate_formats": ["smoke_signals"]},
        idempotency_key="bad",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "refused"
    assert error["fields"] == {"alternate_formats": ["Choose the alternate formats from the list."]}


# --- versions ------------------------------------------------------------------------------------


def test_a_stale_version_is_409_and_changes_nothing(
    call: Callable[..., Any],
    officer: Any,
    make_token: Callable[..., str],
    make_api_client: Callable[..., Any],
) -> None:
    from comptoir.clients.models import Client

    record = make_api_client(family_name="Tremblay")
    token = make_token(officer, "read_write")
    read = call("get", f"/api/clients/{record.pk}", token=token).json()
    change = {"family_name": "Gagnon", "reason": "Typo"}
    first = call(
        "patch",
        f"/api/clients/{record.pk}",
        token=token,
        json=change,
        if_match=f'"{read["version"]}"',
    )
    assert first.status_code == 200
    assert first.json()["version"] != read["version"]
    stale = call(
        "patch",
        f"/api/clients/{record.pk}",
        token=token,
        json={"family_name": "Roy", "reason": "Other", "version": read["version"]},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert Client.objects.get().family_name == "Gagnon"


def test_an_update_without_a_version_is_refused(
    call: Callable[..., Any],
    officer: Any,
    make_token: Callable[..., str],
    make_api_client: Callable[..., Any],
) -> None:
    record = make_api_client()
    token = make_token(officer, "read_write")
    response = call(
        "patch", f"/api/clients/{record.pk}", token=token, json={"family_name": "X", "reason": "r"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "version_required"


# --- clients -------------------------------------------------------------------------------------


def test_client_look_up_by_q(
    call: Callable[..., Any],
    officer: Any,
    make_token: Callable[..., str],
    make_api_client: Callable[..., Any],
) -> None:
    wanted = make_api_client(family_name="Gagné")
    make_api_client(family_name="Roy")
    body = call("get", "/api/clients/?q=gagne", token=make_token(officer)).json()
    assert [item["id"] for item in body["items"]] == [wanted.pk]


def test_a_confidential_client_is_404_to_staff_who_may_not_see_it_and_its_reads_are_logged(
    call: Callable[..., Any],
    officer: Any,
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    make_api_client: Callable[..., Any],
) -> None:
    from comptoir.clients.models import ClientAccessLog

    record = make_api_client(is_confidential=True, account_manager=officer)
    stranger = make_token(make_user(Role.CLIENT_SERVICE_OFFICER))
    assert call("get", f"/api/clients/{record.pk}", token=stranger).status_code == 404
    assert not ClientAccessLog.objects.exists()
    assert call("get", f"/api/clients/{record.pk}", token=make_token(officer)).status_code == 200
    assert ClientAccessLog.objects.filter(client=record, user=officer).count() == 1


# --- the document and the docs page ---------------------------------------------------------------

OPERATIONS = {
    ("get", "/api/services/"),
    ("get", "/api/services/{record_id}"),
    ("get", "/api/clients/"),
    ("get", "/api/clients/{client_id}"),
    ("post", "/api/clients/"),
    ("patch", "/api/clients/{client_id}"),
    ("get", "/api/cases/"),
    ("post", "/api/cases/"),
    ("get", "/api/cases/{reference}"),
    ("post", "/api/cases/{reference}/events/"),
    ("post", "/api/performance/outside-counts/"),
}


def test_the_openapi_document_lists_every_operation(client: Any) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    listed = {(method, path) for path, item in document["paths"].items() for method in item}
    assert listed == OPERATIONS


def test_the_docs_page_uses_only_this_sites_assets_under_the_csp(client: Any) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert "https://" not in page and "http://" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "<script>" not in page  # no inline script: the CSP allows 'self' only
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_an_unexpected_failure_is_500_in_the_error_shape(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from comptoir.inventory import api as inventory_api

    def broken(user: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(inventory_api, "_records", broken)
    token = make_token(make_user(Role.VIEWER))
    response = call("get", "/api/services/", token=token, accept_language="fr")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "server_error"
    assert error["message"].startswith("Une erreur s’est produite de notre côté.")
    assert "boom" not in response.content.decode()


def test_too_many_requests_is_429_in_the_error_shape(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.cache import cache

    from comptoir.api.main import api

    cache.clear()
    for throttle in api.throttle:  # the API-wide throttle each operation uses
        monkeypatch.setattr(throttle, "num_requests", 2)
    token = make_token(make_user(Role.VIEWER))
    statuses = [call("get", "/api/services/", token=token).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = call("get", "/api/services/", token=token)
    assert response.json()["error"]["code"] == "throttled"
    cache.clear()


def test_an_unknown_address_under_api_is_a_json_404(client: Any) -> None:
    response = client.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"].startswith("Il n’y a rien à cette adresse")
