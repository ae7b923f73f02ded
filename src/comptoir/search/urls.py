"""The search page, ``search/``."""

from django.urls import path

from comptoir.search import views

app_name = "search"

urlpatterns = [path("search/", views.search, name="search")]
