"""The intake proposals (``clients.matching``): the index kept by the actions and the bulk writer,
the proposals with their explanations, the household rule, oversized blocks, the reader's scope,
and the ``comptoir clients`` command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from comptoir.clients import matching
from comptoir.clients.actions import do_end_contact_point, do_update_client
from comptoir.clients.models import ClientMatchKey, ContactPoint

pytestmark = pytest.mark.django_db


def keys_of(client) -> set[str]:
    return set(ClientMatchKey.objects.filter(client=client).values_list("value", flat=True))


def test_the_actions_keep_the_index(make_client):
    client = make_client(given_name="Marie", family_name="Tremblay", email="marie@example.ca")
    assert "email:person:marie@example.ca" in keys_of(client)
    point = ContactPoint.objects.get(client=client, kind="email")
    do_end_contact_point(point, actor=None)
    assert not any(value.startswith("email:") for value in keys_of(client))
    before = keys_of(client)
    do_update_client(client, {"family_name": "Gagnon"}, actor=None, reason="Married name.")
    assert keys_of(client) == {"family_sound_initial:person:g255|m"} != before
    anonymous = make_client(is_anonymous=True)
    assert keys_of(anonymous) == set()


def test_an_exact_email_with_a_nickname_is_proposed_first(make_client):
    wanted = make_client(
        given_name="William", family_name="Tremblay", email="w.tremblay@example.ca"
    )
    make_client(given_name="Sophie", family_name="Tremblay", email="sophie@example.ca")
    record = matching.typed_record(
        given_name="Bill", family_name="Tremblay", email="W.Tremblay@example.ca"
    )
    proposals = matching.propose(record)
    assert proposals and proposals[0].client == wanted
    best = proposals[0]
    assert best.probability > 0.99 and best.decision == "link"
    fields = {line.field: line.level for line in best.explanation}
    assert fields["email"] == "exact" and fields["given_name"] == "nickname"
    with translation.override("fr"):
        reasons = best.reasons()
    assert any(reason.startswith("courriel") for reason in reasons), reasons


def test_a_household_member_is_not_linked(make_client):
    from comptoir.clients.actions import do_add_contact_point

    mother = make_client(given_name="Nathalie", family_name="Roy", phone="613-555-0101")
    do_add_contact_point(
        mother,
        kind="address",
        street="12 rue Principale",
        city="Gatineau",
        province="QC",
        postal_code="J8X 1A1",
        actor=None,
    )
    record = matching.typed_record(
        given_name="Kevin",
        family_name="Roy",
        phone="613 555 0101",
        street="12 rue Principale",
        city="Gatineau",
        postal_code="J8X1A1",
    )
    proposals = matching.propose(record, threshold=0.0)
    assert proposals and proposals[0].client == mother
    assert proposals[0].decision == "ask"
    levels = {line.field: line.level for line in proposals[0].explanation}
    assert levels["household"] == "conflict"


def test_an_oversized_block_is_left_out(make_client, monkeypatch):
    monkeypatch.setattr(matching, "BLOCK_CAP", 2)
    for given in ("Anne", "Annie", "Anna"):
        make_client(given_name=given, family_name="Cote", phone="819-555-0199")
    record = matching.typed_record(given_name="Ann", family_name="Zzyzx", phone="819-555-0199")
    # The shared switchboard number is held by three clients: more than the cap, no candidate.
    assert matching.propose(record, threshold=0.0) == []


def test_staff_see_only_the_clients_they_may_see(make_client, make_staff):
    make_client(given_name="Luc", family_name="Roy", email="luc@example.ca", is_confidential=True)
    officer = make_staff()
    record = matching.typed_record(given_name="Luc", family_name="Roy", email="luc@example.ca")
    assert matching.propose(record)  # the system sees every client
    assert matching.propose_for_user(officer, record) == []


def test_merged_records_are_never_proposed(make_client):
    kept = make_client(given_name="Luc", family_name="Roy", email="luc@example.ca")
    gone = make_client(given_name="Luc", family_name="Roy", email="luc@example.ca")
    type(gone).objects.filter(pk=gone.pk).update(merged_into=kept)
    matching.refresh_match_keys(gone)
    record = matching.typed_record(given_name="Luc", family_name="Roy", email="luc@example.ca")
    assert [proposal.client for proposal in matching.propose(record)] == [kept]


def test_the_bulk_writer_indexes_the_clients_it_writes(db):
    import random
    from datetime import UTC, datetime

    from comptoir.casework import generator

    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    people = list(generator.generate_clients(random.Random(7), 25, start=start, end=end))
    generator.write_generated(people, [], actor=None, now=end)
    clients_with_points = ContactPoint.objects.values("client_id").distinct().count()
    assert clients_with_points
    indexed = ClientMatchKey.objects.values("client_id").distinct().count()
    assert indexed >= clients_with_points
    before = set(ClientMatchKey.objects.values_list("client_id", "value"))
    out = StringIO()
    call_command("clients", "index-keys", stdout=out)
    assert set(ClientMatchKey.objects.values_list("client_id", "value")) == before


def test_the_command(make_client):
    client = make_client(given_name="Marie", family_name="Tremblay", email="marie@example.ca")
    out = StringIO()
    call_command(
        "clients", "propose", "--email", "marie@example.ca", "--format", "json", stdout=out
    )
    found = json.loads(out.getvalue())
    assert found[0]["client"] == client.pk and found[0]["explanation"]
    out = StringIO()
    call_command(
        "clients",
        "--language",
        "fr",
        "propose",
        "--given-name",
        "Marie",
        "--family-name",
        "Tremblay",
        "--email",
        "marie@example.ca",
        stdout=out,
    )
    assert f"Client {client.pk}" in out.getvalue() and "courriel" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("clients", "propose", "--postal-code", "K1A 0B1")
