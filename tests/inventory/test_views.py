"""Inventory pages through the Django test client: permissions, both languages, filters,
pagination, query counts, and edits that refuse bad input without changing anything."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    PriorityAssessment,
    ServiceOwnership,
    ServiceTestAssessment,
    ServiceYear,
    StandardYear,
)

pytestmark = pytest.mark.django_db

#: The shared baseline has no program; the data dictionary requires one.
PROGRAM = {
    "program_id": "TRD01",
    "program_name_en": "Trade statistics",
    "program_name_fr": "Statistiques commerciales",
}

VALID_STANDARD_CELLS = {
    "service_standard_en": "We answer data requests within 10 business days.",
    "service_standard_fr": "Nous répondons aux demandes de données en 10 jours ouvrables.",
    "type": "TML",
    "channel": "EML",
    "target": "0.8",
    "volume_meeting_target": "90",
    "total_volume": "100",
    "standards_targets_uri_en": "https://example.gc.ca/en/standards",
    "standards_targets_uri_fr": "https://example.gc.ca/fr/normes",
}


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def viewer(make_user):
    return make_user(Role.VIEWER, username="viewer")


@pytest.fixture
def record(make_service_year, custodian):
    service_year = make_service_year(service_id="S-100", owner_org="test-essai", **PROGRAM)
    actions.do_create_standard_year(service_year, "STD-1", VALID_STANDARD_CELLS, actor=custodian)
    return service_year


def add_standards(service_year, count, actor):
    for number in range(count):
        actions.do_create_standard_year(
            service_year, f"STD-X{number}", VALID_STANDARD_CELLS, actor=actor
        )


def body(response) -> str:
    return response.content.decode()


def query_count(client, url: str) -> int:
    """The queries of a GET of ``url`` once the session is warm (the first page a session sees
    also stores its CSRF secret in the session: one write more)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/en/inventory/services/", "/en/inventory/findings/", "/en/inventory/dashboard/"],
)
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.parametrize(
    "url", ["/fr/inventory/services/", "/fr/inventory/findings/", "/fr/inventory/dashboard/"]
)
def test_staff_without_a_role_are_refused(client, make_user, url):
    client.force_login(make_user(None))
    assert client.get(url).status_code == 403


def test_a_service_page_is_404_for_staff_without_a_role(client, make_user, record):
    client.force_login(make_user(None))
    assert client.get(f"/en/inventory/services/{record.pk}/").status_code == 404


def test_an_unknown_service_is_404(client, viewer, record):
    client.force_login(viewer)
    assert client.get(f"/en/inventory/services/{record.pk + 999}/").status_code == 404


