"""Realistic clients and cases for the demo and the benchmarks (docs/casework.md, "Demo and
benchmarks").

:func:`generate_clients` and :func:`generate_cases` are pure but for the ``random.Random`` they are
given: the same seed, units, services, request types, staff and window give the same specs. They
yield plain frozen specs (no model, no database): clients with French and English names (common
Canadian family names, accents, hyphenated given names, a share of organizations with Inc. or Ltée),
emails, E.164 phones and postal codes; cases whose event logs are drawn from plausible
distributions (received in business hours mostly, tier 1 resolved the same day, tiers 2 and 3
referred to a regional office or a division, pauses while awaiting the client, bilingual notes,
some reopened, some still open, some confidential, some anonymous). Every log is one that
``comptoir.core.casework.derive_state`` accepts (a test checks it): events after the window's end
are cut, and a prefix of a possible log is a possible log.

:func:`write_generated` writes them through the one bulk case writer (``casework.bulk_cases``,
which the history import shares: ``COPY`` on PostgreSQL), in batches, with each case's
projection from ``derive_state`` (the projection function of ``casework.actions``), the due
instant of an open case, and the search entries of the new cases and clients (the search app's
own entry builders).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.core.casework import EventFact, EventKind, derive_state, make_reference
from comptoir.core.casework import reference_numbers as _reference_numbers

#: Shares of the generated data (the tests check the drawn shares fall near them).
SHARE_ORGANIZATIONS = 0.15
SHARE_FRENCH = 0.35
SHARE_ANONYMOUS = 0.08
SHARE_CONFIDENTIAL = 0.03
TIER_WEIGHTS = {1: 0.70, 2: 0.22, 3: 0.08}
SHARE_REOPENED = 0.04
SHARE_OFF_HOURS = 0.08
#: Tier 2 and 3 cases still being worked on (no resolution yet, whatever their age).
SHARE_STALLED = 0.03
#: Cases written per transaction by :func:`write_generated`.
WRITE_BATCH = 2000

_FAMILY_EN = (
    "Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "MacDonald", "Johnson", "Taylor",
    "Campbell", "Anderson", "Leblanc", "Lee", "Jones", "White", "Williams", "Miller", "Thompson",
    "Young", "Scott", "Stewart", "Murphy", "O'Brien", "Chen", "Wong", "Singh", "Patel", "Nguyen",
    "Fraser", "Reid", "Robertson", "McKenzie", "Kowalski", "Sauvé", "Mercer", "Penney",
)  # fmt: skip
_FAMILY_FR = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
    "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier",
    "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Desjardins", "Hébert",
    "Thériault", "Bérubé", "Lemieux", "Ménard", "Dion-Lachance", "Boisvert",
)  # fmt: skip
_GIVEN_EN = (
    "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Liam", "Noah", "William", "Benjamin",
    "Lucas", "Ethan", "Jack", "Emily", "Sarah", "Jessica", "Michael", "David", "James", "Mary",
    "Jennifer", "Robert", "Aiden", "Priya", "Wei", "Mohammed", "Fatima", "Chloé", "Zoë",
    "Mary-Ann",
)  # fmt: skip
_GIVEN_FR = (
    "Léa", "Alice", "Florence", "Emma", "Béatrice", "Zoé", "Chloé", "Mégane", "Élodie", "Noémie",
    "Hélène", "Geneviève", "Josée", "Marie-Ève", "Anne-Marie", "Marie-Hélène", "Thomas", "William",
    "Félix", "Léo", "Gabriel", "Samuel", "Émile", "Jérôme", "François", "André", "Jean-François",
    "Jean-Sébastien", "Pierre-Luc", "Marc-André", "Éric", "Stéphane", "Benoît", "Mathéo",
)  # fmt: skip
_ORGANIZATION_EN = (
    ("Northern Lights Analytics", "Inc."), ("Maple Leaf Exports", "Ltd."),
    ("Prairie Grain Traders", "Inc."), ("Atlantic Seafood Cooperative", ""),
    ("Bayview Consulting", "Inc."), ("Pacific Rim Logistics", "Ltd."),
    ("City of Kingston", ""), ("Rideau Research Group", "Inc."), ("Kootenay Timber", "Corp."),
)  # fmt: skip
_ORGANIZATION_FR = (
    ("Services conseils Boréal", "inc."), ("Exportations Laurentides", "ltée"),
    ("Fromagerie du Lac-Saint-Jean", "ltée"), ("Groupe Côté et Frères", "inc."),
    ("Ville de Gatineau", ""), ("Coopérative agricole de l'Estrie", ""),
    ("Études économiques Mercier", "inc."), ("Transport Bélanger", "ltée"),
)  # fmt: skip
#: (city, province, first letter of its postal codes, area code)
_PLACES = (
    ("Ottawa", "ON", "K", "613"), ("Toronto", "ON", "M", "416"), ("Kingston", "ON", "K", "343"),
    ("Montréal", "QC", "H", "514"), ("Québec", "QC", "G", "418"), ("Gatineau", "QC", "J", "819"),
    ("Trois-Rivières", "QC", "G", "819"), ("Vancouver", "BC", "V", "604"),
    ("Victoria", "BC", "V", "250"), ("Calgary", "AB", "T", "403"), ("Winnipeg", "MB", "R", "204"),
    ("Regina", "SK", "S", "306"), ("Halifax", "NS", "B", "902"), ("Moncton", "NB", "E", "506"),
    ("St. John's", "NL", "A", "709"), ("Charlottetown", "PE", "C", "902"),
    ("Whitehorse", "YT", "Y", "867"), ("Yellowknife", "NT", "X", "867"),
)  # fmt: skip
_STREETS = (
    "rue Principale", "Main Street", "boulevard Saint-Laurent", "Elgin Street",
    "rue Sainte-Catherine",
    "Wellington Street", "chemin du Lac", "King Street West", "avenue des Érables", "Water Street",
)  # fmt: skip
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # no D, F, I, O, Q, U
_MAIL_DOMAINS = ("example.ca", "example.com", "exemple.example.ca", "courriel.example.org")
_SEGMENTS_PERSON = (
    ("public", 0.6),
    ("academic", 0.15),
    ("media", 0.05),
    ("foreign", 0.05),
    ("federal", 0.08),
    ("provincial_territorial", 0.07),
)
_SEGMENTS_ORGANIZATION = (
    ("private_sector", 0.6),
    ("non_profit", 0.2),
    ("municipal", 0.1),
    ("academic", 0.1),
)

_ASKED = {
    "en": (
        "Looking for the monthly consumer price index for Halifax since 2015.",
        "How do I cite a table from the census in a thesis?",
        "Asks for custom tabulation of exports of softwood lumber by province of origin.",
        "Could not download the CSV of table 14-10-0287; the file seems truncated.",
        "Wants to know when the next labour force survey results are released.",
        "Requesting advice on comparing household income across two census years.",
        "Complaint: the French version of the trade data page is missing figures.",
        "Needs import statistics for seafood to the United Kingdom for a business plan.",
    ),
    "fr": (
        "Cherche l'indice des prix à la consommation mensuel pour Québec depuis 2015.",
        "Comment citer un tableau du recensement dans un mémoire de maîtrise?",
        "Demande une totalisation personnalisée des exportations de bois d'œuvre par province.",
        "Le fichier CSV du tableau 14-10-0287 semble incomplet; impossible de l'ouvrir.",
        "Veut savoir quand paraîtront les résultats de l'Enquête sur la population active.",
        "Demande des conseils pour comparer le revenu des ménages entre deux recensements.",
        "Plainte : la version anglaise de la page des données commerciales n'est pas à jour.",
        "A besoin des importations de fruits de mer au Royaume-Uni pour un plan d'affaires.",
    ),
}  # fmt: skip
_NOTES = {
    "en": (
        "Sent the link to the table and explained how to filter by geography.",
        "Called back; left a voicemail with the reference number.",
        "Client confirmed the data meets their needs.",
        "Checked with the subject-matter division: figures are revised each March.",
        "Quoted the cost of the custom tabulation; waiting for approval.",
        "Explained the confidentiality rules: cells under five are suppressed.",
    ),
    "fr": (
        "Envoyé le lien vers le tableau et expliqué comment filtrer par géographie.",
        "Rappelé le client; message laissé avec le numéro de référence.",
        "Le client confirme que les données répondent à son besoin.",
        "Vérifié auprès de la division spécialisée : les chiffres sont révisés en mars.",
        "Soumission envoyée pour la totalisation personnalisée; en attente d'approbation.",
        "Expliqué les règles de confidentialité : les cellules de moins de cinq sont supprimées.",
    ),
}  # fmt: skip
_MESSAGES_IN = {
    "en": ("Thank you, here is the missing information you asked for.",
           "Yes, the provincial breakdown would be enough."),
    "fr": ("Merci, voici les renseignements manquants que vous m'avez demandés.",
           "Oui, la répartition par province suffira."),
}  # fmt: skip
_REFERRAL_REASONS = {
    2: "Needs regional expertise / Demande une expertise régionale",
    3: "Needs the subject-matter division / Relève de la division spécialisée",
}
_REOPEN_REASON = "The client wrote back: the answer was incomplete."


@dataclass(frozen=True)
class ClientSpec:
    """One client to write (``index`` is its place in the generated list)."""

    index: int
    kind: str
    given_name: str
    family_name: str
    organization_name: str
    preferred_language: str
    segment: str
    email: str
    #: As given (national form) and in E.164.
    phone: str
    phone_e164: str
    street: str
    city: str
    province: str
    postal_code: str
    created_at: datetime


@dataclass(frozen=True)
class EventSpec:
    kind: EventKind
    at: datetime
    actor: int | None = None
    unit: int | None = None
    reason: str = ""
    payload: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseSpec:
    reference: str
    service: int
    kind: str
    channel: str
    entry_unit: int
    tier: int
    language: str
    description: str
    priority: str
    is_confidential: bool
    #: The index of a :class:`ClientSpec`, or ``None`` for an anonymous case.
    client: int | None
    request_type: int | None
    events: tuple[EventSpec, ...]

    @property
    def is_anonymous(self) -> bool:
        return self.client is None

    def facts(self) -> list[EventFact]:
        """The events as the core sees them (sequence = order of writing)."""
        return [
            EventFact(
                kind=event.kind,
                at=event.at,
                sequence=sequence,
                actor=event.actor,
                unit=None if event.unit is None else str(event.unit),
                payload=dict(event.payload),
            )
            for sequence, event in enumerate(self.events, start=1)
        ]


@dataclass(frozen=True)
class UnitInfo:
    """What the generator needs of a unit."""

    key: int
    kind: str
    time_zone: str
    organization: int


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() or c in "-.").lower()


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _postal_code(rng: random.Random, first: str) -> str:
    letters = _POSTAL_LETTERS[:-2]  # W and Z are never first, and rarely inside: keep it simple
    return (
        f"{first}{rng.randrange(10)}{rng.choice(letters)} "
        f"{rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
    )


def generate_clients(
    rng: random.Random, count: int, *, start: datetime, end: datetime
) -> Iterator[ClientSpec]:
    """``count`` clients created between ``start`` and ``end``."""
    span = (end - start).total_seconds()
    for index in range(count):
        french = rng.random() < SHARE_FRENCH
        language = "fr" if french else "en"
        city, province, letter, area = rng.choice(_PLACES)
        if french and province not in ("QC", "NB", "ON"):
            city, province, letter, area = rng.choice(_PLACES[3:7])
        line = f"555-{rng.randrange(10000):04d}"  # the exchange 555: no real subscriber
        phone = f"{area}-{line}"
        if rng.random() < SHARE_ORGANIZATIONS:
            name, suffix = rng.choice(_ORGANIZATION_FR if french else _ORGANIZATION_EN)
            organization = f"{name} {suffix}".strip()
            given = family = ""
            kind = "organization"
            segment = _weighted(rng, _SEGMENTS_ORGANIZATION)
            local = rng.choice(("info", "contact", "admin", "service"))
            domain = _fold(name.split()[0]) + "-" + str(index % 97) + ".example.ca"
        else:
            given = rng.choice(_GIVEN_FR if french else _GIVEN_EN)
            family = rng.choice(_FAMILY_FR if french else _FAMILY_EN)
            organization = ""
            kind = "person"
            segment = _weighted(rng, _SEGMENTS_PERSON)
            local = f"{_fold(given)}.{_fold(family)}{index}"
            domain = rng.choice(_MAIL_DOMAINS)
        yield ClientSpec(
            index=index,
            kind=kind,
            given_name=given,
            family_name=family,
            organization_name=organization,
            preferred_language=language,
            segment=segment,
            email=f"{local}@{domain}",
            phone=phone,
            phone_e164="+1" + phone.replace("-", ""),
            street=f"{rng.randrange(1, 9999)} {rng.choice(_STREETS)}",
            city=city,
            province=province,
            postal_code=_postal_code(rng, letter),
            created_at=start + timedelta(seconds=rng.random() * span),
        )


class _Clock:
    """Instants in a unit's business hours (08:30-16:30 local, Monday to Friday)."""

    def __init__(self, time_zone: str) -> None:
        self.zone = ZoneInfo(time_zone)

    def business(self, moment: datetime) -> datetime:
        """``moment``, moved forward into business hours when it falls outside them."""
        local = moment.astimezone(self.zone)
        opening = time(8, 30)
        closing = time(16, 30)
        if local.time() >= closing:
            local = datetime.combine(local.date() + timedelta(days=1), opening, self.zone)
        elif local.time() < opening:
            local = datetime.combine(local.date(), opening, self.zone)
        while local.weekday() >= 5:
            local = datetime.combine(local.date() + timedelta(days=1), opening, self.zone)
        return local

    def during_hours(self, rng: random.Random, moment: datetime) -> datetime:
        """An instant of the business day of ``moment`` (or the next one), busier in the
        morning."""
        day = self.business(moment).date()
        minutes = rng.triangular(0, 480, 120)
        return datetime.combine(day, time(8, 30), self.zone) + timedelta(minutes=minutes)

    def later(self, rng: random.Random, moment: datetime, *, low: float, high: float) -> datetime:
        """Between ``low`` and ``high`` hours after ``moment``, in business hours."""
        return self.business(moment + timedelta(hours=rng.uniform(low, high)))


