"""The clocks of a case: each service standard with a machine rule, measured on the case's timeline.

    clocks = clocks_for(timeline, service=case.service, as_of=timezone.now())

``timeline`` is the case's ``comptoir.core.standards.CaseTimeline`` (``comptoir.core.casework.
standards_timeline`` makes it from the event log). Its units are named as the casework app names
them, by the unit's primary key as text: unit codes are unique only within an organization, and a
referral may cross one. Each standard of ``service`` whose ``rule`` is set and applies to the
timeline (its start event has happened and its applicability covers the case) gives one
:class:`CaseClock`, evaluated by ``comptoir.core.standards.evaluate`` in the units' calendars
(``inventory.calendars.calendar_for``). A rule counted in a service's or a named calendar has no
unit to count in and gives no clock here.

``outcome`` is met, missed, excluded or pending, and **at risk** when pending with less than
``COMPTOIR_CLOCK_AT_RISK_SHARE`` (a setting, default 0.2: 20 %) of the limit left, the limit being
the time counted from the clock start to the due instant. Words (name, due instant, elapsed and
remaining time, the explanation of the due date) are given in English and French; the properties
without a suffix answer in the active language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy

from comptoir import i18n
from comptoir.core.businesstime import AnyCalendar, Calendar, TimeUnit, explain_due_at
from comptoir.core.standards import (
    CalendarRef,
    CalendarScope,
    CalendarTable,
    CaseTimeline,
    Evaluation,
    Outcome,
    StandardRule,
    clock_facts,
    evaluate,
)
from comptoir.measurement.business_time_text import format_duration, format_instant, step_sentence

if TYPE_CHECKING:
    from comptoir.inventory.models import Service, ServiceStandard, Unit

#: The share of the limit under which a pending clock is at risk, unless the setting says another.
DEFAULT_AT_RISK_SHARE = Decimal("0.2")

#: The languages the words are given in.
LANGUAGES = ("en", "fr")

#: The calendar choices a clock can be counted in (a unit's calendar).
UNIT_SCOPES = frozenset({CalendarScope.RECEIVING_UNIT, CalendarScope.CURRENT_UNIT})


class ClockOutcome(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    AT_RISK = "at_risk"
    EXCLUDED = "excluded"


#: The state of a clock in words (a context keeps these short words apart from others).
OUTCOME_LABELS = {
    ClockOutcome.MET: pgettext_lazy("standard clock", "Met"),
    ClockOutcome.MISSED: pgettext_lazy("standard clock", "Missed"),
    ClockOutcome.PENDING: pgettext_lazy("standard clock", "On time so far"),
    ClockOutcome.AT_RISK: pgettext_lazy("standard clock", "At risk"),
    ClockOutcome.EXCLUDED: pgettext_lazy("standard clock", "Excluded"),
}


@dataclass(frozen=True, slots=True)
class ClockWords:
    """A clock in one language."""

    name: str
    due: str
    elapsed: str
    remaining: str
    explanation: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CaseClock:
    """One standard's clock on one case (see the module docstring)."""

    standard_pk: int
    standard_id: str
    rule: StandardRule
    evaluation: Evaluation
    outcome: ClockOutcome
    due_at: datetime  # in the time zone of the deciding unit
    deciding_unit: str
    elapsed: timedelta
    remaining: timedelta  # negative when past due
    words_en: ClockWords
    words_fr: ClockWords

    @property
    def words(self) -> ClockWords:
        return self.words_fr if i18n.is_french() else self.words_en

    @property
    def name(self) -> str:
        return self.words.name

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def explanation(self) -> tuple[str, ...]:
        return self.words.explanation

    @property
    def is_paused(self) -> bool:
        return self.evaluation.is_paused


def at_risk_share() -> Decimal:
    return Decimal(str(getattr(settings, "COMPTOIR_CLOCK_AT_RISK_SHARE", DEFAULT_AT_RISK_SHARE)))


def _rules(service: Service, *, with_names: bool) -> list[tuple[ServiceStandard, StandardRule]]:
    """The standards of ``service`` whose rule is set and counted in a unit's calendar."""
    standards = service.standards.filter(rule__isnull=False)
    if with_names:
        standards = standards.prefetch_related("years__fiscal_year")
    else:
        standards = standards.only("pk", "service_id", "service_standard_id", "rule")
    rules = [
        (standard, StandardRule.from_dict(standard.rule))
        for standard in standards
        if isinstance(standard.rule, dict)
    ]
    return [(s, rule) for s, rule in rules if rule.calendar.scope in UNIT_SCOPES]


