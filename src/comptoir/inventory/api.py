"""The inventory's API router: service records (``/api/services/``), read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from comptoir.api.auth import caller
from comptoir.api.errors import ApiError, ErrorCode
from comptoir.api.pagination import PageParams, paginate
from comptoir.inventory.models import ServiceYear
from comptoir.inventory.models.scope import is_staff_viewer

router = Router(tags=["services"])


class ServiceSummary(Schema):
    id: int
    service_id: str
    fiscal_year: str
    organization: str
    service_name_en: str
    service_name_fr: str
    service_type: str
    is_priority: bool
    is_mission_critical: bool
    is_essential: bool


class ServiceDetail(ServiceSummary):
    cells: dict[str, str] = Field(description="The record's open-data cells, by official name.")


class ServicePage(Schema):
    items: list[ServiceSummary]
    count: int
    next: str | None


class ServiceFilters(Schema):
    fiscal_year: str | None = Field(None, max_length=20, description="e.g. 2024-2025")
    organization: str | None = Field(None, max_length=100, description="owner_org code")


def _records(user: Any) -> Any:
    if not is_staff_viewer(user):
        raise ApiError(403, ErrorCode.FORBIDDEN)
    return ServiceYear.objects.visible_to(user).select_related(
        "service", "fiscal_year__organization"
    )


def _summary(record: ServiceYear) -> dict[str, Any]:
    return {
        "id": record.pk,
        "service_id": record.service.service_id,
        "fiscal_year": record.fiscal_year.code,
        "organization": record.fiscal_year.organization.owner_org,
        "service_name_en": record.service_name_en,
        "service_name_fr": record.service_name_fr,
        "service_type": record.service_type,
        "is_priority": record.is_priority,
        "is_mission_critical": record.is_mission_critical,
        "is_essential": record.is_essential,
    }


@router.get("", response=ServicePage, summary="Service records the caller may see")
def list_services(
    request: HttpRequest,
    filters: Query[ServiceFilters],
    paging: Query[PageParams],
) -> dict[str, Any]:
    records = _records(caller(request))
    if filters.fiscal_year:
        records = records.for_fiscal_year(filters.fiscal_year)
    if filters.organization:
        records = records.for_organization(filters.organization)
    return paginate(request, records, paging, _summary)


@router.get("{record_id}", response=ServiceDetail, summary="One service record")
def get_service(request: HttpRequest, record_id: int) -> dict[str, Any]:
    record = _records(caller(request)).filter(pk=record_id).first()
    if record is None:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    return {**_summary(record), "cells": record.official_row()}
