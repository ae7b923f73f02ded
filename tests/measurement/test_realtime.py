"""Real-time performance for clients: the figures against a hand-worked set of cases, the stored
result the page and feeds serve, the sweep's schedule and the command.

The cases (a Toronto unit open 08:30–16:30 on weekdays, federal holidays; the standard "within
5 business days from receipt until resolution", target 80 %; the day of receipt is day 0), all
received at 10:00 and counted as of Monday 30 June 2025 at 10:00 over a 30-day window:

====  =====================  =====================  ==================  =======
case  received               resolved               business days       outcome
====  =====================  =====================  ==================  =======
A     Mon 2 June             Mon 2 June 15:00       0                   met
B     Mon 2 June             Wed 4 June 11:00       2                   met
C     Tue 3 June             Thu 5 June 11:00       2                   met
D     Mon 2 June             Mon 9 June 11:00       5                   met
E     Mon 2 June             Wed 11 June 11:00      7                   missed
F     Mon 7 April            Tue 8 April 11:00      1 (outside window)  met
G, H  Fri 20 June, Wed 25 June  open                —                   pending
====  =====================  =====================  ==================  =======

Backward: 5 outputs in the window, 4 met → 0.8; the durations sorted are 0, 2, 2, 5, 7 and the
nearest rank of 80 % is the ceil(0.8 × 5) = 4th: 5 business days.

Forward: the window (Sat 31 May 10:00, Mon 30 June 10:00] holds 20 business days of 8 h and
1 h 30 on 30 June: 161 h 30 of open time, 5 outputs; the backlog is 2 (G and H), so a request made
now needs (2 + 1) × 161.5 h ÷ 5 = 96 h 54 min of open time: 6 h 30 on 30 June, Canada Day
closed, then 8 h a day from 2 July — 90 h 24 left is 11 whole days (to 16 July) and 2 h 24 on
Thursday 17 July, due at 10:54.

This fiscal year (2025-2026, by output): A to F, 6 outputs, 5 met → 0.8333.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from comptoir.casework import actions
from comptoir.core.businesstime import Within
from comptoir.core.standards import StandardRule
from comptoir.measurement import realtime
from comptoir.measurement.models import RealtimeResult, RealtimeSetting
from comptoir.measurement.performance import refresh_case_facts
from comptoir.measurement.realtime_pages import CSV_COLUMNS
from tests.measurement.perf_builders import add_standard, et

pytestmark = pytest.mark.django_db

AS_OF = et(2025, 6, 30, 10)


def five_business_days() -> StandardRule:
    return StandardRule("S5", Within.parse("5 business days"), target="0.8")


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


@pytest.fixture
def standard(service):
    found = add_standard(service, five_business_days())
    RealtimeSetting.objects.create(standard=found, window_days=30)
    return found


def _case(make_case, unit, officer, received, resolved=None):
    case = make_case(unit, officer, at=received)
    if resolved is not None:
        actions.do_resolve_case(case, "delivered", actor=officer, at=resolved)
    refresh_case_facts(case, as_of=AS_OF)
    return case


@pytest.fixture
def cases(make_case, unit, officer, standard):
    made = {
        "A": _case(make_case, unit, officer, et(2025, 6, 2), et(2025, 6, 2, 15)),
        "B": _case(make_case, unit, officer, et(2025, 6, 2), et(2025, 6, 4, 11)),
        "C": _case(make_case, unit, officer, et(2025, 6, 3), et(2025, 6, 5, 11)),
        "D": _case(make_case, unit, officer, et(2025, 6, 2), et(2025, 6, 9, 11)),
        "E": _case(make_case, unit, officer, et(2025, 6, 2), et(2025, 6, 11, 11)),
        "F": _case(make_case, unit, officer, et(2025, 4, 7), et(2025, 4, 8, 11)),
        "G": _case(make_case, unit, officer, et(2025, 6, 20)),
        "H": _case(make_case, unit, officer, et(2025, 6, 25)),
    }
    return made


def test_each_case_counts_the_smallest_limit_it_would_have_met(cases, standard, unit):
    from comptoir.measurement.performance import _Context

    rule = five_business_days()
    times = realtime._unit_times(
        rule, [case.pk for case in cases.values()], _Context(), as_of=AS_OF
    )
    assert {name: times.get(case.pk) for name, case in cases.items()} == {
        "A": 0,
        "B": 2,
        "C": 2,
        "D": 5,
        "E": 7,
        "F": 1,
        "G": None,  # open: not an output
        "H": None,
    }


def test_the_figures_match_the_hand_worked_cases(cases, standard):
    result = realtime.refresh(standard, as_of=AS_OF)
    assert result is not None
    payload = result.payload
    assert payload["schema_version"] == realtime.SCHEMA_VERSION
    assert (payload["window_days"], payload["update_category"]) == (30, "timed")
    assert payload["window_start"] == (AS_OF - timedelta(days=30)).isoformat()
    assert payload["backward"] == {
        "outputs": 5,  # F is outside the window
        "met": 4,
        "share_meeting_standard": "0.8",
        "share": "0.8",
        "sample_size": 5,
        "within_amount": 5,  # the 4th of 0, 2, 2, 5, 7
        "within_unit": "business_days",
    }
    forward = payload["forward"]
    assert forward["backlog"] == 2
    assert forward["completed_in_window"] == 5
    assert forward["open_business_seconds_in_window"] == (161 * 60 + 30) * 60
    assert forward["projected_business_seconds"] == (96 * 60 + 54) * 60
    assert forward["projected_on"] == "2025-07-17"
    assert forward["projected_at"] == et(2025, 7, 17, 10).replace(minute=54).isoformat()
    assert forward["time_zone"] == "America/Toronto"
    assert payload["this_year"] == {
        "fiscal_year": "2025-2026",
        "volume_meeting_target": 5,
        "total_volume": 6,
        "performance": "0.8333",
        "target_met": "Y",
    }
    assert payload["target"] == "0.8"
    assert payload["rule"] == {"within_amount": 5, "within_unit": "business_days"}
    assert result.computed_at == AS_OF


def test_a_wider_window_takes_the_older_output_in(cases, standard):
    RealtimeSetting.objects.filter(standard=standard).update(window_days=90)
    payload = realtime.refresh(standard, as_of=AS_OF).payload
    # F joins: 6 outputs, 5 met; durations 0, 1, 2, 2, 5, 7 and ceil(0.8 × 6) = 5th = 5.
    assert (payload["backward"]["outputs"], payload["backward"]["met"]) == (6, 5)
    assert payload["backward"]["share_meeting_standard"] == "0.8333"
    assert payload["backward"]["within_amount"] == 5


def test_without_outputs_there_is_no_figure_and_no_projection(make_case, unit, officer, standard):
    _case(make_case, unit, officer, et(2025, 6, 25))
    payload = realtime.refresh(standard, as_of=AS_OF).payload
    assert payload["backward"]["within_amount"] is None
    assert payload["backward"]["share_meeting_standard"] is None
    assert payload["forward"]["backlog"] == 1
    assert payload["forward"]["projected_on"] is None


def test_a_standard_without_a_rule_has_no_result(service):
    from comptoir.inventory.models import ServiceStandard

    standard = ServiceStandard.objects.create(service=service, service_standard_id="NORULE")
    assert realtime.refresh(standard, as_of=AS_OF) is None
    assert not RealtimeResult.objects.exists()


# --- the page and the feeds --------------------------------------------------------------------


def page_url(service, language="en", name="measurement:realtime_service"):
    from django.utils import translation

    with translation.override(language):
        return reverse(name, args=[service.pk])


def test_the_page_shows_the_stored_sentences_without_sign_in(client, cases, standard, service):
    realtime.refresh(standard, as_of=AS_OF)
    response = client.get(page_url(service))
    assert response.status_code == 200
    text = response.content.decode()
    assert "We currently answer 80% of requests within 5 business days." in text
    assert "A request made today can expect an answer by Thursday 17 July 2025." in text
    assert "Target: 80% of cases." in text
    assert "Fiscal year 2025-2026 so far: 83.3% of 6 requests answered met the standard." in text
    assert "In the last 30 days, 80% of the 5 requests answered met the standard." in text
    assert "Figures as of Monday 30 June 2025, 10:00" in text
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_the_page_speaks_french(client, cases, standard, service):
    realtime.refresh(standard, as_of=AS_OF)
    response = client.get(page_url(service, "fr"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nous répondons actuellement à 80\u00a0% des demandes dans un délai de 5 jours" in text
    assert "Une demande présentée aujourd’hui devrait recevoir une réponse d’ici le" in text
    assert 'lang="fr"' in text


def test_the_page_is_what_was_stored_until_the_next_refresh(
    client, cases, standard, service, officer
):
    realtime.refresh(standard, as_of=AS_OF)
    before = client.get(page_url(service)).content
    # G is answered: the facts change at once, the published figures do not.
    actions.do_resolve_case(cases["G"], "delivered", actor=officer, at=et(2025, 6, 27, 11))
    refresh_case_facts(cases["G"], as_of=AS_OF)
    assert client.get(page_url(service)).content == before
    realtime.refresh(standard, as_of=AS_OF)
    after = client.get(page_url(service)).content.decode()
    assert after != before.decode()
    assert "In the last 30 days, 83.3% of the 6 requests answered met the standard." in after


def test_the_page_reads_only_the_stored_result(client, cases, standard, service):
    realtime.refresh(standard, as_of=AS_OF)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(page_url(service))
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "measurement_standardfact" not in tables
    assert "casework_caseevent" not in tables
    assert len(queries.captured_queries) <= 3


def test_a_service_without_a_stored_result_says_so(client, service):
    response = client.get(page_url(service))
    assert response.status_code == 200
    assert "No current figures have been published for this service yet." in (
        response.content.decode()
    )


def test_an_unknown_service_is_not_found(client, db):
    for name in (
        "measurement:realtime_service",
        "measurement:realtime_service_json",
        "measurement:realtime_service_csv",
    ):
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_json_feed_carries_the_stored_payload(client, cases, standard, service):
    result = realtime.refresh(standard, as_of=AS_OF)
    response = client.get(page_url(service, name="measurement:realtime_service_json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "public" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["schema_version"] == "1.0"
    assert body["service"]["service_id"] == "1234"
    assert body["service"]["owner_org"] == "test-essai"
    assert body["standards"] == [result.payload]


def test_the_csv_feed_has_the_documented_columns(client, cases, standard, service):
    realtime.refresh(standard, as_of=AS_OF)
    response = client.get(page_url(service, "fr", name="measurement:realtime_service_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    row = rows[0]
    assert row["schema_version"] == "1.0"
    assert row["standard_id"] == "S5"
    assert (row["outputs_in_window"], row["met_in_window"]) == ("5", "4")
    assert (row["within_amount"], row["within_unit"]) == ("5", "business_days")
    assert (row["backlog"], row["projected_on"]) == ("2", "2025-07-17")
    assert (row["fiscal_year"], row["performance"], row["target_met"]) == (
        "2025-2026",
        "0.8333",
        "Y",
    )


def test_the_service_name_comes_from_its_newest_record(
    client, cases, standard, service, make_service_year
):
    make_service_year(service_id="1234", fiscal_year="2025-2026")
    realtime.refresh(standard, as_of=AS_OF)
    assert (
        "Current service times: Trade data requests"
        in client.get(page_url(service)).content.decode()
    )
    french = client.get(page_url(service, "fr")).content.decode()
    assert "Demandes de données commerciales" in french


# --- the schedule -------------------------------------------------------------------------------


def test_the_sweep_refreshes_what_its_category_says(cases, standard, service):
    hourly = add_standard(service, StandardRule("H1", Within.parse("5 business days")))
    RealtimeSetting.objects.create(standard=hourly, update_category="near_real_time")
    assert realtime.refresh_due(now=AS_OF) == 2  # nothing stored yet: both
    assert realtime.refresh_due(now=AS_OF + timedelta(minutes=30)) == 0
    # Two hours on: the hourly one is due, the daily one is not.
    assert realtime.refresh_due(now=AS_OF + timedelta(hours=2)) == 1
    assert RealtimeResult.objects.get(standard=hourly).computed_at == AS_OF + timedelta(hours=2)
    assert RealtimeResult.objects.get(standard=standard).computed_at == AS_OF
    assert realtime.refresh_due(now=AS_OF + timedelta(days=1, minutes=1)) == 2


def test_a_failing_standard_does_not_stop_the_sweep(cases, standard, service):
    from comptoir.inventory.models import ServiceStandard

    # A rule the engine cannot read (stored by hand: the actions refuse it).
    ServiceStandard.objects.create(service=service, service_standard_id="BAD", rule={"x": 1})
    assert realtime.sweep(now=AS_OF) == 1
    assert list(RealtimeResult.objects.values_list("standard", flat=True)) == [standard.pk]


# --- the command --------------------------------------------------------------------------------


def run(*args: str, language: str = "en") -> str:
    out = StringIO()
    call_command("performance", "--language", language, "realtime", *args, stdout=out)
    return out.getvalue()


def test_the_command_says_when_nothing_is_stored(db):
    assert "No real-time figures are stored" in run()


def test_the_command_prints_the_stored_figures_in_both_languages(cases, standard):
    realtime.refresh(standard, as_of=AS_OF)
    english = run("--service", "1234")
    assert "1234 / S5" in english
    assert "We currently answer 80% of requests within 5 business days." in english
    assert "A request made today can expect an answer by Thursday 17 July 2025." in english
    french = run("--service", "1234", language="fr")
    assert "Nous répondons actuellement à 80\u00a0% des demandes" in french


def test_the_command_refreshes_as_of_now(cases, standard):
    from django.utils import timezone

    before = timezone.now()
    output = run("--refresh")
    assert "1 standard's figures computed and stored." in output
    stored = RealtimeResult.objects.get(standard=standard)
    assert stored.computed_at >= before
    # Long after these cases, nothing was answered in the window.
    assert "No request was answered in the last 30 days" in output


# --- settings and caching -----------------------------------------------------------------------


def test_an_administrator_sets_the_window_and_it_is_in_the_history(
    client, make_user, cases, standard
):
    from comptoir.accounts.roles import Role

    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    setting = RealtimeSetting.objects.get(standard=standard)
    response = client.post(
        f"/en/admin/measurement/realtimesetting/{setting.pk}/change/",
        {"standard": standard.pk, "window_days": 90, "update_category": "near_real_time"},
    )
    assert response.status_code == 302
    setting.refresh_from_db()
    assert (setting.window_days, setting.update_category) == (90, "near_real_time")
    latest = setting.history.first()  # the creation, then this change
    assert (setting.history.count(), latest.history_user, latest.window_days) == (2, admin, 90)
    payload = realtime.refresh(standard, as_of=AS_OF).payload
    assert (payload["window_days"], payload["update_category"]) == (90, "near_real_time")


def test_a_signed_in_visitor_gets_a_private_answer(client, make_user, service):
    client.force_login(make_user())
    response = client.get(page_url(service))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_an_instantaneous_standard_is_refreshed_after_each_event(
    cases, standard, service, officer, django_capture_on_commit_callbacks
):
    daily = add_standard(service, StandardRule("D1", Within.parse("5 business days")))
    RealtimeSetting.objects.filter(standard=standard).update(update_category="instantaneous")
    realtime.refresh(standard, as_of=AS_OF)
    realtime.refresh(daily, as_of=AS_OF)
    assert RealtimeResult.objects.get(standard=standard).payload["forward"]["backlog"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_resolve_case(cases["G"], "delivered", actor=officer, at=et(2025, 6, 27, 11))
    stored = RealtimeResult.objects.get(standard=standard)
    assert stored.payload["forward"]["backlog"] == 1  # the facts first, then the figures
    assert stored.computed_at > AS_OF
    assert RealtimeResult.objects.get(standard=daily).computed_at == AS_OF  # timed: untouched
