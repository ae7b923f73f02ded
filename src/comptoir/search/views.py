"""The search page: parse the form, call one query, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from comptoir.search import queries
from comptoir.search.forms import SearchForm


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    if not queries.may_search(request.user):
        raise PermissionDenied(_("Your account has no access to cases or clients."))
    form = SearchForm(request.GET or None, units=queries.filter_units(request.user))
    page = queries.search_page(
        request.user,
        form.filters() if form.is_bound else queries.SearchFilters(),
        request.GET.get("page"),
    )
    return render(request, "search/search.html", {"form": form, "page": page})
