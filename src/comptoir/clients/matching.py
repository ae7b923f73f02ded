"""Existing clients proposed at intake (issue 13, item 2), from the matching core.

Each client's record has its blocking strings stored (``ClientMatchKey``, kept up to date by the
client actions and the bulk writer; ``comptoir clients index-keys`` rebuilds them). To propose:

1. the record typed (a name, an email, a phone, an address) is normalised and its blocking
   strings computed (``core.matching.blocking_values``);
2. each string is looked up in the index, identifiers (email, phone) first, at most
   ``BLOCK_CAP`` + 1 clients each: a string more than ``BLOCK_CAP`` clients share (a switchboard
   number, a very common family name in one postal area) says nothing about any of them and is
   left out, as the batch blocking leaves such a block out;
3. of the clients found by the most strings (at most ``MAX_CANDIDATES``) among those the reader
   may see, those sharing an identifier and the ``MAX_SCORED`` closest by folded name are read
   with their active contact points and scored against the record
   (``core.matching.score_pair``);
4. those at or above ``COMPTOIR_MATCH_PROPOSE`` are proposed, best first, each with its
   explanation (which fields agreed and how much each counted). At or above
   ``COMPTOIR_MATCH_AUTO_LINK``, the portal, the API and inbound mail link the case to the client
   themselves and say so on the case; staff are always asked.

Merged and anonymous records are never proposed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comptoir.clients.models import Client, ClientMatchKey, ContactPoint, ContactPointKind
from comptoir.core.matching import (
    Address,
    ClientRecord,
    FieldWeight,
    NormalizedRecord,
    RecordKind,
    blocking_values,
    jaro_winkler,
    normalize_record,
    score_pair,
)
from comptoir.core.matching.normalize import fold

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: A blocking string shared by more clients than this is left out of a look-up.
BLOCK_CAP = 200
#: The most clients read for one proposal (those sharing the most strings with the record).
MAX_CANDIDATES = 200
#: Of those, how many are scored in full besides the ones sharing an identifier: the closest by
#: name (a first, cheap pass on the folded names the record already keeps).
MAX_SCORED = 40
#: The most clients proposed.
MAX_PROPOSALS = 5
#: The score from which ``comptoir clients find-duplicates`` lists a pair: the default
#: proposal threshold (``COMPTOIR_MATCH_PROPOSE``). The bulk list feeds a steward's review, as a
#: proposal feeds an officer's choice: a pair is only shown, never merged, so it is set where
#: the evidence is as likely for one client as for two, and the same pair is listed in bulk
#: exactly when it would be proposed at intake (both score with the default weights).
DEFAULT_DUPLICATE_THRESHOLD = 0.5
#: Blocking strings of identifiers, looked up first.
_IDENTIFIER_PREFIXES = ("email:", "phone:")


def propose_threshold() -> float:
    return float(getattr(settings, "COMPTOIR_MATCH_PROPOSE", 0.5))


def auto_link_threshold() -> float:
    return float(getattr(settings, "COMPTOIR_MATCH_AUTO_LINK", 0.995))


# --- records --------------------------------------------------------------------------------------


def record_of(client: Client, points: Iterable[ContactPoint]) -> ClientRecord:
    """The matching core's view of a client and its active contact points."""
    emails, phones, addresses = [], [], []
    for point in points:
        if not point.is_active:
            continue
        if point.kind == ContactPointKind.EMAIL:
            emails.append(point.value)
        elif point.kind == ContactPointKind.PHONE:
            phones.append(point.value)
        elif point.kind == ContactPointKind.ADDRESS:
            addresses.append(
                Address(point.street, point.city, point.province, point.postal_code, point.country)
            )
    return ClientRecord(
        id=client.pk or 0,
        kind=RecordKind.ORGANIZATION if client.kind == "organization" else RecordKind.PERSON,
        given_name=client.given_name,
        family_name=client.family_name,
        organization_name=client.organization_name,
        date_of_birth=client.date_of_birth,
        emails=tuple(emails),
        phones=tuple(phones),
        addresses=tuple(addresses),
    )


def typed_record(
    *,
    given_name: str = "",
    family_name: str = "",
    organization_name: str = "",
    email: str = "",
    phone: str = "",
    street: str = "",
    city: str = "",
    province: str = "",
    postal_code: str = "",
) -> ClientRecord:
    """The record someone typed at intake (a person unless only an organization is named)."""
    is_person = bool(given_name.strip() or family_name.strip()) or not organization_name.strip()
    address = Address(street, city, province, postal_code)
    return ClientRecord(
        id=0,
        kind=RecordKind.PERSON if is_person else RecordKind.ORGANIZATION,
        given_name=given_name,
        family_name=family_name,
        organization_name=organization_name,
        emails=(email,) if email.strip() else (),
        phones=(phone,) if phone.strip() else (),
        addresses=(address,) if (street or city or postal_code).strip() else (),
    )


def _values(client: Client, points: Iterable[ContactPoint]) -> tuple[str, ...]:
    if client.is_anonymous or client.merged_into_id is not None:
        return ()
    return blocking_values(normalize_record(record_of(client, points)))


