"""Keeping the search index up to date: :func:`index_case` and :func:`index_client` rebuild one
object's entry from its current state, in the caller's transaction (the event writer of
casework, the client actions), so the index never drifts from what it describes;
:func:`rebuild` makes every entry again in batches (``comptoir search rebuild``).

What is indexed (docs/search.md):

- a case: its reference, what was asked, its client's name, its request type's and subject's
  names in both languages, and the text of every note and message (``reason`` and the payload's
  text);
- a client: their names, the names of the organizations they are a contact of, their email
  addresses, their phone numbers as given, in E.164 and in national form, and their cities.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import phonenumbers
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from comptoir.casework.models import Case, CaseEvent
from comptoir.clients.models import Client, ContactPoint, ContactPointKind
from comptoir.search import backends
from comptoir.search.models import EntryKind, SearchEntry

#: The event kinds whose text is searched.
TEXT_EVENT_KINDS = ("note", "message_in", "message_out")
#: The indexed text of one object is cut here (a case with hundreds of long notes is still
#: found by its first 200,000 characters; PostgreSQL's tsvector has its own bound of 1 MB).
MAX_BODY = 200_000
#: Objects written per statement by :func:`rebuild`.
BATCH_SIZE = 500


def _texts_of_payload(payload: object) -> Iterator[str]:
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for value in payload.values():
            yield from _texts_of_payload(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _texts_of_payload(value)


def _joined(parts: Iterable[str]) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())[:MAX_BODY]


def client_name(client: Client | None) -> str:
    """The name a search finds a client (and their cases) by: "" for an anonymous client."""
    if client is None or client.is_anonymous:
        return ""
    return client.display_name


def case_entry(case: Case, events: Sequence[Any]) -> SearchEntry:
    """The entry of ``case`` (its service, client, request type and subject loaded or loadable),
    from its text events (``events``: anything with a ``reason`` and a ``payload``)."""
    return SearchEntry(**case_entry_values(case, events, client_name=client_name(case.client)))


def case_entry_values(case: Any, events: Iterable[Any], *, client_name: str) -> dict[str, Any]:
    """The fields of the entry of ``case``, as :func:`case_entry` gives them: what the bulk case
    writer (``casework.bulk_cases``) writes as plain rows. ``case`` is a ``Case`` or anything with
    the attributes read here (the bulk writer's ``NewCase``); ``client_name`` is the name a search
    finds the case by ("" for an anonymous case)."""
    catalogue = [
        name
        for item in (case.request_type, case.subject)
        if item is not None
        for name in (item.name_en, item.name_fr)
    ]
    event_texts = [
        text for event in events for text in (event.reason, *_texts_of_payload(event.payload))
    ]
    return {
        "kind": EntryKind.CASE,
        "key": case.pk,
        "title": case.reference,
        "body": _joined([case.description, client_name, *catalogue, *event_texts]),
        "unit_id": case.current_unit_id,
        "entry_unit_id": case.entry_unit_id,
        "unit_ids": SearchEntry.units_text([case.current_unit_id, case.entry_unit_id]),
        "owner_id": case.owner_id,
        "organization_id": case.service.organization_id,
        "is_confidential": case.is_confidential,
        "status": case.status,
        "category": case.kind,
        "created_at": case.received_at,
        "updated_at": case.last_event_at,
    }


def _phone_forms(point: ContactPoint) -> list[str]:
    forms = [point.value, point.normalized]
    try:
        number = phonenumbers.parse(point.normalized or point.value, "CA")
    except phonenumbers.NumberParseException:
        return forms
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    forms += [national, "".join(c for c in national if c.isdigit()), point.normalized.lstrip("+")]
    return forms


def client_entry(
    client: Client,
    points: Sequence[ContactPoint],
    organizations: Sequence[str],
    units: Iterable[int | None],
    *,
    updated_at: datetime | None = None,
) -> SearchEntry:
    """The entry of a client. Its ``updated_at`` (what "newest first" reads, docs/search.md) is
    ``updated_at`` when the caller writes it for a change made now (:func:`index_client`), else
    the client's creation: a rebuild or a bulk write does not make every client look new."""
    parts: list[str] = [*organizations]
    for point in points:
        if point.kind == ContactPointKind.PHONE:
            parts += _phone_forms(point)
        elif point.kind == ContactPointKind.EMAIL:
            parts.append(point.value)
        else:
            parts.append(point.city)
    return SearchEntry(
        kind=EntryKind.CLIENT,
        key=client.pk,
        title=client_name(client),
        body=_joined([client.given_name, client.family_name, client.organization_name, *parts]),
        unit_ids=SearchEntry.units_text(units),
        owner_id=client.account_manager_id,
        is_confidential=client.is_confidential,
        category=client.kind,
        created_at=client.created_at,
        updated_at=updated_at or client.created_at,
    )


def _case_query() -> Any:
    return Case.objects.select_related("service", "client", "request_type", "subject")


def _text_events() -> Any:
    return (
        CaseEvent.objects.filter(kind__in=TEXT_EVENT_KINDS)
        .only("case_id", "sequence", "reason", "payload")
        .order_by("case_id", "sequence")
    )


def _units_of_clients(client_ids: Iterable[int]) -> dict[int, set[int]]:
    units: dict[int, set[int]] = {}
    rows = (
        Case.objects.filter(client_id__in=list(client_ids))
        .values_list("client_id", "current_unit_id", "entry_unit_id")
        .distinct()
    )
    for client_id, current, entry in rows:
        units.setdefault(client_id, set()).update((current, entry))
    return units


def index_case(case: Case, *, events: Sequence[CaseEvent] | None = None) -> None:
    """Rebuild the entry of ``case`` from its current state (in the caller's transaction), and
    the list of units holding its client. The event writer, which holds the case as stored
    (with its service, client, request type and subject) and all its events, gives them as
    ``events``; without them both are read again."""
    with transaction.atomic(savepoint=False):
        if events is None:
            fresh = _case_query().get(pk=case.pk)
            texts = list(_text_events().filter(case_id=case.pk))
        else:
            fresh = case
            texts = [event for event in events if event.kind in TEXT_EVENT_KINDS]
        backends.index(case_entry(fresh, texts))
        if fresh.client_id is not None:
            held = _units_of_clients([fresh.client_id]).get(fresh.client_id, set())
            units = SearchEntry.units_text(held)
            updated = (
                SearchEntry.objects.filter(kind=EntryKind.CLIENT, key=fresh.client_id)
                .exclude(unit_ids=units)
                .update(unit_ids=units)
            )
            if (
                not updated
                and not SearchEntry.objects.filter(
                    kind=EntryKind.CLIENT, key=fresh.client_id
                ).exists()
            ):
                index_client(fresh.client)


def client_query() -> Any:
    return Client.objects.prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.active().order_by("pk")),
    )


