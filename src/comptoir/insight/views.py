"""Insight pages: thin views that check the reader may see the inventory, call one query and
render. What each reader sees comes from the inventory's ``visible_to`` querysets (through
``comptoir.insight.queries`` and ``comptoir.inventory.access``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.insight import queries
from comptoir.inventory import access


def _require_viewer(request: HttpRequest) -> None:
    if not access.can_view_inventory(request.user):
        raise PermissionDenied(_("Your account has no access to the inventory."))


@login_required
@require_GET
def heat_map(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    data = queries.heat_map(
        request.user,
        mode=request.GET.get("columns", queries.BY_YEAR),
        fiscal_year=request.GET.get("fiscal_year", ""),
        page_number=request.GET.get("page"),
    )
    modes = [(mode, str(queries.MODE_LABELS[mode])) for mode in queries.MODES]
    return render(request, "insight/heat_map.html", {"map": data, "modes": modes})


@login_required
@require_GET
def organization(request: HttpRequest, owner_org: str) -> HttpResponse:
    _require_viewer(request)
    data = queries.organization_map(request.user, owner_org, page_number=request.GET.get("page"))
    return render(request, "insight/organization.html", {"map": data})


@login_required
@require_GET
def service(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request)
    record = access.access_service_year(request.user, pk)
    data = queries.service_results(request.user, record)
    return render(request, "insight/service.html", {"results": data})


@login_required
@require_GET
def panels(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    data = queries.panels(request.user, request.GET.get("fiscal_year", ""))
    return render(request, "insight/panels.html", {"panels": data})
