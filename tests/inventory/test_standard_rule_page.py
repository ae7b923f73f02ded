"""The machine rule of a service standard on the staff service page and its own page."""

from __future__ import annotations

import re

import pytest

from comptoir.accounts.roles import Role
from comptoir.core.standards import CalendarScope, StandardRule
from comptoir.inventory import actions
from comptoir.inventory.models import ServiceOwnership, ServiceStandard
from tests.inventory.test_views import PROGRAM, VALID_STANDARD_CELLS


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


@pytest.fixture
def record(make_service_year, custodian):
    service_year = make_service_year(service_id="S-100", owner_org="test-essai", **PROGRAM)
    actions.do_create_standard_year(service_year, "STD-1", VALID_STANDARD_CELLS, actor=custodian)
    return service_year


@pytest.fixture
def standard(record):
    return ServiceStandard.objects.get(service=record.service, service_standard_id="STD-1")


GOOD = {
    "amount": "5",
    "unit": "business_days",
    "start": "received",
    "stop": "resolved",
    "pause": "awaiting_client",
    "calendar": "receiving_unit",
    "target": "0.9",
}


def url(standard, language: str = "en") -> str:
    return f"/{language}/inventory/standards/{standard.pk}/rule/"


def test_a_custodian_sets_the_rule_and_the_service_page_says_it_in_words(
    client, custodian, record, standard
) -> None:
    client.force_login(custodian)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "No rule: cases are not measured against this standard." in page
    assert f'href="{url(standard)}"' in page
    form = body(client.get(url(standard)))
    for name in GOOD:  # every field has its label
        field_id = re.search(
            rf'<(?:input|select)[^>]*name="{name}"[^>]*id="([^"]+)"', form
        ) or re.search(rf'<(?:input|select)[^>]*id="([^"]+)"[^>]*name="{name}"', form)
        assert field_id, name
        assert f'for="{field_id.group(1)}"' in form, name
    response = client.post(url(standard), GOOD)
    assert response.status_code == 302
    standard.refresh_from_db()
    rule = StandardRule.from_dict(standard.rule)
    assert rule.pause_end == ("resumed",)
    assert standard.history.first().history_user == custodian
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert (
        "Within 5 business days from receipt until resolution, paused while awaiting the client; "
        "entry unit&#x27;s calendar. Target: 90% of cases."
    ) in page
    assert "Change the rule of standard STD-1" in page


def test_in_french(client, custodian, record, standard) -> None:
    client.force_login(custodian)
    response = client.post(
        url(standard, "fr"),
        {**GOOD, "calendar": "current_unit", "stop": "acknowledged", "pause": "", "target": ""},
    )
    assert response.status_code == 302
    assert (
        StandardRule.from_dict(ServiceStandard.objects.get(pk=standard.pk).rule).calendar.scope
        is CalendarScope.CURRENT_UNIT
    )
    page = body(client.get(f"/fr/inventory/services/{record.pk}/"))
    assert (
        "Dans un délai de 5 jours ouvrables à compter de la réception jusqu’à l’accusé de "
        "réception; calendrier de l’unité qui détient le dossier à chaque moment."
    ) in page
    form = body(client.get(url(standard, "fr")))
    assert "Règle machine de la norme STD-1" in form


@pytest.mark.parametrize("language", ["en", "fr"])
def test_errors_in_the_page_language_with_a_summary_and_nothing_saved(
    client, custodian, standard, language
) -> None:
    client.force_login(custodian)
    response = client.post(url(standard, language), {**GOOD, "start": "resolved"})
    assert response.status_code == 400
    page = body(response)
    assert 'id="error-summary"' in page
    expected = {
        "en": "The clock cannot start and stop on the same event.",
        "fr": "Le chronomètre ne peut pas commencer et s’arrêter au même événement.",
    }[language]
    assert expected in page
    response = client.post(url(standard, language), {**GOOD, "target": "2"})
    assert response.status_code == 400
    standard.refresh_from_db()
    assert standard.rule is None


def test_remove_the_rule(client, custodian, standard) -> None:
    client.force_login(custodian)
    client.post(url(standard), GOOD)
    assert "Remove the rule" in body(client.get(url(standard)))
    response = client.post(url(standard), {"clear": "1"})
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.rule is None


def test_who_may_set_a_rule(client, make_user, record, standard) -> None:
    viewer = make_user(Role.VIEWER)
    client.force_login(viewer)
    assert client.get(url(standard)).status_code == 403
    assert client.post(url(standard), GOOD).status_code == 403
    assert f'href="{url(standard)}"' not in body(client.get(f"/en/inventory/services/{record.pk}/"))
    owner = make_user(Role.SERVICE_OWNER)
    client.force_login(owner)
    assert client.get(url(standard)).status_code == 403
    ServiceOwnership.objects.create(service=record.service, user=owner)
    assert client.get(url(standard)).status_code == 200
    other_custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("abc-def",))
    client.force_login(other_custodian)
    assert client.get(url(standard)).status_code == 403
    client.force_login(make_user(None))
    assert client.get(url(standard)).status_code == 404
    client.logout()
    assert client.get(url(standard)).status_code == 302


def test_the_action_refuses_a_rule_for_another_standard(custodian, standard) -> None:
    from comptoir.core.businesstime import Within
    from comptoir.inventory.errors import InventoryError

    with pytest.raises(InventoryError, match="nothing was changed"):
        actions.do_set_standard_rule(
            standard, StandardRule("OTHER", Within.parse("2 business days")), actor=custodian
        )
    standard.refresh_from_db()
    assert standard.rule is None


def test_the_page_sets_a_rule_for_complaints_only(client, custodian, standard) -> None:
    client.force_login(custodian)
    response = client.post(
        url(standard, "fr"), {**GOOD, "stop": "acknowledged", "case_kinds": ["complaint"]}
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    rule = StandardRule.from_dict(standard.rule)
    assert rule.applies_to.case_kinds == frozenset({"complaint"})
    form = body(client.get(url(standard, "fr")))
    ticked = re.findall(r'<input type="checkbox" name="case_kinds" value="(\w+)"[^>]*checked', form)
    assert ticked == ["complaint"]
