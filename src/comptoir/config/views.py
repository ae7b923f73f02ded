from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.inventory import access, queries
from comptoir.inventory.models import Finding, Organization


def home(request: HttpRequest) -> HttpResponse:
    """Staff: a landing with the inventory's figures and links. Public: the published pages."""
    context: dict[str, object] = {}
    if access.can_view_inventory(request.user):
        records = access.service_years_for(request.user)
        context["counts"] = {
            "organizations": Organization.objects.count(),
            "services": records.values("service_id").distinct().count(),
            "open_findings": Finding.objects.open().count(),
        }
        context["editable_count"] = access.editable_service_years_for(request.user).count()
    else:
        # The first page of the public list: bounded, approved years only.
        published = queries.public_organizations_page(1)
        context["organizations"] = published.page.object_list
        context["more_organizations"] = published.page.has_next()
    return render(request, "home.html", context)