def generate_cases(
    rng: random.Random,
    count: int,
    *,
    units: Sequence[UnitInfo],
    services: Sequence[tuple[int, int]],
    request_types: Sequence[int],
    staff: Mapping[int, Sequence[int]],
    clients: int,
    start: datetime,
    end: datetime,
    taken: Iterable[str] = (),
) -> Iterator[CaseSpec]:
    """``count`` cases received between ``start`` and ``end`` (events after ``end`` are cut, so
    the recent ones are still open). ``services`` are ``(key, organization key)`` pairs; ``staff``
    the staff keys working in each unit (an empty list: nobody is assigned there); ``clients``
    how many :class:`ClientSpec` there are (a few clients have many cases); ``taken``
    references already in use."""
    entry_points = [u for u in units if u.kind == "contact_centre"] or list(units)
    regional = [u for u in units if u.kind in ("regional_office", "office_abroad")]
    divisions = [u for u in units if u.kind == "division"] or regional
    by_organization: dict[int, list[int]] = {}
    for key, organization in services:
        by_organization.setdefault(organization, []).append(key)
    clocks = {unit.key: _Clock(unit.time_zone) for unit in units}
    used = set(taken)
    numbers = _reference_numbers(8)
    span = (end - start).total_seconds()
    tiers = list(TIER_WEIGHTS)
    tier_weights = list(TIER_WEIGHTS.values())
    for _n in range(count):
        while True:
            reference = make_reference(numbers.start + rng.randrange(len(numbers)))
            if reference not in used:
                used.add(reference)
                break
        tier = rng.choices(tiers, weights=tier_weights)[0]
        entry = rng.choice(entry_points) if rng.random() < 0.85 else rng.choice(list(units))
        language = "fr" if rng.random() < SHARE_FRENCH else "en"
        channel = rng.choices(("TEL", "EML", "ONL", "PERSON", "POST"), (50, 30, 15, 4, 1))[0]
        clock = clocks[entry.key]
        received = start + timedelta(seconds=rng.random() * span)
        if not (channel in ("EML", "ONL") and rng.random() < SHARE_OFF_HOURS * 4):
            received = clock.during_hours(rng, received)
        if received >= end:
            received = end - timedelta(minutes=rng.randrange(1, 600))
        anonymous = clients == 0 or rng.random() < SHARE_ANONYMOUS
        # A few clients come back often: the square favours the first ones.
        client = None if anonymous else int(clients * rng.random() ** 2)
        events = _timeline(
            rng,
            tier=tier,
            language=language,
            entry=entry,
            received=received,
            regional=regional,
            divisions=divisions,
            staff=staff,
            clocks=clocks,
        )
        offered = by_organization.get(entry.organization) or [key for key, _o in services]
        spec = CaseSpec(
            reference=reference,
            service=rng.choice(offered),
            kind=rng.choices(
                ("enquiry", "application", "complaint", "compliment", "suggestion"),
                (80, 10, 6, 2, 2),
            )[0],
            channel=channel,
            entry_unit=entry.key,
            tier=tier,
            language=language,
            description=rng.choice(_ASKED[language]),
            priority=rng.choices(("low", "normal", "high"), (10, 80, 10))[0],
            is_confidential=rng.random() < SHARE_CONFIDENTIAL,
            client=client,
            request_type=rng.choice(request_types) if request_types else None,
            events=tuple(event for event in events if event.at <= end),
        )
        if tier > 1 and rng.random() < SHARE_STALLED:
            # Still being worked on: no resolution yet.
            kinds = [event.kind for event in spec.events]
            if EventKind.RESOLVED in kinds:
                spec = replace(spec, events=spec.events[: kinds.index(EventKind.RESOLVED)])
        yield spec


