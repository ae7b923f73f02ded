"""The heat map, its drill-down and the panels on a small hand-made inventory (see conftest):
shares computed by hand, an organization the reader may not see, both languages, the legend,
and a constant number of queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.roles import Role
from comptoir.insight import queries
from tests.insight.conftest import HIDDEN, add_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(make_user):
    return make_user(Role.VIEWER, username="viewer")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def _row(heat, code):
    return next(row for row in heat.rows if row.code == code)


def test_heat_map_by_year_counts_by_hand(small_inventory, hidden_organization, viewer):
    heat = queries.heat_map(viewer)
    assert [c.code for c in heat.columns] == ["2023-2024", "2024-2025"]
    assert [row.code for row in heat.rows] == ["aaa-aaa", "bbb-bbb"]  # not the hidden one
    a_now, a_next = _row(heat, "aaa-aaa").cells
    # S1 and S5 met, S2 not; S3 (no target) and S4 (no volumes) have no result.
    assert (a_now.tally.met, a_now.tally.assessed, a_now.tally.without_result) == (2, 3, 2)
    assert a_now.tally.share == Decimal("0.6667")
    assert a_now.tally.band == queries.BAND_MIDDLE
    assert (a_next.tally.met, a_next.tally.assessed) == (0, 1)
    assert a_next.tally.band == queries.BAND_LOW
    b_now, b_next = _row(heat, "bbb-bbb").cells
    assert (b_now.tally.met, b_now.tally.assessed, b_now.tally.band) == (1, 1, queries.BAND_HIGH)
    assert b_next.tally.total == 0 and b_next.tally.band == queries.BAND_NONE
    assert b_next.url == ""


def test_heat_map_by_type_and_channel(small_inventory, hidden_organization, viewer):
    heat = queries.heat_map(viewer, mode=queries.BY_TYPE, fiscal_year="2023-2024")
    codes = [c.code for c in heat.columns]
    a = _row(heat, "aaa-aaa").cells
    assert (a[codes.index("TML")].tally.met, a[codes.index("TML")].tally.assessed) == (2, 3)
    assert a[codes.index("ACS")].tally.total == 0
    heat = queries.heat_map(viewer, mode=queries.BY_CHANNEL, fiscal_year="2024-2025")
    codes = [c.code for c in heat.columns]
    a = _row(heat, "aaa-aaa").cells
    assert (a[codes.index("ONL")].tally.met, a[codes.index("ONL")].tally.assessed) == (0, 1)


def test_the_hidden_organization_shows_without_the_narrower_scope(small_inventory, viewer):
    heat = queries.heat_map(viewer)
    assert HIDDEN in [row.code for row in heat.rows]
    assert queries.panels(viewer, "2023-2024").standards.met == 4


def test_panels_by_hand(small_inventory, hidden_organization, viewer):
    panels = queries.panels(viewer, "2023-2024")
    assert panels.organizations == 2
    assert panels.services_total == 4  # A1, A2, A3, B1
    assert panels.services_in_scope == 3  # B1 is CLUSTER
    assert panels.services_with_standard == 2
    assert panels.services_with_standard_share == Decimal("0.6667")
    # Every standard: S1 Y, S2 N, S3 NA, S4 NA, S5 Y, B-S1 Y.
    standards = panels.standards
    assert (standards.total, standards.assessed, standards.met) == (6, 4, 3)
    assert standards.share == Decimal("0.75")
    # High-volume: A1 only (50,000 applications): S1 Y, S2 N, S3 and S4 without result.
    assert panels.high_volume_services == 1
    high = panels.high_volume_standards
    assert (high.total, high.assessed, high.met, high.share) == (4, 2, 1, Decimal("0.5"))
    decision = next(p for p in panels.points if p.field == "os_decision")
    assert (decision.yes, decision.no, decision.not_applicable, decision.other) == (1, 1, 1, 0)
    assert panels.services_with_points == 2  # A3 has every point NA
    assert panels.services_online_end_to_end == 1  # A2
    assert panels.online_end_to_end_share == Decimal("0.5")
    volumes = {c.field: (c.total, c.services_reporting) for c in panels.channels}
    assert volumes["num_applications_online"] == (3 * 340, 3)  # not the hidden 99,999
    assert volumes["num_applications_by_email"] == (3 * 25, 3)
    assert volumes["num_applications_by_phone"] == (0, 0)  # NA everywhere
    assert volumes["num_phone_enquiries"] == (3 * 120, 3)
    assert panels.applications_total == 3 * 365
    assert (panels.website_visits, panels.services_reporting_visits) == (1500, 2)


def test_heat_map_page_in_english(client, small_inventory, hidden_organization, viewer):
    client.force_login(viewer)
    page = text(client.get("/en/insight/heat-map/"))
    assert "Hidden Agency" not in page
    assert '<th scope="col">2023-2024</th>' in page
    assert '<th scope="row"><a href="/en/insight/organizations/aaa-aaa/">Agency A</a></th>' in page
    assert "2 of 3</a> (66.7%)" in page
    assert "1 of 1</a> (100%)" in page
    assert "no standard with results" in page
    for words in ("80% or more met", "50% to under 80% met", "under 50% met"):
        assert words in page
    assert "<caption>Standards met by organization and fiscal year</caption>" in page
    assert 'aria-hidden="true">◐</span>' in page


def test_heat_map_page_in_french(client, small_inventory, hidden_organization, viewer):
    client.force_login(viewer)
    page = text(client.get("/fr/insight/heat-map/?columns=types&fiscal_year=2023-2024"))
    assert "Agence A" in page and "Agence cachée" not in page
    assert "2 sur 3</a> (66,7\u00a0%)" in page
    assert "Délai" in page  # the standard type, in French
    assert "aucune norme avec des résultats" in page
    for words in ("80\u00a0% ou plus respectées", "de 50\u00a0% à moins de 80\u00a0% respectées"):
        assert words in page


def test_drill_down_organization_then_service(client, small_inventory, hidden_organization, viewer):
    client.force_login(viewer)
    page = text(client.get("/en/insight/organizations/aaa-aaa/"))
    a1 = small_inventory["a1"]
    assert f'href="/en/insight/services/{a1.pk}/"' in page
    assert "Service A one" in page
    assert "All services of the organization" in page
    assert "2 of 3" in page  # the organization's 2023-2024 total
    page = text(client.get(f"/en/insight/services/{a1.pk}/"))
    assert "90% against 80%" in page
    assert f'href="/en/inventory/services/{a1.pk}/"' in page
    assert "90% against 95%" in page  # 2024-2025
    assert "Target met: not applicable" in page  # S3 and S4
    french = text(client.get(f"/fr/insight/services/{a1.pk}/"))
    assert "90\u00a0% par rapport à 80\u00a0%" in french


def test_the_hidden_organization_pages_answer_404(
    client, small_inventory, hidden_organization, viewer
):
    client.force_login(viewer)
    assert client.get(f"/en/insight/organizations/{HIDDEN}/").status_code == 404
    z1 = small_inventory["z1"]
    # The service page goes through inventory.access (ServiceYear.objects.visible_to).
    assert client.get(f"/en/insight/services/{z1.pk}/").status_code == 404
    assert client.get("/en/insight/organizations/no-such-org/").status_code == 404


def test_panels_page(client, small_inventory, hidden_organization, viewer):
    client.force_login(viewer)
    page = text(client.get("/en/insight/panels/?fiscal_year=2023-2024"))
    assert "66.7% of the 3 services in scope have at least one standard." in page
    assert "75% of the 4 standards with a result met their target." in page
    assert "For the 1 high-volume service (45,000 applications or more), 50%" in page
    assert (
        "50% of the 2 services with an applicable interaction point are online end to end" in page
    )
    assert "The 2 in-scope services that report their website visits had 1,500 visits." in page
    assert "99,999" not in page
    french = text(client.get("/fr/insight/panels/?fiscal_year=2023-2024"))
    assert "66,7\u00a0% des 3 services visés ont au moins une norme." in french
    assert re.search(r"1\s500 visites", french)


def test_pages_refuse_readers_without_inventory_access(client, small_inventory, make_user):
    client.force_login(make_user(None, username="norole"))
    for url in (
        "/en/insight/heat-map/",
        "/en/insight/panels/",
        "/en/insight/organizations/aaa-aaa/",
    ):
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get("/en/insight/heat-map/").status_code == 302


def test_staff_menu_links_the_heat_map(client, viewer):
    client.force_login(viewer)
    assert 'href="/en/insight/heat-map/"' in client.get("/en/insight/panels/").content.decode()


def _more_organizations(make_service_year, start, count):
    for number in range(start, start + count):
        for year in ("2023-2024", "2024-2025"):
            record = make_service_year(
                owner_org=f"org-{number:03}", service_id=f"X{number}", fiscal_year=year
            )
            add_standard(record, "X", "0.8", "9", "10")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/en/insight/heat-map/",
        "/en/insight/heat-map/?columns=channels",
        "/en/insight/panels/",
        "/en/insight/organizations/org-001/",
    ],
)
def test_a_page_takes_the_same_number_of_queries_for_more_organizations(
    client, make_service_year, viewer, url
):
    client.force_login(viewer)
    client.get(url)  # the first request of a session also writes the session
    _more_organizations(make_service_year, 1, 3)
    few = _queries(client, url)
    _more_organizations(make_service_year, 4, 60)  # more than a page of rows
    assert _queries(client, url) == few
    assert few <= 12


def test_the_default_year_is_the_newest_with_a_standard_record(
    small_inventory, hidden_organization, viewer, make_service_year
):
    make_service_year(owner_org="aaa-aaa", service_id="A9", fiscal_year="2025-2026")
    assert queries.panels(viewer).fiscal_year == "2024-2025"
    assert queries.heat_map(viewer, mode=queries.BY_TYPE).fiscal_year == "2024-2025"
    assert queries.panels(viewer, "2025-2026").services_total == 1
