from allauth.account.adapter import DefaultAccountAdapter


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by administrators; the public cannot sign up."""

    def is_open_for_signup(self, request):  # type: ignore[no-untyped-def]  # allauth's signature is untyped
        return False
