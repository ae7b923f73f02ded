"""The client survey's invitations after resolution, its plans, its results (figures computed
by hand) beside the service's standards performance, and the staff survey's rounds."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.accounts.roles import Role
from comptoir.core.surveys import is_sampled
from comptoir.insight import survey_actions
from comptoir.insight.survey_models import (
    StaffSurveyParticipation,
    StaffSurveyResponse,
    StaffSurveyRound,
    SurveyInvitation,
    SurveyPlan,
    SurveyResponse,
)
from tests.insight.survey_builders import (  # noqa: F401
    SURVEY_LINK,
    full_answers,
    invitation_mail,
    make_case,
    make_client,
    make_member,
    make_unit,
    manager,
    named_service,
    officer,
    organization,
    plan,
    resolved,
    service,
    survey_token,
    this_period,
    unit,
)

pytestmark = pytest.mark.django_db


# --- invitations -----------------------------------------------------------------------------


def test_a_sampled_resolution_invites_the_client_in_their_language(plan, make_client, resolved):
    case = resolved(make_client(language="fr"), language="fr")
    invitation = SurveyInvitation.objects.get(case=case)
    message = invitation_mail(case)
    assert message.language == "fr" and message.to_address.startswith("client")
    link = SURVEY_LINK.search(message.body)
    assert link is not None and link.group(2) == "fr"  # the French page, an absolute address
    token = link.group(3)
    # Only the token's hash is kept.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert invitation.client_id == case.client_id and invitation.unit_id == case.current_unit_id
    assert invitation.expires_at - invitation.invited_at == timedelta(days=30)
    assert invitation.answered_at is None


def test_a_client_without_an_email_address_is_not_invited(plan, make_client, resolved):
    case = resolved(make_client(email=None))
    assert not SurveyInvitation.objects.filter(case=case).exists()
    assert invitation_mail(case) is None


def test_no_plan_a_paused_plan_or_rate_zero_invites_nobody(
    named_service, plan, make_client, resolved
):
    plan.is_active = False
    plan.save()
    assert not SurveyInvitation.objects.filter(case=resolved(make_client())).exists()
    plan.is_active, plan.rate = True, Decimal(0)
    plan.save()
    assert not SurveyInvitation.objects.filter(case=resolved(make_client())).exists()
    plan.delete()
    assert not SurveyInvitation.objects.filter(case=resolved(make_client())).exists()


def test_the_quiet_period_is_respected(plan, make_client, resolved, unit, officer, make_case):
    client = make_client()
    first = resolved(client)
    assert SurveyInvitation.objects.filter(case=first).exists()
    second = resolved(client)  # the same client, the next day: left alone
    assert not SurveyInvitation.objects.filter(case=second).exists()
    # Past the 90 days, the same client is invited again.
    third = make_case(unit, officer, is_anonymous=False, client=client)
    later = SurveyInvitation.objects.get(case=first).invited_at + timedelta(days=90)
    assert survey_actions.invite_after_resolution(third, at=later) is not None
    assert survey_actions.invite_after_resolution(third, at=later) is None  # once per case


def test_the_clients_own_withdrawal_invites_nobody(
    plan, make_client, make_case, unit, officer, django_capture_on_commit_callbacks
):
    from comptoir.casework import actions

    case = make_case(unit, officer, is_anonymous=False, client=make_client())
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_client_withdraw(case, "No longer needed")
    assert not SurveyInvitation.objects.filter(case=case).exists()


def test_the_draw_follows_the_reference_and_the_salt(plan, make_client, resolved, settings):
    settings.COMPTOIR_SURVEY_SALT = "test-salt"
    plan.rate = Decimal("0.5")
    plan.save()
    cases = [resolved(make_client()) for _ in range(12)]
    for case in cases:
        expected = is_sampled(case.reference, "test-salt", Decimal("0.5"))
        assert SurveyInvitation.objects.filter(case=case).exists() == expected
    drawn = SurveyInvitation.objects.filter(case__in=cases).count()
    assert 0 < drawn < 12  # 12 fair coins all alike has odds 1 in 2,048


# --- plans ---------------------------------------------------------------------------------


def test_a_manager_sets_a_plan_and_bad_input_is_refused_in_french(client, manager, named_service):
    client.force_login(manager)
    url = "/fr/insight/surveys/plans/"
    response = client.post(
        url, {"service": named_service.pk, "rate": "1,5", "quiet_days": "-3", "is_active": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Indiquez une part de 0 à 1" in body
    assert "Indiquez un nombre de jours de 0 à 3650." in body
    assert not SurveyPlan.objects.exists()
    response = client.post(
        url, {"service": named_service.pk, "rate": "0,25", "quiet_days": "60", "is_active": "on"}
    )
    assert response.status_code == 302
    saved = SurveyPlan.objects.get(service=named_service)
    assert (saved.rate, saved.quiet_days, saved.is_active) == (Decimal("0.250"), 60, True)
    assert "25" in client.get(url).content.decode()


def test_an_officer_sets_no_plan(client, officer, named_service):
    client.force_login(officer)
    assert client.get("/en/insight/surveys/plans/").status_code == 403
    with pytest.raises(survey_actions.SurveyRefused):
        survey_actions.do_set_survey_plan(
            user=officer, service=named_service, rate="1", quiet_days="1", is_active=True
        )


# --- results -------------------------------------------------------------------------------


def _answer(invitation, **answers):
    return survey_actions.do_answer_survey(
        invitation, full_answers(**answers), language="en", now=invitation.invited_at
    )


def test_results_computed_by_hand(client, plan, make_client, resolved, make_user):
    from comptoir.measurement.performance import recompute  # noqa: F401 - facts are incremental
    from tests.measurement.perf_builders import add_standard, ten_days

    add_standard(plan.service, ten_days("S10"))
    cases = [resolved(make_client()) for _ in range(10)]  # 10 invitations
    invitations = list(SurveyInvitation.objects.filter(case__in=cases).order_by("pk"))
    assert len(invitations) == 10
    # Six answer; overall 2, 3, 4, 4, 5, 5; courtesy "does not apply" for four of them.
    for invitation, overall, courtesy in zip(
        invitations[:6],
        ["2", "3", "4", "4", "5", "5"],
        ["na", "na", "na", "na", "5", "4"],
        strict=True,
    ):
        _answer(invitation, overall=overall, courtesy=courtesy)
    viewer = make_user(Role.VIEWER)
    client.force_login(viewer)
    response = client.get(
        "/en/insight/surveys/", {"period": this_period(), "service": str(plan.service_id)}
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert (results.invitations, results.responses, results.response_rate) == (10, 6, "60%")
    rows = {row.heading: row for row in results.rows}
    overall = rows["Overall satisfaction"]
    # Mean 23/6 = 3.83; 4 of 6 answer 4 or 5 (66.7%); MOE = 1.96·√((2/3)(1/3)/6)·√(4/9) = 25.1%.
    assert overall.count == 6 and overall.mean == "3.83" and overall.share == "66.7%"
    margin = 1.96 * math.sqrt((2 / 3) * (1 / 3) / 6) * math.sqrt((10 - 6) / (10 - 1))
    assert overall.margin == f"{round(margin * 100, 1)}%" == "25.1%"
    courtesy = rows["Courtesy"]
    assert courtesy.count == 2 and courtesy.suppressed == "fewer than 5 answers"
    assert courtesy.mean == ""
    body = response.content.decode()
    assert "Not shown: fewer than 5 answers" in body
    # The standards performance of the same fiscal year, beside it: all 10 met in 10 days.
    [standard] = results.standards
    assert (standard.standard_id, standard.volume_meeting_target, standard.total_volume) == (
        "S10",
        10,
        10,
    )
    assert standard.target_met == "Y"
    # In French: the same figures, written the French way.
    french = client.get(
        "/fr/insight/surveys/", {"period": this_period(), "service": str(plan.service_id)}
    )
    french_rows = {row.heading: row for row in french.context["results"].rows}
    assert french_rows["Satisfaction globale"].mean == "3,83"
    assert "moins de 5 réponses" in french.content.decode()


def test_a_quarter_and_a_unit_narrow_the_figures(
    client, plan, make_client, resolved, make_user, make_unit, unit
):
    cases = [resolved(make_client()) for _ in range(5)]
    for invitation in SurveyInvitation.objects.filter(case__in=cases):
        _answer(invitation)
    client.force_login(make_user(Role.VIEWER))
    # This quarter has the five; the same quarter a year before, none.
    from comptoir.core.performance.periods import Period

    quarter = Period.parse(this_period("quarter"))
    earlier = Period.containing(quarter.kind, quarter.first_day - timedelta(days=365)).label
    now = client.get("/en/insight/surveys/", {"period": quarter.label}).context["results"]
    before = client.get("/en/insight/surveys/", {"period": earlier}).context["results"]
    assert (now.responses, before.responses) == (5, 0)
    # Every one invited answered 4 (favourable): share 100%, and with n = N no margin.
    assert now.rows[0].share == "100%" and now.rows[0].margin == "0%"
    # The unit of the cases is a choice; a unit without invitations is not (it is ignored).
    mine = client.get(
        "/en/insight/surveys/", {"period": quarter.label, "unit": str(unit.pk)}
    ).context["results"]
    assert (mine.unit, mine.responses, mine.invitations) == (str(unit.pk), 5, 5)
    other = make_unit("elsewhere")
    ignored = client.get(
        "/en/insight/surveys/", {"period": quarter.label, "unit": str(other.pk)}
    ).context["results"]
    assert ignored.unit == "" and ignored.responses == 5
    bad = client.get("/en/insight/surveys/", {"period": "2025-W01"}).context["results"]
    assert bad.period_error and bad.period_label != "2025-W01"


def test_the_results_need_a_viewer(client, make_user):
    client.force_login(make_user(None))
    assert client.get("/en/insight/surveys/").status_code == 403


# --- the staff survey ----------------------------------------------------------------------


STAFF = {
    "workload": "2",
    "communication": "4",
    "training_tools": "5",
    "overall": "4",
    "clients_needs": "3",
}


def test_a_staff_round_answered_once_per_person_shown_per_unit_above_five(
    client, organization, make_unit, make_member, make_user
):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        "/en/insight/staff-survey/results/", {"act": "open", "organization": organization.pk}
    )
    assert response.status_code == 302
    survey_round = StaffSurveyRound.objects.get()
    assert survey_round.is_open
    # A second open round of the same organization is refused.
    with pytest.raises(survey_actions.SurveyRefused):
        survey_actions.do_open_round(organization, user=admin)
    big, small = make_unit("big"), make_unit("small")
    staff = [make_member(big) for _ in range(5)] + [make_member(small) for _ in range(2)]
    for person in staff:
        unit = big if person in staff[:5] else small
        client.force_login(person)
        page = client.get("/en/insight/staff-survey/")
        assert page.status_code == 200 and "Your unit" in page.content.decode()
        data = dict(STAFF, unit=unit.pk, suggestions="More tools" if unit == big else "")
        assert client.post("/en/insight/staff-survey/", data).status_code == 302
    # Answered: the form is gone; a second answer is refused and writes nothing.
    client.force_login(staff[0])
    assert (
        "You already answered this round"
        in client.get("/en/insight/staff-survey/").content.decode()
    )
    with pytest.raises(survey_actions.SurveyRefused):
        survey_actions.do_answer_staff_survey(survey_round, user=staff[0], unit=big, raw=STAFF)
    assert StaffSurveyResponse.objects.count() == 7
    assert StaffSurveyParticipation.objects.count() == 7
    # A response keeps the unit only: no user, no time.
    fields = {f.name for f in StaffSurveyResponse._meta.get_fields()}
    assert fields == {"id", "round", "unit", "answers"}
    # Bad input: translated errors, nothing written.
    newcomer = make_member(big)
    client.force_login(newcomer)
    refused = client.post("/fr/insight/staff-survey/", dict(STAFF, unit=big.pk, workload="9"))
    assert refused.status_code == 400
    assert StaffSurveyResponse.objects.count() == 7
    # Results: the big unit's figures, the small unit suppressed.
    client.force_login(admin)
    results = client.get("/en/insight/staff-survey/results/").context["results"]
    by_unit = {u.unit: u for u in results.units}
    assert results.participants == 7
    shown = by_unit["Unit big"]
    assert shown.suppressed == "" and shown.responses == 5
    rows = {row.heading: row for row in shown.rows}
    assert rows["Workload"].mean == "2.00" and rows["Workload"].share == "0%"
    assert rows["Training and tools"].share == "100%"
    assert shown.suggestions == ["More tools"] * 5
    hidden = by_unit["Unit small"]
    assert hidden.suppressed == "fewer than 5 answers" and hidden.rows == []
    # Closing: staff can no longer answer.
    client.post("/en/insight/staff-survey/results/", {"act": "close", "round": survey_round.pk})
    survey_round.refresh_from_db()
    assert not survey_round.is_open
    client.force_login(newcomer)
    assert "No staff survey is open" in client.get("/en/insight/staff-survey/").content.decode()


def test_only_administrators_open_rounds(client, organization, manager):
    client.force_login(manager)
    client.post(
        "/en/insight/staff-survey/results/", {"act": "open", "organization": organization.pk}
    )
    assert not StaffSurveyRound.objects.exists()
    with pytest.raises(survey_actions.SurveyRefused):
        survey_actions.do_open_round(organization, user=manager)


def test_the_response_holds_nothing_that_names_the_client(plan, make_client, resolved):
    case = resolved(make_client())
    invitation = SurveyInvitation.objects.get(case=case)
    answered = _answer(invitation)
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "service", "unit", "answered_on", "language", "answers", "comment"}
    assert answered.response.answered_on == timezone.localdate(invitation.invited_at)
