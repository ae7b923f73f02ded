"""The public survey page: answered once, in both languages, bad input refused and nothing
written, expired and unknown links, the rate limit, and "call me back" opening a case."""

# ruff: noqa: F811 - the fixtures imported from the builders are the tests' arguments

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from comptoir.casework.models import Case
from comptoir.insight.survey_models import SurveyInvitation, SurveyResponse
from tests.insight.survey_builders import (  # noqa: F401
    full_answers,
    make_case,
    make_client,
    make_member,
    make_unit,
    named_service,
    officer,
    organization,
    plan,
    resolved,
    service,
    survey_token,
    unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invited(plan, make_client, resolved):
    """(case, token) of a French client's resolved case, invited."""
    case = resolved(make_client(language="fr"), language="fr")
    return case, survey_token(case)


def test_the_form_in_both_languages_with_its_privacy_notices(client, invited):
    _case, token = invited
    english = client.get(f"/en/portal/survey/{token}/")
    assert english.status_code == 200
    body = english.content.decode()
    assert "How did we do?" in body and "Staff were courteous." in body
    assert "Does not apply" in body and "protected under the Privacy Act" in body
    assert "that is the only time we know who wrote it" in body
    assert english["Cache-Control"].count("no-store") == 1
    assert "noindex" in english["X-Robots-Tag"]
    french = client.get(f"/fr/portal/survey/{token}/").content.decode()
    assert "Comment avons-nous fait?" in french and "Ne s’applique pas" in french
    assert "protégés en vertu de la Loi sur la protection" in french


def test_answering_stores_an_anonymous_response_once(client, invited):
    case, token = invited
    url = f"/fr/portal/survey/{token}/"
    response = client.post(url, dict(full_answers("5", courtesy="na"), comment="Très bien"))
    assert response.status_code == 302 and response["Location"] == "/fr/portal/survey/thanks/"
    thanks = client.get(response["Location"])
    assert "Merci de vos réponses" in thanks.content.decode()
    [stored] = SurveyResponse.objects.all()
    assert stored.answers["overall"] == 5 and stored.answers["courtesy"] == "na"
    assert stored.comment == "Très bien" and stored.language == "fr"
    assert stored.service_id == case.service_id and stored.unit_id == case.current_unit_id
    assert SurveyInvitation.objects.get(case=case).answered_at is not None
    # Twice: the page says it was answered; a second post writes nothing.
    again = client.get(url)
    assert again.status_code == 200 and "Vous avez déjà répondu" in again.content.decode()
    client.post(url, full_answers("1"))
    assert SurveyResponse.objects.count() == 1
    assert Case.objects.count() == 1  # no follow-up without the call-back


def test_bad_input_is_refused_in_french_and_nothing_is_written(client, invited):
    case, token = invited
    answers = full_answers("4", timeliness="", fairness="9")
    response = client.post(f"/fr/portal/survey/{token}/", answers)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Il y a un problème" in body or "error-summary" in body
    assert "Ce champ est obligatoire." in body  # timeliness unanswered
    assert "Sélectionnez un choix valide." in body  # 9 is not a point of the scale
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get(case=case).answered_at is None


def test_call_me_back_needs_a_comment(client, invited):
    _case, token = invited
    response = client.post(f"/en/portal/survey/{token}/", dict(full_answers(), call_back="on"))
    assert response.status_code == 400
    assert "Write what you would like us to call you about." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_call_me_back_opens_a_follow_up_case_and_keeps_the_comment_off_the_response(
    client, invited
):
    case, token = invited
    response = client.post(
        f"/fr/portal/survey/{token}/",
        dict(full_answers("2"), comment="Le délai était trop long.", call_back="on"),
    )
    assert response.status_code == 302
    follow_up = Case.objects.exclude(pk=case.pk).get()
    assert follow_up.client_id == case.client_id
    assert (follow_up.kind, follow_up.channel, follow_up.language) == ("enquiry", "ONL", "fr")
    assert follow_up.service_id == case.service_id
    assert follow_up.entry_unit_id == case.current_unit_id
    assert "Le délai était trop long." in follow_up.description
    assert case.reference in follow_up.description
    [stored] = SurveyResponse.objects.all()
    assert stored.comment == "" and stored.answers["overall"] == 2
    thanks = client.get(response["Location"]).content.decode()
    assert follow_up.reference in thanks


def test_an_expired_link_is_410_and_an_unknown_one_404(client, invited):
    case, token = invited
    invitation = SurveyInvitation.objects.get(case=case)
    invitation.invited_at -= timedelta(days=31)
    invitation.expires_at -= timedelta(days=31)
    invitation.save()
    expired = client.get(f"/en/portal/survey/{token}/")
    assert expired.status_code == 410 and "This survey has closed" in expired.content.decode()
    assert client.post(f"/en/portal/survey/{token}/", full_answers()).status_code == 410
    assert not SurveyResponse.objects.exists()
    unknown = client.get("/fr/portal/survey/no-such-token/")
    assert unknown.status_code == 404
    assert "Nous n’avons pas trouvé ce sondage" in unknown.content.decode()


def test_the_survey_is_rate_limited_like_the_other_forms(client, invited, settings):
    _case, token = invited
    settings.COMPTOIR_PORTAL_SUBMIT_LIMIT = (2, 600)
    url = f"/en/portal/survey/{token}/"
    for _ in range(2):
        assert client.post(url, {"overall": "9"}).status_code == 400
    assert client.post(url, full_answers()).status_code == 429
    assert not SurveyResponse.objects.exists()
