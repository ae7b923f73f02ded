"""Writes of knowledge: reusable answers, deliverables and their links from cases
(``comptoir.casework.models.knowledge``; docs/casework.md, "Knowledge").

Each action checks who acts (``editable_by`` of the owner unit's answers and deliverables, or
``Case.objects.editable_by`` for a link), writes in one transaction with its history, and keeps
the search index up to date in the same transaction. A refused action raises
``PermissionDenied`` or ``ValidationError`` and writes nothing.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from comptoir.casework.models import Answer, Case, CaseKnowledgeLink, Deliverable
from comptoir.casework.models.cases import member_unit_ids

# The inventory's web address check (``validation`` takes it from the schema module).
from comptoir.core.opendata.schema import is_web_address
from comptoir.inventory.models import Unit
from comptoir.inventory.models.scope import acts_for_every_organization
from comptoir.search.indexing import index_answer, index_deliverable

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from comptoir.accounts.models import User

#: A deliverable's file is at most 20 MB (a tabulation or a short report; more is a web address).
MAX_DELIVERABLE_BYTES = 20 * 1024 * 1024
#: The kinds of file a deliverable may be, by extension.
DELIVERABLE_EXTENSIONS = frozenset({"csv", "xlsx", "pdf", "txt"})
#: Bounded free text (a question, an answer, a description, a reason).
MAX_TEXT = 20_000
ANSWER_FIELDS = ("question_en", "question_fr", "answer_en", "answer_fr")


def units_managed_by(user: User) -> Any:
    """The units whose answers and deliverables the user may write (administrators: every
    active unit)."""
    units = Unit.objects.filter(is_active=True)
    if not acts_for_every_organization(user):
        units = units.filter(pk__in=member_unit_ids(user, managers_only=True))
    return units


def _require_manager(user: User, unit: Unit) -> None:
    if not units_managed_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Only the managers of the owner unit may change its knowledge."))


def _text(value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Write it in both languages."))
    if len(value) > MAX_TEXT:
        raise ValidationError(_("The text is too long."))
    return value


def check_deliverable_file(upload: UploadedFile[Any]) -> None:
    """Refuse a file that is too big or not of an allowed kind."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in DELIVERABLE_EXTENSIONS:
        raise ValidationError(
            _("A deliverable's file must be a CSV, XLSX, PDF or text file."), code="file_type"
        )
    if upload.size is None or upload.size > MAX_DELIVERABLE_BYTES:
        raise ValidationError(_("A deliverable's file must be at most 20 MB."), code="file_size")


def do_create_answer(
    *,
    question_en: str,
    question_fr: str,
    answer_en: str,
    answer_fr: str,
    owner_unit: Unit,
    service: Any = None,
    subject: Any = None,
    is_published: bool = False,
    actor: User,
) -> Answer:
    _require_manager(actor, owner_unit)
    now = timezone.now()
    answer = Answer(
        question_en=_text(question_en),
        question_fr=_text(question_fr),
        answer_en=_text(answer_en),
        answer_fr=_text(answer_fr),
        owner_unit=owner_unit,
        service=service,
        subject=subject,
        is_published=is_published,
        created_at=now,
        updated_at=now,
    )
    answer._history_user = actor  # type: ignore[attr-defined]
    with transaction.atomic():
        answer.save(force_insert=True)
        index_answer(answer)
    return answer


def do_update_answer(answer: Answer, *, actor: User, reason: str, **changes: Any) -> Answer:
    """Change the texts, service, subject or publication of an answer, with the reason why."""
    if not Answer.objects.editable_by(actor).filter(pk=answer.pk).exists():
        raise PermissionDenied(_("Only the managers of the owner unit may change its knowledge."))
    if not (reason or "").strip():
        raise ValidationError(_("Say why the answer changes."))
    reason = reason.strip()
    allowed = {*ANSWER_FIELDS, "service", "subject", "is_published"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not a field of an answer: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(answer, name, _text(value) if name in ANSWER_FIELDS else value)
    answer.updated_at = timezone.now()
    answer._history_user = actor  # type: ignore[attr-defined]
    with transaction.atomic():
        answer.save(update_fields=[*changes, "updated_at"])
        update_change_reason(answer, reason[:100])
        index_answer(answer)
    return answer


def do_add_deliverable(
    *,
    title_en: str,
    title_fr: str,
    owner_unit: Unit,
    description_en: str = "",
    description_fr: str = "",
    file: UploadedFile[Any] | None = None,
    link: str = "",
    produced_for: Case | None = None,
    service: Any = None,
    actor: User,
) -> Deliverable:
    """A deliverable: a file (CSV, XLSX, PDF or text, at most 20 MB) or a web address (http or
    https), never both."""
    _require_manager(actor, owner_unit)
    link = (link or "").strip()
    if (file is None) == (not link):
        raise ValidationError(_("Give either a file or a web address."))
    if link and not is_web_address(link):
        raise ValidationError(_("The web address must start with http:// or https://."))
    if file is not None:
        check_deliverable_file(file)
    if (
        produced_for is not None
        and not Case.objects.visible_to(actor).filter(pk=produced_for.pk).exists()
    ):
        raise PermissionDenied(_("No such case."))
    deliverable = Deliverable(
        title_en=_text(title_en),
        title_fr=_text(title_fr),
        description_en=_text(description_en, required=False),
        description_fr=_text(description_fr, required=False),
        link=link,
        produced_for=produced_for,
        service=service,
        owner_unit=owner_unit,
        created_at=timezone.now(),
    )
    if file is not None:
        deliverable.file.save(file.name or "deliverable", file, save=False)
    deliverable._history_user = actor  # type: ignore[attr-defined]
    with transaction.atomic():
        deliverable.save(force_insert=True)
        index_deliverable(deliverable)
    return deliverable


def do_link_knowledge(case: Case, item: Answer | Deliverable, *, actor: User) -> CaseKnowledgeLink:
    """Link an answer or a deliverable from a case (once: linking it again changes nothing). The
    actor must be able to act on the case and to see the item."""
    if not Case.objects.editable_by(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not act on this case."))
    model = type(item)
    if not model.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(_("No such answer or deliverable."))
    field = "answer" if isinstance(item, Answer) else "deliverable"
    with transaction.atomic():
        link, _created = CaseKnowledgeLink.objects.get_or_create(
            case=case,
            **{field: item},
            defaults={"linked_by": actor, "linked_at": timezone.now()},
        )
    return link
