from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.queries import accounts_named_by


class StaffAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Staff accounts are created by administrators; the public cannot sign up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Shown when the failed sign-in throttle refuses a password or a second-factor code
        # (allauth's own French catalogue leaves its wording untranslated).
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. Wait a few minutes, then try again."
        ),
    }

    def is_open_for_signup(self, request: object) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of the per-key part of the ``login_failed`` throttle: the account, not the
        login string. allauth keys on the host name and the lower-cased login, so failures under
        ``name`` left ``name@domain`` (and every other allowed host name) open. This key is the
        account's id whatever login names it (user name, email address, any letter case) and
        whatever the host; a login naming no account is keyed on itself, case-folded.

        allauth calls this (private) hook before each password check (``pre_authenticate``, also
        for re-authentication) and when a password reset clears the count; the tests in
        ``tests/accounts/test_sign_in_hardening.py`` fail if an upgrade stops calling it.
        """
        logins = [str(credentials.get(name) or "") for name in ("username", "email")]
        accounts = accounts_named_by(*logins)
        if accounts:
            # A login naming several accounts (an email address two accounts share) has its own
            # count; staff email addresses are unique in practice.
            return "account:" + ",".join(str(pk) for pk in sorted(accounts))
        return "login:" + next((login for login in logins if login), "").strip().casefold()
