"""Knowledge pages under ``cases/knowledge/`` and the link from a case page: thin views that parse
input, call one access function and at most one action or query, and render. Every page needs a
signed-in account with ``casework.view_case``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comptoir.casework import access, knowledge
from comptoir.casework import knowledge_forms as kforms
from comptoir.casework import knowledge_queries as kqueries
from comptoir.casework.models import Answer
from comptoir.casework.views import StaffRequest, _require_caseworker
from comptoir.inventory.models import Unit


def _require_writer(request: StaffRequest) -> Any:
    units = knowledge.units_managed_by(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only unit managers and administrators may write knowledge."))
    return units


@login_required
@require_safe
def knowledge_list(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    search = kforms.KnowledgeSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    page = kqueries.knowledge_list(
        request.user, kind=request.GET.get("kind", ""), text=text, page=request.GET.get("page")
    )
    return render(request, "casework/knowledge_list.html", {"page": page, "search": search})


@login_required
@require_safe
def answer_detail(request: StaffRequest, pk: int) -> HttpResponse:
    _require_caseworker(request)
    answer = kqueries.access_answer(request.user, pk)
    return render(
        request, "casework/answer_detail.html", {"page": kqueries.answer_page(request.user, answer)}
    )


def _unit(units: Any, pk: int) -> Unit:
    unit = units.filter(pk=pk).first()
    if unit is None:
        raise Http404(_("No such unit."))
    return unit  # type: ignore[no-any-return]


@login_required
@require_http_methods(["GET", "POST"])
def answer_create(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    units = _require_writer(request)
    services = kqueries.knowledge_services(request.user)
    form = kforms.AnswerForm(request.POST or None, units=units, services=services)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = knowledge.do_create_answer(
                question_en=data["question_en"],
                question_fr=data["question_fr"],
                answer_en=data["answer_en"],
                answer_fr=data["answer_fr"],
                owner_unit=_unit(units, data["owner_unit"]),
                service=data["service"],
                subject=data["subject"],
                is_published=data["is_published"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("casework:answer_detail", pk=answer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casework/knowledge_form.html",
        {"form": form, "title": _("New reusable answer")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request: StaffRequest, pk: int) -> HttpResponse:
    _require_caseworker(request)
    answer = kqueries.access_answer(request.user, pk)
    if not Answer.objects.editable_by(request.user).filter(pk=answer.pk).exists():
        raise PermissionDenied(_("Only the managers of the owner unit may change its knowledge."))
    services = kqueries.knowledge_services(request.user)
    initial = {
        name: getattr(answer, name)
        for name in (*knowledge.ANSWER_FIELDS, "service", "subject", "is_published")
    }
    form = kforms.AnswerEditForm(
        request.POST or None, initial=initial, units=Unit.objects.none(), services=services
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            knowledge.do_update_answer(answer, actor=request.user, reason=reason, **data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The answer is changed."))
            return redirect("casework:answer_detail", pk=answer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casework/knowledge_form.html",
        {"form": form, "title": _("Change the reusable answer")},
        status=status,
    )


@login_required
@require_safe
def deliverable_detail(request: StaffRequest, pk: int) -> HttpResponse:
    _require_caseworker(request)
    deliverable = kqueries.access_deliverable(request.user, pk)
    page = kqueries.deliverable_page(request.user, deliverable)
    return render(request, "casework/deliverable_detail.html", {"page": page})


@login_required
@require_safe
def deliverable_file(request: StaffRequest, pk: int) -> FileResponse:
    """The deliverable's file, to those who may see the deliverable (never a public address)."""
    _require_caseworker(request)
    deliverable = kqueries.access_deliverable(request.user, pk)
    if not deliverable.file:
        raise Http404(_("This deliverable has no file."))
    name = (deliverable.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(deliverable.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_create(request: StaffRequest) -> HttpResponse:
    _require_caseworker(request)
    units = _require_writer(request)
    services = kqueries.knowledge_services(request.user)
    form = kforms.DeliverableForm(
        request.POST or None, request.FILES or None, units=units, services=services
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = None
            if data["produced_for"]:
                case = access.access_case_by_reference(
                    request.user, data["produced_for"], page="knowledge"
                )
            deliverable = knowledge.do_add_deliverable(
                title_en=data["title_en"],
                title_fr=data["title_fr"],
                description_en=data["description_en"],
                description_fr=data["description_fr"],
                file=data["file"],
                link=data["link"],
                owner_unit=_unit(units, data["owner_unit"]),
                produced_for=case,
                service=data["service"],
                actor=request.user,
            )
        except Http404:
            form.add_error("produced_for", _("No case of yours has this reference."))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The deliverable is recorded."))
            return redirect("casework:deliverable_detail", pk=deliverable.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casework/knowledge_form.html",
        {"form": form, "title": _("New deliverable"), "multipart": True},
        status=status,
    )


@login_required
@require_POST
def case_link_knowledge(request: StaffRequest, reference: str) -> HttpResponse:
    """Link an answer (``answer``) or a deliverable (``deliverable``) from the case."""
    _require_caseworker(request)
    case = access.access_case_for_edit(request.user, reference, page="case")
    item: Any
    answer, deliverable = request.POST.get("answer", ""), request.POST.get("deliverable", "")
    if answer.isdigit():
        item = kqueries.access_answer(request.user, int(answer))
    elif deliverable.isdigit():
        item = kqueries.access_deliverable(request.user, int(deliverable))
    else:
        raise Http404(_("No such answer or deliverable."))
    knowledge.do_link_knowledge(case, item, actor=request.user)
    messages.success(request, _("It is linked to this case."))
    return redirect("casework:case_detail", reference=case.reference)
