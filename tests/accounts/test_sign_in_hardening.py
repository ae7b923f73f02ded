"""Sign-in hardening (issue 17), through the Django test client: the administration site signs in
through allauth only (same throttle, same second factor); the failed-sign-in throttle counts per
account, whatever login string names it, in the database cache that every worker shares; signed-in
and sign-in pages are never stored by a browser or proxy; the CSRF token lives in the session."""

from __future__ import annotations

import html
import os
import re
import sqlite3
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import CSRF_SESSION_KEY
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from comptoir.accounts.roles import Role
from tests.accounts.test_mfa_required import PASSWORD, activate_totp, fresh_code, is_signed_in

pytestmark = pytest.mark.django_db

REQUIRED = override_settings(COMPTOIR_REQUIRE_MFA=True)
WRONG = "not the password at all"
#: allauth's ``login_failed`` bound per account (``ACCOUNT_RATE_LIMITS`` in the settings).
PER_ACCOUNT = 5


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # allauth keeps used codes and throttle counts in the cache
    yield
    cache.clear()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def boss(make_user):
    return make_user(Role.ADMINISTRATOR, username="boss", is_staff=True, is_superuser=True)


def ip(n: int) -> str:
    """A different client address per attempt, so that only the per-account bound can apply."""
    return f"198.51.100.{n}"


def sign_in(client, login: str, password: str = PASSWORD, *, n: int = 1, next_url: str = ""):
    url = "/en/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password}, REMOTE_ADDR=ip(n))


def too_many_attempts(lang: str = "en") -> str:
    with translation.override(lang):
        return gettext("Too many failed sign-in attempts. Wait a few minutes, then try again.")


def form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


# --- 1. The administration site signs in through allauth only ---------------------------------


def test_the_admin_asks_for_the_staff_sign_in_with_next_kept(client):
    to_admin_login = client.get("/en/admin/auth/group/")
    assert to_admin_login.status_code == 302
    response = client.get(to_admin_login["Location"])
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/en/accounts/login/"
    assert parse_qs(location.query)["next"] == ["/en/admin/auth/group/"]

    # Without a next, or with one pointing elsewhere, the sign-in leads to the admin's index.
    for query in ["", "?next=https://evil.example/"]:
        location = urlsplit(client.get(f"/fr/admin/login/{query}")["Location"])
        assert location.path == "/fr/accounts/login/"
        assert parse_qs(location.query)["next"] == ["/fr/admin/"]


def test_passwords_posted_to_the_admin_login_are_never_checked_there(client, boss):
    # A dozen wrong passwords in a row: none is answered, each is sent to the staff sign-in.
    for attempt in range(12):
        response = client.post(
            "/en/admin/login/?next=/en/admin/",
            {"username": "boss", "password": f"{WRONG} {attempt}", "next": "/en/admin/"},
            REMOTE_ADDR=ip(attempt),
        )
        assert response.status_code == 302, attempt
        assert urlsplit(response["Location"]).path == "/en/accounts/login/"
    # Even the right password signs nobody in there.
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "boss", "password": PASSWORD, "next": "/en/admin/"},
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/en/accounts/login/"
    assert not is_signed_in(client)
    assert client.get("/en/admin/").status_code == 302


def test_the_admin_sign_in_is_throttled_like_every_other(client, boss):
    location = client.get("/en/admin/login/?next=/en/admin/")["Location"]
    for attempt in range(PER_ACCOUNT):
        response = client.post(
            location, {"login": "boss", "password": WRONG}, REMOTE_ADDR=ip(attempt)
        )
        assert response.status_code == 200
        assert not is_signed_in(client)
    refused = client.post(location, {"login": "boss", "password": PASSWORD}, REMOTE_ADDR=ip(99))
    assert refused.status_code == 200
    assert too_many_attempts() in form_errors(refused)
    assert not is_signed_in(client)
    assert client.get("/en/admin/").status_code == 302


