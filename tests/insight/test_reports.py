"""The reports (issue 14, item 6) on the year of cases of ``test_dashboard.py`` (worked out by
hand there): a unit's report as a page and as a tagged PDF in the unit's language, the
data-quality report and the data-gap report."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest

from comptoir.casework import actions
from comptoir.casework.models import Case
from comptoir.core.performance.scenarios import Scenario
from comptoir.insight import dashboard, reports
from tests.casework.conftest import make_case, make_member, make_unit, organization, service
from tests.insight.test_dashboard import NOW, manager, unit, year
from tests.measurement.perf_builders import et

__all__ = [
    "make_case",
    "make_member",
    "make_unit",
    "manager",
    "organization",
    "service",
    "unit",
    "year",
]

pytestmark = pytest.mark.django_db


def _inflated(pdf: bytes) -> bytes:
    """The PDF with each Flate stream inflated (object streams hold the catalogue)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_a_unit_report_for_the_year_and_for_a_quarter(
    year: dict[str, Any], manager: Any, unit: Any
) -> None:
    report = reports.unit_report(manager, unit, dashboard.Filters("2025-2026"), now=NOW)
    assert (report.received, report.resolved) == (7, 7)
    assert report.board.standards[0].total == 7
    second = reports.unit_report(manager, unit, dashboard.Filters("2025-2026", quarter=2), now=NOW)
    (s10,) = second.board.standards
    assert (s10.meeting, s10.total) == (1, 2)  # July missed, August met
    assert s10.scenario is Scenario.FALLING_SHORT
    assert (second.received, second.resolved) == (2, 2)
    assert second.period_words == "Quarter 2 of fiscal year 2025-2026"


def test_the_pdf_is_tagged_and_in_the_unit_s_language(
    client: Any, year: dict[str, Any], manager: Any, unit: Any
) -> None:
    unit.language = "fr"
    unit.save(update_fields=["language"])
    client.force_login(manager)
    response = client.get(f"/en/insight/reports/units/{unit.pk}/pdf/?fiscal_year=2025-2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="front-2025-2026-fr.pdf"'
    body = _inflated(response.content)
    assert response.content.startswith(b"%PDF-")
    assert b"/StructTreeRoot" in body and b"/MarkInfo" in body
    assert b"/Lang (fr)" in body
    english = client.get(
        f"/fr/insight/reports/units/{unit.pk}/pdf/?fiscal_year=2025-2026&language=en"
    )
    assert b"/Lang (en)" in _inflated(english.content)


def test_a_pdf_with_filters_it_cannot_read_is_a_400(client: Any, manager: Any, unit: Any) -> None:
    client.force_login(manager)
    response = client.get(f"/en/insight/reports/units/{unit.pk}/pdf/?fiscal_year=1900-1901")
    assert response.status_code == 400
    assert client.get("/en/insight/reports/units/999999/pdf/").status_code == 404


def test_the_data_quality_checks(year: dict[str, Any], manager: Any) -> None:
    backdated = Case.objects.filter(received_at=et(2025, 5, 1)).order_by("pk").first()
    assert backdated is not None
    actions.do_add_note(backdated, "Called on the 3rd", actor=manager, at=et(2025, 5, 3))
    report = reports.data_quality(manager, dashboard.Filters("2025-2026"))
    found = {check.key: (check.found, check.among) for check in report.checks}
    # Every case of the fixture is anonymous, has no request type, and its service ("1234")
    # has no record in the inventory for 2025-2026; one has a note dated before the resolution
    # recorded ahead of it.
    assert found == {
        "anonymous": (7, 7),
        "empty": (7, 7),
        "outside_inventory": (7, 7),
        "out_of_order": (1, 7),
    }
    out_of_order = next(check for check in report.checks if check.key == "out_of_order")
    assert out_of_order.examples == [backdated]


def test_the_data_gap_report(year: dict[str, Any], manager: Any) -> None:
    report = reports.data_gaps(manager, dashboard.Filters("2025-2026"))
    assert (report.total, report.resolved) == (1, 7)
    (row,) = report.rows
    assert (row.service_id, row.category, row.requests) == (
        "1234",
        "The data are not collected",
        1,
    )
    assert report.share_words == "14.3 %"


@pytest.mark.parametrize(
    ("path", "english", "french"),
    [
        ("", "Reports", "Rapports"),
        ("data-quality/", "Data-quality report", "Rapport sur la qualité des données"),
        ("data-gaps/", "Data-gap report", "Rapport sur les lacunes dans les données"),
    ],
)
def test_the_report_pages_in_both_languages(
    client: Any, year: dict[str, Any], manager: Any, path: str, english: str, french: str
) -> None:
    client.force_login(manager)
    for language, heading in (("en", english), ("fr", french)):
        response = client.get(f"/{language}/insight/reports/{path}?fiscal_year=2025-2026")
        assert response.status_code == 200
        assert heading in response.content.decode()


def test_the_unit_page_links_its_pdf(
    client: Any, year: dict[str, Any], manager: Any, unit: Any
) -> None:
    client.force_login(manager)
    page = client.get(f"/en/insight/reports/units/{unit.pk}/?fiscal_year=2025-2026")
    assert page.status_code == 200
    assert (
        f"/en/insight/reports/units/{unit.pk}/pdf/?fiscal_year=2025-2026" in page.content.decode()
    )
