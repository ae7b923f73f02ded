"""Data-quality findings and the import batches that raise them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.inventory.models import scope
from comptoir.inventory.models.services import FiscalYear, ServiceYear, StandardYear

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


class Resource(models.TextChoices):
    SERVICE = "service", _("Service")
    STANDARD = "service-std", _("Service standard")


class ImportBatch(models.Model):
    """One run of the import: who, when, which files, what it did."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    services_file = models.CharField(_("services file"), max_length=500, blank=True, default="")
    standards_file = models.CharField(_("standards file"), max_length=500, blank=True, default="")
    services_sha256 = models.CharField(max_length=64, blank=True, default="")
    standards_sha256 = models.CharField(max_length=64, blank=True, default="")
    is_strict = models.BooleanField(_("strict"), default=False)
    services_created = models.PositiveIntegerField(default=0)
    services_updated = models.PositiveIntegerField(default=0)
    standards_created = models.PositiveIntegerField(default=0)
    standards_updated = models.PositiveIntegerField(default=0)
    findings_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.services_file}"


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(is_resolved=False)

    def visible_to(self, user: AnyUser) -> FindingQuerySet:
        return self if scope.is_staff_viewer(user) else self.none()

    def resolvable_by(self, user: AnyUser) -> FindingQuerySet:
        """Open findings of unapproved years that the user may mark resolved: custodians those
        of their organizations (whole-file findings, attached to no year, only administrators);
        service owners those of the records of their services."""
        permission = "inventory.change_finding"
        if not (scope.is_staff_viewer(user) and user.has_perm(permission)):
            return self.none()
        candidates = self.filter(is_resolved=False).exclude(fiscal_year__approved_at__isnull=False)
        if user.has_perm(scope.EDIT_ANY_SERVICE_PERMISSION):
            by_organization = scope.organization_scope(user, "fiscal_year__organization")
            if by_organization is None:
                return candidates
            condition = by_organization
        else:
            condition = Q(pk__in=[])
        owned = scope.owned_service_ids(user)
        condition |= Q(service_year__service__in=owned) | Q(
            standard_year__standard__service__in=owned
        )
        return candidates.filter(condition)


class Finding(models.Model):
    """A data-quality finding: one rule that a row breaks (codes; words come from ``findings``)."""

    resource = models.CharField(_("resource"), max_length=20, choices=Resource.choices)
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    service_year = models.ForeignKey(
        ServiceYear, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    standard_year = models.ForeignKey(
        StandardYear, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    service_id = models.CharField(_("service ID"), max_length=100, blank=True, default="")
    service_standard_id = models.CharField(
        _("service standard ID"), max_length=100, blank=True, default=""
    )
    field = models.CharField(_("field"), max_length=100, blank=True, default="")
    rule = models.CharField(_("rule"), max_length=64)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    is_resolved = models.BooleanField(_("resolved"), default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(
        _("reason for the resolution"), max_length=200, blank=True, default=""
    )
    #: Closed by the system, not by a person: an import replaced it with its own findings, or an
    #: edit validated the record afresh. ``resolved_by`` stays empty; ``superseded_by`` names the
    #: import (``None`` for an edit).
    is_superseded = models.BooleanField(_("superseded"), default=False)
    superseded_by = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_findings",
        verbose_name=_("superseded by the import"),
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["resource", "row", "field"]
        verbose_name = _("data-quality finding")
        verbose_name_plural = _("data-quality findings")
        indexes = [
            models.Index(fields=["service_year", "is_resolved"], name="inventory_fd_sy_idx"),
            models.Index(fields=["standard_year", "is_resolved"], name="inventory_fd_sty_idx"),
            models.Index(fields=["fiscal_year", "rule"], name="inventory_fd_rule_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superseded=False)
                | models.Q(is_resolved=True, resolved_by__isnull=True),
                name="inventory_finding_superseded_by_system",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.row} {self.field} {self.rule}"
