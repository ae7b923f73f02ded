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


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (nothing else is asked, so a slow database never gets a
    healthy web process restarted)."""
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers and has every migration of this code applied; else 503
    with ``Retry-After``, so a load balancer sends no request here until it has."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    problem = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            problem = "migrations not applied\n"
    except DatabaseError:
        problem = "database unavailable\n"
    if problem:
        response = HttpResponse(problem, content_type="text/plain", status=503)
        response["Retry-After"] = "5"
    else:
        response = HttpResponse("ready\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
