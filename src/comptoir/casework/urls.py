"""Casework pages under ``cases/``."""

from django.urls import path

from comptoir.casework import views

app_name = "casework"

urlpatterns = [
    path("cases/", views.my_queue, name="my_queue"),
    path("cases/new/", views.case_entry, name="case_entry"),
    path("cases/notices/", views.notices, name="notices"),
    path("cases/notices/read/", views.notices_read, name="notices_read"),
    path("cases/units/<slug:code>/", views.unit_queue, name="unit_queue"),
    path("cases/units/<slug:code>/assign/", views.bulk_assign, name="bulk_assign"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/<slug:act>/", views.case_act, name="case_act"),
]
