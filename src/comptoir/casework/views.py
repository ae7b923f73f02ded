"""Casework pages: thin views that parse input, call one ``access_*`` function and at most one
action or query, and render. Every page needs a signed-in account with ``casework.view_case``."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir import i18n
from comptoir.accounts.models import User
from comptoir.casework import access, actions, forms, queries
from comptoir.clients.queries import find_clients

#: The service last used in the entry form (the next case's default).
LAST_SERVICE_KEY = "casework_last_service"


class StaffRequest(HttpRequest):
    user: User


def _require_caseworker(request: HttpRequest) -> None:
    if not access.can_work_cases(request.user):
        raise PermissionDenied(_("Your account has no access to cases."))


@login_required
def my_queue(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    page = queries.my_queue(
        request.user, which=request.GET.get("show", ""), page=request.GET.get("page")
    )
    return render(request, "casework/queue.html", {"queue": page})


@login_required
def unit_queue(request: StaffRequest, code: str) -> HttpResponse:
    _require_caseworker(request)
    unit = queries.unit_for_queue(request.user, code)
    page = queries.unit_queue(
        request.user, unit, which=request.GET.get("show", ""), page=request.GET.get("page")
    )
    form = forms.BulkAssignForm(assignees=list(page.assignees))
    return render(request, "casework/queue.html", {"queue": page, "bulk_form": form})


@login_required
@require_POST
def bulk_assign(request: StaffRequest, code: str) -> HttpResponse:
    """Assign the checked cases of a unit's queue to one member (all or none)."""
    _require_caseworker(request)
    unit = queries.unit_for_queue(request.user, code)
    assignees = queries.bulk_assignees(request.user, unit)
    form = forms.BulkAssignForm(request.POST, assignees=assignees)
    back = request.POST.get("show", "")
    target = reverse("casework:unit_queue", args=[unit.code])
    if back in queries.UNIT_FILTERS:
        target += f"?show={back}"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(target)
    keys = form.cleaned_data["cases"]
    cases = queries.bulk_assign_cases(request.user, unit, keys)
    assignee = next(m for m in assignees if m.pk == form.cleaned_data["assignee"])
    if len(cases) != len(set(keys)):
        messages.error(request, _("Some of the chosen cases are no longer in this queue."))
        return redirect(target)
    try:
        actions.do_bulk_assign(cases, assignee, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s case is assigned to %(name)s.",
                "%(count)s cases are assigned to %(name)s.",
                len(cases),
            )
            % {"count": len(cases), "name": assignee.get_full_name() or assignee.get_username()},
        )
    return redirect(target)


