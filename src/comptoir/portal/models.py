"""What the portal keeps besides the case itself.

``ServiceSteps``: the plain-language steps a client sees on the status page for one service (the
default, received → under review → decision, is in :data:`DEFAULT_STEPS`), each naming the case
statuses it stands for. ``Submission``: how the client asked to be contacted when they sent the
case through the portal (the client record has no such field; the case page may show it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.casework import Status

NO_DELETE = ("add", "change", "view")
STATUSES = tuple(status.value for status in Status)


@dataclass(frozen=True, slots=True)
class Step:
    """One step: its words in both languages and the statuses it stands for."""

    label_en: str
    label_fr: str
    statuses: tuple[str, ...]


#: The steps of a service that has none of its own. Their words are translated like any other
#: string (the English and French here are what ``gettext`` gives).
DEFAULT_STEPS = (
    Step("Received", "Reçue", (Status.OPEN.value,)),
    Step("Under review", "À l’étude", (Status.ASSIGNED.value, Status.AWAITING_CLIENT.value)),
    Step("Decision", "Décision", (Status.RESOLVED.value,)),
)


def parse_steps(value: Any) -> tuple[Step, ...]:
    """The steps of a stored ``ServiceSteps.steps`` list (checked): 2 to 8 steps, each with its
    words in both languages, every status in exactly one step, in the statuses' order."""
    if not isinstance(value, list) or not 2 <= len(value) <= 8:
        raise ValidationError(_("Give from 2 to 8 steps."), code="steps_count")
    steps = []
    seen: list[str] = []
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError(_("Each step is an object."), code="step_shape")
        label_en = str(item.get("label_en") or "").strip()
        label_fr = str(item.get("label_fr") or "").strip()
        statuses = item.get("statuses")
        if not label_en or not label_fr:
            raise ValidationError(
                _("Each step needs its words in English and in French."), code="step_label"
            )
        if not isinstance(statuses, list) or not statuses:
            raise ValidationError(_("Each step names at least one status."), code="step_status")
        for status in statuses:
            if status not in STATUSES or status in seen:
                raise ValidationError(
                    _("Name each status (%(statuses)s) in exactly one step."),
                    code="step_status",
                    params={"statuses": ", ".join(STATUSES)},
                )
            seen.append(str(status))
        steps.append(Step(label_en[:100], label_fr[:100], tuple(str(s) for s in statuses)))
    if set(seen) != set(STATUSES):
        raise ValidationError(
            _("Name each status (%(statuses)s) in exactly one step."),
            code="step_status",
            params={"statuses": ", ".join(STATUSES)},
        )
    return tuple(steps)


class ServiceSteps(models.Model):
    service = models.OneToOneField(
        "inventory.Service",
        on_delete=models.PROTECT,
        related_name="portal_steps",
        verbose_name=_("service"),
    )
    #: ``[{"label_en": "Received", "label_fr": "Reçue", "statuses": ["open"]}, ...]``.
    steps = models.JSONField(_("steps"))

    class Meta:
        verbose_name = _("status page steps")
        verbose_name_plural = _("status page steps")
        default_permissions = NO_DELETE

    def __str__(self) -> str:
        return str(self.service)

    def clean(self) -> None:
        try:
            parse_steps(self.steps)
        except ValidationError as error:
            raise ValidationError({"steps": error.messages}) from error


class ContactPreference(models.TextChoices):
    EMAIL = "email", pgettext_lazy("contact preference", "By email")
    PHONE = "phone", pgettext_lazy("contact preference", "By phone")


class Submission(models.Model):
    """A case sent through the portal: how the client wants to be reached."""

    case = models.OneToOneField(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="portal_submission",
        verbose_name=_("case"),
    )
    contact_preference = models.CharField(
        _("contact preference"), max_length=10, choices=ContactPreference.choices
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("portal submission")
        verbose_name_plural = _("portal submissions")
        default_permissions = NO_DELETE
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_preference__in=["email", "phone"]),
                name="portal_submission_contact_preference",
            )
        ]

    def __str__(self) -> str:
        return str(self.case)
