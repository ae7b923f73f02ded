"""The "you said, we did" reports (``comptoir.insight``; here for the casework builders):
figures counted from the feedback cases of a period, kept at publication; who may write them;
the public pages in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.casework import actions
from comptoir.insight import actions as insight_actions
from comptoir.insight.actions import ReportError
from comptoir.insight.feedback_queries import feedback_figures
from comptoir.insight.models import FeedbackReport

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
TEXTS = {
    "heard_en": "Forms were hard to find.",
    "heard_fr": "Les formulaires étaient difficiles à trouver.",
    "changed_en": "We moved them to the home page.",
    "changed_fr": "Nous les avons placés sur la page d’accueil.",
}


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def manager(make_member, unit):
    return make_member(unit, is_manager=True, username="maude")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivier")


def feedback(make_case, unit, actor, kind, at):
    return make_case(unit, actor, kind=kind, at=at)


def test_the_figures_count_the_period(make_case, unit, manager, organization):
    inside = MARCH + timedelta(days=3)
    complaint = feedback(make_case, unit, manager, "complaint", inside)
    feedback(make_case, unit, manager, "compliment", inside)
    feedback(make_case, unit, manager, "suggestion", MARCH - timedelta(days=40))  # before
    feedback(make_case, unit, manager, "enquiry", inside)  # not feedback
    answered = feedback(make_case, unit, manager, "complaint", inside)
    actions.do_resolve_case(answered, "delivered", actor=manager, at=inside + timedelta(days=1))
    actions.do_escalate_complaint(
        complaint, unit, actor=manager, reason="Review.", at=inside + timedelta(hours=2)
    )
    figures = feedback_figures(organization, date(2026, 3, 1), date(2026, 3, 31))
    assert figures["kinds"]["complaint"] == {"received": 2, "resolved": 1, "open_at_end": 1}
    assert figures["kinds"]["compliment"] == {"received": 1, "resolved": 0, "open_at_end": 1}
    # Received before the period and still open at its end.
    assert figures["kinds"]["suggestion"] == {"received": 0, "resolved": 0, "open_at_end": 1}
    assert figures["escalated"] == 1
    assert [row["total"] for row in figures["services"]] == [3]
    # The last day counts whole (to 24:00 UTC).
    late = feedback(
        make_case, unit, manager, "compliment", datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    )
    assert late.pk
    again = feedback_figures(organization, date(2026, 3, 1), date(2026, 3, 31))
    assert again["kinds"]["compliment"]["received"] == 2


def test_only_managers_write_and_bad_input_changes_nothing(organization, manager, officer):
    with pytest.raises(ReportError):
        insight_actions.do_save_report(
            user=officer,
            organization=organization,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            **TEXTS,
        )
    with pytest.raises(ReportError):
        insight_actions.do_save_report(
            user=manager,
            organization=organization,
            period_start=date(2026, 3, 31),
            period_end=date(2026, 3, 1),
            **TEXTS,
        )
    with pytest.raises(ReportError):
        insight_actions.do_save_report(
            user=manager,
            organization=organization,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            **{**TEXTS, "heard_fr": "  "},
        )
    assert FeedbackReport.objects.count() == 0


def test_publication_keeps_the_figures_of_the_day(make_case, unit, manager, organization):
    report = insight_actions.do_save_report(
        user=manager,
        organization=organization,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        **TEXTS,
    )
    feedback(make_case, unit, manager, "complaint", MARCH)
    insight_actions.do_publish_report(report, user=manager)
    assert report.figures["kinds"]["complaint"]["received"] == 1
    feedback(make_case, unit, manager, "complaint", MARCH + timedelta(days=1))
    report.refresh_from_db()
    assert report.figures["kinds"]["complaint"]["received"] == 1
    with pytest.raises(ReportError):
        insight_actions.do_publish_report(report, user=manager)
    # Its words may be corrected (history keeps them), not its period.
    insight_actions.do_save_report(
        user=manager,
        organization=organization,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        report=report,
        **{**TEXTS, "changed_en": "Moved them."},
    )
    with pytest.raises(ReportError):
        insight_actions.do_save_report(
            user=manager,
            organization=organization,
            period_start=date(2026, 2, 1),
            period_end=date(2026, 3, 31),
            report=report,
            **TEXTS,
        )
    assert report.history.count() == 3


def test_the_pages(client, make_case, unit, manager, officer, organization):
    feedback(make_case, unit, manager, "compliment", MARCH)
    client.force_login(officer)
    assert client.get(reverse("insight:feedback_reports")).status_code == 403
    client.force_login(manager)
    with translation.override("fr"):
        listing = reverse("insight:feedback_reports")
    assert "Rédiger un nouveau rapport" in client.get(listing).content.decode()
    form = {
        "organization": organization.pk,
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        **TEXTS,
    }
    refused = client.post(listing, {**form, "changed_fr": ""})
    assert refused.status_code == 400 and FeedbackReport.objects.count() == 0
    response = client.post(listing, form)
    report = FeedbackReport.objects.get()
    assert response.status_code == 302
    # Not public before it is published.
    client.logout()
    assert (
        client.get(reverse("insight:feedback_public_detail", args=[report.pk])).status_code == 404
    )
    client.force_login(manager)
    client.post(reverse("insight:feedback_publish", args=[report.pk]))
    client.logout()
    for language, words in (("en", "What we did"), ("fr", "Ce que nous avons fait")):
        with translation.override(language):
            page = client.get(reverse("insight:feedback_public_detail", args=[report.pk]))
            listed = client.get(reverse("insight:feedback_public_list"))
        assert page.status_code == 200 and words in page.content.decode()
        assert TEXTS[f"changed_{language}"] in page.content.decode()
        assert str(report.pk) in listed.content.decode()
