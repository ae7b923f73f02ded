"""The public real-time performance pages and feeds (included under the language prefix)."""

from django.urls import path

from comptoir.measurement import realtime_views

app_name = "measurement"

urlpatterns = [
    path(
        "services/<int:pk>/performance/",
        realtime_views.realtime_service,
        name="realtime_service",
    ),
    path(
        "services/<int:pk>/performance.json",
        realtime_views.realtime_service_json,
        name="realtime_service_json",
    ),
    path(
        "services/<int:pk>/performance.csv",
        realtime_views.realtime_service_csv,
        name="realtime_service_csv",
    ),
]
