"""The one event writer and the actions on top of it: each act appends one event (or refuses and
changes nothing) and the case's projection follows ``derive_state``."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from comptoir.casework import actions
from comptoir.casework.errors import CaseError
from comptoir.casework.models import Case, CaseEvent
from comptoir.core.casework import parse_reference
from tests.casework.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


@pytest.fixture
def case(make_case, unit, officer):
    return make_case(unit, officer)


def _kinds(case):
    return list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )


def _snapshot(case):
    return (
        list(CaseEvent.objects.filter(case=case).values()),
        Case.objects.filter(pk=case.pk).values().get(),
    )


def test_receiving_a_case_records_received_and_projects_its_state(case, unit):
    assert _kinds(case) == ["received"]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.current_unit_id, stored.owner_id) == ("open", unit.pk, None)
    assert stored.received_at == stored.last_event_at == T0
    assert stored.resolved_at is None
    assert parse_reference(stored.reference) == stored.reference


def test_the_status_token_is_given_once_and_only_its_hash_is_stored(service, unit, officer):
    case, token = actions.do_receive_case(
        service=service,
        kind="enquiry",
        channel="TEL",
        entry_unit=unit,
        language="fr",
        is_anonymous=True,
        actor=officer,
    )
    assert len(token) >= 40
    assert case.status_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Case.objects.filter(pk=case.pk).values().get())
    assert actions.case_for_status_token(token) == case
    assert actions.case_for_status_token(token + "x") is None


def test_resolved_on_the_spot_records_the_answer_the_time_and_the_resolution(
    make_case, unit, officer
):
    case = make_case(
        unit, officer, answer="Table 12-10-0011-01.", minutes=6, resolved_on_the_spot=True
    )
    assert _kinds(case) == ["received", "note", "time_spent", "resolved"]
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == "resolved"
    assert stored.resolved_at == T0
    resolved = CaseEvent.objects.get(case=case, kind="resolved")
    assert resolved.payload == {"outcome": "delivered"}


def test_references_are_drawn_again_on_a_collision(make_case, unit, officer, monkeypatch):
    first = make_case(unit, officer)
    taken = parse_reference(first.reference)
    numbers = iter([1, 1, 2])
    monkeypatch.setattr(actions, "make_reference", lambda n: {1: taken}.get(n, f"new-{n}"))
    monkeypatch.setattr(actions, "draw_reference_number", lambda: next(numbers))
    second = make_case(unit, officer)
    assert second.reference == "new-2"


def test_a_case_needs_a_client_or_the_anonymous_choice(service, unit, officer):
    with pytest.raises(CaseError) as refused:
        actions.do_receive_case(
            service=service,
            kind="enquiry",
            channel="TEL",
            entry_unit=unit,
            language="en",
            actor=officer,
        )
    assert refused.value.code == "client_or_anonymous"
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "gossip", "invalid_kind"),
        ("channel", "PIGEON", "invalid_channel"),
        ("language", "de", "invalid_language"),
        ("tier", 4, "invalid_tier"),
        ("minutes", 0, "invalid_minutes"),
    ],
)
def test_bad_entry_input_is_refused_and_writes_nothing(
    make_case, unit, officer, field, value, code
):
    with pytest.raises(CaseError) as refused:
        make_case(unit, officer, **{field: value})
    assert refused.value.code == code
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_stranger_to_the_unit_cannot_receive_a_case_there(
    make_case, make_unit, make_member, unit
):
    stranger = make_member(make_unit("elsewhere"))
    with pytest.raises(CaseError) as refused:
        make_case(unit, stranger)
    assert refused.value.code == "not_unit_member"


def test_an_officer_takes_a_case_and_the_projection_follows(case, officer):
    actions.do_assign_case(case, officer, actor=officer, at=T0 + timedelta(minutes=5))
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.owner_id) == ("assigned", officer.pk)
    assert stored.last_event_at == T0 + timedelta(minutes=5)
    assert (case.status, case.owner_id) == ("assigned", officer.pk)


def test_only_a_manager_assigns_a_case_to_someone_else(case, officer, make_member, unit):
    colleague = make_member(unit)
    with pytest.raises(CaseError) as refused:
        actions.do_assign_case(case, colleague, actor=officer)
    assert refused.value.code == "may_not_assign"
    manager = make_member(unit, is_manager=True)
    actions.do_assign_case(case, colleague, actor=manager)
    assert Case.objects.get(pk=case.pk).owner_id == colleague.pk


def test_the_assignee_must_be_an_active_member_of_the_current_unit(
    case, make_member, make_unit, unit
):
    manager = make_member(unit, is_manager=True)
    outsider = make_member(make_unit("other"))
    before = _snapshot(case)
    with pytest.raises(CaseError) as refused:
        actions.do_assign_case(case, outsider, actor=manager)
    assert refused.value.code == "assignee_not_member"
    assert _snapshot(case) == before


def test_bulk_assignment_is_all_or_nothing(make_case, unit, officer, make_member):
    manager = make_member(unit, is_manager=True)
    first, second = make_case(unit, officer), make_case(unit, officer)
    actions.do_resolve_case(second, "withdrawn", actor=officer)
    with pytest.raises(CaseError):
        actions.do_bulk_assign([first, second], officer, actor=manager)
    assert Case.objects.get(pk=first.pk).owner_id is None
    actions.do_bulk_assign([first], officer, actor=manager)
    assert Case.objects.get(pk=first.pk).owner_id == officer.pk


def test_a_referral_needs_a_reason_and_moves_the_case_unassigned(case, officer, make_unit):
    division = make_unit("division")
    actions.do_assign_case(case, officer, actor=officer)
    with pytest.raises(CaseError) as refused:
        actions.do_refer_case(case, division, actor=officer, reason="  ")
    assert refused.value.code == "reason_required"
    actions.do_refer_case(case, division, actor=officer, reason="Needs a subject-matter expert.")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.current_unit_id, stored.owner_id, stored.status) == (division.pk, None, "open")
    referred = CaseEvent.objects.get(case=case, kind="referred")
    assert referred.payload == {"to_unit": str(division.pk)}
    assert referred.reason == "Needs a subject-matter expert."


def test_awaiting_the_client_then_resuming(case, officer):
    actions.do_assign_case(case, officer, actor=officer)
    actions.do_await_client(case, actor=officer, reason="Asked for the geography.")
    assert Case.objects.get(pk=case.pk).status == "awaiting_client"
    actions.do_resume_case(case, actor=officer)
    assert Case.objects.get(pk=case.pk).status == "assigned"


def test_resuming_a_case_that_is_not_waiting_is_refused_in_words(case, officer):
    before = _snapshot(case)
    with pytest.raises(CaseError) as refused, translation.override("fr"):
        actions.do_resume_case(case, actor=officer)
    assert refused.value.code == "invalid_transition"
    assert str(refused.value)
    assert _snapshot(case) == before


def test_notes_and_time_are_recorded_in_any_status(case, officer):
    actions.do_add_note(case, "Called back.", actor=officer)
    actions.do_log_time(case, 15, actor=officer)
    actions.do_resolve_case(case, "delivered", actor=officer)
    actions.do_add_note(case, "Client thanked us.", actor=officer)
    actions.do_log_time(case, 5, actor=officer)
    assert _kinds(case) == ["received", "note", "time_spent", "resolved", "note", "time_spent"]
    with pytest.raises(CaseError):
        actions.do_add_note(case, "", actor=officer)
    with pytest.raises(CaseError):
        actions.do_log_time(case, -3, actor=officer)


def test_an_unanswerable_outcome_needs_a_data_gap(case, officer):
    with pytest.raises(CaseError) as refused:
        actions.do_resolve_case(case, "unanswerable", actor=officer)
    assert refused.value.code == "data_gap_required"
    with pytest.raises(CaseError) as refused:
        actions.do_resolve_case(case, "delivered", "not_collected", actor=officer)
    assert refused.value.code == "data_gap_unexpected"
    assert _kinds(case) == ["received"]
    actions.do_resolve_case(case, "unanswerable", "geography_too_fine", actor=officer)
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == "resolved"
    assert stored.resolved_at is not None


def test_reopening_needs_a_reason_and_a_resolved_case(case, officer):
    with pytest.raises(CaseError):
        actions.do_reopen_case(case, "Client called back.", actor=officer)
    actions.do_resolve_case(case, "delivered", actor=officer)
    with pytest.raises(CaseError):
        actions.do_reopen_case(case, "", actor=officer)
    actions.do_reopen_case(case, "Client called back.", actor=officer)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.resolved_at) == ("open", None)


def test_a_due_date_revision_keeps_the_instant_and_the_reason(case, officer):
    due = T0 + timedelta(days=10)
    actions.do_revise_due_date(case, "STD-1", due, "Client asked for more time.", actor=officer)
    event = CaseEvent.objects.get(case=case, kind="due_date_revised")
    assert event.payload == {"standard_id": "STD-1", "due_at": due.isoformat()}
    with pytest.raises(CaseError):
        actions.do_revise_due_date(case, "STD-1", due.replace(tzinfo=None), "x", actor=officer)


def test_a_correction_is_a_new_event_and_the_old_one_stays(case, officer):
    logged = actions.do_log_time(case, 50, actor=officer)
    actions.do_correct_event(
        case, logged.sequence, {"minutes": 5}, actor=officer, reason="Typed 50 for 5."
    )
    assert CaseEvent.objects.get(pk=logged.pk).payload == {"minutes": 50}
    corrected = CaseEvent.objects.get(case=case, kind="corrected")
    assert corrected.payload == {"corrects": logged.sequence, "minutes": 5}
    with pytest.raises(CaseError) as refused:
        actions.do_correct_event(case, 1, {"minutes": 5}, actor=officer, reason="x")
    assert refused.value.code == "invalid_correction"


def test_each_event_gets_the_next_sequence_number(case, officer):
    actions.do_add_note(case, "one", actor=officer)
    actions.do_add_note(case, "two", actor=officer)
    sequences = list(CaseEvent.objects.filter(case=case).values_list("sequence", flat=True))
    assert sorted(sequences) == [1, 2, 3]


def test_a_case_error_is_a_validation_error_with_a_stable_code(case, officer):
    with pytest.raises(ValidationError) as refused:
        actions.do_reopen_case(case, "x", actor=officer)
    assert refused.value.code == "invalid_transition"


def test_acknowledging_and_unassigning(case, officer, make_member, unit):
    actions.do_acknowledge(case, actor=officer)
    with pytest.raises(CaseError):
        actions.do_acknowledge(case, actor=officer)
    actions.do_assign_case(case, officer, actor=officer)
    colleague = make_member(unit)
    with pytest.raises(CaseError) as refused:
        actions.do_unassign_case(case, actor=colleague)
    assert refused.value.code == "may_not_assign"
    actions.do_unassign_case(case, actor=officer)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.owner_id) == ("open", None)


def test_reference_numbers_are_drawn_among_the_eight_character_codes():
    from comptoir.core.casework import make_reference, reference_numbers

    numbers = reference_numbers(actions.REFERENCE_LENGTH)
    for _draw in range(50):
        number = actions.draw_reference_number()
        assert number in numbers
        assert len(make_reference(number).replace("-", "")) == 8


def test_a_refused_entry_does_not_keep_the_new_client(service, unit, officer):
    from comptoir.clients.models import Client

    with pytest.raises(CaseError):
        actions.do_enter_case(
            new_client={"family_name": "Tremblay", "phone": "(613) 555-0100"},
            service=service,
            kind="enquiry",
            channel="TEL",
            entry_unit=unit,
            language="fr",
            tier=7,
            actor=officer,
        )
    assert not Client.objects.exists()
    assert not Case.objects.exists()
