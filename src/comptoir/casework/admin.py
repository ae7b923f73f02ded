"""Administration of casework's reference data (request types, subjects and their themes) and of
who works in which unit (``inventory.UnitMembership``, registered here because casework is what
reads it). Entries are switched off, never deleted; every change is in the audit history. Cases
and their events are not edited here: their pages and actions write them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from comptoir.casework.models import RequestType, RoutingRule, Subject, SubjectTheme
from comptoir.inventory.models import UnitMembership


class _NoDelete(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RequestType)
class RequestTypeAdmin(_NoDelete):
    list_display = ("code", "name_en", "name_fr", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_en", "name_fr")


@admin.register(SubjectTheme)
class SubjectThemeAdmin(_NoDelete):
    list_display = ("code", "name_en", "name_fr", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_en", "name_fr")


@admin.register(Subject)
class SubjectAdmin(_NoDelete):
    list_display = ("code", "name_en", "name_fr", "theme", "position", "is_active")
    list_filter = ("is_active", "theme")
    search_fields = ("code", "name_en", "name_fr")


@admin.register(UnitMembership)
class UnitMembershipAdmin(_NoDelete):
    list_display = ("unit", "user", "is_manager", "is_active")
    list_filter = ("is_active", "is_manager")
    search_fields = ("unit__code", "user__username")
    autocomplete_fields = ()


@admin.register(RoutingRule)
class RoutingRuleAdmin(_NoDelete):
    """Routing rules, tried by priority (see ``casework.models.routing``); the model's ``clean``
    refuses a target unit, entry unit or service of another organization."""

    list_display = (
        "name",
        "organization",
        "priority",
        "service",
        "kind",
        "tier",
        "channel",
        "entry_unit",
        "target_unit",
        "target_assignee",
        "is_active",
    )
    list_filter = ("is_active", "organization", "kind", "tier", "channel")
    search_fields = ("name", "target_unit__code")
    ordering = ("organization", "priority", "pk")