def _evaluations(
    timeline: CaseTimeline, *, service: Service, as_of: datetime, with_names: bool
) -> tuple[list[tuple[ServiceStandard, StandardRule, Evaluation]], CalendarTable]:
    rules = _rules(service, with_names=with_names)
    if not rules:
        return [], CalendarTable({})
    units = _units({timeline.unit, *(e.unit for e in timeline.events if e.unit)})
    calendars = _calendars(units)
    evaluations = []
    for standard, rule in rules:
        evaluation = evaluate(rule, timeline, as_of=as_of, calendars=calendars)
        if evaluation.applies and evaluation.due_at is not None:
            evaluations.append((standard, rule, evaluation))
    return evaluations, calendars


def clocks_for(timeline: CaseTimeline, *, service: Service, as_of: datetime) -> list[CaseClock]:
    """The clocks of ``timeline`` under the rules of ``service``'s standards, as of ``as_of``."""
    evaluations, calendars = _evaluations(timeline, service=service, as_of=as_of, with_names=True)
    return [
        _clock(standard, rule, evaluation, timeline, calendars)
        for standard, rule, evaluation in evaluations
    ]


def next_due(
    timeline: CaseTimeline,
    *,
    service: Service,
    as_of: datetime,
    revised: Mapping[str, datetime] | None = None,
) -> datetime | None:
    """The earliest due instant among the clocks of :func:`clocks_for` that have not stopped
    (pending, at risk or already missed; not excluded), without their words: what the event
    writer stores on the case for the queues (``Case.next_due_at``). A clock whose due date a
    person revised (``revised``: standard ID → the latest revised instant) counts at the revised
    date — the date the client was given is the one the office works to — while the standard
    itself is still measured against the rule's. ``None`` when no clock is running."""
    evaluations, _calendars = _evaluations(timeline, service=service, as_of=as_of, with_names=False)
    revised = revised or {}
    pending = [
        revised.get(standard.service_standard_id, evaluation.due_at)
        for standard, _rule, evaluation in evaluations
        if evaluation.due_at is not None
        and not evaluation.is_completed
        and evaluation.outcome is not Outcome.EXCLUDED
    ]
    return min(pending, default=None)


def _units(keys: Iterable[str]) -> dict[str, Unit]:
    """The units a timeline names, by the casework app's unit key: the unit's primary key as
    text (unit codes are unique only within an organization, and a referral may cross one)."""
    from comptoir.inventory.models import Unit

    wanted = {int(key) for key in keys if key.isdigit()}
    query = (
        Unit.objects.filter(pk__in=wanted)
        .select_related("organization")
        .prefetch_related("holiday_overrides", "closures")
    )
    return {str(unit.pk): unit for unit in query}


def _calendars(units: dict[str, Unit]) -> CalendarTable:
    from comptoir.inventory.calendars import calendar_for

    table: dict[CalendarRef, AnyCalendar] = {}
    for code, unit in units.items():
        calendar = calendar_for(unit)
        for scope in UNIT_SCOPES:
            table[CalendarRef(scope, code)] = calendar
    return CalendarTable(table)


def _outcome(evaluation: Evaluation) -> ClockOutcome:
    match evaluation.outcome:
        case Outcome.MET:
            return ClockOutcome.MET
        case Outcome.MISSED:
            return ClockOutcome.MISSED
        case Outcome.EXCLUDED:
            return ClockOutcome.EXCLUDED
    elapsed = evaluation.elapsed or timedelta(0)
    remaining = evaluation.remaining or timedelta(0)
    limit = elapsed + remaining
    if limit > timedelta(0) and Decimal(remaining / limit) < at_risk_share():
        return ClockOutcome.AT_RISK
    return ClockOutcome.PENDING


