"""Read paths of knowledge: the knowledge pages and the case page's "Reusable answers" panel, each
from one call, every list bounded. Who may see what comes from ``Answer.objects.visible_to`` and
``Deliverable.objects.visible_to``; a text search goes through the search index
(``comptoir.search.queries.search_page``, which confirms each row against those querysets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.casework.models import Answer, Case, CaseKnowledgeLink, Deliverable
from comptoir.search.models import EntryKind
from comptoir.search.queries import SearchFilters, SearchPage, search_page

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.inventory.models.scope import AnyUser

PAGE_SIZE = 25
#: The answers the case page suggests (those of its service or subject), at most.
PANEL_SUGGESTIONS = 10
#: The answers a search from the case page shows, at most (the knowledge page has the rest).
PANEL_RESULTS = 10
#: The links a case page lists, at most.
PANEL_LINKS = 50
KINDS = (EntryKind.ANSWER.value, EntryKind.DELIVERABLE.value)


def access_answer(user: AnyUser, pk: int) -> Answer:
    try:
        answer: Answer = (
            Answer.objects.visible_to(user)
            .select_related("owner_unit", "service", "subject")
            .get(pk=pk)
        )
    except Answer.DoesNotExist as error:
        raise Http404(_("No such answer.")) from error
    return answer


def access_deliverable(user: AnyUser, pk: int) -> Deliverable:
    try:
        deliverable: Deliverable = (
            Deliverable.objects.visible_to(user)
            .select_related("owner_unit", "service", "produced_for")
            .get(pk=pk)
        )
    except Deliverable.DoesNotExist as error:
        raise Http404(_("No such deliverable.")) from error
    return deliverable


@dataclass(frozen=True, slots=True)
class KnowledgeListPage:
    #: ``answer`` or ``deliverable``: which list is shown.
    kind: str
    text: str
    #: The list when nothing is searched (paginated).
    page: Page[Any] | None
    #: The results when a text is searched (the search page's, of this kind).
    search: SearchPage | None
    may_write: bool


def knowledge_list(user: User, *, kind: str, text: str, page: Any) -> KnowledgeListPage:
    from comptoir.casework.knowledge import units_managed_by

    kind = kind if kind in KINDS else EntryKind.ANSWER.value
    text = text.strip()
    may_write = units_managed_by(user).exists()
    if text:
        found = search_page(user, SearchFilters(text=text, kind=kind), page)
        return KnowledgeListPage(kind, text, None, found, may_write)
    rows: Any
    if kind == EntryKind.ANSWER:
        rows = Answer.objects.visible_to(user).select_related("owner_unit")
    else:
        rows = Deliverable.objects.visible_to(user).select_related("owner_unit")
    listed = Paginator(rows, PAGE_SIZE).get_page(page)
    return KnowledgeListPage(kind, text, listed, None, may_write)


@dataclass(frozen=True, slots=True)
class AnswerPage:
    answer: Answer
    may_edit: bool
    #: The last changes, newest first (at most 20), with who made them and why.
    history: list[Any]


def answer_page(user: User, answer: Answer) -> AnswerPage:
    return AnswerPage(
        answer=answer,
        may_edit=Answer.objects.editable_by(user).filter(pk=answer.pk).exists(),
        history=list(answer.history.select_related("history_user").order_by("-history_date")[:20]),
    )


@dataclass(frozen=True, slots=True)
class DeliverablePage:
    deliverable: Deliverable
    #: The case it was produced for, when the reader may see it (else ``None``).
    produced_for: Case | None


def deliverable_page(user: User, deliverable: Deliverable) -> DeliverablePage:
    case = None
    if deliverable.produced_for_id is not None:
        case = Case.objects.visible_to(user).filter(pk=deliverable.produced_for_id).first()
    return DeliverablePage(deliverable=deliverable, produced_for=case)


@dataclass(frozen=True, slots=True)
class KnowledgePanel:
    """The case page's "Reusable answers" panel."""

    #: The answers of the case's service or subject the reader may see (at most 10).
    suggestions: list[Answer]
    #: What the reader searched from the case page ("" when nothing).
    text: str
    #: The answers found for ``text`` (at most 10).
    found: list[Answer]
    #: The deliverables found for ``text`` (at most 10).
    found_deliverables: list[Deliverable]
    #: The answers and deliverables linked from the case that the reader may see.
    links: list[CaseKnowledgeLink]
    #: The keys of the answers already linked (their "Link" button is not offered again).
    linked_answers: frozenset[int]


def _found(user: User, visible: Any, text: str, kind: str) -> list[Any]:
    if not text:
        return []
    results = search_page(user, SearchFilters(text=text, kind=kind), 1).results
    keys = [result.key for result in results[:PANEL_RESULTS]]
    by_key = {item.pk: item for item in visible.filter(pk__in=keys)}
    return [by_key[key] for key in keys if key in by_key]


def knowledge_panel(user: User, case: Case, *, text: str = "") -> KnowledgePanel:
    answers = Answer.objects.visible_to(user)
    matching = Q(service_id=case.service_id)
    if case.subject_id is not None:
        matching |= Q(subject_id=case.subject_id)
    suggestions = list(
        answers.filter(matching).order_by("-is_published", "-updated_at", "-pk")[:PANEL_SUGGESTIONS]
    )
    text = text.strip()[:200]
    found = _found(user, answers, text, EntryKind.ANSWER)
    found_deliverables = _found(
        user, Deliverable.objects.visible_to(user), text, EntryKind.DELIVERABLE
    )
    links = list(
        CaseKnowledgeLink.objects.filter(case=case)
        .filter(
            Q(answer__in=answers.values("pk"))
            | Q(deliverable__in=Deliverable.objects.visible_to(user).values("pk"))
        )
        .select_related("answer", "deliverable", "linked_by")
        .order_by("linked_at", "pk")[:PANEL_LINKS]
    )
    return KnowledgePanel(
        suggestions=suggestions,
        text=text,
        found=found,
        found_deliverables=found_deliverables,
        links=links,
        linked_answers=frozenset(link.answer_id for link in links if link.answer_id),
    )


def knowledge_services(user: User) -> Any:
    """The services a knowledge item may be about: those of the organizations of the user's
    units (administrators: every service)."""
    from comptoir.casework.models.knowledge import member_organization_ids
    from comptoir.inventory.models import Service
    from comptoir.inventory.models.scope import acts_for_every_organization

    services = Service.objects.select_related("organization").order_by(
        "organization__owner_org", "service_id"
    )
    if not acts_for_every_organization(user):
        services = services.filter(organization_id__in=member_organization_ids(user))
    return services
