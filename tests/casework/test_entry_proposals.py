"""The fast entry form proposes existing clients before recording a new one: without JavaScript
when the case is recorded, and as a fragment for the page's script while the officer types."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.casework.models import Case
from comptoir.clients.actions import do_add_contact_point, do_create_client
from comptoir.clients.models import Client

pytestmark = pytest.mark.django_db


def url(name, language="en"):
    with translation.override(language):
        return reverse(f"casework:{name}")


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def existing(officer):
    client = do_create_client(
        kind="person",
        given_name="William",
        family_name="Tremblay",
        preferred_language="fr",
        segment="public",
        actor=officer,
    )
    do_add_contact_point(client, kind="email", value="w.tremblay@example.ca", actor=officer)
    return client


def entry(service, unit, **fields):
    return {
        "client": "new",
        "description": "Census tables",
        "service": str(service.pk),
        "kind": "enquiry",
        "channel": "TEL",
        "entry_unit": str(unit.pk),
        "language": "fr",
        **fields,
    }


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "Is the client one of these?"),
        ("fr", "Le client est-il l’un de ceux-ci?"),
    ],
)
def test_a_close_client_is_proposed_before_a_new_one_is_recorded(
    signed_in, service, unit, existing, language, question
):
    data = entry(
        service, unit, given_name="Bill", family_name="Tremblay", email="W.Tremblay@example.ca"
    )
    response = signed_in.post(url("case_entry", language), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert question in page and "William Tremblay" in page
    assert f'value="{existing.pk}"' in page  # a choice of the client field now
    assert Case.objects.count() == 0 and Client.objects.count() == 1
    # The officer chooses the existing client.
    response = signed_in.post(url("case_entry", language), {**data, "client": str(existing.pk)})
    assert response.status_code == 302
    assert Case.objects.get().client == existing
    assert Client.objects.count() == 1


def test_none_of_these_records_the_new_client(signed_in, service, unit, existing):
    data = entry(
        service,
        unit,
        given_name="Bill",
        family_name="Tremblay",
        email="W.Tremblay@example.ca",
        create_anyway="on",
    )
    response = signed_in.post(url("case_entry"), data)
    assert response.status_code == 302
    assert Client.objects.count() == 2
    assert Case.objects.get().client != existing


def test_nobody_close_records_at_once(signed_in, service, unit, existing):
    response = signed_in.post(url("case_entry"), entry(service, unit, family_name="Okafor"))
    assert response.status_code == 302
    assert Case.objects.get().client.family_name == "Okafor"


def test_the_live_fragment(signed_in, existing, client, make_member, make_unit):
    response = signed_in.get(
        url("entry_proposals") + "?family_name=Tremblay&given_name=Bill"
        "&email=w.tremblay%40example.ca"
    )
    assert response.status_code == 200
    assert "William Tremblay" in response.content.decode()
    nothing = signed_in.get(url("entry_proposals", "fr") + "?family_name=Zyx")
    assert "Aucun client existant n’est proche" in nothing.content.decode()
    # Signed out: sent to sign in; a reader without casework: refused.
    client.logout()
    assert client.get(url("entry_proposals")).status_code == 302