def _organizations_of(client_ids: Iterable[int]) -> dict[int, list[str]]:
    from comptoir.clients.models import Contact

    names: dict[int, list[str]] = {}
    rows = Contact.objects.active().filter(person_id__in=list(client_ids))
    for person_id, name in rows.values_list("person_id", "organization__organization_name"):
        names.setdefault(person_id, []).append(name)
    return names


def client_entries(clients: Sequence[Client]) -> list[SearchEntry]:
    keys = [client.pk for client in clients]
    organizations = _organizations_of(keys)
    units = _units_of_clients(keys)
    return [
        client_entry(
            client,
            list(client.contact_points.all()),
            organizations.get(client.pk, []),
            units.get(client.pk, ()),
        )
        for client in clients
    ]


#: Clients whose units :func:`index_client_units` writes per statement.
UNITS_CHUNK = 50_000


def index_client_units(client_ids: Iterable[int]) -> None:
    """Write again the units holding each of these clients (``unit_ids`` of their entries: the
    current and entry units of every case of theirs, as :func:`client_entries` computes them),
    after cases were written in bulk. An entry that does not exist is not made. On PostgreSQL
    one set-based ``UPDATE`` per :data:`UNITS_CHUNK` clients; elsewhere the units are read and
    the changed entries updated."""
    from django.db import connection

    keys = sorted({int(key) for key in client_ids})
    size = UNITS_CHUNK
    if connection.vendor != "postgresql":  # a list of keys is that many parameters
        size = min(size, (connection.features.max_query_params or 999) - 10)
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # '|3|7|': each unit once, in increasing order, between bars (units_text).
                cursor.execute(
                    "UPDATE search_searchentry AS entry SET unit_ids = held.ids FROM ("
                    " SELECT client_id, '|' || string_agg(unit::text, '|' ORDER BY unit) || '|'"
                    " AS ids FROM ("
                    "  SELECT client_id, current_unit_id AS unit FROM casework_case"
                    "  WHERE client_id = ANY(%s)"
                    "  UNION SELECT client_id, entry_unit_id FROM casework_case"
                    "  WHERE client_id = ANY(%s)) AS units GROUP BY client_id) AS held"
                    " WHERE entry.kind = %s AND entry.key = held.client_id"
                    " AND entry.unit_ids <> held.ids",
                    [chunk, chunk, EntryKind.CLIENT.value],
                )
            continue
        units = _units_of_clients(chunk)
        current = dict(
            SearchEntry.objects.filter(kind=EntryKind.CLIENT, key__in=chunk).values_list(
                "key", "unit_ids"
            )
        )
        changed: list[tuple[str, int]] = [
            (text, key)
            for key, held in units.items()
            if key in current and current[key] != (text := SearchEntry.units_text(held))
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_searchentry SET unit_ids = %s WHERE kind = 'client' AND key = %s",
                changed,
            )


