"""Notifications' staff pages, under the language prefix."""

from django.urls import URLPattern, path

from comptoir.notifications import template_views, views

app_name = "mail"

urlpatterns: list[URLPattern] = [
    path("mail/failed/", views.failed_messages, name="failed_messages"),
    path("mail/templates/", template_views.template_list, name="template_list"),
    path("mail/templates/<slug:kind>/", template_views.template_edit, name="template_edit"),
]
