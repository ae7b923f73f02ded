"""Administrators edit the messages sent to clients in both languages, with a preview filled with
invented values; a refused wording changes nothing; the edited wording is what clients get."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.accounts.roles import Role
from comptoir.notifications.models import MessageTemplate
from comptoir.notifications.rendering import render

pytestmark = pytest.mark.django_db

WORDING = {
    "subject_en": "Your request {reference} is resolved",
    "body_en": "Hello,\n\nYour request {reference} is resolved.\nSee {lookup_url}",
    "subject_fr": "Votre demande {reference} est réglée",
    "body_fr": "Bonjour,\n\nVotre demande {reference} est réglée.\nVoir {lookup_url}",
    "gc_notify_template_en": "",
    "gc_notify_template_fr": "",
}


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"mail:{name}", args=args)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="ada")


def test_only_administrators_edit(client, make_user):
    client.force_login(make_user(Role.CLIENT_SERVICE_OFFICER))
    assert client.get(url("template_list")).status_code == 403
    assert client.get(url("template_edit", "resolved")).status_code == 403
    assert (
        client.post(url("template_edit", "resolved"), {**WORDING, "save": "1"}).status_code == 403
    )
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Messages sent to clients"), ("fr", "Messages envoyés aux clients")],
)
def test_the_list_and_the_form_in_both_languages(client, administrator, language, title):
    client.force_login(administrator)
    page = client.get(url("template_list", language=language))
    assert page.status_code == 200 and title in page.content.decode()
    form = client.get(url("template_edit", "acknowledgement", language=language))
    assert form.status_code == 200
    # Comptoir's own wording fills the form.
    assert "{reference}" in form.content.decode()
    assert client.get(url("template_edit", "nothing")).status_code == 404


def test_preview_saves_nothing_and_shows_both_languages(client, administrator):
    client.force_login(administrator)
    response = client.post(url("template_edit", "resolved"), {**WORDING, "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your request ABCD-2345 is resolved" in page
    assert "Votre demande ABCD-2345 est réglée" in page
    assert not MessageTemplate.objects.exists()
    typo = client.post(
        url("template_edit", "resolved"), {**WORDING, "body_fr": "Voir {lien}", "preview": "1"}
    )
    assert "{lien}" in typo.content.decode()


def test_a_refused_wording_changes_nothing(client, administrator):
    client.force_login(administrator)
    for bad in (
        {"body_fr": ""},
        {"subject_en": "Request {referense}"},
        {"gc_notify_template_en": "not-an-id"},
    ):
        response = client.post(url("template_edit", "resolved"), {**WORDING, **bad, "save": "1"})
        assert response.status_code == 400, bad
    assert not MessageTemplate.objects.exists()


def test_the_saved_wording_is_sent_and_its_history_kept(client, administrator):
    client.force_login(administrator)
    response = client.post(url("template_edit", "resolved"), {**WORDING, "save": "1"})
    assert response.status_code == 302
    template = MessageTemplate.objects.get(kind="resolved")
    assert template.updated_by == administrator
    rendered = render("resolved", "fr", {"reference": "WXYZ-2345", "lookup_url": ""})
    assert rendered.subject == "Votre demande WXYZ-2345 est réglée"
    assert "Voir" not in rendered.body  # its only placeholder is empty: the line is left out
    client.post(
        url("template_edit", "resolved"),
        {**WORDING, "subject_en": "Resolved: {reference}", "save": "1"},
    )
    assert template.history.count() == 2
    page = client.get(url("template_edit", "resolved")).content.decode()
    assert "Earlier versions" in page and "ada" in page
