"""Notifications' machine address, outside the language prefix: GC Notify posts to one fixed
address (the staff pages are in ``staff_urls``, under the language prefix)."""

from django.urls import URLPattern, path

from comptoir.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("gc-notify/callback/", views.gc_notify_callback, name="gc_notify_callback"),
]
