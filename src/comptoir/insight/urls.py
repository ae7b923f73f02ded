"""Insight pages (staff, under the language prefix)."""

from django.urls import path

from comptoir.insight import survey_views, views

app_name = "insight"

urlpatterns = [
    path("insight/heat-map/", views.heat_map, name="heat_map"),
    path("insight/organizations/<str:owner_org>/", views.organization, name="organization"),
    path("insight/services/<int:pk>/", views.service, name="service"),
    path("insight/panels/", views.panels, name="panels"),
    path("insight/feedback/", views.feedback_reports, name="feedback_reports"),
    path("insight/feedback/<int:pk>/", views.feedback_report, name="feedback_report"),
    path("insight/feedback/<int:pk>/publish/", views.feedback_publish, name="feedback_publish"),
    path("insight/surveys/", survey_views.survey_results, name="survey_results"),
    path("insight/surveys/plans/", survey_views.survey_plans, name="survey_plans"),
    path("insight/staff-survey/", survey_views.staff_survey, name="staff_survey"),
    path(
        "insight/staff-survey/results/",
        survey_views.staff_survey_results,
        name="staff_survey_results",
    ),
    # Public (no sign-in): the published reports.
    path("you-said-we-did/", views.feedback_public_list, name="feedback_public_list"),
    path("you-said-we-did/<int:pk>/", views.feedback_public_detail, name="feedback_public_detail"),
]
