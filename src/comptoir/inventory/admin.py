"""Administration of the reference data that has no page of its own: organizations, programs and
units with their calendars (holiday overrides, closures). Every change is in the audit history.

Service and standard records are not edited here: their forms and the import validate them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from comptoir.inventory.models import Organization, Program, Unit, UnitClosure, UnitHoliday


class UnitHolidayInline(admin.TabularInline):  # type: ignore[type-arg]  # not generic at runtime
    model = UnitHoliday
    extra = 0


class UnitClosureInline(admin.TabularInline):  # type: ignore[type-arg]  # not generic at runtime
    model = UnitClosure
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("owner_org", "title_en", "title_fr")
    search_fields = ("owner_org", "title_en", "title_fr")


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("code", "organization", "name_en", "name_fr")
    list_filter = ("organization",)
    search_fields = ("code", "name_en", "name_fr")


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("name_en", "organization", "kind", "time_zone", "holiday_jurisdiction")
    list_filter = ("organization", "kind")
    search_fields = ("code", "name_en", "name_fr")
    inlines = (UnitHolidayInline, UnitClosureInline)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # units carry history and service links: deactivate instead
