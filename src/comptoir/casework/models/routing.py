"""Routing rules: where a newly received case goes.

``do_receive_case`` applies the first active rule of the service's organization (lowest
``priority`` first, then the rule's key) whose criteria all match the case: service, kind, tier,
channel and entry unit, a blank criterion matching anything. The case is then referred to the
rule's ``target_unit`` (a ``referred`` event whose reason is the code ``routing:<rule key>``, shown
in words) and, when the rule names one, assigned to ``target_assignee``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.casework.models.cases import CHANNEL_CHOICES, NO_DELETE
from comptoir.casework.text import CASE_KIND_LABELS

KIND_CHOICES = [(kind.value, label) for kind, label in CASE_KIND_LABELS.items()]
TIER_CHOICES = [(1, "1"), (2, "2"), (3, "3")]


class RoutingRule(models.Model):
    organization = models.ForeignKey(
        "inventory.Organization",
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    priority = models.PositiveIntegerField(
        _("priority"), default=100, help_text=_("Rules are tried from the lowest number up.")
    )
    service = models.ForeignKey(
        "inventory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("service"),
    )
    kind = models.CharField(_("kind"), max_length=20, blank=True, choices=KIND_CHOICES)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True, choices=TIER_CHOICES)
    channel = models.CharField(_("channel"), max_length=10, blank=True, choices=CHANNEL_CHOICES)
    entry_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entry unit"),
    )
    target_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("target unit"),
    )
    target_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target assignee"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        default_permissions = NO_DELETE
        ordering = ("organization", "priority", "pk")
        indexes = [
            models.Index(
                fields=["organization", "is_active", "priority"], name="casework_routing_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        organization_id = self.organization_id
        target = self.target_unit if self.target_unit_id else None
        if target is not None and target.organization_id != organization_id:
            errors["target_unit"] = _("The target unit is not a unit of the rule's organization.")
        entry = self.entry_unit
        if entry is not None and entry.organization_id != organization_id:
            errors["entry_unit"] = _("The entry unit is not a unit of the rule's organization.")
        service = self.service
        if service is not None and service.organization_id != organization_id:
            errors["service"] = _("The service is not a service of the rule's organization.")
        if errors:
            raise ValidationError(errors)

    def matches(
        self, *, service_id: int, kind: str, tier: int, channel: str, entry_unit_id: int
    ) -> bool:
        return (
            (self.service_id is None or self.service_id == service_id)
            and (not self.kind or self.kind == kind)
            and (self.tier is None or self.tier == tier)
            and (not self.channel or self.channel == channel)
            and (self.entry_unit_id is None or self.entry_unit_id == entry_unit_id)
        )
