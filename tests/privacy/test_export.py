"""``comptoir privacy export``: everything held about a client for an access request, the
records merged into it included, as JSON and as text in either official language."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.casework import actions
from comptoir.clients.actions import (
    do_add_contact_point,
    do_create_client,
    do_end_contact_point,
    do_merge_clients,
)
from tests.casework.conftest import make_case, make_member, make_unit, organization, service

__all__ = ["make_case", "make_member", "make_unit", "organization", "service"]

pytestmark = pytest.mark.django_db


def _person(given: str) -> Any:
    return do_create_client(
        kind="person",
        given_name=given,
        family_name="Bélanger",
        preferred_language="fr",
        segment="public",
        actor=None,
    )


@pytest.fixture
def held(make_case: Any, make_unit: Any, make_member: Any) -> dict[str, Any]:
    unit = make_unit("desk")
    officer = make_member(unit)
    kept, other = _person("Josée"), _person("Josee")
    old = do_add_contact_point(kept, kind="email", value="josee@exemple.ca", actor=None)
    do_end_contact_point(old, actor=None, reason="She moved")
    do_add_contact_point(kept, kind="phone", value="819-555-0110", actor=None)
    first = make_case(unit, officer, client=kept, is_anonymous=False, description="Tableaux?")
    actions.do_add_note(first, "Rappelée le lendemain", actor=officer)
    second = make_case(unit, officer, client=other, is_anonymous=False, description="Permis")
    do_merge_clients(kept, [other], reason="Même personne", actor=officer)
    return {"kept": kept, "other": other, "cases": [first, second]}


def _export(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("privacy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_json_export_holds_both_records_every_case_and_the_ended_contact_point(
    held: dict[str, Any],
) -> None:
    out, _err = _export("export", str(held["kept"].pk), "--format", "json")
    data = json.loads(out)
    assert data["client"]["id"] == held["kept"].pk
    assert [entry["record"]["id"] for entry in data["records"]] == [
        held["kept"].pk,
        held["other"].pk,
    ]
    points = data["records"][0]["contact_points"]
    assert [(p["value"], p["is_active"]) for p in points] == [
        ("josee@exemple.ca", False),
        ("819-555-0110", True),
    ]
    references = {case["reference"] for case in data["cases"]}
    assert references == {case.reference for case in held["cases"]}
    first = next(c for c in data["cases"] if c["reference"] == held["cases"][0].reference)
    assert first["description"] == "Tableaux?"
    assert "Rappelée le lendemain" in [event["text"] for event in first["events"]]
    assert data["records"][0]["merges"][0]["reason"] == "Même personne"


def test_the_text_export_in_french_and_in_english(held: dict[str, Any]) -> None:
    french, _err = _export("--language", "fr", "export", str(held["kept"].pk))
    assert "Renseignements personnels détenus" in french
    assert "Ce qui a été demandé : Tableaux?" in french
    english, _err = _export("--language", "en", "export", str(held["kept"].pk))
    assert "Personal information held about client record" in english
    assert "What was asked: Tableaux?" in english


def test_a_merged_record_exports_the_record_kept(held: dict[str, Any]) -> None:
    out, err = _export("--language", "en", "export", str(held["other"].pk), "--format", "json")
    assert json.loads(out)["client"]["id"] == held["kept"].pk
    assert f"was merged into record {held['kept'].pk}" in err


def test_an_unknown_client_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="No client record 424242"):
        _export("--language", "en", "export", "424242")
