"""What the client pages (and the case entry form) read: each page's data in one call, within
``Client.objects.visible_to(user)``, every list bounded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from comptoir.clients.access import can_add_clients
from comptoir.clients.models import (
    CORRECTABLE_FIELDS,
    Client,
    ClientKind,
    Contact,
    ContactPoint,
    ContactPointKind,
    DuplicateCandidate,
)
from comptoir.clients.normalization import (
    NormalizationError,
    fold,
    looks_like_phone,
    normalize_phone,
    phone_prefixes,
)

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: Clients per page of the list.
PAGE_SIZE = 25
#: The most suggestions the look-up gives, whatever ``limit`` a caller asks for.
MAX_SUGGESTIONS = 50
#: The most contact points, contacts and history entries a client's page shows.
CLIENT_PAGE_LIMIT = 50
HISTORY_LIMIT = 20

# Relevance ranks of a match (lower is better).
_EXACT_CONTACT, _NAME_START, _WORD_START, _CONTACT_PREFIX, _NAME_ELSEWHERE = range(5)


def _active_points(kind: str) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(client=OuterRef("pk"), kind=kind, is_active=True)


def matching_clients(user: AnyUser, text: str) -> QuerySet[Client]:
    """The clients ``user`` may see (merged records left out) that match ``text``, best first:

    - by name, accent- and case-insensitively (every word typed is in the folded names);
    - by email when the text has an ``@`` (the exact address, or addresses starting with it);
    - by phone when the text looks like one (its E.164 form, or numbers starting with its
      digits, read as North American when no ``+`` is typed).

    An exact email or phone comes first, then names that start with the text, names with a word
    that starts with it, email or phone prefixes, and other name matches; then by name.
    """
    clients = Client.objects.visible_to(user).not_merged()
    text = text.strip()
    if not text:
        return clients.order_by("search_name", "pk")
    folded = fold(text)
    words = folded.split()
    name_match = Q()
    for word in words:
        name_match &= Q(search_name__contains=word)
    matches = name_match
    ranks = [
        When(search_name__startswith=folded, then=Value(_NAME_START)),
        When(
            Q(search_name__startswith=words[0]) | Q(search_name__contains=f" {words[0]}"),
            then=Value(_WORD_START),
        ),
    ]
    exact: list[Any] = []
    prefix: list[Any] = []
    if "@" in text:
        email = text.lower()
        exact.append(Exists(_active_points(ContactPointKind.EMAIL).filter(normalized=email)))
        prefix.append(
            Exists(_active_points(ContactPointKind.EMAIL).filter(normalized__startswith=email))
        )
    if looks_like_phone(text):
        try:
            phone = normalize_phone(text)
        except NormalizationError:
            phone = ""
        if phone:
            exact.append(Exists(_active_points(ContactPointKind.PHONE).filter(normalized=phone)))
        for start in phone_prefixes(text):
            prefix.append(
                Exists(_active_points(ContactPointKind.PHONE).filter(normalized__startswith=start))
            )
    for condition in exact + prefix:
        matches |= condition
    ranks = (
        [When(condition, then=Value(_EXACT_CONTACT)) for condition in exact]
        + ranks
        + [When(condition, then=Value(_CONTACT_PREFIX)) for condition in prefix]
    )
    return (
        clients.filter(matches)
        .annotate(
            relevance=Case(*ranks, default=Value(_NAME_ELSEWHERE), output_field=IntegerField())
        )
        .order_by("relevance", "search_name", "pk")
    )


def _with_primary_points(queryset: QuerySet[Client], user: AnyUser) -> QuerySet[Client]:
    """The clients with their account manager and, for staff who may see contact points, their
    primary contact points (``primary_contact_points``)."""
    queryset = queryset.select_related("account_manager")
    if not user.has_perm("clients.view_contactpoint"):
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "contact_points",
            queryset=ContactPoint.objects.filter(is_active=True, is_primary=True),
            to_attr="primary_contact_points",
        )
    )


def find_clients(user: AnyUser, text: str, *, limit: int = 10) -> list[Client]:
    """Look-up as you type: at most ``limit`` (at most :data:`MAX_SUGGESTIONS`) clients matching
    ``text`` (see :func:`matching_clients`); nothing for blank text."""
    if not text.strip():
        return []
    bounded = max(1, min(limit, MAX_SUGGESTIONS))
    return list(_with_primary_points(matching_clients(user, text), user)[:bounded])


def count_anonymous_clients(user: AnyUser) -> int:
    """How many anonymous clients ``user`` may see (anonymous is an explicit, counted choice)."""
    return Client.objects.visible_to(user).anonymous().count()


@dataclass(frozen=True)
class ClientListPage:
    query: str
    page: Page[Client]
    may_add: bool


def client_list(user: AnyUser, query: str, page_number: Any) -> ClientListPage:
    """The client search page: every client the user may see, or those matching ``query``,
    :data:`PAGE_SIZE` a page."""
    paginator = Paginator(_with_primary_points(matching_clients(user, query), user), PAGE_SIZE)
    return ClientListPage(
        query=query.strip(), page=paginator.get_page(page_number), may_add=can_add_clients(user)
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a client's history: ``kind`` is a code the template puts in words
    (``created``, ``changed``, ``contact_point_added``, ``contact_point_ended``,
    ``contact_point_changed``)."""

    at: datetime
    kind: str
    who: Any
    reason: str
    changed_fields: tuple[str, ...] = ()
    contact_point: str = ""


