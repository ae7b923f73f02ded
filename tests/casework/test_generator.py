"""The generator of realistic clients and cases (``comptoir.casework.generator``): deterministic
with a seed, every log accepted by the core, shares near their targets, and written through the
bulk writer with the projection and the search entries the actions would give."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.casework import generator
from comptoir.core.casework import EventKind, Status, derive_state

END = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
START = END - timedelta(days=365)
UNITS = [
    generator.UnitInfo(1, "contact_centre", "America/Toronto", 1),
    generator.UnitInfo(2, "regional_office", "America/Toronto", 1),
    generator.UnitInfo(3, "regional_office", "America/Vancouver", 1),
    generator.UnitInfo(4, "division", "America/Toronto", 1),
    generator.UnitInfo(5, "office_abroad", "Europe/London", 1),
]
STAFF = {1: [10, 11], 2: [12], 3: [13], 4: [14], 5: []}


def _draw(seed: int, clients: int = 400, cases: int = 4000):
    rng = random.Random(seed)
    people = list(generator.generate_clients(rng, clients, start=START, end=END))
    drawn = list(
        generator.generate_cases(
            rng,
            cases,
            units=UNITS,
            services=[(100, 1), (101, 1)],
            request_types=[7, 8],
            staff=STAFF,
            clients=len(people),
            start=START,
            end=END,
        )
    )
    return people, drawn


def test_the_same_seed_gives_the_same_specs_and_another_seed_others():
    assert _draw(5, 50, 300) == _draw(5, 50, 300)
    assert _draw(5, 50, 300) != _draw(6, 50, 300)


def test_every_timeline_is_accepted_by_the_core_and_lies_in_the_window():
    _people, cases = _draw(11)
    statuses = Counter()
    for case in cases:
        state = derive_state(case.facts())  # raises on an impossible log
        statuses[state.status] += 1
        assert START <= state.received_at <= END
        assert all(event.at <= END for event in case.events)
        assert case.events[0].kind is EventKind.RECEIVED
        assert case.events[0].unit == case.entry_unit
        if case.tier == 1 and state.status is Status.RESOLVED and state.reopen_count == 0:
            # Tier 1 is answered on the first contact: the same day.
            assert state.resolved_at - state.received_at < timedelta(days=1) or any(
                event.kind is EventKind.AWAITING_CLIENT for event in case.events
            )
        if case.tier > 1 and any(e.kind is EventKind.REFERRED for e in case.events):
            assert state.current_unit != str(case.entry_unit)
    assert statuses[Status.RESOLVED] > 0.85 * len(cases)
    assert statuses[Status.OPEN] + statuses[Status.ASSIGNED] + statuses[Status.AWAITING_CLIENT]


def test_the_shares_of_tiers_anonymous_confidential_and_kinds_are_in_range():
    people, cases = _draw(3)
    n = len(cases)
    tiers = Counter(case.tier for case in cases)
    assert 0.64 < tiers[1] / n < 0.76
    assert 0.17 < tiers[2] / n < 0.27
    assert 0.05 < tiers[3] / n < 0.11
    assert 0.05 < sum(case.is_anonymous for case in cases) / n < 0.11
    assert 0.01 < sum(case.is_confidential for case in cases) / n < 0.05
    reopened = sum(any(e.kind is EventKind.REOPENED for e in case.events) for case in cases)
    assert 0.02 < reopened / n < 0.06
    paused = sum(any(e.kind is EventKind.AWAITING_CLIENT for e in case.events) for case in cases)
    assert 0.05 < paused / n < 0.20
    assert all(case.client is None or 0 <= case.client < len(people) for case in cases)
    french = sum(case.language == "fr" for case in cases) / n
    assert 0.28 < french < 0.42
    # Received in business hours mostly (08:30-16:30 on a weekday, in the entry unit's zone).
    zones = {unit.key: unit.time_zone for unit in UNITS}
    from zoneinfo import ZoneInfo

    in_hours = 0
    for case in cases:
        local = case.events[0].at.astimezone(ZoneInfo(zones[case.entry_unit]))
        hhmm = local.hour * 60 + local.minute
        in_hours += local.weekday() < 5 and 8 * 60 + 30 <= hhmm <= 16 * 60 + 30
    assert in_hours / n > 0.8


def test_the_clients_have_accented_hyphenated_names_organizations_and_valid_contacts():
    from comptoir.clients import normalization

    people, _cases = _draw(1, 2000, 0)
    names = [f"{p.given_name} {p.family_name}" for p in people if p.kind == "person"]
    assert any(unicodedata.normalize("NFD", name) != name for name in names)  # accents
    assert any("-" in p.given_name for p in people)
    organizations = [p.organization_name for p in people if p.kind == "organization"]
    assert 0.11 < len(organizations) / len(people) < 0.19
    assert any(name.endswith("Inc.") or name.endswith("inc.") for name in organizations)
    assert any(name.endswith("ltée") for name in organizations)
    for person in people[:300]:
        assert normalization.normalize_phone(person.phone) == person.phone_e164
        assert normalization.normalize_postal_code(person.postal_code) == person.postal_code
        assert normalization.normalize_email(person.email) == person.email.lower()
    assert all(START <= p.created_at <= END for p in people)


def test_references_are_unique_and_avoid_those_already_taken():
    rng = random.Random(2)
    first = list(
        generator.generate_cases(
            rng, 50, units=UNITS, services=[(100, 1)], request_types=[], staff=STAFF,
            clients=0, start=START, end=END,
        )
    )  # fmt: skip
    again = list(
        generator.generate_cases(
            random.Random(2), 50, units=UNITS, services=[(100, 1)], request_types=[],
            staff=STAFF, clients=0, start=START, end=END,
            taken=[first[0].reference],
        )
    )  # fmt: skip
    assert len({case.reference for case in first}) == 50
    assert all(case.is_anonymous for case in first)
    assert again[0].reference != first[0].reference


@pytest.mark.django_db
def test_the_writer_stores_clients_cases_events_projection_and_search_entries(make_unit, service):
    from comptoir.casework.actions import facts_of
    from comptoir.casework.models import Case, CaseEvent
    from comptoir.clients.models import Client, ContactPoint
    from comptoir.search.models import EntryKind, SearchEntry

    centre = make_unit("centre")
    office = make_unit("office", kind="regional_office", time_zone="America/Vancouver")
    units = [
        generator.UnitInfo(unit.pk, unit.kind, unit.time_zone, unit.organization_id)
        for unit in (centre, office)
    ]
    rng = random.Random(9)
    people = list(generator.generate_clients(rng, 40, start=START, end=END))
    cases = generator.generate_cases(
        rng,
        300,
        units=units,
        services=[(service.pk, service.organization_id)],
        request_types=[],
        staff={},
        clients=len(people),
        start=START,
        end=END,
    )
    counts = generator.write_generated(people, cases, actor=None, now=END, batch_size=70)
    assert (counts.clients, counts.cases) == (40, 300)
    assert Client.objects.count() == 40
    assert Client.history.count() == 40
    assert ContactPoint.objects.count() == counts.contact_points == 120
    assert Case.objects.count() == 300
    assert CaseEvent.objects.count() == counts.events
    for case in Case.objects.all()[:100]:
        events = list(CaseEvent.objects.filter(case=case).order_by("sequence"))
        state = derive_state(facts_of(events))
        assert case.status == state.status.value
        assert case.current_unit_id == int(state.current_unit)
        assert case.received_at == state.received_at
        assert case.resolved_at == state.resolved_at
        assert case.last_event_at == state.last_event_at
        assert case.is_anonymous == (case.client_id is None)
    assert SearchEntry.objects.filter(kind=EntryKind.CASE).count() == 300
    assert SearchEntry.objects.filter(kind=EntryKind.CLIENT).count() == 40
    # The entries are found by a search, as those the actions write.
    from comptoir.search import backends

    some = Client.objects.filter(kind="person").first()
    found = backends.query(some.family_name, SearchEntry.objects.all(), limit=1000)
    assert SearchEntry.objects.get(kind=EntryKind.CLIENT, key=some.pk).pk in found
