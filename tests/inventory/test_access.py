import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from comptoir.accounts.roles import Role
from comptoir.inventory.access import (
    access_service_year,
    access_service_year_for_edit,
    editable_service_years_for,
)
from comptoir.inventory.models import ServiceOwnership

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
    assert list(editable_service_years_for(owner)) == [mine]


def test_an_inactive_ownership_gives_no_edit_right(make_user, make_service_year):
    owner = make_user(Role.SERVICE_OWNER)
    record = make_service_year(service_id="103")
    ServiceOwnership.objects.create(service=record.service, user=owner, is_active=False)
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(owner, record.pk)


def test_a_custodian_may_edit_every_service(make_user, make_service_year):
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    record = make_service_year(service_id="104")
    assert access_service_year_for_edit(custodian, record.pk) == record


def test_a_viewer_may_see_but_not_edit(make_user, make_service_year):
    viewer = make_user(Role.VIEWER)
    record = make_service_year(service_id="105")
    assert access_service_year(viewer, record.pk) == record
    with pytest.raises(PermissionDenied):
        access_service_year_for_edit(viewer, record.pk)
    assert not editable_service_years_for(viewer).exists()


def test_someone_without_a_role_cannot_tell_whether_a_record_exists(make_user, make_service_year):
    nobody = make_user(None)
    record = make_service_year(service_id="106")
    with pytest.raises(Http404):
        access_service_year(nobody, record.pk)
    with pytest.raises(Http404):
        access_service_year(nobody, record.pk + 1000)