@REQUIRED
def test_a_totp_user_cannot_reach_the_admin_with_the_password_alone(client, boss):
    assert sign_in(client, "boss").status_code == 302
    secret = activate_totp(client)
    client.post("/en/accounts/logout/")
    cache.clear()  # the activation code may be reused in this window: allauth would refuse it

    # The admin's own form takes the password and signs nobody in.
    client.post(
        "/en/admin/login/", {"username": "boss", "password": PASSWORD, "next": "/en/admin/"}
    )
    assert not is_signed_in(client)
    assert client.get("/en/admin/").status_code == 302

    # The sign-in it sends to asks for the code after the password...
    location = client.get("/en/admin/login/?next=/en/admin/auth/group/")["Location"]
    response = client.post(location, {"login": "boss", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert not is_signed_in(client)
    assert client.get("/en/admin/auth/group/").status_code == 302

    # ...and lands on the admin page first asked for once the code is given.
    accepted = client.post("/en/accounts/2fa/authenticate/", {"code": fresh_code(secret)})
    assert accepted.status_code == 302
    assert accepted["Location"] == "/en/admin/auth/group/"
    assert is_signed_in(client)
    assert client.get("/en/admin/auth/group/").status_code == 200


def test_after_the_full_sign_in_next_lands_on_the_admin_page(client, boss):
    location = client.get("/en/admin/login/?next=/en/admin/auth/group/")["Location"]
    response = client.post(location, {"login": "boss", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/auth/group/"
    assert client.get(response["Location"]).status_code == 200
    # Signed in, the admin's login page sends on to the admin (nothing to post there).
    assert client.get("/en/admin/login/?next=/en/admin/auth/group/")["Location"] == (
        "/en/admin/auth/group/"
    )


def test_a_signed_in_member_without_admin_access_is_refused_by_the_admin_login(client, custodian):
    sign_in(client, "custodian")
    response = client.post("/en/admin/login/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(custodian.pk)


# --- 2. The failed-sign-in throttle counts per account, in the shared store --------------------


@pytest.mark.parametrize(
    ("failing_login", "other_login"),
    [
        ("custodian", "custodian@example.gc.ca"),
        ("custodian@example.gc.ca", "custodian"),
        ("CUSTODIAN@Example.GC.ca", "Custodian"),
        ("custodian", "CUSTODIAN"),
    ],
)
def test_failures_under_one_login_throttle_every_login_of_the_account(
    client, custodian, failing_login, other_login
):
    for attempt in range(PER_ACCOUNT):
        response = sign_in(client, failing_login, WRONG, n=attempt)
        assert response.status_code == 200
        assert too_many_attempts() not in form_errors(response)

    refused = sign_in(client, other_login, n=50)
    assert refused.status_code == 200
    assert too_many_attempts() in form_errors(refused)
    assert not is_signed_in(client)


def test_the_refusal_is_said_in_french_on_the_french_sign_in(client, custodian):
    for attempt in range(PER_ACCOUNT):
        client.post(
            "/fr/accounts/login/",
            {"login": "custodian", "password": WRONG},
            REMOTE_ADDR=ip(attempt),
        )
    refused = client.post(
        "/fr/accounts/login/", {"login": "custodian", "password": PASSWORD}, REMOTE_ADDR=ip(50)
    )
    page = html.unescape(refused.content.decode())
    assert "Trop de tentatives de connexion ont échoué." in page
    assert too_many_attempts("fr") in page
    assert too_many_attempts("fr") != too_many_attempts("en")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_past_thirty_attempts_a_minute_from_one_address_the_answer_is_a_translated_429(
    client, lang
):
    for attempt in range(30):  # ACCOUNT_RATE_LIMITS["login"]: 30/m/ip, right or wrong
        response = client.post(
            f"/{lang}/accounts/login/", {"login": f"someone{attempt}", "password": WRONG}
        )
        assert response.status_code == 200, attempt
    refused = client.post(f"/{lang}/accounts/login/", {"login": "someone", "password": WRONG})
    assert refused.status_code == 429
    page = html.unescape(refused.content.decode())
    assert f'<html lang="{lang}">' in page
    with translation.override(lang):
        assert gettext("Too many attempts") in page
    if lang == "fr":
        assert "Attendez une minute, puis réessayez." in page


def test_the_throttle_does_not_depend_on_the_host_name(client, custodian):
    for attempt in range(PER_ACCOUNT):
        client.post(
            "/en/accounts/login/",
            {"login": "custodian", "password": WRONG},
            REMOTE_ADDR=ip(attempt),
            HTTP_HOST="localhost",
        )
    refused = client.post(
        "/en/accounts/login/",
        {"login": "custodian", "password": PASSWORD},
        REMOTE_ADDR=ip(50),
        HTTP_HOST="127.0.0.1",
    )
    assert too_many_attempts() in form_errors(refused)
    assert not is_signed_in(client)


def test_below_the_bound_the_right_password_still_signs_in(client, custodian, make_user):
    for attempt in range(PER_ACCOUNT - 1):
        sign_in(client, "custodian", WRONG, n=attempt)
    make_user(username="other")
    for attempt in range(PER_ACCOUNT):  # another account's failures do not count
        sign_in(client, "other", WRONG, n=attempt)
    assert sign_in(client, "custodian@example.gc.ca", n=50).status_code == 302
    assert client.session["_auth_user_id"] == str(custodian.pk)


def test_a_login_naming_no_account_is_throttled_on_the_login(client):
    for attempt in range(PER_ACCOUNT):
        assert too_many_attempts() not in form_errors(sign_in(client, "Nobody", WRONG, n=attempt))
    assert too_many_attempts() in form_errors(sign_in(client, "nobody", WRONG, n=50))


def test_the_throttle_is_kept_in_the_database_cache_table(client, custodian):
    table = settings.CACHES["default"]["LOCATION"]
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    sign_in(client, "custodian", WRONG)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
    assert any(":login_failed:" in key for key in keys), keys
    # A second connection to the store, as another worker process would open, sees the count.
    from django.core.cache import caches

    other_worker = caches.create_connection("default")
    counts = [other_worker.get(key.split(":", 2)[2]) for key in keys if ":login_failed:" in key]
    assert all(isinstance(history, list) and len(history) == 1 for history in counts), counts


def test_a_fresh_database_gets_the_cache_table_from_migrate_and_loses_it_on_reverse(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(
        {
            "COMPTOIR_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
        }
    )

    def comptoir(*args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "comptoir.config.cli", *args, "-v", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def tables() -> set[str]:
        with sqlite3.connect(database) as db:
            return {row[0] for row in db.execute("SELECT name FROM sqlite_master")}

    comptoir("migrate", "--no-input")
    assert settings.CACHES["default"]["LOCATION"] in tables()
    comptoir("migrate", "accounts", "0002", "--no-input")
    assert settings.CACHES["default"]["LOCATION"] not in tables()


# --- 3. Staff and sign-in pages are never stored ----------------------------------------------


def is_never_stored(response) -> bool:
    """``Cache-Control`` says ``private`` and ``no-store`` (other directives may come with them)."""
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def test_every_page_for_a_signed_in_member_says_no_store(client, custodian, make_service_year):
    record = make_service_year(service_id="S-1")
    sign_in(client, "custodian")
    for url in [
        "/en/",
        "/en/inventory/services/",
        f"/en/inventory/services/{record.pk}/",
        "/en/organizations/",  # a public page, but shown to a signed-in member
        "/en/accounts/2fa/",
        "/en/inventory/services/999999/",  # a 404 too
    ]:
        assert is_never_stored(client.get(url)), url


@REQUIRED
def test_the_second_factor_pages_and_redirects_say_no_store(client, custodian):
    sign_in(client, "custodian")
    response = client.get("/en/inventory/services/")  # sent to set up the second factor
    assert response.status_code == 302
    assert is_never_stored(response)


def test_the_sign_in_pages_say_no_store_and_public_pages_do_not(client, custodian):
    for url in [
        "/en/accounts/login/",
        "/fr/accounts/login/",
        "/en/accounts/password/reset/",
        "/en/admin/login/",
    ]:
        assert is_never_stored(client.get(url)), url
    assert is_never_stored(sign_in(client, "custodian"))  # the answer to the post
    assert is_never_stored(client.post("/en/accounts/logout/"))

    for url in ["/en/organizations/", "/fr/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url


# --- 4. The CSRF token lives in the session ---------------------------------------------------


def test_the_csrf_token_is_kept_in_the_session_not_in_a_cookie(custodian):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/en/accounts/login/")
    assert settings.CSRF_COOKIE_NAME not in page.cookies
    assert settings.CSRF_COOKIE_NAME not in browser.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    assert browser.session[CSRF_SESSION_KEY]

    # The token is worth nothing without the session it belongs to.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/en/organizations/")
    refused = stranger.post(
        "/en/accounts/login/",
        {"login": "custodian", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    assert refused.status_code == 403

    signed_in = browser.post(
        "/en/accounts/login/",
        {"login": "custodian", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    assert signed_in.status_code == 302
    assert settings.CSRF_COOKIE_NAME not in browser.cookies
    # After sign-in the token is a new one, still in the session, and the page's forms carry it.
    home = browser.get("/en/")
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.content.decode())
    assert fresh is not None
    assert html.unescape(fresh.group(1)) != token.group(1)
    assert (
        browser.post("/en/accounts/logout/", {"csrfmiddlewaretoken": fresh.group(1)}).status_code
        == 302
    )
