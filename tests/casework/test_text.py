"""Every casework code has words in both languages: enum labels and whole error sentences."""

from __future__ import annotations

import enum

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from comptoir.casework import text
from comptoir.core.casework import (
    CaseKind,
    CaseworkError,
    CaseworkErrorCode,
    DataGap,
    EventKind,
    Outcome,
    Status,
)

LABELLED = [
    (EventKind, text.EVENT_KIND_LABELS, "case event"),
    (Status, text.STATUS_LABELS, "case status"),
    (Outcome, text.OUTCOME_LABELS, "case outcome"),
    (DataGap, text.DATA_GAP_LABELS, "data gap"),
    (CaseKind, text.CASE_KIND_LABELS, "case kind"),
]
MEMBERS = [
    (member, labels, context)
    for enum_type, labels, context in LABELLED
    for member in enum_type  # type: ignore[attr-defined]
]


def french_catalogue() -> dict[str, str]:
    return dict(trans_real.translation("fr")._catalog.items())


@pytest.mark.parametrize(
    ("member", "labels", "context"),
    MEMBERS,
    ids=[f"{m.__class__.__name__}.{m.name}" for m, _, _ in MEMBERS],
)
def test_every_member_has_a_label_in_both_languages(
    member: enum.StrEnum, labels: dict[enum.StrEnum, object], context: str
) -> None:
    with translation.override("en"):
        english = str(labels[member])  # English is the msgid itself
        assert english and english == text.label(member)  # type: ignore[arg-type]
    # The catalogue holds the French of this very msgid, in this context (a French word that
    # happens to be spelled as the English one, "Note", is still a translation).
    french = french_catalogue().get(f"{context}\x04{english}")
    assert french, english
    with translation.override("fr"):
        assert str(labels[member]) == french == text.label(member)  # type: ignore[arg-type]


def test_labels_cover_each_enum_exactly() -> None:
    for enum_type, labels, _ in LABELLED:
        assert set(labels) == set(enum_type)  # type: ignore[call-overload]


def test_a_word_short_in_english_is_translated_for_what_it_names_here() -> None:
    with translation.override("fr"):
        assert str(text.STATUS_LABELS[Status.OPEN]) == "Ouvert"
        assert str(text.EVENT_KIND_LABELS[EventKind.RESOLVED]) == "Réglé"
        assert str(text.OUTCOME_LABELS[Outcome.DENIED]) == "Refusé"


PARAMS: dict[str, object] = {
    "kind": "resumed",
    "status": "open",
    "field": "minutes",
    "value": "x",
    "sequence": 4,
    "corrects": 2,
}


@pytest.mark.parametrize("code", list(CaseworkErrorCode))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_error_code_has_a_sentence(code: CaseworkErrorCode, language: str) -> None:
    with translation.override(language):
        message = text.error_message(CaseworkError(code, **PARAMS))
        bare = text.error_message(CaseworkError(code))
    assert message and "%(" not in message
    assert bare and "%(" not in bare  # a parameter missing still gives a sentence
    assert message.rstrip().endswith(".")
    with translation.override("en"):
        english = text.error_message(CaseworkError(code, **PARAMS))
    if language == "fr":
        assert message != english


@pytest.mark.parametrize(
    "field",
    [
        "minutes",
        "outcome",
        "data_gap",
        "assignee",
        "to_unit",
        "standard_id",
        "due_at",
        "unit",
        "payload",
    ],
)
def test_every_payload_field_has_a_sentence_in_french(field: str) -> None:
    error = CaseworkError(
        CaseworkErrorCode.INVALID_PAYLOAD, kind="time_spent", field=field, value="x"
    )
    with translation.override("en"):
        english = text.error_message(error)
    with translation.override("fr"):
        french = text.error_message(error)
    assert "%(" not in english and "%(" not in french
    assert english != french


@pytest.mark.parametrize("field", ["case_kind", "channel", "tier", "service_id", "entry_unit"])
def test_every_case_field_has_a_sentence_in_french(field: str) -> None:
    error = CaseworkError(CaseworkErrorCode.INVALID_CASE, field=field, value="x")
    with translation.override("en"):
        english = text.error_message(error)
    with translation.override("fr"):
        french = text.error_message(error)
    assert "%(" not in french and english != french


def test_the_transition_sentence_names_the_step_and_the_status() -> None:
    error = CaseworkError(CaseworkErrorCode.INVALID_TRANSITION, kind="resumed", status="open")
    with translation.override("en"):
        assert text.error_message(error) == (
            "The step “Resumed” cannot be recorded while the case’s status is “Open”."
        )
    with translation.override("fr"):
        assert text.error_message(error) == (
            "L’étape « Repris » ne peut pas être inscrite tant que l’état du dossier est "
            "« Ouvert »."
        )
    # A code that is not a kind (a stored row from a newer version) is shown as it is.
    unknown = CaseworkError(CaseworkErrorCode.INVALID_TRANSITION, kind="teleported", status="open")
    with translation.override("en"):
        assert "“teleported”" in text.error_message(unknown)


def test_resolution_words() -> None:
    with translation.override("en"):
        assert text.resolution_words({"outcome": "delivered"}) == "Resolved: Delivered."
        assert (
            text.resolution_words({"outcome": "unanswerable", "data_gap": "confidentiality"})
            == "Resolved: Could not be answered (The data are confidential)."
        )
    with translation.override("fr"):
        assert text.resolution_words({"outcome": "denied"}) == "Réglé : Refusé."
        assert (
            text.resolution_words({"outcome": "unanswerable", "data_gap": "not_collected"})
            == "Réglé : Sans réponse possible (Les données ne sont pas recueillies)."
        )
