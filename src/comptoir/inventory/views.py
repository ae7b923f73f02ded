"""Inventory pages: thin views that parse input, call one ``access_*`` function and at most one
action or query, and render. Staff pages need a signed-in account with the view permission;
the organization pages under ``/organizations/`` are public."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.accounts.models import User
from comptoir.core.opendata.validation import RuleCode
from comptoir.inventory import access, actions, findings, queries
from comptoir.inventory.errors import RecordRefusedError
from comptoir.inventory.forms import (
    ApproveFiscalYearForm,
    AssignServiceOwnerForm,
    FindingFilterForm,
    ImportForm,
    IndicatorsFilterForm,
    PriorityAssessmentForm,
    ResolveFindingForm,
    ServiceFilterForm,
    ServiceTestForm,
    ServiceYearForm,
    StandardRuleForm,
    StandardYearForm,
    UnassignServiceOwnerForm,
)
from comptoir.inventory.models import (
    Finding,
    Organization,
    ServiceYear,
    StandardYear,
)
from comptoir.inventory.templatetags.comptoir_ui import percent
from comptoir.measurement.inventory_numbers import numbers_for
from comptoir.measurement.rule_text import rule_sentence

PAGE_SIZE = 25
#: How many violations an import page lists (all of them are in the data-quality findings).
REPORT_LIMIT = 200


class StaffRequest(HttpRequest):
    """A request from a signed-in staff member (the views using it are behind login_required)."""

    user: User


def _require_inventory_viewer(request: HttpRequest) -> None:
    if not access.can_view_inventory(request.user):
        raise PermissionDenied(_("Your account has no access to the inventory."))


def _fiscal_year_codes() -> list[str]:
    return queries.fiscal_year_codes()


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    """The submitted data and files, or ``None`` for a GET (an empty POST is still a submission)."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Service list -----------------------------------------------------------------------------


@login_required
def service_list(request: StaffRequest) -> HttpResponse:
    _require_inventory_viewer(request)
    fiscal_years = _fiscal_year_codes()
    organizations = list(Organization.objects.order_by("owner_org"))
    data = request.GET.copy()
    if fiscal_years and not data.get("fiscal_year"):
        data["fiscal_year"] = fiscal_years[0]
    form = ServiceFilterForm(data, fiscal_years=fiscal_years, organizations=organizations)
    page = queries.service_list_page(
        request.user,
        form.cleaned_data if form.is_valid() else None,
        page_number=request.GET.get("page"),
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "inventory/service_list.html",
        {"form": form, "page": page, "filtered": bool(request.GET)},
    )


# --- One service ------------------------------------------------------------------------------


@login_required
def service_detail(request: StaffRequest, pk: int) -> HttpResponse:
    record = access.access_service_year(request.user, pk)
    return render(request, "inventory/service_detail.html", _service_context(request, record))


def _service_context(request: StaffRequest, record: ServiceYear, **forms: Any) -> dict[str, Any]:
    """What the service page shows; ``forms`` replace the owner forms (bound, with errors)."""
    page = queries.service_page(request.user, record)
    # Where each volume comes from: counted from the cases or typed (measurement).
    context: dict[str, Any] = {"page": page, "record": record, "numbers": numbers_for(record)}
    if page.may_manage_owners:
        context["assign_form"] = forms.get("assign_form") or AssignServiceOwnerForm(
            candidates=queries.owner_candidates(record)
        )
        context["unassign_form"] = forms.get("unassign_form")
    return context


@login_required
@require_POST
def service_owner_change(request: StaffRequest, pk: int, *, assign: bool) -> HttpResponse:
    """Assign (``assign``) or unassign the chosen staff member as an owner of the service, or
    show the service page with the error."""
    record = access.access_service_year_for_owners(request.user, pk)
    form: AssignServiceOwnerForm | UnassignServiceOwnerForm
    if assign:
        form = AssignServiceOwnerForm(request.POST, candidates=queries.owner_candidates(record))
    else:
        form = UnassignServiceOwnerForm(request.POST, owners=queries.owners_of(record))
    if not form.is_valid():
        bound = {"assign_form" if assign else "unassign_form": form}
        context = _service_context(request, record, **bound)
        return render(request, "inventory/service_detail.html", context, status=400)
    user = form.cleaned_data["user"]
    if assign:
        actions.do_assign_service_owner(record.service, user, actor=request.user)
        message = _("%(user)s is now an owner of service %(service)s.")
    else:
        actions.do_unassign_service_owner(record.service, user, actor=request.user)
        message = _("%(user)s is no longer an owner of service %(service)s.")
    messages.success(
        request,
        message % {"user": queries.staff_label(user), "service": record.service.service_id},
    )
    return redirect(reverse("inventory:service_detail", args=[record.pk]) + "#owners")


