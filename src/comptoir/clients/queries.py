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
    MERGE_FIELDS,
    Client,
    ClientKind,
    ClientMerge,
    ClientMergeMember,
    ClientMergeUndo,
    Contact,
    ContactPoint,
    ContactPointKind,
    DuplicateCandidate,
    DuplicateDecision,
    DuplicateVerdict,
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


# --- merges (issue 13, item 4) ---------------------------------------------------------------

#: The most records one merge compares: a larger cluster is merged in parts.
MERGE_LIMIT = 10
#: The most clusters of confirmed duplicates the review queue lists.
CLUSTERS_LIMIT = 20
#: The most confirmed pairs read to build the clusters (the newest decisions first).
CLUSTER_PAIRS_LIMIT = 5000
#: The most merges a client's page lists.
MERGES_LIMIT = 20


def _field_label(name: str) -> str:
    """A client field's label, as a form shows it (capitalized)."""
    label = str(getattr(Client._meta.get_field(name), "verbose_name", name))
    return label[:1].upper() + label[1:]


def _shown_value(client: Client, field_name: str) -> str:
    """A merge field's value as the steward compares it ("—" when empty)."""
    if field_name == "alternate_formats":
        return ", ".join(client.alternate_format_labels) or "—"
    if field_name == "account_manager":
        return str(client.account_manager) if client.account_manager_id else "—"
    if field_name == "date_of_birth":
        return client.date_of_birth.isoformat() if client.date_of_birth else "—"
    display = getattr(client, f"get_{field_name}_display", None)
    value = display() if display is not None else getattr(client, field_name)
    return str(value) if value else "—"


@dataclass(frozen=True)
class MergeOption:
    record: int
    shown: str


@dataclass(frozen=True)
class MergeChoice:
    """One field of the merge page: the records' values (one option per distinct value, named
    by the first record holding it) and the one proposed (the first that is not empty)."""

    field: str
    label: str
    options: list[MergeOption]
    proposed: int


@dataclass(frozen=True)
class MergePage:
    records: list[DuplicateSide]
    #: The fields whose values differ (the steward chooses); the others agree.
    choices: list[MergeChoice]
    agreed: list[tuple[str, str]]
    #: The record proposed as the one to keep: the most cases, then the oldest.
    proposed_survivor: int
    #: True when a record is confidential: the record kept will be.
    confidential: bool


def merge_page(user: AnyUser, records: list[Client]) -> MergePage:
    """The merge page of ``records`` (each obtained through ``access_clients_for_merge``)."""
    from comptoir.casework.models import Case as CaseRecord  # casework depends on clients

    ids = [record.pk for record in records]
    points: list[ContactPoint] = []
    if user.has_perm("clients.view_contactpoint"):
        points = list(
            ContactPoint.objects.filter(client_id__in=ids, is_active=True).order_by(
                "-is_primary", "pk"
            )
        )
    case_counts = dict(
        CaseRecord.objects.visible_to(user)
        .filter(client_id__in=ids)
        .values("client_id")
        .annotate(count=Count("pk"))
        .values_list("client_id", "count")
    )
    ordered = sorted(records, key=lambda r: (-case_counts.get(r.pk, 0), r.created_at, r.pk))
    choices, agreed = [], []
    for name in MERGE_FIELDS:
        if ordered[0].kind == ClientKind.ORGANIZATION and name in ("given_name", "family_name"):
            continue
        if ordered[0].kind == ClientKind.PERSON and name == "organization_name":
            continue
        label = _field_label(name)
        options: list[MergeOption] = []
        seen: set[str] = set()
        for record in ordered:
            shown = _shown_value(record, name)
            if shown not in seen:
                seen.add(shown)
                options.append(MergeOption(record.pk, shown))
        if len(options) == 1:
            agreed.append((label, options[0].shown))
            continue
        proposed = next((o.record for o in options if o.shown != "—"), options[0].record)
        choices.append(MergeChoice(name, label, options, proposed))
    return MergePage(
        records=[_duplicate_side(record, points, case_counts) for record in ordered],
        choices=choices,
        agreed=agreed,
        proposed_survivor=ordered[0].pk,
        confidential=any(record.is_confidential for record in records),
    )


