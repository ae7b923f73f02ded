"""The reports, under the language prefix (``reports:…``)."""

from django.urls import path

from comptoir.insight import report_views

app_name = "reports"

urlpatterns = [
    path("insight/reports/", report_views.report_index, name="index"),
    path("insight/reports/units/<int:pk>/", report_views.unit_report, name="unit"),
    path("insight/reports/units/<int:pk>/pdf/", report_views.unit_report_pdf, name="unit_pdf"),
    path("insight/reports/data-quality/", report_views.data_quality, name="data_quality"),
    path("insight/reports/data-gaps/", report_views.data_gaps, name="data_gaps"),
]