def _report_warnings(request: HttpRequest, warnings: list[Any]) -> None:
    """Rules broken at warning level do not block a save; say so, they are now findings."""
    if warnings:
        messages.warning(
            request,
            ngettext(
                "%(count)d warning was recorded as a data-quality finding; see below.",
                "%(count)d warnings were recorded as data-quality findings; see below.",
                len(warnings),
            )
            % {"count": len(warnings)},
        )


def _violations_to_form(form: Any, error: RecordRefusedError) -> None:
    """Show each violation of the data dictionary on its field (or on the form)."""
    for violation in error.violations:
        message = findings.describe_violation(violation)
        if violation.field in form.fields:
            form.add_error(violation.field, message)
        else:
            form.add_error(None, message)


@login_required
@require_http_methods(["GET", "POST"])
def service_year_edit(request: StaffRequest, pk: int) -> HttpResponse:
    record = access.access_service_year_for_edit(request.user, pk)
    form = ServiceYearForm(_posted(request)[0], record=record)
    return _record_edit(
        request,
        record,
        form,
        save=lambda: actions.do_update_service_year(
            record, form.cleaned_cells() | form.cleaned_guideline(), actor=request.user
        ),
        saved_message=_("The service record was saved."),
        service_year_pk=record.pk,
        template="inventory/service_year_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_year_edit(request: StaffRequest, pk: int) -> HttpResponse:
    record = access.access_standard_year_for_edit(request.user, pk)
    form = StandardYearForm(_posted(request)[0], record=record)
    return _record_edit(
        request,
        record,
        form,
        save=lambda: actions.do_update_standard_year(
            record, form.cleaned_cells(), actor=request.user
        ),
        saved_message=_("The service standard record was saved."),
        service_year_pk=record.service_year_id,
        template="inventory/standard_year_form.html",
    )


def _record_edit(
    request: StaffRequest,
    record: ServiceYear | StandardYear,
    form: ServiceYearForm | StandardYearForm,
    *,
    save: Any,
    saved_message: str,
    service_year_pk: int | None,
    template: str,
) -> HttpResponse:
    """An open-data record's edit form: on a valid POST, ``save()`` (the update action); each
    violation it reports is shown on its field, warnings are said to be recorded as findings."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except RecordRefusedError as error:
            _violations_to_form(form, error)
        except ValidationError as error:  # InventoryError, or a model check of the action
            form.add_error(None, error.messages)
        else:
            messages.success(request, saved_message)
            _report_warnings(request, saved.warnings)
            return redirect("inventory:service_detail", pk=service_year_pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "record": record}, status=status)


# --- The Guideline's tools ---------------------------------------------------------------------


def _guideline_tool(
    request: StaffRequest,
    pk: int,
    *,
    form_class: type[ServiceTestForm | PriorityAssessmentForm],
    existing_attr: str,
    initial_of: Any,
    record_with: Any,
    template: str,
) -> HttpResponse:
    """A Guideline tool page: the form filled with the recorded answers, then the action.

    ``initial_of(existing)`` gives the form's initial values from a recorded assessment;
    ``record_with(record, form)`` records the answers and says so in a message.
    """
    record = access.access_service_year_for_assessment(request.user, pk)
    existing = getattr(record, existing_attr, None)
    initial = initial_of(existing) if existing is not None else None
    form = form_class(_posted(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_with(record, form)
        except ValidationError as error:  # InventoryError, or a model check of the action
            form.add_error(None, error.messages)
        else:
            return redirect("inventory:service_detail", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "record": record}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def service_test(request: StaffRequest, pk: int) -> HttpResponse:
    def initial_of(existing: Any) -> dict[str, Any]:
        answers = existing.answers()
        return {name: ("yes" if value else "no") for name, value in answers.items()} | {
            f"{name}_analysis": getattr(existing, f"{name}_analysis") for name in answers
        }

    def record_with(record: ServiceYear, form: ServiceTestForm) -> None:
        result = actions.do_record_service_test(
            record, form.answers(), analyses=form.analyses(), actor=request.user
        )
        if result.is_service:
            messages.success(request, _("Service test recorded: the activity is a service."))
        else:
            messages.warning(
                request,
                _("Service test recorded: the activity is not a service (a no to a question)."),
            )

    return _guideline_tool(
        request,
        pk,
        form_class=ServiceTestForm,
        existing_attr="service_test",
        initial_of=initial_of,
        record_with=record_with,
        template="inventory/service_test.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_assessment(request: StaffRequest, pk: int) -> HttpResponse:
    def initial_of(existing: Any) -> dict[str, Any]:
        ratings = existing.ratings()
        return dict(ratings) | {
            f"{name}_analysis": getattr(existing, f"{name}_analysis") for name in ratings
        }

    def record_with(record: ServiceYear, form: PriorityAssessmentForm) -> None:
        result = actions.do_record_priority_assessment(
            record, form.ratings(), analyses=form.analyses(), actor=request.user
        )
        if result.is_priority_service:
            messages.success(request, _("Assessment recorded: this is a priority service."))
        else:
            messages.success(request, _("Assessment recorded: this is not a priority service."))

    return _guideline_tool(
        request,
        pk,
        form_class=PriorityAssessmentForm,
        existing_attr="priority_assessment",
        initial_of=initial_of,
        record_with=record_with,
        template="inventory/priority_assessment.html",
    )


# --- Fiscal years -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fiscal_year_approve(request: StaffRequest, owner_org: str, code: str) -> HttpResponse:
    fiscal_year = access.access_fiscal_year_for_approval(request.user, owner_org, code)
    form = ApproveFiscalYearForm(_posted(request)[0])
    if fiscal_year.is_approved:
        messages.info(request, _("This fiscal year is already approved."))
    elif request.method == "POST" and form.is_valid():
        try:
            actions.do_approve_fiscal_year(fiscal_year, actor=request.user)
        except ValidationError as error:  # InventoryError, or a model check of the action
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Fiscal year %(code)s is approved: its records are frozen.") % {"code": code},
            )
            url = reverse("inventory:service_list")
            return redirect(f"{url}?fiscal_year={code}&organization={owner_org}")
    counts = queries.approval_counts(fiscal_year)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "inventory/fiscal_year_approve.html",
        {"form": form, "fiscal_year": fiscal_year, "counts": counts},
        status=status,
    )


# --- Findings (data quality) --------------------------------------------------------------------


@login_required
def finding_list(request: StaffRequest) -> HttpResponse:
    _require_inventory_viewer(request)
    form = FindingFilterForm(
        request.GET or None,
        fiscal_years=_fiscal_year_codes(),
        organizations=list(Organization.objects.order_by("owner_org")),
        rules=[(rule.value, findings.rule_label(rule.value)) for rule in RuleCode],
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else None
    if not form.is_bound:
        filters = {}
    listing = queries.finding_list_page(
        request.user, filters, page_number=request.GET.get("page"), page_size=PAGE_SIZE
    )
    return render(
        request,
        "inventory/finding_list.html",
        {
            "form": form,
            "page": listing.page,
            "described": listing.described,
            "status": listing.status,
            "resolvable": listing.resolvable,
            "next": request.get_full_path(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_resolve(request: StaffRequest, pk: int) -> HttpResponse:
    finding = access.access_finding_for_resolution(request.user, pk)
    form = ResolveFindingForm(_posted(request)[0])
    back = _back_url(request, finding)
    if request.method == "POST" and not finding.is_resolved and form.is_valid():
        try:
            actions.do_resolve_finding(
                finding, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:  # InventoryError: the fiscal year is approved
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The finding is marked resolved."))
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inventory/finding_resolve.html",
        {
            "form": form,
            "finding": finding,
            "described": findings.describe_all([finding])[0],
            "back": back,
        },
        status=status,
    )


def _back_url(request: HttpRequest, finding: Finding) -> str:
    """Where the page came from (a local address only), else the finding's service page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    service_year_pk = finding.service_year_id or (
        finding.standard_year.service_year_id if finding.standard_year else None
    )
    if service_year_pk is not None:
        return reverse("inventory:service_detail", args=[service_year_pk]) + "#findings"
    return reverse("inventory:finding_list")