def _clock(
    standard: ServiceStandard,
    rule: StandardRule,
    evaluation: Evaluation,
    timeline: CaseTimeline,
    calendars: CalendarTable,
) -> CaseClock:
    assert evaluation.due_at is not None  # noqa: S101 - clocks_for keeps only applying rules
    # The unit holding the case at the stop (or as of now): under the entry unit's calendar, the
    # entry unit.
    deciding = evaluation.segments[-1].unit if evaluation.segments else timeline.unit
    zone = calendars(CalendarRef(CalendarScope.RECEIVING_UNIT, deciding))
    due = evaluation.due_at.astimezone(_zone(zone))
    elapsed = evaluation.elapsed or timedelta(0)
    remaining = evaluation.remaining or timedelta(0)
    latest = max(standard.years.all(), key=lambda year: year.fiscal_year.code, default=None)
    names = {
        "en": (latest.service_standard_en if latest else "") or standard.service_standard_id,
        "fr": (latest.service_standard_fr if latest else "") or standard.service_standard_id,
    }
    words = {
        language: _words(language, names[language], rule, evaluation, timeline, calendars, due)
        for language in LANGUAGES
    }
    return CaseClock(
        standard_pk=standard.pk,
        standard_id=standard.service_standard_id,
        rule=rule,
        evaluation=evaluation,
        outcome=_outcome(evaluation),
        due_at=due,
        deciding_unit=deciding,
        elapsed=elapsed,
        remaining=remaining,
        words_en=words["en"],
        words_fr=words["fr"],
    )


def _zone(calendar: AnyCalendar) -> tzinfo:
    if isinstance(calendar, Calendar):
        return calendar.zone
    return calendar.entries[-1][1].zone


def _time_words(rule: StandardRule, amount: timedelta) -> str:
    business = not (
        rule.within.unit.counts_elapsed_time or rule.within.unit is TimeUnit.CALENDAR_DAYS
    )
    if business:
        return gettext("%(duration)s of business time") % {"duration": format_duration(amount)}
    return gettext("%(duration)s of elapsed time") % {"duration": format_duration(amount)}


def _words(
    language: str,
    name: str,
    rule: StandardRule,
    evaluation: Evaluation,
    timeline: CaseTimeline,
    calendars: CalendarTable,
    due: datetime,
) -> ClockWords:
    with translation.override(language):
        elapsed = _time_words(rule, evaluation.elapsed or timedelta(0))
        left = evaluation.remaining or timedelta(0)
        if left >= timedelta(0):
            remaining = gettext("%(time)s left") % {"time": _time_words(rule, left)}
        else:
            remaining = gettext("%(time)s past due") % {"time": _time_words(rule, -left)}
        return ClockWords(
            name=name,
            due=format_instant(due),
            elapsed=elapsed,
            remaining=remaining,
            explanation=_explanation(rule, evaluation, timeline, calendars, due),
        )


def _explanation(
    rule: StandardRule,
    evaluation: Evaluation,
    timeline: CaseTimeline,
    calendars: CalendarTable,
    due: datetime,
) -> tuple[str, ...]:
    """The engine's explanation of the due date; with several units holding the case, what each
    counted and in whose calendar the limit runs out."""
    assert evaluation.started_at is not None  # noqa: S101 - an applying rule has started
    facts = clock_facts(rule, timeline, as_of=evaluation.as_of)
    if len(evaluation.segments) <= 1:
        unit = evaluation.segments[0].unit if evaluation.segments else timeline.unit
        calendar = calendars(CalendarRef(CalendarScope.RECEIVING_UNIT, unit))
        steps = explain_due_at(
            calendar,
            evaluation.started_at,
            rule.within,
            pauses=facts.pauses,
            convention=rule.convention,
        )
        return tuple(step_sentence(step) for step in steps)
    sentences = []
    for segment in evaluation.segments:
        values = {
            "unit": segment.unit,
            "start": format_instant(segment.start),
            "time": _time_words(rule, segment.counted),
        }
        if segment.end is None:
            sentences.append(
                gettext(
                    "From %(start)s the unit %(unit)s holds the case: %(time)s counted in its "
                    "calendar so far."
                )
                % values
            )
        else:
            sentences.append(
                gettext(
                    "From %(start)s until %(end)s the unit %(unit)s held the case: %(time)s "
                    "counted in its calendar."
                )
                % {**values, "end": format_instant(segment.end)}
            )
    sentences.append(
        gettext("The limit runs out in the calendar of the unit %(unit)s: due %(instant)s.")
        % {"unit": evaluation.segments[-1].unit, "instant": format_instant(due)}
    )
    return tuple(sentences)