@dataclass(frozen=True)
class ClientRecordPage:
    client: Client
    active_contact_points: list[ContactPoint]
    ended_contact_points: list[ContactPoint]
    contacts: list[Contact]
    history: list[HistoryEntry]
    may_edit: bool
    may_change_contact_points: bool
    cases: list[Any] = field(default_factory=list)


def _client_history(client: Client) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    records = list(
        client.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(entries) == HISTORY_LIMIT:
            break
        if newer.history_type == "+" or older is None:
            entries.append(
                HistoryEntry(
                    newer.history_date,
                    "created",
                    newer.history_user,
                    newer.history_change_reason or "",
                )
            )
            continue
        fields = [f for f in Client._meta.concrete_fields if f.name in CORRECTABLE_FIELDS]
        changed = tuple(
            str(f.verbose_name)
            for f in fields
            if getattr(newer, f.attname) != getattr(older, f.attname)
        )
        entries.append(
            HistoryEntry(
                newer.history_date,
                "changed",
                newer.history_user,
                newer.history_change_reason or "",
                changed,
            )
        )
    return entries


def _contact_point_history(client: Client) -> list[HistoryEntry]:
    records = ContactPoint.history.filter(client_id=client.pk).select_related("history_user")
    entries = []
    for record in records.order_by("-history_date", "-history_id")[:HISTORY_LIMIT]:
        if record.history_type == "+":
            kind = "contact_point_added"
        elif not record.is_active:
            kind = "contact_point_ended"
        else:
            kind = "contact_point_changed"
        entries.append(
            HistoryEntry(
                record.history_date,
                kind,
                record.history_user,
                record.history_change_reason or "",
                contact_point=record.value,
            )
        )
    return entries


def client_page(user: AnyUser, client: Client) -> ClientRecordPage:
    """A client's page (``client`` obtained through ``access_client``)."""
    points = client.contact_points.order_by("kind", "-is_primary", "pk")
    if not user.has_perm("clients.view_contactpoint"):
        points = points.none()  # (the history below leaves their entries out too)
    visible = Client.objects.visible_to(user).values("pk")
    if client.kind == ClientKind.ORGANIZATION:
        contacts = Contact.objects.filter(organization=client, person__in=visible)
    else:
        contacts = Contact.objects.filter(person=client, organization__in=visible)
    contacts = contacts.active().select_related("person", "organization")[:CLIENT_PAGE_LIMIT]
    may_see_points = user.has_perm("clients.view_contactpoint")
    history = sorted(
        _client_history(client) + (_contact_point_history(client) if may_see_points else []),
        key=lambda entry: entry.at,
        reverse=True,
    )[:HISTORY_LIMIT]
    editable = Client.objects.editable_by(user).filter(pk=client.pk).exists()
    return ClientRecordPage(
        client=client,
        active_contact_points=list(points.filter(is_active=True)[:CLIENT_PAGE_LIMIT]),
        ended_contact_points=list(points.filter(is_active=False)[:CLIENT_PAGE_LIMIT]),
        contacts=list(contacts),
        history=history,
        may_edit=editable,
        may_change_contact_points=editable
        and user.has_perm("clients.add_contactpoint")
        and user.has_perm("clients.change_contactpoint"),
    )


#: Pairs per page of the duplicate review queue.
DUPLICATE_PAGE_SIZE = 20
#: The most contact points of each kind shown for a record in the queue.
DUPLICATE_POINTS_LIMIT = 5


@dataclass(frozen=True)
class DuplicateSide:
    """One record of a pair as the steward compares it: its contact points by kind (empty when
    the reader may not see contact points) and how many of its cases the reader may see."""

    client: Client
    emails: list[ContactPoint]
    phones: list[ContactPoint]
    addresses: list[ContactPoint]
    case_count: int


@dataclass(frozen=True)
class DuplicateRow:
    candidate: DuplicateCandidate
    left: DuplicateSide
    right: DuplicateSide
    #: The score in percent, rounded down so 99.99 % never reads as certain.
    percent: int
    #: The stored explanation, each line in the reader's words (``explain_line``).
    explanation: list[str]

    @property
    def sides(self) -> tuple[DuplicateSide, DuplicateSide]:
        return (self.left, self.right)


@dataclass(frozen=True)
class DuplicateQueuePage:
    page: Page[DuplicateCandidate]
    rows: list[DuplicateRow]


def _duplicate_side(
    client: Client, points: list[ContactPoint], case_counts: dict[int, int]
) -> DuplicateSide:
    mine = [point for point in points if point.client_id == client.pk]
    by_kind = {
        kind: [point for point in mine if point.kind == kind][:DUPLICATE_POINTS_LIMIT]
        for kind in ContactPointKind.values
    }
    return DuplicateSide(
        client=client,
        emails=by_kind[ContactPointKind.EMAIL],
        phones=by_kind[ContactPointKind.PHONE],
        addresses=by_kind[ContactPointKind.ADDRESS],
        case_count=case_counts.get(client.pk, 0),
    )


def duplicate_queue(user: AnyUser, page_number: Any) -> DuplicateQueuePage:
    """The review queue: pending pairs best first, :data:`DUPLICATE_PAGE_SIZE` a page, only those
    whose two records ``user`` may see (a confidential record's pair is not even counted for
    others). A fixed number of queries whatever the page holds."""
    from comptoir.casework.models import (
        Case as CaseRecord,
    )  # casework depends on clients, not the reverse
    from comptoir.clients.matching import explain_line
    from comptoir.core.matching import FieldWeight

    visible = Client.objects.visible_to(user).values("pk")
    pending = (
        DuplicateCandidate.objects.filter(left__in=visible, right__in=visible)
        .select_related("left", "right")
        .order_by("-score", "left_id", "right_id")
    )
    page = Paginator(pending, DUPLICATE_PAGE_SIZE).get_page(page_number)
    candidates = list(page.object_list)
    ids = {pk for candidate in candidates for pk in (candidate.left_id, candidate.right_id)}
    points: list[ContactPoint] = []
    if ids and user.has_perm("clients.view_contactpoint"):
        points = list(
            ContactPoint.objects.filter(client_id__in=ids, is_active=True).order_by(
                "-is_primary", "pk"
            )
        )
    case_counts: dict[int, int] = {}
    if ids:
        case_counts = dict(
            CaseRecord.objects.visible_to(user)
            .filter(client_id__in=ids)
            .values("client_id")
            .annotate(count=Count("pk"))
            .values_list("client_id", "count")
        )
    rows = [
        DuplicateRow(
            candidate=candidate,
            left=_duplicate_side(candidate.left, points, case_counts),
            right=_duplicate_side(candidate.right, points, case_counts),
            percent=int(candidate.score * 100),
            explanation=[
                explain_line(
                    FieldWeight(
                        str(line.get("field", "")),
                        str(line.get("level", "")),
                        float(line.get("weight", 0.0)),
                    )
                )
                for line in candidate.explanation
                if isinstance(line, dict)
            ],
        )
        for candidate in candidates
    ]
    return DuplicateQueuePage(page=page, rows=rows)
