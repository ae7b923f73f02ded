"""The second factor required of staff, in a real browser and in both languages: sign in, be sent
to set up an authenticator app (password confirmed first), activate it with a code computed from
the secret the page shows, keep the recovery codes, go on to the page first asked for, then sign in
again with a code. axe-core runs on every page of the way; the strict CSP must not complain."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from comptoir.accounts.roles import Role, sync_roles
from tests.accounts.test_mfa_required import PASSWORD, fresh_code
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def custodian(make_user):  # type: ignore[no-untyped-def]
    sync_roles()  # transactional tests empty the groups too
    cache.clear()  # allauth remembers used codes in the cache
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


def submit(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@override_settings(COMPTOIR_REQUIRE_MFA=True)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_staff_member_sets_up_and_then_uses_a_second_factor(page, custodian, lang):  # type: ignore[no-untyped-def]
    # The GC Design System components set inline styles that the CSP blocks on every page (public
    # ones too); any other complaint (the QR code image, a script) would come from these pages.
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            and not message.text.startswith("Applying inline style")
            else None
        ),
    )
    wanted = f"/{lang}/inventory/services/"

    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", "custodian")
    page.fill("input[name=password]", PASSWORD)
    submit(page)

    # The staff page sends the user to confirm their password, then to the activation page.
    page.goto(wanted)
    assert page.url.split("?")[0].endswith(f"/{lang}/accounts/reauthenticate/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    page.fill("input[name=password]", PASSWORD)
    submit(page)

    assert page.url.split("?")[0].endswith(f"/{lang}/accounts/2fa/totp/activate/")
    qr_code = page.locator("main img[src^='data:image/svg+xml']")
    expect(qr_code).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr_code.element_handle())
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    assert_accessible(page)

    # A wrong code is refused, on an accessible page with the error.
    page.fill("input[name=code]", "12345")
    submit(page)
    assert page.url.split("?")[0].endswith("/accounts/2fa/totp/activate/")
    expect(page.locator("main .error-message").first).to_be_visible()
    assert_accessible(page)

    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", fresh_code(secret))
    submit(page)
    assert page.url.endswith(f"/{lang}/accounts/2fa/recovery-codes/")
    expect(page.locator("#recovery_codes")).to_be_visible()
    assert_accessible(page)
    page.locator(f"main a[href='{wanted}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(wanted)
    assert_accessible(page)

    # Signing in again asks for the code.
    page.locator("gcds-header form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", "custodian")
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    assert page.url.endswith(f"/{lang}/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.fill("input[name=code]", fresh_code(secret))
    submit(page)
    page.goto(wanted)
    assert page.url.endswith(wanted)

    assert csp_errors == []