# --- Indicators dashboard -------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_inventory_viewer(request)
    fiscal_years = _fiscal_year_codes()
    data = request.GET.copy()
    if fiscal_years and not data.get("fiscal_year"):
        data["fiscal_year"] = fiscal_years[0]
    form = IndicatorsFilterForm(
        data,
        fiscal_years=fiscal_years,
        organizations=list(Organization.objects.order_by("owner_org")),
    )
    figures = None
    if fiscal_years and form.is_valid():
        figures = queries.indicators_for(
            form.cleaned_data["fiscal_year"], org=form.cleaned_data.get("organization") or None
        )
    rows, by_org = _indicator_rows(figures) if figures is not None else ([], [])
    return render(
        request, "inventory/dashboard.html", {"form": form, "rows": rows, "by_org": by_org}
    )


INDICATOR_LABELS = {
    "services_total": gettext_lazy("Services"),
    "services_in_scope": gettext_lazy("Services in scope (external or enterprise)"),
    "organizations": gettext_lazy("Organizations"),
    "transactions_total": gettext_lazy("Transactions (applications and telephone enquiries)"),
    "applications_online": gettext_lazy("Applications online"),
    "online_share": gettext_lazy("Share of applications made online"),
    "services_with_applicable_points": gettext_lazy("Services with an applicable online point"),
    "services_fully_online": gettext_lazy("Services fully online"),
    "fully_online_share": gettext_lazy("Share of services fully online"),
    "mean_online_point_share": gettext_lazy("Mean share of online points available online"),
    "services_with_standards": gettext_lazy("In-scope services with a standard"),
    "services_with_standards_share": gettext_lazy("Share of in-scope services with a standard"),
    "services_collecting_feedback": gettext_lazy("In-scope services collecting feedback"),
    "services_collecting_feedback_share": gettext_lazy(
        "Share of in-scope services collecting feedback"
    ),
    "standards_total": gettext_lazy("Service standards"),
    "standards_met": gettext_lazy("Standards met"),
    "standards_not_met": gettext_lazy("Standards not met"),
    "standards_na": gettext_lazy("Standards not applicable"),
    "standards_met_share": gettext_lazy("Share of standards met"),
}


