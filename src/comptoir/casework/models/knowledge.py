"""Knowledge: reusable answers and past deliverables, linked from cases (docs/casework.md,
"Knowledge").

Who may see and change them, the one source of truth (``visible_to`` / ``editable_by``):

- staff with ``casework.view_case`` who are active members of a unit of the owner unit's
  organization see its published answers and every deliverable; the members of the owner unit
  also see its drafts;
- the active managers of the owner unit, and administrators, may change them;
- administrators (and superusers) see and change everything.

Nothing here is ever deleted (no delete permission exists); every change is history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir import i18n
from comptoir.casework.models.cases import NO_DELETE, VIEW_PERMISSION, member_unit_ids
from comptoir.inventory.models.scope import acts_for_every_organization

if TYPE_CHECKING:
    from typing import Any

    from comptoir.inventory.models.scope import AnyUser

#: Where the deliverables' files are stored, under ``MEDIA_ROOT``.
DELIVERABLE_UPLOAD_TO = "knowledge/deliverables/%Y/%m/"


def member_organization_ids(user: AnyUser) -> Any:
    """A subquery of the organizations of the units the user is an active member of."""
    from comptoir.inventory.models import Unit

    return Unit.objects.filter(pk__in=member_unit_ids(user)).values("organization_id")


def _may_view(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


class AnswerQuerySet(models.QuerySet["Answer"]):
    def visible_to(self, user: AnyUser) -> AnswerQuerySet:
        """Published answers of the user's organizations, and the drafts of their units."""
        if not _may_view(user):
            return self.none()
        if acts_for_every_organization(user):
            return self.all()
        return self.filter(
            Q(is_published=True, owner_unit__organization_id__in=member_organization_ids(user))
            | Q(owner_unit__in=member_unit_ids(user))
        )

    def editable_by(self, user: AnyUser) -> AnswerQuerySet:
        """The answers of the units the user manages (administrators: every answer)."""
        if not _may_view(user):
            return self.none()
        if acts_for_every_organization(user):
            return self.all()
        return self.filter(owner_unit__in=member_unit_ids(user, managers_only=True))


class DeliverableQuerySet(models.QuerySet["Deliverable"]):
    def visible_to(self, user: AnyUser) -> DeliverableQuerySet:
        """The deliverables of the user's organizations."""
        if not _may_view(user):
            return self.none()
        if acts_for_every_organization(user):
            return self.all()
        return self.filter(owner_unit__organization_id__in=member_organization_ids(user))

    def editable_by(self, user: AnyUser) -> DeliverableQuerySet:
        """The deliverables of the units the user manages (administrators: every one)."""
        if not _may_view(user):
            return self.none()
        if acts_for_every_organization(user):
            return self.all()
        return self.filter(owner_unit__in=member_unit_ids(user, managers_only=True))


class Answer(models.Model):
    """A question and its answer, in both languages, that an officer can give again."""

    question_en = models.TextField(_("question (English)"))
    question_fr = models.TextField(_("question (French)"))
    answer_en = models.TextField(_("answer (English)"))
    answer_fr = models.TextField(_("answer (French)"))
    service = models.ForeignKey(
        "inventory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reusable_answers",
        verbose_name=_("service"),
    )
    subject = models.ForeignKey(
        "casework.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reusable_answers",
        verbose_name=_("subject"),
    )
    owner_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="reusable_answers",
        verbose_name=_("owner unit"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    updated_at = models.DateTimeField(_("updated"), editable=False)
    history = HistoricalRecords()

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("reusable answer")
        verbose_name_plural = _("reusable answers")
        default_permissions = NO_DELETE
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def question(self) -> str:
        return i18n.pick_field(self, "question")

    @property
    def answer(self) -> str:
        return i18n.pick_field(self, "answer")


class Deliverable(models.Model):
    """Something made for a client before (a custom tabulation...): a file or a web address."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    file = models.FileField(
        _("file"), upload_to=DELIVERABLE_UPLOAD_TO, max_length=500, blank=True, default=""
    )
    link = models.CharField(_("web address"), max_length=2000, blank=True, default="")
    produced_for = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("produced for"),
    )
    service = models.ForeignKey(
        "inventory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("service"),
    )
    owner_unit = models.ForeignKey(
        "inventory.Unit",
        on_delete=models.PROTECT,
        related_name="deliverables",
        verbose_name=_("owner unit"),
    )
    created_at = models.DateTimeField(_("created"), editable=False)
    history = HistoricalRecords()

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        default_permissions = NO_DELETE
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="casework_deliverable_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return i18n.pick_field(self, "title")

    @property
    def description(self) -> str:
        return i18n.pick_field(self, "description")


class CaseKnowledgeLink(models.Model):
    """A reusable answer or a deliverable linked from a case: who linked it, when."""

    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="knowledge_links",
        verbose_name=_("case"),
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_links",
        verbose_name=_("reusable answer"),
    )
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_links",
        verbose_name=_("deliverable"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="knowledge_links",
        verbose_name=_("by"),
    )
    linked_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("knowledge link")
        verbose_name_plural = _("knowledge links")
        default_permissions = ("add", "view")
        ordering = ["case", "linked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer__isnull=False) & Q(deliverable__isnull=True))
                | (Q(answer__isnull=True) & Q(deliverable__isnull=False)),
                name="casework_link_answer_or_deliverable",
            ),
            models.UniqueConstraint(
                fields=["case", "answer"],
                condition=Q(answer__isnull=False),
                name="casework_link_answer_once",
            ),
            models.UniqueConstraint(
                fields=["case", "deliverable"],
                condition=Q(deliverable__isnull=False),
                name="casework_link_deliverable_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.answer_id or self.deliverable_id}"
