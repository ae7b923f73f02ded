"""Reads about staff accounts that need more than one queryset call."""

from __future__ import annotations

from allauth.account.utils import filter_users_by_email, filter_users_by_username


def accounts_named_by(*logins: str) -> frozenset[int]:
    """The ids of the accounts that any of ``logins`` names, as allauth's sign-in resolves them:
    a user name or an email address (the account's own or one of its ``EmailAddress`` rows), in
    any letter case. Usually one id; none for a login that names no account."""
    ids: set[int] = set()
    for login in {value.strip() for value in logins if value and value.strip()}:
        ids.update(filter_users_by_username(login).values_list("pk", flat=True))
        if "@" in login:
            ids.update(user.pk for user in filter_users_by_email(login))
    return frozenset(ids)
