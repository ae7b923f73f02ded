"""The staff pages that edit what Comptoir writes to clients: each kind of message in both
languages, previewed with invented values before it is saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.notifications import actions, queries
from comptoir.notifications.forms import TemplateForm
from comptoir.notifications.models import MessageKind

EDIT_PERMISSION = "notifications.change_messagetemplate"


def _require_editor(request: HttpRequest) -> None:
    if not request.user.has_perm(EDIT_PERMISSION):
        raise PermissionDenied(_("Only administrators edit the messages sent to clients."))


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return render(request, "notifications/template_list.html", {"rows": queries.template_rows()})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the wording now; POST with ``preview``: the wording typed, filled with invented
    values in both languages, nothing saved; POST with ``save``: saved (refusals are said on the
    form and change nothing)."""
    _require_editor(request)
    if kind not in MessageKind.values:
        raise Http404(_("No such kind of message."))
    page = queries.template_page(kind)
    if request.method == "GET":
        form = TemplateForm(initial=page.wording)
        return render(request, "notifications/template_edit.html", {"page": page, "form": form})
    form = TemplateForm(request.POST)
    preview: Any = None
    status = 200
    if form.is_valid():
        if "save" in request.POST:
            try:
                actions.do_save_template(kind, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
                status = 400
            else:
                messages.success(request, _("The message is saved; it is used from now on."))
                return redirect("mail:template_edit", kind=kind)
        else:
            preview = queries.preview(form.cleaned_data)
    else:
        status = 400
    return render(
        request,
        "notifications/template_edit.html",
        {"page": page, "form": form, "preview": preview},
        status=status,
    )
