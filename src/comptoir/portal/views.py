"""The portal's pages: thin views that parse the form, check the limits, call one action or
query, and render (``docs/portal.md``).

Pages that show a case (the confirmation, the status page, its files, the look-up) are
``private``: no cache may keep them (``Cache-Control: no-store``) and no search engine lists them
(``noindex``). No page gives its address to another site: those without a form send no referrer
at all (``Referrer-Policy: no-referrer``); those with a form keep the site's ``same-origin``,
because under ``no-referrer`` the browser sends ``Origin: null`` with the form, which Django's
CSRF check rightly refuses (docs/portal.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from comptoir.casework import attachments
from comptoir.casework.models import Case
from comptoir.core.casework import Status, parse_reference
from comptoir.portal import access, actions, forms, queries, ratelimit

CONFIRMATION_SESSION_KEY = "portal_confirmation"


def _private(
    view: Callable[..., HttpResponseBase], *, has_form: bool
) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["Referrer-Policy"] = "same-origin" if has_form else "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def private(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page showing a case, without a form (see the module docstring)."""
    return _private(view, has_form=False)


def private_form(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page showing a case, with a form (see the module docstring)."""
    return _private(view, has_form=True)


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "portal/refused.html", {"message": message}, status=status)


def _too_many(request: HttpRequest) -> HttpResponse:
    return _refused(
        request,
        _("Too many attempts from this connection. Wait a few minutes, then try again."),
        status=429,
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _submit(request: HttpRequest, form: Any, kind: str, service: Any) -> HttpResponse | None:
    """The common end of the submit and feedback forms: the rate limit, the action, the
    confirmation; ``None`` when the action refused (the error is on the form)."""
    if not ratelimit.hit("submit", ratelimit.client_ip(request)):
        return _too_many(request)
    data = form.cleaned_data
    try:
        submitted = actions.do_submit_case(
            kind=kind,
            service=service,
            details=form.details(),
            contact_preference=data["contact_preference"],
            description=data["description"],
            files=data["documents"],
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    request.session[CONFIRMATION_SESSION_KEY] = {
        "reference": submitted.case.reference,
        "status_url": submitted.status_url,
        "is_acknowledged": submitted.is_acknowledged,
        "email": data["email"],
    }
    return redirect("portal_confirmation")


def _is_robot(request: HttpRequest) -> bool:
    return bool(request.POST.get(forms.HONEYPOT, "").strip())


def _honeypot_refusal(request: HttpRequest) -> HttpResponse:
    return _refused(request, _("Your request could not be accepted. Nothing was sent."), status=400)


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """An enquiry or a request for a service of the inventory."""
    if request.method == "POST" and _is_robot(request):
        return _honeypot_refusal(request)
    form = forms.SubmitForm(
        request.POST or None, _files(request), services=queries.portal_services()
    )
    if request.method == "POST" and form.is_valid():
        service = queries.portal_service(form.cleaned_data["service"])
        if service is None:
            form.add_error("service", _("Choose a service from the list."))
        else:
            response = _submit(request, form, form.cleaned_data["kind"], service)
            if response is not None:
                return response
    return render(request, "portal/submit.html", {"form": form, "is_feedback": False})


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """A compliment, a complaint or a suggestion."""
    if request.method == "POST" and _is_robot(request):
        return _honeypot_refusal(request)
    default = queries.feedback_service()
    form = forms.FeedbackForm(
        request.POST or None,
        _files(request),
        services=queries.portal_services(),
        service_required=default is None,
    )
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["service"]
        service = queries.portal_service(key) if key is not None else default
        if service is None:
            form.add_error("service", _("Choose a service from the list."))
        else:
            response = _submit(request, form, form.cleaned_data["kind"], service)
            if response is not None:
                return response
    return render(request, "portal/submit.html", {"form": form, "is_feedback": True})


@require_safe
@private
def confirmation(request: HttpRequest) -> HttpResponse:
    """The reference number and the private link, shown once (taken out of the session)."""
    shown = request.session.pop(CONFIRMATION_SESSION_KEY, None)
    if not shown:
        return redirect("portal_home")
    return render(request, "portal/confirmation.html", {"submitted": shown})


@require_http_methods(["GET", "POST"])
@private_form
def lookup(request: HttpRequest) -> HttpResponse:
    """Reference number and email address → the status page, only when both match; the same
    answer for any mismatch (see ``portal.access`` for the grant)."""
    form = forms.LookupForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
            return _too_many(request)
        if form.is_valid():
            typed = form.cleaned_data["reference"]
            # Counted under its canonical spelling: dashes or case do not make a new key.
            reference = parse_reference(typed) or typed.strip().upper()
            email = form.cleaned_data["email"]
            within = ratelimit.hit("lookup_email", email, rule="lookup")
            within = ratelimit.hit("lookup_reference", reference, rule="lookup") and within
            if not within:
                return _too_many(request)
            case = queries.case_for_lookup(reference, email)
            if case is not None:
                access.grant(request, case)
                return redirect("portal_status_session")
            form.add_error(
                None,
                _(
                    "We could not find a request with this reference number and this email "
                    "address. Check both and try again."
                ),
            )
    return render(request, "portal/lookup.html", {"form": form})


def _status(request: HttpRequest, case: Case, *, token: str | None) -> HttpResponse:
    """The status page of ``case`` and its two forms (add information, withdraw)."""
    here = (
        reverse("portal_status", kwargs={"token": token})
        if token
        else reverse("portal_status_session")
    )
    is_open = case.status != Status.RESOLVED
    message_form = forms.MessageForm()
    withdraw_form = forms.WithdrawForm()
    step = request.GET.get("step", "")
    if request.method == "POST":
        if not ratelimit.hit("status_post", str(case.pk)):
            return _too_many(request)
        act = request.POST.get("act", "")
        if not is_open:
            messages.error(request, _("This request is closed: it can no longer be changed."))
            return redirect(here)
        if act == "message":
            message_form = forms.MessageForm(request.POST, request.FILES)
            if message_form.is_valid():
                try:
                    actions.do_add_information(
                        case,
                        text=message_form.cleaned_data["text"],
                        files=message_form.cleaned_data["documents"],
                    )
                except ValidationError as error:
                    message_form.add_error(None, error.messages)
                else:
                    messages.success(request, _("Thank you. We received your message."))
                    return redirect(here)
        elif act == "withdraw":
            withdraw_form = forms.WithdrawForm(request.POST)
            step = "withdraw"
            if withdraw_form.is_valid():
                try:
                    actions.do_withdraw(case, reason=withdraw_form.cleaned_data["reason"])
                except ValidationError as error:
                    withdraw_form.add_error(None, error.messages)
                else:
                    messages.success(request, _("Your request is withdrawn."))
                    return redirect(here)
    page = queries.status_page(case)
    context = {
        "page": page,
        "here": here,
        "token": token,
        "message_form": message_form,
        "withdraw_form": withdraw_form,
        "is_open": is_open,
    }
    if step == "withdraw" and is_open:
        return render(request, "portal/withdraw.html", context)
    return render(request, "portal/status.html", context)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/not_found.html", status=404)


@require_http_methods(["GET", "POST"])
@private_form
def status(request: HttpRequest, token: str) -> HttpResponse:
    case = access.case_for_token(token)
    if case is None:
        return _not_found(request)
    return _status(request, case, token=token)


@require_http_methods(["GET", "POST"])
@private_form
def status_session(request: HttpRequest) -> HttpResponse:
    case = access.case_for_grant(request)
    if case is None:
        messages.info(request, _("To see your request, enter its reference number again."))
        return redirect("portal_lookup")
    return _status(request, case, token=None)


def _file(request: HttpRequest, case: Case | None, pk: int) -> HttpResponseBase:
    attachment = queries.client_attachment(case, pk) if case is not None else None
    if attachment is None:
        return _not_found(request)
    return attachments.attachment_response(attachment)


@require_safe
@private
def status_file(request: HttpRequest, token: str, pk: int) -> HttpResponseBase:
    return _file(request, access.case_for_token(token), pk)


@require_safe
@private
def status_session_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _file(request, access.case_for_grant(request), pk)


# --- the satisfaction survey (comptoir.insight's engine; docs/portal.md) -----------------------

SURVEY_SESSION_KEY = "portal_survey_answered"


def _survey_closed(request: HttpRequest, state: str) -> HttpResponse:
    """The page of a survey link that cannot be answered: unknown (404), expired (410) or
    already answered (200: nothing is wrong; it says thank you)."""
    from comptoir.insight.survey_actions import InvitationState

    status = {InvitationState.UNKNOWN: 404, InvitationState.EXPIRED: 410}.get(state, 200)
    return render(request, "portal/survey_closed.html", {"state": state}, status=status)


@require_http_methods(["GET", "POST"])
@private_form
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of the invitation whose token is ``token``: the form, then the thank-you."""
    from comptoir.core.surveys import SurveyKind
    from comptoir.insight import survey_actions
    from comptoir.insight.survey_forms import add_refusal, answers_of

    invitation, state = survey_actions.invitation_for_token(token)
    if state != survey_actions.InvitationState.OPEN:
        return _survey_closed(request, state)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("survey", ratelimit.client_ip(request), rule="submit"):
            return _too_many(request)
        if form.is_valid():
            try:
                answered = survey_actions.do_answer_survey(
                    invitation,
                    answers_of(form, SurveyKind.CLIENT),
                    comment=form.cleaned_data["comment"],
                    call_back=form.cleaned_data["call_back"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                request.session[SURVEY_SESSION_KEY] = {"follow_up": answered.follow_up}
                return redirect("portal_survey_thanks")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/survey.html", {"form": form}, status=status)


@require_safe
@private
def survey_thanks(request: HttpRequest) -> HttpResponse:
    shown = request.session.pop(SURVEY_SESSION_KEY, None)
    if shown is None:
        return redirect("portal_home")
    return render(request, "portal/survey_thanks.html", {"follow_up": shown.get("follow_up")})
