import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from comptoir.accounts.roles import Role, roles_of
from comptoir.inventory import demo_data
from comptoir.inventory.calendars import calendar_for
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    ServiceOwnership,
    ServiceYear,
    StandardYear,
    Unit,
)
from comptoir.inventory.models.organizations import Organization

pytestmark = pytest.mark.django_db


def _demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


ACCOUNTS = (
    "demo-admin",
    "demo-custodian",
    "demo-owner",
    "demo-viewer",
    "demo-officer",
    "demo-manager",
)


def _counts():
    from comptoir.casework.models import Case, CaseEvent
    from comptoir.clients.models import Client, ContactPoint
    from comptoir.inventory.models import ServiceStandard, UnitMembership
    from comptoir.search.models import SearchEntry

    models = (
        Organization,
        Unit,
        ServiceYear,
        StandardYear,
        ServiceOwnership,
        Finding,
        UnitMembership,
        Client,
        ContactPoint,
        Case,
        CaseEvent,
        SearchEntry,
    )
    return (
        *[model.objects.count() for model in models],
        ServiceYear.history.count(),
        ServiceStandard.history.count(),
    )


def test_the_demo_is_idempotent_and_prints_working_passwords():
    first = _demo()
    counts = _counts()
    assert counts[2] == 2 * len(demo_data.SERVICES) == 60
    output = _demo("--password", "a-long-demo-password")
    assert _counts() == counts
    assert "0 service records created now" in output
    assert "0 clients and 0 cases created now" in output
    for username in ACCOUNTS:
        assert username in first
        user = authenticate(username=username, password="a-long-demo-password")
        assert user is not None
    assert roles_of(authenticate(username="demo-owner", password="a-long-demo-password")) == {
        Role.SERVICE_OWNER
    }


def test_the_demo_data_is_valid_bilingual_and_calendared():
    _demo("--password", "a-long-demo-password")
    # Every record went through validation: no finding at all.
    assert not Finding.objects.exists()
    records = ServiceYear.objects.filter(fiscal_year__code="2025-2026")
    assert records.count() == 30
    assert all(r.service_name_fr and r.service_description_fr for r in records)
    assert (
        StandardYear.objects.filter(fiscal_year__code="2025-2026").exclude(performance="").count()
    )
    assert FiscalYear.objects.get(code="2024-2025").is_approved
    assert not FiscalYear.objects.get(code="2025-2026").is_approved
    zones = {}
    for unit in Unit.objects.all():
        calendar = calendar_for(unit)
        zones[unit.code] = calendar.tz
    assert zones["st-johns"] == "America/St_Johns"
    assert zones["london"] == "Europe/London"
    london = calendar_for(Unit.objects.get(code="london"))
    assert london.closures and london.closures[0].reason.startswith("Office relocation")
    assert records.filter(is_priority=True, priority_assessment__is_priority_service=True).exists()
    assert records.filter(service_test__is_service=True).count() == 30


def test_the_demo_federal_offices_observe_the_federal_workplace_holidays():
    from datetime import date

    from comptoir.core.businesstime import is_business_day

    _demo("--password", "a-long-demo-password")
    remembrance_day = date(2025, 11, 11)  # a Tuesday; not a public holiday of Ontario
    for code in ("ottawa-contact-centre", "montreal", "vancouver", "st-johns"):
        unit = Unit.objects.get(code=code)
        assert unit.holiday_categories == "public,government"
        assert not is_business_day(calendar_for(unit), remembrance_day), code
    london = Unit.objects.get(code="london")
    assert london.holiday_categories == "public"
    assert is_business_day(calendar_for(london), remembrance_day)
    # A demo made before this change is brought up to date when the demo runs again.
    Unit.objects.filter(code="montreal").update(holiday_categories="public")
    _demo("--password", "a-long-demo-password")
    assert Unit.objects.get(code="montreal").holiday_categories == "public,government"
    err = io.StringIO()
    call_command("check", "--database", "default", stdout=io.StringIO(), stderr=err)
    assert "inventory.W001" not in err.getvalue()


def test_the_demo_has_casework_accounts_units_rules_clients_and_cases():
    from comptoir.casework.models import Case
    from comptoir.clients.models import Client
    from comptoir.core.casework import Status
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard, UnitMembership
    from comptoir.search.models import EntryKind, SearchEntry

    output = _demo("--password", "a-long-demo-password")
    assert "300 clients and 3000 cases created now" in output
    officer = authenticate(username="demo-officer", password="a-long-demo-password")
    manager = authenticate(username="demo-manager", password="a-long-demo-password")
    assert roles_of(officer) == {Role.CLIENT_SERVICE_OFFICER}
    assert roles_of(manager) == {Role.UNIT_MANAGER}
    assert set(
        UnitMembership.objects.filter(user=officer, is_active=True).values_list(
            "unit__code", "is_manager"
        )
    ) == {("ottawa-contact-centre", False), ("montreal", False)}
    assert UnitMembership.objects.filter(user=manager, is_manager=True).count() == 5
    ruled = ServiceStandard.objects.filter(rule__isnull=False)
    assert ruled.count() >= len(demo_data.RULED_STANDARDS)
    for standard in ruled:
        rule = StandardRule.from_dict(standard.rule)
        assert rule.pause_start == ("awaiting_client",)
        assert rule.pause_end == ("resumed",)
        assert (rule.start, rule.stop) == ("received", "resolved")
    assert Client.objects.count() == 300
    assert Case.objects.count() == 3000
    assert SearchEntry.objects.filter(kind=EntryKind.CASE).count() == 3000
    # The queues have something to show: open cases, some of them the officer's.
    assert Case.objects.exclude(status=Status.RESOLVED.value).exists()
    assert Case.objects.filter(owner=officer).exists()
    assert Case.objects.filter(is_anonymous=True).exists()
    assert Case.objects.filter(is_confidential=True).exists()
