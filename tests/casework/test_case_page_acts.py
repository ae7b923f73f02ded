"""The case page's acts that the actions had and no page offered: acknowledge, revise a due date
(typed in the deciding unit's time zone), correct an event from the timeline. Each refusal is a
translated 400 that writes nothing; a stranger gets 404, a reader who may not act 403."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.accounts.roles import Role
from comptoir.casework import actions
from comptoir.casework.models import CaseEvent

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def body(response) -> str:
    return response.content.decode()


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"casework:{name}", args=args)


def events(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True)
    )


@pytest.fixture
def unit(make_unit):
    return make_unit("front", time_zone="America/Toronto")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def standard(service):
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    return ServiceStandard.objects.create(
        service=service,
        service_standard_id="S5",
        rule=StandardRule("S5", Within.parse("5 business days")).to_dict(),
    )


@pytest.fixture
def case(make_case, unit, officer, standard):
    return make_case(unit, officer, at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


# --- acknowledge --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "button", "done"),
    [
        ("en", "Record the acknowledgement", "The acknowledgement is recorded."),
        ("fr", "Consigner l’accusé de réception", "L’accusé de réception est consigné."),
    ],
)
def test_acknowledge_is_offered_until_the_case_is_acknowledged(
    signed_in, case, language, button, done
):
    page = body(signed_in.get(url("case_detail", case.reference, language=language)))
    assert button in page
    response = signed_in.post(url("case_act", case.reference, "acknowledge", language=language))
    assert response.status_code == 302
    assert events(case) == ["received", "acknowledged"]
    page = body(signed_in.get(response["Location"]))
    assert done in page
    assert button not in page


def test_a_second_acknowledgement_is_refused_with_400_and_writes_nothing(signed_in, case, officer):
    actions.do_acknowledge(case, actor=officer)
    response = signed_in.post(url("case_act", case.reference, "acknowledge", language="fr"))
    assert response.status_code == 400
    assert "ne peut pas être inscrite" in body(response)
    assert events(case) == ["received", "acknowledged"]


def test_acts_need_the_right_to_act_on_the_case(client, case, make_member, make_unit, make_user):
    client.force_login(make_member(make_unit("elsewhere")))
    assert client.post(url("case_act", case.reference, "acknowledge")).status_code == 404
    assert client.post(url("case_act", case.reference, "revise"), {}).status_code == 404
    assert client.get(url("event_correct", case.reference, 1)).status_code == 404
    client.force_login(make_user(Role.VIEWER))
    assert client.post(url("case_act", case.reference, "acknowledge")).status_code == 403
    assert events(case) == ["received"]


# --- revise a due date ------------------------------------------------------------------------


def _revise(client, case, language="en", **fields):
    data = {
        "revise-standard": "S5",
        "revise-due_date": "",
        "revise-due_time": "",
        "revise-reason": "",
        **{f"revise-{key}": value for key, value in fields.items()},
    }
    return client.post(url("case_act", case.reference, "revise", language=language), data)


def test_the_revision_form_names_the_time_zone_and_lists_the_case_s_clocks(signed_in, case):
    page = body(signed_in.get(url("case_detail", case.reference)))
    assert "Revise a due date" in page
    assert "In the time zone America/Toronto." in page
    assert '<option value="S5"' in page
    page = body(signed_in.get(url("case_detail", case.reference, language="fr")))
    assert "Dans le fuseau horaire America/Toronto." in page


def test_a_revised_due_date_is_typed_in_the_unit_s_zone_and_shown_on_the_clock(signed_in, case):
    due = (
        (timezone.now() + timedelta(days=20))
        .astimezone(TORONTO)
        .replace(hour=16, minute=30, second=0, microsecond=0)
    )
    response = _revise(
        signed_in,
        case,
        due_date=due.date().isoformat(),
        due_time="16:30",
        reason="The client sent new documents.",
    )
    assert response.status_code == 302, body(response)
    event = CaseEvent.objects.get(case=case, kind="due_date_revised")
    assert event.payload == {"standard_id": "S5", "due_at": due.isoformat()}
    assert event.reason == "The client sent new documents."
    page = body(signed_in.get(url("case_detail", case.reference)))
    assert "The due date is revised." in page
    assert "Revised to" in page and due.isoformat() in page
    assert "By the rule:" in page
    # The explanation says when, to what and why.
    assert "the due date was revised to" in page
    assert "The client sent new documents." in page
    page = body(signed_in.get(url("case_detail", case.reference, language="fr")))
    assert "Reportée au" in page
    assert "l’échéance a été révisée" in page


@pytest.mark.parametrize(
    ("fields", "message_en", "message_fr"),
    [
        ({"due_date": "", "due_time": "", "reason": "x"}, "This field is required.", None),
        (
            {"due_date": "2026-13-45", "due_time": "10:00", "reason": "x"},
            "Enter a valid date.",
            "Saisissez une date valide.",
        ),
        (
            {"due_date": "2099-01-05", "due_time": "10:00", "reason": "Far away."},
            "within 730 days of the case’s receipt",
            "dans les 730 jours suivant la réception du dossier",
        ),
        (
            {"due_date": "2020-01-06", "due_time": "10:00", "reason": "Before."},
            "The due date must be after the case was received.",
            "L’échéance doit suivre la réception du dossier.",
        ),
        ({"due_time": "10:00", "reason": ""}, "This field is required.", None),
        (
            {"standard": "NOPE", "due_time": "10:00", "reason": "x"},
            "Select a valid choice.",
            "Sélectionnez un choix valide.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_bad_revision_is_a_translated_400_and_writes_nothing(
    signed_in, case, fields, message_en, message_fr, language
):
    values = {"due_date": (timezone.now() + timedelta(days=3)).date().isoformat(), **fields}
    response = _revise(signed_in, case, language=language, **values)
    assert response.status_code == 400
    message = message_en if language == "en" else message_fr
    if message:
        assert message in body(response)
    assert events(case) == ["received"]


def test_a_time_the_clocks_skip_is_refused(signed_in, make_case, unit, officer, standard):
    # 2026-03-08 02:30 does not exist in Toronto (clocks move from 02:00 to 03:00).
    case = make_case(unit, officer, at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    response = _revise(signed_in, case, due_date="2026-03-08", due_time="02:30", reason="Promised.")
    assert response.status_code == 400
    assert "02:30 does not exist on 2026-03-08 in the time zone America/Toronto." in body(response)
    assert events(case) == ["received"]


# --- correct an event ---------------------------------------------------------------------------


def test_time_spent_is_corrected_from_the_timeline(signed_in, case, officer):
    actions.do_log_time(case, 20, actor=officer)
    page = body(signed_in.get(url("case_detail", case.reference)))
    link = url("event_correct", case.reference, 2)
    assert f'href="{link}"' in page
    assert url("event_correct", case.reference, 1) not in page  # a receipt is not correctable
    form = signed_in.get(link)
    assert form.status_code == 200
    assert 'value="20"' in body(form)
    response = signed_in.post(link, {"minutes": "12", "reason": "Typed 20 for 12."})
    assert response.status_code == 302
    assert response["Location"].endswith("#event-2")
    correction = CaseEvent.objects.get(case=case, kind="corrected")
    assert correction.payload == {"corrects": 2, "minutes": 12}
    page = body(signed_in.get(url("case_detail", case.reference)))
    assert "Event 2 is corrected." in page
    assert "corrected by #3" in page
    assert "(first recorded as: 20 minutes.)" in page
    assert "Corrects event 2: 12 minutes." in page
    assert "12 minutes</dd>" in page  # the time spent, as corrected
    page = body(signed_in.get(url("case_detail", case.reference, language="fr")))
    assert "corrigé par le nº 3" in page


def test_a_resolution_s_outcome_is_corrected(signed_in, case, officer):
    actions.do_resolve_case(case, "delivered", actor=officer)
    link = url("event_correct", case.reference, 2)
    response = signed_in.post(
        link,
        {"outcome": "unanswerable", "data_gap": "confidentiality", "reason": "Wrong button."},
    )
    assert response.status_code == 302, body(response)
    case.refresh_from_db()
    page = body(signed_in.get(url("case_detail", case.reference)))
    assert "Resolved: Could not be answered (The data are confidential)." in page
    assert "(first recorded as: Resolved: Delivered.)" in page


def test_a_revised_due_date_is_corrected_in_the_unit_s_zone(signed_in, case, officer):
    first = (
        (timezone.now() + timedelta(days=10))
        .astimezone(TORONTO)
        .replace(hour=9, minute=0, second=0, microsecond=0)
    )
    actions.do_revise_due_date(case, "S5", first, "Promised.", actor=officer)
    link = url("event_correct", case.reference, 2)
    form = body(signed_in.get(link))
    assert f'value="{first.date().isoformat()}"' in form
    assert 'value="09:00"' in form
    assert "In the time zone America/Toronto." in form
    response = signed_in.post(
        link, {"due_date": first.date().isoformat(), "due_time": "15:00", "reason": "Typo."}
    )
    assert response.status_code == 302, body(response)
    correction = CaseEvent.objects.get(case=case, kind="corrected")
    assert correction.payload == {
        "corrects": 2,
        "due_at": first.replace(hour=15).isoformat(),
    }
    page = body(signed_in.get(url("case_detail", case.reference)))
    assert first.replace(hour=15).isoformat() in page  # the clock's revised date, as corrected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": "12", "reason": ""}, "Ce champ est obligatoire."),
        ({"minutes": "-3", "reason": "x"}, "supérieure ou égale à 0"),
        ({"minutes": "999999", "reason": "x"}, "inférieure ou égale à 10080"),
        ({"minutes": "douze", "reason": "x"}, "Entrez un nombre entier."),
    ],
)
def test_a_bad_correction_is_a_translated_400_and_writes_nothing(
    signed_in, case, officer, data, message
):
    actions.do_log_time(case, 20, actor=officer)
    response = signed_in.post(url("event_correct", case.reference, 2, language="fr"), data)
    assert response.status_code == 400
    assert message in body(response)
    assert events(case) == ["received", "time_spent"]


def test_a_data_gap_without_could_not_be_answered_is_refused(signed_in, case, officer):
    actions.do_resolve_case(case, "delivered", actor=officer)
    response = signed_in.post(
        url("event_correct", case.reference, 2),
        {"outcome": "denied", "data_gap": "confidentiality", "reason": "x"},
    )
    assert response.status_code == 400
    assert "A data gap is given only when the request could not be answered." in body(response)
    assert events(case) == ["received", "resolved"]


def test_an_event_that_cannot_be_corrected_has_no_correction_page(signed_in, case, officer):
    actions.do_add_note(case, "Called.", actor=officer)
    assert signed_in.get(url("event_correct", case.reference, 1)).status_code == 404
    assert signed_in.get(url("event_correct", case.reference, 2)).status_code == 404
    assert signed_in.get(url("event_correct", case.reference, 99)).status_code == 404
    assert (
        signed_in.post(url("event_correct", case.reference, 2), {"reason": "x"}).status_code == 404
    )
    assert events(case) == ["received", "note"]


# --- the case entry reads its unit and service through queries ----------------------------------


def test_the_entry_reads_only_the_user_s_units_and_their_services(officer, unit, service):
    from comptoir.casework import queries
    from comptoir.inventory.models import Organization, Service

    other = Organization.objects.create(owner_org="other-autre", title_en="O", title_fr="A")
    foreign = Service.objects.create(organization=other, service_id="9999")
    assert queries.entry_service(officer, service.pk) == service
    assert queries.entry_service(officer, foreign.pk) is None
    assert queries.entry_unit(officer, unit.pk) == unit
    assert queries.entry_unit(officer, unit.pk + 1000) is None
