"""Who sees which case: unit members, confidential cases (managers, owner, administrators), the
log of confidential reads, and confidential clients seen through their cases."""

from __future__ import annotations

import pytest
from django.http import Http404

from comptoir.accounts.roles import Role
from comptoir.casework import access, actions
from comptoir.casework.models import Case, CaseAccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


def test_members_of_the_unit_see_its_cases_and_others_do_not(
    make_case, make_member, make_unit, unit, officer
):
    case = make_case(unit, officer)
    colleague = make_member(unit)
    stranger = make_member(make_unit("elsewhere"))
    assert list(Case.objects.visible_to(colleague)) == [case]
    assert not Case.objects.visible_to(stranger).exists()
    with pytest.raises(Http404):
        access.access_case_by_reference(stranger, case.reference)
    assert access.access_case_by_reference(colleague, case.reference.lower()) == case


def test_a_former_member_no_longer_sees_the_unit_s_cases(make_case, unit, officer):
    case = make_case(unit, officer)
    officer.unit_memberships.update(is_active=False)
    assert not Case.objects.visible_to(officer).filter(pk=case.pk).exists()


def test_without_the_permission_membership_is_not_enough(make_case, make_member, unit, officer):
    case = make_case(unit, officer)
    viewer = make_member(unit, role=Role.VIEWER)
    assert not Case.objects.visible_to(viewer).filter(pk=case.pk).exists()


def test_a_referred_case_is_seen_by_the_new_unit_and_still_by_the_entry_unit(
    make_case, make_member, make_unit, unit, officer
):
    division = make_unit("division")
    expert = make_member(division)
    case = make_case(unit, officer)
    assert not Case.objects.visible_to(expert).exists()
    actions.do_refer_case(case, division, actor=officer, reason="Expert advice.")
    assert Case.objects.visible_to(expert).get() == case
    assert Case.objects.visible_to(officer).get() == case
    assert Case.objects.editable_by(expert).get() == case


def test_a_confidential_case_is_seen_by_managers_owner_and_administrators_only(
    make_case, make_member, make_user, unit, officer
):
    case = make_case(unit, officer, is_confidential=True)
    manager = make_member(unit, is_manager=True)
    colleague = make_member(unit)
    administrator = make_user(Role.ADMINISTRATOR)
    assert not Case.objects.visible_to(officer).exists()
    assert not Case.objects.visible_to(colleague).exists()
    assert Case.objects.visible_to(manager).get() == case
    assert Case.objects.visible_to(administrator).get() == case
    actions.do_assign_case(case, colleague, actor=manager)
    assert Case.objects.visible_to(colleague).get() == case
    assert not Case.objects.visible_to(officer).exists()


def test_every_read_of_a_confidential_case_is_logged(make_case, make_member, unit, officer):
    ordinary = make_case(unit, officer)
    secret = make_case(unit, officer, is_confidential=True)
    manager = make_member(unit, is_manager=True)
    access.access_case_by_reference(manager, ordinary.reference)
    assert not CaseAccessLog.objects.exists()
    access.access_case_by_reference(manager, secret.reference, page="case")
    access.access_case(manager, secret.pk, page="case")
    logs = list(CaseAccessLog.objects.values_list("case_id", "user_id", "page"))
    assert logs == [(secret.pk, manager.pk, "case")] * 2


def test_a_user_who_may_see_but_not_act_is_refused_the_change(
    make_case, make_member, unit, officer
):
    from django.contrib.auth.models import Permission
    from django.core.exceptions import PermissionDenied

    case = make_case(unit, officer)
    reader = make_member(unit, role=None)
    reader.user_permissions.add(Permission.objects.get(codename="view_case"))
    assert access.access_case_by_reference(reader, case.reference) == case
    with pytest.raises(PermissionDenied):
        access.access_case_for_edit(reader, case.reference)


def test_a_confidential_client_is_visible_to_the_staff_of_units_holding_a_case_of_theirs(
    make_case, make_member, make_unit, make_user, unit, officer
):
    from comptoir.clients.actions import do_create_client
    from comptoir.clients.models import Client

    client = do_create_client(
        kind="person",
        family_name="Gagné",
        preferred_language="fr",
        segment="public",
        is_confidential=True,
        actor=make_user(Role.ADMINISTRATOR),
    )
    stranger = make_member(make_unit("elsewhere"))
    assert not Client.objects.visible_to(officer).filter(pk=client.pk).exists()
    make_case(unit, officer, client=client, is_anonymous=False)
    assert Client.objects.visible_to(officer).filter(pk=client.pk).exists()
    assert not Client.objects.visible_to(stranger).filter(pk=client.pk).exists()