def _shown(value: object) -> str:
    """A figure as the command prints it; shares also as a percentage."""
    if value is None:
        return _("not applicable")
    if isinstance(value, Decimal):
        return f"{value} ({percent(value)})"
    assert isinstance(value, int)  # noqa: S101  # the other figures are counts
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _indicator_rows(figures: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    rows = [
        (str(label), code, _shown(getattr(figures, code)))
        for code, label in INDICATOR_LABELS.items()
    ]
    by_org = [
        (org, _shown(share)) for org, share in sorted(figures.standards_met_share_by_org.items())
    ]
    return rows, by_org


# --- Import -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_files(request: StaffRequest) -> HttpResponse:
    if not request.user.has_perm("inventory.import_inventory"):
        raise PermissionDenied(_("You may not import the inventory."))
    form = ImportForm(*_posted(request))
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_import_inventory(
                form.cleaned_data["services"],
                form.cleaned_data["standards"],
                strict=form.cleaned_data["strict"],
                actor=request.user,
            )
        except ValidationError as error:  # InventoryError, or a model check of the action
            form.add_error(None, error.messages)
            violations = getattr(error, "violations", [])
            return render(
                request,
                "inventory/import.html",
                {
                    "form": form,
                    "rejected": findings.describe_violations(violations[:200]),
                    "rejected_total": len(violations),
                },
                status=400,
            )
        messages.success(request, _("The files were imported."))
    status = 400 if request.method == "POST" and form.errors else 200
    context: dict[str, Any] = {"form": form, "result": result}
    if result is not None:
        context["reported"] = findings.describe_violations(result.violations[:REPORT_LIMIT])
    return render(request, "inventory/import.html", context, status=status)


# --- Public pages -------------------------------------------------------------------------------


def public_organizations(request: HttpRequest) -> HttpResponse:
    """The organizations that have published (approved) a fiscal year, a page at a time."""
    listing = queries.public_organizations_page(request.GET.get("page"))
    return render(
        request,
        "inventory/public_organizations.html",
        {"organizations": listing.organizations, "page": listing.page},
    )


def public_service_standards(request: HttpRequest, owner_org: str) -> HttpResponse:
    """An organization's service standards, targets and results, as Canada.ca publishes them.

    Only approved (frozen) fiscal years are public, the newest by default; an organization
    without one is not found.
    """
    standards = queries.public_service_standards_page(
        owner_org, request.GET.get("fiscal_year"), request.GET.get("page")
    )
    return render(
        request,
        "inventory/public_service_standards.html",
        {
            "organization": standards,
            "fiscal_year": standards.fiscal_year,
            "approved_years": standards.approved_years,
            "page": standards.services,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_rule(request: StaffRequest, pk: int) -> HttpResponse:
    """The machine rule of a service standard: a form that sets it, a button that removes it."""
    page = queries.standard_rule_page(request.user, pk)
    data = _posted(request)[0]
    clearing = data is not None and "clear" in data
    form = StandardRuleForm(
        None if clearing else data,
        initial=StandardRuleForm.initial_for(page.rule),
        standard_id=page.standard.service_standard_id,
    )
    if clearing or (request.method == "POST" and form.is_valid()):
        try:
            actions.do_set_standard_rule(
                page.standard, None if clearing else form.rule, actor=request.user
            )
        except ValidationError as error:  # InventoryError: the rule is for another standard
            form.add_error(None, error.messages)
        else:
            if clearing:
                messages.success(request, _("The standard's rule was removed."))
            else:
                messages.success(request, _("The standard's rule was saved."))
            return redirect(page.back_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inventory/standard_rule.html",
        {"form": form, "page": page, "rule_text": rule_sentence(page.rule) if page.rule else ""},
        status=status,
    )
