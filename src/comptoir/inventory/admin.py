"""Administration of the reference data that has no page of its own: organizations, programs and
units with their calendars (holiday overrides, closures). Every change is in the audit history.

Service and standard records are not edited here: their forms and the import validate them.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from comptoir.inventory.calendars import default_holiday_categories
from comptoir.inventory.models import (
    Organization,
    OrganizationMembership,
    Program,
    Unit,
    UnitClosure,
    UnitHoliday,
)


class UnitHolidayInline(admin.TabularInline):  # type: ignore[type-arg]  # not generic at runtime
    model = UnitHoliday
    extra = 0


class UnitClosureInline(admin.TabularInline):  # type: ignore[type-arg]  # not generic at runtime
    model = UnitClosure
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("owner_org", "title_en", "title_fr", "is_federal")
    list_filter = ("is_federal",)
    search_fields = ("owner_org", "title_en", "title_fr")


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("code", "organization", "name_en", "name_fr")
    list_filter = ("organization",)
    search_fields = ("code", "name_en", "name_fr")


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = (
        "name_en",
        "organization",
        "kind",
        "time_zone",
        "holiday_jurisdiction",
        "holiday_categories",
    )
    list_filter = ("organization", "kind")
    search_fields = ("code", "name_en", "name_fr")
    inlines = (UnitHolidayInline, UnitClosureInline)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new unit starts with its organization's holiday categories: public,government for a
        federal organization (every organization of the GC inventory), unless the address says
        otherwise (``?organization=<id>&holiday_jurisdiction=GB-ENG``). Left blank, ``clean``
        writes the same default in."""
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        if "holiday_categories" not in initial:
            chosen = str(initial.get("organization") or "")
            organization = (
                Organization.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
            )
            initial["holiday_categories"] = ",".join(
                default_holiday_categories(
                    is_federal=organization.is_federal if organization else True,
                    jurisdiction=str(initial.get("holiday_jurisdiction") or "CA"),
                )
            )
        return initial

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # units carry history and service links: deactivate instead


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    """Which organizations a custodian acts for. Switched off, never deleted (history keeps who
    gave or took away each one)."""

    list_display = ("user", "organization", "is_active")
    list_filter = ("is_active", "organization")
    search_fields = ("user__username", "user__last_name", "organization__owner_org")
    autocomplete_fields = ("organization",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
