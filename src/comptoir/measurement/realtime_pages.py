"""Reads of the stored real-time performance, for the public page and the feeds.

    page = realtime_service_page(service_pk)    # Http404 for an unknown service
    feed_json(page), feed_csv(page)

Everything here reads :class:`~comptoir.measurement.realtime_models.RealtimeResult` rows (two
queries: the service and its results) and computes nothing: the figures are those of the last
refresh (``measurement.realtime``), so a visitor never pays for a computation and what the page
says is what the feeds say. Sentences are whole msgids in the active language.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

from comptoir import i18n
from comptoir.core.businesstime import TimeUnit, Within
from comptoir.measurement.business_time_text import format_day
from comptoir.measurement.realtime import SCHEMA_VERSION
from comptoir.measurement.realtime_models import RealtimeResult, RealtimeUpdateCategory
from comptoir.measurement.rule_text import limit_phrase, target_sentence

#: The CSV feed's columns, in order (``docs/measurement.md`` documents each).
CSV_COLUMNS = (
    "schema_version",
    "owner_org",
    "service_id",
    "standard_id",
    "service_name_en",
    "service_name_fr",
    "standard_en",
    "standard_fr",
    "as_of",
    "update_category",
    "window_days",
    "window_start",
    "rule_within_amount",
    "rule_within_unit",
    "target",
    "outputs_in_window",
    "met_in_window",
    "share_meeting_standard",
    "share",
    "within_amount",
    "within_unit",
    "backlog",
    "projected_on",
    "projected_at",
    "fiscal_year",
    "volume_meeting_target",
    "total_volume",
    "performance",
    "target_met",
)


def _percent(value: Decimal) -> str:
    hundred = value * 100
    return number_format(hundred, decimal_pos=0 if hundred % 1 == 0 else 1)


def _moment(text: str) -> str:
    local = timezone.localtime(datetime.fromisoformat(text))
    # Translators: when the figures were computed, e.g. "Tuesday 1 December 2026, 14:05".
    return gettext("%(day)s, %(time)s") % {
        "day": format_day(local.date()),
        "time": local.strftime("%H:%M"),
    }


def category_label(code: str) -> str:
    try:
        return str(RealtimeUpdateCategory(code).label)
    except ValueError:
        return code


@dataclass(frozen=True, slots=True)
class StandardFigures:
    """One standard's stored figures, and their sentences in the active language."""

    payload: dict[str, Any]

    @property
    def standard_id(self) -> str:
        return str(self.payload["standard_id"])

    @property
    def name(self) -> str:
        text = i18n.pick(self.payload.get("standard_en", ""), self.payload.get("standard_fr", ""))
        return text or self.standard_id

    @property
    def backward_sentence(self) -> str:
        backward = self.payload["backward"]
        days = self.payload["window_days"]
        if backward["within_amount"] is None:
            return gettext(
                "No request was answered in the last %(days)d days, so there is no recent "
                "figure yet."
            ) % {"days": days}
        limit = limit_phrase(Within(backward["within_amount"], TimeUnit(backward["within_unit"])))
        return gettext("We currently answer %(percent)s%% of requests within %(limit)s.") % {
            "percent": _percent(Decimal(backward["share"])),
            "limit": limit,
        }

    @property
    def window_sentence(self) -> str:
        backward = self.payload["backward"]
        if not backward["outputs"] or backward["share_meeting_standard"] is None:
            return ""
        return ngettext(
            "In the last %(days)d days, %(percent)s%% of the %(count)d request answered met "
            "the standard.",
            "In the last %(days)d days, %(percent)s%% of the %(count)d requests answered met "
            "the standard.",
            backward["outputs"],
        ) % {
            "days": self.payload["window_days"],
            "percent": _percent(Decimal(backward["share_meeting_standard"])),
            "count": backward["outputs"],
        }

    @property
    def forward_sentence(self) -> str:
        projected = self.payload["forward"]["projected_on"]
        if projected is None:
            return gettext(
                "There were too few recent answers to project when a request made today would "
                "be answered."
            )
        return gettext("A request made today can expect an answer by %(day)s.") % {
            "day": format_day(date.fromisoformat(projected))
        }

    @property
    def target_text(self) -> str:
        target = self.payload["target"]
        if target is None:
            return gettext("This standard has no target.")
        return target_sentence(Decimal(target))

    @property
    def this_year_sentence(self) -> str:
        year = self.payload["this_year"]
        if not year["total_volume"] or year["performance"] is None:
            return gettext("Fiscal year %(year)s: no request answered yet.") % {
                "year": year["fiscal_year"]
            }
        return ngettext(
            "Fiscal year %(year)s so far: %(percent)s%% of %(total)d request answered met the "
            "standard.",
            "Fiscal year %(year)s so far: %(percent)s%% of %(total)d requests answered met the "
            "standard.",
            year["total_volume"],
        ) % {
            "year": year["fiscal_year"],
            "percent": _percent(Decimal(year["performance"])),
            "total": year["total_volume"],
        }

    @property
    def as_of_sentence(self) -> str:
        return gettext("Figures as of %(moment)s (updates: %(category)s).") % {
            "moment": _moment(self.payload["as_of"]),
            "category": category_label(self.payload["update_category"]),
        }


