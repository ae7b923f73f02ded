"""Editing, approval, the Guideline's tools and the audit history, through the actions."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from comptoir.accounts.roles import Role
from comptoir.core.businesstime import BusinessTimeError
from comptoir.inventory.actions import (
    do_approve_fiscal_year,
    do_assign_service_owner,
    do_create_service_year,
    do_create_standard_year,
    do_record_priority_assessment,
    do_record_service_test,
    do_unassign_service_owner,
    do_update_service_year,
)
from comptoir.inventory.calendars import calendar_for
from comptoir.inventory.errors import FiscalYearApprovedError, InventoryError, RecordRefusedError
from comptoir.inventory.models import (
    Finding,
    Organization,
    PriorityRating,
    ServiceOwnership,
    ServiceYear,
    Unit,
    UnitClosure,
    UnitHoliday,
)
from comptoir.inventory.models.assessments import PRIORITY_CONSIDERATIONS, SERVICE_TEST_QUESTIONS
from comptoir.inventory.queries import service_year_history
from tests.conftest import VALID_SERVICE_CELLS

pytestmark = pytest.mark.django_db


@pytest.fixture
def custodian(make_user):
    return make_user(Role.INVENTORY_CUSTODIAN, username="custodian")


def test_an_edit_with_an_error_is_refused_and_changes_nothing(make_service_year, custodian):
    record = make_service_year()
    with pytest.raises(RecordRefusedError) as raised:
        do_update_service_year(
            record, {"service_fee": "MAYBE", "service_name_en": "Renamed"}, actor=custodian
        )
    assert [(v.field, v.rule.value) for v in raised.value.violations] == [
        ("service_fee", "not_a_choice")
    ]
    record.refresh_from_db()
    assert (record.service_fee, record.service_name_en) == ("Y", "Trade data requests")
    assert record.history.count() == 1


def test_an_edit_with_warnings_is_saved_and_its_findings_replace_the_open_ones(
    make_service_year, custodian
):
    record = make_service_year()
    result = do_update_service_year(
        record, {"cra_bn_identifier_usage": "NA", "is_priority": True}, actor=custodian
    )
    assert [v.rule.value for v in result.warnings] == ["cra_bn_usage_mismatch"]
    assert list(record.findings.open().values_list("rule", flat=True)) == ["cra_bn_usage_mismatch"]
    do_update_service_year(record, {"cra_bn_identifier_usage": "Y"}, actor=custodian)
    assert not record.findings.open().exists()
    # The edit superseded the finding: the system closed it, not the person who edited.
    closed = record.findings.get(is_resolved=True)
    assert closed.is_superseded
    assert closed.resolved_by is None
    assert closed.superseded_by is None


def test_guideline_fields_can_be_set_on_a_record_imported_with_errors(make_service_year, custodian):
    record = make_service_year(sin_usage="X")
    Finding.objects.create(
        resource="service",
        service_year=record,
        fiscal_year=record.fiscal_year,
        row=2,
        field="sin_usage",
        rule="not_a_choice",
        severity="error",
    )
    Finding.objects.create(
        resource="service",
        service_year=record,
        fiscal_year=record.fiscal_year,
        row=3,
        field="service_id",
        rule="duplicate_service",
        severity="error",
    )
    do_update_service_year(record, {"is_essential": True, "authority": "An Act"}, actor=custodian)
    record.refresh_from_db()
    assert (record.is_essential, record.authority, record.sin_usage) == (True, "An Act", "X")
    assert record.findings.open().count() == 2
    # Changing a cell validates the row: the error must be corrected.
    with pytest.raises(RecordRefusedError):
        do_update_service_year(record, {"service_name_en": "New"}, actor=custodian)
    do_update_service_year(record, {"sin_usage": "N"}, actor=custodian)
    # The row-level finding is resolved; the one about another row stays open.
    assert list(record.findings.open().values_list("rule", flat=True)) == ["duplicate_service"]


def test_the_responsible_unit_must_be_of_the_same_organization(make_service_year, custodian):
    record = make_service_year()
    other = Organization.objects.create(owner_org="other-autre", title_en="O", title_fr="A")
    unit = Unit.objects.create(
        organization=other, code="x", name_en="X", name_fr="X", kind=Unit.Kind.DIVISION
    )
    with pytest.raises(InventoryError, match="service's organization"):
        do_update_service_year(record, {"responsible_unit": unit}, actor=custodian)


def test_the_history_shows_who_changed_which_field_from_what_to_what(make_service_year, custodian):
    record = make_service_year()
    do_update_service_year(record, {"service_name_en": "Trade data"}, actor=custodian)
    history = service_year_history(record)
    latest = history[0]
    assert latest.user == custodian
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("service_name_en", "Trade data requests", "Trade data")
    ]
    assert history[-1].kind == "+"


def test_approval_freezes_the_year(make_service_year, custodian):
    record = make_service_year()
    fiscal_year = do_approve_fiscal_year(record.fiscal_year, actor=custodian)
    assert fiscal_year.approved_by == custodian
    with pytest.raises(FiscalYearApprovedError, match="approved"):
        do_update_service_year(record, {"service_name_en": "Later"}, actor=custodian)
    answers = {name: True for name, _q in SERVICE_TEST_QUESTIONS}
    with pytest.raises(FiscalYearApprovedError):
        do_record_service_test(record, answers, actor=custodian)
    with pytest.raises(FiscalYearApprovedError):
        do_create_standard_year(record, "S1", {}, actor=custodian)
    with pytest.raises(InventoryError, match="already approved"):
        do_approve_fiscal_year(fiscal_year, actor=custodian)
    record.refresh_from_db()
    assert record.service_name_en == "Trade data requests"


def test_the_service_test_derives_whether_the_activity_is_a_service(make_service_year, custodian):
    record = make_service_year()
    answers = {name: True for name, _q in SERVICE_TEST_QUESTIONS}
    assert do_record_service_test(record, answers, actor=custodian).is_service
    answers["is_independent"] = False
    assessment = do_record_service_test(
        record, answers, {"is_independent": "Depends on the licence service."}, actor=custodian
    )
    assert not assessment.is_service
    assert assessment.is_independent_analysis == "Depends on the licence service."
    assert assessment.history.count() == 2
    with pytest.raises(InventoryError, match="has_final_output"):
        do_record_service_test(record, {"is_independent": True}, actor=custodian)


@pytest.mark.parametrize(
    ("ratings", "is_priority"),
    [
        ({"volume": PriorityRating.HIGH}, True),
        (
            {
                "mandate": PriorityRating.MEDIUM,
                "volume": PriorityRating.MEDIUM,
                "authentication": PriorityRating.MEDIUM,
            },
            True,
        ),
        ({"mandate": PriorityRating.MEDIUM, "volume": PriorityRating.MEDIUM}, False),
        ({}, False),
    ],
)
def test_the_priority_assessment_derives_and_sets_the_designation(
    make_service_year, custodian, ratings, is_priority
):
    record = make_service_year()
    all_ratings = {name: PriorityRating.LOW for name, _label in PRIORITY_CONSIDERATIONS}
    all_ratings.update(ratings)
    assessment = do_record_priority_assessment(record, all_ratings, actor=custodian)
    assert assessment.is_priority_service is is_priority
    record.refresh_from_db()
    assert record.is_priority is is_priority


def test_create_service_and_standard_records_validate_like_the_import(custodian):
    organization = Organization.objects.create(
        owner_org="demo-demo", title_en="Demo", title_fr="Démo"
    )
    result = do_create_service_year(
        organization, "D-1", "2025-2026", VALID_SERVICE_CELLS, actor=custodian
    )
    record = result.record
    assert record.programs.get().code == "BTS01"
    standard = do_create_standard_year(
        record,
        "D-1-S1",
        {
            "service_standard_en": "Answer within 5 days",
            "service_standard_fr": "Réponse en 5 jours",
            "type": "TML",
            "channel": "ONL",
            "target": "0.9",
            "volume_meeting_target": "95",
            "total_volume": "100",
            "standards_targets_uri_en": "https://example.gc.ca/en",
            "standards_targets_uri_fr": "https://example.gc.ca/fr",
        },
        actor=custodian,
    ).record
    assert (standard.performance, standard.target_met) == ("0.95", "Y")
    with pytest.raises(InventoryError, match="already has a record"):
        do_create_service_year(
            organization, "D-1", "2025-2026", VALID_SERVICE_CELLS, actor=custodian
        )
    with pytest.raises(RecordRefusedError):
        do_create_service_year(
            organization,
            "D-2",
            "2025-2026",
            {**VALID_SERVICE_CELLS, "sin_usage": "?"},
            actor=custodian,
        )
    assert ServiceYear.objects.count() == 1
    assert not Finding.objects.filter(severity="error").exists()


def test_ownership_is_assigned_and_ended_without_deleting(make_service_year, make_user, custodian):
    owner = make_user(Role.SERVICE_OWNER)
    record = make_service_year()
    do_assign_service_owner(record.service, owner, actor=custodian)
    do_unassign_service_owner(record.service, owner, actor=custodian)
    ownership = ServiceOwnership.objects.get()
    assert not ownership.is_active
    do_assign_service_owner(record.service, owner, actor=custodian)
    ownership.refresh_from_db()
    assert ownership.is_active
    assert ownership.history.count() == 3


def test_a_unit_calendar_carries_its_time_zone_holidays_overrides_and_closures():
    organization = Organization.objects.create(owner_org="cal-cal", title_en="C", title_fr="C")
    unit = Unit.objects.create(
        organization=organization,
        code="montreal",
        name_en="Montréal office",
        name_fr="Bureau de Montréal",
        kind=Unit.Kind.REGIONAL_OFFICE,
        time_zone="America/Toronto",
        business_hours="08:30-12:00,13:00-16:30",
        holiday_jurisdiction="CA-QC",
    )
    UnitHoliday.objects.create(unit=unit, day=date(2025, 12, 24), name_en="Eve")
    UnitClosure.objects.create(
        unit=unit,
        starts_at=datetime(2025, 2, 3, 13, 0, tzinfo=UTC),
        ends_at=datetime(2025, 2, 3, 21, 0, tzinfo=UTC),
        reason_en="Snow storm",
        reason_fr="Tempête de neige",
    )
    calendar = calendar_for(unit, language="fr")
    assert calendar.tz == "America/Toronto"
    holidays = calendar.holidays_for_year(2025)
    # Saint-Jean-Baptiste is a Quebec holiday; the extra day off is there too.
    assert date(2025, 6, 24) in holidays
    assert date(2025, 12, 24) in holidays
    assert [c.reason for c in calendar.closures] == ["Tempête de neige"]
    unit.business_hours = "nine to five"
    with pytest.raises(BusinessTimeError):
        calendar_for(unit)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "America/Atlantis"),
        ("business_hours", "nine to five"),
        ("holiday_jurisdiction", "CA-ZZ"),
        ("holiday_categories", "imaginary"),
    ],
)
def test_a_unit_with_bad_calendar_settings_does_not_validate(field, value):
    organization = Organization.objects.create(owner_org="cal-cal", title_en="C", title_fr="C")
    unit = Unit(
        organization=organization, code="u", name_en="U", name_fr="U", kind=Unit.Kind.DIVISION
    )
    unit.full_clean()
    setattr(unit, field, value)
    with pytest.raises(ValidationError) as raised:
        unit.full_clean()
    assert list(raised.value.message_dict) == [field]


def test_administrators_manage_units_in_the_admin_site(client, make_user):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    organization = Organization.objects.create(owner_org="cal-cal", title_en="C", title_fr="C")
    unit = Unit.objects.create(
        organization=organization, code="u", name_en="U", name_fr="U", kind=Unit.Kind.DIVISION
    )
    assert client.get(f"/en/admin/inventory/unit/{unit.pk}/change/").status_code == 200
    assert client.get(f"/en/admin/inventory/unit/{unit.pk}/history/").status_code == 200
