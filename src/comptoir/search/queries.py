"""The search page's data, and who may find what.

:func:`visible_entries` applies, on the index's own columns, the rules of
``Case.objects.visible_to`` and ``Client.objects.visible_to``; :func:`search_page` then confirms
every row of the page against those querysets themselves, so a stale or wrong entry can never
show a case or a client (nor its text) that the reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from comptoir.casework.models import Case
from comptoir.casework.models.cases import VIEW_PERMISSION as VIEW_CASE
from comptoir.casework.models.cases import member_unit_ids
from comptoir.casework.text import STATUS_LABELS
from comptoir.clients.models import VIEW_CLIENT_PERMISSION as VIEW_CLIENT
from comptoir.clients.models import Client
from comptoir.core.casework import Status
from comptoir.i18n import pick_field
from comptoir.inventory.models import Unit, UnitMembership
from comptoir.inventory.models.scope import acts_for_every_organization
from comptoir.search import backends
from comptoir.search.models import EntryKind, SearchEntry
from comptoir.search.text import Fragment, snippet

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: Results a page.
PAGE_SIZE = 20
#: On PostgreSQL, a search with more matches than this ranks them within bands of this many,
#: newest first (``backends.query``): ten pages of the newest matches, best first, then the next
#: ten pages. A multiple of :data:`PAGE_SIZE`.
RANK_BAND = 200
#: Results are counted, and paged, up to this many: a search finding more asks for more words
#: or a filter (the count says "more than 1,000").
MAX_RESULTS = 1000
#: The units offered in the unit filter, at most.
MAX_UNIT_CHOICES = 500


@dataclass(frozen=True)
class SearchFilters:
    text: str = ""
    kind: str = ""
    status: str = ""
    unit: int | None = None
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class SearchResult:
    kind: str
    key: int
    #: A case's reference, a client's name ("" for an anonymous client).
    title: str
    snippet: list[Fragment]
    status: str
    status_label: str
    unit_name: str
    created_at: datetime


@dataclass(frozen=True)
class SearchPage:
    filters: SearchFilters
    results: list[SearchResult] = field(default_factory=list)
    #: Whether a search was made (the text had a word).
    searched: bool = False
    number: int = 1
    #: Matching results, counted up to :data:`MAX_RESULTS` (``more`` when there are more).
    count: int = 0
    more: bool = False
    has_previous: bool = False
    has_next: bool = False

    @property
    def first_rank(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def _may(user: AnyUser, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def may_search(user: AnyUser) -> bool:
    return _may(user, VIEW_CASE) or _may(user, VIEW_CLIENT)


def _memberships(user: AnyUser) -> tuple[list[int], list[int]]:
    """The units the user is an active member of, and those they manage (one query)."""
    if user.pk is None:
        return [], []
    rows = UnitMembership.objects.filter(user_id=user.pk, is_active=True).values_list(
        "unit_id", "is_manager"
    )
    members, managers = [], []
    for unit_id, is_manager in rows:
        members.append(unit_id)
        if is_manager:
            managers.append(unit_id)
    return members, managers


def _holding_any(units: list[int]) -> Q:
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(unit_ids__contains=f"|{unit}|")
    return condition


def visible_entries(user: AnyUser) -> Any:
    """The entries of the cases and clients the user may see, by the rules of
    ``Case.objects.visible_to`` and ``Client.objects.visible_to``, on the index's columns."""
    case = Q(kind=EntryKind.CASE)
    client = Q(kind=EntryKind.CLIENT)
    every = acts_for_every_organization(user)
    members, managers = ([], []) if every else _memberships(user)
    condition = Q(pk__in=[])
    if _may(user, VIEW_CASE):
        if every:
            condition |= case
        else:
            condition |= case & (
                Q(is_confidential=False, unit_id__in=members)
                | Q(is_confidential=False, entry_unit_id__in=members)
                | Q(is_confidential=True, unit_id__in=managers)
                | Q(owner_id=user.pk)
            )
    if _may(user, VIEW_CLIENT):
        if every:
            condition |= client
        else:
            condition |= client & (
                Q(is_confidential=False)
                | Q(owner_id=user.pk)
                | (Q(is_confidential=True) & _holding_any(members))
            )
    condition |= _visible_knowledge(user, every=every, members=members)
    return SearchEntry.objects.filter(condition)


def _visible_knowledge(user: AnyUser, *, every: bool, members: list[int]) -> Q:
    """The rules of ``Answer.objects.visible_to`` and ``Deliverable.objects.visible_to`` on the
    index's columns: the published answers and the deliverables of the organizations of the
    user's units, and the drafts of their units."""
    knowledge = Q(kind__in=[EntryKind.ANSWER, EntryKind.DELIVERABLE])
    if not _may(user, VIEW_CASE):
        return Q(pk__in=[])
    if every:
        return knowledge
    organizations = list(
        Unit.objects.filter(pk__in=members).values_list("organization_id", flat=True).distinct()
    )
    return knowledge & (
        Q(kind=EntryKind.DELIVERABLE, organization_id__in=organizations)
        | Q(kind=EntryKind.ANSWER, status="published", organization_id__in=organizations)
        | Q(kind=EntryKind.ANSWER, unit_id__in=members)
    )