@dataclass(frozen=True, slots=True)
class RealtimeServicePage:
    service_pk: int
    service_id: str
    owner_org: str
    service_name_en: str
    service_name_fr: str
    standards: list[StandardFigures]

    @property
    def service_name(self) -> str:
        return i18n.pick(self.service_name_en, self.service_name_fr) or pgettext(
            "real-time page", "Service %(id)s"
        ) % {"id": self.service_id}


def realtime_service_page(service_pk: int) -> RealtimeServicePage:
    """The stored figures of every standard of the service; ``Http404`` for an unknown one."""
    from comptoir.inventory.models import Service, ServiceYear

    service = Service.objects.select_related("organization").filter(pk=service_pk).first()
    if service is None:
        raise Http404(gettext("No such service."))
    results = list(
        RealtimeResult.objects.filter(service=service)
        .order_by("standard__service_standard_id")
        .values_list("payload", flat=True)
    )
    if results:
        names = results[0]
    else:
        names = (
            ServiceYear.objects.filter(service=service)
            .order_by("-fiscal_year__code")
            .values("service_name_en", "service_name_fr")
            .first()
        ) or {}
    return RealtimeServicePage(
        service_pk=service.pk,
        service_id=service.service_id,
        owner_org=service.organization.owner_org,
        service_name_en=names.get("service_name_en") or "",
        service_name_fr=names.get("service_name_fr") or "",
        standards=[StandardFigures(payload) for payload in results],
    )


def feed_json(page: RealtimeServicePage) -> dict[str, Any]:
    """The JSON feed: the service and each standard's stored payload, as stored."""
    return {
        "schema_version": SCHEMA_VERSION,
        "service": {
            "owner_org": page.owner_org,
            "service_id": page.service_id,
            "service_name_en": page.service_name_en,
            "service_name_fr": page.service_name_fr,
        },
        "standards": [figures.payload for figures in page.standards],
    }


def csv_row(payload: dict[str, Any]) -> dict[str, Any]:
    """One standard's payload flattened to the CSV feed's columns (blank for none)."""
    backward, forward, year = payload["backward"], payload["forward"], payload["this_year"]
    values = {
        "schema_version": payload["schema_version"],
        "owner_org": payload["owner_org"],
        "service_id": payload["service_id"],
        "standard_id": payload["standard_id"],
        "service_name_en": payload["service_name_en"],
        "service_name_fr": payload["service_name_fr"],
        "standard_en": payload["standard_en"],
        "standard_fr": payload["standard_fr"],
        "as_of": payload["as_of"],
        "update_category": payload["update_category"],
        "window_days": payload["window_days"],
        "window_start": payload["window_start"],
        "rule_within_amount": payload["rule"]["within_amount"],
        "rule_within_unit": payload["rule"]["within_unit"],
        "target": payload["target"],
        "outputs_in_window": backward["outputs"],
        "met_in_window": backward["met"],
        "share_meeting_standard": backward["share_meeting_standard"],
        "share": backward["share"],
        "within_amount": backward["within_amount"],
        "within_unit": backward["within_unit"],
        "backlog": forward["backlog"],
        "projected_on": forward["projected_on"],
        "projected_at": forward["projected_at"],
        "fiscal_year": year["fiscal_year"],
        "volume_meeting_target": year["volume_meeting_target"],
        "total_volume": year["total_volume"],
        "performance": year["performance"],
        "target_met": year["target_met"],
    }
    return {key: "" if value is None else value for key, value in values.items()}


def feed_csv(page: RealtimeServicePage) -> str:
    """The CSV feed: a header row of ``CSV_COLUMNS``, then one row per standard."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for figures in page.standards:
        writer.writerow(csv_row(figures.payload))
    return buffer.getvalue()
