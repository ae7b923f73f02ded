"""The reports' pages (issue 14, item 6): thin views that read the filters, call one function
of ``comptoir.insight.reports`` and render a page, or a tagged PDF of the unit's report in the
unit's language (``?language=`` chooses the other one)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir import i18n
from comptoir.insight import dashboard, reports
from comptoir.insight.dashboard_views import DashboardForm
from comptoir.insight.pdf import render_pdf
from comptoir.insight.views import _require_viewer
from comptoir.inventory.models import Unit


def _filters(request: HttpRequest) -> tuple[DashboardForm, dashboard.Filters, int]:
    """The filters asked for, or the current year's with a 400 when they cannot be read."""
    form = DashboardForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        return form, form.filters(), 200
    status = 400 if form.is_bound else 200
    return form, dashboard.Filters(fiscal_year=dashboard.current_fiscal_year()), status


def _unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk, is_active=True).select_related("organization").first()
    if unit is None:
        raise Http404(_("No such unit."))
    return unit


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form, filters, status = _filters(request)
    units = Unit.objects.filter(is_active=True).select_related("organization").order_by("code")
    return render(
        request,
        "insight/reports/index.html",
        {"form": form, "filters": filters, "units": units, "query": request.GET.urlencode()},
        status=status,
    )


@login_required
@require_GET
def unit_report(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request)
    unit = _unit(pk)
    form, filters, status = _filters(request)
    report = reports.unit_report(request.user, unit, filters)
    return render(
        request,
        "insight/reports/unit.html",
        {"report": report, "form": form, "query": request.GET.urlencode()},
        status=status,
    )


@login_required
@require_GET
def unit_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request)
    unit = _unit(pk)
    _form, filters, status = _filters(request)
    if status != 200:
        return HttpResponseBadRequest(_("These filters cannot be read; nothing was drawn."))
    language = i18n.normalize(request.GET.get("language") or unit.language)
    with i18n.rendered_in(language):  # the figures' words too: months, summaries, charts
        report = reports.unit_report(request.user, unit, filters)
        pdf = render_pdf("insight/reports/unit_print.html", {"report": report}, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{unit.code}-{filters.fiscal_year}{f'-q{filters.quarter}' if filters.quarter else ''}"
    response["Content-Disposition"] = f'inline; filename="{name}-{language}.pdf"'
    return response


@login_required
@require_GET
def data_quality(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form, filters, status = _filters(request)
    report = reports.data_quality(request.user, filters)
    return render(
        request,
        "insight/reports/data_quality.html",
        {"report": report, "form": form},
        status=status,
    )


@login_required
@require_GET
def data_gaps(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form, filters, status = _filters(request)
    report = reports.data_gaps(request.user, filters)
    return render(
        request, "insight/reports/data_gaps.html", {"report": report, "form": form}, status=status
    )
