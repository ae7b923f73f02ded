"""The administration site, signed in to through allauth only.

Django's admin has a sign-in form of its own that checks a password with no failed-sign-in throttle
and no second factor. Here its login page checks nothing: it sends the visitor to allauth's sign-in
(``account_login``, with the throttle of ``ACCOUNT_RATE_LIMITS`` and the TOTP step) with the admin
page asked for as ``next``. A member already signed in goes on to that page when the admin lets
them in, and is refused (403) otherwise; credentials posted to it are never read.

Installed as the default admin site by :class:`StaffAdminConfig`, listed in ``INSTALLED_APPS`` in
place of ``django.contrib.admin`` (Django's documented way to replace ``admin.site``), so every
``admin.register`` lands here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class StaffAdminSite(admin.AdminSite):
    """``admin.site``: the admin, whose login page hands over to allauth's sign-in."""

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
        if not (
            wanted.startswith("/")
            and url_has_allowed_host_and_scheme(
                wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            wanted = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied
            return HttpResponseRedirect(wanted)
        sign_in = reverse("account_login")
        return HttpResponseRedirect(f"{sign_in}?{urlencode({REDIRECT_FIELD_NAME: wanted})}")


class StaffAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`StaffAdminSite` as ``admin.site``."""

    default_site = "comptoir.accounts.admin_site.StaffAdminSite"
