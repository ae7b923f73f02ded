"""``measurement.clocks.clocks_for``: a case's clocks from real Units and ServiceStandards and a
hand-made timeline.

Montréal unit (CA-QC, 08:30-16:30 Eastern), Halifax unit (CA-NS, 08:30-16:30 Atlantic). A case
received Tuesday 23 June 2026 at 10:00 in Montréal under "5 business days": day 0 is Tuesday 23;
Wednesday 24 (Saint-Jean-Baptiste) is skipped; Thursday 25 is day 1, Friday 26 day 2, Monday 29
day 3, Tuesday 30 day 4; Wednesday 1 July (Canada Day) is skipped; Thursday 2 July is day 5: due
at 16:30. Awaiting the client Thursday 25 June 09:30-11:30 adds 2 business hours: due Friday 3
July at 10:30.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.core.businesstime import Within
from comptoir.core.standards import (
    CalendarChoice,
    CalendarScope,
    CaseEvent,
    CaseTimeline,
    StandardRule,
)
from comptoir.inventory.models import FiscalYear, ServiceStandard, StandardYear, Unit
from comptoir.measurement.clocks import ClockOutcome, clocks_for

#: Timelines name units as the casework app does: by the unit's key, as text.
MTL, HFX = "9001", "9002"

ET = ZoneInfo("America/Montreal")
AT = ZoneInfo("America/Halifax")


def et(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ET)


@pytest.fixture
def service(make_service_year):
    year = make_service_year(service_id="SRV1")
    organization = year.service.organization
    for key, code, zone, jurisdiction in (
        (MTL, "mtl", "America/Montreal", "CA-QC"),
        (HFX, "hfx", "America/Halifax", "CA-NS"),
    ):
        Unit.objects.create(
            pk=int(key),
            organization=organization,
            code=code,
            name_en=code,
            name_fr=code,
            kind=Unit.Kind.REGIONAL_OFFICE,
            time_zone=zone,
            holiday_jurisdiction=jurisdiction,
        )
    return year.service


def add_standard(
    service, standard_id: str, rule: StandardRule | None, name_en: str = "", name_fr: str = ""
):
    standard = ServiceStandard.objects.create(
        service=service, service_standard_id=standard_id, rule=rule.to_dict() if rule else None
    )
    if name_en:
        fiscal_year = FiscalYear.objects.get(organization=service.organization, code="2024-2025")
        StandardYear.objects.create(
            standard=standard,
            fiscal_year=fiscal_year,
            service_standard_en=name_en,
            service_standard_fr=name_fr,
        )
    return standard


def five_days(
    standard_id: str = "S5", scope: CalendarScope = CalendarScope.RECEIVING_UNIT
) -> StandardRule:
    return StandardRule(
        standard_id,
        Within.parse("5 business days"),
        calendar=CalendarChoice(scope),
        pause_start=("awaiting_client",),
        pause_end=("resumed",),
    )


RECEIVED = et(6, 23, 10)


def timeline(*events: CaseEvent, received: datetime = RECEIVED) -> CaseTimeline:
    return CaseTimeline(
        "enquiry", "TEL", 1, "SRV1", MTL, (CaseEvent("received", received, MTL), *events)
    )


def test_due_date_across_holidays_and_without_a_rule_no_clock(service) -> None:
    add_standard(
        service, "S5", five_days(), "Answer within 5 business days", "Réponse en 5 jours ouvrables"
    )
    add_standard(service, "NORULE", None)
    [clock] = clocks_for(timeline(), service=service, as_of=et(6, 25, 12))
    assert clock.due_at == et(7, 2, 16, 30)
    assert clock.due_at.tzinfo == ET
    assert clock.outcome is ClockOutcome.PENDING
    assert clock.words_en.name == "Answer within 5 business days"
    assert clock.words_fr.name == "Réponse en 5 jours ouvrables"
    assert any("holiday" in sentence for sentence in clock.words_en.explanation)
    with translation.override("fr"):
        assert clock.name == "Réponse en 5 jours ouvrables"


def test_a_pause_moves_the_due_date_and_met_or_missed(service) -> None:
    add_standard(service, "S5", five_days())
    pause = (
        CaseEvent("awaiting_client", et(6, 25, 9, 30), MTL),
        CaseEvent("resumed", et(6, 25, 11, 30), MTL),
    )
    [open_clock] = clocks_for(timeline(*pause), service=service, as_of=et(6, 26, 9))
    assert open_clock.due_at == et(7, 3, 10, 30)
    met = timeline(*pause, CaseEvent("resolved", et(7, 3, 10), MTL))
    missed = timeline(*pause, CaseEvent("resolved", et(7, 3, 11), MTL))
    assert clocks_for(met, service=service, as_of=et(7, 6, 9))[0].outcome is ClockOutcome.MET
    [late] = clocks_for(missed, service=service, as_of=et(7, 6, 9))
    assert late.outcome is ClockOutcome.MISSED
    assert late.remaining == -timedelta(minutes=30)
    assert late.words_en.remaining == "0 h 30 min of business time past due"
    assert late.words_fr.remaining.endswith("de retard")


def test_current_unit_calendar_after_a_referral(service) -> None:
    rule = StandardRule(
        "H8", Within.parse("8 business hours"), calendar=CalendarChoice(CalendarScope.CURRENT_UNIT)
    )
    add_standard(service, "H8", rule)
    add_standard(service, "E8", StandardRule("E8", Within.parse("8 business hours")))
    # Received Friday 5 June 15:00 Eastern; referred Monday 8 June 10:00 Eastern to Halifax.
    line = timeline(CaseEvent("referred", et(6, 8, 10), HFX), received=et(6, 5, 15))
    clocks = {c.standard_id: c for c in clocks_for(line, service=service, as_of=et(6, 8, 10, 30))}
    # Montréal counts 90 + 90 minutes, Halifax the 300 left from Monday 11:00 Atlantic.
    assert clocks["H8"].due_at == datetime(2026, 6, 8, 16, 0, tzinfo=AT)
    assert clocks["H8"].due_at.tzinfo == AT
    assert clocks["H8"].deciding_unit == HFX
    assert clocks["H8"].elapsed == timedelta(minutes=210)
    assert len(clocks["H8"].words_en.explanation) == 3
    assert HFX in clocks["H8"].words_fr.explanation[-1]
    assert clocks["E8"].due_at == et(6, 8, 15)
    assert clocks["E8"].due_at.tzinfo == ET


def test_at_risk_when_less_than_a_fifth_of_the_limit_is_left(service, settings) -> None:
    add_standard(service, "H8", StandardRule("H8", Within.parse("8 business hours")))
    line = timeline(received=et(6, 23, 8, 30))
    assert clocks_for(line, service=service, as_of=et(6, 23, 14))[0].outcome is ClockOutcome.PENDING
    assert (
        clocks_for(line, service=service, as_of=et(6, 23, 15, 30))[0].outcome
        is ClockOutcome.AT_RISK
    )
    settings.COMPTOIR_CLOCK_AT_RISK_SHARE = "0.5"
    assert clocks_for(line, service=service, as_of=et(6, 23, 14))[0].outcome is ClockOutcome.AT_RISK


def test_a_rule_that_does_not_apply_gives_no_clock(service) -> None:
    first_response = StandardRule(
        "ACK", Within.parse("2 business days"), start="assigned", stop="acknowledged"
    )
    add_standard(service, "ACK", first_response)
    assert clocks_for(timeline(), service=service, as_of=et(6, 25, 12)) == []