@login_required
def notices(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    page = queries.notices_page(request.user, page=request.GET.get("page"))
    return render(request, "casework/notices.html", {"notices": page})


@login_required
@require_POST
def notices_read(request: StaffRequest) -> HttpResponse:
    """Mark one notice (``notice``) or all of one's notices read."""
    _require_caseworker(request)
    key = request.POST.get("notice", "")
    actions.do_mark_notices_read(
        request.user, notice_id=int(key) if key.isdigit() else None, actor=request.user
    )
    messages.success(request, _("The notices are marked read."))
    return redirect("casework:notices")


# --- fast entry ---------------------------------------------------------------------------------


def _entry_form(request: StaffRequest, clients: list[Any]) -> forms.CaseEntryForm:
    units = queries.my_units(request.user)
    services = queries.entry_services(request.user)
    keys = {key for key, _label in services}
    last = request.session.get(LAST_SERVICE_KEY)
    initial: dict[str, Any] = {
        "kind": "enquiry",
        "channel": "TEL",
        "language": i18n.active_language(),
        "entry_unit": units[0].pk if units else None,
        "service": last if last in keys else (services[0][0] if len(services) == 1 else None),
    }
    if clients:
        initial["client"] = str(clients[0].pk)
    data = request.POST if request.method == "POST" else None
    return forms.CaseEntryForm(
        data, initial=initial, clients=clients, services=services, units=units
    )


def _chosen_clients(request: StaffRequest, query: str) -> list[Any]:
    """The look-up's matches, plus the client chosen on a submitted form (so it stays valid)."""
    clients = find_clients(request.user, query) if query else []
    chosen = request.POST.get("client", "")
    if chosen.isdigit() and all(str(c.pk) != chosen for c in clients):
        from comptoir.clients.access import access_client

        with contextlib.suppress(Http404):  # a client the user may not see is not offered
            clients.append(access_client(request.user, int(chosen)))
    return clients


def _record_entry(request: StaffRequest, form: forms.CaseEntryForm) -> Any:
    """The case the valid entry form records, or ``None`` with the form's error (the unit and
    the service are read again among the user's, as the form's choices were)."""
    data = form.cleaned_data
    unit = queries.entry_unit(request.user, data["entry_unit"])
    service = queries.entry_service(request.user, data["service"])
    if unit is None or service is None:
        form.add_error(None, _("Choose one of your units and one of its services."))
        return None
    choice = data["client"]
    try:
        case, _token = actions.do_enter_case(
            new_client={name: data[name] for name in form.NEW_CLIENT_FIELDS}
            if choice == forms.NEW_CLIENT
            else None,
            client=form.clients.get(choice),
            is_anonymous=choice == forms.ANONYMOUS,
            service=service,
            kind=data["kind"],
            channel=data["channel"],
            tier=data["tier"] or 1,
            entry_unit=unit,
            language=data["language"],
            request_type=data["request_type"],
            is_confidential=data["is_confidential"],
            description=data["description"],
            answer=data["answer"],
            resolved_on_the_spot=data["resolved_on_the_spot"],
            minutes=data["minutes"],
            actor=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_entry(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    if not request.user.has_perm("casework.add_case"):
        raise PermissionDenied(_("Your account may not record cases."))
    search = forms.ClientSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    clients = _chosen_clients(request, query)
    form = _entry_form(request, clients)
    if request.method == "GET":
        # During a call the officer types at once: the look-up first, then (once it found the
        # client, chosen already) the client, one Tab away from what was asked.
        if not query:
            search.fields["q"].widget.attrs["autofocus"] = True
        elif clients:
            form.fields["client"].widget.attrs["autofocus"] = True
    proposals: list[Any] = []
    if request.method == "POST" and form.is_valid():
        proposals = _proposals_to_ask(request, form)
        if proposals:
            # Is the caller one of them? They become choices of the client field.
            clients += [p.client for p in proposals if all(c.pk != p.client.pk for c in clients)]
            form = _entry_form(request, clients)
            form.is_valid()
            form.fields["client"].widget.attrs["autofocus"] = True
    if request.method == "POST" and not proposals and form.is_valid():
        case = _record_entry(request, form)
        if case is not None:
            request.session[LAST_SERVICE_KEY] = form.cleaned_data["service"]
            messages.success(
                request, _("Case %(reference)s is recorded.") % {"reference": case.reference}
            )
            return redirect("casework:case_detail", reference=case.reference)
    status = 400 if request.method == "POST" and not proposals else 200
    return render(
        request,
        "casework/case_entry.html",
        {
            "form": form,
            "search": search,
            "query": query,
            "clients": clients,
            "proposals": proposals,
        },
        status=status,
    )


def _typed_client(data: Any) -> Any:
    from comptoir.clients.matching import typed_record

    return typed_record(
        given_name=data.get("given_name") or "",
        family_name=data.get("family_name") or "",
        organization_name=data.get("organization_name") or "",
        email=data.get("email") or "",
        phone=data.get("phone") or "",
    )


def _proposals_to_ask(request: StaffRequest, form: forms.CaseEntryForm) -> list[Any]:
    """The existing clients to propose before a new one is recorded (none once the officer said
    none of them is the caller, or chose a client)."""
    from comptoir.clients.matching import propose_for_user

    data = form.cleaned_data
    if data.get("client") != forms.NEW_CLIENT or data.get("create_anyway"):
        return []
    return propose_for_user(request.user, _typed_client(data))


@login_required
@require_GET
def entry_proposals(request: StaffRequest) -> HttpResponse:
    """The proposals for what is typed so far in the new client's fields (an HTML fragment the
    entry page's script puts in its live region; the page works without it)."""
    from comptoir.clients.matching import propose_for_user

    _require_caseworker(request)
    typed = {
        name: request.GET.get(name, "")[:320] for name in forms.CaseEntryForm.NEW_CLIENT_FIELDS
    }
    proposals = []
    if any(value.strip() for value in typed.values()):
        proposals = propose_for_user(request.user, _typed_client(typed))
    return render(request, "casework/_proposals.html", {"proposals": proposals, "live": True})


# --- the case page ------------------------------------------------------------------------------

#: The act forms of the case page, by the act's name in the address.
ACTS = (
    "acknowledge",
    "assign",
    "take",
    "refer",
    "escalate",
    "await",
    "resume",
    "note",
    "reply",
    "time",
    "revise",
    "resolve",
    "reopen",
)


def _revise_form(page: queries.CasePage, data: Any = None) -> forms.ReviseDueDateForm:
    """The due-date revision: one of the case's clocks, typed in its deciding unit's zone."""
    return forms.ReviseDueDateForm(
        data,
        standards=[
            (row.clock.standard_id, row.clock.name or row.clock.standard_id)
            for row in page.clock_rows
        ],
        zones=page.revision_zones,
        received_at=page.case.received_at,
        prefix="revise",
    )


def _act_forms(page: queries.CasePage, data: Any = None, act: str = "") -> dict[str, Any]:
    def bound(name: str) -> Any:
        return data if name == act else None

    return {
        "assign": forms.AssignForm(bound("assign"), members=page.members, prefix="assign"),
        "refer": forms.ReferForm(bound("refer"), units=page.referral_units, prefix="refer"),
        "escalate": forms.EscalateForm(
            bound("escalate"), units=page.escalation_units, prefix="escalate"
        ),
        "await": forms.ReasonForm(bound("await"), prefix="await"),
        "resume": forms.ReasonForm(bound("resume"), prefix="resume"),
        "note": forms.NoteForm(bound("note"), prefix="note"),
        "reply": forms.ReplyForm(bound("reply"), prefix="reply"),
        "time": forms.LogTimeForm(bound("time"), prefix="time"),
        "revise": _revise_form(page, bound("revise")),
        "resolve": forms.ResolveForm(bound("resolve"), prefix="resolve"),
        "reopen": forms.RequiredReasonForm(bound("reopen"), prefix="reopen"),
    }


@login_required
def case_detail(request: StaffRequest, reference: str) -> HttpResponse:
    _require_caseworker(request)
    case = access.access_case_by_reference(request.user, reference, page="case")
    if case.reference != reference:
        return redirect("casework:case_detail", reference=case.reference)
    page = queries.case_page(request.user, case, knowledge_text=request.GET.get("knowledge", ""))
    return render(request, "casework/case_detail.html", {"page": page, "forms": _act_forms(page)})


def _perform(request: StaffRequest, case: Any, act: str, form: Any, page: Any) -> None:
    user = request.user
    data = form.cleaned_data if form is not None else {}
    if act == "acknowledge":
        actions.do_acknowledge(case, actor=user)
    elif act == "take":
        actions.do_assign_case(case, user, actor=user)
    elif act == "assign":
        assignee = next((m for m in page.members if m.pk == data["assignee"]), None)
        if assignee is None:
            raise Http404(_("No such staff member."))
        actions.do_assign_case(case, assignee, actor=user)
    elif act == "refer":
        to_unit = next((u for u in page.referral_units if u.pk == data["to_unit"]), None)
        if to_unit is None:
            raise Http404(_("No such unit."))
        actions.do_refer_case(case, to_unit, actor=user, reason=data["reason"])
    elif act == "escalate":
        to_unit = next((u for u in page.escalation_units if u.pk == data["to_unit"]), None)
        if to_unit is None:
            raise Http404(_("No such unit."))
        actions.do_escalate_complaint(case, to_unit, actor=user, reason=data["reason"])
    elif act == "await":
        actions.do_await_client(case, actor=user, reason=data["reason"])
    elif act == "resume":
        actions.do_resume_case(case, actor=user, reason=data["reason"])
    elif act == "note":
        actions.do_add_note(case, data["text"], actor=user)
    elif act == "reply":
        actions.do_reply_to_client(case, data["text"], actor=user)
    elif act == "time":
        actions.do_log_time(case, data["minutes"], actor=user)
    elif act == "revise":
        actions.do_revise_due_date(
            case, data["standard"], data["due_at"], data["reason"], actor=user
        )
    elif act == "resolve":
        actions.do_resolve_case(
            case, data["outcome"], data["data_gap"] or None, actor=user, reason=data["reason"]
        )
    elif act == "reopen":
        actions.do_reopen_case(case, data["reason"], actor=user)


#: The confirmation of each act, shown after it is recorded.
def _done(act: str) -> str:
    return {
        "acknowledge": _("The acknowledgement is recorded."),
        "take": _("The case is yours."),
        "assign": _("The case is assigned."),
        "refer": _("The case is referred."),
        "escalate": _("The complaint is escalated."),
        "await": _("The case is waiting for the client."),
        "resume": _("Work on the case resumed."),
        "note": _("The note is added."),
        "reply": _("The reply is recorded; it is emailed to the client now."),
        "time": _("The time is recorded."),
        "revise": _("The due date is revised."),
        "resolve": _("The case is resolved."),
        "reopen": _("The case is reopened."),
    }[act]


@login_required
@require_POST
def case_act(request: StaffRequest, reference: str, act: str) -> HttpResponse:
    _require_caseworker(request)
    if act not in ACTS:
        raise Http404(_("No such act."))
    case = access.access_case_for_edit(request.user, reference, page="case")
    page = queries.case_page(request.user, case)
    act_forms = _act_forms(page, request.POST, act)
    form = act_forms.get(act)
    if form is None or form.is_valid():
        try:
            _perform(request, case, act, form, page)
        except ValidationError as error:
            if form is None:  # a one-button act: the refusal is said above the page
                messages.error(request, " ".join(error.messages))
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _done(act))
            return redirect("casework:case_detail", reference=case.reference)
    return render(
        request,
        "casework/case_detail.html",
        {"page": page, "forms": act_forms, "failed": act},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_correct(request: StaffRequest, reference: str, sequence: int) -> HttpResponse:
    """Correct one event of the case's timeline (time spent, a resolution, a revised due date):
    a new ``corrected`` event with a required reason; the log is never changed in place."""
    _require_caseworker(request)
    case = access.access_case_for_edit(request.user, reference, page="case")
    if case.reference != reference:
        return redirect("casework:event_correct", reference=case.reference, sequence=sequence)
    page = queries.correction_page(request.user, case, sequence)
    form = forms.CorrectEventForm(
        request.POST if request.method == "POST" else None,
        kind=page.kind,
        values=page.values,
        zone=page.zone,
        received_at=case.received_at,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_correct_event(
                case,
                sequence,
                form.changes(),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Event %(sequence)s is corrected.") % {"sequence": sequence}
            )
            target = reverse("casework:case_detail", args=[case.reference])
            return redirect(f"{target}#event-{sequence}")
    return render(
        request,
        "casework/event_correct.html",
        {"page": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )
