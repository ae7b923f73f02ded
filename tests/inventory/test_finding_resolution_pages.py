"""Resolving data-quality findings from the findings list and the service page, through the
Django test client: who may, both languages, resolved findings kept and filtered, and bad input
that changes nothing."""

from __future__ import annotations

import pytest

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.models import Finding
from tests.inventory.conftest import body
from tests.inventory.test_views import PROGRAM

pytestmark = pytest.mark.django_db

MISMATCH = "should include ONL exactly when online issue resolution"


@pytest.fixture
def finding(record, custodian):
    """A warning-level finding on the service record (feedback channels without ONL)."""
    actions.do_update_service_year(record, {"client_feedback_channel": "EML"}, actor=custodian)
    return Finding.objects.open().get(service_year=record, rule="feedback_online_mismatch")


# --- Resolving findings ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_custodian_resolves_a_finding_from_the_service_page(
    client, custodian, record, finding, lang
):
    client.force_login(custodian)
    service_page = f"/{lang}/inventory/services/{record.pk}/"
    page = body(client.get(service_page))
    resolve = f"/{lang}/inventory/findings/{finding.pk}/resolve/"
    assert f'href="{resolve}?next=' in page
    form = client.get(f"{resolve}?next={service_page}")
    assert form.status_code == 200
    assert f'name="next" value="{service_page}"' in body(form)
    response = client.post(
        resolve,
        {"reason": "  Confirmed with the program:\n no online feedback. ", "next": service_page},
    )
    assert response.status_code == 302 and response["Location"] == service_page
    finding.refresh_from_db()
    assert finding.is_resolved and finding.resolved_by == custodian
    assert finding.resolved_at is not None
    assert finding.resolution_note == "Confirmed with the program: no online feedback."
    assert Finding.objects.filter(pk=finding.pk).exists()  # kept
    page = body(client.get(service_page))
    assert MISMATCH not in page  # hidden from the open findings
    expected = {"en": "The finding is marked resolved.", "fr": 'lang="fr"'}[lang]
    assert expected in page


def test_the_findings_list_hides_resolved_findings_unless_asked(
    client, custodian, record, finding, make_user
):
    actions.do_resolve_finding(finding, actor=custodian, reason="Accepted as published")
    client.force_login(make_user(Role.VIEWER))
    assert MISMATCH not in body(client.get("/en/inventory/findings/"))
    assert MISMATCH not in body(client.get("/en/inventory/findings/?rule=feedback_online_mismatch"))
    resolved = body(client.get("/en/inventory/findings/?status=resolved"))
    assert MISMATCH in resolved
    assert "by custodian: Accepted as published" in resolved
    assert MISMATCH in body(client.get("/en/inventory/findings/?status=all"))
    french = body(client.get("/fr/inventory/findings/?status=resolved"))
    assert "Accepted as published" in french
    # A viewer is offered no resolution.
    assert "/resolve/" not in resolved
    assert client.get("/en/inventory/findings/?status=closed").status_code == 200
    assert MISMATCH not in body(client.get("/en/inventory/findings/?status=closed"))


def test_the_findings_list_offers_resolution_to_those_allowed(
    client, custodian, owner, record, finding, make_service_year
):
    other = make_service_year(service_id="S-200", **PROGRAM)
    actions.do_update_service_year(other, {"client_feedback_channel": "EML"}, actor=custodian)
    other_finding = Finding.objects.open().get(service_year=other)
    actions.do_assign_service_owner(record.service, owner, actor=custodian)
    client.force_login(custodian)
    page = body(client.get("/en/inventory/findings/"))
    assert f"/findings/{finding.pk}/resolve/" in page
    assert f"/findings/{other_finding.pk}/resolve/" in page
    client.force_login(owner)
    page = body(client.get("/en/inventory/findings/"))
    assert f"/findings/{finding.pk}/resolve/" in page
    assert f"/findings/{other_finding.pk}/resolve/" not in page
    # The owner resolves their own; another service's is refused and unchanged.
    response = client.post(
        f"/en/inventory/findings/{finding.pk}/resolve/",
        {"reason": "Fixed at source", "next": "/en/inventory/findings/"},
    )
    assert response.status_code == 302 and response["Location"] == "/en/inventory/findings/"
    response = client.post(
        f"/en/inventory/findings/{other_finding.pk}/resolve/", {"reason": "Not mine"}
    )
    assert response.status_code == 403
    other_finding.refresh_from_db()
    assert not other_finding.is_resolved


def test_a_resolution_without_a_reason_or_too_long_changes_nothing(client, custodian, finding):
    client.force_login(custodian)
    url = f"/fr/inventory/findings/{finding.pk}/resolve/"
    for reason in ("", "   ", "x" * 201):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 400
        assert 'id="error-summary"' in body(response)
    finding.refresh_from_db()
    assert not finding.is_resolved and finding.resolution_note == ""


def test_an_outside_next_address_is_not_followed(client, custodian, record, finding):
    client.force_login(custodian)
    response = client.post(
        f"/en/inventory/findings/{finding.pk}/resolve/",
        {"reason": "Checked", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/inventory/services/{record.pk}/#findings"


def test_findings_of_an_approved_year_cannot_be_resolved(client, custodian, record, finding):
    actions.do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    client.force_login(custodian)
    assert "/resolve/" not in body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "/resolve/" not in body(client.get("/en/inventory/findings/"))
    response = client.post(f"/en/inventory/findings/{finding.pk}/resolve/", {"reason": "Late"})
    assert response.status_code == 400
    finding.refresh_from_db()
    assert not finding.is_resolved


def test_viewers_and_anonymous_visitors_cannot_resolve(client, make_user, finding):
    url = f"/en/inventory/findings/{finding.pk}/resolve/"
    response = client.post(url, {"reason": "Sneaky"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user(Role.VIEWER))
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Sneaky"}).status_code == 403
    client.force_login(make_user(None))
    assert client.post(url, {"reason": "Sneaky"}).status_code == 404
    assert client.post(f"/en/inventory/findings/{finding.pk + 999}/resolve/").status_code == 404
    finding.refresh_from_db()
    assert not finding.is_resolved


def test_resolving_twice_keeps_the_first_resolution(client, custodian, make_user, finding):
    actions.do_resolve_finding(finding, actor=custodian, reason="First look")
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = f"/en/inventory/findings/{finding.pk}/resolve/"
    page = body(client.get(url))
    assert "by custodian: First look" in page and 'name="reason"' not in page
    assert client.post(url, {"reason": "Second look"}).status_code == 400
    finding.refresh_from_db()
    assert finding.resolution_note == "First look" and finding.resolved_by == custodian
