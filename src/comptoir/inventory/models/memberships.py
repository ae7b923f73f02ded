"""Which organizations a staff member acts for.

An inventory custodian changes, imports and approves only the inventory of the organizations they
are a member of; a central agency's custodian holds many memberships. Administrators (and
superusers) act for every organization. Service owners are scoped by ``ServiceOwnership`` instead.
Memberships are switched off, never deleted, and every change is history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.inventory.models.organizations import Organization


class OrganizationMembership(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organization_memberships",
        verbose_name=_("staff member"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="inventory_orgmembership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.user}"


class UnitMembership(models.Model):
    """A staff member working in a unit: they see and work the cases of the units they are an
    active member of; a manager also assigns others' cases and sees the unit's confidential
    cases. Switched off, never deleted; every change is history."""

    unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="unit_memberships",
        verbose_name=_("staff member"),
    )
    is_manager = models.BooleanField(_("manager"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="inventory_unitmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.user}"
