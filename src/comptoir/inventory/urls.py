"""Inventory pages: staff pages under ``inventory/``, public pages under ``organizations/``."""

from django.urls import path

from comptoir.inventory import views

app_name = "inventory"

urlpatterns = [
    path("inventory/services/", views.service_list, name="service_list"),
    path("inventory/services/<int:pk>/", views.service_detail, name="service_detail"),
    path("inventory/services/<int:pk>/edit/", views.service_year_edit, name="service_year_edit"),
    path("inventory/services/<int:pk>/service-test/", views.service_test, name="service_test"),
    path(
        "inventory/services/<int:pk>/priority-assessment/",
        views.priority_assessment,
        name="priority_assessment",
    ),
    path(
        "inventory/services/<int:pk>/owners/assign/",
        views.service_owner_change,
        {"assign": True},
        name="service_owner_assign",
    ),
    path(
        "inventory/services/<int:pk>/owners/unassign/",
        views.service_owner_change,
        {"assign": False},
        name="service_owner_unassign",
    ),
    path(
        "inventory/standards/<int:pk>/edit/",
        views.standard_year_edit,
        name="standard_year_edit",
    ),
    path(
        "inventory/fiscal-years/<str:owner_org>/<str:code>/approve/",
        views.fiscal_year_approve,
        name="fiscal_year_approve",
    ),
    path("inventory/standards/<int:pk>/rule/", views.standard_rule, name="standard_rule"),
    path("inventory/findings/", views.finding_list, name="finding_list"),
    path("inventory/findings/<int:pk>/resolve/", views.finding_resolve, name="finding_resolve"),
    path("inventory/dashboard/", views.dashboard, name="dashboard"),
    path("inventory/import/", views.import_files, name="import"),
    path("organizations/", views.public_organizations, name="public_organizations"),
    path(
        "organizations/<str:owner_org>/service-standards/",
        views.public_service_standards,
        name="public_service_standards",
    ),
]
