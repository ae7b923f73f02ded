from allauth.account.adapter import DefaultAccountAdapter


class StaffAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Staff accounts are created by administrators; the public cannot sign up."""

    def is_open_for_signup(self, request: object) -> bool:
        return False
