"""The Guideline's tools for one service record: the service test (Appendix 1A) and the priority
service identification (Appendix 1B)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.inventory.models.services import ServiceYear

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

#: The eight questions of the service test tool, in the Guideline's order: (field, question).
SERVICE_TEST_QUESTIONS: tuple[tuple[str, _StrPromise], ...] = (
    (
        "has_final_output",
        _("Does the activity result in a final output to a recipient or client?"),
    ),
    ("is_output_repeated", _("Is the final output produced repeatedly?")),
    ("addresses_need", _("Does it address one or more needs?")),
    ("has_timeliness_factor", _("Is there a timeliness factor associated with a need?")),
    (
        "has_defined_recipient",
        _("Is there a clearly defined recipient or client, or group of recipients or clients?"),
    ),
    (
        "contributes_to_outcome",
        _("Does the activity contribute, on its own, to the achievement of an outcome?"),
    ),
    ("is_independent", _("Is the activity independent of all other services?")),
    (
        "has_delivery_channel",
        _(
            "Is the activity delivered over at least one service delivery channel (Internet, "
            "in person, mail or telephone)?"
        ),
    ),
)


class ServiceTestAssessment(models.Model):
    """The answers to the service test tool; the activity is a service when all are yes."""

    service_year = models.OneToOneField(
        ServiceYear, on_delete=models.PROTECT, related_name="service_test"
    )
    has_final_output = models.BooleanField(SERVICE_TEST_QUESTIONS[0][1])
    has_final_output_analysis = models.TextField(_("analysis"), blank=True, default="")
    is_output_repeated = models.BooleanField(SERVICE_TEST_QUESTIONS[1][1])
    is_output_repeated_analysis = models.TextField(_("analysis"), blank=True, default="")
    addresses_need = models.BooleanField(SERVICE_TEST_QUESTIONS[2][1])
    addresses_need_analysis = models.TextField(_("analysis"), blank=True, default="")
    has_timeliness_factor = models.BooleanField(SERVICE_TEST_QUESTIONS[3][1])
    has_timeliness_factor_analysis = models.TextField(_("analysis"), blank=True, default="")
    has_defined_recipient = models.BooleanField(SERVICE_TEST_QUESTIONS[4][1])
    has_defined_recipient_analysis = models.TextField(_("analysis"), blank=True, default="")
    contributes_to_outcome = models.BooleanField(SERVICE_TEST_QUESTIONS[5][1])
    contributes_to_outcome_analysis = models.TextField(_("analysis"), blank=True, default="")
    is_independent = models.BooleanField(SERVICE_TEST_QUESTIONS[6][1])
    is_independent_analysis = models.TextField(_("analysis"), blank=True, default="")
    has_delivery_channel = models.BooleanField(SERVICE_TEST_QUESTIONS[7][1])
    has_delivery_channel_analysis = models.TextField(_("analysis"), blank=True, default="")
    #: Derived by the action: every answer is yes.
    is_service = models.BooleanField(_("is a service"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service test")
        verbose_name_plural = _("service tests")

    def __str__(self) -> str:
        return str(self.service_year)

    def answers(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name, _question in SERVICE_TEST_QUESTIONS}

    @staticmethod
    def derive_is_service(answers: dict[str, bool]) -> bool:
        """Appendix 1A: a no to any question means the activity is not a service."""
        return all(answers[name] for name, _question in SERVICE_TEST_QUESTIONS)


class PriorityRating(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


#: The considerations of the priority services identification tool: (field, consideration).
PRIORITY_CONSIDERATIONS: tuple[tuple[str, _StrPromise], ...] = (
    ("mandate", _("Mandate")),
    ("government_priority", _("Government priority")),
    ("volume", _("Volume")),
    ("mission_critical_or_essential", _("Mission critical or essential")),
    (
        "client_importance",
        _("Importance of the service to the well-being of individuals or viability of businesses"),
    ),
    ("authentication", _("Authentication")),
    ("other_criteria", _("Other criteria")),
)


class PriorityAssessment(models.Model):
    """The priority services identification tool: a rating and analysis per consideration.

    Derived result (recorded by the action): the service is a priority service when at least one
    consideration is rated high, or when at least three are rated medium. The tool lets a
    department refine its weighting; this rule is Comptoir's documented default.
    """

    service_year = models.OneToOneField(
        ServiceYear, on_delete=models.PROTECT, related_name="priority_assessment"
    )
    mandate = models.CharField(
        PRIORITY_CONSIDERATIONS[0][1], max_length=6, choices=PriorityRating.choices
    )
    mandate_analysis = models.TextField(_("analysis"), blank=True, default="")
    government_priority = models.CharField(
        PRIORITY_CONSIDERATIONS[1][1], max_length=6, choices=PriorityRating.choices
    )
    government_priority_analysis = models.TextField(_("analysis"), blank=True, default="")
    volume = models.CharField(
        PRIORITY_CONSIDERATIONS[2][1], max_length=6, choices=PriorityRating.choices
    )
    volume_analysis = models.TextField(_("analysis"), blank=True, default="")
    mission_critical_or_essential = models.CharField(
        PRIORITY_CONSIDERATIONS[3][1], max_length=6, choices=PriorityRating.choices
    )
    mission_critical_or_essential_analysis = models.TextField(_("analysis"), blank=True, default="")
    client_importance = models.CharField(
        PRIORITY_CONSIDERATIONS[4][1], max_length=6, choices=PriorityRating.choices
    )
    client_importance_analysis = models.TextField(_("analysis"), blank=True, default="")
    authentication = models.CharField(
        PRIORITY_CONSIDERATIONS[5][1], max_length=6, choices=PriorityRating.choices
    )
    authentication_analysis = models.TextField(_("analysis"), blank=True, default="")
    other_criteria = models.CharField(
        PRIORITY_CONSIDERATIONS[6][1], max_length=6, choices=PriorityRating.choices
    )
    other_criteria_analysis = models.TextField(_("analysis"), blank=True, default="")
    #: Derived by the action (see the class docstring).
    is_priority_service = models.BooleanField(_("is a priority service"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority service assessment")
        verbose_name_plural = _("priority service assessments")

    def __str__(self) -> str:
        return str(self.service_year)

    def ratings(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _label in PRIORITY_CONSIDERATIONS}

    @staticmethod
    def derive_is_priority(ratings: dict[str, str]) -> bool:
        values = [ratings[name] for name, _label in PRIORITY_CONSIDERATIONS]
        return PriorityRating.HIGH in values or values.count(PriorityRating.MEDIUM) >= 3
