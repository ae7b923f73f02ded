"""Builders of the survey tests: a unit and its officer, a named service with a survey plan,
clients with an email address, cases resolved through the actions (their commit callbacks run),
and the survey link read from the invitation email, as a client would."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.casework.conftest import (  # noqa: F401 - fixtures shared with casework
    T0,
    make_case,
    make_member,
    make_unit,
    organization,
    service,
)

_counter = itertools.count(1)
SURVEY_LINK = re.compile(r"(http://testserver/(en|fr)/portal/survey/([A-Za-z0-9_-]+)/)")


@pytest.fixture
def unit(make_unit: Callable[..., Any]) -> Any:  # noqa: F811
    return make_unit("front", time_zone="America/Toronto")


@pytest.fixture
def officer(make_member: Callable[..., Any], unit: Any) -> Any:  # noqa: F811
    return make_member(unit, username="olivia")


@pytest.fixture
def manager(make_member: Callable[..., Any], unit: Any) -> Any:  # noqa: F811
    return make_member(unit, username="manon", is_manager=True)


@pytest.fixture
def named_service(service: Any, unit: Any) -> Any:  # noqa: F811
    from comptoir.inventory.models import FiscalYear, ServiceYear
    from tests.conftest import VALID_SERVICE_CELLS

    year, _ = FiscalYear.objects.get_or_create(organization=service.organization, code="2025-2026")
    cells = dict(VALID_SERVICE_CELLS)
    cells.update(service_name_en="Trade data requests", service_name_fr="Demandes de données")
    ServiceYear.objects.create(service=service, fiscal_year=year, responsible_unit=unit, **cells)
    return service


@pytest.fixture
def plan(named_service: Any, make_user: Callable[..., Any]) -> Any:
    """Every resolved case of the service is drawn (rate 1), 90 quiet days."""
    from comptoir.insight.survey_models import SurveyPlan

    return SurveyPlan.objects.create(
        service=named_service,
        rate=Decimal(1),
        quiet_days=90,
        updated_by=make_user(None),
    )


@pytest.fixture
def make_client() -> Callable[..., Any]:
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    def build(*, language: str = "en", email: str | None = "") -> Any:
        number = next(_counter)
        client = do_create_client(
            kind="person",
            preferred_language=language,
            segment="public",
            given_name="Client",
            family_name=f"Number{number}",
            actor=None,
        )
        if email is not None:
            address = email or f"client{number}@example.ca"
            do_add_contact_point(client, kind="email", value=address, is_primary=True, actor=None)
        return client

    return build


@pytest.fixture
def resolved(
    make_case: Callable[..., Any],  # noqa: F811
    unit: Any,
    officer: Any,
    named_service: Any,
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., Any]:
    """``resolved(client, language="en")`` → a case of ``client`` received and resolved by the
    officer, with what its commits schedule run (the survey receiver among them)."""
    from comptoir.casework import actions

    def build(client: Any, *, language: str = "en", **fields: Any) -> Any:
        # Received two days ago, resolved now: the invitation is sent now, in this fiscal year.
        received = fields.pop("received_at", timezone.now() - timedelta(days=2))
        case = make_case(
            unit, officer, is_anonymous=False, client=client, language=language, at=received
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_resolve_case(case, "delivered", actor=officer, **fields)
        case.refresh_from_db()
        return case

    return build


def invitation_mail(case: Any) -> Any:
    from comptoir.notifications.models import OutboundMessage

    return OutboundMessage.objects.filter(case=case, kind="survey_invitation").first()


def survey_token(case: Any) -> str:
    """The token of the survey link in the invitation sent about ``case``."""
    message = invitation_mail(case)
    assert message is not None, "no invitation was sent"
    found = SURVEY_LINK.search(message.body)
    assert found is not None, message.body
    return found.group(3)


def this_period(kind: str = "fiscal_year") -> str:
    """The label of the fiscal year (or quarter) of today, when the tests' invitations go."""
    from comptoir.core.performance.periods import Period, PeriodKind

    return Period.containing(PeriodKind(kind), timezone.localdate()).label


def full_answers(point: str = "4", **changes: str) -> dict[str, str]:
    from comptoir.core.surveys import CLIENT_QUESTIONS

    answers = {question.code: point for question in CLIENT_QUESTIONS}
    answers.update(changes)
    return answers
