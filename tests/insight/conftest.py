"""A small hand-made inventory whose shares are computed by hand in the tests.

2023-2024 (organization ``aaa-aaa``, Agency A):
  A1 (in scope, 50,000 applications: high-volume): S1 90/100 against 0.8 met; S2 80/100 against
     0.9 not met; S3 no target (stored ``Y``): no result; S4 performance 0.95 but no volumes
     (stored ``Y``): no result. Online points Y,Y,Y,N,Y,Y; 500 website visits.
  A2 (in scope, 100 applications): S5 60/100 against 0.5 met. Every point Y; 1,000 visits.
  A3 (in scope): no standard, every point NA, visits ND.
2024-2025 (aaa-aaa): A1: S1 90/100 against 0.95 not met.
2023-2024 (``bbb-bbb``, Agency B): B1 (scope CLUSTER, not in scope): B-S1 10/10 against 0.8 met.
2023-2024 (``zzz-zzz``, the hidden agency): Z1 in scope, Z-S1 met, 99,999 applications online.
"""

from __future__ import annotations

import pytest

from comptoir.core.opendata.schema import ONLINE_POINT_FIELDS
from comptoir.inventory.models import Organization, ServiceStandard, StandardYear
from comptoir.inventory.models.services import (
    FiscalYearQuerySet,
    ServiceYearQuerySet,
    StandardYearQuerySet,
)

ALL_YES = dict.fromkeys(ONLINE_POINT_FIELDS, "Y")
ALL_NA = dict.fromkeys(ALL_YES, "NA")
HIDDEN = "zzz-zzz"


def add_standard(record, standard_id, target, meeting, total, *, performance="", stored=""):
    standard, _ = ServiceStandard.objects.get_or_create(
        service=record.service, service_standard_id=standard_id
    )
    return StandardYear.objects.create(
        standard=standard,
        fiscal_year=record.fiscal_year,
        service_year=record,
        service_standard_en=f"Standard {standard_id}",
        service_standard_fr=f"Norme {standard_id}",
        type="TML",
        channel="ONL",
        target=target,
        volume_meeting_target=meeting,
        total_volume=total,
        performance=performance,
        target_met=stored,
    )


def _organization(code, en, fr):
    Organization.objects.create(owner_org=code, title_en=en, title_fr=fr)


@pytest.fixture
def small_inventory(make_service_year):
    _organization("aaa-aaa", "Agency A", "Agence A")
    _organization("bbb-bbb", "Agency B", "Agence B")
    _organization(HIDDEN, "Hidden Agency", "Agence cachée")
    year = "2023-2024"
    a1 = make_service_year(
        owner_org="aaa-aaa",
        service_id="A1",
        fiscal_year=year,
        service_name_en="Service A one",
        service_name_fr="Service A un",
        num_applications_total="50000",
        num_website_visits="500",
    )
    add_standard(a1, "S1", "0.8", "90", "100")
    add_standard(a1, "S2", "0.9", "80", "100")
    add_standard(a1, "S3", "", "50", "100", stored="Y")
    add_standard(a1, "S4", "0.8", "", "", performance="0.95", stored="Y")
    a2 = make_service_year(
        owner_org="aaa-aaa",
        service_id="A2",
        fiscal_year=year,
        num_applications_total="100",
        num_website_visits="1000",
        **ALL_YES,
    )
    add_standard(a2, "S5", "0.5", "60", "100")
    make_service_year(owner_org="aaa-aaa", service_id="A3", fiscal_year=year, **ALL_NA)
    a1_next = make_service_year(
        owner_org="aaa-aaa",
        service_id="A1",
        fiscal_year="2024-2025",
        service_name_en="Service A one",
        service_name_fr="Service A un",
    )
    add_standard(a1_next, "S1", "0.95", "90", "100")
    b1 = make_service_year(
        owner_org="bbb-bbb", service_id="B1", fiscal_year=year, service_scope="CLUSTER"
    )
    add_standard(b1, "B-S1", "0.8", "10", "10")
    z1 = make_service_year(
        owner_org=HIDDEN,
        service_id="Z1",
        fiscal_year=year,
        service_name_en="Hidden service",
        num_applications_online="99999",
        num_applications_total="99999",
    )
    add_standard(z1, "Z-S1", "0.8", "10", "10")
    return {"a1": a1, "a2": a2, "b1": b1, "z1": z1, "a1_next": a1_next}


@pytest.fixture
def hidden_organization(monkeypatch):
    """A scope in which the reader may not see ``zzz-zzz``: each ``visible_to`` of the
    inventory's yearly records and fiscal years leaves it out (today every staff viewer sees
    every organization; this stands for a narrower scope, to show that the insight pages read
    nothing past ``visible_to``)."""
    for queryset, path in (
        (FiscalYearQuerySet, "organization__owner_org"),
        (ServiceYearQuerySet, "fiscal_year__organization__owner_org"),
        (StandardYearQuerySet, "fiscal_year__organization__owner_org"),
    ):
        original = queryset.visible_to

        def narrowed(self, user, _original=original, _path=path):
            return _original(self, user).exclude(**{_path: HIDDEN})

        monkeypatch.setattr(queryset, "visible_to", narrowed)
