"""The managers' dashboard, under the language prefix (``dashboards:managers``)."""

from django.urls import path

from comptoir.insight import dashboard_views

app_name = "dashboards"

urlpatterns = [
    path("insight/dashboard/", dashboard_views.managers_dashboard, name="managers"),
]
