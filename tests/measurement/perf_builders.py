"""Shared pieces of the standards-performance tests: a Toronto unit (the default calendar), a
standard "10 calendar days from receipt to resolution" with a target of 0.8, and helpers."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from comptoir.core.businesstime import Within
from comptoir.core.standards import Applicability, Exclusion, ExclusionEffect, StandardRule

ET = ZoneInfo("America/Toronto")


def et(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ET)


def ten_days(standard_id: str = "S10", **fields) -> StandardRule:
    return StandardRule(
        standard_id,
        Within.parse("10 calendar days"),
        target=fields.pop("target", "0.8"),
        exclusions=fields.pop("exclusions", ()),
        **fields,
    )


#: Casework has no "special circumstances" event kind: a rule names an existing kind to leave
#: a case out; here a wait for the client.
EXCLUDED_WHILE_AWAITING = (Exclusion("awaiting_client", ExclusionEffect.EXCLUDE_CASE),)


def add_standard(service, rule: StandardRule):
    from comptoir.inventory.models import ServiceStandard

    return ServiceStandard.objects.create(
        service=service, service_standard_id=rule.standard_id, rule=rule.to_dict()
    )


def run(*args: str, language: str = "en") -> str:
    out = StringIO()
    call_command("performance", "--language", language, *args, stdout=out)
    return out.getvalue()


__all__ = [
    "ET",
    "EXCLUDED_WHILE_AWAITING",
    "Applicability",
    "add_standard",
    "et",
    "run",
    "ten_days",
]
