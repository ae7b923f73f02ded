"""The second factor required of staff (``COMPTOIR_REQUIRE_MFA``), through the Django test client:
redirect or refusal without TOTP, activation with a real code from the page's secret, sign-in that
asks for the code, public pages left alone, and nothing required when the setting is off."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import struct
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from comptoir.accounts.middleware import mfa_required_message
from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the make_user default
REQUIRED = override_settings(COMPTOIR_REQUIRE_MFA=True)


def totp_code(secret: str, *, at: float, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1 over the 30-second counter), written here without allauth's helpers."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def fresh_code(secret: str) -> str:
    """A code with at least 3 s of its 30-s window left, so the server sees the same window."""
    now = time.time()
    if now % 30 > 27:
        time.sleep(30 - now % 30 + 0.1)
        now = time.time()
    return totp_code(secret, at=now)


def test_the_code_helper_matches_the_rfc_6238_test_vector():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp_code(secret, at=59, digits=8) == "94287082"
    assert totp_code(secret, at=1111111109, digits=8) == "07081804"


@pytest.fixture(autouse=True)
def _forget_used_codes():
    cache.clear()  # allauth remembers used codes in the cache; user ids repeat between tests
    yield
    cache.clear()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def record(make_service_year):
    return make_service_year(
        service_id="S-200",
        program_id="TRD01",
        program_name_en="Trade statistics",
        program_name_fr="Statistiques commerciales",
    )


def sign_in(client, username: str, *, lang: str = "en"):
    return client.post(f"/{lang}/accounts/login/", {"login": username, "password": PASSWORD})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def open_activation(client, url: str):
    """GET the activation page; allauth first asks for the password again (re-authentication)."""
    response = client.get(url)
    if response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]:
        confirm = client.post(response["Location"], {"password": PASSWORD})
        assert confirm.status_code == 302
        assert confirm["Location"] == url
        response = client.get(url)
    return response


def secret_on_page(page: str) -> str:
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page)
    if match is None:
        match = re.search(r'value="([A-Z2-7=]+)"[^>]*id="authenticator_secret"', page)
    assert match is not None, "the activation page shows no secret"
    return match.group(1)


def activate_totp(client, *, lang: str = "en") -> str:
    """Open the activation page, read its secret, post the current code; return the secret."""
    page = open_activation(client, f"/{lang}/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = secret_on_page(page.content.decode())
    response = client.post(f"/{lang}/accounts/2fa/totp/activate/", {"code": fresh_code(secret)})
    assert response.status_code == 302, response.context["form"].errors
    return secret


# --- Required: redirected, refused, then lifted by activation --------------------------------


@REQUIRED
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_staff_user_without_totp_is_sent_to_activation_with_the_reason(
    client, custodian, record, lang
):
    assert sign_in(client, "custodian", lang=lang).status_code == 302
    wanted = f"/{lang}/inventory/services/{record.pk}/"
    response = client.get(wanted)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == f"/{lang}/accounts/2fa/totp/activate/"
    assert parse_qs(location.query)["next"] == [wanted]
    assert client.head(wanted).status_code == 302

    # allauth asks for the password again before any change to the second factor; the first page
    # the user sees says why they are here.
    reauthenticate = client.get(response["Location"])
    assert reauthenticate.status_code == 302
    assert urlsplit(reauthenticate["Location"]).path == f"/{lang}/accounts/reauthenticate/"
    text = html.unescape(client.get(reauthenticate["Location"]).content.decode())
    with translation.override(lang):
        assert mfa_required_message() in text
    page = open_activation(client, response["Location"])
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert f'<html lang="{lang}">' in text
    assert 'src="data:image/svg+xml;base64,' in text  # the QR code, an image the CSP allows
    assert 'name="code"' in text


@REQUIRED
def test_every_staff_page_and_the_admin_are_behind_the_requirement(client, make_user):
    make_user(Role.ADMINISTRATOR, username="boss", is_staff=True, is_superuser=True)
    sign_in(client, "boss")
    for url in ["/en/", "/en/inventory/services/", "/en/inventory/dashboard/", "/en/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/en/accounts/2fa/totp/activate/?next="), url


@REQUIRED
def test_a_write_without_totp_is_refused_and_changes_nothing(client, custodian, record):
    url = f"/en/inventory/services/{record.pk}/edit/"
    sign_in(client, "custodian")
    with override_settings(COMPTOIR_REQUIRE_MFA=False):
        form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data["service_name_en"] = "Renamed without a second factor"
    history_before = record.history.count()

    response = client.post(url, data)
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert mfa_required_message() in page
    assert 'href="/en/accounts/2fa/totp/activate/"' in page
    record.refresh_from_db()
    assert record.service_name_en == "Trade data requests"
    assert record.history.count() == history_before

    with override_settings(COMPTOIR_REQUIRE_MFA=False):  # the same post goes through otherwise
        assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.service_name_en == "Renamed without a second factor"


@REQUIRED
def test_activating_totp_with_a_real_code_lifts_the_requirement_and_leads_back(
    client, custodian, record
):
    wanted = f"/en/inventory/services/{record.pk}/"
    sign_in(client, "custodian")
    to_activation = client.get(wanted)["Location"]
    page = open_activation(client, to_activation)
    secret = secret_on_page(page.content.decode())

    wrong = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000"})
    if totp_code(secret, at=time.time()) != "000000":
        assert wrong.status_code == 200
        assert not Authenticator.objects.filter(user=custodian).exists()

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=custodian, type=Authenticator.Type.TOTP).exists()
    codes_page = client.get(response["Location"]).content.decode()
    assert f'href="{wanted}"' in codes_page  # the way on to the page first asked for

    assert client.get(wanted).status_code == 200
    edit = client.get(f"/en/inventory/services/{record.pk}/edit/")
    assert edit.status_code == 200
    # Once arrived, the remembered page is forgotten.
    assert f'href="{wanted}"' not in client.get("/en/accounts/2fa/recovery-codes/").content.decode()


@REQUIRED
def test_only_a_local_next_is_offered_after_activation(client, custodian):
    sign_in(client, "custodian")
    page = open_activation(client, "/en/accounts/2fa/totp/activate/?next=https://evil.example/")
    secret = secret_on_page(page.content.decode())
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": fresh_code(secret)})
    codes_page = client.get(response["Location"]).content.decode()
    assert "evil.example" not in codes_page


@REQUIRED
def test_signing_in_again_asks_for_the_code_and_refuses_a_wrong_one(client, custodian, record):
    sign_in(client, "custodian")
    secret = activate_totp(client)
    client.post("/en/accounts/logout/")
    assert not is_signed_in(client)
    cache.clear()  # the activation code may be reused in this window: allauth would refuse it

    response = sign_in(client, "custodian")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert not is_signed_in(client)
    assert 'name="code"' in client.get("/en/accounts/2fa/authenticate/").content.decode()

    right = fresh_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post("/en/accounts/2fa/authenticate/", {"code": wrong})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not is_signed_in(client)
    assert client.get(f"/en/inventory/services/{record.pk}/").status_code == 302

    accepted = client.post("/en/accounts/2fa/authenticate/", {"code": right})
    assert accepted.status_code == 302
    assert is_signed_in(client)
    assert client.get(f"/en/inventory/services/{record.pk}/").status_code == 200


# --- Left alone ------------------------------------------------------------------------------


@REQUIRED
def test_anonymous_and_public_pages_are_not_affected(client, custodian, record):
    for url in ["/en/", "/fr/", "/en/organizations/", "/en/accounts/login/"]:
        assert client.get(url).status_code == 200, url
    staff_page = client.get(f"/en/inventory/services/{record.pk}/")
    assert "/accounts/2fa/" not in staff_page.get("Location", "")

    sign_in(client, "custodian")
    assert client.get("/en/organizations/").status_code == 200
    assert client.get("/en/accounts/2fa/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/fr/"}).status_code == 302
    assert client.post("/en/accounts/logout/").status_code == 302
    assert not is_signed_in(client)


def test_with_the_setting_off_nothing_is_required(client, custodian, record, settings):
    assert settings.COMPTOIR_REQUIRE_MFA is False
    sign_in(client, "custodian")
    assert client.get(f"/en/inventory/services/{record.pk}/").status_code == 200
    assert client.get("/en/").status_code == 200