def index_client(client: Client) -> None:
    """Rebuild the entry of ``client`` from its current state (in the caller's transaction);
    when the client's name changed, their cases' entries too (a case is found by its client's
    name)."""
    with transaction.atomic():
        fresh = client_query().get(pk=client.pk)
        (entry,) = client_entries([fresh])
        entry.updated_at = timezone.now()  # a change made now: the client is among the newest
        previous = (
            SearchEntry.objects.filter(kind=EntryKind.CLIENT, key=fresh.pk)
            .values_list("title", flat=True)
            .first()
        )
        backends.index(entry)
        if previous is not None and previous != entry.title:
            rebuild_cases(Case.objects.filter(client_id=fresh.pk))


def _batches(queryset: Any, size: int) -> Iterator[list[Any]]:
    """``queryset`` in batches of ``size``, by increasing primary key (no OFFSET)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def rebuild_cases(cases: Any, size: int = BATCH_SIZE) -> int:
    done = 0
    for batch in _batches(_case_query().filter(pk__in=cases.values("pk")), size):
        by_case: dict[int, list[CaseEvent]] = {}
        for event in _text_events().filter(case_id__in=[case.pk for case in batch]):
            by_case.setdefault(event.case_id, []).append(event)
        with transaction.atomic():
            backends.index_many([case_entry(case, by_case.get(case.pk, [])) for case in batch])
        done += len(batch)
    return done


def _rebuild_clients(size: int = BATCH_SIZE) -> int:
    done = 0
    for batch in _batches(client_query(), size):
        with transaction.atomic():
            backends.index_many(client_entries(batch))
        done += len(batch)
    return done


def rebuild(kind: str | None = None, *, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Make the entry of every case and client (or only of ``kind``) again from its current
    state, ``batch_size`` objects per transaction; returns how many of each were indexed."""
    counts: dict[str, int] = {}
    if kind in (None, EntryKind.CLIENT):
        counts[EntryKind.CLIENT] = _rebuild_clients(batch_size)
    if kind in (None, EntryKind.CASE):
        counts[EntryKind.CASE] = rebuild_cases(Case.objects.all(), batch_size)
    if kind in (None, EntryKind.ANSWER, EntryKind.DELIVERABLE):
        knowledge = rebuild_knowledge(batch_size)
        counts.update({k: n for k, n in knowledge.items() if kind in (None, k)})
    return counts


# --- knowledge: reusable answers and deliverables (comptoir.casework.models.knowledge) -----------


def _answer_entry(answer: Any) -> SearchEntry:
    return SearchEntry(
        kind=EntryKind.ANSWER,
        key=answer.pk,
        title=answer.question_en,
        body=_joined([answer.question_fr, answer.answer_en, answer.answer_fr]),
        unit_id=answer.owner_unit_id,
        unit_ids=SearchEntry.units_text([answer.owner_unit_id]),
        organization_id=answer.owner_unit.organization_id,
        # What the index's visibility rule reads: a draft is seen only by its unit.
        status="published" if answer.is_published else "draft",
        created_at=answer.created_at,
        updated_at=answer.updated_at,
    )


def _deliverable_entry(deliverable: Any) -> SearchEntry:
    return SearchEntry(
        kind=EntryKind.DELIVERABLE,
        key=deliverable.pk,
        title=deliverable.title_en,
        body=_joined(
            [deliverable.title_fr, deliverable.description_en, deliverable.description_fr]
        ),
        unit_id=deliverable.owner_unit_id,
        unit_ids=SearchEntry.units_text([deliverable.owner_unit_id]),
        organization_id=deliverable.owner_unit.organization_id,
        created_at=deliverable.created_at,
        updated_at=deliverable.created_at,
    )


def index_answer(answer: Any) -> None:
    """Rebuild the entry of a reusable answer (its texts in both languages), in the caller's
    transaction."""
    from comptoir.casework.models import Answer

    with transaction.atomic():
        backends.index(_answer_entry(Answer.objects.select_related("owner_unit").get(pk=answer.pk)))


def index_deliverable(deliverable: Any) -> None:
    """Rebuild the entry of a deliverable (its title and description in both languages)."""
    from comptoir.casework.models import Deliverable

    with transaction.atomic():
        fresh = Deliverable.objects.select_related("owner_unit").get(pk=deliverable.pk)
        backends.index(_deliverable_entry(fresh))


def rebuild_knowledge(batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Make the entry of every reusable answer and deliverable again."""
    from comptoir.casework.models import Answer, Deliverable

    counts: dict[str, int] = {}
    for kind, model, entry in (
        (EntryKind.ANSWER, Answer, _answer_entry),
        (EntryKind.DELIVERABLE, Deliverable, _deliverable_entry),
    ):
        done = 0
        for batch in _batches(model.objects.select_related("owner_unit"), batch_size):
            with transaction.atomic():
                backends.index_many([entry(item) for item in batch])
            done += len(batch)
        counts[kind] = done
    return counts
