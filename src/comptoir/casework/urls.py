"""Casework pages under ``cases/``."""

from django.urls import path

from comptoir.casework import attachment_views, knowledge_views, views

app_name = "casework"

urlpatterns = [
    path("cases/", views.my_queue, name="my_queue"),
    path("cases/new/", views.case_entry, name="case_entry"),
    path("cases/new/proposals/", views.entry_proposals, name="entry_proposals"),
    path("cases/notices/", views.notices, name="notices"),
    path("cases/notices/read/", views.notices_read, name="notices_read"),
    path("cases/units/<slug:code>/", views.unit_queue, name="unit_queue"),
    path("cases/units/<slug:code>/assign/", views.bulk_assign, name="bulk_assign"),
    # Knowledge (before the case addresses, which would take "knowledge" for a reference).
    path("cases/knowledge/", knowledge_views.knowledge_list, name="knowledge_list"),
    path("cases/knowledge/answers/new/", knowledge_views.answer_create, name="answer_create"),
    path("cases/knowledge/answers/<int:pk>/", knowledge_views.answer_detail, name="answer_detail"),
    path("cases/knowledge/answers/<int:pk>/edit/", knowledge_views.answer_edit, name="answer_edit"),
    path(
        "cases/knowledge/deliverables/new/",
        knowledge_views.deliverable_create,
        name="deliverable_create",
    ),
    path(
        "cases/knowledge/deliverables/<int:pk>/",
        knowledge_views.deliverable_detail,
        name="deliverable_detail",
    ),
    path(
        "cases/knowledge/deliverables/<int:pk>/file/",
        knowledge_views.deliverable_file,
        name="deliverable_file",
    ),
    path(
        "cases/<str:reference>/knowledge/link/",
        knowledge_views.case_link_knowledge,
        name="case_link_knowledge",
    ),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path(
        "cases/<str:reference>/files/<int:pk>/",
        attachment_views.attachment_file,
        name="attachment_file",
    ),
    path(
        "cases/<str:reference>/events/<int:sequence>/correct/",
        views.event_correct,
        name="event_correct",
    ),
    path("cases/<str:reference>/<slug:act>/", views.case_act, name="case_act"),
]
