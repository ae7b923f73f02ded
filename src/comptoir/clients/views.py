"""Client pages: thin views that parse input, call one ``access_*`` function and at most one
action or query, and render. Every page needs a signed-in staff member with the view
permission; a confidential client's page is logged each time it is read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_safe

from comptoir.accounts.models import User
from comptoir.clients import access, actions, queries
from comptoir.clients.forms import (
    ClientEditForm,
    ClientForm,
    ClientSearchForm,
    ContactPointForm,
    EndContactPointForm,
    MergeForm,
    UndoMergeForm,
)
from comptoir.clients.models import Client, ClientPage, DuplicateVerdict


class StaffRequest(HttpRequest):
    """A request from a signed-in staff member (the views using it are behind login_required)."""

    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _read(request: StaffRequest, client: Client, page: ClientPage) -> Client:
    actions.do_log_client_read(client, page=page, actor=request.user)
    return client


@login_required
@require_safe
def client_list(request: StaffRequest) -> HttpResponse:
    if not access.can_view_clients(request.user):
        raise PermissionDenied(_("Your account has no access to clients."))
    form = ClientSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = queries.client_list(request.user, query, request.GET.get("page"))
    return render(
        request, "clients/client_list.html", {"form": form, "list": page, "page": page.page}
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: StaffRequest) -> HttpResponse:
    if not access.can_add_clients(request.user):
        raise PermissionDenied(_("You may not add clients."))
    form = ClientForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            client = actions.do_create_client(**form.cleaned_client(), actor=request.user)
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("The client record was created."))
            return redirect("clients:client_detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@login_required
@require_safe
def client_detail(request: StaffRequest, pk: int) -> HttpResponse:
    client = _read(request, access.access_client(request.user, pk), ClientPage.DETAIL)
    page = queries.client_page(request.user, client)
    merges = queries.client_merges(request.user, client)
    return render(
        request,
        "clients/client_detail.html",
        {"page": page, "client": client, "merges": merges, "undo_form": UndoMergeForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: StaffRequest, pk: int) -> HttpResponse:
    client = _read(request, access.access_client_for_edit(request.user, pk), ClientPage.EDIT)
    form = ClientEditForm(_posted(request), initial=ClientEditForm.initial_for(client))
    if form.is_bound and form.is_valid():
        try:
            actions.do_update_client(
                client,
                form.cleaned_client(),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("The client record was corrected."))
            return redirect("clients:client_detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def contact_point_add(request: StaffRequest, pk: int) -> HttpResponse:
    client = _read(
        request,
        access.access_client_for_contact_points(request.user, pk),
        ClientPage.CONTACT_POINT,
    )
    form = ContactPointForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            actions.do_add_contact_point(client, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("The contact point was added."))
            return redirect("clients:client_detail", pk=client.pk)
    return render(request, "clients/contact_point_form.html", {"form": form, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def contact_point_end(request: StaffRequest, pk: int, contact_point_pk: int) -> HttpResponse:
    client = _read(
        request,
        access.access_client_for_contact_points(request.user, pk),
        ClientPage.CONTACT_POINT,
    )
    contact_point = access.access_contact_point_for_edit(request.user, client, contact_point_pk)
    form = EndContactPointForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            actions.do_end_contact_point(
                contact_point, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contact point was ended; it is kept in the history."))
            return redirect("clients:client_detail", pk=client.pk)
    return render(
        request,
        "clients/contact_point_end.html",
        {"form": form, "client": client, "contact_point": contact_point},
    )


class DuplicateDecisionForm(forms.Form):
    """One decision posted from the review queue: the pair (either order), the verdict and an
    optional reason."""

    left = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    right = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=DuplicateVerdict.choices)
    reason = forms.CharField(label=_lazy("Reason (optional)"), required=False, max_length=1000)


def _may_review_duplicates(user: User) -> bool:
    return access.can_view_clients(user) and user.has_perm("clients.change_client")


def _merge_url(user: User, client: Client) -> str:
    """The merge page of the confirmed cluster holding ``client``."""
    clusters = queries.confirmed_clusters(user, around=client, limit=1)
    records = clusters[0] if clusters else [client]
    return f"{reverse('clients:merge_records')}?{urlencode([('record', r.pk) for r in records])}"


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_queue(request: StaffRequest) -> HttpResponse:
    """The data steward's review queue: pending pairs best first; a POST decides one pair
    (``do_decide_duplicate``), then back to the same page. A refused decision is a 400 showing
    why, with nothing written."""
    if not _may_review_duplicates(request.user):
        raise PermissionDenied(_("You may not review possible duplicates."))
    page_number = request.GET.get("page")
    refusal = ""
    if request.method == "POST":
        form = DuplicateDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                first = access.access_client_for_edit(request.user, data["left"])
                second = access.access_client_for_edit(request.user, data["right"])
                actions.do_decide_duplicate(
                    first,
                    second,
                    decision=data["decision"],
                    reason=data["reason"],
                    actor=request.user,
                )
            except (Http404, PermissionDenied):
                refusal = _("This pair is not one you may decide.")
            except ValidationError as error:
                refusal = " ".join(error.messages)
            else:
                if data["decision"] == DuplicateVerdict.CONFIRMED:
                    messages.success(request, _("Recorded: the two records are the same client."))
                    if access.can_merge_clients(request.user):
                        return redirect(_merge_url(request.user, first))
                else:
                    messages.success(
                        request,
                        _("Recorded: these are two clients; the pair will not be proposed again."),
                    )
                url = reverse("clients:duplicate_queue")
                return redirect(f"{url}?{urlencode({'page': page_number})}" if page_number else url)
        else:
            refusal = _("The decision could not be read; nothing was recorded.")
    queue = queries.duplicate_queue(request.user, page_number)
    # A confidential record shown here is a read of it, as on its own page.
    for row in queue.rows:
        for side in row.sides:
            actions.do_log_client_read(side.client, page=ClientPage.DUPLICATES, actor=request.user)
    clusters = (
        queries.confirmed_clusters(request.user) if access.can_merge_clients(request.user) else []
    )
    merge_url = reverse("clients:merge_records")
    to_merge = [
        (cluster, f"{merge_url}?{urlencode([('record', r.pk) for r in cluster])}")
        for cluster in clusters
    ]
    return render(
        request,
        "clients/duplicate_queue.html",
        {"queue": queue, "page": queue.page, "refusal": refusal, "to_merge": to_merge},
        status=400 if refusal else 200,
    )


# --- merges (issue 13, item 4) ---------------------------------------------------------------


def _merge_keys(request: StaffRequest) -> list[int]:
    """The records named in the page's address (``?record=3&record=9``), each once, in order."""
    keys: list[int] = []
    for value in request.GET.getlist("record"):
        if not value.isdigit() or int(value) in keys:
            raise Http404(_("No such client."))
        keys.append(int(value))
    if not 2 <= len(keys) <= queries.MERGE_LIMIT:
        raise Http404(_("Choose between two and ten records to merge."))
    return keys


