"""The status page's steps per service are set in the administration (a JSON list, checked)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comptoir.portal.models import ServiceSteps


@admin.register(ServiceSteps)
class ServiceStepsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # the stubs' generic
    list_display = ("service",)
    raw_id_fields = ("service",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
