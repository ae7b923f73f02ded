"""``comptoir mail ingest``: .eml files and maildirs, one line per message, both languages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.casework.models import Case
from comptoir.notifications.models import InboundMessage
from tests.notifications.inbound_builders import STRANGER_ADDRESS, mail

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("mail", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_maildir(root: Path, messages: dict[str, bytes]) -> Path:
    for part in ("new", "cur", "tmp"):
        (root / part).mkdir(parents=True)
    for name, raw in messages.items():
        (root / name).write_bytes(raw)
    return root


def test_eml_files(tmp_path, client_case, sent_message):
    reply = tmp_path / "reply.eml"
    reply.write_bytes(mail(headers=[("In-Reply-To", sent_message.message_id)]))
    auto = tmp_path / "auto.eml"
    auto.write_bytes(mail(headers=[("Auto-Submitted", "auto-replied")]))
    out, err = run("--language", "en", "ingest", str(reply), str(auto))
    assert out.splitlines() == [
        f"{reply}: Added to its case; case {client_case.reference}",
        f"{auto}: Automatic reply (set aside); case —",
    ]
    assert err == ""
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"file"}
    # Again: nothing new, and it says so.
    out, _err = run("--language", "en", "ingest", str(reply))
    assert out.strip() == (
        f"{reply}: already ingested (Added to its case; case {client_case.reference})"
    )
    assert InboundMessage.objects.count() == 2


def test_a_maildir_in_french(tmp_path, mail_service):
    folder = write_maildir(
        tmp_path / "Maildir",
        {
            "new/1.host": mail(sender=STRANGER_ADDRESS, subject="Une question"),
            "cur/2.host:2,S": mail(sender="x@example.org", headers=[("Precedence", "bulk")]),
        },
    )
    out, _err = run("--language", "fr", "ingest", str(folder))
    case = Case.objects.get()
    assert out.splitlines() == [
        f"{folder}/new/1.host\xa0: A ouvert un nouveau dossier; dossier {case.reference}",
        f"{folder}/cur/2.host:2,S\xa0: Courriel de liste ou de masse (mis de côté); dossier —",
    ]
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"maildir"}


def test_an_unreadable_path_fails_the_command_and_the_others_are_ingested(tmp_path, mail_service):
    good = tmp_path / "good.eml"
    good.write_bytes(mail(sender=STRANGER_ADDRESS))
    not_a_maildir = tmp_path / "folder"
    not_a_maildir.mkdir()
    missing = tmp_path / "missing.eml"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "mail", "--language", "fr", "ingest", str(missing), str(not_a_maildir), str(good),
            stdout=out, stderr=err,
        )  # fmt: skip
    assert caught.value.returncode == 2
    assert str(caught.value) == "2 chemins n'ont pas pu être lus."
    assert err.getvalue().splitlines() == [
        f"Fichier introuvable\xa0: {missing}",
        f"{not_a_maildir} est un répertoire, mais pas un maildir (il n'a ni new/ ni cur/).",
    ]
    assert InboundMessage.objects.count() == 1
    assert out.getvalue().startswith(f"{good}\xa0: A ouvert un nouveau dossier; dossier ")


def test_a_maildir_with_an_unreadable_message_ingests_none_of_it(tmp_path, mail_service):
    folder = write_maildir(tmp_path / "Maildir", {"new/1.host": mail(sender=STRANGER_ADDRESS)})
    (folder / "new" / "2.host").symlink_to(tmp_path / "nowhere")
    with pytest.raises(CommandError):
        run("--language", "en", "ingest", str(folder))
    assert InboundMessage.objects.count() == 0


def test_help_in_french(capsys, monkeypatch):
    from django.core.management import ManagementUtility

    monkeypatch.setenv("LANGUAGE", "fr")
    with pytest.raises(SystemExit):
        ManagementUtility(["comptoir", "mail", "ingest", "--help"]).execute()
    text = capsys.readouterr().out
    assert "Un fichier .eml ou un répertoire maildir." in text
    assert "utilisation" in text.lower()
