"""The surveys' tables (``docs/insight.md``, Surveys; decision 0020 on anonymity).

Client survey: a :class:`SurveyPlan` per service says how many resolved cases are drawn and how
long a client is left alone after an invitation; a :class:`SurveyInvitation` is the one
invitation a case may have (its token kept as a SHA-256 hash only); a :class:`SurveyResponse`
holds the answers with no link to the invitation, the case or the client: its key is random,
and it keeps the service, the unit, the day (not the time) and the language only.

Staff survey: an administrator opens and closes a :class:`StaffSurveyRound`; a staff member
answers once per round: :class:`StaffSurveyParticipation` records that they answered, the
:class:`StaffSurveyResponse` keeps only the unit, and nothing joins the two.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

#: A new plan's quiet period: a client is invited at most once in this many days.
DEFAULT_QUIET_DAYS = 180


class SurveyPlan(models.Model):
    service = models.OneToOneField(
        "inventory.Service",
        on_delete=models.PROTECT,
        related_name="survey_plan",
        verbose_name=_("service"),
    )
    rate = models.DecimalField(_("share of resolved cases invited"), max_digits=4, decimal_places=3)
    quiet_days = models.PositiveIntegerField(
        _("days before a client is invited again"), default=DEFAULT_QUIET_DAYS
    )
    is_active = models.BooleanField(_("invitations are sent"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        default_permissions = ("add", "change", "view")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal(0), rate__lte=Decimal(1)),
                name="insight_survey_plan_rate_0_1",
            ),
            models.CheckConstraint(
                condition=Q(quiet_days__lte=3650), name="insight_survey_plan_quiet_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.rate}"


class SurveyInvitation(models.Model):
    case = models.OneToOneField(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="survey_invitation",
        verbose_name=_("case"),
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    service = models.ForeignKey(
        "inventory.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    unit = models.ForeignKey(
        "inventory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2)
    invited_at = models.DateTimeField(_("invited"))
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["client", "-invited_at"], name="insight_invite_client_idx"),
            models.Index(fields=["service", "invited_at"], name="insight_invite_service_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("invited_at")),
                name="insight_invitation_expires_after",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class SurveyResponse(models.Model):
    """One client's answers, anonymous (module docstring): no invitation, case or client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "inventory.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    unit = models.ForeignKey(
        "inventory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    answered_on = models.DateField(_("answered on"))
    language = models.CharField(_("language"), max_length=2)
    answers = models.JSONField(_("answers"), default=dict)
    #: Empty when the client asked to be called back: their comment went into the follow-up
    #: case instead, so that it cannot join this response to them.
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["service", "answered_on"], name="insight_response_service_idx"),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class StaffSurveyRound(models.Model):
    organization = models.ForeignKey(
        "inventory.Organization",
        on_delete=models.PROTECT,
        related_name="staff_survey_rounds",
        verbose_name=_("organization"),
    )
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("staff survey round")
        verbose_name_plural = _("staff survey rounds")
        default_permissions = ("add", "change", "view")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(closed_at__isnull=True),
                name="insight_one_open_staff_round",
            )
        ]

    def __str__(self) -> str:
        return f"round {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StaffSurveyParticipation(models.Model):
    """That ``user`` answered ``round`` — and nothing of what they answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(StaffSurveyRound, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="insight_staff_answers_once")
        ]

    def __str__(self) -> str:
        return f"participation {self.pk}"


class StaffSurveyResponse(models.Model):
    """One staff member's answers: the round and their unit, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(StaffSurveyRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("inventory.Unit", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["round", "unit"], name="insight_staff_resp_idx")]

    def __str__(self) -> str:
        return f"staff response {self.pk}"
