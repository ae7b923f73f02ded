"""Merging duplicate client records and undoing a merge (issue 13, item 4).

The property test runs random sequences of merges (pairs and clusters, with random field
choices) and undos on a small population of clients with cases, contact points and contact
links, and checks after every step that nothing is lost (every case and contact point is on the
record its first owner was merged into), that a refused step changes nothing, that an undo puts
every object the merge touched back as it was before, and that undoing everything gives back
the starting state exactly.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.clients.actions import (
    do_add_contact_point,
    do_create_client,
    do_link_contact,
    do_merge_clients,
    do_undo_merge,
    do_update_client,
    undo_refusal,
)
from comptoir.clients.errors import ClientError
from comptoir.clients.models import (
    MERGE_FIELDS,
    Client,
    ClientMatchKey,
    ClientMerge,
    ClientMergeMember,
    ClientMergeUndo,
    Contact,
    ContactPoint,
    DuplicateDecision,
)

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
_codes = itertools.count(1)


@pytest.fixture
def desk(db: None, make_user: Any) -> dict[str, Any]:
    """A unit, a service and an officer to receive cases with."""
    from comptoir.inventory.models import Organization, Service, Unit

    organization, _ = Organization.objects.get_or_create(
        owner_org="merge-fusion", defaults={"title_en": "Agency", "title_fr": "Agence"}
    )
    unit = Unit.objects.create(
        organization=organization,
        code=f"merge-{next(_codes)}",
        name_en="Desk",
        name_fr="Comptoir",
        kind=Unit.Kind.CONTACT_CENTRE,
        holiday_categories="public,government",
    )
    service, _ = Service.objects.get_or_create(organization=organization, service_id="7777")
    return {"unit": unit, "service": service, "actor": make_user("administrator")}


def _case(desk: dict[str, Any], client: Client) -> Any:
    from comptoir.casework.actions import do_receive_case

    case, _token = do_receive_case(
        actor=desk["actor"],
        service=desk["service"],
        kind="enquiry",
        channel="TEL",
        entry_unit=desk["unit"],
        language="en",
        client=client,
        description="A question",
        at=T0,
    )
    return case


def _person(family: str, given: str = "", **fields: Any) -> Client:
    values: dict[str, Any] = {
        "kind": "person",
        "preferred_language": "fr",
        "segment": "public",
        "family_name": family,
        "given_name": given,
    }
    values.update(fields)
    return do_create_client(**values, actor=None)


def _snapshot() -> dict[str, dict[int, tuple[Any, ...]]]:
    from comptoir.casework.models import Case

    return {
        "clients": {
            row[0]: row[1:]
            for row in Client.objects.values_list(
                "pk", *MERGE_FIELDS, "is_confidential", "merged_into", "search_name", "kind"
            )
        },
        "cases": dict(Case.objects.values_list("pk", "client")),
        "points": {
            row[0]: row[1:]
            for row in ContactPoint.objects.values_list(
                "pk", "client", "is_primary", "is_active", "ended_at"
            )
        },
        "contacts": {
            row[0]: row[1:]
            for row in Contact.objects.values_list("pk", "person", "organization", "is_active")
        },
    }


def _root(clients: dict[int, tuple[Any, ...]], key: int) -> int:
    merged_into = len(MERGE_FIELDS) + 1
    while clients[key][merged_into] is not None:
        key = clients[key][merged_into]
    return key


def _touched(merge: ClientMerge) -> dict[str, set[int]]:
    """The keys of everything a merge touched."""
    members = list(merge.members.all())
    return {
        "clients": {merge.survivor_id, *(member.client_id for member in members)},
        "cases": {key for member in members for key in member.moved["cases"]},
        "points": {item["id"] for member in members for item in member.moved["contact_points"]},
        "contacts": {item["id"] for member in members for item in member.moved["contacts"]},
    }


def _restricted(snapshot: dict[str, dict[int, Any]], keys: dict[str, set[int]]) -> Any:
    return {part: {k: v for k, v in snapshot[part].items() if k in keys[part]} for part in keys}


# --- the property ------------------------------------------------------------------------------

_operation = st.one_of(
    st.tuples(
        st.just("merge"),
        st.integers(0, 4),
        st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
        st.lists(st.integers(0, 4), min_size=len(MERGE_FIELDS), max_size=len(MERGE_FIELDS)),
    ),
    st.tuples(st.just("undo"), st.integers(0, 20)),
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=st.lists(_operation, min_size=1, max_size=7),
    shapes=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=5, max_size=5),
)
def test_any_sequence_of_merges_and_undos_loses_nothing_and_undoes_exactly(
    desk: dict[str, Any], operations: list[Any], shapes: list[tuple[int, int]]
) -> None:
    with transaction.atomic():
        organization = do_create_client(
            kind="organization",
            preferred_language="en",
            segment="private_sector",
            organization_name="Fromagerie Boivin",
            actor=None,
        )
        people = []
        for index, (case_count, point_count) in enumerate(shapes):
            person = _person(
                ["Tremblay", "Tremblay", "Gagnon", "Roy", "Côté"][index],
                ["Marie", "Marie-Ève", "", "Luc", "Ana"][index],
                preferred_language="fr" if index % 2 else "en",
                is_confidential=index == 3,
                date_of_birth=date(1980, 1, 1 + index) if index % 2 else None,
                source_id=f"LEG-{index}" if index < 3 else "",
            )
            for n in range(point_count):
                do_add_contact_point(
                    person,
                    kind="email" if n == 0 else "phone",
                    value=["a@exemple.ca", "b@exemple.ca"][index % 2] if n == 0 else "613-555-0101",
                    is_primary=True,
                    actor=None,
                )
            if index % 2 == 0:
                do_link_contact(person, organization, role="owner", actor=None)
            for _ in range(case_count):
                _case(desk, person)
            people.append(person)
        start = _snapshot()
        owner_of_case = dict(start["cases"])
        owner_of_point = {pk: row[0] for pk, row in start["points"].items()}
        before_merge: dict[int, Any] = {}
        merges: list[int] = []
        for operation in operations:
            held = _snapshot()
            try:
                if operation[0] == "merge":
                    _kind, first, rest, picks = operation
                    group = [people[first], *(people[i] for i in rest if i != first)]
                    chosen = {
                        field: group[pick % len(group)].pk
                        for field, pick in zip(MERGE_FIELDS, picks, strict=True)
                    }
                    merge = do_merge_clients(
                        group[0], group[1:], chosen=chosen, reason="Same person", actor=None
                    )
                    before_merge[merge.pk] = held
                    merges.append(merge.pk)
                else:
                    if not merges:
                        continue
                    merge = ClientMerge.objects.get(pk=merges[operation[1] % len(merges)])
                    do_undo_merge(merge, reason="Two people after all", actor=None)
                    touched = _touched(merge)
                    assert _restricted(_snapshot(), touched) == _restricted(
                        before_merge[merge.pk], touched
                    )
            except ClientError:
                assert _snapshot() == held, "a refused merge or undo changed something"
            now = _snapshot()
            # Nothing is ever deleted or made.
            assert {part: set(rows) for part, rows in now.items()} == {
                part: set(rows) for part, rows in start.items()
            }
            # Every case and contact point is on the record its first owner was merged into.
            for case, owner in owner_of_case.items():
                assert now["cases"][case] == _root(now["clients"], owner)
            for point, owner in owner_of_point.items():
                assert now["points"][point][0] == _root(now["clients"], owner)
            merged = [key for key, row in now["clients"].items() if row[len(MERGE_FIELDS) + 1]]
            assert not ClientMatchKey.objects.filter(client_id__in=merged).exists()
        # Undo what remains, the latest first: everything is back where it started.
        for key in reversed(merges):
            merge = ClientMerge.objects.get(pk=key)
            if not ClientMergeUndo.objects.filter(merge=merge).exists():
                assert undo_refusal(merge) is None
                do_undo_merge(merge, reason="Back to the start", actor=None)
        assert _snapshot() == start
        transaction.set_rollback(True)


# --- examples ----------------------------------------------------------------------------------


def test_a_merge_keeps_the_chosen_values_moves_everything_and_leaves_a_pointer(
    desk: dict[str, Any], make_user: Any
) -> None:
    steward = make_user("unit manager")
    kept = _person("Tremblay", "Marie", preferred_language="en")
    other = _person("Tremblay", "Marie-Ève", date_of_birth=date(1980, 5, 4), source_id="OLD-9")
    do_add_contact_point(kept, kind="email", value="marie@exemple.ca", is_primary=True, actor=None)
    do_add_contact_point(other, kind="email", value="Marie@Exemple.ca", is_primary=True, actor=None)
    do_add_contact_point(other, kind="phone", value="613 555 0199", is_primary=True, actor=None)
    case = _case(desk, other)

    merge = do_merge_clients(
        kept,
        [other],
        chosen={"given_name": other.pk, "date_of_birth": other.pk, "source_id": other.pk},
        reason="Same person, two records since 2019",
        actor=steward,
    )

    kept.refresh_from_db()
    other.refresh_from_db()
    case.refresh_from_db()
    assert (kept.given_name, kept.date_of_birth, kept.source_id) == (
        "Marie-Ève",
        date(1980, 5, 4),
        "OLD-9",
    )
    assert kept.preferred_language == "en"  # not chosen: the survivor's
    assert other.merged_into_id == kept.pk
    assert case.client_id == kept.pk
    event = case.events.order_by("-sequence").first()
    assert event.kind == "client_changed"
    assert event.payload == {"from_client": other.pk, "to_client": kept.pk, "merge": merge.pk}
    points = {(p.kind, p.normalized): p for p in ContactPoint.objects.filter(client=kept)}
    # The same address twice: the moved one is ended, not doubled; the phone moved as primary.
    emails = ContactPoint.objects.filter(client=kept, kind="email")
    assert sorted(emails.values_list("is_active", flat=True)) == [False, True]
    assert points["phone", "+16135550199"].is_primary
    assert merge.merged_by == steward
    assert merge.changes["given_name"] == ["Marie", "Marie-Ève"]
    assert DuplicateDecision.objects.get(left=kept, right=other).decision == "confirmed"
    assert other.history.first().history_change_reason.startswith(f"merge {merge.pk}")

    undo = do_undo_merge(merge, reason="Mother and daughter", actor=steward)

    kept.refresh_from_db()
    other.refresh_from_db()
    case.refresh_from_db()
    assert (kept.given_name, kept.date_of_birth, kept.source_id) == ("Marie", None, "")
    assert other.merged_into_id is None
    assert case.client_id == other.pk
    assert case.events.order_by("-sequence").first().payload["undone"] is True
    assert ContactPoint.objects.filter(client=other, is_active=True).count() == 2
    assert undo.kept_fields == []


def test_a_cluster_merges_in_one_step_and_undoes_in_one(desk: dict[str, Any]) -> None:
    a, b, c = _person("Roy", "Luc"), _person("Roy", "Luc"), _person("Roy", "L.")
    cases = [_case(desk, b), _case(desk, c), _case(desk, c)]
    merge = do_merge_clients(a, [b, c], reason="One client", actor=None)
    assert ClientMergeMember.objects.filter(merge=merge).count() == 2
    assert {
        case.client_id for case in type(cases[0]).objects.filter(pk__in=[x.pk for x in cases])
    } == {a.pk}
    do_undo_merge(merge, reason="Three people", actor=None)
    owners = dict(
        type(cases[0]).objects.filter(pk__in=[x.pk for x in cases]).values_list("pk", "client")
    )
    assert owners == {cases[0].pk: b.pk, cases[1].pk: c.pk, cases[2].pk: c.pk}


def test_undo_leaves_a_field_corrected_after_the_merge_and_says_so(desk: dict[str, Any]) -> None:
    kept, other = _person("Côté", "Ana"), _person("Coté", "Anna")
    merge = do_merge_clients(
        kept,
        [other],
        chosen={"family_name": other.pk, "given_name": other.pk},
        reason="x",
        actor=None,
    )
    do_update_client(kept, {"given_name": "Annie"}, actor=None, reason="She told us")
    undo = do_undo_merge(merge, reason="Two people", actor=None)
    kept.refresh_from_db()
    assert (kept.family_name, kept.given_name) == ("Côté", "Annie")
    assert undo.kept_fields == ["given_name"]


def test_merges_are_undone_latest_first(desk: dict[str, Any]) -> None:
    a, b, c = _person("Roy"), _person("Roy"), _person("Roy")
    first = do_merge_clients(a, [b], reason="x", actor=None)
    second = do_merge_clients(c, [a], reason="y", actor=None)
    with pytest.raises(ClientError) as refused:
        do_undo_merge(first, reason="z", actor=None)
    assert refused.value.code == "undo_later_merge_first"
    do_undo_merge(second, reason="z", actor=None)
    do_undo_merge(first, reason="z", actor=None)
    with pytest.raises(ClientError) as again:
        do_undo_merge(first, reason="z", actor=None)
    assert again.value.code == "already_undone"


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: (_person("Roy"), []), "merge_needs_two"),
        (
            lambda: (
                _person("Roy"),
                [
                    do_create_client(
                        kind="organization",
                        preferred_language="en",
                        segment="private_sector",
                        organization_name="Roy inc.",
                        actor=None,
                    )
                ],
            ),
            "merge_kinds_differ",
        ),
        (
            lambda: (
                _person("Roy"),
                [
                    do_create_client(
                        kind="person",
                        preferred_language="en",
                        segment="public",
                        is_anonymous=True,
                        actor=None,
                    )
                ],
            ),
            "merge_anonymous",
        ),
    ],
)
def test_an_impossible_merge_is_refused_with_a_reason_and_writes_nothing(
    desk: dict[str, Any], build: Any, code: str
) -> None:
    kept, others = build()
    held = _snapshot()
    with pytest.raises(ClientError) as refused:
        do_merge_clients(kept, others, reason="x", actor=None)
    assert refused.value.code == code
    assert _snapshot() == held
    assert not ClientMerge.objects.exists()


def test_a_merge_needs_a_reason_and_known_fields(desk: dict[str, Any]) -> None:
    a, b = _person("Roy"), _person("Roy")
    with pytest.raises(ClientError) as no_reason:
        do_merge_clients(a, [b], reason="  ", actor=None)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ClientError) as unknown:
        do_merge_clients(a, [b], chosen={"kind": b.pk}, reason="x", actor=None)
    assert unknown.value.code == "unknown_field"
    stranger = _person("Gagnon")
    with pytest.raises(ClientError) as foreign:
        do_merge_clients(a, [b], chosen={"family_name": stranger.pk}, reason="x", actor=None)
    assert foreign.value.code == "unknown_record"
    assert not ClientMerge.objects.exists()


def test_a_merged_record_is_a_pointer_nobody_writes_to(desk: dict[str, Any]) -> None:
    from comptoir.casework.errors import CaseError

    a, b = _person("Roy"), _person("Roy")
    do_merge_clients(a, [b], reason="x", actor=None)
    b.refresh_from_db()
    for write in (
        lambda: do_update_client(b, {"given_name": "Luc"}, actor=None, reason="typo"),
        lambda: do_add_contact_point(b, kind="email", value="l@exemple.ca", actor=None),
        lambda: do_merge_clients(b, [_person("Roy")], reason="x", actor=None),
    ):
        with pytest.raises(ClientError) as refused:
            write()
        assert refused.value.code == "merged"
    with pytest.raises(CaseError) as no_case:
        _case(desk, b)
    assert no_case.value.code == "client_merged"


def test_the_database_refuses_to_change_or_delete_a_merge(desk: dict[str, Any]) -> None:
    from django.db import IntegrityError, InternalError, connection

    a, b = _person("Roy"), _person("Roy")
    merge = do_merge_clients(a, [b], reason="x", actor=None)
    for statement in (
        "UPDATE clients_clientmerge SET reason = 'y'",
        "DELETE FROM clients_clientmergemember",
    ):
        with (
            pytest.raises((IntegrityError, InternalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    merge.refresh_from_db()
    assert merge.reason == "x"
