"""The staff page of failed messages, and ``comptoir worker``'s bilingual help."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comptoir.notifications.actions import notify
from tests.notifications.outbound_builders import french_case  # noqa: F401

pytestmark = pytest.mark.django_db


def _fail(case, status, *, attempts=1, error="550 5.1.1 No such user here"):
    message = notify(case, "reply", context={"reply": "Bonjour"})
    assert message is not None
    message.status, message.attempts, message.last_error = status, attempts, error
    message.save(update_fields=["status", "attempts", "last_error"])
    return message


def test_staff_see_the_failed_and_retrying_messages_of_their_cases(
    client, french_case, officer, make_unit, make_member
):
    _fail(french_case, "permanent-failure")
    retrying = _fail(french_case, "queued", attempts=2, error="Connection refused")
    retrying.next_attempt_at = timezone.now()
    retrying.save(update_fields=["next_attempt_at"])
    notify(french_case, "reply", context={"reply": "Pas encore essayé"})  # queued, never tried
    _fail(french_case, "sent", error="")

    client.force_login(officer)
    page = client.get(reverse("mail:failed_messages"))
    assert page.status_code == 200
    rows = page.context["listing"].page.object_list
    assert sorted(m.status for m in rows) == ["permanent-failure", "queued"]
    html = page.content.decode()
    assert "550 5.1.1 No such user here" in html and "Connection refused" in html
    assert french_case.reference in html

    # Someone in another unit does not see this unit's case.
    stranger = make_member(make_unit("elsewhere"))
    client.force_login(stranger)
    page = client.get(reverse("mail:failed_messages"))
    assert list(page.context["listing"].page.object_list) == []
    assert french_case.reference not in page.content.decode()


def test_the_page_needs_case_work(client, make_user):
    client.force_login(make_user(None))
    assert client.get(reverse("mail:failed_messages")).status_code == 403
    client.logout()
    assert client.get(reverse("mail:failed_messages")).status_code == 302


def test_the_worker_speaks_french(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr_CA")
    monkeypatch.setenv("COLUMNS", "200")  # argparse wraps to the terminal's width
    with pytest.raises(SystemExit):
        call_command("worker", "--help")
    out = capsys.readouterr().out
    assert "Exécuter le travailleur en arrière-plan" in out
    assert "puis s’arrêter" in out


def test_the_case_page_lists_the_mail_with_the_client(client, french_case, officer):
    from comptoir.notifications.models import InboundMessage

    notify(french_case, "reply", context={"reply": "Voici le tableau."})
    InboundMessage.objects.create(
        raw_sha256="0" * 64,
        source="file",
        from_address="elise.tremblay@example.ca",
        subject="Merci",
        body="Merci pour le tableau.",
        received_at=timezone.now(),
        verdict="threaded",
        case=french_case,
    )
    client.force_login(officer)
    page = client.get(reverse("casework:case_detail", args=[french_case.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Mail with the client" in body
    assert "Voici le tableau." in body and "Merci pour le tableau." in body
    assert "elise.tremblay@example.ca" in body
