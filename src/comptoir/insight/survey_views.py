"""The surveys' staff pages: thin views that check the reader, call one query or action, and
render. Client survey results: every inventory viewer (as the other insight pages); survey plans:
those who write the feedback reports (unit managers and administrators); staff survey results:
the same writers; opening and closing a round: administrators (the action checks); answering
the staff survey: any staff member of a unit of an organization with an open round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.core.surveys import SurveyKind
from comptoir.insight import survey_actions, survey_queries
from comptoir.insight.feedback_queries import writable_organizations
from comptoir.insight.survey_forms import (
    RoundForm,
    StaffSurveyForm,
    SurveyPlanForm,
    add_refusal,
    answers_of,
)
from comptoir.insight.views import _require_viewer


def _require_writer(request: HttpRequest) -> None:
    if not writable_organizations(request.user).exists():
        raise PermissionDenied(_("Only unit managers and administrators see this page."))


@login_required
@require_GET
def survey_results(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    results = survey_queries.survey_results(
        request.user,
        period=request.GET.get("period", ""),
        service=request.GET.get("service", ""),
        unit=request.GET.get("unit", ""),
    )
    return render(request, "insight/survey_results.html", {"results": results})


@login_required
@require_http_methods(["GET", "POST"])
def survey_plans(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    page = survey_queries.plans_page(request.user)
    form = SurveyPlanForm(
        request.POST if request.method == "POST" else None, services=page.service_choices
    )
    if request.method == "POST" and form.is_valid():
        service = survey_queries.plannable_service(request.user, form.cleaned_data["service"])
        try:
            survey_actions.do_set_survey_plan(
                user=request.user,  # type: ignore[arg-type]
                service=service,
                rate=form.cleaned_data["rate"],
                quiet_days=form.cleaned_data["quiet_days"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The survey plan is saved."))
            return redirect("insight:survey_plans")
    status = 400 if request.method == "POST" else 200
    return render(request, "insight/survey_plans.html", {"page": page, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_survey(request: HttpRequest) -> HttpResponse:
    """The staff survey of the open round, for a member of one of its organization's units."""
    found = survey_queries.staff_form(request.user)
    form = None
    if found.survey_round is not None and not found.has_answered and found.units:
        form = StaffSurveyForm(
            request.POST if request.method == "POST" else None, units=found.units
        )
        if request.method == "POST" and form.is_valid():
            unit = next(u for u in found.units if u.pk == form.cleaned_data["unit"])
            try:
                survey_actions.do_answer_staff_survey(
                    found.survey_round,
                    user=request.user,  # type: ignore[arg-type]
                    unit=unit,
                    raw=answers_of(form, SurveyKind.STAFF),
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(
                    request, _("Thank you. Your answers are recorded without your name.")
                )
                return redirect("insight:staff_survey")
    status = 400 if request.method == "POST" and form is not None else 200
    return render(
        request, "insight/staff_survey.html", {"found": found, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_survey_results(request: HttpRequest) -> HttpResponse:
    """The rounds and their results per unit; administrators open and close rounds here."""
    _require_writer(request)
    if request.method == "POST":
        act = request.POST.get("act", "")
        try:
            if act == "open":
                results = survey_queries.staff_results(request.user)
                form = RoundForm(request.POST, organizations=results.organizations)
                if not form.is_valid():
                    raise ValidationError(_("Choose an organization from the list."))
                organization = next(
                    o for o in results.organizations if o.pk == form.cleaned_data["organization"]
                )
                survey_actions.do_open_round(organization, user=request.user)  # type: ignore[arg-type]
                messages.success(request, _("The round is open: staff can answer."))
            elif act == "close":
                number = request.POST.get("round", "")
                survey_round = survey_queries.access_round(
                    request.user, int(number) if number.isdigit() else 0
                )
                survey_actions.do_close_round(survey_round, user=request.user)  # type: ignore[arg-type]
                messages.success(request, _("The round is closed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("insight:staff_survey_results")
    results = survey_queries.staff_results(request.user, request.GET.get("round", ""))
    round_form = RoundForm(organizations=results.organizations) if results.may_open else None
    return render(
        request, "insight/staff_survey_results.html", {"results": results, "form": round_form}
    )