# --- the index ------------------------------------------------------------------------------------


def refresh_match_keys(client: Client) -> None:
    """Rewrite the blocking strings of ``client`` from its record as stored now (in the caller's
    transaction): the client actions call it after every change of names or contact points."""
    points = list(ContactPoint.objects.filter(client_id=client.pk, is_active=True))
    fresh = Client.objects.get(pk=client.pk)
    wanted = set(_values(fresh, points))
    with transaction.atomic():
        held = set(
            ClientMatchKey.objects.filter(client_id=client.pk).values_list("value", flat=True)
        )
        if held - wanted:
            ClientMatchKey.objects.filter(client_id=client.pk, value__in=held - wanted).delete()
        ClientMatchKey.objects.bulk_create(
            [ClientMatchKey(client_id=client.pk, value=value) for value in sorted(wanted - held)]
        )


def match_key_rows(
    clients: Sequence[Client], points: Sequence[Sequence[ContactPoint]]
) -> list[tuple[int, str]]:
    """``(client key, string)`` rows of new clients (each with its contact points, in order):
    what the bulk writer inserts for the clients it writes."""
    return [
        (client.pk, value)
        for client, mine in zip(clients, points, strict=True)
        for value in _values(client, mine)
    ]


def rebuild_match_keys(*, batch: int = 2_000) -> int:
    """Rewrite the whole index from the records (``comptoir clients index-keys``); returns the
    number of strings written."""
    from comptoir import bulk

    written = 0
    last = 0
    with transaction.atomic():
        ClientMatchKey.objects.all().delete()
        while True:
            clients = list(
                Client.objects.filter(pk__gt=last, is_anonymous=False, merged_into__isnull=True)
                .order_by("pk")
                .prefetch_related(
                    Prefetch(
                        "contact_points",
                        queryset=ContactPoint.objects.filter(is_active=True),
                        to_attr="active_points",
                    )
                )[:batch]
            )
            if not clients:
                break
            last = clients[-1].pk
            rows = match_key_rows(
                clients, [getattr(client, "active_points", ()) for client in clients]
            )
            bulk.write_rows(ClientMatchKey._meta.db_table, ("client_id", "value"), rows)
            written += len(rows)
    return written


# --- proposals ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    client: Client
    probability: float
    #: Every comparison, with its level and weight in bits.
    explanation: tuple[FieldWeight, ...]
    #: ``"link"`` at or above the automatic-link threshold, else ``"ask"``.
    decision: str

    @property
    def percent(self) -> int:
        """The probability in whole percent, never shown as 100 unless it is 1."""
        value = round(self.probability * 100)
        return 99 if value == 100 and self.probability < 1 else value

    def reasons(self) -> list[str]:
        """The comparisons that counted, in words, strongest first."""
        lines = [line for line in self.explanation if abs(line.weight) >= 0.5]
        lines.sort(key=lambda line: -abs(line.weight))
        return [explain_line(line) for line in lines]


def _candidate_ids(values: Sequence[str]) -> tuple[list[int], set[int]]:
    """The clients sharing the most strings with the record (oversized strings left out), and
    those among them that share an identifier (an email or a phone)."""
    ordered = sorted(values, key=lambda value: not value.startswith(_IDENTIFIER_PREFIXES))
    shared: Counter[int] = Counter()
    identified: set[int] = set()
    for value in ordered:
        ids = list(
            ClientMatchKey.objects.filter(value=value)
            .order_by("client_id")
            .values_list("client_id", flat=True)[: BLOCK_CAP + 1]
        )
        if len(ids) > BLOCK_CAP:
            continue
        shared.update(ids)
        if value.startswith(_IDENTIFIER_PREFIXES):
            identified.update(ids)
    return [key for key, _count in shared.most_common(MAX_CANDIDATES)], identified


def _closest_by_name(
    record: ClientRecord, keys: list[int], identified: set[int], queryset: QuerySet[Client]
) -> list[int]:
    """The candidates worth scoring in full: every one that shares an identifier, then the
    :data:`MAX_SCORED` whose folded names are closest to the record's (Jaro–Winkler), among
    those ``queryset`` holds. A large name block costs one narrow read instead of reading and
    normalising every contact point of 200 records."""
    rows = list(
        queryset.filter(pk__in=keys, is_anonymous=False, merged_into__isnull=True).values_list(
            "pk", "search_name"
        )
    )
    if len(rows) <= MAX_SCORED:
        return [key for key, _name in rows]
    typed = fold(" ".join((record.given_name, record.family_name, record.organization_name)))
    kept = [key for key, _name in rows if key in identified]
    others = sorted(
        ((-jaro_winkler(typed, name), key) for key, name in rows if key not in identified),
    )
    return kept + [key for _similarity, key in others[:MAX_SCORED]]