class _Log:
    """A case's events being drawn, each after the previous one."""

    def __init__(self, received: datetime) -> None:
        self.events: list[EventSpec] = []
        self.at = received

    def add(self, kind: EventKind, moment: datetime, unit: UnitInfo, **values: Any) -> None:
        self.at = max(moment, self.at + timedelta(seconds=1))
        self.events.append(EventSpec(kind=kind, at=self.at, unit=unit.key, **values))


def _timeline(
    rng: random.Random,
    *,
    tier: int,
    language: str,
    entry: UnitInfo,
    received: datetime,
    regional: Sequence[UnitInfo],
    divisions: Sequence[UnitInfo],
    staff: Mapping[int, Sequence[int]],
    clocks: Mapping[int, _Clock],
) -> list[EventSpec]:
    """One case's log, in order; every instant after the previous one."""
    log = _Log(received)

    def officer(unit: UnitInfo) -> int | None:
        people = staff.get(unit.key) or ()
        return rng.choice(people) if people else None

    def later(low: float, high: float) -> datetime:
        return clock.later(rng, log.at, low=low, high=high)

    first = officer(entry)
    log.add(EventKind.RECEIVED, received, entry, actor=first)
    unit = entry
    clock = clocks[unit.key]
    if tier == 1:
        # Answered on the first contact, the same day.
        if first is not None:
            log.add(EventKind.ASSIGNED, log.at, unit, actor=first, payload={"assignee": first})
        if rng.random() < 0.03:
            _pause(rng, log, later, unit, first, language, at_least=2, at_most=30)
        minutes = rng.choice((5, 10, 10, 15, 20, 30))
        log.add(
            EventKind.NOTE,
            log.at + timedelta(minutes=minutes),
            unit,
            actor=first,
            reason=rng.choice(_NOTES[language]),
        )
        log.add(EventKind.TIME_SPENT, log.at, unit, actor=first, payload={"minutes": minutes})
        log.add(
            EventKind.RESOLVED,
            log.at + timedelta(minutes=rng.uniform(0, 5)),
            unit,
            actor=first,
            payload=_outcome(rng),
        )
    else:
        log.add(EventKind.ACKNOWLEDGED, later(0.1, 4), unit, actor=first)
        targets = [u for u in (regional if tier == 2 else divisions) if u.key != unit.key]
        if targets:
            to = rng.choice(targets)
            log.add(
                EventKind.REFERRED,
                later(0.5, 24),
                unit,
                actor=first,
                reason=_REFERRAL_REASONS[tier],
                payload={"to_unit": str(to.key)},
            )
            unit, clock = to, clocks[to.key]
        owner = officer(unit)
        if owner is not None:
            log.add(
                EventKind.ASSIGNED, later(1, 30), unit, actor=owner, payload={"assignee": owner}
            )
        for _note in range(rng.randrange(1, 4)):
            log.add(
                EventKind.NOTE, later(1, 40), unit, actor=owner, reason=rng.choice(_NOTES[language])
            )
        if rng.random() < 0.35:
            _pause(rng, log, later, unit, owner, language, at_least=20, at_most=200)
        log.add(
            EventKind.TIME_SPENT,
            later(1, 20),
            unit,
            actor=owner,
            payload={"minutes": rng.choice((30, 45, 60, 90, 120, 240)) * tier // 2},
        )
        log.add(
            EventKind.RESOLVED, later(2, 24 * tier * 4), unit, actor=owner, payload=_outcome(rng)
        )
    if rng.random() < SHARE_REOPENED:
        actor = log.events[-1].actor
        log.add(EventKind.REOPENED, later(24, 240), unit, actor=actor, reason=_REOPEN_REASON)
        log.add(
            EventKind.NOTE, later(1, 24), unit, actor=actor, reason=rng.choice(_NOTES[language])
        )
        log.add(
            EventKind.RESOLVED, later(1, 48), unit, actor=actor, payload={"outcome": "delivered"}
        )
    return log.events


def _pause(
    rng: random.Random,
    log: _Log,
    later: Any,
    unit: UnitInfo,
    actor: int | None,
    language: str,
    *,
    at_least: float,
    at_most: float,
) -> None:
    """The case waits for the client, who answers (a message), then work resumes."""
    log.add(
        EventKind.AWAITING_CLIENT,
        later(0.2, 3),
        unit,
        actor=actor,
        reason="Asked the client for details / Précisions demandées au client",
    )
    log.add(
        EventKind.MESSAGE_IN,
        later(at_least, at_most),
        unit,
        payload={"text": rng.choice(_MESSAGES_IN[language])},
    )
    log.add(EventKind.RESUMED, later(0.1, 4), unit, actor=actor)


def _outcome(rng: random.Random) -> dict[str, object]:
    draw = rng.random()
    if draw < 0.86:
        return {"outcome": "delivered"}
    if draw < 0.90:
        return {"outcome": "denied"}
    if draw < 0.94:
        return {"outcome": "withdrawn"}
    gap = rng.choice(("not_collected", "confidentiality", "geography_too_fine", "detail_too_fine"))
    return {"outcome": "unanswerable", "data_gap": gap}


def check_spec(spec: CaseSpec) -> None:
    """Raise ``CaseworkError`` unless the core accepts the case's log."""
    derive_state(spec.facts())


# --- writing ------------------------------------------------------------------------------------


@dataclass
class WriteCounts:
    clients: int = 0
    contact_points: int = 0
    cases: int = 0
    events: int = 0


def write_generated(
    clients: Iterable[ClientSpec],
    cases: Iterable[CaseSpec],
    *,
    actor: Any,
    now: datetime,
    batch_size: int = WRITE_BATCH,
    reason: str = "generated",
) -> WriteCounts:
    """Write the clients (with an email, a phone and a mailing address each, their history and
    search entries), then the cases (reference, a fresh status token, the projection of
    ``derive_state``, the due instant of an open one, every event, the search entries) through
    the one bulk case writer (``casework.bulk_cases``), ``batch_size`` cases per transaction
    (on PostgreSQL written by the writer's thread while the next batch is drawn, unless the
    caller holds a transaction); then the units holding each client. Both are read as
    streams: what is kept of a client once written is its key and name. Returns what was
    written."""
    from django.db import transaction

    from comptoir.bulk import BulkWriter
    from comptoir.casework.bulk_cases import CaseWriter, write_clients
    from comptoir.casework.models import Case
    from comptoir.search.indexing import client_name

    writer = BulkWriter(now=now, actor_id=getattr(actor, "pk", None), reason=reason)
    counts = WriteCounts()
    #: A written client's key and the name its cases are found by, by its spec's index.
    written: dict[int, tuple[int, str]] = {}
    specs = iter(clients)
    while chunk := list(islice(specs, batch_size * 2)):
        with transaction.atomic():
            objs = [_client(spec, actor) for spec in chunk]
            counts.contact_points += write_clients(
                writer, objs, [_contact_points(spec) for spec in chunk]
            )
        for spec, obj in zip(chunk, objs, strict=True):
            written[spec.index] = (obj.pk, client_name(obj))
        counts.clients += len(objs)
    context = _CaseContext.load()

    def batches() -> Iterator[list[Any]]:
        stream = iter(cases)
        while chunk := list(islice(stream, batch_size)):
            _avoid_taken_references(Case, chunk)
            yield [
                context.case(spec, None if spec.client is None else written.get(spec.client))
                for spec in chunk
            ]

    cases_writer = CaseWriter()
    cases_writer.write_batches(batches())
    with transaction.atomic():
        cases_writer.finish()
    counts.cases = cases_writer.cases
    counts.events = cases_writer.events
    return counts


class _CaseContext:
    """The services and request types that cases point to (read once)."""

    def __init__(self, services: dict[int, Any], request_types: dict[int, Any]) -> None:
        self.services = services
        self.request_types = request_types

    @classmethod
    def load(cls) -> _CaseContext:
        from comptoir.casework.models import RequestType
        from comptoir.inventory.models import Service

        return cls(
            {service.pk: service for service in Service.objects.all()},
            {item.pk: item for item in RequestType.objects.all()},
        )

    def case(self, spec: CaseSpec, client: tuple[int, str] | None) -> Any:
        """What the bulk case writer is given of ``spec`` (``client``: the written client's key
        and name)."""
        from comptoir.casework.bulk_cases import NewCase, NewEvent

        return NewCase(
            reference=spec.reference,
            service=self.services[spec.service],
            kind=spec.kind,
            channel=spec.channel,
            entry_unit_id=spec.entry_unit,
            tier=spec.tier,
            request_type=(self.request_types.get(spec.request_type) if spec.request_type else None),
            description=spec.description,
            language=spec.language,
            priority=spec.priority,
            is_confidential=spec.is_confidential,
            client_id=None if client is None else client[0],
            client_name="" if client is None else client[1],
            created_at=spec.events[0].at,
            events=[
                NewEvent(fact, event.reason)
                for fact, event in zip(spec.facts(), spec.events, strict=True)
            ],
        )


def _avoid_taken_references(case_model: Any, specs: list[CaseSpec]) -> None:
    """A generated reference already stored (the generator knows only those it was told of) is
    drawn again, with ``secrets``."""
    from comptoir.casework.actions import draw_reference_number

    wanted = {spec.reference for spec in specs}
    taken = set(case_model.objects.filter(reference__in=wanted).values_list("reference", flat=True))
    for position, spec in enumerate(specs):
        if spec.reference in taken:
            while (reference := make_reference(draw_reference_number())) in wanted:
                continue
            specs[position] = replace(spec, reference=reference)


def _client(spec: ClientSpec, actor: Any) -> Any:
    from comptoir.clients.models import Client

    client = Client(
        kind=spec.kind,
        given_name=spec.given_name,
        family_name=spec.family_name,
        organization_name=spec.organization_name,
        preferred_language=spec.preferred_language,
        segment=spec.segment,
        created_at=spec.created_at,
        created_by=actor,
    )
    client.search_name = client.folded_names()
    return client


def _contact_points(spec: ClientSpec) -> list[Any]:
    """The client's email, phone and mailing address (their client is set when it is written)."""
    from comptoir.clients.models import ContactPoint

    common = {"is_primary": True, "created_at": spec.created_at, "country": "CA"}
    address = f"{spec.street}, {spec.city} {spec.province} {spec.postal_code}"
    return [
        ContactPoint(kind="email", value=spec.email, normalized=spec.email.lower(), **common),
        ContactPoint(
            kind="phone", value=spec.phone, normalized=spec.phone_e164, label="work", **common
        ),
        ContactPoint(
            kind="address",
            value=address,
            normalized=spec.postal_code,
            street=spec.street,
            city=spec.city,
            province=spec.province,
            postal_code=spec.postal_code,
            **common,
        ),
    ]
