"""Reads of the surveys' staff pages: client survey results per service, unit and period with
the service's standards performance beside them, the survey plans, and the staff survey's
rounds and results per unit (``docs/insight.md``, Surveys).

Figures are counted by the database (a conditional ``COUNT`` per question and point, one query)
and turned into means, shares and margins by ``core.surveys.summarize_counts``. The population
of a margin is the number of invitations sent in the same service, unit and period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.core.performance.errors import PerformanceError
from comptoir.core.performance.periods import Period, PeriodKind
from comptoir.core.surveys import (
    DEFAULT_MINIMUM,
    SCALE,
    QuestionKind,
    QuestionSummary,
    SurveyKind,
    questions_of,
    response_rate,
    summarize_counts,
)
from comptoir.insight.feedback_queries import _service_names, writable_organizations
from comptoir.insight.survey_actions import answer_units, plannable_services
from comptoir.insight.survey_models import (
    StaffSurveyParticipation,
    StaffSurveyResponse,
    StaffSurveyRound,
    SurveyInvitation,
    SurveyPlan,
    SurveyResponse,
)
from comptoir.insight.survey_text import QUESTION_HEADING, SUPPRESSED
from comptoir.inventory.models import Service, Unit
from comptoir.inventory.models.scope import acts_for_every_organization
from comptoir.inventory.templatetags.comptoir_ui import percent

#: The longest list a page shows.
PAGE_LIMIT = 200


def minimum() -> int:
    return int(getattr(settings, "COMPTOIR_SURVEY_MINIMUM", DEFAULT_MINIMUM))


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One question's figures as a page shows them (words and formatted numbers)."""

    heading: str
    count: int
    mean: str
    share: str
    margin: str
    #: Why the figures are not shown ("fewer than 5 answers"), else "".
    suppressed: str


def _row(kind: SurveyKind, code: str, summary: QuestionSummary, least: int) -> QuestionRow:
    heading = str(QUESTION_HEADING[kind][code])
    if summary.is_suppressed or summary.mean is None or summary.share_favourable is None:
        return QuestionRow(heading, summary.count, "", "", "", SUPPRESSED % {"minimum": least})
    return QuestionRow(
        heading=heading,
        count=summary.count,
        mean=formats.number_format(round(float(summary.mean), 2), 2),
        share=percent(
            Decimal(summary.share_favourable.numerator) / summary.share_favourable.denominator
        ),
        margin=percent(Decimal(repr(summary.margin or 0.0))),
        suppressed="",
    )


def _question_rows(
    kind: SurveyKind, responses: Any, population: int | None, least: int
) -> list[QuestionRow]:
    """Every scale question's figures over ``responses`` in one aggregate query."""
    scale_questions = [q for q in questions_of(kind) if q.kind is QuestionKind.SCALE]
    counts = responses.aggregate(
        **{
            f"{q.code}__{point}": Count("pk", filter=Q(**{f"answers__{q.code}": point}))
            for q in scale_questions
            for point in SCALE
        }
    )
    return [
        _row(
            kind,
            q.code,
            summarize_counts(
                {point: counts[f"{q.code}__{point}"] for point in SCALE},
                population=population,
                minimum=least,
            ),
            least,
        )
        for q in scale_questions
    ]


# --- client survey results ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardRow:
    standard_id: str
    volume_meeting_target: int
    total_volume: int
    performance: str
    target: str
    target_met: str


@dataclass(frozen=True, slots=True)
class SurveyResults:
    period: Period
    period_label: str
    period_error: str
    service_choices: list[tuple[str, str]]
    unit_choices: list[tuple[str, str]]
    service: str
    unit: str
    invitations: int
    responses: int
    response_rate: str
    rows: list[QuestionRow]
    minimum: int
    #: The chosen service's standards in the period's fiscal year ("" without a service).
    fiscal_year: str
    standards: list[StandardRow] = field(default_factory=list)
    standards_error: str = ""


