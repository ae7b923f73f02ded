"""Insight pages (staff, under the language prefix)."""

from django.urls import path

from comptoir.insight import views

app_name = "insight"

urlpatterns = [
    path("insight/heat-map/", views.heat_map, name="heat_map"),
    path("insight/organizations/<str:owner_org>/", views.organization, name="organization"),
    path("insight/services/<int:pk>/", views.service, name="service"),
    path("insight/panels/", views.panels, name="panels"),
]
