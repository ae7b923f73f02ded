"""A federal organization's units observe the federal workplace's holidays (``government``).

Remembrance Day, Wednesday 11 November 2026, is not a public holiday of Ontario: only the
``government`` category of the ``holidays`` package makes it a day off.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from comptoir.accounts.roles import Role
from comptoir.core.businesstime import Within, due_at, is_business_day
from comptoir.inventory.calendars import calendar_for
from comptoir.inventory.models import Organization, Unit

pytestmark = pytest.mark.django_db

REMEMBRANCE_DAY = date(2026, 11, 11)
TORONTO = ZoneInfo("America/Toronto")


def make_unit(organization: Organization, code: str = "office", **fields: object) -> Unit:
    unit = Unit(
        organization=organization,
        code=code,
        name_en=code,
        name_fr=code,
        kind=Unit.Kind.REGIONAL_OFFICE,
        holiday_jurisdiction=str(fields.pop("holiday_jurisdiction", "CA-ON")),
        **fields,
    )
    unit.full_clean()
    unit.save()
    return unit


@pytest.fixture
def federal() -> Organization:
    return Organization.objects.create(owner_org="fed-fed", title_en="F", title_fr="F")


def test_an_organization_is_federal_by_default(federal: Organization) -> None:
    assert federal.is_federal


def test_a_federal_unit_observes_remembrance_day_and_thanksgiving(federal: Organization) -> None:
    unit = make_unit(federal)
    assert unit.holiday_categories == "public,government"
    calendar = calendar_for(unit)
    assert not is_business_day(calendar, REMEMBRANCE_DAY)
    assert not is_business_day(calendar, date(2026, 10, 12))  # Thanksgiving
    # Received Tuesday 10 November: day 1 is Thursday 12, not Wednesday 11.
    received = datetime(2026, 11, 10, 10, 0, tzinfo=TORONTO)
    assert due_at(calendar, received, Within.parse("1 business day")) == datetime(
        2026, 11, 12, 16, 30, tzinfo=TORONTO
    )


def test_a_unit_created_without_categories_gets_the_federal_default(federal: Organization) -> None:
    unit = Unit.objects.create(
        organization=federal, code="raw", name_en="R", name_fr="R", kind=Unit.Kind.DIVISION
    )
    assert unit.holiday_categories == ""  # not validated: the default applies when computing
    assert not is_business_day(calendar_for(unit), REMEMBRANCE_DAY)


def test_a_unit_that_names_its_categories_keeps_them(federal: Organization) -> None:
    unit = make_unit(federal, holiday_categories="public")
    assert unit.holiday_categories == "public"
    assert is_business_day(calendar_for(unit), REMEMBRANCE_DAY)


def test_a_provincial_organization_observes_the_public_holidays_only() -> None:
    provincial = Organization.objects.create(
        owner_org="prov-prov", title_en="P", title_fr="P", is_federal=False
    )
    unit = make_unit(provincial)
    assert unit.holiday_categories == "public"
    assert is_business_day(calendar_for(unit), REMEMBRANCE_DAY)


def test_a_federal_office_abroad_observes_its_host_country(federal: Organization) -> None:
    # The United Kingdom has no "government" category in the holidays package.
    unit = make_unit(federal, code="london", holiday_jurisdiction="GB-ENG")
    assert unit.holiday_categories == "public"
    assert not is_business_day(calendar_for(unit), date(2026, 8, 31))  # Summer Bank Holiday


def test_the_admin_offers_the_federal_categories_for_a_new_unit(
    client: Any, make_user: Any, federal: Organization
) -> None:
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/en/admin/inventory/unit/add/")
    assert page.status_code == 200
    field = re.search(r'<input[^>]*name="holiday_categories"[^>]*>', page.content.decode())
    assert field is not None
    assert 'value="public,government"' in field.group(0)
    provincial = Organization.objects.create(
        owner_org="prov-prov", title_en="P", title_fr="P", is_federal=False
    )
    page = client.get(f"/en/admin/inventory/unit/add/?organization={provincial.pk}")
    field = re.search(r'<input[^>]*name="holiday_categories"[^>]*>', page.content.decode())
    assert field is not None
    assert 'value="public"' in field.group(0)


def check_output() -> str:
    err = io.StringIO()
    call_command("check", "--database", "default", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_the_system_check_warns_of_a_federal_unit_without_government(
    federal: Organization,
) -> None:
    make_unit(federal, code="good")
    make_unit(federal, code="abroad", holiday_jurisdiction="GB-ENG", holiday_categories="public")
    make_unit(federal, code="closed", holiday_categories="public", is_active=False)
    provincial = Organization.objects.create(
        owner_org="prov-prov", title_en="P", title_fr="P", is_federal=False
    )
    make_unit(provincial, code="provincial", holiday_categories="public")
    assert "inventory.W001" not in check_output()

    make_unit(federal, code="missing", holiday_categories="public,optional")
    output = check_output()
    assert output.count("inventory.W001") == 1
    assert (
        "The unit “missing” of the federal organization fed-fed does not observe the holidays "
        "of the federal workplace: its holiday categories are “public,optional”, without "
        "“government”." in output
    )
    assert "Add “government” to its holiday categories" in output
