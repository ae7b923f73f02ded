"""Assigning service owners from the service page, through the Django test client: who may,
both languages, history, and bad input that changes nothing."""

from __future__ import annotations

import pytest

from comptoir.accounts.roles import Role
from comptoir.inventory import actions
from comptoir.inventory.models import ServiceOwnership
from tests.inventory.conftest import body

pytestmark = pytest.mark.django_db


def assign_url(record) -> str:
    return f"/en/inventory/services/{record.pk}/owners/assign/"


def unassign_url(record) -> str:
    return f"/en/inventory/services/{record.pk}/owners/unassign/"


def active_owners(record) -> set[str]:
    return set(
        ServiceOwnership.objects.filter(service=record.service, is_active=True).values_list(
            "user__username", flat=True
        )
    )


# --- Service owners -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_custodian_assigns_and_removes_an_owner(client, custodian, owner, record, lang):
    client.force_login(custodian)
    page = body(client.get(f"/{lang}/inventory/services/{record.pk}/"))
    assert 'id="owners"' in page
    assert f'<option value="{owner.pk}">Olivia Roy (olivia)</option>' in page
    response = client.post(
        f"/{lang}/inventory/services/{record.pk}/owners/assign/", {"assign-user": owner.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/inventory/services/{record.pk}/#owners"
    assert active_owners(record) == {"olivia"}
    page = body(client.get(response["Location"]))
    expected = {
        "en": "Olivia Roy (olivia) is now an owner of service S-100.",
        "fr": "Olivia Roy (olivia)",
    }[lang]
    assert expected in page
    # The owner is listed with a removal button, and no longer offered.
    assert f'name="user" value="{owner.pk}"' in page
    assert f'<option value="{owner.pk}">' not in page
    # The owner may now edit the service.
    client.force_login(owner)
    assert client.get(f"/{lang}/inventory/services/{record.pk}/edit/").status_code == 200
    client.force_login(custodian)
    response = client.post(
        f"/{lang}/inventory/services/{record.pk}/owners/unassign/", {"user": owner.pk}
    )
    assert response.status_code == 302
    assert active_owners(record) == set()
    # Ended, not deleted; both changes in the history with who made them.
    ownership = ServiceOwnership.objects.get(service=record.service, user=owner)
    assert ownership.is_active is False
    history = list(ownership.history.order_by("history_date"))
    assert [entry.is_active for entry in history] == [True, False]
    assert {entry.history_user for entry in history} == {custodian}
    # The confirmation is in the language of the request that made the change.
    page = body(client.get(f"/{lang}/inventory/services/{record.pk}/"))
    removed, assigned, no_longer = {
        "en": (
            "custodian removed olivia.",
            "custodian assigned olivia.",
            "is no longer an owner of service S-100",
        ),
        "fr": (
            "custodian a retiré olivia.",
            "custodian a désigné olivia.",
            "plus responsable du service S-100",
        ),
    }[lang]
    assert no_longer in page
    assert removed in page and assigned in page
    client.force_login(owner)
    assert client.get(f"/{lang}/inventory/services/{record.pk}/edit/").status_code == 403


def test_only_staff_with_the_service_owner_role_can_be_assigned(
    client, custodian, make_user, record
):
    viewer = make_user(Role.VIEWER, username="vera")
    inactive = make_user(Role.SERVICE_OWNER, username="gone", is_active=False)
    client.force_login(custodian)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert f'<option value="{viewer.pk}">' not in page
    assert f'<option value="{inactive.pk}">' not in page
    for bad in (viewer.pk, inactive.pk, 999_999, "abc", ""):
        response = client.post(assign_url(record), {"assign-user": bad})
        assert response.status_code == 400
        assert 'id="error-summary"' in body(response)
    response = client.post(f"/fr/inventory/services/{record.pk}/owners/assign/", {})
    assert response.status_code == 400 and 'lang="fr"' in body(response)
    assert not ServiceOwnership.objects.exists()


def test_assigning_an_owner_twice_or_removing_a_non_owner_changes_nothing(
    client, custodian, owner, make_user, record
):
    other = make_user(Role.SERVICE_OWNER, username="other")
    actions.do_assign_service_owner(record.service, owner, actor=custodian)
    client.force_login(custodian)
    response = client.post(assign_url(record), {"assign-user": owner.pk})
    assert response.status_code == 400
    assert "is not an owner yet" in body(response)
    response = client.post(unassign_url(record), {"user": other.pk})
    assert response.status_code == 400
    assert "This staff member is not an owner of the service." in body(response)
    assert active_owners(record) == {"olivia"}
    assert ServiceOwnership.objects.count() == 1
    assert ServiceOwnership.history.count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SERVICE_OWNER])
def test_viewers_and_owners_see_the_owners_but_cannot_change_them(
    client, custodian, owner, make_user, record, role
):
    actions.do_assign_service_owner(record.service, owner, actor=custodian)
    candidate = make_user(Role.SERVICE_OWNER, username="candidate")
    # A service owner may not manage owners even of a service they own.
    user = owner if role == Role.SERVICE_OWNER else make_user(role)
    client.force_login(user)
    page = body(client.get(f"/en/inventory/services/{record.pk}/"))
    assert "Olivia Roy (olivia)" in page
    assert "owners/assign/" not in page and "owners/unassign/" not in page
    assert client.post(assign_url(record), {"assign-user": candidate.pk}).status_code == 403
    assert client.post(unassign_url(record), {"user": owner.pk}).status_code == 403
    assert active_owners(record) == {"olivia"}


def test_owner_pages_refuse_get_anonymous_and_unknown_records(client, custodian, owner, record):
    response = client.post(assign_url(record), {"assign-user": owner.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(custodian)
    assert client.get(assign_url(record)).status_code == 405
    response = client.post(
        f"/en/inventory/services/{record.pk + 999}/owners/assign/", {"assign-user": owner.pk}
    )
    assert response.status_code == 404
    assert not ServiceOwnership.objects.exists()
