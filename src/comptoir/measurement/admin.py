"""Administration of the real-time performance settings: each standard's window and update
category (``docs/measurement.md``). Every change is in the audit history. The stored results and
the standard facts are derived data and are not edited here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from comptoir.measurement.realtime_models import RealtimeSetting


@admin.register(RealtimeSetting)
class RealtimeSettingAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("standard", "window_days", "update_category")
    list_filter = ("update_category",)
    search_fields = ("standard__service_standard_id", "standard__service__service_id")
    raw_id_fields = ("standard",)
