"""Client pages, under ``clients/``."""

from django.urls import path

from comptoir.clients import views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("clients/merge/", views.merge_records, name="merge_records"),
    path("clients/merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path(
        "clients/<int:pk>/contact-points/new/",
        views.contact_point_add,
        name="contact_point_add",
    ),
    path(
        "clients/<int:pk>/contact-points/<int:contact_point_pk>/end/",
        views.contact_point_end,
        name="contact_point_end",
    ),
]
