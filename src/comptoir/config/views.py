from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.inventory import access, queries


def home(request: HttpRequest) -> HttpResponse:
    """Staff: a landing with the inventory's figures and links. Public: the published pages."""
    context: dict[str, object] = {}
    if access.can_view_inventory(request.user):
        context["figures"] = queries.staff_home(request.user)  # type: ignore[arg-type]  # signed in
    else:
        # The first page of the public list: bounded, approved years only.
        published = queries.public_organizations_page(1)
        context["organizations"] = published.organizations
        context["more_organizations"] = published.page.has_next()
    return render(request, "home.html", context)