def _period(text: str, today: date) -> tuple[Period, str]:
    default = Period.containing(PeriodKind.FISCAL_YEAR, today)
    if not text:
        return default, ""
    try:
        period = Period.parse(text)
    except PerformanceError:
        period = None
    if period is None or period.kind not in (PeriodKind.FISCAL_YEAR, PeriodKind.QUARTER):
        return default, _(
            "Give a fiscal year (2025-2026) or a fiscal quarter (2025-2026-Q1); this year is shown."
        )
    return period, ""


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.first_day, time.min, tzinfo=UTC),
        datetime.combine(period.last_day + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _choice(text: str, choices: list[tuple[str, str]]) -> str:
    return text if any(value == text for value, _label in choices) else ""


def _standards(service_pk: int, fiscal_year: str) -> tuple[list[StandardRow], str]:
    from comptoir.measurement.queries import performance

    service = Service.objects.get(pk=service_pk)
    try:
        report = performance(fiscal_year, service=service)
    except PerformanceError:
        return [], _("The standards performance of this year cannot be computed.")
    return [
        StandardRow(
            standard_id=row.standard_id,
            volume_meeting_target=row.volume_meeting_target,
            total_volume=row.total_volume,
            performance=percent(row.performance),
            target=percent(row.target),
            target_met=row.target_met,
        )
        for row in report.rows[:PAGE_LIMIT]
    ], ""


def survey_results(
    user: Any, *, period: str = "", service: str = "", unit: str = "", today: date | None = None
) -> SurveyResults:
    """The client survey's figures for the period (a fiscal year or quarter; default this
    fiscal year), a service and a unit (default all), with the service's standards performance
    of the period's fiscal year when one service is chosen."""
    chosen, period_error = _period(period.strip(), today or timezone.localdate())
    with_surveys = Q(survey_plan__isnull=False) | Q(
        pk__in=SurveyInvitation.objects.values("service_id")
    )
    service_pks = list(
        Service.objects.filter(with_surveys)
        .order_by("service_id")
        .values_list("pk", flat=True)[:PAGE_LIMIT]
    )
    names = _service_names(service_pks)
    service_choices = [
        (str(pk), i18n.pick(*names.get(pk, (str(pk), str(pk))))) for pk in service_pks
    ]
    unit_choices = [
        (str(u.pk), i18n.pick_field(u, "name"))
        for u in Unit.objects.filter(pk__in=SurveyInvitation.objects.values("unit_id")).order_by(
            "code"
        )[:PAGE_LIMIT]
    ]
    service = _choice(service, service_choices)
    unit = _choice(unit, unit_choices)
    scope = Q()
    if service:
        scope &= Q(service_id=int(service))
    if unit:
        scope &= Q(unit_id=int(unit))
    low, high = _bounds(chosen)
    invitations = SurveyInvitation.objects.filter(scope, invited_at__gte=low, invited_at__lt=high)
    responses = SurveyResponse.objects.filter(
        scope, answered_on__gte=chosen.first_day, answered_on__lte=chosen.last_day
    )
    invited = invitations.count()
    answered = responses.count()
    least = minimum()
    rate = response_rate(answered, invited)
    fiscal_year = Period.containing(PeriodKind.FISCAL_YEAR, chosen.first_day).label
    standards, standards_error = _standards(int(service), fiscal_year) if service else ([], "")
    return SurveyResults(
        period=chosen,
        period_label=chosen.label,
        period_error=period_error,
        service_choices=service_choices,
        unit_choices=unit_choices,
        service=service,
        unit=unit,
        invitations=invited,
        responses=answered,
        response_rate=percent(Decimal(rate.numerator) / rate.denominator)
        if rate is not None
        else "",
        rows=_question_rows(SurveyKind.CLIENT, responses, invited or None, least),
        minimum=least,
        fiscal_year=fiscal_year if service else "",
        standards=standards,
        standards_error=standards_error,
    )


# --- plans -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanRow:
    service: str
    rate: str
    quiet_days: int
    is_active: bool


@dataclass(frozen=True, slots=True)
class PlansPage:
    plans: list[PlanRow]
    service_choices: list[tuple[int, str]]


def plans_page(user: Any) -> PlansPage:
    services = list(plannable_services(user).order_by("service_id")[:PAGE_LIMIT])
    names = _service_names([s.pk for s in services])
    label = {
        s.pk: f"{s.service_id} — {i18n.pick(*names.get(s.pk, (s.service_id, s.service_id)))}"
        for s in services
    }
    plans = SurveyPlan.objects.filter(service_id__in=list(label)).order_by("service__service_id")
    return PlansPage(
        plans=[
            PlanRow(label[p.service_id], percent(p.rate), p.quiet_days, p.is_active) for p in plans
        ],
        service_choices=list(label.items()),
    )


def plannable_service(user: Any, pk: int) -> Service:
    service: Service | None = plannable_services(user).filter(pk=pk).first()
    if service is None:
        raise Http404(_("No such service."))
    return service


# --- the staff survey --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffForm:
    """The open round a staff member may answer, and their units (``None``: nothing to do)."""

    survey_round: StaffSurveyRound | None
    units: list[Unit]
    has_answered: bool


def staff_form(user: Any) -> StaffForm:
    """The newest open round of an organization where ``user`` works."""
    rounds = StaffSurveyRound.objects.filter(
        closed_at__isnull=True,
        organization__units__memberships__user_id=user.pk,
        organization__units__memberships__is_active=True,
    ).distinct()
    survey_round = rounds.select_related("organization").first()
    if survey_round is None:
        return StaffForm(None, [], has_answered=False)
    answered = StaffSurveyParticipation.objects.filter(round=survey_round, user_id=user.pk).exists()
    return StaffForm(survey_round, list(answer_units(user, survey_round)[:PAGE_LIMIT]), answered)


def open_round_for(user: Any, pk: int) -> StaffSurveyRound:
    found = staff_form(user).survey_round
    if found is None or found.pk != pk:
        raise Http404(_("No such round."))
    return found


@dataclass(frozen=True, slots=True)
class UnitResults:
    unit: str
    responses: int
    rows: list[QuestionRow]
    suggestions: list[str]
    #: Why nothing is shown ("fewer than 5 answers"), else "".
    suppressed: str


@dataclass(frozen=True, slots=True)
class StaffResults:
    rounds: list[StaffSurveyRound]
    chosen: StaffSurveyRound | None
    units: list[UnitResults]
    participants: int
    minimum: int
    may_open: bool
    organizations: list[Any]


def staff_rounds(user: Any) -> Any:
    return StaffSurveyRound.objects.filter(organization__in=writable_organizations(user))


def staff_results(user: Any, round_pk: str = "") -> StaffResults:
    """The rounds of the organizations ``user`` writes for, and the chosen one's (default the
    newest) results per unit, only for units with at least the minimum number of answers."""
    rounds = list(staff_rounds(user).select_related("organization")[:PAGE_LIMIT])
    chosen = next((r for r in rounds if str(r.pk) == round_pk), rounds[0] if rounds else None)
    least = minimum()
    units: list[UnitResults] = []
    participants = 0
    if chosen is not None:
        participants = StaffSurveyParticipation.objects.filter(round=chosen).count()
        responses = StaffSurveyResponse.objects.filter(round=chosen)
        per_unit = dict(
            responses.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
        )
        for unit in Unit.objects.filter(pk__in=list(per_unit)).order_by("code")[:PAGE_LIMIT]:
            number = per_unit[unit.pk]
            name = i18n.pick_field(unit, "name")
            if number < least:
                units.append(UnitResults(name, number, [], [], SUPPRESSED % {"minimum": least}))
                continue
            of_unit = responses.filter(unit=unit)
            suggestions = [
                str(text)
                for text in of_unit.order_by("pk").values_list("answers__suggestions", flat=True)[
                    :PAGE_LIMIT
                ]
                if text
            ]
            units.append(
                UnitResults(
                    name,
                    number,
                    _question_rows(SurveyKind.STAFF, of_unit, None, least),
                    suggestions,
                    "",
                )
            )
    may_open = acts_for_every_organization(user)
    organizations = (
        list(writable_organizations(user).order_by("owner_org")[:PAGE_LIMIT]) if may_open else []
    )
    return StaffResults(rounds, chosen, units, participants, least, may_open, organizations)


def access_round(user: Any, pk: int) -> StaffSurveyRound:
    found: StaffSurveyRound | None = staff_rounds(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such round."))
    return found