def test_a_viewer_reads_but_cannot_edit(client, viewer, record):
    client.force_login(viewer)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "Trade data requests" in page
    assert "Edit this record" not in page
    assert client.get(f"/en/inventory/services/{record.pk}/edit/").status_code == 403
    response = client.post(
        f"/en/inventory/services/{record.pk}/edit/", {"service_name_en": "Hijacked"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.service_name_en == "Trade data requests"


def test_a_service_owner_edits_only_their_services(client, make_user, make_service_year, record):
    owner = make_user(Role.SERVICE_OWNER)
    other = make_service_year(service_id="S-200")
    ServiceOwnership.objects.create(service=record.service, user=owner)
    client.force_login(owner)
    assert client.get(f"/en/inventory/services/{record.pk}/edit/").status_code == 200
    assert client.get(f"/en/inventory/services/{other.pk}/edit/").status_code == 403
    assert "Edit this record" in body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "Edit this record" not in body(client.get(f"/en/inventory/services/{other.pk}/"))


# --- Browsing: both languages, filters, search, pagination -----------------------------------


def test_the_list_shows_each_service_in_the_page_language(client, viewer, record):
    client.force_login(viewer)
    english = body(client.get("/en/inventory/services/"))
    french = body(client.get("/fr/inventory/services/"))
    assert "Trade data requests" in english
    assert "Demandes de données commerciales" in french
    assert 'lang="fr"' in french
    # The language toggle points at the same page, query string included.
    toggled = body(client.get("/en/inventory/services/?q=trade"))
    assert 'lang-href="/fr/inventory/services/?q=trade"' in toggled


@pytest.fixture
def catalogue(make_service_year):
    """Services that differ by one attribute each, to check every filter."""
    make_service_year(service_id="A-1", service_name_en="Fishing licences", service_type="APIR")
    make_service_year(
        service_id="A-2",
        service_name_en="Export permits",
        service_name_fr="Licences d'exportation",
        service_scope="ENTERPRISE",
    )
    make_service_year(service_id="A-3", service_name_en="Harbour berths", is_priority=True)
    make_service_year(service_id="A-4", service_name_en="Grants to ports", is_essential=True)
    make_service_year(service_id="B-1", owner_org="other-autre", service_name_en="Weather alerts")
    make_service_year(
        service_id="A-1", fiscal_year="2023-2024", service_name_en="Fishing licences (old)"
    )


def listed_ids(client, query: str) -> list[str]:
    page = body(client.get(f"/en/inventory/services/?{query}"))
    return re.findall(r"<tr>\s*<td>([A-Z]-[0-9]+)</td>", page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A-1", "A-2", "A-3", "A-4", "B-1"]),
        ("fiscal_year=2023-2024", ["A-1"]),
        ("organization=other-autre", ["B-1"]),
        ("service_type=APIR", ["A-1"]),
        ("service_scope=ENTERPRISE", ["A-2"]),
        ("designation=priority", ["A-3"]),
        ("designation=essential", ["A-4"]),
        ("q=exportation", ["A-2"]),
        ("q=a-3", ["A-3"]),
        ("q=harbour", ["A-3"]),
        ("q=tabulations", ["A-1", "A-2", "A-3", "A-4", "B-1"]),
        ("q=nothing+like+this", []),
    ],
)
def test_filters_and_search(client, viewer, catalogue, query, expected):
    client.force_login(viewer)
    assert sorted(listed_ids(client, query)) == expected


def test_a_bad_filter_value_lists_nothing_and_says_why(client, viewer, catalogue):
    client.force_login(viewer)
    response = client.get("/en/inventory/services/?service_type=NOPE")
    assert response.status_code == 200
    assert "error-summary" in body(response)
    assert listed_ids(client, "service_type=NOPE") == []


def test_the_list_is_paginated_with_a_constant_number_of_queries(client, viewer, make_service_year):
    client.force_login(viewer)
    for number in range(3):
        make_service_year(service_id=f"P-{number:02d}")
    few = query_count(client, "/en/inventory/services/")
    for number in range(3, 30):
        make_service_year(service_id=f"P-{number:02d}")
    many = query_count(client, "/en/inventory/services/")
    assert many == few
    first = listed_ids(client, "")
    second = listed_ids(client, "page=2")
    assert len(first) == 25
    assert second == [f"P-{n:02d}" for n in range(25, 30)]
    assert 'aria-current="page"' in body(client.get("/en/inventory/services/?page=2"))


def test_the_service_page_needs_the_same_queries_for_one_or_many_standards(
    client, viewer, custodian, record
):
    client.force_login(viewer)
    url = f"/en/inventory/services/{record.pk}/"
    one = query_count(client, url)
    add_standards(record, 8, custodian)
    many = query_count(client, url)
    assert many == one
    assert body(client.get(url)).count("STD-X") >= 8


# --- The service page ------------------------------------------------------------------------


def test_the_service_page_shows_standards_findings_and_history(client, custodian, record):
    client.force_login(custodian)
    actions.do_update_service_year(record, {"service_name_en": "Trade data"}, actor=custodian)
    # A warning-level rule broken on purpose: feedback channels without ONL while online
    # feedback is Y.
    actions.do_update_service_year(record, {"client_feedback_channel": "EML"}, actor=custodian)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "STD-1" in page
    assert "90%" in page  # performance computed from 90 of 100
    assert "Online feedback inconsistent" in page
    assert "Trade data requests" in page and "Trade data" in page  # before and after
    french = body(client.get(f"/fr/inventory/services/{record.pk}/"))
    assert "90\u00a0%" in french


# --- Editing: the import's validation, nothing changed on error -------------------------------


def test_an_edit_is_saved_and_recorded_in_the_history(client, custodian, record):
    client.force_login(custodian)
    form = client.get(f"/en/inventory/services/{record.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data["service_name_fr"] = "Demandes de données"
    data["service_type"] = ["INFO", "APIR"]
    response = client.post(f"/en/inventory/services/{record.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.service_name_fr == "Demandes de données"
    assert record.service_type == "INFO,APIR"
    latest = record.history.first()
    assert latest.history_user == custodian


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_edit_that_breaks_a_rule_changes_nothing_and_shows_the_error(
    client, custodian, record, lang
):
    client.force_login(custodian)
    form = client.get(f"/{lang}/inventory/services/{record.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data["service_name_en"] = "Renamed"
    data["num_applications_online"] = "lots"
    history_before = record.history.count()
    response = client.post(f"/{lang}/inventory/services/{record.pk}/edit/", data)
    assert response.status_code == 400
    page = body(response)
    assert 'id="error-summary"' in page
    assert 'href="#id_num_applications_online"' in page
    assert 'aria-invalid="true"' in page
    assert "lots" in page
    record.refresh_from_db()
    assert record.service_name_en == "Trade data requests"
    assert record.num_applications_online == "340"
    assert record.history.count() == history_before


def test_a_standard_edit_recomputes_performance_and_refuses_a_bad_target(client, custodian, record):
    client.force_login(custodian)
    standard = StandardYear.objects.get(service_year=record)
    url = f"/en/inventory/standards/{standard.pk}/edit/"
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v}
    response = client.post(url, data | {"target": "2"})
    assert response.status_code == 400
    assert 'href="#id_target"' in body(response)
    standard.refresh_from_db()
    assert standard.target == "0.8"
    response = client.post(url, data | {"volume_meeting_target": "70"})
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.volume_meeting_target == "70"
    assert standard.target_met == "N"


# --- The Guideline's tools -------------------------------------------------------------------


def test_the_service_test_tool_records_eight_answers(client, custodian, record):
    client.force_login(custodian)
    url = f"/en/inventory/services/{record.pk}/service-test/"
    page = body(client.get(url))
    assert page.count('type="radio"') == 16
    names = list(ServiceTestAssessment().answers())
    incomplete = dict.fromkeys(names[:7], "yes")
    response = client.post(url, incomplete)
    assert response.status_code == 400
    assert not ServiceTestAssessment.objects.exists()
    answers = dict.fromkeys(names, "yes") | {"is_independent": "no"}
    answers["is_independent_analysis"] = "Depends on the permit service."
    assert client.post(url, answers).status_code == 302
    assessment = ServiceTestAssessment.objects.get(service_year=record)
    assert assessment.is_service is False
    assert assessment.is_independent_analysis == "Depends on the permit service."


def test_the_priority_tool_designates_a_priority_service(client, custodian, record):
    client.force_login(custodian)
    url = f"/fr/inventory/services/{record.pk}/priority-assessment/"
    ratings = dict.fromkeys(PriorityAssessment().ratings(), "low") | {"volume": "high"}
    assert client.post(url, ratings).status_code == 302
    record.refresh_from_db()
    assert record.is_priority is True
    assert PriorityAssessment.objects.get(service_year=record).is_priority_service


# --- Approval --------------------------------------------------------------------------------


def test_only_a_custodian_approves_and_approval_freezes_the_year(
    client, custodian, viewer, make_user, record
):
    url = "/en/inventory/fiscal-years/test-essai/2024-2025/approve/"
    owner = make_user(Role.SERVICE_OWNER)
    for person in (viewer, owner):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(custodian)
    assert "Approve and freeze" in body(client.get(url))
    response = client.post(url, {})
    assert response.status_code == 400
    assert not FiscalYear.objects.get(code="2024-2025").is_approved
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert FiscalYear.objects.get(code="2024-2025").is_approved
    # Frozen: the edit form refuses with a clear message and changes nothing.
    edit = f"/en/inventory/services/{record.pk}/edit/"
    data = {k: v for k, v in client.get(edit).context["form"].initial.items() if v}
    response = client.post(edit, data | {"service_name_en": "Too late"})
    assert response.status_code == 400
    assert "approved" in body(response)
    record.refresh_from_db()
    assert record.service_name_en == "Trade data requests"


# --- Findings --------------------------------------------------------------------------------


def test_findings_can_be_filtered_by_rule_and_severity(client, custodian, viewer, record):
    actions.do_update_service_year(record, {"client_feedback_channel": "EML"}, actor=custodian)
    assert Finding.objects.open().filter(rule="feedback_online_mismatch").exists()
    client.force_login(viewer)
    message = "should include ONL exactly when online issue resolution"
    page = body(client.get("/en/inventory/findings/?rule=feedback_online_mismatch"))
    assert message in page
    assert "S-100" in page
    assert message not in body(client.get("/en/inventory/findings/?severity=error"))
    assert message not in body(client.get("/en/inventory/findings/?rule=too_long"))


# --- Public pages ------------------------------------------------------------------------------


def test_the_public_page_shows_only_approved_years_in_both_languages(
    client, custodian, record, make_service_year
):
    make_service_year(service_id="S-300", fiscal_year="2025-2026", service_name_en="Unapproved")
    url = "/en/organizations/test-essai/service-standards/"
    assert client.get(url).status_code == 404  # no approved year: the organization is not public
    actions.do_approve_fiscal_year(
        FiscalYear.objects.get(code="2024-2025", organization__owner_org="test-essai"),
        actor=custodian,
    )
    english = body(client.get(url))
    assert "We answer data requests within 10 business days." in english
    assert "80%" in english and "90%" in english
    assert "Unapproved" not in english
    french = body(client.get("/fr/organizations/test-essai/service-standards/"))
    assert "Nous répondons aux demandes de données en 10 jours ouvrables." in french
    assert "Demandes de données commerciales" in french
    assert client.get("/en/organizations/nobody/service-standards/").status_code == 404
    assert client.get(f"{url}?fiscal_year=2025-2026").status_code == 404  # not approved: not public
    home = body(client.get("/en/"))
    assert "/en/organizations/test-essai/service-standards/" in home


def test_public_and_home_pages_need_no_sign_in(client):
    for url in ("/en/", "/fr/", "/en/organizations/", "/fr/organizations/"):
        assert client.get(url).status_code == 200


def test_the_staff_home_page_counts_the_inventory(client, viewer, record):
    client.force_login(viewer)
    page = body(client.get("/fr/"))
    assert "/fr/inventory/services/" in page
    assert "Signed in as viewer" in body(client.get("/en/"))


# --- Models stay untouched by reads ------------------------------------------------------------


def test_browsing_changes_nothing(client, viewer, record):
    client.force_login(viewer)
    before = list(ServiceYear.objects.values())
    client.get("/en/inventory/services/?q=trade&page=99")
    client.get(f"/fr/inventory/services/{record.pk}/")
    assert list(ServiceYear.objects.values()) == before


# --- Dashboard and import ----------------------------------------------------------------------


def test_the_dashboard_shows_the_figures_of_the_indicators_query(client, viewer, record):
    from comptoir.inventory.queries import indicators_for

    client.force_login(viewer)
    figures = indicators_for("2024-2025")
    page = body(client.get("/en/inventory/dashboard/?fiscal_year=2024-2025"))
    rows = dict(re.findall(r"<code>(\w+)</code></td><td class=\"number\">([^<]*)</td>", page))
    assert rows["services_total"] == str(figures.services_total) == "1"
    assert rows["standards_total"] == str(figures.standards_total) == "1"
    assert rows["standards_met_share"].startswith(str(figures.standards_met_share))
    assert rows["transactions_total"] == f"{figures.transactions_total:,}"
    french = body(client.get("/fr/inventory/dashboard/?organization=test-essai"))
    rows = dict(re.findall(r"<code>(\w+)</code></td><td class=\"number\">([^<]*)</td>", french))
    assert rows["services_total"] == str(indicators_for("2024-2025", "test-essai").services_total)
    assert "\u00a0%" in rows["standards_met_share"]  # French percentage
    assert rows["organizations"] == "1"
    # Every indicator is named in French, not only the figures formatted.
    assert "Proportion des normes respectées" in french
    assert "Share of standards met" not in french


def _csv(resource, rows) -> bytes:
    from io import BytesIO

    from comptoir.core.opendata.csvio import write_rows

    out = BytesIO()
    write_rows(resource, rows, out)
    return out.getvalue()


def test_a_custodian_imports_files_and_a_strict_import_with_errors_changes_nothing(
    client, custodian, viewer, record
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptoir.core.opendata.schema import Resource

    service_row = record.official_row() | {"service_id": "S-900", "service_name_en": "Imported"}
    standard = StandardYear.objects.get(service_year=record)
    standard_row = standard.official_row() | {
        "service_id": "S-900",
        "service_standard_id": "STD-900",
    }

    def upload(service_row, *, strict):
        return {
            "services": SimpleUploadedFile("service.csv", _csv(Resource.SERVICE, [service_row])),
            "standards": SimpleUploadedFile(
                "service-std.csv", _csv(Resource.STANDARD, [standard_row])
            ),
            **({"strict": "on"} if strict else {}),
        }

    client.force_login(viewer)
    assert client.get("/en/inventory/import/").status_code == 403
    client.force_login(custodian)
    bad = service_row | {"num_applications_online": "lots"}
    response = client.post("/en/inventory/import/", upload(bad, strict=True))
    assert response.status_code == 400
    assert "nothing was imported" in body(response)
    assert "Not a whole number" in body(response)  # the rule, listed with its row
    assert not ServiceYear.objects.filter(service__service_id="S-900").exists()
    lenient = service_row | {"client_feedback_channel": "EML"}  # a warning only
    response = client.post("/en/inventory/import/", upload(lenient, strict=False))
    assert response.status_code == 200
    assert "recorded as a finding" in body(response)
    assert "Online feedback inconsistent" in body(response)
    assert ServiceYear.objects.get(service__service_id="S-900").service_name_en == "Imported"


def write_urls(record) -> list[str]:
    standard = StandardYear.objects.get(service_year=record)
    return [
        f"/en/inventory/services/{record.pk}/edit/",
        f"/en/inventory/standards/{standard.pk}/edit/",
        f"/en/inventory/services/{record.pk}/service-test/",
        f"/en/inventory/services/{record.pk}/priority-assessment/",
        "/en/inventory/fiscal-years/test-essai/2024-2025/approve/",
        "/en/inventory/import/",
    ]


def test_every_write_page_refuses_a_viewer_and_asks_anonymous_visitors_to_sign_in(
    client, viewer, record
):
    for url in write_urls(record):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]
    client.force_login(viewer)
    for url in write_urls(record):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert not ServiceTestAssessment.objects.exists()
    assert not FiscalYear.objects.get(code="2024-2025").is_approved


def test_unknown_records_are_404_for_a_custodian(client, custodian, record):
    client.force_login(custodian)
    for url in (
        f"/en/inventory/services/{record.pk + 99}/edit/",
        "/en/inventory/standards/999999/edit/",
        f"/en/inventory/services/{record.pk + 99}/service-test/",
        "/en/inventory/fiscal-years/test-essai/1999-2000/approve/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_approved_year_offers_no_edit_and_the_tools_refuse(client, custodian, record):
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    client.force_login(custodian)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "Edit this record" not in page
    assert "approved on" in page
    answers = dict.fromkeys(ServiceTestAssessment().answers(), "yes")
    response = client.post(f"/en/inventory/services/{record.pk}/service-test/", answers)
    assert response.status_code == 400
    assert not ServiceTestAssessment.objects.exists()


def test_a_save_with_a_warning_says_it_was_recorded_as_a_finding(client, custodian, record):
    client.force_login(custodian)
    url = f"/en/inventory/services/{record.pk}/edit/"
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v}
    response = client.post(url, data | {"client_feedback_channel": ["EML"]}, follow=True)
    page = body(response)
    assert "1 warning was recorded as a data-quality finding" in page
    assert "Online feedback inconsistent" in page
    record.refresh_from_db()
    assert record.client_feedback_channel == "EML"


def test_findings_and_public_pages_need_the_same_queries_for_few_or_many_rows(
    client, custodian, viewer, record, make_service_year
):
    def add_services(first, last):
        for number in range(first, last):
            other = make_service_year(service_id=f"Q-{number:02d}", **PROGRAM)
            actions.do_create_standard_year(other, "STD-1", VALID_STANDARD_CELLS, actor=custodian)
            actions.do_update_service_year(
                other, {"client_feedback_channel": "EML"}, actor=custodian
            )

    add_services(0, 2)
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    client.force_login(viewer)
    urls = ["/en/inventory/findings/", "/en/organizations/test-essai/service-standards/"]
    few = [query_count(client, url) for url in urls]
    year = record.fiscal_year
    FiscalYear.objects.filter(pk=year.pk).update(approved_at=None, approved_by=None)
    add_services(2, 12)
    actions.do_approve_fiscal_year(year, actor=custodian)
    many = [query_count(client, url) for url in urls]
    assert many == few
    assert body(client.get(urls[1])).count("We answer data requests") == 13


def test_error_pages_keep_the_page_frame_in_both_languages(client, viewer, record):
    response = client.get("/fr/inventory/services/999999/")
    assert response.status_code == 302  # anonymous: sign in first
    client.force_login(viewer)
    response = client.get("/fr/inventory/services/999999/")
    assert response.status_code == 404
    assert 'lang="fr"' in body(response) and "<gcds-header" in body(response)
    response = client.get(f"/en/inventory/services/{record.pk}/edit/")
    assert response.status_code == 403
    assert "You may not change this service." in body(response)
    assert "<gcds-footer" in body(response)
