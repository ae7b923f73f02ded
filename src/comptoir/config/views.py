from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.inventory import access
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
        context["organizations"] = (
            Organization.objects.annotate(
                approved=Count("fiscal_years", filter=Q(fiscal_years__approved_at__isnull=False))
            )
            .filter(approved__gt=0)
            .order_by("owner_org")
        )
    return render(request, "home.html", context)