@login_required
@require_http_methods(["GET", "POST"])
def merge_records(request: StaffRequest) -> HttpResponse:
    """The data steward's merge page: the records side by side, the record to keep, the value
    to keep where they differ, and why; a POST merges (``do_merge_clients``) and goes to the
    record kept. A refused merge is a 400 showing why, with nothing written."""
    records = access.access_clients_for_merge(request.user, _merge_keys(request))
    for record in records:
        actions.do_log_client_read(record, page=ClientPage.MERGE, actor=request.user)
    page = queries.merge_page(request.user, records)
    form = MergeForm(_posted(request), page=page)
    if form.is_bound and form.is_valid():
        by_key = {record.pk: record for record in records}
        survivor = by_key[int(form.cleaned_data["survivor"])]
        try:
            merge = actions.do_merge_clients(
                survivor,
                [record for record in records if record.pk != survivor.pk],
                chosen=form.chosen(),
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(
                request,
                _("The records were merged into this one; the merge can be undone below."),
            )
            url = reverse("clients:client_detail", args=[merge.survivor_id])
            return redirect(f"{url}#merges")
    return render(
        request,
        "clients/merge.html",
        {"page": page, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["POST"])
def merge_undo(request: StaffRequest, pk: int) -> HttpResponse:
    """Undo a merge (``do_undo_merge``), from the record kept's page; a refusal goes back to
    that page with the reason, nothing changed."""
    merge = access.access_merge(request.user, pk)
    form = UndoMergeForm(request.POST)
    url = reverse("clients:client_detail", args=[merge.survivor_id])
    if not form.is_valid():
        messages.error(request, _("Say why the merge is undone; nothing was changed."))
        return redirect(f"{url}#merge-{merge.pk}")
    try:
        actions.do_undo_merge(merge, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{url}#merge-{merge.pk}")
    messages.success(request, _("The merge was undone: each record is a client of its own again."))
    return redirect(f"{url}#merges")