def confirmed_clusters(
    user: AnyUser, *, around: Client | None = None, limit: int = CLUSTERS_LIMIT
) -> list[list[Client]]:
    """The records a steward confirmed are one client and nobody has merged yet, grouped into
    clusters (A=B and B=C: one cluster of three), the newest decisions first; each cluster's
    records are ones ``user`` may see. With ``around``, only the cluster holding it, found by
    following its confirmed pairs (a few small queries, whatever the number of decisions)."""
    visible = Client.objects.visible_to(user).not_merged().values("pk")
    confirmed = DuplicateDecision.objects.filter(
        decision=DuplicateVerdict.CONFIRMED, left__in=visible, right__in=visible
    )
    if around is not None:
        return _cluster_around(confirmed, around)
    pairs = list(
        confirmed.order_by("-decided_at", "-pk").values_list("left_id", "right_id")[
            :CLUSTER_PAIRS_LIMIT
        ]
    )
    parent: dict[int, int] = {}

    def root(key: int) -> int:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    order: list[int] = []
    for left, right in pairs:
        order.extend((left, right))
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for key in dict.fromkeys(order):  # newest first, each record once
        groups.setdefault(root(key), []).append(key)
    wanted = [group[:MERGE_LIMIT] for group in list(groups.values())[:limit]]
    records = Client.objects.in_bulk([key for group in wanted for key in group])
    return [[records[key] for key in group] for group in wanted]


def _cluster_around(confirmed: Any, around: Client) -> list[list[Client]]:
    """The cluster of ``around`` through ``confirmed`` pairs, breadth first, at most
    :data:`MERGE_LIMIT` records (``[]`` when it has no confirmed pair)."""
    members = [around.pk]
    frontier = {around.pk}
    while frontier and len(members) < MERGE_LIMIT:
        found: set[int] = set()
        touching = confirmed.filter(Q(left__in=frontier) | Q(right__in=frontier))
        for left, right in touching.values_list("left_id", "right_id"):
            found.update((left, right))
        frontier = found - set(members)
        members.extend(sorted(frontier)[: MERGE_LIMIT - len(members)])
    if len(members) < 2:
        return []
    records = Client.objects.in_bulk(members)
    return [[records[key] for key in members]]


@dataclass(frozen=True)
class MergeEntry:
    """A merge as a client's page shows it; ``members`` holds the merged records the reader may
    see (``hidden`` counts the others) and ``refusal`` why it cannot be undone now."""

    merge: ClientMerge
    members: list[ClientMergeMember]
    hidden: int
    undo: ClientMergeUndo | None
    refusal: str
    #: The labels of the fields the undo left as corrected after the merge.
    kept_labels: list[str] = field(default_factory=list)

    @property
    def case_count(self) -> int:
        return sum(member.case_count for member in self.members)


def _merge_entries(user: AnyUser, merges: list[ClientMerge]) -> list[MergeEntry]:
    from comptoir.clients.actions import undo_refusal

    visible = set(
        Client.objects.visible_to(user)
        .filter(merged_in__merge__in=merges)
        .values_list("pk", flat=True)
    )
    entries = []
    for merge in merges:
        members = list(merge.members.all())
        undo = getattr(merge, "undo", None)
        refusal = undo_refusal(merge) if undo is None else None
        entries.append(
            MergeEntry(
                merge=merge,
                members=[member for member in members if member.client_id in visible],
                hidden=sum(member.client_id not in visible for member in members),
                undo=undo,
                refusal=" ".join(refusal.messages) if refusal is not None else "",
                kept_labels=[_field_label(name) for name in (undo.kept_fields if undo else [])],
            )
        )
    return entries


@dataclass(frozen=True)
class ClientMerges:
    #: The merges into this record, newest first.
    into: list[MergeEntry]
    #: The merge that made this record a pointer (when it is one).
    merged_by: MergeEntry | None
    #: Other records confirmed to be the same client, not merged yet.
    duplicates: list[Client]
    may_merge: bool


def client_merges(user: AnyUser, client: Client) -> ClientMerges:
    """The merges a client's page shows (``client`` obtained through ``access_client``)."""
    from comptoir.clients.access import can_merge_clients

    merges = (
        ClientMerge.objects.filter(survivor=client)
        .select_related("merged_by", "undo", "undo__undone_by")
        .prefetch_related(Prefetch("members", ClientMergeMember.objects.select_related("client")))
        .order_by("-merged_at", "-pk")[:MERGES_LIMIT]
    )
    pointer = None
    if client.merged_into_id is not None:
        pointer = (
            ClientMerge.objects.filter(members__client=client, undo__isnull=True)
            .select_related("merged_by", "survivor")
            .prefetch_related(
                Prefetch("members", ClientMergeMember.objects.select_related("client"))
            )
            .order_by("-pk")
            .first()
        )
    may_merge = can_merge_clients(user) and client.merged_into_id is None
    duplicates: list[Client] = []
    if may_merge:
        found = confirmed_clusters(user, around=client, limit=1)
        duplicates = [record for record in (found[0] if found else []) if record.pk != client.pk]
    return ClientMerges(
        into=_merge_entries(user, list(merges)),
        merged_by=_merge_entries(user, [pointer])[0] if pointer is not None else None,
        duplicates=duplicates,
        may_merge=may_merge,
    )
