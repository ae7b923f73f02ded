"""API tokens in the admin: an administrator creates a token (through ``do_create_token``; the
raw token is shown once, in the confirmation message) and revokes tokens (an action). Tokens
are never deleted."""

from __future__ import annotations

from typing import Any, override

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.api.actions import do_create_token, do_revoke_token
from comptoir.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "name", "user", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = (
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ("user", "name", "scope")
        return ("user", "name", "scope", *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ()
        return ("user", "name", "scope", *self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @override
    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        token, raw = do_create_token(
            obj.user,
            scope=obj.scope,
            name=obj.name,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = token.pk
        obj.prefix = token.prefix
        messages.warning(
            request,
            _(
                "The token is %(token)s. Copy it now: it is shown only once and cannot be "
                "found again."
            )
            % {"token": raw},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            do_revoke_token(token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The selected tokens are revoked."))
