"""``comptoir inventory --help`` speaks the language of the environment, as ``standards`` does."""

from __future__ import annotations

import pytest
from django.core.management import call_command


def help_text(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        call_command("inventory", *args, "--help")
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines at the terminal width


def test_inventory_help_is_french_under_a_french_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    text = help_text(capsys)
    assert text.startswith("utilisation : inventory")  # call_command gives no program name
    assert "Importer, exporter et mesurer le répertoire des services" in text
    assert "Importer service.csv et service-std.csv." in text
    assert "arguments positionnels:" in text
    assert "Afficher ce message d’aide et quitter." in text
    assert "Niveau de détail : 0 sortie minimale" in text
    for english in ("usage:", "Import, export", "show this help", "Verbosity level"):
        assert english not in text
    imports = help_text(capsys, "import")
    assert "Afficher seulement les totaux, pas chaque violation." in imports
    assert "Le fichier des services des données ouvertes (service.csv)." in imports
    assert "Print only the counts" not in imports
    indicators = help_text(capsys, "indicators")
    assert "Format de sortie (par défaut : json)." in indicators


def test_inventory_help_is_english_otherwise(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    monkeypatch.setenv("LC_ALL", "C")  # as for gettext, LC_ALL comes before LANG
    text = help_text(capsys)
    assert text.startswith("usage: inventory")
    assert "Import, export and measure the service inventory" in text
    assert "Print only the counts, not each violation." in help_text(capsys, "import")
