"""``comptoir backup`` and ``comptoir restore`` speak French when the environment does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_help_is_in_french(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    with pytest.raises(SystemExit):
        call_command(command, "--help")
    printed = capsys.readouterr().out
    assert "utilisation" in printed
    assert "Langue des messages" in printed


def test_a_missing_archive_is_named_in_french(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command(
            "restore", str(tmp_path / "none.tar"), "--language", "fr", stdout=io.StringIO()
        )


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path, db: None) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)
    with pytest.raises(CommandError, match="not a readable archive"):
        call_command("restore", str(junk), "--verify-only", stdout=io.StringIO())
