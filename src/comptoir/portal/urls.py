"""The portal's pages under ``portal/`` (in both languages, through ``i18n_patterns``)."""

from django.urls import path

from comptoir.portal import views

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/submit/", views.submit, name="portal_submit"),
    path("portal/feedback/", views.feedback, name="portal_feedback"),
    path("portal/submitted/", views.confirmation, name="portal_confirmation"),
    path("portal/lookup/", views.lookup, name="portal_lookup"),
    path("portal/status/", views.status_session, name="portal_status_session"),
    path("portal/status/files/<int:pk>/", views.status_session_file, name="portal_session_file"),
    path("portal/status/<str:token>/", views.status, name="portal_status"),
    path("portal/status/<str:token>/files/<int:pk>/", views.status_file, name="portal_file"),
    # The satisfaction survey: the thank-you first, so that "thanks" is never read as a token.
    path("portal/survey/thanks/", views.survey_thanks, name="portal_survey_thanks"),
    path("portal/survey/<str:token>/", views.survey, name="portal_survey"),
]
