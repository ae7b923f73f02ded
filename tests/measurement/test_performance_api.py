"""``POST /api/performance/outside-counts/``: outside counts recorded all or nothing, only for
the standards the caller may edit, with the refusals in the caller's language."""

from __future__ import annotations

import pytest

from comptoir.accounts.roles import Role
from comptoir.measurement.models import OutsideCount
from tests.api.conftest import call, make_token
from tests.measurement.perf_builders import add_standard, ten_days

__all__ = ["call", "make_token"]

pytestmark = pytest.mark.django_db
URL = "/api/performance/outside-counts/"


@pytest.fixture
def calls_standard(service):
    return add_standard(service, ten_days("CALLS"))


def body(*counts):
    return {"counts": [dict(count) for count in counts]}


GOOD = {
    "service_id": "1234",
    "standard_id": "CALLS",
    "period_start": "2025-04-01",
    "period_end": "2025-06-30",
    "volume_meeting": 90,
    "total_volume": 100,
    "source": "IVR",
}


def test_a_custodian_records_counts(calls_standard, make_user, make_token, call):
    custodian = make_user(Role.INVENTORY_CUSTODIAN)
    token = make_token(custodian, scope="read_write")
    response = call("post", URL, token=token, json=body(GOOD))
    assert response.status_code == 201, response.content
    assert response.json() == {"recorded": 1}
    count = OutsideCount.objects.get()
    assert (count.volume_meeting, count.total_volume, count.recorded_by) == (90, 100, custodian)


def test_a_bad_count_refuses_all_of_them_in_french(calls_standard, make_user, make_token, call):
    token = make_token(make_user(Role.INVENTORY_CUSTODIAN), scope="read_write")
    bad = {**GOOD, "period_start": "2025-07-01", "volume_meeting": 120}
    response = call("post", URL, token=token, json=body(GOOD, bad), ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["counts"] == [
        "Ligne 2 : la période se termine avant de commencer.",
        "Ligne 2 : le volume conforme à la norme dépasse le volume total.",
    ]
    assert OutsideCount.objects.count() == 0


def test_a_viewer_may_not_record_and_another_organizations_standard_is_unknown(
    calls_standard, make_user, make_token, call
):
    viewer = make_token(make_user(Role.VIEWER), scope="read_write")
    assert call("post", URL, token=viewer, json=body(GOOD)).status_code == 403
    stranger = make_token(
        make_user(Role.INVENTORY_CUSTODIAN, organizations=("other-autre",)), scope="read_write"
    )
    from comptoir.inventory.models import Organization, Service

    other = Organization.objects.get(owner_org="other-autre")
    add_standard(Service.objects.create(organization=other, service_id="9"), ten_days("X"))
    response = call("post", URL, token=stranger, json=body(GOOD))
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["counts"] == [
        "Row 1: the service 1234 has no standard CALLS."
    ]
    assert OutsideCount.objects.count() == 0
