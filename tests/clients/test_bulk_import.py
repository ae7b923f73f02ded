"""``comptoir clients import``: client records from another system, all or nothing, through the
one bulk writer, with a report of every problem in both languages."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.clients.bulk_import import ClientImportRejected, import_clients
from comptoir.clients.models import Client, ClientMatchKey, ContactPoint
from comptoir.search.models import SearchEntry

pytestmark = pytest.mark.django_db

HEADER = (
    "source_id,given_name,family_name,organization,email,phone,street,city,province,"
    "postal_code,preferred_language,date_of_birth\n"
)
GOOD = (
    "CRM-1,Émilie,Gagné,,emilie.gagne@example.ca,613-555-0101,123 rue Principale,Gatineau,"
    "Québec,j8x 1a1,fr,1984-03-27\n"
    "CRM-2,,,Boulangerie Roy Inc.,info@roy.example.ca,(819) 555-0102,,,,,en,\n"
)


def _write(tmp_path: Path, text: str, name: str = "clients.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_imported_with_its_source_ids_points_history_and_index(
    tmp_path: Path,
) -> None:
    out = StringIO()
    call_command("clients", "import", str(_write(tmp_path, HEADER + GOOD)), stdout=out)
    assert "Imported 2 clients (1 persons, 1 organizations, 5 contact points)." in out.getvalue()
    person = Client.objects.get(source_id="CRM-1")
    assert (person.kind, person.given_name, person.family_name) == ("person", "Émilie", "Gagné")
    assert person.date_of_birth == date(1984, 3, 27)
    assert person.preferred_language == "fr"
    assert person.search_name == "emilie gagne"
    points = {p.kind: p for p in ContactPoint.objects.filter(client=person)}
    assert points["email"].normalized == "emilie.gagne@example.ca"
    assert points["phone"].normalized == "+16135550101"
    assert (points["address"].province, points["address"].postal_code) == ("QC", "J8X 1A1")
    organization = Client.objects.get(source_id="CRM-2")
    assert organization.kind == "organization"
    assert organization.organization_name == "Boulangerie Roy Inc."
    # The one bulk writer's rows: history (creation, system actor, the file named), search
    # entries, blocking strings (the date of birth among them).
    history = person.history.get()
    assert (history.history_type, history.history_user_id) == ("+", None)
    assert history.history_change_reason == "client-import:clients.csv"
    assert history.source_id == "CRM-1"
    assert ContactPoint.history.filter(client_id=person.pk, history_type="+").count() == 3
    assert SearchEntry.objects.filter(kind="client", key=str(person.pk)).exists()
    keys = set(ClientMatchKey.objects.filter(client=person).values_list("value", flat=True))
    assert "email:person:emilie.gagne@example.ca" in keys
    assert any(key.startswith("dob_initial:") for key in keys)


def test_one_bad_row_and_nothing_is_written_the_report_names_it_in_both_languages(
    tmp_path: Path,
) -> None:
    bad = (
        "CRM-3,Luc,Bélanger,,luc-at-example.ca,12,,,,,de,1990-13-01\n"
        "CRM-1,Ana,Silva,,,,,,Atlantis,,,\n"
        ",,,,,,,,,,,\n"
        "CRM-4,,,,,,,,,,,\n"
    )
    path = _write(tmp_path, HEADER + GOOD + bad)
    report_path = tmp_path / "report.csv"
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("clients", "import", str(path), "--report", str(report_path), stdout=out)
    assert refused.value.returncode == 2
    assert "nothing was written" in str(refused.value)
    assert not Client.objects.exists()
    assert not ContactPoint.objects.exists()
    with report_path.open(encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    found = {(row["row"], row["column"], row["code"]) for row in rows}
    assert found == {
        ("4", "email", "invalid_email"),
        ("4", "phone", "invalid_phone"),
        ("4", "preferred_language", "invalid_language"),
        ("4", "date_of_birth", "invalid_date"),
        ("5", "source_id", "duplicate_source_id"),
        ("5", "province", "invalid_province"),
        ("7", "family_name", "no_name"),
    }
    by_code = {row["code"]: row for row in rows}
    assert by_code["duplicate_source_id"]["message_en"] == (
        "The identifier CRM-1 is already on row 2 of this file."
    )
    assert by_code["duplicate_source_id"]["message_fr"] == (
        "L’identifiant CRM-1 figure déjà à la ligne 2 de ce fichier."
    )
    assert by_code["invalid_email"]["message_fr"].startswith("Entrez une adresse")
    assert "date" in by_code["invalid_date"]["message_fr"]
    # The same problems printed, here in French.
    french = StringIO()
    with pytest.raises(CommandError):
        call_command("clients", "--language", "fr", "import", str(path), stdout=french)
    assert "ligne 5" in french.getvalue()


def test_a_source_id_already_in_the_database_is_refused(tmp_path: Path) -> None:
    import_clients(_write(tmp_path, HEADER + GOOD))
    with pytest.raises(ClientImportRejected) as refused:
        import_clients(_write(tmp_path, HEADER + GOOD.splitlines(keepends=True)[0], "again.csv"))
    (problem,) = refused.value.report.problems
    assert (problem.row, problem.column, problem.code) == (2, "source_id", "source_id_exists")
    assert problem.message_in("fr") == (
        "Un client ayant l’identifiant CRM-1 se trouve déjà dans la base de données."
    )
    assert Client.objects.count() == 2


def test_map_reads_the_file_s_own_column_names_and_ignores_the_others(tmp_path: Path) -> None:
    text = (
        "No client,Prénom,Nom,Courriel,Langue,Remarque,email\n"
        "A-7,Jean-François,Côté,jf.cote@example.ca,Français,VIP,ignored@example.ca\n"
    )
    out = StringIO()
    call_command(
        "clients",
        "import",
        str(_write(tmp_path, text)),
        "--map",
        "No client=source_id",
        "--map",
        "Prénom=given_name",
        "--map",
        "Nom=family_name",
        "--map",
        "Courriel=email",
        "--map",
        "Langue=preferred_language",
        stdout=out,
    )
    client = Client.objects.get(source_id="A-7")
    assert (client.given_name, client.family_name, client.preferred_language) == (
        "Jean-François",
        "Côté",
        "fr",
    )
    assert list(ContactPoint.objects.filter(client=client).values_list("value", flat=True)) == [
        "jf.cote@example.ca"
    ]
    # The columns with no field (and the one whose field another column took) are named.
    assert "Remarque" in out.getvalue()
    assert "column email" in out.getvalue()


def test_a_wrong_map_is_a_problem_of_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "Nom\nRoy\n")
    with pytest.raises(ClientImportRejected) as refused:
        import_clients(path, mapping={"Nom": "surname", "Absent": "email"})
    codes = {(p.column, p.code) for p in refused.value.report.problems}
    assert codes == {("Nom", "unknown_field"), ("Absent", "mapped_column_missing")}


def test_dry_run_counts_and_writes_nothing(tmp_path: Path) -> None:
    out = StringIO()
    call_command("clients", "import", str(_write(tmp_path, HEADER + GOOD)), "--dry-run", stdout=out)
    assert "Dry run: 2 clients would be imported" in out.getvalue()
    assert not Client.objects.exists()


def test_a_byte_order_mark_and_a_default_language(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefffamily_name,given_name\nTremblay,Marie\n".encode())
    import_clients(path, default_language="fr")
    client = Client.objects.get()
    assert (client.family_name, client.preferred_language) == ("Tremblay", "fr")


def test_help_speaks_french(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import load_command_class

    monkeypatch.setenv("LANGUAGE", "fr_CA")
    parser = load_command_class("comptoir.clients", "clients").create_parser("comptoir", "clients")
    subparsers = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    text = subparsers["import"].format_help()
    assert "Importer des fiches de clients" in text
    assert "source_id, given_name" in text
    assert "Le score le plus bas" in subparsers["find-duplicates"].format_help()
