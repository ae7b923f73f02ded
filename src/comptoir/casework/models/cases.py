"""A case: one request, enquiry, complaint... of a client, and the projection of its state.

The descriptive fields (service, kind, channel, entry unit, tier, request type, subject,
description, language, priority, confidentiality, client) are written when the case is received.
The projection (``status``, ``current_unit``, ``owner``, ``received_at``, ``resolved_at``,
``last_event_at``, ``awaiting_since`` and ``next_due_at``, the earliest pending due instant of
the case's service standards) is what ``comptoir.core.casework.derive_state`` computes from the
case's events; it exists only for the queues and their indexes, and is written by the one event
writer (``comptoir.casework.actions._record``) in the transaction of each event, never by a view.

Who may see a case (``Case.objects.visible_to``), the one source of truth:

- staff with ``casework.view_case`` see the non-confidential cases whose current unit (or entry
  unit) is a unit they are an active member of (``inventory.UnitMembership``), and the cases they
  own;
- a confidential case only its current unit's active managers, its owner, and administrators;
- administrators (and superusers) see every case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.core.opendata.schema import Channel
from comptoir.inventory.models.scope import acts_for_every_organization

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: Nothing of casework is ever deleted: no delete permission exists for anyone.
NO_DELETE = ("add", "change", "view")
VIEW_PERMISSION = "casework.view_case"
CHANGE_PERMISSION = "casework.change_case"
#: Holders may assign a case of a unit they manage to someone else (unit managers, administrators).
ASSIGN_PERMISSION = "casework.assign_case"

#: The open-data channel codes (``comptoir.core.opendata.schema.Channel``) with their words.
CHANNEL_LABELS = {
    Channel.TEL: _("Telephone"),
    Channel.EML: _("Email"),
    Channel.ONL: _("Online"),
    Channel.PERSON: _("In person"),
    Channel.POST: _("Mail"),
    Channel.FAX: _("Fax"),
    Channel.OTH: _("Other channel"),
}
CHANNEL_CHOICES = [(channel.value, label) for channel, label in CHANNEL_LABELS.items()]


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


def member_unit_ids(user: AnyUser, *, managers_only: bool = False) -> Any:
    """A subquery of the keys of the units the user is an active member (or manager) of (a
    subquery, not a join, so that an OR with it never repeats a row)."""
    from comptoir.inventory.models import UnitMembership

    if user.pk is None:
        return UnitMembership.objects.none().values("unit_id")
    memberships = UnitMembership.objects.filter(user_id=user.pk, is_active=True)
    if managers_only:
        memberships = memberships.filter(is_manager=True)
    return memberships.values("unit_id")


class CaseQuerySet(models.QuerySet["Case"]):
    def _scoped(self, user: AnyUser, permission: str) -> CaseQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm(permission)):
            return self.none()
        if acts_for_every_organization(user):
            return self.all()
        units = member_unit_ids(user)
        return self.filter(
            Q(is_confidential=False, current_unit__in=units)
            | Q(is_confidential=False, entry_unit__in=units)
            | Q(is_confidential=True, current_unit__in=member_unit_ids(user, managers_only=True))
            | Q(owner_id=user.pk)
        )

    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        """The cases the user may see (see the module's docstring)."""
        return self._scoped(user, VIEW_PERMISSION)

    def editable_by(self, user: AnyUser) -> CaseQuerySet:
        """The cases the user may act on: the same scope, with ``casework.change_case``."""
        return self._scoped(user, CHANGE_PERMISSION)

    def open(self) -> CaseQuerySet:
        from comptoir.core.casework import Status

        return self.exclude(status=Status.RESOLVED.value)


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    #: The reference an older system gave a case brought in by the history import (blank for
    #: a case received here, and for an imported one whose reference was already one of ours).
    legacy_reference = models.CharField(
        _("former reference"), max_length=100, blank=True, default="", editable=False
    )
    #: SHA-256 (hex) of the client's status token; the token itself is given once, never stored.
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    service = models.ForeignKey(
        "inventory.Service",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("service"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    entry_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="entered_cases",
        verbose_name=_("entry unit"),
    )
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    request_type = models.ForeignKey(
        "casework.RequestType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("request type"),
    )
    subject = models.ForeignKey(
        "casework.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("subject"),
    )
    description = models.TextField(_("what was asked"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_confidential = models.BooleanField(_("confidential"), default=False)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("client"),
    )
    #: An explicit, counted choice: the client did not give their name (no client record).
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    created_at = models.DateTimeField(_("created"), editable=False)

    # The projection of the derived state (written only by actions._record).
    status = models.CharField(_("status"), max_length=20, editable=False)
    current_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="current_cases",
        verbose_name=_("current unit"),
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("owner"),
        editable=False,
    )
    received_at = models.DateTimeField(_("received"), editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    last_event_at = models.DateTimeField(_("last event"), editable=False)
    #: The earliest pending due instant among the case's clocks (``measurement.clocks``), null
    #: when it has none or is resolved; the queues' due soon and overdue lists read it.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    #: Since when the case waits for the client (null when it does not).
    awaiting_since = models.DateTimeField(
        _("waiting for the client since"), null=True, blank=True, editable=False
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        default_permissions = NO_DELETE
        permissions = [("assign_case", _("Can assign a case to someone else"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=3), name="casework_case_tier_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(is_anonymous=True),
                name="casework_case_client_or_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "fr"]), name="casework_case_language"
            ),
        ]
        indexes = [
            # The queues list open cases only: partial indexes hold just those (a few
            # thousand among a million), so a queue's counts and first page read a handful of
            # index pages whatever the size of the history (docs/casework.md, "Performance").
            models.Index(
                fields=["current_unit", "received_at", "id"],
                condition=~models.Q(status="resolved"),
                name="casework_case_open_unit",
            ),
            models.Index(
                fields=["owner", "received_at", "id"],
                condition=~models.Q(status="resolved"),
                name="casework_case_open_owner",
            ),
            models.Index(fields=["legacy_reference"], name="casework_case_legacy_ref"),
            # GET /api/cases/ pages every visible case oldest first (its cursor is both).
            models.Index(fields=["received_at", "id"], name="casework_case_received"),
            models.Index(fields=["current_unit", "next_due_at"], name="casework_case_unit_due"),
            models.Index(fields=["owner", "next_due_at"], name="casework_case_owner_due"),
            models.Index(
                fields=["current_unit", "awaiting_since"], name="casework_case_unit_awaiting"
            ),
        ]

    def __str__(self) -> str:
        return self.reference
