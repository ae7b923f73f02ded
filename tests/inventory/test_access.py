"""Who may see and change what: the querysets' ``visible_to`` / ``editable_by`` and the
``access_*`` functions built on them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from comptoir.accounts.roles import Role
from comptoir.inventory.access import (
    access_fiscal_year_for_approval,
    access_service_year,
    access_service_year_for_edit,
    access_service_year_for_owners,
    access_standard_year_for_edit,
)
from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    OrganizationMembership,
    ServiceOwnership,
    ServiceStandard,
    ServiceYear,
    StandardYear,
)

pytestmark = pytest.mark.django_db


def test_a_service_owner_may_edit_only_the_services_assigned_to_them(make_user, make_service_year):
    owner = make_user(Role.SERVICE_OWNER)
    mine = make_service_year(service_id="101")
    theirs = make_service_year(service_id="102")
    ServiceOwnership.objects.create(service=mine.service, user=owner)

    assert access_service_year_for_edit(owner, mine.pk) == mine
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(owner, theirs.pk)
    # They may still see it.
    assert access_service_year(owner, theirs.pk) == theirs
    assert list(ServiceYear.objects.editable_by(owner)) == [mine]


def test_an_inactive_ownership_gives_no_edit_right(make_user, make_service_year):
    owner = make_user(Role.SERVICE_OWNER)
    record = make_service_year(service_id="103")
    ServiceOwnership.objects.create(service=record.service, user=owner, is_active=False)
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(owner, record.pk)


def test_a_custodian_may_edit_every_service_of_their_organization(make_user, make_service_year):
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("test-essai",))
    record = make_service_year(service_id="104")
    assert access_service_year_for_edit(custodian, record.pk) == record


def test_a_custodian_may_not_change_another_organizations_inventory(make_user, make_service_year):
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("test-essai",))
    other = make_service_year(owner_org="autre-other", service_id="1")
    StandardYear.objects.create(
        standard=ServiceStandard.objects.create(service=other.service, service_standard_id="9"),
        service_year=other,
        fiscal_year=other.fiscal_year,
    )
    Finding.objects.create(
        resource="service", fiscal_year=other.fiscal_year, service_year=other, rule="x"
    )
    # They see it (the inventory is not confidential) but change nothing of it.
    assert access_service_year(custodian, other.pk) == other
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(custodian, other.pk)
    with pytest.raises(PermissionDenied):
        access_standard_year_for_edit(custodian, other.standard_years.get().pk)
    with pytest.raises(PermissionDenied):
        access_fiscal_year_for_approval(custodian, "autre-other", other.fiscal_year.code)
    with pytest.raises(PermissionDenied):
        access_service_year_for_owners(custodian, other.pk)
    assert not Finding.objects.resolvable_by(custodian).exists()
    assert not FiscalYear.objects.approvable_by(custodian).filter(pk=other.fiscal_year_id).exists()


def test_a_central_agency_custodian_holds_many_organizations(make_user, make_service_year):
    first = make_service_year(owner_org="aaa-bbb", service_id="1")
    second = make_service_year(owner_org="ccc-ddd", service_id="1")
    third = make_service_year(owner_org="eee-fff", service_id="1")
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("aaa-bbb", "ccc-ddd"))
    assert set(ServiceYear.objects.editable_by(custodian)) == {first, second}
    assert set(FiscalYear.objects.approvable_by(custodian)) == {
        first.fiscal_year,
        second.fiscal_year,
    }
    # A membership switched off takes the organization away at once.
    OrganizationMembership.objects.filter(user=custodian, organization__owner_org="ccc-ddd").update(
        is_active=False
    )
    assert set(ServiceYear.objects.editable_by(custodian)) == {first}
    assert third not in ServiceYear.objects.editable_by(custodian)


def test_an_administrator_acts_for_every_organization(make_user, make_service_year):
    admin = make_user(Role.ADMINISTRATOR)
    records = {make_service_year(owner_org=org, service_id="1") for org in ("a-b", "c-d")}
    assert set(ServiceYear.objects.editable_by(admin)) == records
    assert len(FiscalYear.objects.approvable_by(admin)) == 2


def test_a_custodian_who_also_owns_a_service_elsewhere_may_edit_it(make_user, make_service_year):
    custodian = make_user(Role.INVENTORY_CUSTODIAN, organizations=("test-essai",))
    elsewhere = make_service_year(owner_org="autre-other", service_id="7")
    make_service_year(owner_org="autre-other", service_id="8")
    ServiceOwnership.objects.create(service=elsewhere.service, user=custodian)
    editable = ServiceYear.objects.editable_by(custodian)
    assert list(editable.filter(fiscal_year__organization__owner_org="autre-other")) == [elsewhere]
    # The OR of the two scopes repeats no row.
    assert editable.count() == len(set(editable))


def test_a_viewer_may_see_but_not_edit(make_user, make_service_year):
    viewer = make_user(Role.VIEWER)
    record = make_service_year(service_id="105")
    assert access_service_year(viewer, record.pk) == record
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(viewer, record.pk)
    assert not ServiceYear.objects.editable_by(viewer).exists()


def test_someone_without_a_role_cannot_tell_whether_a_record_exists(make_user, make_service_year):
    nobody = make_user(None)
    record = make_service_year(service_id="106")
    with pytest.raises(Http404):
        access_service_year(nobody, record.pk)
    with pytest.raises(Http404):
        access_service_year(nobody, record.pk + 1000)
    assert not ServiceYear.objects.visible_to(nobody).exists()
