"""Require a second factor (an authenticator app, TOTP) from every signed-in staff member.

When ``settings.COMPTOIR_REQUIRE_MFA`` is on, a signed-in user without an active TOTP
authenticator is sent to allauth's activation page (``mfa_activate_totp``) with a message saying
why: reading requests (GET, HEAD) are redirected, any other request is refused with 403 and
reaches no view, so nothing changes. Left alone: anonymous requests, allauth's own account and MFA
pages (sign-in, sign-out, re-authentication, activation, recovery codes), the language switch,
static files and the public pages.

The page the user asked for travels as ``next`` to the activation page and is kept in the session
(only when it is a local path); once TOTP is on, allauth shows the new recovery codes and
``mfa/recovery_codes/index.html`` offers a link back to it.

:class:`PrivatePagesMiddleware` marks every response to a signed-in user, and the sign-in pages,
``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

#: Session key holding the local path a user asked for before being sent to activate TOTP.
NEXT_SESSION_KEY = "comptoir_mfa_next"

#: URL names (``namespace:name``) of pages anyone may read without signing in.
PUBLIC_URL_NAMES = frozenset(
    {
        "inventory:public_organizations",
        "inventory:public_service_standards",
        # Real-time performance of a service and its feeds (docs/measurement.md).
        "measurement:realtime_service",
        "measurement:realtime_service_json",
        "measurement:realtime_service_csv",
        "insight:feedback_public_list",
        "insight:feedback_public_detail",
        # The client portal: it reads nothing of the signed-in account (docs/portal.md).
        "portal_home",
        "portal_submit",
        "portal_feedback",
        "portal_confirmation",
        "portal_lookup",
        "portal_status",
        "portal_status_session",
        "portal_file",
        "portal_session_file",
    }
)
#: allauth's pages (``account_*`` and ``mfa_*``) must stay reachable to sign in, sign out,
#: re-authenticate and turn the second factor on.
ALLAUTH_URL_PREFIXES = ("account_", "mfa_")
OTHER_EXEMPT_URL_NAMES = frozenset({"set_language", "healthz", "readyz"})


def mfa_required_message() -> str:
    return gettext(
        "Your organization requires a second factor to use Comptoir. Set up an authenticator "
        "app on your phone or computer, then enter the code it shows to continue."
    )


def _is_exempt(request: HttpRequest) -> bool:
    path = request.path_info
    if settings.STATIC_URL and path.startswith(str(settings.STATIC_URL)):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 page gives nothing away
    if match.url_name and match.url_name.startswith(ALLAUTH_URL_PREFIXES) and not match.namespace:
        return True
    return match.view_name in PUBLIC_URL_NAMES or match.view_name in OTHER_EXEMPT_URL_NAMES


def _is_local(url: str, request: HttpRequest) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


class RequireMultiFactorMiddleware:
    """Send signed-in users without TOTP to set it up (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "COMPTOIR_REQUIRE_MFA", False):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if _is_exempt(request):
            self._remember_next(request)
            return self.get_response(request)
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            request.session.pop(NEXT_SESSION_KEY, None)
            return self.get_response(request)
        return self._refuse(request)

    def _remember_next(self, request: HttpRequest) -> None:
        """Keep the ``next`` given to the activation page, when it is a path on this site."""
        if request.method != "GET" or "next" not in request.GET:
            return
        if request.path_info != reverse("mfa_activate_totp"):
            return
        wanted = request.GET["next"]
        if _is_local(wanted, request):
            request.session[NEXT_SESSION_KEY] = wanted

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        activate_url = reverse("mfa_activate_totp")
        if request.method in {"GET", "HEAD"}:
            wanted = request.get_full_path()
            messages.warning(request, mfa_required_message())
            return HttpResponseRedirect(f"{activate_url}?{urlencode({'next': wanted})}")
        return render(
            request,
            "mfa/required.html",
            {"message": mfa_required_message(), "activate_url": activate_url},
            status=403,
        )


def _is_sign_in_page(request: HttpRequest) -> bool:
    """allauth's pages (sign-in, second factor, password reset...) and the admin's login."""
    match = request.resolver_match
    if match is None:
        return False
    if match.url_name and match.url_name.startswith(ALLAUTH_URL_PREFIXES) and not match.namespace:
        return True
    return match.view_name == "admin:login"


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user and on the
    sign-in pages, so that no browser history, shared proxy or back button keeps a copy of a staff
    page or of a sign-in form's answer. Public pages seen by anonymous visitors are left alone.

    Placed before ``RequireMultiFactorMiddleware`` so that its redirects and refusals carry the
    header too. Directives a view set are kept, ``public`` excepted (``patch_cache_control``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_sign_in_page(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
