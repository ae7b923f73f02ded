"""Insight pages: thin views that check the reader may see the inventory, call one query and
render. What each reader sees comes from the inventory's ``visible_to`` querysets (through
``comptoir.insight.queries`` and ``comptoir.inventory.access``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.insight import actions as insight_actions
from comptoir.insight import feedback_queries, queries
from comptoir.insight.forms import FeedbackReportForm
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


# --- "you said, we did" (Guideline on Service Management §2.3) ---------------------------------


def _require_report_writer(request: HttpRequest) -> list[Any]:
    organizations = feedback_queries.staff_list(request.user).organizations  # type: ignore[arg-type]
    if not organizations:
        raise PermissionDenied(_("Only unit managers and administrators write these reports."))
    return organizations


def _report_form(organizations: list[Any], data: Any = None, report: Any = None) -> Any:
    initial = None
    if report is not None:
        initial = {
            "organization": report.organization_id,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "heard_en": report.heard_en,
            "heard_fr": report.heard_fr,
            "changed_en": report.changed_en,
            "changed_fr": report.changed_fr,
        }
    return FeedbackReportForm(data, initial=initial, organizations=organizations)


def _save_report(request: HttpRequest, form: Any, organizations: list[Any], report: Any) -> Any:
    """The form's report saved, or ``None`` with the refusal added to the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    organization = next((o for o in organizations if o.pk == data["organization"]), None)
    if organization is None:
        raise Http404(_("No such organization."))
    try:
        return insight_actions.do_save_report(
            user=request.user,  # type: ignore[arg-type]
            organization=organization,
            period_start=data["period_start"],
            period_end=data["period_end"],
            heard_en=data["heard_en"],
            heard_fr=data["heard_fr"],
            changed_en=data["changed_en"],
            changed_fr=data["changed_fr"],
            report=report,
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def feedback_reports(request: HttpRequest) -> HttpResponse:
    """The reports the reader writes, and a form for a new one."""
    organizations = _require_report_writer(request)
    form = _report_form(organizations, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        report = _save_report(request, form, organizations, None)
        if report is not None:
            messages.success(request, _("The draft is saved. Publish it when it is ready."))
            return redirect("insight:feedback_report", pk=report.pk)
    listing = feedback_queries.staff_list(request.user)  # type: ignore[arg-type]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "insight/feedback_reports.html", {"listing": listing, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its figures as they stand (a draft) or as published, and its form."""
    organizations = _require_report_writer(request)
    report = feedback_queries.access_report(request.user, pk)  # type: ignore[arg-type]
    form = _report_form(organizations, request.POST if request.method == "POST" else None, report)
    if request.method == "POST" and _save_report(request, form, organizations, report):
        messages.success(request, _("The report is saved."))
        return redirect("insight:feedback_report", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "insight/feedback_report.html",
        {"view": feedback_queries.report_view(report), "form": form},
        status=status,
    )


@login_required
@require_POST
def feedback_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_report_writer(request)
    report = feedback_queries.access_report(request.user, pk)  # type: ignore[arg-type]
    try:
        insight_actions.do_publish_report(report, user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is published."))
    return redirect("insight:feedback_report", pk=report.pk)


@require_GET
def feedback_public_list(request: HttpRequest) -> HttpResponse:
    """Public: the published reports, newest first."""
    return render(
        request,
        "insight/feedback_public_list.html",
        {"reports": feedback_queries.published_reports()},
    )


@require_GET
def feedback_public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: one published report."""
    return render(
        request,
        "insight/feedback_public_detail.html",
        {"view": feedback_queries.published_report(pk)},
    )