def propose(
    record: ClientRecord,
    *,
    among: QuerySet[Client] | None = None,
    limit: int = MAX_PROPOSALS,
    threshold: float | None = None,
) -> list[Proposal]:
    """Existing clients that may be the one ``record`` describes, best first (see the module
    docstring). ``among`` scopes who may be proposed (``Client.objects.visible_to(user)`` for
    staff; every client for the portal, the API and inbound mail)."""
    normalized = normalize_record(record)
    values = blocking_values(normalized)
    if not values:
        return []
    keys, identified = _candidate_ids(values)
    if not keys:
        return []
    queryset = among if among is not None else Client.objects.all()
    keys = _closest_by_name(record, keys, identified, queryset)
    candidates = list(
        Client.objects.filter(pk__in=keys).prefetch_related(
            Prefetch(
                "contact_points",
                queryset=ContactPoint.objects.filter(is_active=True),
                to_attr="active_points",
            )
        )
    )
    floor = propose_threshold() if threshold is None else threshold
    link = auto_link_threshold()
    found = []
    for client in candidates:
        other: NormalizedRecord = normalize_record(
            record_of(client, getattr(client, "active_points", ()))
        )
        score = score_pair(normalized, other)
        if score.probability >= floor:
            found.append(
                Proposal(
                    client=client,
                    probability=score.probability,
                    explanation=score.explanation,
                    decision="link" if score.probability >= link else "ask",
                )
            )
    found.sort(key=lambda proposal: (-proposal.probability, proposal.client.pk))
    return found[:limit]


def propose_for_user(user: AnyUser, record: ClientRecord, **options: Any) -> list[Proposal]:
    """:func:`propose` among the clients ``user`` may see."""
    return propose(record, among=Client.objects.visible_to(user), **options)


# --- words ----------------------------------------------------------------------------------------


def _field_words() -> dict[str, str]:
    return {
        "given_name": _("given name"),
        "family_name": _("family name"),
        "organization_name": _("organization name"),
        "date_of_birth": pgettext("matching", "date of birth"),
        "email": pgettext("matching", "email"),
        "phone": pgettext("matching", "phone"),
        "postal_code": _("postal code"),
        "street": _("street address"),
        "city": _("city"),
        "household": pgettext("matching", "household"),
    }


def _level_words() -> dict[str, str]:
    return {
        "exact": pgettext("matching level", "the same"),
        "nickname": pgettext("matching level", "a nickname or its French form"),
        "swapped": pgettext("matching level", "given and family names swapped"),
        "partial": pgettext("matching level", "in part the same"),
        "equivalent": pgettext("matching level", "the same without particles or one part"),
        "same_name": pgettext("matching level", "the same name, another legal form"),
        "similar_high": pgettext("matching level", "very close"),
        "similar": pgettext("matching level", "close"),
        "different": pgettext("matching level", "different"),
        "missing": pgettext("matching level", "missing on one side"),
        "day_month_swapped": pgettext("matching level", "day and month swapped"),
        "one_digit": pgettext("matching level", "one digit apart"),
        "same_local": pgettext("matching level", "the same mailbox name, another domain"),
        "full": pgettext("matching level", "the same"),
        "fsa": pgettext("matching level", "the same area (first three characters)"),
        "same_building": pgettext("matching level", "the same building"),
        "same_street": pgettext("matching level", "the same street"),
        "none": pgettext("matching level", "no sign of two people at one address"),
        "conflict": pgettext(
            "matching level", "same address and phone but another given name (a household)"
        ),
    }


def explain_line(line: FieldWeight) -> str:
    """``email: the same (+12.8)`` in the reader's language."""
    field = _field_words().get(line.field, line.field)
    level = _level_words().get(line.level, line.level)
    return _("%(field)s: %(level)s (%(weight)s)") % {
        "field": field,
        "level": level,
        "weight": f"{line.weight:+.1f}",
    }


@dataclass(frozen=True, slots=True)
class IntakeMatch:
    """What intake decided for a record: the client to link, and what the case keeps of it."""

    #: The existing client the case is linked to (at or above the automatic threshold), or None.
    client: Client | None
    #: What the ``received`` event keeps of the decision (``None`` when nobody was close).
    payload: dict[str, Any] | None
    #: The proposals it was decided from, best first.
    proposals: tuple[Proposal, ...] = ()


def intake_match(record: ClientRecord, *, among: QuerySet[Client] | None = None) -> IntakeMatch:
    """Link to the best proposal at or above ``COMPTOIR_MATCH_AUTO_LINK``; below it, a new
    client is to be recorded and the proposals are kept on the case (``automatic: false``) for
    a data steward. The portal and inbound mail, where nobody can be asked, follow it as it is;
    the API refuses a close but unsure match unless told to create anyway."""
    proposals = tuple(propose(record, among=among))
    if not proposals:
        return IntakeMatch(None, None)
    best = proposals[0]
    payload: dict[str, Any]
    if best.decision == "link":
        payload = {
            "client": best.client.pk,
            "probability": round(best.probability, 6),
            "automatic": True,
        }
        return IntakeMatch(best.client, payload, proposals)
    payload = {
        "automatic": False,
        "proposed": [
            {"client": p.client.pk, "probability": round(p.probability, 6)} for p in proposals
        ],
    }
    return IntakeMatch(None, payload, proposals)