def _instant(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(entries: Any, filters: SearchFilters) -> Any:
    if filters.kind in EntryKind.values:
        entries = entries.filter(kind=filters.kind)
    if filters.status:
        entries = entries.filter(kind=EntryKind.CASE, status=filters.status)
    if filters.unit is not None:
        entries = entries.filter(
            Q(kind=EntryKind.CASE, unit_id=filters.unit)
            | Q(kind=EntryKind.CLIENT, unit_ids__contains=f"|{filters.unit}|")
        )
    if filters.received_from is not None:
        entries = entries.filter(created_at__gte=_instant(filters.received_from))
    if filters.received_to is not None:
        entries = entries.filter(created_at__lt=_instant(filters.received_to + timedelta(days=1)))
    return entries


def filter_units(user: AnyUser) -> list[tuple[int, str]]:
    """The units the unit filter offers: the user's own (every active unit for an
    administrator, at most :data:`MAX_UNIT_CHOICES`)."""
    units = Unit.objects.filter(is_active=True)
    if not acts_for_every_organization(user):
        units = units.filter(pk__in=member_unit_ids(user))
    return [
        (unit.pk, pick_field(unit, "name"))
        for unit in units.order_by("code", "pk")[:MAX_UNIT_CHOICES]
    ]


def _confirmed(user: AnyUser, entries: list[SearchEntry]) -> list[SearchEntry]:
    """The entries whose case or client the access querysets themselves say the user may see."""
    case_keys = [entry.key for entry in entries if entry.kind == EntryKind.CASE]
    client_keys = [entry.key for entry in entries if entry.kind == EntryKind.CLIENT]
    seen: set[tuple[str, int]] = set()
    if case_keys:
        visible = Case.objects.visible_to(user).filter(pk__in=case_keys)
        seen.update((EntryKind.CASE, key) for key in visible.values_list("pk", flat=True))
    if client_keys:
        visible_clients = Client.objects.visible_to(user).filter(pk__in=client_keys)
        seen.update((EntryKind.CLIENT, key) for key in visible_clients.values_list("pk", flat=True))
    seen.update(_confirmed_knowledge(user, entries))
    return [entry for entry in entries if (entry.kind, entry.key) in seen]


def _confirmed_knowledge(user: AnyUser, entries: list[SearchEntry]) -> set[tuple[str, int]]:
    from comptoir.casework.models import Answer, Deliverable

    seen: set[tuple[str, int]] = set()
    for kind, model in ((EntryKind.ANSWER, Answer), (EntryKind.DELIVERABLE, Deliverable)):
        keys = [entry.key for entry in entries if entry.kind == kind]
        if keys:
            visible = model.objects.visible_to(user).filter(pk__in=keys)
            seen.update((kind, key) for key in visible.values_list("pk", flat=True))
    return seen


def _status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return ""


def search_page(user: AnyUser, filters: SearchFilters, page: Any) -> SearchPage:
    """One page of the results of ``filters`` among what ``user`` may see, best first."""
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    last_page = MAX_RESULTS // PAGE_SIZE
    number = min(number, last_page)
    if not (may_search(user) and filters.text.strip()):
        return SearchPage(filters=filters)
    entries = _filtered(visible_entries(user), filters)
    count = backends.count(filters.text, entries, bound=MAX_RESULTS + 1)
    if count == 0:
        return SearchPage(filters=filters, searched=True)
    # More matches than a band: ranked within bands of the newest; fewer: all of them ranked
    # (docs/search.md, "Ranking at scale").
    ids = backends.query(
        filters.text,
        entries,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
        band=RANK_BAND if count > RANK_BAND else None,
    )
    rows = {entry.pk: entry for entry in SearchEntry.objects.filter(pk__in=ids).defer("text")}
    page_entries = _confirmed(user, [rows[pk] for pk in ids if pk in rows])
    unit_keys = {entry.unit_id for entry in page_entries if entry.unit_id is not None}
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=unit_keys)} if unit_keys else {}
    results = [
        SearchResult(
            kind=entry.kind,
            key=entry.key,
            title=entry.title,
            snippet=snippet(entry.body, filters.text),
            status=entry.status,
            status_label=_status_label(entry.status),
            unit_name=pick_field(units[entry.unit_id], "name") if entry.unit_id in units else "",
            created_at=entry.created_at,
        )
        for entry in page_entries
    ]
    shown = min(count, MAX_RESULTS)
    return SearchPage(
        filters=filters,
        results=results,
        searched=True,
        number=number,
        count=shown,
        more=count > MAX_RESULTS,
        has_previous=number > 1,
        has_next=number * PAGE_SIZE < shown,
    )
